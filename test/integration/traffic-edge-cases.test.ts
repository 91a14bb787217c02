// Edge cases of the newer kinds: the server-group and load-balancer kinds, mixed on one scaling group, with failing activities.
import type { Emulator } from "../../emulator";
import * as sg from "../../provider/server-groups";
import * as lb from "../../provider/load-balancers";
import * as vs from "../../provider/steps";
import type { Attachment } from "../../provider/lifecycle/kind";
import { TRAFFIC_SEED } from "../../harness/traffic-testbed";
import { callCounts, REGION, startProviderEmulator, freshPluginProcess } from "../../harness/provider-env";

let emulator: Emulator;
async function nextRun() {
    await freshPluginProcess([sg, lb, vs]);
    emulator.control.clearCalls();
}
beforeAll(async () => {
    emulator = await startProviderEmulator(TRAFFIC_SEED);
});
afterAll(() => emulator.close());
beforeEach(async () => {
    emulator.control.reset();
    emulator.control.setActivityDelay(0);
    await nextRun();
});

type Flags = Partial<Pick<Attachment, "forceAttach" | "forceDetach">>;
const sgIn = (serverGroups: unknown[], flags: Flags = {}, scalingGroupId = "asg-demo") =>
    ({ scalingGroupId, region: REGION, serverGroups, forceAttach: false, forceDetach: false, ...flags }) as Attachment;
const lbIn = (loadBalancers: unknown[], flags: Flags = {}, scalingGroupId = "asg-demo") =>
    ({ scalingGroupId, region: REGION, loadBalancers, forceAttach: false, forceDetach: false, ...flags }) as Attachment;
const web = { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 };
const tcp = { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 8080, weight: 50 };
const held = () => (emulator.control.scalingGroup("asg-demo")?.serverGroups ?? []).map((a) => a.serverGroupId).sort();

async function failure(p: Promise<unknown>): Promise<Error & { properties?: Record<string, unknown> }> {
    try {
        await p;
    } catch (err) {
        return err as never;
    }
    throw new Error("expected the step to fail");
}

it("Inactive scaling group: server groups and load balancers fail at once, one change call each", async () => {
    const e1 = await failure(sg.create(sgIn([web], { forceAttach: true }, "asg-inactive")));
    const e2 = await failure(lb.create(lbIn([{ loadBalancerId: "lb-web" }], { forceAttach: true }, "asg-inactive")));
    expect(e1.message).toMatch(/Inactive/);
    expect(e2.message).toMatch(/Inactive/);
    const c = callCounts(emulator);
    expect(c.AttachServerGroups).toBe(1);
    expect(c.AttachLoadBalancers).toBe(1);
});

it("Deleting scaling group is gone: delete with forceDetach makes no activity wait and succeeds, read says gone", async () => {
    const { id, outs } = await sg.create(sgIn([web], { forceAttach: true, forceDetach: true }));
    await nextRun();
    emulator.control.updateScalingGroup("asg-demo", { lifecycleState: "Deleting" });
    expect((await sg.read(id, outs as Attachment)).id).toBe("");
    await sg.delete(id, outs as Attachment);
});

it("a failed detach activity fails delete with its message", async () => {
    const { id, outs } = await sg.create(sgIn([web], { forceAttach: true, forceDetach: true }));
    await nextRun();
    emulator.control.failNextActivity({ scalingGroupId: "asg-demo", status: "Failed", statusMessage: "instance i-x is locked" });
    const e = await failure(sg.delete(id, outs as Attachment));
    expect(e.message).toMatch(/ended Failed: instance i-x is locked/);
    expect(held()).toEqual(["sgp-alb-web"]);
});

it("re-weight with forceAttach=false and forceDetach=true: the re-weighted entry is detached with ForceDetach=false, the removed one with true", async () => {
    const { id, outs } = await sg.create(sgIn([web, tcp], { forceDetach: true }));
    await nextRun();
    await sg.update(id, outs as Attachment, sgIn([{ ...web, weight: 60 }], { forceDetach: true }));
    const detaches = emulator.control
        .calls({ action: "DetachServerGroups" })
        .map((c) => [c.params.ForceDetach, c.params["ServerGroup.1.ServerGroupId"]]);
    expect(detaches.sort()).toEqual([
        ["false", "sgp-alb-web"],
        ["true", "sgp-nlb-tcp"],
    ]);
});

it("re-weight whose attach activity fails: state records what ESS holds (nothing of it)", async () => {
    const { id, outs } = await sg.create(sgIn([web, tcp], { forceAttach: true, forceDetach: true }));
    await nextRun();
    // the detach's activity succeeds; the attach's fails
    const attach = emulator.control.hold("AttachServerGroups");
    const p = sg.update(id, outs as Attachment, sgIn([{ ...web, weight: 60 }, tcp], { forceAttach: true, forceDetach: true }));
    await attach.arrived;
    emulator.control.failNextActivity({ scalingGroupId: "asg-demo", status: "Failed", statusMessage: "boom" });
    attach.release();
    const e = await failure(p);
    expect(e.message).toMatch(/boom/);
    const ownedNow = ((e.properties?.serverGroups ?? []) as { serverGroupId: string }[]).map((g) => g.serverGroupId).sort();
    expect(ownedNow).toEqual(held());
});

it("mixed kinds on one group: a server-group activity in progress does not break a concurrent load-balancer and VServer change", async () => {
    emulator.control.setActivityDelay(50);
    const results = await Promise.allSettled([
        sg.create(sgIn([web, tcp], { forceAttach: true })),
        lb.create(lbIn([{ loadBalancerId: "lb-classic", weight: 20 }], { forceAttach: true })),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(held()).toEqual(["sgp-alb-web", "sgp-nlb-tcp"]);
    expect(emulator.control.scalingGroup("asg-demo")?.loadBalancerIds).toEqual(["lb-classic"]);
});

it("duplicate declaration across two server-group resources: deleting one leaves the entry for the other", async () => {
    const a = await sg.create(sgIn([web], { forceDetach: true }));
    const b = await sg.create(sgIn([web, tcp], { forceDetach: true }));
    await nextRun();
    await sg.diff(b.id, b.outs as Attachment, sgIn([web, tcp], { forceDetach: true }));
    await sg.delete(a.id, a.outs as Attachment);
    expect(held()).toEqual(["sgp-alb-web", "sgp-nlb-tcp"]);
    expect(emulator.control.calls({ action: "DetachServerGroups" })).toEqual([]);
});
