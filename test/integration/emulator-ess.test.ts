import { API8080, essTestbed, KEY, REGION, SEED, WEB80 } from "../../harness/ess-testbed";
import { rpc, rpcError, type Body, type Flat } from "../../harness/rpc";

const bed = essTestbed();
const { attach, detach, backend, attached } = bed;

describe("AttachVServerGroups / DetachVServerGroups", () => {
    it("attaches with default weight 50 and shows up in DescribeScalingGroups", async () => {
        const body = await attach("asg-demo", [WEB80, API8080]);
        expect(Object.keys(body)).toEqual(["RequestId"]);
        const described = await rpc(bed.emu.host, KEY, "DescribeScalingGroups", { RegionId: REGION, "ScalingGroupId.1": "asg-demo" });
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
        bed.emu.control.addInstance("asg-demo", "i-pending", "Pending");
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
        bed.emu.control.addInstance("asg-demo", "i-new");
        expect(await backend("rsp-web-80")).toEqual([{ ServerId: "i-new", Port: 80, Weight: 50, Type: "ecs" }]);
        expect(await backend("rsp-api-8080")).toEqual([{ ServerId: "i-new", Port: 8080, Weight: 20, Type: "ecs" }]);
        bed.emu.control.removeInstance("asg-demo", "i-new");
        expect(await backend("rsp-web-80")).toEqual([]);
    });

    it("ForceDetach=true removes the group's instances; false leaves them", async () => {
        const other = { serverId: "i-other", port: 80, weight: 5, type: "ecs" as const };
        bed.emu.control.seed({
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

describe("DescribeScalingGroups", () => {
    const describe_ = (params: Flat) => rpc(bed.emu.host, KEY, "DescribeScalingGroups", params);
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
        const err = await rpcError(bed.emu.host, KEY, "DescribeScalingGroups", params);
        expect([err.statusCode, err.code]).toEqual([400, code]);
        expect(err.message).toContain(`"${parameter}"`);
    });
});
