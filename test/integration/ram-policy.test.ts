// The RAM policy of docs/configuration.md (read from the doc, so the two cannot drift) against each
// kind's lifecycle, in process over real HTTP with real signatures: it is enough for all three kinds,
// and each of its actions is needed: without it, the step that calls it fails naming the action.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_FIXTURE, generateKey, type AccessKey, type Emulator, type PolicyDocument } from "../../emulator";
import * as vsSteps from "../../provider/steps";
import * as sgSteps from "../../provider/server-groups";
import * as lbSteps from "../../provider/load-balancers";
import type { Attachment } from "../../provider/lifecycle/kind";
import { attachedOf, entry, freshPluginProcess, inputsOf, REGION, startProviderEmulator } from "../../harness/provider-env";

/** The ```json block under `## RAM policy` in docs/configuration.md. */
function documentedPolicy(): PolicyDocument {
    const doc = readFileSync(join(__dirname, "../../docs/configuration.md"), "utf8");
    const section = doc.split(/^## /m).find((s) => s.startsWith("RAM policy\n"));
    const json = section && /```json\n([\s\S]*?)```/.exec(section)?.[1];
    if (!json) throw new Error("docs/configuration.md: no ```json block under ## RAM policy");
    return JSON.parse(json) as PolicyDocument;
}

const POLICY = documentedPolicy();
const ACTIONS = POLICY.Statement.flatMap((s) => [s.Action].flat()).map((a) => a.replace(/^ess:/, ""));

const without = (action: string): PolicyDocument => ({
    ...POLICY,
    Statement: POLICY.Statement.map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== `ess:${action}`) })),
});

type KindName = "vserverGroups" | "serverGroups" | "loadBalancers";
type Step = "check" | "diff" | "create" | "update" | "delete";

/** Where each action is needed: the kinds whose lifecycle fails without it, at which step. */
const NEEDED_BY: Record<string, Partial<Record<KindName, Step>>> = {
    AttachVServerGroups: { vserverGroups: "create" },
    DetachVServerGroups: { vserverGroups: "update" },
    AttachServerGroups: { serverGroups: "create" },
    DetachServerGroups: { serverGroups: "update" },
    AttachLoadBalancers: { loadBalancers: "create" },
    DetachLoadBalancers: { loadBalancers: "update" },
    DescribeScalingGroups: { vserverGroups: "create", serverGroups: "create", loadBalancers: "create" },
    DescribeScalingActivities: { serverGroups: "create", loadBalancers: "create" },
};

let emulator: Emulator;
const FORCE = { forceAttach: true, forceDetach: true };
const group = () => emulator.control.scalingGroup("asg-demo");

/** A kind as the lifecycle drives it: its steps, program inputs of its first `n` of two entries, and the IDs ESS holds (sorted). */
interface KindUnderTest {
    steps: typeof vsSteps;
    inputs(n: number): Record<string, unknown>;
    ids: string[];
    attached(): string[];
    /** The actions its lifecycle calls (with Force*, server groups and load balancers wait for activities). */
    actions: string[];
}

const KINDS: Record<KindName, KindUnderTest> = {
    vserverGroups: {
        steps: vsSteps,
        inputs: (n) => ({
            ...inputsOf("asg-demo", [entry("lb-api", "rsp-api-8080", 8080), entry("lb-web", "rsp-web-80", 80)].slice(0, n), FORCE),
        }),
        ids: ["rsp-api-8080", "rsp-web-80"],
        attached: () => attachedOf(emulator, "asg-demo").map((e) => e.vserverGroupId),
        actions: ["DescribeScalingGroups", "AttachVServerGroups", "DetachVServerGroups"],
    },
    serverGroups: {
        steps: sgSteps,
        inputs: (n) => ({
            scalingGroupId: "asg-demo",
            region: REGION,
            serverGroups: [
                { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 },
                { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 8080, weight: 50 },
            ].slice(0, n),
            ...FORCE,
        }),
        ids: ["sgp-alb-web", "sgp-nlb-tcp"],
        attached: () => (group()?.serverGroups ?? []).map((g) => g.serverGroupId).sort(),
        actions: ["DescribeScalingGroups", "AttachServerGroups", "DescribeScalingActivities", "DetachServerGroups"],
    },
    loadBalancers: {
        steps: lbSteps,
        inputs: (n) => ({
            scalingGroupId: "asg-demo",
            region: REGION,
            loadBalancers: [{ loadBalancerId: "lb-classic", weight: 20 }, { loadBalancerId: "lb-web" }].slice(0, n),
            ...FORCE,
        }),
        ids: ["lb-classic", "lb-web"],
        attached: () => [...(group()?.loadBalancerIds ?? [])].sort(),
        actions: ["DescribeScalingGroups", "AttachLoadBalancers", "DescribeScalingActivities", "DetachLoadBalancers"],
    },
};
const KIND_NAMES = Object.keys(KINDS) as KindName[];

class StepFailed extends Error {
    constructor(
        readonly step: Step,
        readonly error: Error,
    ) {
        super(`${step}: ${error.message}`);
    }
}

/** Runs one step; its own failure becomes a StepFailed (a failed assertion stays what it is). */
const run = <T>(step: Step, call: () => Promise<T>): Promise<T> =>
    call().catch((err: unknown) => {
        throw new StepFailed(step, err as Error);
    });

/**
 * check → create (two entries) → diff → update (one entry removed: a Detach) → delete (a Detach),
 * with forceAttach and forceDetach (server groups and load balancers wait for each activity), and
 * what ESS holds after each step. Answers the step that failed, or undefined.
 */
async function lifecycle(name: KindName): Promise<StepFailed | undefined> {
    const { steps, inputs, ids, attached } = KINDS[name];
    try {
        const checked = await run("check", () => steps.check({}, inputs(2)));
        expect(checked.failures).toBeUndefined();
        const created = await run("create", () => steps.create(checked.inputs as Attachment));
        expect(attached()).toEqual(ids);
        const news = (await run("check", () => steps.check(checked.inputs, inputs(1)))).inputs as Attachment;
        expect(await run("diff", () => steps.diff(created.id, created.outs as Attachment, news))).toMatchObject({ changes: true });
        const updated = await run("update", () => steps.update(created.id, created.outs as Attachment, news));
        expect(attached()).toEqual(ids.slice(0, 1));
        await run("delete", () => steps.delete(created.id, updated.outs as Attachment));
        expect(attached()).toEqual([]);
        return undefined;
    } catch (err) {
        if (err instanceof StepFailed) return err;
        throw err;
    }
}

/** A key with this policy, and a new plugin process whose stack config names it (alicloud:accessKey/secretKey). */
async function callingWith(policy: PolicyDocument): Promise<AccessKey> {
    const key = { ...generateKey(), policy };
    emulator.control.addKey(key);
    const config: Record<string, string> = { "alicloud:accessKey": key.accessKeyId, "alicloud:secretKey": key.accessKeySecret };
    const require = (k: string): string => {
        if (config[k] === undefined) throw new Error(`no stack config ${k} in tests`);
        return config[k];
    };
    const all = KIND_NAMES.map((k) => KINDS[k].steps);
    await freshPluginProcess(all);
    for (const steps of all) await steps.configure({ config: { get: (k: string) => config[k], require } });
    return key;
}

beforeAll(async () => {
    emulator = await startProviderEmulator(DEMO_FIXTURE);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.reset());

it("the documented policy lists the actions this test knows where each is needed", () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(NEEDED_BY).sort());
});

test.each(KIND_NAMES)("the documented policy passes the lifecycle of %s with no refused call", async (name) => {
    const key = await callingWith(POLICY);
    expect(await lifecycle(name)).toBeUndefined();
    const calls = emulator.control.calls();
    expect(calls.filter((c) => c.code !== undefined)).toEqual([]);
    expect(new Set(calls.map((c) => c.accessKeyId))).toEqual(new Set([key.accessKeyId]));
    expect(new Set(calls.map((c) => c.action))).toEqual(new Set(KINDS[name].actions));
});

test.each(ACTIONS)("without ess:%s the step that calls it fails, naming it", async (action) => {
    await callingWith(without(action));
    const failed: Partial<Record<KindName, Step>> = {};
    for (const name of KIND_NAMES) {
        const failure = await lifecycle(name);
        // A step that failed waiting left its activity running: the next kind would meet ScalingActivityInProgress.
        await Promise.all(emulator.control.activities().map((a) => emulator.control.activityDone(a.scalingActivityId)));
        if (!failure) continue;
        failed[name] = failure.step;
        expect(failure.error.message).toContain("Forbidden.Unauthorized");
        expect(failure.error.message).toContain(`the identity that called lacks the RAM permission ess:${action}: grant it`);
    }
    expect(Object.keys(failed).length).toBeGreaterThan(0); // the action is needed by some kind
    expect(failed).toEqual(NEEDED_BY[action]);
    const refused = emulator.control.calls({ ok: false });
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.map((c) => [c.action, c.status, c.code])).toEqual(refused.map(() => [action, 403, "Forbidden.Unauthorized"]));
});
