// The lifecycle through the real Pulumi engine (CLI built from Go modules, Automation API, the
// package installed under node_modules as users get it) against the emulator.
import { startEmulator, type Emulator } from "../../emulator";
import { toEntries, type Entry, type VServerGroup } from "../../provider/kinds/vserver-groups/model";
import { E2EHarness, type E2EStack, type ResourceSpec } from "../../harness/e2e";
import { attachedOf, emulatorClient, type VServerCalls } from "../../harness/provider-env";

jest.setTimeout(600_000);

const REGION = "cn-hangzhou";
let emulator: Emulator;
let h: E2EHarness;

const e = (loadbalancerId: string, vserverGroupId: string, port: number, weight = 50): Entry => ({
    loadbalancerId,
    vserverGroupId,
    port,
    weight,
});

function attachment(
    name: string,
    scalingGroupId: string,
    groups: VServerGroup[],
    flags: { forceAttach?: boolean; forceDetach?: boolean } = {},
): ResourceSpec {
    return { name, args: JSON.parse(JSON.stringify({ scalingGroupId, vserverGroups: groups, ...flags })) };
}

function attached(scalingGroupId: string): Entry[] {
    return attachedOf(emulator, scalingGroupId);
}

function backends(vsg: string): string[] {
    return emulator.control
        .backendServers(vsg)
        .map((b) => `${b.serverId}:${b.port}`)
        .sort();
}

function calls(action?: string): number {
    return emulator.control.calls(action ? { action } : {}).length;
}

function outOfBand(): VServerCalls {
    return emulatorClient(emulator);
}

async function newStack(name: string, credentials: "env" | "config" = "env"): Promise<E2EStack> {
    const key = emulator.keys[0];
    const env: Record<string, string> = {
        ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
        ALIBABA_CLOUD_REGION_ID: REGION,
        ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "20",
    };
    if (credentials === "env")
        Object.assign(env, { ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret });
    return h.stack({
        name,
        env,
        secretConfig:
            credentials === "config" ? { "alicloud:accessKey": key.accessKeyId, "alicloud:secretKey": key.accessKeySecret } : undefined,
    });
}

const web: VServerGroup = {
    loadbalancerId: "lb-web",
    vserverAttributes: [
        { vserverGroupId: "rsp-web-80", port: 80 },
        { vserverGroupId: "rsp-web-443", port: 443, weight: 30 },
    ],
};
const api: VServerGroup = { loadbalancerId: "lb-api", vserverAttributes: [{ vserverGroupId: "rsp-api-8080", port: 8080 }] };

beforeAll(async () => {
    emulator = await startEmulator({
        state: {
            scalingGroups: ["asg-a", "asg-b", "asg-c"].map((id) => ({
                scalingGroupId: id,
                regionId: REGION,
                instances: [`i-${id}-1`, `i-${id}-2`],
                vServerGroupQuota: 10,
            })),
            loadBalancers: [
                { loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80", "rsp-web-443", "rsp-web-8443"] },
                { loadBalancerId: "lb-api", regionId: REGION, vServerGroups: ["rsp-api-8080", "rsp-api-9090"] },
                { loadBalancerId: "lb-other", regionId: REGION, vServerGroups: ["rsp-other"] },
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

test("1. up creates exactly the declared entries; with forceAttach the instances are backends", async () => {
    const s = await newStack("create");
    const r = await s.up([attachment("att", "asg-a", [web, api], { forceAttach: true })]);
    expect(r.changeSummary).toEqual({ create: 2 });
    expect(attached("asg-a")).toEqual([
        e("lb-api", "rsp-api-8080", 8080),
        e("lb-web", "rsp-web-443", 443, 30),
        e("lb-web", "rsp-web-80", 80),
    ]);
    expect(backends("rsp-web-80")).toEqual(["i-asg-a-1:80", "i-asg-a-2:80"]);
    expect(backends("rsp-api-8080")).toEqual(["i-asg-a-1:8080", "i-asg-a-2:8080"]);
    expect({
        describe: calls("DescribeScalingGroups"),
        attach: calls("AttachVServerGroups"),
        detach: calls("DetachVServerGroups"),
    }).toEqual({ describe: 1, attach: 1, detach: 0 });
    expect(r.output).toMatch(/attaching 3 VServer groups to the scaling group in 1 call \(ForceAttach=true\)/);
    await s.destroy();
});

test("2. preview of an unchanged stack and of a reordered list: no changes, and no API call at all", async () => {
    const s = await newStack("preview");
    await s.up([attachment("att", "asg-a", [web, api])]);
    emulator.control.clearCalls();
    const same = await s.preview([attachment("att", "asg-a", [web, api])]);
    const reordered = await s.preview([
        attachment("att", "asg-a", [api, { ...web, vserverAttributes: [...web.vserverAttributes].reverse() }]),
    ]);
    for (const p of [same, reordered]) expect(p.changeSummary).toEqual({ same: 2 });
    expect(emulator.control.calls()).toEqual([]);
    const upSame = await s.up([attachment("att", "asg-a", [api, web])]);
    expect(upSame.changeSummary).toEqual({ same: 2 });
    expect(calls("AttachVServerGroups") + calls("DetachVServerGroups")).toBe(0);
    expect(upSame.output).not.toMatch(/ess-vserver-groups:/); // no noise on a no-op
    await s.destroy();
});

test("3. up removing one entry and adding another: one Detach (with the stack's ForceDetach) and one Attach", async () => {
    const s = await newStack("swap");
    await s.up([attachment("att", "asg-a", [web], { forceAttach: true, forceDetach: true })]);
    emulator.control.clearCalls();
    const moved: VServerGroup = {
        loadbalancerId: "lb-web",
        vserverAttributes: [web.vserverAttributes[0], { vserverGroupId: "rsp-web-8443", port: 8443 }],
    };
    const r = await s.up([attachment("att", "asg-a", [moved], { forceAttach: true, forceDetach: true })]);
    expect(r.changeSummary).toEqual({ same: 1, update: 1 });
    const detaches = emulator.control.calls({ action: "DetachVServerGroups" });
    expect(detaches).toHaveLength(1);
    expect(detaches[0].params).toMatchObject({
        ForceDetach: "true",
        "VServerGroup.1.VServerGroupAttribute.1.VServerGroupId": "rsp-web-443",
    });
    expect(calls("AttachVServerGroups")).toBe(1);
    expect(attached("asg-a")).toEqual([e("lb-web", "rsp-web-80", 80), e("lb-web", "rsp-web-8443", 8443)]);
    expect(backends("rsp-web-443")).toEqual([]);
    expect(backends("rsp-web-80")).toEqual(["i-asg-a-1:80", "i-asg-a-2:80"]);
    expect(r.output).toMatch(/detaching 1 VServer group from the scaling group in 1 call \(ForceDetach=true\)/);
    await s.destroy();
});

test.each([
    [true, []],
    [false, ["i-asg-a-1:80", "i-asg-a-2:80"]],
])("4. destroy with forceDetach=%s: the VServer group's backends are %j", async (forceDetach, expected) => {
    const s = await newStack(`destroy-${forceDetach}`);
    await s.up([attachment("att", "asg-a", [web], { forceAttach: true, forceDetach })]);
    const r = await s.destroy();
    expect(attached("asg-a")).toEqual([]);
    expect(backends("rsp-web-80")).toEqual(expected);
    expect(emulator.control.calls({ action: "DetachVServerGroups" })[0].params.ForceDetach).toBe(String(forceDetach));
    expect(r.output).toMatch(new RegExp(`detaching 2 VServer groups from the scaling group in 1 call \\(ForceDetach=${forceDetach}\\)`));
});

test("5. changing only forceDetach is an update with no API call; the next destroy uses the new value", async () => {
    const s = await newStack("flags");
    await s.up([attachment("att", "asg-a", [web], { forceAttach: true, forceDetach: false })]);
    emulator.control.clearCalls();
    const r = await s.up([attachment("att", "asg-a", [web], { forceAttach: true, forceDetach: true })]);
    expect(r.changeSummary).toEqual({ same: 1, update: 1 });
    expect(emulator.control.calls()).toEqual([]);
    await s.destroy();
    expect(emulator.control.calls({ action: "DetachVServerGroups" }).map((c) => c.params.ForceDetach)).toEqual(["true"]);
    expect(backends("rsp-web-80")).toEqual([]);
});

test("6. a scalingGroupId change replaces: the new group is attached, the old one detached", async () => {
    const s = await newStack("replace");
    await s.up([attachment("att", "asg-a", [api], { forceDetach: true })]);
    const r = await s.up([attachment("att", "asg-b", [api], { forceDetach: true })]);
    expect(r.changeSummary).toEqual({ same: 1, replace: 1 });
    expect(attached("asg-a")).toEqual([]);
    expect(attached("asg-b")).toEqual([e("lb-api", "rsp-api-8080", 8080)]);
    await s.destroy();
    expect(attached("asg-b")).toEqual([]);
});

test("7. out-of-band detach: refresh shows the drift, the next up re-attaches", async () => {
    const s = await newStack("drift");
    await s.up([attachment("att", "asg-a", [web])]);
    await outOfBand().detach("asg-a", [e("lb-web", "rsp-web-443", 443)], false);
    const refreshed = await s.refresh();
    expect(refreshed.changeSummary).toMatchObject({ update: 1 });
    const [res] = await s.stateResources();
    expect(toEntries((res.outputs as { vserverGroups: VServerGroup[] }).vserverGroups)).toEqual([e("lb-web", "rsp-web-80", 80)]);
    emulator.control.clearCalls();
    const r = await s.up([attachment("att", "asg-a", [web])]);
    expect(r.changeSummary).toEqual({ same: 1, update: 1 });
    expect(calls("AttachVServerGroups")).toBe(1);
    expect(attached("asg-a")).toEqual([e("lb-web", "rsp-web-443", 443, 30), e("lb-web", "rsp-web-80", 80)]);
    await s.destroy();
});

test("8. scaling group deleted out of band: refresh drops the resource and destroy succeeds", async () => {
    const s = await newStack("gone");
    await s.up([attachment("att", "asg-c", [api])]);
    const state = emulator.control.state();
    emulator.control.seed({ ...state, scalingGroups: state.scalingGroups.filter((g) => g.scalingGroupId !== "asg-c") });
    const refreshed = await s.refresh();
    expect(refreshed.changeSummary).toMatchObject({ delete: 1 });
    expect(await s.stateResources()).toEqual([]);
    const d = await s.destroy();
    expect(d.ok).toBe(true);
});

test("9. a group attached out of band by someone else stays attached through up and destroy", async () => {
    const s = await newStack("others");
    await outOfBand().attach("asg-a", [e("lb-other", "rsp-other", 7000)], false);
    await s.up([attachment("att", "asg-a", [web])]);
    await s.up([attachment("att", "asg-a", [api])]);
    expect(attached("asg-a")).toEqual([e("lb-api", "rsp-api-8080", 8080), e("lb-other", "rsp-other", 7000)]);
    await s.destroy();
    expect(attached("asg-a")).toEqual([e("lb-other", "rsp-other", 7000)]);
});

test("10. two resources on one scaling group, created and destroyed concurrently", async () => {
    const s = await newStack("two");
    const r = await s.up([
        attachment("one", "asg-a", [web], { forceAttach: true }),
        attachment("two", "asg-a", [api], { forceAttach: true }),
    ]);
    expect(r.changeSummary).toEqual({ create: 3 });
    expect(attached("asg-a")).toEqual([
        e("lb-api", "rsp-api-8080", 8080),
        e("lb-web", "rsp-web-443", 443, 30),
        e("lb-web", "rsp-web-80", 80),
    ]);
    expect(emulator.control.calls({ ok: false })).toEqual([]);
    await s.destroy();
    expect(attached("asg-a")).toEqual([]);
    expect(emulator.control.calls({ ok: false })).toEqual([]);
});

test("11. credentials as secret stack config: exported state and output hold no plaintext secret", async () => {
    const s = await newStack("secrets", "config");
    const up = await s.up([attachment("att", "asg-a", [api])]);
    expect(attached("asg-a")).toEqual([e("lb-api", "rsp-api-8080", 8080)]);
    expect(emulator.control.calls({ action: "AttachVServerGroups" })[0].accessKeyId).toBe(emulator.keys[0].accessKeyId);
    const exported = JSON.stringify(await s.export());
    const destroy = await s.destroy();
    for (const text of [exported, up.output, destroy.output]) {
        expect(text).not.toContain(emulator.keys[0].accessKeySecret);
        expect(text).not.toContain(emulator.keys[0].accessKeyId);
    }
});

test("12. a bad input (port 70000): preview fails naming the field; the emulator saw no call", async () => {
    const s = await newStack("bad");
    const bad = { loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: "rsp-web-80", port: 70000 }] };
    const r = await s.preview([attachment("att", "asg-a", [bad])], { allowFailure: true });
    expect(r.ok).toBe(false);
    expect(r.output).toContain("vserverGroups[0].vserverAttributes[0].port is 70000: must be an integer from 1 to 65535");
    expect(emulator.control.calls()).toEqual([]);
});

test("13. what a user sees: a retry with its reason and attempt shows in the pulumi up output", async () => {
    const s = await newStack("retry-visible");
    emulator.control.addFault({ kind: "throttling", actions: ["AttachVServerGroups"], times: 1 });
    const r = await s.up([attachment("att", "asg-a", [api])]);
    expect(r.output).toMatch(
        /ess-vserver-groups: AttachVServerGroups on the scaling group: Throttling\.User, retrying in \d+\.\ds \(attempt 2\)/,
    );
    expect(attached("asg-a")).toEqual([e("lb-api", "rsp-api-8080", 8080)]);
    await s.destroy();
});
