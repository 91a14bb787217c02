// ScalingGroupServerGroups and ScalingGroupLoadBalancers through the real Pulumi engine against the
// emulator: every lifecycle step, what ESS holds and which instances are backends after each, the
// API calls each makes, scaling activities waited for, and a failing activity failing `up` with its
// message while state records only what is attached.
import { startEmulator, type Emulator } from "../../emulator";
import { E2EHarness, type E2EStack, type ResourceSpec } from "../../harness/e2e";
import { emulatorClient } from "../../harness/provider-env";

jest.setTimeout(600_000);

const REGION = "cn-hangzhou";
let emulator: Emulator;
let h: E2EHarness;

type Flags = { forceAttach?: boolean; forceDetach?: boolean };
const serverGroups = (name: string, list: object[], flags: Flags = {}, scalingGroupId = "asg-a"): ResourceSpec => ({
    name,
    type: "ScalingGroupServerGroups",
    args: JSON.parse(JSON.stringify({ scalingGroupId, serverGroups: list, ...flags })),
});
const loadBalancers = (name: string, list: object[], flags: Flags = {}, scalingGroupId = "asg-a"): ResourceSpec => ({
    name,
    type: "ScalingGroupLoadBalancers",
    args: JSON.parse(JSON.stringify({ scalingGroupId, loadBalancers: list, ...flags })),
});

const web = { serverGroupId: "sgp-web", type: "ALB", port: 80, weight: 30 };
const tcp = { serverGroupId: "sgp-tcp", type: "NLB", port: 8080, weight: 50 };
const fw = { serverGroupId: "sgp-fw", type: "GWLB" };

/** What ESS holds, as the resource's output lists it. */
function heldServerGroups(sg = "asg-a") {
    return (emulator.control.scalingGroup(sg)?.serverGroups ?? [])
        .map((a) => (a.type === "GWLB" ? { serverGroupId: a.serverGroupId, type: a.type } : { ...a }))
        .sort((a, b) => a.serverGroupId.localeCompare(b.serverGroupId));
}
function heldLoadBalancers(sg = "asg-a") {
    const group = emulator.control.scalingGroup(sg);
    return (group?.loadBalancerIds ?? []).map((id) => ({ loadBalancerId: id, weight: group?.loadBalancerWeights[id] })).sort();
}
const backends = (id: string) =>
    (emulator.control.backendServers(id) as { serverId: string; port?: number; weight: number }[])
        .map((b) => [b.serverId, b.port, b.weight].filter((x) => x !== undefined).join(":"))
        .sort();
/** Calls per action since the last clear, activities polls included. */
function counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of emulator.control.calls()) out[c.action] = (out[c.action] ?? 0) + 1;
    emulator.control.clearCalls();
    return out;
}
async function outputOf(s: E2EStack, field: string): Promise<unknown> {
    const [res] = await s.stateResources();
    return (res?.outputs as Record<string, unknown> | undefined)?.[field];
}

async function newStack(name: string): Promise<E2EStack> {
    const key = emulator.keys[0];
    return h.stack({
        name,
        env: {
            ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
            ALIBABA_CLOUD_REGION_ID: REGION,
            ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "20",
            ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        },
    });
}

beforeAll(async () => {
    emulator = await startEmulator({
        state: {
            scalingGroups: ["asg-a", "asg-b"].map((id) => ({
                scalingGroupId: id,
                regionId: REGION,
                instances: [`i-${id}-1`, `i-${id}-2`],
            })),
            loadBalancers: [
                { loadBalancerId: "lb-one", regionId: REGION },
                { loadBalancerId: "lb-two", regionId: REGION },
                { loadBalancerId: "lb-vsg", regionId: REGION, vServerGroups: ["rsp-vsg-80"] },
            ],
            serverGroups: [
                { serverGroupId: "sgp-web", type: "ALB", regionId: REGION },
                { serverGroupId: "sgp-tcp", type: "NLB", regionId: REGION },
                { serverGroupId: "sgp-fw", type: "GWLB", regionId: REGION },
            ],
        },
    });
    h = await E2EHarness.start();
});
afterAll(async () => {
    await h?.cleanup();
    await emulator?.close();
});
beforeEach(() => emulator.control.reset());

test("server groups: create, add, remove, re-weight, flag-only change, refresh with drift, destroy", async () => {
    const s = await newStack("sg-lifecycle");
    const force = { forceAttach: true, forceDetach: true };
    const log: Record<string, unknown>[] = [];

    const created = await s.up([serverGroups("sg", [web, fw], force)]);
    expect(created.changeSummary).toEqual({ create: 2 });
    expect(heldServerGroups()).toEqual([fw, web]);
    expect(backends("sgp-web")).toEqual(["i-asg-a-1:80:30", "i-asg-a-2:80:30"]);
    expect(backends("sgp-fw")).toHaveLength(2);
    expect(created.output).toMatch(/attaching 2 server groups to the scaling group in 1 call \(ForceAttach=true\)/);
    expect(created.output).toMatch(/scaling activity asa-\S+ \(attaching 2 server groups\): Successful/);
    const progress = created.output.split("\n").filter((l) => l.includes("ess-vserver-groups:"));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.join("\n")).not.toContain("asg-a"); // progress lines never name the scaling group
    log.push({ step: "create", ...counts() });

    await s.up([serverGroups("sg", [web, fw, tcp], force)]);
    expect(heldServerGroups()).toEqual([fw, tcp, web]);
    expect(backends("sgp-tcp")).toEqual(["i-asg-a-1:8080:50", "i-asg-a-2:8080:50"]);
    const added = counts();
    expect({ ...added, DescribeScalingActivities: 0 }).toEqual({
        DescribeScalingGroups: 1,
        AttachServerGroups: 1,
        DescribeScalingActivities: 0,
    });
    log.push({ step: "add", ...added });

    await s.up([serverGroups("sg", [web, tcp], force)]);
    expect(heldServerGroups()).toEqual([tcp, web]);
    expect(backends("sgp-fw")).toEqual([]); // ForceDetach=true honoured
    const removed = counts();
    expect([removed.DetachServerGroups, removed.AttachServerGroups]).toEqual([1, undefined]);
    log.push({ step: "remove", ...removed });

    const reweighted = await s.up([serverGroups("sg", [{ ...web, weight: 60 }, tcp], force)]);
    expect(heldServerGroups()).toEqual([tcp, { ...web, weight: 60 }]);
    expect(backends("sgp-web")).toEqual(["i-asg-a-1:80:60", "i-asg-a-2:80:60"]);
    expect(reweighted.output).toMatch(/will re-weight ALB sgp-web port 80 weight 30 -> weight 60/);
    const rw = counts();
    expect([rw.DetachServerGroups, rw.AttachServerGroups]).toEqual([1, 1]);
    log.push({ step: "re-weight", ...rw });

    const flagOnly = await s.up([serverGroups("sg", [{ ...web, weight: 60 }, tcp], { forceAttach: true, forceDetach: false })]);
    expect(flagOnly.changeSummary).toEqual({ same: 1, update: 1 });
    expect(counts()).toEqual({});
    log.push({ step: "flag-only", calls: 0 });

    await emulatorClient(emulator).client.change("DetachServerGroups", "asg-a", {
        "ServerGroup.1.ServerGroupId": "sgp-tcp",
        "ServerGroup.1.Type": "NLB",
        "ServerGroup.1.Port": "8080",
    });
    counts();
    const refreshed = await s.refresh();
    expect(refreshed.changeSummary).toMatchObject({ update: 1 });
    expect(await outputOf(s, "serverGroups")).toEqual([{ ...web, weight: 60 }]);
    log.push({ step: "refresh", ...counts() });
    await s.up([serverGroups("sg", [{ ...web, weight: 60 }, tcp], { forceAttach: true, forceDetach: false })]);
    expect(heldServerGroups()).toEqual([tcp, { ...web, weight: 60 }]);
    log.push({ step: "re-attach after drift", ...counts() });

    await s.destroy();
    expect(heldServerGroups()).toEqual([]);
    expect(backends("sgp-web")).toEqual(["i-asg-a-1:80:60", "i-asg-a-2:80:60"]); // ForceDetach=false honoured
    log.push({ step: "destroy", ...counts() });
    console.log(`server groups, calls per step:\n${log.map((l) => JSON.stringify(l)).join("\n")}`);
});

test("load balancers: create, add, remove, re-weight, flag-only change, refresh with drift, destroy", async () => {
    const s = await newStack("lb-lifecycle");
    const force = { forceAttach: true, forceDetach: true };
    const log: Record<string, unknown>[] = [];
    const one = { loadBalancerId: "lb-one", weight: 20 };
    const two = { loadBalancerId: "lb-two", weight: 50 };

    const created = await s.up([loadBalancers("lb", [one], force)]);
    expect(heldLoadBalancers()).toEqual([one]);
    expect(backends("lb-one")).toEqual(["i-asg-a-1:20", "i-asg-a-2:20"]);
    expect(created.output).toMatch(/scaling activity asa-\S+ \(attaching 1 load balancer\): Successful/);
    log.push({ step: "create", ...counts() });

    await s.up([loadBalancers("lb", [one, { loadBalancerId: "lb-two" }], force)]);
    expect(heldLoadBalancers()).toEqual([one, two]);
    expect(backends("lb-two")).toEqual(["i-asg-a-1:50", "i-asg-a-2:50"]);
    log.push({ step: "add", ...counts() });

    await s.up([loadBalancers("lb", [two], force)]);
    expect(heldLoadBalancers()).toEqual([two]);
    expect(backends("lb-one")).toEqual([]);
    log.push({ step: "remove", ...counts() });

    await s.up([loadBalancers("lb", [{ ...two, weight: 90 }], force)]);
    expect(heldLoadBalancers()).toEqual([{ ...two, weight: 90 }]);
    expect(backends("lb-two")).toEqual(["i-asg-a-1:90", "i-asg-a-2:90"]);
    log.push({ step: "re-weight", ...counts() });

    const flagOnly = await s.up([loadBalancers("lb", [{ ...two, weight: 90 }], { forceAttach: true })]);
    expect(flagOnly.changeSummary).toEqual({ same: 1, update: 1 });
    expect(counts()).toEqual({});
    log.push({ step: "flag-only", calls: 0 });

    await emulatorClient(emulator).client.change("DetachLoadBalancers", "asg-a", { "LoadBalancer.1": "lb-two" });
    counts();
    await s.refresh();
    expect(await outputOf(s, "loadBalancers")).toEqual([]);
    log.push({ step: "refresh", ...counts() });
    await s.up([loadBalancers("lb", [{ ...two, weight: 90 }], force)]);
    expect(heldLoadBalancers()).toEqual([{ ...two, weight: 90 }]);
    log.push({ step: "re-attach after drift", ...counts() });

    await s.destroy();
    expect(heldLoadBalancers()).toEqual([]);
    expect(backends("lb-two")).toEqual([]); // ForceDetach=true honoured
    log.push({ step: "destroy", ...counts() });
    console.log(`load balancers, calls per step:\n${log.map((l) => JSON.stringify(l)).join("\n")}`);
});

test("a failing scaling activity fails `up` with its message; state records only what is attached", async () => {
    const s = await newStack("sg-failing");
    await s.up([serverGroups("sg", [web], { forceAttach: true })]);
    emulator.control.failNextActivity({
        scalingGroupId: "asg-a",
        status: "Failed",
        statusMessage: "The specified instance i-asg-a-2 is not running.",
    });
    const failed = await s.up([serverGroups("sg", [web, tcp], { forceAttach: true })], { allowFailure: true });
    expect(failed.ok).toBe(false);
    const message = /scaling activity asa-\S+ \(attaching 1 server group\) ended Failed: .*/.exec(failed.output)?.[0];
    expect(message).toMatch(/ended Failed: The specified instance i-asg-a-2 is not running\.$/);
    expect(heldServerGroups()).toEqual([web]);
    expect(await outputOf(s, "serverGroups")).toEqual([web]);
    expect(backends("sgp-tcp")).toEqual([]);
    console.log(`failing activity: ${message}`);
    const again = await s.up([serverGroups("sg", [web, tcp], { forceAttach: true })]);
    expect(again.ok).toBe(true);
    expect(heldServerGroups()).toEqual([tcp, web]);
    await s.destroy();
});

test("three kinds on one scaling group in one stack: each owns its own, none touches the others'", async () => {
    const s = await newStack("three-kinds");
    const vsg: ResourceSpec = {
        name: "vsg",
        args: {
            scalingGroupId: "asg-b",
            vserverGroups: [{ loadbalancerId: "lb-vsg", vserverAttributes: [{ vserverGroupId: "rsp-vsg-80", port: 80 }] }],
        },
    };
    const r = await s.up([
        vsg,
        serverGroups("sg", [web], { forceAttach: true }, "asg-b"),
        loadBalancers("lb", [{ loadBalancerId: "lb-one" }], { forceAttach: true }, "asg-b"),
    ]);
    expect(r.changeSummary).toEqual({ create: 4 });
    expect(heldServerGroups("asg-b")).toEqual([web]);
    expect(heldLoadBalancers("asg-b")).toEqual([{ loadBalancerId: "lb-one", weight: 50 }]);
    expect(emulator.control.scalingGroup("asg-b")?.vServerGroups).toHaveLength(1);
    await s.up([vsg]);
    expect(heldServerGroups("asg-b")).toEqual([]);
    expect(heldLoadBalancers("asg-b")).toEqual([]);
    expect(emulator.control.scalingGroup("asg-b")?.vServerGroups).toHaveLength(1);
    await s.destroy();
    expect(emulator.control.scalingGroup("asg-b")?.vServerGroups).toEqual([]);
});
