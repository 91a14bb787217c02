import { DEMO_FIXTURE, startEmulator, type Emulator, type StateSeed } from "../../emulator";
import { rpc, rpcError, SLB_VERSION, vServerGroupParams, type Body, type Flat } from "../../harness/rpc";

const KEY = { accessKeyId: "EMUKEYESSTEST01", accessKeySecret: "emu-ess-secret" };
const REGION = "cn-hangzhou";

const SEED: StateSeed = {
    ...DEMO_FIXTURE,
    scalingGroups: [
        ...(DEMO_FIXTURE.scalingGroups ?? []),
        { scalingGroupId: "asg-beijing", regionId: "cn-beijing", instances: ["i-bj-1"] },
        { scalingGroupId: "asg-inactive", regionId: REGION, lifecycleState: "Inactive" },
        { scalingGroupId: "asg-quota-2", regionId: REGION, vServerGroupQuota: 2 },
        ...Array.from({ length: 12 }, (_, i) => ({ scalingGroupId: `asg-page-${String(i).padStart(2, "0")}`, regionId: "cn-shanghai" })),
    ],
    loadBalancers: [
        ...(DEMO_FIXTURE.loadBalancers ?? []),
        { loadBalancerId: "lb-beijing", regionId: "cn-beijing", vServerGroups: ["rsp-bj-80"] },
        { loadBalancerId: "lb-stopped", regionId: REGION, status: "inactive", vServerGroups: ["rsp-stopped-80"] },
        { loadBalancerId: "lb-nohc", regionId: REGION, healthCheck: false, vServerGroups: ["rsp-nohc-80"] },
        { loadBalancerId: "lb-many", regionId: REGION, vServerGroups: Array.from({ length: 8 }, (_, i) => `rsp-many-${i + 1}`) },
    ],
};

let emu: Emulator;
beforeEach(async () => {
    emu = await startEmulator({ state: SEED, keys: [KEY] });
});
afterEach(() => emu.close());

type Entry = { loadBalancerId: string; vServerGroupId: string; port: number; weight?: number };
const WEB80: Entry = { loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port: 80 };
const API8080: Entry = { loadBalancerId: "lb-api", vServerGroupId: "rsp-api-8080", port: 8080, weight: 20 };

const change = (action: string, scalingGroupId: string, entries: Entry[], extra: Flat = {}) => ({
    action,
    params: { RegionId: REGION, ScalingGroupId: scalingGroupId, ...vServerGroupParams(entries), ...extra },
});
const attach = (sg: string, entries: Entry[], extra: Flat = {}) => {
    const c = change("AttachVServerGroups", sg, entries, extra);
    return rpc(emu.host, KEY, c.action, c.params);
};
const detach = (sg: string, entries: Entry[], extra: Flat = {}) => {
    const c = change("DetachVServerGroups", sg, entries, extra);
    return rpc(emu.host, KEY, c.action, c.params);
};
const attachError = (sg: string, entries: Entry[], extra: Flat = {}) => {
    const c = change("AttachVServerGroups", sg, entries, extra);
    return rpcError(emu.host, KEY, c.action, c.params);
};
const backend = async (vServerGroupId: string) => {
    const body = await rpc(
        emu.host,
        KEY,
        "DescribeVServerGroupAttribute",
        { RegionId: REGION, VServerGroupId: vServerGroupId },
        { version: SLB_VERSION },
    );
    return (body.BackendServers as { BackendServer: Body[] }).BackendServer;
};
const attached = (sg: string) => emu.control.scalingGroup(sg)?.vServerGroups;

describe("AttachVServerGroups / DetachVServerGroups", () => {
    it("attaches with default weight 50 and shows up in DescribeScalingGroups", async () => {
        const body = await attach("asg-demo", [WEB80, API8080]);
        expect(Object.keys(body)).toEqual(["RequestId"]);
        const described = await rpc(emu.host, KEY, "DescribeScalingGroups", { RegionId: REGION, "ScalingGroupId.1": "asg-demo" });
        expect(described).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 10 });
        // Only the fields this test is about; test/compat pins the whole documented shape.
        expect((described.ScalingGroups as { ScalingGroup: Body[] }).ScalingGroup).toMatchObject([
            {
                ScalingGroupId: "asg-demo",
                ScalingGroupName: "demo",
                RegionId: REGION,
                LifecycleState: "Active",
                ActiveCapacity: 2,
                TotalCapacity: 2,
                VServerGroups: {
                    VServerGroup: [
                        {
                            LoadBalancerId: "lb-web",
                            VServerGroupAttributes: { VServerGroupAttribute: [{ VServerGroupId: "rsp-web-80", Port: 80, Weight: 50 }] },
                        },
                        {
                            LoadBalancerId: "lb-api",
                            VServerGroupAttributes: { VServerGroupAttribute: [{ VServerGroupId: "rsp-api-8080", Port: 8080, Weight: 20 }] },
                        },
                    ],
                },
            },
        ]);
    });

    it("takes VServerGroup.N.* as optional, as documented: a call without them changes nothing", async () => {
        await attach("asg-demo", [WEB80]);
        await expect(attach("asg-demo", [], { ForceAttach: true })).resolves.toHaveProperty("RequestId");
        await expect(detach("asg-demo", [], { ForceDetach: true })).resolves.toHaveProperty("RequestId");
        expect(attached("asg-demo")).toEqual([{ ...WEB80, weight: 50 }]);
    });

    it("keeps the first of a duplicated (VServerGroupId, Port) and treats a re-attach as a no-op", async () => {
        await attach("asg-demo", [
            { ...WEB80, weight: 10 },
            { ...WEB80, weight: 90 },
        ]);
        expect(attached("asg-demo")).toEqual([{ ...WEB80, weight: 10 }]);
        await attach("asg-demo", [{ ...WEB80, weight: 70 }]);
        expect(attached("asg-demo")).toEqual([{ ...WEB80, weight: 10 }]);
        // The same group on another port is another attachment.
        await attach("asg-demo", [{ ...WEB80, port: 8080 }]);
        expect(attached("asg-demo")).toHaveLength(2);
    });

    it("ForceAttach=true registers the InService instances; false registers none", async () => {
        emu.control.addInstance("asg-demo", "i-pending", "Pending");
        await attach("asg-demo", [{ ...WEB80, weight: 30 }], { ForceAttach: true });
        expect(await backend("rsp-web-80")).toEqual([
            { ServerId: "i-demo-1", Port: 80, Weight: 30, Type: "ecs" },
            { ServerId: "i-demo-2", Port: 80, Weight: 30, Type: "ecs" },
        ]);
        await attach("asg-demo", [API8080], { ForceAttach: false });
        expect(await backend("rsp-api-8080")).toEqual([]);
    });

    it("an instance joining the scaling group is added to every attached group; leaving removes it", async () => {
        await attach("asg-demo", [WEB80, API8080]);
        emu.control.addInstance("asg-demo", "i-new");
        expect(await backend("rsp-web-80")).toEqual([{ ServerId: "i-new", Port: 80, Weight: 50, Type: "ecs" }]);
        expect(await backend("rsp-api-8080")).toEqual([{ ServerId: "i-new", Port: 8080, Weight: 20, Type: "ecs" }]);
        emu.control.removeInstance("asg-demo", "i-new");
        expect(await backend("rsp-web-80")).toEqual([]);
    });

    it("ForceDetach=true removes the group's instances; false leaves them", async () => {
        const other = { serverId: "i-other", port: 80, weight: 5, type: "ecs" as const };
        emu.control.seed({
            ...SEED,
            loadBalancers: SEED.loadBalancers?.map((lb) =>
                lb.loadBalancerId === "lb-web"
                    ? { ...lb, vServerGroups: [{ vServerGroupId: "rsp-web-80", backendServers: [other] }, "rsp-web-443"] }
                    : lb,
            ),
        });
        const WEB443 = { loadBalancerId: "lb-web", vServerGroupId: "rsp-web-443", port: 443 };
        await attach("asg-demo", [WEB80, WEB443], { ForceAttach: true });
        expect((await backend("rsp-web-80")).map((b) => b.ServerId)).toEqual(["i-other", "i-demo-1", "i-demo-2"]);

        await detach("asg-demo", [WEB443], { ForceDetach: false });
        expect((await backend("rsp-web-443")).map((b) => b.ServerId)).toEqual(["i-demo-1", "i-demo-2"]);

        await detach("asg-demo", [WEB80], { ForceDetach: true });
        expect(await backend("rsp-web-80")).toEqual([{ ServerId: "i-other", Port: 80, Weight: 5, Type: "ecs" }]);
        expect(attached("asg-demo")).toEqual([]);
    });

    it("detaching something not attached is ignored without error", async () => {
        await attach("asg-demo", [WEB80]);
        await expect(
            detach("asg-demo", [
                { ...WEB80, port: 81 },
                { loadBalancerId: "lb-unknown", vServerGroupId: "rsp-x", port: 1 },
            ]),
        ).resolves.toHaveProperty("RequestId");
        expect(attached("asg-demo")).toEqual([{ ...WEB80, weight: 50 }]);
    });

    it("ClientToken makes a repeated attach idempotent", async () => {
        await attach("asg-quota-2", [WEB80, API8080], { ClientToken: "tok-1" });
        await expect(attach("asg-quota-2", [WEB80, API8080], { ClientToken: "tok-1" })).resolves.toHaveProperty("RequestId");
        expect(attached("asg-quota-2")).toHaveLength(2);
    });
});

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
            () => rpcError(emu.host, KEY, "AttachVServerGroups", { ScalingGroupId: "asg-demo", ...vServerGroupParams([WEB80]) }),
            400,
            "MissingParameter",
            "RegionId",
        ],
        [
            "ScalingGroupId missing",
            () => rpcError(emu.host, KEY, "DetachVServerGroups", { RegionId: REGION, ...vServerGroupParams([WEB80]) }),
            400,
            "MissingParameter",
            "ScalingGroupId",
        ],
        ["unknown scaling group, no VServer group", () => attachError("asg-nope", []), 404, "InvalidScalingGroupId.NotFound"],
        [
            "unknown scaling group, incomplete VServer group",
            () =>
                rpcError(emu.host, KEY, "AttachVServerGroups", {
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
                rpcError(emu.host, KEY, "AttachVServerGroups", {
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
                rpcError(emu.host, KEY, "AttachVServerGroups", {
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
            () => rpcError(emu.host, KEY, "DetachVServerGroups", change("", "asg-nope", [WEB80]).params),
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
        emu.control.updateScalingGroup("asg-quota-2", { vServerGroupQuota: 3 });
        await attach("asg-quota-2", [WEB80, { ...WEB80, port: 81 }]);
        expect(attached("asg-quota-2")).toHaveLength(3);
    });

    it("refuses changes while a scaling activity is in progress or the group is not Active", async () => {
        emu.control.updateScalingGroup("asg-demo", { activityInProgress: true });
        expect((await attachError("asg-demo", [WEB80])).code).toBe("IncorrectScalingGroupStatus");
        const d = change("DetachVServerGroups", "asg-demo", [WEB80]);
        expect((await rpcError(emu.host, KEY, d.action, d.params)).code).toBe("IncorrectScalingGroupStatus");
        emu.control.updateScalingGroup("asg-demo", { activityInProgress: false, lifecycleState: "Deleting" });
        expect((await attachError("asg-demo", [WEB80])).code).toBe("IncorrectScalingGroupStatus");
        emu.control.updateScalingGroup("asg-demo", { lifecycleState: "Active" });
        await expect(attach("asg-demo", [WEB80])).resolves.toHaveProperty("RequestId");
    });

    it("SLB DescribeVServerGroupAttribute of an unknown group is 404", async () => {
        const err = await rpcError(
            emu.host,
            KEY,
            "DescribeVServerGroupAttribute",
            { RegionId: REGION, VServerGroupId: "rsp-nope" },
            { version: SLB_VERSION },
        );
        expect([err.statusCode, err.code]).toEqual([404, "InvalidVServerGroupId.NotFound"]);
    });
});

describe("DescribeScalingGroups", () => {
    const describe_ = (params: Flat) => rpc(emu.host, KEY, "DescribeScalingGroups", params);
    const ids = (body: Body) => (body.ScalingGroups as { ScalingGroup: Body[] }).ScalingGroup.map((g) => g.ScalingGroupId);

    it("pages through a region", async () => {
        const first = await describe_({ RegionId: "cn-shanghai" });
        expect(first).toMatchObject({ TotalCount: 12, PageNumber: 1, PageSize: 10 });
        expect(ids(first)).toHaveLength(10);
        const second = await describe_({ RegionId: "cn-shanghai", PageNumber: 2, PageSize: 10 });
        expect(ids(second)).toEqual(["asg-page-10", "asg-page-11"]);
        const big = await describe_({ RegionId: "cn-shanghai", PageSize: 50 });
        expect(ids(big)).toHaveLength(12);
    });

    it("filters by ScalingGroupId.N; unknown ids and other regions are simply absent", async () => {
        const body = await describe_({
            RegionId: REGION,
            "ScalingGroupId.1": "asg-demo-2",
            "ScalingGroupId.2": "asg-nope",
            "ScalingGroupId.3": "asg-beijing",
        });
        expect(ids(body)).toEqual(["asg-demo-2"]);
        expect(body.TotalCount).toBe(1);
        const none = await describe_({ RegionId: REGION, "ScalingGroupId.1": "asg-nope" });
        expect(none).toMatchObject({ TotalCount: 0, ScalingGroups: { ScalingGroup: [] } });
    });

    it("reports LifecycleState", async () => {
        const body = await describe_({ RegionId: REGION, "ScalingGroupId.1": "asg-inactive" });
        expect((body.ScalingGroups as { ScalingGroup: Body[] }).ScalingGroup[0].LifecycleState).toBe("Inactive");
    });

    it.each([
        [{ "ScalingGroupId.1": "asg-demo" }, "MissingParameter", "RegionId"],
        [{ RegionId: REGION, PageSize: 51 }, "InvalidParameter", "PageSize"],
        [{ RegionId: REGION, PageNumber: 0 }, "InvalidParameter", "PageNumber"],
        [{ RegionId: REGION, "ScalingGroupId.21": "asg-demo" }, "InvalidParameter", "ScalingGroupId.21"],
    ] as Array<[Flat, string, string]>)("rejects %j", async (params, code, parameter) => {
        const err = await rpcError(emu.host, KEY, "DescribeScalingGroups", params);
        expect([err.statusCode, err.code]).toEqual([400, code]);
        expect(err.message).toContain(`"${parameter}"`);
    });
});
