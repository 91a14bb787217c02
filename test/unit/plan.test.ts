import {
    entryKey,
    toEntries,
    toVServerGroups,
    type AttachmentInputs,
    type Entry,
    type VServerGroup,
} from "../../provider/kinds/vserver-groups/model";
import { UNKNOWN } from "../../provider/lifecycle/unknown";
import { vserverGroups } from "../../provider/kinds/vserver-groups/kind";
import { asProgramGave, changesBetween, diffOf, inputsToStore, reconcile, stillAttached } from "../../provider/lifecycle/changes";

// The lifecycle's planning, applied to the VServer kind.
const planChanges = (current: Entry[], desired: Entry[]) => changesBetween(entryKey, current, desired);
const planReconcile = (attached: Entry[], owned: Entry[], desired: Entry[]) => reconcile(entryKey, attached, owned, desired);
const ownedAttached = (attached: Entry[], owned: Entry[]) => stillAttached(entryKey, vserverGroups.compare, attached, owned);
const planDiff = (olds: AttachmentInputs, news: AttachmentInputs) => diffOf(vserverGroups, olds, news);
const splitIntoCalls = (entries: Entry[]) => vserverGroups.split(entries);

const e = (loadbalancerId: string, vserverGroupId: string, port: number, weight = 50): Entry => ({
    loadbalancerId,
    vserverGroupId,
    port,
    weight,
});

function inputs(vserverGroups: VServerGroup[], extra: Partial<AttachmentInputs> = {}): AttachmentInputs {
    return { scalingGroupId: "asg-1", region: "cn-hangzhou", vserverGroups, forceAttach: false, forceDetach: false, ...extra };
}

const base: VServerGroup[] = [
    {
        loadbalancerId: "lb-a",
        vserverAttributes: [
            { vserverGroupId: "rsp-1", port: 80 },
            { vserverGroupId: "rsp-2", port: 443, weight: 20 },
        ],
    },
    { loadbalancerId: "lb-b", vserverAttributes: [{ vserverGroupId: "rsp-3", port: 8080 }] },
];

describe("toEntries / toVServerGroups", () => {
    it("flattens, fills the default weight and sorts", () => {
        expect(toEntries([...base].reverse())).toEqual([e("lb-a", "rsp-1", 80), e("lb-a", "rsp-2", 443, 20), e("lb-b", "rsp-3", 8080)]);
    });
    it("round-trips into canonical nested form with explicit weights", () => {
        expect(toVServerGroups(toEntries(base))).toEqual([
            {
                loadbalancerId: "lb-a",
                vserverAttributes: [
                    { vserverGroupId: "rsp-1", port: 80, weight: 50 },
                    { vserverGroupId: "rsp-2", port: 443, weight: 20 },
                ],
            },
            { loadbalancerId: "lb-b", vserverAttributes: [{ vserverGroupId: "rsp-3", port: 8080, weight: 50 }] },
        ]);
    });
    it("treats the same group on two ports as two entries", () => {
        const two = toEntries([
            {
                loadbalancerId: "lb-a",
                vserverAttributes: [
                    { vserverGroupId: "rsp-1", port: 80 },
                    { vserverGroupId: "rsp-1", port: 81 },
                ],
            },
        ]);
        expect(two.map(entryKey)).toEqual(["lb-a/rsp-1/80", "lb-a/rsp-1/81"]);
    });
});

describe("planDiff (the engine's diff, no API call)", () => {
    const olds = inputs(toVServerGroups(toEntries(base)));

    it("identical sets in another order: no change", () => {
        const reordered: VServerGroup[] = [
            { loadbalancerId: "lb-b", vserverAttributes: [{ vserverGroupId: "rsp-3", port: 8080 }] },
            {
                loadbalancerId: "lb-a",
                vserverAttributes: [
                    { vserverGroupId: "rsp-2", port: 443, weight: 20 },
                    { vserverGroupId: "rsp-1", port: 80, weight: 50 },
                ],
            },
        ];
        expect(planDiff(olds, inputs(reordered))).toEqual({ changes: false, replaces: [] });
    });
    it("outputs hold the list and checked inputs the keyed form: the same entries are no change", () => {
        const checked = vserverGroups.validate({ scalingGroupId: "asg-1", region: "cn-hangzhou", vserverGroups: base }, undefined).inputs;
        expect(planDiff(olds, checked as AttachmentInputs)).toEqual({ changes: false, replaces: [] });
        const keyedForm = { ...olds, vserverGroups: vserverGroups.toInputs(toEntries([base[0]])) } as AttachmentInputs;
        expect(planDiff(olds, keyedForm)).toEqual({ changes: true, replaces: [] });
        expect(planDiff(keyedForm, inputs([base[0]])).changes).toBe(false); // inputs of 0.1.0 (the list) against the keyed form
    });
    it("one entry added: update", () => {
        const more = [...base, { loadbalancerId: "lb-c", vserverAttributes: [{ vserverGroupId: "rsp-9", port: 90 }] }];
        expect(planDiff(olds, inputs(more))).toEqual({ changes: true, replaces: [] });
    });
    it("one entry removed: update", () => {
        expect(planDiff(olds, inputs([base[0]]))).toEqual({ changes: true, replaces: [] });
    });
    it("weight change: update", () => {
        const reweighted = [
            { ...base[0], vserverAttributes: [{ vserverGroupId: "rsp-1", port: 80, weight: 51 }, base[0].vserverAttributes[1]] },
            base[1],
        ];
        expect(planDiff(olds, inputs(reweighted))).toEqual({ changes: true, replaces: [] });
    });
    it("explicit default weight equals an omitted weight", () => {
        const explicit = [
            { ...base[0], vserverAttributes: [{ vserverGroupId: "rsp-1", port: 80, weight: 50 }, base[0].vserverAttributes[1]] },
            base[1],
        ];
        expect(planDiff(olds, inputs(explicit)).changes).toBe(false);
    });
    it("port-only change: update", () => {
        const moved = [base[0], { loadbalancerId: "lb-b", vserverAttributes: [{ vserverGroupId: "rsp-3", port: 8081 }] }];
        expect(planDiff(olds, inputs(moved))).toEqual({ changes: true, replaces: [] });
    });
    it("region change: replace", () => {
        expect(planDiff(olds, inputs(base, { region: "cn-shanghai" }))).toEqual({ changes: true, replaces: ["region"] });
    });
    it("scaling group change: replace", () => {
        expect(planDiff(olds, inputs(base, { scalingGroupId: "asg-2" }))).toEqual({ changes: true, replaces: ["scalingGroupId"] });
    });
    it("force-flag-only change: update without replace", () => {
        expect(planDiff(olds, inputs(base, { forceDetach: true }))).toEqual({ changes: true, replaces: [] });
        expect(planDiff(olds, inputs(base, { forceAttach: true }))).toEqual({ changes: true, replaces: [] });
    });
    it("unknown scaling group during preview: replace; unknown entries: update", () => {
        expect(planDiff(olds, inputs(base, { scalingGroupId: UNKNOWN }))).toEqual({ changes: true, replaces: ["scalingGroupId"] });
        const unknownGroup = [base[0], { loadbalancerId: UNKNOWN, vserverAttributes: base[1].vserverAttributes }];
        expect(planDiff(olds, inputs(unknownGroup))).toEqual({ changes: true, replaces: [] });
    });
});

describe("inputsToStore (what `check` returns, given the stored inputs)", () => {
    const list = toVServerGroups(toEntries(base));
    const checked = (extra: Partial<AttachmentInputs> = {}, groups = base) =>
        ({ ...inputs(list), vserverGroups: vserverGroups.toInputs(toEntries(groups)), ...extra }) as AttachmentInputs;
    const store = (olds: unknown, news: AttachmentInputs) => inputsToStore(vserverGroups, olds, news);
    /** Inputs as release 0.1.0 stored them: the list, its own provider text, no names. */
    const stored010 = { ...inputs(list), __provider: "exports.handler = 0.1.0" };

    it("keyed: on create (no stored inputs) and over stored keyed inputs", () => {
        expect(store({}, checked())).toEqual(checked());
        expect(store(checked({ resourceName: "web" }), checked({ resourceName: "web", forceDetach: true }))).toEqual(
            checked({ resourceName: "web", forceDetach: true }),
        );
    });
    it("over a 0.1.0 list with the same entries and nothing else new: keyed (the engine stores it with no diff)", () => {
        expect(store(stored010, checked())).toEqual(checked());
    });
    it("over a 0.1.0 list with the same entries while another input changes: the list as stored, so only that input shows", () => {
        const news = checked({ resourceName: "web", declaredByOthers: {} });
        expect(store(stored010, news)).toEqual({ ...news, vserverGroups: list });
        expect((store(stored010, checked({ forceAttach: true })) as AttachmentInputs).vserverGroups).toEqual(list);
    });
    it("over a 0.1.0 list whose entries change: keyed", () => {
        const news = checked({ resourceName: "web" }, [base[0]]);
        expect(store(stored010, news)).toEqual(news);
    });
    it("entries not known yet: as `check` made them", () => {
        const news = { ...inputs(list), vserverGroups: [{ loadbalancerId: UNKNOWN, vserverAttributes: [] }] } as AttachmentInputs;
        expect(store(stored010, news)).toEqual(news);
    });
});

describe("asProgramGave (the program's inputs as `check` validates them)", () => {
    const news = (value: unknown) => ({ scalingGroupId: "asg-1", vserverGroups: value });
    it("the keyed form `ignoreChanges` copies from state becomes the list again; a list stays as it is", () => {
        const list = toVServerGroups(toEntries(base));
        expect(asProgramGave(vserverGroups, news(vserverGroups.toInputs(toEntries(base))))).toEqual(news(list));
        expect(asProgramGave(vserverGroups, news(base))).toEqual(news(base));
        expect(asProgramGave(vserverGroups, news(UNKNOWN))).toEqual(news(UNKNOWN));
    });
});

describe("planChanges / planReconcile", () => {
    it("add one, remove one, keep the rest untouched", () => {
        const current = [e("lb-a", "rsp-1", 80), e("lb-a", "rsp-2", 80)];
        const desired = [e("lb-a", "rsp-1", 80), e("lb-a", "rsp-3", 80)];
        expect(planChanges(current, desired)).toEqual({ detach: [e("lb-a", "rsp-2", 80)], attach: [e("lb-a", "rsp-3", 80)] });
    });
    it("a weight change is a detach of the old entry and an attach of the new", () => {
        expect(planChanges([e("lb-a", "rsp-1", 80, 10)], [e("lb-a", "rsp-1", 80, 90)])).toEqual({
            detach: [e("lb-a", "rsp-1", 80, 10)],
            attach: [e("lb-a", "rsp-1", 80, 90)],
        });
    });
    it("a port change is a detach and an attach", () => {
        expect(planChanges([e("lb-a", "rsp-1", 80)], [e("lb-a", "rsp-1", 81)])).toEqual({
            detach: [e("lb-a", "rsp-1", 80)],
            attach: [e("lb-a", "rsp-1", 81)],
        });
    });
    it("create adopts what is already attached and leaves others' groups alone", () => {
        const attached = [e("lb-a", "rsp-1", 80), e("lb-x", "rsp-other", 80)];
        const desired = [e("lb-a", "rsp-1", 80), e("lb-a", "rsp-2", 80)];
        expect(planReconcile(attached, [], desired)).toEqual({ detach: [], attach: [e("lb-a", "rsp-2", 80)] });
    });
    it("update skips a removal that is already gone and an addition already there", () => {
        const owned = [e("lb-a", "rsp-1", 80), e("lb-a", "rsp-2", 80)];
        const attached = [e("lb-a", "rsp-1", 80), e("lb-a", "rsp-3", 80), e("lb-z", "rsp-z", 1)];
        const desired = [e("lb-a", "rsp-3", 80)];
        expect(planReconcile(attached, owned, desired)).toEqual({ detach: [e("lb-a", "rsp-1", 80)], attach: [] });
    });
    it("ownedAttached reports owned entries with the weight really attached", () => {
        const attached = [e("lb-a", "rsp-1", 80, 7), e("lb-x", "rsp-other", 80)];
        expect(ownedAttached(attached, [e("lb-a", "rsp-1", 80), e("lb-a", "rsp-2", 80)])).toEqual([e("lb-a", "rsp-1", 80, 7)]);
    });
});

describe("splitIntoCalls (≤ 5 load balancers × 5 groups per call)", () => {
    function entries(groupsPerLb: number[]): Entry[] {
        return groupsPerLb.flatMap((n, lb) => Array.from({ length: n }, (_, g) => e(`lb-${lb}`, `rsp-${lb}-${g}`, 80 + g)));
    }
    function assertValid(calls: Entry[][], all: Entry[]): void {
        for (const call of calls) {
            const lbs = toVServerGroups(call);
            expect(lbs.length).toBeLessThanOrEqual(5);
            for (const lb of lbs) expect(lb.vserverAttributes.length).toBeLessThanOrEqual(5);
        }
        expect(calls.flat().map(entryKey).sort()).toEqual(all.map(entryKey).sort());
    }

    it("26 entries across 6 load balancers go in 2 calls", () => {
        const all = entries([5, 5, 5, 5, 5, 1]);
        expect(all).toHaveLength(26);
        const calls = splitIntoCalls(all);
        assertValid(calls, all);
        expect(calls).toHaveLength(2);
    });
    it("26 entries across 6 load balancers, unevenly (9,8,3,3,2,1), go in the minimum of 2 calls", () => {
        const all = entries([9, 8, 3, 3, 2, 1]);
        const calls = splitIntoCalls(all);
        assertValid(calls, all);
        expect(calls).toHaveLength(2);
    });
    it("one load balancer with 12 groups needs 3 calls", () => {
        const all = entries([12]);
        const calls = splitIntoCalls(all);
        assertValid(calls, all);
        expect(calls.map((c) => c.length)).toEqual([5, 5, 2]);
    });
    it("a busy load balancer is served first so small ones fill in (6,1,1,1,1,1 → 2 calls)", () => {
        const all = entries([6, 1, 1, 1, 1, 1]);
        const calls = splitIntoCalls(all);
        assertValid(calls, all);
        expect(calls).toHaveLength(2);
    });
    it("reaches the lower bound for many shapes", () => {
        for (let seed = 1; seed <= 200; seed++) {
            const shape = Array.from({ length: 1 + (seed % 9) }, (_, i) => 1 + ((seed * (i + 3) * 7) % 13));
            const all = entries(shape);
            const calls = splitIntoCalls(all);
            assertValid(calls, all);
            const slices = shape.reduce((s, n) => s + Math.ceil(n / 5), 0);
            const bound = Math.max(...shape.map((n) => Math.ceil(n / 5)), Math.ceil(slices / 5));
            expect(calls).toHaveLength(bound);
        }
    });
    it("nothing to do means no call", () => {
        expect(splitIntoCalls([])).toEqual([]);
    });
});
