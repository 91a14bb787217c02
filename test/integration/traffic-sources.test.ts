// The engine steps of the server-group and load-balancer kinds against the emulator over real HTTP,
// without the engine: what ESS holds, which instances are backends, how many calls, and the scaling
// activities Force* starts (waited for, their failure reported with ESS's message, state kept true).
import type { Emulator } from "../../emulator";
import { DEMO_FIXTURE } from "../../emulator";
import * as sgSteps from "../../provider/server-groups";
import * as lbSteps from "../../provider/load-balancers";
import type { Attachment } from "../../provider/lifecycle/kind";
import { callCounts, emulatorClient, REGION, startProviderEmulator, freshPluginProcess } from "../../harness/provider-env";

let emulator: Emulator;

beforeAll(async () => {
    emulator = await startProviderEmulator(DEMO_FIXTURE);
});
afterAll(() => emulator.close());
beforeEach(async () => {
    await freshPluginProcess([sgSteps, lbSteps]);
    emulator.control.reset();
    emulator.control.clearCalls();
});

type Flags = Partial<Pick<Attachment, "forceAttach" | "forceDetach">>;
const sgInputs = (serverGroups: unknown[], flags: Flags = {}, scalingGroupId = "asg-demo") =>
    ({ scalingGroupId, region: REGION, serverGroups, forceAttach: false, forceDetach: false, ...flags }) as Attachment;
const lbInputs = (loadBalancers: unknown[], flags: Flags = {}, scalingGroupId = "asg-demo") =>
    ({ scalingGroupId, region: REGION, loadBalancers, forceAttach: false, forceDetach: false, ...flags }) as Attachment;

const web = { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 };
const tcp = { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 8080, weight: 50 };
const fw = { serverGroupId: "sgp-gwlb-fw", type: "GWLB" };

/** What ESS holds for asg-demo, as the output lists it. */
function serverGroupsOf(sg = "asg-demo") {
    return (emulator.control.scalingGroup(sg)?.serverGroups ?? [])
        .map((a) => (a.type === "GWLB" ? { serverGroupId: a.serverGroupId, type: a.type } : { ...a }))
        .sort((a, b) => a.serverGroupId.localeCompare(b.serverGroupId));
}
const backends = (id: string) =>
    (emulator.control.backendServers(id) as { serverId: string; port?: number; weight: number }[])
        .map((b) => [b.serverId, b.port, b.weight].filter((x) => x !== undefined).join(":"))
        .sort();

describe("server groups", () => {
    it("create with forceAttach: one Attach, one activity waited for; the instances are behind ALB, NLB and GWLB groups when it returns", async () => {
        const { outs } = await sgSteps.create(sgInputs([tcp, fw, web], { forceAttach: true }));
        expect(outs.serverGroups).toEqual([web, fw, tcp]);
        expect(serverGroupsOf()).toEqual([web, fw, tcp]);
        expect(backends("sgp-alb-web")).toEqual(["i-demo-1:80:30", "i-demo-2:80:30"]);
        expect(backends("sgp-nlb-tcp")).toEqual(["i-demo-1:8080:50", "i-demo-2:8080:50"]);
        expect(backends("sgp-gwlb-fw")).toHaveLength(2);
        const counts = callCounts(emulator);
        expect({ ...counts, DescribeScalingActivities: undefined }).toEqual({ DescribeScalingGroups: 1, AttachServerGroups: 1 });
        expect(counts.DescribeScalingActivities).toBeGreaterThanOrEqual(1);
        const [attach] = emulator.control.calls({ action: "AttachServerGroups" });
        expect(attach.params).toMatchObject({ "ServerGroup.2.Type": "GWLB", ForceAttach: "true" });
        expect(Object.keys(attach.params).filter((k) => k.startsWith("ServerGroup.2."))).toEqual([
            "ServerGroup.2.ServerGroupId",
            "ServerGroup.2.Type",
        ]);
    });

    it("without forceAttach: no activity, no backends", async () => {
        await sgSteps.create(sgInputs([web]));
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1, AttachServerGroups: 1 });
        expect(backends("sgp-alb-web")).toEqual([]);
    });

    it("update: removes with ForceDetach, re-weights with detach + attach, waits for each activity", async () => {
        const { id, outs } = await sgSteps.create(sgInputs([web, tcp], { forceAttach: true, forceDetach: true }));
        emulator.control.clearCalls();
        const next = sgInputs([{ ...web, weight: 60 }], { forceAttach: true, forceDetach: true });
        const { outs: after } = await sgSteps.update(id, outs as Attachment, next);
        expect(after.serverGroups).toEqual([{ ...web, weight: 60 }]);
        expect(serverGroupsOf()).toEqual([{ ...web, weight: 60 }]);
        expect(backends("sgp-nlb-tcp")).toEqual([]);
        expect(backends("sgp-alb-web")).toEqual(["i-demo-1:80:60", "i-demo-2:80:60"]);
        const counts = callCounts(emulator);
        expect([counts.DetachServerGroups, counts.AttachServerGroups]).toEqual([1, 1]);
        // Both carry a ClientToken: a retry after a lost answer names the same scaling activity.
        for (const action of ["DetachServerGroups", "AttachServerGroups"]) {
            expect(emulator.control.calls({ action })[0].params.ClientToken).toMatch(/^[0-9a-f-]{36}$/);
        }
    });

    it("a weight change with forceAttach=false detaches with ForceDetach=false: the instances stay behind the group", async () => {
        const { id, outs } = await sgSteps.create(sgInputs([web], { forceAttach: true }));
        await sgSteps.update(id, outs as Attachment, sgInputs([{ ...web, weight: 70 }], { forceAttach: false, forceDetach: true }));
        expect(emulator.control.calls({ action: "DetachServerGroups" })[0].params.ForceDetach).toBe("false");
        expect(backends("sgp-alb-web")).toEqual(["i-demo-1:80:30", "i-demo-2:80:30"]);
    });

    it("only force flags changed: no call", async () => {
        const { id, outs } = await sgSteps.create(sgInputs([web]));
        emulator.control.clearCalls();
        const { outs: after } = await sgSteps.update(id, outs as Attachment, sgInputs([web], { forceDetach: true }));
        expect(after.forceDetach).toBe(true);
        expect(emulator.control.calls()).toEqual([]);
    });

    it("a failing activity: the step fails with its message; state records only what DescribeScalingGroups shows", async () => {
        const { id, outs } = await sgSteps.create(sgInputs([web], { forceAttach: true }));
        emulator.control.failNextActivity({
            scalingGroupId: "asg-demo",
            status: "Failed",
            statusMessage: "The instance i-demo-2 is not running.",
        });
        const err = await sgSteps.update(id, outs as Attachment, sgInputs([web, tcp], { forceAttach: true })).catch((e: unknown) => e);
        expect(String((err as Error).message)).toMatch(
            /^scaling activity asa-\S+ \(attaching 1 server group\) ended Failed: The instance i-demo-2 is not running\.$/,
        );
        expect((err as { properties: Attachment }).properties).toMatchObject({ serverGroups: [web] });
        expect(serverGroupsOf()).toEqual([web]);
    });

    it("a failing activity on create with nothing attached: a plain error, no resource", async () => {
        emulator.control.failNextActivity({ status: "Rejected", statusMessage: "Quota exceeded." });
        await expect(sgSteps.create(sgInputs([tcp], { forceAttach: true }))).rejects.toThrow(/ended Rejected: Quota exceeded\.$/);
        expect(serverGroupsOf()).toEqual([]);
    });

    it("adopts what is attached; refresh drops what was detached out of band; delete leaves what another resource declares", async () => {
        await sgSteps.create(sgInputs([tcp]));
        const { id, outs } = await sgSteps.create(sgInputs([tcp, web]));
        const attaches = emulator.control.calls({ action: "AttachServerGroups" });
        expect(attaches).toHaveLength(2);
        expect(Object.values(attaches[1].params)).not.toContain("sgp-nlb-tcp"); // adopted, not attached again
        await lbSteps.create(lbInputs([{ loadBalancerId: "lb-classic" }]));
        await emulatorClient(emulator).client.change("DetachServerGroups", "asg-demo", {
            "ServerGroup.1.ServerGroupId": "sgp-alb-web",
            "ServerGroup.1.Type": "ALB",
            "ServerGroup.1.Port": "80",
        });
        const read = await sgSteps.read(id, outs as Attachment);
        expect(read.props.serverGroups).toEqual([tcp]);
        await sgSteps.delete(id, read.props as Attachment);
        expect(serverGroupsOf()).toEqual([tcp]); // the first resource declares it
        expect(emulator.control.scalingGroup("asg-demo")?.loadBalancerIds).toEqual(["lb-classic"]);
    });

    it("a gone scaling group: read says the resource is gone, delete succeeds", async () => {
        const { id, outs } = await sgSteps.create(sgInputs([web], {}, "asg-demo-2"));
        emulator.control.updateScalingGroup("asg-demo-2", { lifecycleState: "Deleting" });
        expect((await sgSteps.read(id, outs as Attachment)).id).toBe("");
        await expect(sgSteps.delete(id, outs as Attachment)).resolves.toBeUndefined();
    });
});

describe("load balancers", () => {
    it("create with forceAttach sends Async=true and returns once the instances are in the default group; delete with forceDetach takes them out", async () => {
        const { id, outs } = await lbSteps.create(
            lbInputs([{ loadBalancerId: "lb-classic", weight: 20 }], { forceAttach: true, forceDetach: true }),
        );
        expect(outs.loadBalancers).toEqual([{ loadBalancerId: "lb-classic", weight: 20 }]);
        expect(emulator.control.calls({ action: "AttachLoadBalancers" })[0].params).toMatchObject({
            Async: "true",
            ForceAttach: "true",
            "LoadBalancerConfig.1.LoadBalancerId": "lb-classic",
            "LoadBalancerConfig.1.Weight": "20",
        });
        expect(backends("lb-classic")).toEqual(["i-demo-1:20", "i-demo-2:20"]);
        await lbSteps.delete(id, outs as Attachment);
        expect(emulator.control.calls({ action: "DetachLoadBalancers" })[0].params).toMatchObject({
            "LoadBalancer.1": "lb-classic",
            Async: "true",
        });
        expect(backends("lb-classic")).toEqual([]);
        expect(emulator.control.scalingGroup("asg-demo")?.loadBalancerIds).toEqual([]);
    });

    it("refresh reads the weight ESS holds; a re-weight is a detach and an attach", async () => {
        const { id, outs } = await lbSteps.create(lbInputs([{ loadBalancerId: "lb-classic" }]));
        expect((await lbSteps.read(id, outs as Attachment)).props.loadBalancers).toEqual([{ loadBalancerId: "lb-classic", weight: 50 }]);
        emulator.control.clearCalls();
        await lbSteps.update(id, outs as Attachment, lbInputs([{ loadBalancerId: "lb-classic", weight: 80 }]));
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1, DetachLoadBalancers: 1, AttachLoadBalancers: 1 });
        expect(emulator.control.scalingGroup("asg-demo")?.loadBalancerWeights).toEqual({ "lb-classic": 80 });
    });
});
