import { startEmulator, type Emulator } from "../../emulator";
import { rpc, type Body } from "../../harness/rpc";
import { KEY, REGION, serverGroupParams, TRAFFIC_SEED } from "../../harness/traffic-testbed";

let emu: Emulator;
beforeEach(async () => {
    emu = await startEmulator({ state: TRAFFIC_SEED, keys: [KEY] });
});
afterEach(() => emu.close());

const ALB = { serverGroupId: "sgp-alb-web", type: "ALB" as const, port: 80, weight: 10 };
const forceAttach = async () =>
    (
        await rpc(emu.host, KEY, "AttachServerGroups", {
            RegionId: REGION,
            ScalingGroupId: "asg-demo",
            ForceAttach: true,
            ...serverGroupParams("2014-08-28", [ALB]),
        })
    ).ScalingActivityId as string;

const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.endpoint}/__emulator/${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
};

describe("scaling activities through the admin HTTP API", () => {
    it("pause, list, resume and wait for the end", async () => {
        expect((await admin("POST", "activities/pause")).status).toBe(200);
        const id = await forceAttach();
        expect((await admin("GET", "activities?scalingGroupId=asg-demo")).body).toMatchObject([
            { scalingActivityId: id, statusCode: "InProgress" },
        ]);
        expect((await admin("GET", "activities?scalingGroupId=asg-demo-2")).body).toEqual([]);
        // The wait is an open request that answers once the activity has ended.
        const done = admin("GET", `activities/${id}/done`);
        expect((await admin("POST", "activities/resume")).status).toBe(200);
        expect((await done).body).toMatchObject({ scalingActivityId: id, statusCode: "Successful", progress: 100 });
        expect((await admin("GET", "vserver-groups/sgp-alb-web/backend-servers")).body).toEqual([
            { serverId: "i-demo-1", port: 80, weight: 10, type: "ecs" },
            { serverId: "i-demo-2", port: 80, weight: 10, type: "ecs" },
        ]);
    });

    it("an activity fault makes the next activity fail with its message; the one after succeeds", async () => {
        const fault = await admin("POST", "activities/faults", {
            scalingGroupId: "asg-demo",
            status: "Failed",
            statusMessage: "no capacity",
        });
        expect(fault.body).toEqual({ id: expect.any(Number) });
        const failed = await forceAttach();
        expect((await admin("GET", `activities/${failed}/done`)).body).toMatchObject({
            statusCode: "Failed",
            statusMessage: "no capacity",
        });
        expect((await admin("GET", "vserver-groups/sgp-alb-web/backend-servers")).body).toEqual([]);
        const next = await forceAttach();
        expect((await admin("GET", `activities/${next}/done`)).body).toMatchObject({ statusCode: "Successful" });
    });

    it("a fault for another scaling group leaves this one alone", async () => {
        emu.control.failNextActivity({ scalingGroupId: "asg-demo-2", status: "Rejected", statusMessage: "x" });
        expect(await emu.control.activityDone(await forceAttach())).toMatchObject({ statusCode: "Successful" });
    });

    it("sets the delay (0 allowed) and refuses bad input with the field and value", async () => {
        expect((await admin("POST", "activities/delay", { ms: 0 })).status).toBe(200);
        expect(await admin("POST", "activities/delay", { ms: -1 })).toEqual({
            status: 400,
            body: { error: "activity delay must be a number of ms >= 0, got -1" },
        });
        expect(await admin("POST", "activities/faults", { status: "Done", statusMessage: "x" })).toEqual({
            status: 400,
            body: { error: '"status" must be "Failed" or "Rejected", got "Done"' },
        });
        expect((await admin("POST", "activities/faults", { status: "Failed" })).body).toEqual({
            error: '"statusMessage" must be a string',
        });
        expect((await admin("GET", "activities/asa-nope/done")).body).toEqual({ error: "unknown scaling activity asa-nope" });
        expect(() => emu.control.failNextActivity({ scalingGroupId: "asg-nope", status: "Failed", statusMessage: "x" })).toThrow(
            "unknown scaling group asg-nope",
        );
    });

    it("reset forgets activities and ends the InProgress ones Rejected for their waiters", async () => {
        emu.control.pauseActivities();
        const id = await forceAttach();
        const waiting = emu.control.activityDone(id);
        emu.control.reset();
        expect(await waiting).toMatchObject({ statusCode: "Rejected" });
        expect(emu.control.activities()).toEqual([]);
        expect(emu.control.backendServers("sgp-alb-web")).toEqual([]);
        // Not paused any more: a new activity ends on its own.
        expect(await emu.control.activityDone(await forceAttach())).toMatchObject({ statusCode: "Successful" });
    });

    it("with delay 0 the activity has ended before its answer is sent: the first DescribeScalingActivities sees it", async () => {
        emu.control.setActivityDelay(0);
        const id = await forceAttach();
        // No wait of any kind between the answer and the reads below.
        expect(emu.control.backendServers("sgp-alb-web")).toHaveLength(2);
        const body: Body = await rpc(emu.host, KEY, "DescribeScalingActivities", {
            RegionId: REGION,
            ScalingGroupId: "asg-demo",
            "ScalingActivityId.1": id,
        });
        expect(body).toMatchObject({
            ScalingActivities: { ScalingActivity: [{ ScalingActivityId: id, StatusCode: "Successful", Progress: 100 }] },
        });

        // A fault still applies at delay 0: the detach's activity has failed by its answer, nothing moved.
        emu.control.failNextActivity({ status: "Failed", statusMessage: "no capacity" });
        const forceDetach = () =>
            rpc(emu.host, KEY, "DetachServerGroups", {
                RegionId: REGION,
                ScalingGroupId: "asg-demo",
                ForceDetach: true,
                ...serverGroupParams("2014-08-28", [{ ...ALB, weight: undefined }]),
            });
        const failed = (await forceDetach()).ScalingActivityId as string;
        expect(emu.control.activities().find((a) => a.scalingActivityId === failed)).toMatchObject({ statusCode: "Failed" });
        expect(emu.control.backendServers("sgp-alb-web")).toHaveLength(2);

        // Paused, it stays InProgress until resume(), which ends it at once.
        emu.control.pauseActivities();
        const held = (await forceDetach()).ScalingActivityId as string;
        expect(emu.control.activities().find((a) => a.scalingActivityId === held)).toMatchObject({ statusCode: "InProgress" });
        emu.control.resumeActivities();
        expect(emu.control.activities().find((a) => a.scalingActivityId === held)).toMatchObject({ statusCode: "Successful" });
        expect(emu.control.backendServers("sgp-alb-web")).toEqual([]);
    });

    it("backendServers answers a load balancer's default group and names an unknown id", async () => {
        expect(emu.control.backendServers("lb-classic")).toEqual([]);
        expect(() => emu.control.backendServers("sgp-nope")).toThrow("unknown VServer group, server group or load balancer sgp-nope");
        const body: Body = await rpc(emu.host, KEY, "DescribeScalingActivities", { RegionId: REGION, ScalingGroupId: "asg-demo" });
        expect(body).toMatchObject({ TotalCount: 0, ScalingActivities: { ScalingActivity: [] } });
    });
});

describe("traffic sources in the state", () => {
    it("instances joining and leaving the scaling group follow every attached server group and load balancer", async () => {
        emu.control.seed({
            ...TRAFFIC_SEED,
            scalingGroups: [
                {
                    scalingGroupId: "asg-demo",
                    regionId: REGION,
                    instances: ["i-demo-1"],
                    loadBalancerIds: ["lb-classic"],
                    loadBalancerWeights: { "lb-classic": 20 },
                    serverGroups: [{ serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 443, weight: 5 }],
                },
            ],
        });
        emu.control.addInstance("asg-demo", "i-new");
        emu.control.addInstance("asg-demo", "i-pending", "Pending");
        expect(emu.control.backendServers("lb-classic")).toEqual([{ serverId: "i-new", weight: 20, type: "ecs" }]);
        expect(emu.control.backendServers("sgp-nlb-tcp")).toEqual([{ serverId: "i-new", port: 443, weight: 5, type: "ecs" }]);
        emu.control.removeInstance("asg-demo", "i-new");
        expect(emu.control.backendServers("lb-classic")).toEqual([]);
        expect(emu.control.backendServers("sgp-nlb-tcp")).toEqual([]);
    });

    it("seed(state()) gives back the same state, traffic sources included", async () => {
        emu.control.setActivityDelay(0);
        await emu.control.activityDone(await forceAttach());
        const before = emu.control.state();
        expect(before.scalingGroups[0].serverGroups).toEqual([ALB]);
        emu.control.seed(before);
        expect(emu.control.state()).toEqual(before);
    });
});
