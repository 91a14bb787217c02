import { API8080, change, essTestbed, KEY, REGION, WEB80 } from "../../harness/ess-testbed";
import { rpcError, SLB_VERSION, vServerGroupParams } from "../../harness/rpc";

const bed = essTestbed();
const { attach, attachError, backend, attached } = bed;

describe("errors", () => {
    type Case = [
        name: string,
        call: () => Promise<{ statusCode: number; code: string; message: string }>,
        status: number,
        code: string,
        parameter?: string,
    ];
    const cases: Case[] = [
        [
            "RegionId missing",
            () => rpcError(bed.emu.host, KEY, "AttachVServerGroups", { ScalingGroupId: "asg-demo", ...vServerGroupParams([WEB80]) }),
            400,
            "MissingParameter",
            "RegionId",
        ],
        [
            "ScalingGroupId missing",
            () => rpcError(bed.emu.host, KEY, "DetachVServerGroups", { RegionId: REGION, ...vServerGroupParams([WEB80]) }),
            400,
            "MissingParameter",
            "ScalingGroupId",
        ],
        ["unknown scaling group, no VServer group", () => attachError("asg-nope", []), 404, "InvalidScalingGroupId.NotFound"],
        [
            "unknown scaling group, incomplete VServer group",
            () =>
                rpcError(bed.emu.host, KEY, "AttachVServerGroups", {
                    RegionId: REGION,
                    ScalingGroupId: "asg-nope",
                    "VServerGroup.1.VServerGroupAttribute.1.VServerGroupId": "rsp-web-80",
                }),
            404,
            "InvalidScalingGroupId.NotFound",
        ],
        [
            "LoadBalancerId missing",
            () =>
                rpcError(bed.emu.host, KEY, "AttachVServerGroups", {
                    RegionId: REGION,
                    ScalingGroupId: "asg-demo",
                    "VServerGroup.1.VServerGroupAttribute.1.VServerGroupId": "rsp-web-80",
                    "VServerGroup.1.VServerGroupAttribute.1.Port": 80,
                }),
            400,
            "MissingParameter",
            "VServerGroup.1.LoadBalancerId",
        ],
        [
            "Port missing",
            () =>
                rpcError(bed.emu.host, KEY, "AttachVServerGroups", {
                    RegionId: REGION,
                    ScalingGroupId: "asg-demo",
                    "VServerGroup.1.LoadBalancerId": "lb-web",
                    "VServerGroup.1.VServerGroupAttribute.1.VServerGroupId": "rsp-web-80",
                }),
            400,
            "MissingParameter",
            "VServerGroup.1.VServerGroupAttribute.1.Port",
        ],
        [
            "Port 0",
            () => attachError("asg-demo", [{ ...WEB80, port: 0 }]),
            400,
            "InvalidParameter",
            "VServerGroup.1.VServerGroupAttribute.1.Port",
        ],
        [
            "Port 65536",
            () => attachError("asg-demo", [{ ...WEB80, port: 65536 }]),
            400,
            "InvalidParameter",
            "VServerGroup.1.VServerGroupAttribute.1.Port",
        ],
        [
            "Weight 101",
            () => attachError("asg-demo", [{ ...WEB80, weight: 101 }]),
            400,
            "InvalidParameter",
            "VServerGroup.1.VServerGroupAttribute.1.Weight",
        ],
        ["ForceAttach not boolean", () => attachError("asg-demo", [WEB80], { ForceAttach: "yes" }), 400, "InvalidParameter", "ForceAttach"],
        [
            "6 load balancers in one call",
            () =>
                attachError(
                    "asg-demo",
                    Array.from({ length: 6 }, (_, i) => ({ loadBalancerId: `lb-${i}`, vServerGroupId: `rsp-${i}`, port: 80 })),
                ),
            400,
            "InvalidParameter",
            "VServerGroup.6",
        ],
        [
            "6 groups of one load balancer in one call",
            () =>
                attachError(
                    "asg-demo",
                    Array.from({ length: 6 }, (_, i) => ({ loadBalancerId: "lb-many", vServerGroupId: `rsp-many-${i + 1}`, port: 80 })),
                ),
            400,
            "InvalidParameter",
            "VServerGroup.1.VServerGroupAttribute.6",
        ],
        ["unknown scaling group", () => attachError("asg-nope", [WEB80]), 404, "InvalidScalingGroupId.NotFound"],
        ["scaling group in another region", () => attachError("asg-beijing", [WEB80]), 404, "InvalidScalingGroupId.NotFound"],
        [
            "detach on unknown scaling group",
            () => rpcError(bed.emu.host, KEY, "DetachVServerGroups", change("", "asg-nope", [WEB80]).params),
            404,
            "InvalidScalingGroupId.NotFound",
        ],
        [
            "unknown load balancer",
            () => attachError("asg-demo", [{ ...WEB80, loadBalancerId: "lb-nope" }]),
            404,
            "InvalidLoadBalancerId.NotFound",
        ],
        [
            "load balancer in another region",
            () => attachError("asg-demo", [{ loadBalancerId: "lb-beijing", vServerGroupId: "rsp-bj-80", port: 80 }]),
            400,
            "InvalidLoadBalancerId.RegionMismatch",
        ],
        [
            "VServer group of another load balancer",
            () => attachError("asg-demo", [{ ...WEB80, vServerGroupId: "rsp-api-8080" }]),
            400,
            "InvalidVServerGroupId.ForLoadBalancer",
        ],
        [
            "inactive load balancer",
            () => attachError("asg-demo", [{ loadBalancerId: "lb-stopped", vServerGroupId: "rsp-stopped-80", port: 80 }]),
            400,
            "IncorrectLoadBalancerStatus",
        ],
        [
            "load balancer without health check",
            () => attachError("asg-demo", [{ loadBalancerId: "lb-nohc", vServerGroupId: "rsp-nohc-80", port: 80 }]),
            400,
            "IncorrectLoadBalancerHealthCheck",
        ],
        ["inactive scaling group", () => attachError("asg-inactive", [WEB80]), 403, "IncorrectScalingGroupStatus"],
        ["quota", () => attachError("asg-quota-2", [WEB80, API8080, { ...WEB80, port: 81 }]), 400, "QuotaExceeded.VServerGroup"],
    ];

    // One object argument: jest would take a fifth positional parameter for a done callback.
    it.each(cases.map(([name, call, status, code, parameter]) => ({ name, call, status, code, parameter })))(
        "$name",
        async ({ call, status, code, parameter }) => {
            const err = await call();
            expect([err.statusCode, err.code]).toEqual([status, code]);
            if (parameter) expect(err.message).toContain(`"${parameter}`);
        },
    );

    it("validates the whole request before changing anything", async () => {
        await attachError("asg-demo", [WEB80, { ...WEB80, vServerGroupId: "rsp-nope", port: 81 }], { ForceAttach: true });
        expect(attached("asg-demo")).toEqual([]);
        expect(await backend("rsp-web-80")).toEqual([]);
    });

    it("quota counts attachments after the change; re-attaching existing ones does not count twice", async () => {
        await attach("asg-quota-2", [WEB80, API8080]);
        await expect(attach("asg-quota-2", [WEB80])).resolves.toHaveProperty("RequestId");
        const err = await attachError("asg-quota-2", [WEB80, { ...WEB80, port: 81 }]);
        expect(err.code).toBe("QuotaExceeded.VServerGroup");
        bed.emu.control.updateScalingGroup("asg-quota-2", { vServerGroupQuota: 3 });
        await attach("asg-quota-2", [WEB80, { ...WEB80, port: 81 }]);
        expect(attached("asg-quota-2")).toHaveLength(3);
    });

    it("refuses changes while a scaling activity is in progress or the group is not Active", async () => {
        bed.emu.control.updateScalingGroup("asg-demo", { activityInProgress: true });
        expect((await attachError("asg-demo", [WEB80])).code).toBe("IncorrectScalingGroupStatus");
        const d = change("DetachVServerGroups", "asg-demo", [WEB80]);
        expect((await rpcError(bed.emu.host, KEY, d.action, d.params)).code).toBe("IncorrectScalingGroupStatus");
        bed.emu.control.updateScalingGroup("asg-demo", { activityInProgress: false, lifecycleState: "Deleting" });
        expect((await attachError("asg-demo", [WEB80])).code).toBe("IncorrectScalingGroupStatus");
        bed.emu.control.updateScalingGroup("asg-demo", { lifecycleState: "Active" });
        await expect(attach("asg-demo", [WEB80])).resolves.toHaveProperty("RequestId");
    });

    it("SLB DescribeVServerGroupAttribute of an unknown group is 404", async () => {
        const err = await rpcError(
            bed.emu.host,
            KEY,
            "DescribeVServerGroupAttribute",
            { RegionId: REGION, VServerGroupId: "rsp-nope" },
            { version: SLB_VERSION },
        );
        expect([err.statusCode, err.code]).toEqual([404, "InvalidVServerGroupId.NotFound"]);
    });
});
