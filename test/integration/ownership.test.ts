// Ownership across resources of one stack, the way one engine run drives one provider process:
// renames, replacements on the same scaling group, moves and duplicate declarations never leave an
// entry detached that a live resource declares. Steps are called in the orders the engine may pick.
import type { Emulator } from "../../emulator";
import { entryKey, toEntries, type AttachmentState, type Entry } from "../../provider/kinds/vserver-groups/model";
import * as steps from "../../provider/steps";
import * as sgSteps from "../../provider/server-groups";
import * as lbSteps from "../../provider/load-balancers";
import { UNKNOWN } from "../../provider/lifecycle/unknown";
import { attachedOf, callCounts, entry, inputsOf, freshPluginProcess, seedWith, startProviderEmulator } from "../../harness/provider-env";

let emulator: Emulator;
const X = entry("lb-0", "rsp-0-0", 80);
const Y = entry("lb-0", "rsp-0-1", 81);
const Z = entry("lb-1", "rsp-1-0", 82);

type Res = { id: string; outs: AttachmentState };

async function created(entries: Entry[], flags = {}): Promise<Res> {
    const { id, outs } = await steps.create(inputsOf("asg-1", entries, flags));
    return { id, outs: outs! };
}

const owns = (r: Res) => toEntries(r.outs.vserverGroups);

/** A new engine run: a fresh provider process that knows no resource yet. */
async function nextRun(): Promise<void> {
    await freshPluginProcess();
    emulator.control.clearCalls();
}

beforeAll(async () => {
    emulator = await startProviderEmulator(seedWith(2, 3));
});
afterAll(() => emulator.close());
beforeEach(async () => {
    emulator.control.reset();
    await nextRun();
});

it("rename without alias: the new resource adopts with 0 Attach, the old one's delete makes 0 Detach", async () => {
    const web = await created([X, Y]);
    await nextRun();
    const web2 = await created([X, Y]);
    await steps.delete(web.id, web.outs);
    expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1 });
    expect(attachedOf(emulator, "asg-1")).toEqual([X, Y]);
    expect(owns(web2)).toEqual([X, Y]);
});

it("replace on the same scaling group (create the replacement, then delete the original) keeps every entry", async () => {
    const old = await created([X, Y]);
    await nextRun();
    const news = inputsOf("asg-1", [X, Y]);
    await steps.diff(old.id, old.outs, news);
    const replacement = await steps.create(news);
    await steps.delete(old.id, old.outs);
    expect(emulator.control.calls({ action: "DetachVServerGroups" })).toEqual([]);
    expect(attachedOf(emulator, "asg-1")).toEqual([X, Y]);
    expect(owns({ id: replacement.id, outs: replacement.outs! })).toEqual([X, Y]);
});

describe("move X from A [X, Y] to B [Z] in one up", () => {
    it("destination first (the source dependsOn it): 0 Detach calls, X never leaves", async () => {
        const a = await created([X, Y]);
        const b = await created([Z]);
        await nextRun();
        const aNews = inputsOf("asg-1", [Y]);
        const bNews = inputsOf("asg-1", [Z, X]);
        await steps.diff(b.id, b.outs, bNews);
        const bOut = await steps.update(b.id, b.outs, bNews);
        await steps.diff(a.id, a.outs, aNews);
        const aOut = await steps.update(a.id, a.outs, aNews);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 2 });
        expect(attachedOf(emulator, "asg-1")).toEqual([X, Y, Z]);
        expect(toEntries(aOut.outs!.vserverGroups)).toEqual([Y]);
        expect(toEntries(bOut.outs!.vserverGroups)).toEqual([X, Z]);
    });

    it("source first, before the destination is even diffed: X is re-attached by the destination", async () => {
        const a = await created([X, Y]);
        const b = await created([Z]);
        await nextRun();
        const aNews = inputsOf("asg-1", [Y]);
        const bNews = inputsOf("asg-1", [Z, X]);
        await steps.diff(a.id, a.outs, aNews);
        await steps.update(a.id, a.outs, aNews);
        expect(attachedOf(emulator, "asg-1")).toEqual([Y, Z]);
        expect((await steps.diff(b.id, b.outs, bNews)).changes).toBe(true);
        const bOut = await steps.update(b.id, b.outs, bNews);
        expect(attachedOf(emulator, "asg-1")).toEqual([X, Y, Z]);
        expect(toEntries(bOut.outs!.vserverGroups)).toEqual([X, Z]);
    });
});

describe("the same entry in two resources", () => {
    it("removing it from one leaves it attached when the other was diffed first", async () => {
        const a = await created([X, Y]);
        const b = await created([X]);
        await nextRun();
        await steps.diff(b.id, b.outs, inputsOf("asg-1", [X]));
        await steps.update(a.id, a.outs, inputsOf("asg-1", [Y]));
        expect(emulator.control.calls({ action: "DetachVServerGroups" })).toEqual([]);
        expect(attachedOf(emulator, "asg-1")).toEqual([X, Y]);
    });

    it("removing it from one before the other is diffed: the other's diff asks for an update that re-attaches it", async () => {
        const a = await created([X, Y]);
        const b = await created([X]);
        await nextRun();
        await steps.update(a.id, a.outs, inputsOf("asg-1", [Y]));
        const d = await steps.diff(b.id, b.outs, inputsOf("asg-1", [X]));
        expect(d.changes).toBe(true);
        await steps.update(b.id, b.outs, inputsOf("asg-1", [X]));
        expect(attachedOf(emulator, "asg-1")).toEqual([X, Y]);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 2, DetachVServerGroups: 1, AttachVServerGroups: 1 });
    });

    it("destroying one of two resources that share an entry keeps it for the other", async () => {
        const a = await created([X, Y]);
        const b = await created([X]);
        await nextRun();
        await steps.diff(b.id, b.outs, inputsOf("asg-1", [X]));
        await steps.delete(a.id, a.outs);
        expect(attachedOf(emulator, "asg-1")).toEqual([X]);
        const [detach] = emulator.control.calls({ action: "DetachVServerGroups" });
        expect(Object.values(detach.params)).not.toContain("rsp-0-0");
    });

    it("a weight change both declare is applied: detached and re-attached once, both states say the new weight", async () => {
        const a = await created([X, Y]);
        const b = await created([X]);
        await nextRun();
        const X90 = { ...X, weight: 90 };
        await steps.diff(a.id, a.outs, inputsOf("asg-1", [X90, Y]));
        await steps.diff(b.id, b.outs, inputsOf("asg-1", [X90]));
        const aOut = await steps.update(a.id, a.outs, inputsOf("asg-1", [X90, Y]));
        const bOut = await steps.update(b.id, b.outs, inputsOf("asg-1", [X90]));
        expect(attachedOf(emulator, "asg-1")).toEqual([X90, Y]);
        expect(toEntries(aOut.outs!.vserverGroups)).toEqual([X90, Y]);
        expect(toEntries(bOut.outs!.vserverGroups)).toEqual([X90]);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 2, DetachVServerGroups: 1, AttachVServerGroups: 1 });
    });

    it("destroying both (with --refresh) detaches it once the first is gone: state records who else declares it", async () => {
        const key = entryKey(X);
        const a = await created([X], { resourceName: "a", declaredByOthers: { [key]: ["b"] } });
        const b = await created([X], { resourceName: "b", declaredByOthers: { [key]: ["a"] } });
        await nextRun();
        await steps.read(a.id, a.outs); // a refresh claims nothing: it also reads resources the program dropped
        await steps.read(b.id, b.outs);
        await steps.delete(a.id, a.outs);
        expect(attachedOf(emulator, "asg-1")).toEqual([X]);
        await steps.delete(b.id, b.outs);
        expect(attachedOf(emulator, "asg-1")).toEqual([]);
    });

    it("up --refresh: a refresh of a resource the program dropped claims nothing, so the one that lets the entry go detaches it", async () => {
        const key = entryKey(X);
        const a = await created([X, Y], { resourceName: "a", declaredByOthers: { [key]: ["b"] } });
        const b = await created([X], { resourceName: "b", declaredByOthers: { [key]: ["a"] } });
        await nextRun(); // program: a [Y]; b is gone from it
        await steps.read(a.id, a.outs);
        await steps.read(b.id, b.outs);
        const news = inputsOf("asg-1", [Y], { resourceName: "a", declaredByOthers: {} });
        await steps.diff(a.id, a.outs, news);
        await steps.update(a.id, a.outs, news);
        await steps.delete(b.id, b.outs);
        expect(attachedOf(emulator, "asg-1")).toEqual([Y]);
    });
});

it("a weight-only change with forceAttach false keeps the instances: ForceDetach=false even with forceDetach true", async () => {
    const a = await created([X], { forceAttach: true });
    await nextRun();
    const out = await steps.update(a.id, a.outs, inputsOf("asg-1", [{ ...X, weight: 90 }], { forceDetach: true }));
    const [detach] = emulator.control.calls({ action: "DetachVServerGroups" });
    expect(detach.params.ForceDetach).toBe("false");
    expect(toEntries(out.outs!.vserverGroups)).toEqual([{ ...X, weight: 90 }]);
    expect(
        emulator.control
            .backendServers("rsp-0-0")
            .map((b) => `${b.serverId}:${b.weight}`)
            .sort(),
    ).toEqual(["i-1:50", "i-2:50"]);
});

it("create reports adoption: how many, what delete will do, and how to avoid it", async () => {
    await created([X]);
    await nextRun();
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.env.ESS_VSERVER_GROUPS_QUIET = "0";
    process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
        await created([X, Y], { forceDetach: true });
    } finally {
        process.stderr.write = write;
        process.env.ESS_VSERVER_GROUPS_QUIET = "1";
    }
    expect(lines).toContain(
        "ess-vserver-groups: adopting 1 VServer group already attached to the scaling group (rsp-0-0:80): this resource owns it now, and deleting it will detach it (ForceDetach=true). " +
            "To keep it attached on delete, set the retainOnDelete resource option or leave it out of vserverGroups\n",
    );
});

it("check: an entry another resource of the run declares with another weight fails, naming both; same weight, another group or a new run pass", async () => {
    const X90 = { ...X, weight: 90 };
    const check = (scalingGroupId: string, entries: Entry[]) => steps.check({}, { ...inputsOf(scalingGroupId, entries) });
    expect((await check("asg-1", [X, Y])).failures).toBeUndefined();
    expect((await check("asg-1", [X])).failures).toBeUndefined();
    expect((await check("asg-1", [Z, X90])).failures).toEqual([
        {
            property: "vserverGroups",
            reason:
                "vserverGroups declares VServer group lb-0/rsp-0-0/80 with weight 90, and another resource of this stack declares it on the same scaling group with weight 50: " +
                "an attachment has one weight, so the two would re-weight it in turn; declare the same weight in both, or the entry in one of them only",
        },
    ]);
    // The failed check recorded nothing: Z is free to declare with any weight.
    expect((await check("asg-1", [{ ...Z, weight: 7 }])).failures).toBeUndefined();
    expect((await check("asg-2", [X90])).failures).toBeUndefined();
    await nextRun();
    expect((await check("asg-1", [X90])).failures).toBeUndefined();
    expect(emulator.control.calls()).toEqual([]);
});

it("check: the same inputs checked twice in one run (a replacement) never conflict with themselves", async () => {
    const X90 = { ...X, weight: 90 };
    for (const entries of [[X90, Y], [X90, Y], [X90]])
        expect((await steps.check({}, { ...inputsOf("asg-1", entries) })).failures).toBeUndefined();
    expect((await steps.check({}, { ...inputsOf("asg-1", [X]) })).failures).toHaveLength(1);
});

const vsg = (weight?: number) => [{ loadbalancerId: "lb-0", vserverAttributes: [{ vserverGroupId: "rsp-0-0", port: 80, weight }] }];
const sgp = (weight?: number) => [{ serverGroupId: "sgp-1", type: "ALB", port: 80, weight }];
const lbs = (weight?: number) => [{ loadBalancerId: "lb-1", weight }];

describe.each([
    ["VServer groups", steps, "vserverGroups", vsg, { loadbalancerId: "lb-1", vserverAttributes: UNKNOWN }],
    ["server groups", sgSteps, "serverGroups", sgp, { serverGroupId: "sgp-2", type: "NLB", port: UNKNOWN }],
    ["load balancers", lbSteps, "loadBalancers", lbs, { loadBalancerId: UNKNOWN }],
] as const)("check of %s with values not known yet (preview)", (_name, kindSteps, field, known, nested) => {
    const inputs = (value: unknown) => JSON.parse(JSON.stringify({ scalingGroupId: "asg-1", region: "cn-hangzhou", [field]: value }));
    beforeEach(() =>
        kindSteps.configure({
            config: {
                get: () => undefined,
                require: (k: string): never => {
                    throw new Error(k);
                },
            },
        }),
    );

    it.each([
        ["the whole list", UNKNOWN],
        ["one element among known ones", [...known(7), UNKNOWN]],
        ["two elements", [UNKNOWN, UNKNOWN]],
        ["a nested field", [...known(7), nested]],
    ])("%s: passes, and nothing of it counts for the weight check", async (_what, value) => {
        expect(await kindSteps.check({}, inputs(value))).toEqual({ inputs: expect.objectContaining({ [field]: value }) });
        // Nothing was recorded: the known entry may still be declared with another weight.
        expect((await kindSteps.check({}, inputs(known(3)))).failures).toBeUndefined();
        expect((await kindSteps.check({}, inputs(known(9)))).failures).toHaveLength(1);
    });
});
