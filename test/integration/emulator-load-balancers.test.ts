import { KEY, loadBalancerParams, trafficTestbed, VERSIONS } from "../../harness/traffic-testbed";
import { rpc, SLB_VERSION, type Body } from "../../harness/rpc";

const bed = trafficTestbed();

describe.each(VERSIONS)("AttachLoadBalancers / DetachLoadBalancers (%s)", (version) => {
    const plural = version === "2022-02-22" ? "s" : "";
    const attach = (ids: string[], extra = {}, weights?: number[], sg = "asg-demo") =>
        bed.call(version, "AttachLoadBalancers", sg, { ...loadBalancerParams(version, ids, weights), ...extra });
    const detach = (ids: string[], extra = {}, sg = "asg-demo") =>
        bed.call(version, "DetachLoadBalancers", sg, { ...loadBalancerParams(version, ids), ...extra });
    const attachError = (ids: string[], extra = {}, sg = "asg-demo") =>
        bed.fail(version, "AttachLoadBalancers", sg, { ...loadBalancerParams(version, ids), ...extra });

    it("attaches by id (weight 50) or by config (its weight), listed as LoadBalancerIds and LoadBalancerConfigs", async () => {
        expect(Object.keys(await attach(["lb-classic"]))).toEqual(["RequestId"]);
        await attach(["lb-many-1"], {}, [80]);
        expect(await bed.described(version, "asg-demo")).toMatchObject({
            loadBalancerIds: ["lb-classic", "lb-many-1"],
            loadBalancerConfigs: [
                { LoadBalancerId: "lb-classic", Weight: 50 },
                { LoadBalancerId: "lb-many-1", Weight: 80 },
            ],
        });
        // Without ForceAttach the default group gets no instances.
        expect(bed.backendIds("lb-classic")).toEqual([]);
    });

    it("ForceAttach without Async registers the InService instances before it answers; SLB shows them", async () => {
        const body = await attach(["lb-classic"], { ForceAttach: true }, [70]);
        expect(body.ScalingActivityId).toBeUndefined();
        expect(bed.emu.control.backendServers("lb-classic")).toEqual([
            { serverId: "i-demo-1", weight: 70, type: "ecs" },
            { serverId: "i-demo-2", weight: 70, type: "ecs" },
        ]);
        const slb = await rpc(
            bed.emu.host,
            KEY,
            "DescribeLoadBalancerAttribute",
            {
                RegionId: "cn-hangzhou",
                LoadBalancerId: "lb-classic",
            },
            { version: SLB_VERSION },
        );
        expect((slb.BackendServers as { BackendServer: Body[] }).BackendServer).toEqual([
            { ServerId: "i-demo-1", Weight: 70, Type: "ecs" },
            { ServerId: "i-demo-2", Weight: 70, Type: "ecs" },
        ]);
    });

    it("Async=true starts an activity (ScalingActivityId) that applies the change when it succeeds", async () => {
        bed.emu.control.pauseActivities();
        const { ScalingActivityId: id } = await attach(["lb-classic"], { ForceAttach: true, Async: true });
        expect(id).toMatch(/^asa-/);
        expect((await bed.described(version, "asg-demo")).loadBalancerIds).toEqual([]);
        expect(await attachError(["lb-many-1"], { Async: true })).toMatchObject({ code: "ScalingActivityInProgress" });
        bed.emu.control.resumeActivities();
        expect(await bed.emu.control.activityDone(id as string)).toMatchObject({ statusCode: "Successful" });
        expect(bed.backendIds("lb-classic")).toEqual(["i-demo-1", "i-demo-2"]);
        const { ScalingActivityId: out } = await detach(["lb-classic"], { ForceDetach: true, Async: true });
        expect(await bed.emu.control.activityDone(out as string)).toMatchObject({ statusCode: "Successful" });
        expect(bed.backendIds("lb-classic")).toEqual([]);
        expect((await bed.described(version, "asg-demo")).loadBalancerIds).toEqual([]);
    });

    it("a Rejected activity changes nothing", async () => {
        bed.emu.control.failNextActivity({ status: "Rejected", statusMessage: "The load balancer lb-classic is locked." });
        const { ScalingActivityId: id } = await attach(["lb-classic"], { ForceAttach: true, Async: true });
        expect(await bed.emu.control.activityDone(id as string)).toMatchObject({
            statusCode: "Rejected",
            statusMessage: "The load balancer lb-classic is locked.",
        });
        expect((await bed.described(version, "asg-demo")).loadBalancerIds).toEqual([]);
        expect(bed.backendIds("lb-classic")).toEqual([]);
    });

    it("ForceDetach removes the group's instances from the default group, other backends stay; detaching an unattached id is a no-op", async () => {
        bed.emu.control.seed({
            scalingGroups: [
                { scalingGroupId: "asg-demo", regionId: "cn-hangzhou", instances: ["i-demo-1"], loadBalancerIds: ["lb-classic"] },
            ],
            loadBalancers: [
                {
                    loadBalancerId: "lb-classic",
                    regionId: "cn-hangzhou",
                    backendServers: [{ serverId: "i-demo-1" }, { serverId: "i-other" }],
                },
            ],
        });
        await detach(["lb-classic", "lb-unattached"], { ForceDetach: true });
        expect(bed.backendIds("lb-classic")).toEqual(["i-other"]);
        expect((await bed.described(version, "asg-demo")).loadBalancerConfigs).toEqual([]);
    });

    it("takes at most 5 load balancers per call and the group's quota", async () => {
        const six = Array.from({ length: 6 }, (_, i) => `lb-many-${i + 1}`);
        expect(await attachError(six)).toMatchObject({
            code: "InvalidParameter",
            message: expect.stringContaining(`LoadBalancer${plural}.6`),
        });
        await attach(six.slice(0, 5));
        expect(await attachError(["lb-classic"])).toMatchObject({ code: "QuotaExceeded.LoadBalancer", statusCode: 400 });
        await attach(["lb-many-1"]);
        expect(await attachError(["lb-classic", "lb-many-1"], {}, "asg-quota-1")).toMatchObject({ code: "QuotaExceeded.LoadBalancer" });
    });

    it("answers each error code", async () => {
        expect(await bed.fail(version, "AttachLoadBalancers", "asg-demo", {})).toMatchObject({ code: "MissingParameter", statusCode: 400 });
        expect(await bed.fail(version, "DetachLoadBalancers", "asg-demo", {})).toMatchObject({ code: "MissingParameter" });
        expect(await attachError(["lb-classic"], {}, "asg-missing")).toMatchObject({
            code: "InvalidScalingGroupId.NotFound",
            statusCode: 404,
        });
        expect(await attachError(["lb-missing"])).toMatchObject({ code: "InvalidLoadBalancerId.NotFound", statusCode: 404 });
        expect(await attachError(["lb-beijing"])).toMatchObject({ code: "InvalidLoadBalancerId.RegionMismatch" });
        expect(await attachError(["lb-stopped"])).toMatchObject({ code: "IncorrectLoadBalancerStatus" });
        expect(await attachError(["lb-nohc"])).toMatchObject({ code: "IncorrectLoadBalancerHealthCheck" });
        expect(await attachError(["lb-classic"], {}, "asg-inactive")).toMatchObject({
            code: "IncorrectScalingGroupStatus",
            statusCode: 403,
        });
        expect(
            await bed.fail(version, "AttachLoadBalancers", "asg-demo", loadBalancerParams(version, ["lb-classic"], [101])),
        ).toMatchObject({
            code: "InvalidParameter",
            message: expect.stringContaining(`LoadBalancerConfig${plural}.1.Weight`),
        });
        expect(await attachError(["lb-classic"], { ForceAttach: "yes" })).toMatchObject({ code: "InvalidParameter" });
        expect((await bed.described(version, "asg-demo")).loadBalancerIds).toEqual([]);
    });
});

describe.each(VERSIONS)("DescribeScalingActivities (%s)", (version) => {
    const ids = version === "2014-08-28" ? "ScalingActivityId" : "ScalingActivityIds";
    const activities = async (params: Record<string, string | number>) => {
        const body = await rpc(
            bed.emu.host,
            KEY,
            "DescribeScalingActivities",
            {
                RegionId: "cn-hangzhou",
                ...params,
            },
            { version },
        );
        const list =
            version === "2014-08-28"
                ? (body.ScalingActivities as { ScalingActivity: Body[] }).ScalingActivity
                : (body.ScalingActivities as Body[]);
        return { body, list };
    };
    const start = async (sg = "asg-demo") =>
        (
            await bed.call(version, "AttachServerGroups", sg, {
                [`${version === "2014-08-28" ? "ServerGroup" : "ServerGroups"}.1.ServerGroupId`]: "sgp-gwlb-fw",
                [`${version === "2014-08-28" ? "ServerGroup" : "ServerGroups"}.1.Type`]: "GWLB",
                ForceAttach: true,
            })
        ).ScalingActivityId as string;

    it("answers InProgress then Successful with Progress, times and the documented fields", async () => {
        bed.emu.control.pauseActivities();
        const id = await start();
        const { body, list } = await activities({ ScalingGroupId: "asg-demo" });
        expect(body).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 10 });
        expect(list).toMatchObject([
            { ScalingActivityId: id, ScalingGroupId: "asg-demo", StatusCode: "InProgress", Progress: 0, TotalCapacity: "2" },
        ]);
        expect(list[0].StartTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
        expect(list[0]).not.toHaveProperty("EndTime");
        bed.emu.control.resumeActivities();
        await bed.emu.control.activityDone(id);
        const [done] = (await activities({ [`${ids}.1`]: id })).list;
        expect(done).toMatchObject({ StatusCode: "Successful", Progress: 100, Description: expect.stringContaining("sgp-gwlb-fw") });
        expect(done.EndTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    });

    it("filters by StatusCode and ids, newest first, pages; a failed one carries its StatusMessage", async () => {
        const first = await start();
        await bed.emu.control.activityDone(first);
        bed.emu.control.failNextActivity({ scalingGroupId: "asg-demo", status: "Failed", statusMessage: "ECS i-demo-2 is not running." });
        const second = await start();
        await bed.emu.control.activityDone(second);
        expect((await activities({ ScalingGroupId: "asg-demo" })).list.map((a) => a.ScalingActivityId)).toEqual([second, first]);
        expect((await activities({ ScalingGroupId: "asg-demo", StatusCode: "Failed" })).list).toMatchObject([
            { ScalingActivityId: second, StatusCode: "Failed", StatusMessage: "ECS i-demo-2 is not running." },
        ]);
        const page2 = await activities({ ScalingGroupId: "asg-demo", PageSize: 1, PageNumber: 2 });
        expect(page2.body).toMatchObject({ TotalCount: 2, PageNumber: 2, PageSize: 1 });
        expect(page2.list.map((a) => a.ScalingActivityId)).toEqual([first]);
        expect((await activities({ [`${ids}.1`]: "asa-unknown" })).list).toEqual([]);
    });

    it("answers the parameter errors", async () => {
        const fail = (params: Record<string, string | number>) => bed.fail(version, "DescribeScalingActivities", "", params);
        expect(await bed.fail(version, "DescribeScalingActivities", "asg-demo", { StatusCode: "Done" })).toMatchObject({
            code: "InvalidParameter",
        });
        expect(await bed.fail(version, "DescribeScalingActivities", "asg-demo", { PageSize: 51 })).toMatchObject({
            code: "InvalidParameter",
        });
        expect(await bed.fail(version, "DescribeScalingActivities", "asg-missing", {})).toMatchObject({
            code: "InvalidScalingGroupId.NotFound",
        });
        // Neither ScalingGroupId nor an activity id.
        expect(await fail({})).toMatchObject({ code: "MissingParameter" });
        const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`${ids}.${i + 1}`, `asa-${i}`]));
        expect(await fail(tooMany)).toMatchObject({ code: "InvalidParameter" });
    });
});
