import { serverGroupParams, trafficTestbed, VERSIONS, type ServerGroupEntry } from "../../harness/traffic-testbed";

const bed = trafficTestbed();
const ALB: ServerGroupEntry = { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 };
const NLB: ServerGroupEntry = { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 443, weight: 100 };
const GWLB: ServerGroupEntry = { serverGroupId: "sgp-gwlb-fw", type: "GWLB" };

describe.each(VERSIONS)("AttachServerGroups / DetachServerGroups (%s)", (version) => {
    const attach = (entries: ServerGroupEntry[], extra = {}, sg = "asg-demo") =>
        bed.call(version, "AttachServerGroups", sg, { ...serverGroupParams(version, entries), ...extra });
    const detach = (entries: ServerGroupEntry[], extra = {}, sg = "asg-demo") =>
        bed.call(version, "DetachServerGroups", sg, { ...serverGroupParams(version, entries), ...extra });
    const attachError = (entries: ServerGroupEntry[], extra = {}, sg = "asg-demo") =>
        bed.fail(version, "AttachServerGroups", sg, { ...serverGroupParams(version, entries), ...extra });

    it("attaches ALB, NLB and GWLB entries without ForceAttach: no activity, no backends, listed by DescribeScalingGroups", async () => {
        const body = await attach([ALB, NLB, GWLB]);
        expect(Object.keys(body)).toEqual(["RequestId"]);
        expect((await bed.described(version, "asg-demo")).serverGroups).toEqual([
            { ServerGroupId: "sgp-alb-web", Type: "ALB", Port: 80, Weight: 30 },
            { ServerGroupId: "sgp-nlb-tcp", Type: "NLB", Port: 443, Weight: 100 },
            // GWLB takes no port and no weight: ESS registers on 6081.
            { ServerGroupId: "sgp-gwlb-fw", Type: "GWLB", Port: 6081 },
        ]);
        expect(bed.backendIds("sgp-alb-web")).toEqual([]);
        expect(bed.emu.control.activities()).toEqual([]);
    });

    it("ForceAttach starts an activity that registers the InService instances with port and weight once it succeeds", async () => {
        bed.emu.control.addInstance("asg-demo", "i-pending", "Pending");
        const body = await attach([ALB, GWLB], { ForceAttach: true });
        expect(body.ScalingActivityId).toMatch(/^asa-[0-9a-f]+$/);
        const done = await bed.emu.control.activityDone(body.ScalingActivityId as string);
        expect(done).toMatchObject({ statusCode: "Successful", progress: 100, scalingGroupId: "asg-demo" });
        expect(bed.emu.control.backendServers("sgp-alb-web")).toEqual([
            { serverId: "i-demo-1", port: 80, weight: 30, type: "ecs" },
            { serverId: "i-demo-2", port: 80, weight: 30, type: "ecs" },
        ]);
        expect(bed.backendIds("sgp-gwlb-fw")).toEqual(["i-demo-1", "i-demo-2"]);
        expect(bed.emu.control.backendServers("sgp-gwlb-fw")[0].port).toBe(6081);
        // An instance joining later is registered too.
        bed.emu.control.addInstance("asg-demo", "i-new");
        expect(bed.backendIds("sgp-alb-web")).toEqual(["i-demo-1", "i-demo-2", "i-new"]);
    });

    it("the change waits for the activity: paused, the entry is not listed and the backends are empty", async () => {
        bed.emu.control.pauseActivities();
        const { ScalingActivityId: id } = await attach([ALB], { ForceAttach: true });
        expect(bed.emu.control.activities("asg-demo")).toMatchObject([{ scalingActivityId: id, statusCode: "InProgress", progress: 0 }]);
        expect((await bed.described(version, "asg-demo")).serverGroups).toEqual([]);
        // A second Force* change is refused while one runs; a plain one goes on.
        expect(await attachError([NLB], { ForceAttach: true })).toMatchObject({ code: "ScalingActivityInProgress", statusCode: 403 });
        await attach([NLB]);
        bed.emu.control.resumeActivities();
        await bed.emu.control.activityDone(id as string);
        expect(bed.backendIds("sgp-alb-web")).toEqual(["i-demo-1", "i-demo-2"]);
        expect((await bed.described(version, "asg-demo")).serverGroups.map((g) => g.ServerGroupId)).toEqual(["sgp-nlb-tcp", "sgp-alb-web"]);
    });

    it("a retry with the same ClientToken answers the same ScalingActivityId and starts no second activity", async () => {
        bed.emu.control.pauseActivities();
        const first = await attach([ALB], { ForceAttach: true, ClientToken: "token-1" });
        const retry = await attach([ALB], { ForceAttach: true, ClientToken: "token-1" });
        expect(retry.ScalingActivityId).toBe(first.ScalingActivityId);
        expect(bed.emu.control.activities()).toHaveLength(1);
        // Another token is another request: refused while the first activity runs.
        expect(await attachError([ALB], { ForceAttach: true, ClientToken: "token-2" })).toMatchObject({
            code: "ScalingActivityInProgress",
        });
        expect(await attachError([ALB], { ClientToken: "x".repeat(65) })).toMatchObject({
            code: "InvalidParameter",
            message: expect.stringContaining("ClientToken"),
        });
    });

    it("a Failed activity reports its message and changes nothing", async () => {
        bed.emu.control.failNextActivity({
            scalingGroupId: "asg-demo",
            status: "Failed",
            statusMessage: "backend quota of sgp-alb-web reached",
        });
        const { ScalingActivityId: id } = await attach([ALB], { ForceAttach: true });
        expect(await bed.emu.control.activityDone(id as string)).toMatchObject({
            statusCode: "Failed",
            statusMessage: "backend quota of sgp-alb-web reached",
        });
        expect((await bed.described(version, "asg-demo")).serverGroups).toEqual([]);
        expect(bed.backendIds("sgp-alb-web")).toEqual([]);
    });

    it("ForceDetach removes the entry and the group's instances from the backends; without it they stay", async () => {
        await bed.emu.control.activityDone((await attach([ALB, NLB], { ForceAttach: true })).ScalingActivityId as string);
        const plain = await detach([{ serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 443 }]);
        expect(plain.ScalingActivityId).toBeUndefined();
        expect(bed.backendIds("sgp-nlb-tcp")).toEqual(["i-demo-1", "i-demo-2"]);
        const forced = await detach([{ serverGroupId: "sgp-alb-web", type: "ALB", port: 80 }], { ForceDetach: true });
        expect(await bed.emu.control.activityDone(forced.ScalingActivityId as string)).toMatchObject({ statusCode: "Successful" });
        expect(bed.backendIds("sgp-alb-web")).toEqual([]);
        expect((await bed.described(version, "asg-demo")).serverGroups).toEqual([]);
    });

    it("identity is (ServerGroupId, Type, Port): another port is another entry, a duplicate keeps the first, detaching an unknown entry is a no-op", async () => {
        await attach([ALB, { ...ALB, weight: 90 }, { ...ALB, port: 8080 }]);
        expect((await bed.described(version, "asg-demo")).serverGroups).toEqual([
            { ServerGroupId: "sgp-alb-web", Type: "ALB", Port: 80, Weight: 30 },
            { ServerGroupId: "sgp-alb-web", Type: "ALB", Port: 8080, Weight: 30 },
        ]);
        await detach([
            { serverGroupId: "sgp-alb-web", type: "ALB", port: 9999 },
            { serverGroupId: "sgp-unknown", type: "NLB", port: 1 },
        ]);
        expect((await bed.described(version, "asg-demo")).serverGroups).toHaveLength(2);
    });

    it("takes at most 5 entries per call and at most the group's quota", async () => {
        const many = Array.from({ length: 6 }, (_, i): ServerGroupEntry => ({
            serverGroupId: `sgp-many-${i + 1}`,
            type: "NLB",
            port: 80,
            weight: 1,
        }));
        const prefix = version === "2014-08-28" ? "ServerGroup" : "ServerGroups";
        expect(await attachError(many)).toMatchObject({
            code: "InvalidParameter",
            message: expect.stringContaining(`${prefix}.6.ServerGroupId`),
        });
        await attach(many.slice(0, 5));
        expect(await attachError([ALB])).toMatchObject({ code: "QuotaExceeded.ServerGroup", statusCode: 400 });
        // Re-attaching an attached entry does not count against the quota.
        await attach([many[0]]);
        expect(await attachError([ALB, NLB], {}, "asg-quota-1")).toMatchObject({ code: "QuotaExceeded.ServerGroup" });
    });

    it.each([
        ["no server group", {}, "MissingParameter"],
        ["no Type", { ".1.ServerGroupId": "sgp-alb-web", ".1.Port": 80, ".1.Weight": 1 }, "MissingParameter"],
        ["an unknown Type", { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "CLB", ".1.Port": 80, ".1.Weight": 1 }, "InvalidParameter"],
        ["ALB without Port", { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "ALB", ".1.Weight": 1 }, "MissingParameter"],
        ["ALB without Weight", { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "ALB", ".1.Port": 80 }, "MissingParameter"],
        ["Port 0", { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "ALB", ".1.Port": 0, ".1.Weight": 1 }, "InvalidParameter"],
        ["Port 65536", { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "ALB", ".1.Port": 65536, ".1.Weight": 1 }, "InvalidParameter"],
        ["Weight 101", { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "ALB", ".1.Port": 80, ".1.Weight": 101 }, "InvalidParameter"],
        ["GWLB with Port", { ".1.ServerGroupId": "sgp-gwlb-fw", ".1.Type": "GWLB", ".1.Port": 6081 }, "InvalidParameter"],
        ["GWLB with Weight", { ".1.ServerGroupId": "sgp-gwlb-fw", ".1.Type": "GWLB", ".1.Weight": 1 }, "InvalidParameter"],
        [
            "a Type that is not the group's",
            { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "NLB", ".1.Port": 80, ".1.Weight": 1 },
            "InvalidParameter",
        ],
        [
            "ForceAttach=maybe",
            { ".1.ServerGroupId": "sgp-alb-web", ".1.Type": "ALB", ".1.Port": 80, ".1.Weight": 1, ForceAttach: "maybe" },
            "InvalidParameter",
        ],
    ])("refuses %s with %s", async (_what, raw, code) => {
        const prefix = version === "2014-08-28" ? "ServerGroup" : "ServerGroups";
        const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.startsWith(".") ? prefix + k : k, v]));
        const failure = await bed.fail(version, "AttachServerGroups", "asg-demo", params);
        expect(failure).toMatchObject({ code, statusCode: 400 });
        expect((await bed.described(version, "asg-demo")).serverGroups).toEqual([]);
    });

    it("answers the scaling group and server group errors", async () => {
        expect(await attachError([ALB], {}, "asg-missing")).toMatchObject({ code: "InvalidScalingGroupId.NotFound", statusCode: 404 });
        // A group of another region is not found either (RegionId is cn-hangzhou).
        expect(await attachError([ALB], {}, "asg-beijing")).toMatchObject({ code: "InvalidScalingGroupId.NotFound" });
        expect(await attachError([{ ...ALB, serverGroupId: "sgp-missing" }])).toMatchObject({
            code: "InvalidServerGroupId.NotFound",
            statusCode: 404,
            message: expect.stringContaining("The specified server group does not exist."),
        });
        expect(await attachError([{ ...ALB, serverGroupId: "sgp-beijing" }])).toMatchObject({ code: "InvalidServerGroupId.NotFound" });
        expect(await attachError([ALB], {}, "asg-inactive")).toMatchObject({ code: "IncorrectScalingGroupStatus", statusCode: 403 });
        bed.emu.control.busy({ scalingGroupId: "asg-demo", code: "ScalingActivityInProgress", calls: 1 });
        expect(await attachError([ALB])).toMatchObject({ code: "ScalingActivityInProgress" });
        expect(await bed.fail(version, "DetachServerGroups", "asg-inactive", serverGroupParams(version, [ALB]))).toMatchObject({
            code: "IncorrectScalingGroupStatus",
        });
    });
});
