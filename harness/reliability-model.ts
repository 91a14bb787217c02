// The model behind the randomized reliability suite (test/reliability/): a small cloud, a seeded
// generator of desired entry sets (adds, removals, weight changes, force-flag flips, reorderings,
// scaling group changes) and of faults, and the checks that say "converged, nothing lost, nothing
// leaked, others untouched". Used by the provider-level mode and by the real-engine mode.
import type { Emulator, FaultRule, Hold, StateSeed } from "../emulator";
import { prng } from "../emulator/faults";
import { entryKey, toEntries, type Entry, type VServerGroup } from "../provider/kinds/vserver-groups/model";

import { attachedOf, REGION } from "./provider-env";
import { until } from "./until";

export { attachedOf, REGION };
export const SCALING_GROUPS = ["asg-1", "asg-2"] as const;
export type ScalingGroupId = (typeof SCALING_GROUPS)[number];

/** Entries someone else attached (console user, another stack): must never be touched. */
export const OTHERS: Record<ScalingGroupId, Entry[]> = {
    "asg-1": [
        { loadbalancerId: "lb-9", vserverGroupId: "rsp-9-0", port: 9000, weight: 10 },
        { loadbalancerId: "lb-0", vserverGroupId: "rsp-0-3", port: 7000, weight: 70 }, // same VServer group as ours, other port
    ],
    "asg-2": [{ loadbalancerId: "lb-9", vserverGroupId: "rsp-9-1", port: 9001, weight: 20 }],
};

/** The entries the stack may declare: 3 load balancers × 4 VServer groups × 2 ports = 24 triples. */
export const CANDIDATES: Omit<Entry, "weight">[] = [0, 1, 2].flatMap((lb) =>
    [0, 1, 2, 3].flatMap((g) => [80 + g, 1000 + g].map((port) => ({ loadbalancerId: `lb-${lb}`, vserverGroupId: `rsp-${lb}-${g}`, port }))),
);

export function cloudSeed(): StateSeed {
    return {
        scalingGroups: SCALING_GROUPS.map((id, n) => ({
            scalingGroupId: id,
            regionId: REGION,
            instances: [`i-${id}-1`, `i-${id}-2`],
            vServerGroupQuota: 50,
            vServerGroups: OTHERS[id].map((e) => ({
                loadBalancerId: e.loadbalancerId,
                vServerGroupId: e.vserverGroupId,
                port: e.port,
                weight: e.weight,
            })),
            scalingGroupName: `sg-${n}`,
        })),
        loadBalancers: [
            ...[0, 1, 2].map((lb) => ({
                loadBalancerId: `lb-${lb}`,
                regionId: REGION,
                vServerGroups: [0, 1, 2, 3].map((g) => `rsp-${lb}-${g}`),
            })),
            { loadBalancerId: "lb-9", regionId: REGION, vServerGroups: ["rsp-9-0", "rsp-9-1"] },
        ],
    };
}

export interface Desired {
    scalingGroupId: ScalingGroupId;
    entries: Entry[];
    forceAttach: boolean;
    forceDetach: boolean;
    /** The program's arguments: entries grouped in a random order, sometimes split, default weights sometimes omitted. */
    args: { scalingGroupId: string; vserverGroups: VServerGroup[]; forceAttach: boolean; forceDetach: boolean };
    /** What changed from the previous step (for the failure report). */
    mutations: string[];
}

/** A fault the step injects: an emulator rule, or a busy window on a scaling group. */
export type FaultSpec =
    | { type: "rule"; rule: FaultRule }
    | {
          type: "busy";
          scalingGroupId: ScalingGroupId;
          code: "IncorrectScalingGroupStatus" | "ScalingActivityInProgress";
          calls?: number;
          durationMs?: number;
      };

export interface GeneratorOptions {
    /** The client's read timeout; latency faults go beyond it. */
    readTimeoutMs: number;
    /** Probability that a step gets faults at all. */
    faultyStepRate?: number;
    /** Probability that a fault outlasts the retry budget (the step then fails or half-fails). */
    persistentRate?: number;
}

export type Rng = () => number;

export const rngFor = (seed: number, index: number): Rng => prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
function shuffle<T>(r: Rng, xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
}
const WEIGHTS = [0, 10, 30, 50, 50, 50, 75, 100];

/** Renders entries as program arguments: random group order, LBs sometimes split in two blocks, weight 50 sometimes omitted. */
export function render(r: Rng, sg: ScalingGroupId, entries: Entry[], forceAttach: boolean, forceDetach: boolean): Desired["args"] {
    const byLb = new Map<string, Entry[]>();
    for (const e of shuffle(r, entries)) byLb.set(e.loadbalancerId, [...(byLb.get(e.loadbalancerId) ?? []), e]);
    const blocks: VServerGroup[] = [];
    for (const [lb, es] of byLb) {
        const attrs = es.map((e) =>
            e.weight === 50 && r() < 0.5
                ? { vserverGroupId: e.vserverGroupId, port: e.port }
                : { vserverGroupId: e.vserverGroupId, port: e.port, weight: e.weight },
        );
        if (attrs.length > 1 && r() < 0.25) {
            const cut = int(r, 1, attrs.length - 1);
            blocks.push(
                { loadbalancerId: lb, vserverAttributes: attrs.slice(0, cut) },
                { loadbalancerId: lb, vserverAttributes: attrs.slice(cut) },
            );
        } else {
            blocks.push({ loadbalancerId: lb, vserverAttributes: attrs });
        }
    }
    return { scalingGroupId: sg, vserverGroups: shuffle(r, blocks), forceAttach, forceDetach };
}

export function firstDesired(r: Rng): Desired {
    const n = int(r, 1, 7);
    const entries = shuffle(r, CANDIDATES)
        .slice(0, n)
        .map((t) => ({ ...t, weight: pick(r, WEIGHTS) }));
    const sg = pick(r, SCALING_GROUPS);
    const fa = r() < 0.5;
    const fd = r() < 0.5;
    const args = render(r, sg, entries, fa, fd);
    return {
        scalingGroupId: sg,
        entries: toEntries(args.vserverGroups),
        forceAttach: fa,
        forceDetach: fd,
        args,
        mutations: [`create ${n} on ${sg}`],
    };
}

/** The next desired state: one to three random mutations of the previous one. */
export function nextDesired(r: Rng, prev: Desired): Desired {
    let entries = prev.entries.map((e) => ({ ...e }));
    let { scalingGroupId: sg, forceAttach: fa, forceDetach: fd } = prev;
    const mutations: string[] = [];
    const count = int(r, 1, 3);
    for (let i = 0; i < count; i++) {
        const kind = pick(r, ["add", "add", "remove", "remove", "weight", "flags", "reorder", "scalingGroup", "swapAll"] as const);
        switch (kind) {
            case "add": {
                const free = CANDIDATES.filter((c) => !entries.some((e) => entryKey(e) === entryKey(c)));
                const added = shuffle(r, free)
                    .slice(0, int(r, 1, 3))
                    .map((t) => ({ ...t, weight: pick(r, WEIGHTS) }));
                entries.push(...added);
                mutations.push(`add ${added.map(entryKey).join(",")}`);
                break;
            }
            case "remove": {
                if (entries.length <= 1) break;
                const n = int(r, 1, Math.min(2, entries.length - 1));
                const removed = shuffle(r, entries).slice(0, n);
                entries = entries.filter((e) => !removed.includes(e));
                mutations.push(`remove ${removed.map(entryKey).join(",")}`);
                break;
            }
            case "weight": {
                const target = pick(r, entries);
                const w = pick(
                    r,
                    WEIGHTS.filter((x) => x !== target.weight),
                );
                mutations.push(`weight ${entryKey(target)} ${target.weight}->${w}`);
                target.weight = w;
                break;
            }
            case "flags":
                if (r() < 0.5) fa = !fa;
                else fd = !fd;
                mutations.push(`flags forceAttach=${fa} forceDetach=${fd}`);
                break;
            case "reorder":
                mutations.push("reorder");
                break;
            case "scalingGroup":
                sg = sg === "asg-1" ? "asg-2" : "asg-1";
                mutations.push(`scalingGroup -> ${sg}`);
                break;
            case "swapAll": {
                const fresh = shuffle(r, CANDIDATES)
                    .slice(0, int(r, 1, 6))
                    .map((t) => ({ ...t, weight: pick(r, WEIGHTS) }));
                entries = fresh;
                mutations.push(`replace all entries (${fresh.length})`);
                break;
            }
        }
    }
    const args = render(r, sg, entries, fa, fd);
    return { scalingGroupId: sg, entries: toEntries(args.vserverGroups), forceAttach: fa, forceDetach: fd, args, mutations };
}

const MUTATING = ["AttachVServerGroups", "DetachVServerGroups"];
const ACTION_SETS: (string[] | undefined)[] = [
    undefined,
    ["AttachVServerGroups"],
    ["DetachVServerGroups"],
    MUTATING,
    ["DescribeScalingGroups"],
];

/** Zero to three faults for a step; some transient (retries absorb them), some long enough to exhaust the retry budget. */
export function faultsFor(r: Rng, opts: GeneratorOptions): FaultSpec[] {
    if (r() >= (opts.faultyStepRate ?? 0.7)) return [];
    const out: FaultSpec[] = [];
    const n = int(r, 1, 3);
    for (let i = 0; i < n; i++) {
        const kind = pick(r, ["throttling", "internalError", "serviceUnavailable", "connectionReset", "latency", "busy"] as const);
        const persistent = r() < (opts.persistentRate ?? 0.2); // outlasts the retry budget: the step fails
        const actions = pick(r, ACTION_SETS);
        if (kind === "busy") {
            const sg = pick(r, SCALING_GROUPS);
            const code = r() < 0.5 ? "IncorrectScalingGroupStatus" : "ScalingActivityInProgress";
            out.push(
                persistent
                    ? { type: "busy", scalingGroupId: sg, code }
                    : r() < 0.5
                      ? { type: "busy", scalingGroupId: sg, code, calls: int(r, 1, 2) }
                      : { type: "busy", scalingGroupId: sg, code, durationMs: int(r, 50, 400) },
            );
        } else if (kind === "latency") {
            // One latency rule a step: the emulator adds up the latencies of every rule that matches a call.
            if (out.some((f) => f.type === "rule" && f.rule.kind === "latency")) continue;
            out.push({
                type: "rule",
                rule: {
                    kind,
                    actions,
                    // Answered too late for the client, yet within one more response timeout: the window the
                    // provider waits out before re-checking (see VERIFY_ROUNDS in provider/steps.ts).
                    latencyMs: opts.readTimeoutMs + int(r, 30, Math.max(40, Math.round(opts.readTimeoutMs / 2))),
                    times: persistent ? 40 : int(r, 1, 2),
                    probability: r() < 0.5 ? 0.5 : undefined,
                },
            });
        } else {
            out.push({
                type: "rule",
                rule: { kind, actions, times: persistent ? 1000 : int(r, 1, 3), probability: r() < 0.3 ? 0.5 : undefined },
            });
        }
    }
    return out;
}

/**
 * The faults of a step meant to fail, in stages: the first stage is injected with the step, each
 * later one once the next Attach or Detach arrives (see `injectInStages`).
 */
export interface FailurePlan {
    stages: FaultSpec[][];
    /** For the log: what each stage waits for. */
    describe: string;
}

const DESCRIBE = ["DescribeScalingGroups"];

/**
 * Faults that make a step fail: Attach and Detach fail for longer than the retry budget, from the
 * start or only once the step's first change has gone through. Often DescribeScalingGroups fails
 * too from the first failing Attach/Detach on, so the re-read after the failure fails and the state
 * the failure carries is marked uncertain (the step's earlier Describes went through). Latency
 * makes the failed calls land late, their outcome unknown to the provider; busy answers and
 * throttling are certain failures.
 */
export function failureFaults(r: Rng, opts: GeneratorOptions): FailurePlan {
    const afterFirstChange = r() < 0.5;
    const kind = pick(r, ["throttling", "internalError", "serviceUnavailable", "connectionReset", "latency", "busy"] as const);
    const changes: FaultSpec[] = [];
    if (kind === "busy") {
        const code = r() < 0.5 ? "IncorrectScalingGroupStatus" : "ScalingActivityInProgress";
        for (const sg of SCALING_GROUPS) changes.push({ type: "busy", scalingGroupId: sg, code });
    } else if (kind === "latency") {
        const latencyMs = opts.readTimeoutMs + int(r, 30, Math.max(40, Math.round(opts.readTimeoutMs / 2)));
        changes.push({ type: "rule", rule: { kind, actions: MUTATING, latencyMs, times: 40 } });
    } else {
        changes.push({
            type: "rule",
            rule: { kind, actions: pick(r, [MUTATING, MUTATING, ["AttachVServerGroups"], ["DetachVServerGroups"]]), times: 1000 },
        });
    }
    const stages: FaultSpec[][] = afterFirstChange ? [[], changes] : [changes];
    if (r() < 0.6) {
        const readFault = pick(r, ["throttling", "internalError", "serviceUnavailable", "connectionReset"] as const);
        stages.push([{ type: "rule", rule: { kind: readFault, actions: DESCRIBE, times: 1000 } }]);
    }
    const when = afterFirstChange
        ? ["", "after the first change", "from the next change on"]
        : ["with the step", "from the first change on"];
    return {
        stages,
        describe: stages
            .map((faults, i) => (faults.length > 0 ? `${when[i]}: ${describeFaults(faults)}` : ""))
            .filter(Boolean)
            .join("; "),
    };
}

/**
 * Injects `stages[0]` now, and each later stage once the next Attach or Detach arrives: that call's
 * fate was decided on arrival (by the stages before), the calls after it meet the new faults. No
 * clock involved: the emulator holds the call until the faults are in. `reached` says how many
 * stages are in; `disarm` after the step drops the holds no call reached.
 */
export function injectInStages(
    emulator: Emulator,
    stages: FaultSpec[][],
    tracker: LatencyTracker,
): { reached: () => number; disarm: () => void } {
    let reached = 0;
    let holds: Hold[] = [];
    const next = () => {
        injectTracked(emulator, stages[reached], tracker);
        reached++;
        if (reached === stages.length) return;
        const mine = MUTATING.map((action) => emulator.control.hold(action));
        holds = mine;
        let done = false;
        for (const hold of mine) {
            hold.arrived.then(
                () => {
                    if (done) return;
                    done = true;
                    next();
                    for (const h of mine) h.release();
                },
                () => undefined, // released before any call came
            );
        }
    };
    next();
    return { reached: () => reached, disarm: () => holds.forEach((h) => h.release()) };
}

export function injectFaults(emulator: Emulator, faults: FaultSpec[]): void {
    for (const f of faults) {
        if (f.type === "rule") emulator.control.addFault(f.rule);
        else emulator.control.busy({ scalingGroupId: f.scalingGroupId, code: f.code, calls: f.calls, durationMs: f.durationMs });
    }
}

/** Requests delayed by a latency fault keep going after the client gave up: wait until every one has landed. */
export async function drainDelayed(emulator: Emulator, sinceSeq: number, latencyHits: () => number): Promise<void> {
    const landed = () => emulator.control.calls().filter((c) => c.seq > sinceSeq && (c.latencyMs ?? 0) > 0).length;
    await until(
        () => landed() >= latencyHits(),
        () => `${latencyHits()} delayed requests to land (${landed()} did)`,
    );
}

/** Latency rules added so far and how many calls each has hit (a rule that ran out is gone from the list). */
export class LatencyTracker {
    private rules = new Map<number, number>(); // id -> times
    constructor(private readonly emulator: Emulator) {}
    add(faults: FaultSpec[], ids: number[]): void {
        faults.forEach((f, i) => {
            if (f.type === "rule" && f.rule.kind === "latency") this.rules.set(ids[i], f.rule.times ?? Infinity);
        });
    }
    hits(): number {
        const live = new Map(this.emulator.control.faults().rules.map((r) => [r.id, r.remaining]));
        let n = 0;
        for (const [id, times] of this.rules) n += live.has(id) ? times - (live.get(id) ?? times) : times;
        return n;
    }
    clear(): void {
        this.rules.clear();
    }
}

export function injectTracked(emulator: Emulator, faults: FaultSpec[], tracker: LatencyTracker): void {
    const ids = faults.map((f) =>
        f.type === "rule"
            ? emulator.control.addFault(f.rule)
            : emulator.control.busy({ scalingGroupId: f.scalingGroupId, code: f.code, calls: f.calls, durationMs: f.durationMs }),
    );
    tracker.add(faults, ids);
}

const show = (es: Entry[]) => es.map((e) => `${entryKey(e)}@${e.weight}`);

export interface Audit {
    lost: string[];
    leaked: string[];
    othersTouched: string[];
}

/**
 * Compares the cloud with what should be there: on each scaling group exactly the entries the
 * resources declare on it ∪ others. `desired` undefined: after destroy (only others).
 */
export function audit(emulator: Emulator, desired: Desired | readonly Desired[] | undefined): Audit {
    const result: Audit = { lost: [], leaked: [], othersTouched: [] };
    const declared: readonly Desired[] = desired === undefined ? [] : Array.isArray(desired) ? desired : [desired as Desired];
    for (const sg of SCALING_GROUPS) {
        const attached = attachedOf(emulator, sg);
        const byKey = new Map(attached.map((e) => [entryKey(e), e]));
        const wanted = [
            ...new Map(declared.filter((d) => d.scalingGroupId === sg).flatMap((d) => d.entries.map((e) => [entryKey(e), e]))).values(),
        ];
        for (const o of OTHERS[sg]) {
            const a = byKey.get(entryKey(o));
            if (!a || a.weight !== o.weight)
                result.othersTouched.push(`${sg}:${entryKey(o)}@${o.weight} is ${a ? `@${a.weight}` : "gone"}`);
        }
        for (const w of wanted) {
            const a = byKey.get(entryKey(w));
            if (!a || a.weight !== w.weight) result.lost.push(`${sg}:${entryKey(w)}@${w.weight} is ${a ? `@${a.weight}` : "not attached"}`);
        }
        const expectedKeys = new Set([...wanted, ...OTHERS[sg]].map(entryKey));
        for (const a of attached) if (!expectedKeys.has(entryKey(a))) result.leaked.push(`${sg}:${show([a])[0]}`);
    }
    return result;
}

export const auditClean = (a: Audit) => a.lost.length === 0 && a.leaked.length === 0 && a.othersTouched.length === 0;

/** What one live resource's state claims: the entries it owns, on its scaling group. */
export interface Claim {
    name: string;
    scalingGroupId: string;
    entries: Entry[];
    /**
     * Other weights that count as holding a claimed entry: a targeted run re-weights an entry that
     * a resource it did not touch claims too, as the program declares it for both (one attachment,
     * one weight); the untouched state keeps the old weight until its own next step.
     */
    reweighted?: Entry[];
}

export interface ClaimAudit {
    /** Entries a claim lists that ESS does not hold with that weight. */
    overclaimed: string[];
    /** Entries ESS holds that the stack once owned and no live resource claims. */
    orphaned: string[];
}

/**
 * Compares the cloud with what state claims. Overclaimed: a claimed entry not attached with its
 * weight. Orphaned: an entry attached to a scaling group that is not one of OTHERS (so the stack
 * attached it, and some resource of it owned it: the cloud has no other actor) and that no claim
 * lists, unless a resource in `awaited` declares it: a targeted run hands an entry over to a
 * resource it gave no step, whose next step takes it.
 */
export function auditClaims(emulator: Emulator, claims: readonly Claim[], awaited: readonly Desired[] = []): ClaimAudit {
    const result: ClaimAudit = { overclaimed: [], orphaned: [] };
    for (const sg of SCALING_GROUPS) {
        const attached = attachedOf(emulator, sg);
        const held = new Set(attached.map((e) => `${entryKey(e)}@${e.weight}`));
        const mine = claims.filter((c) => c.scalingGroupId === sg);
        for (const c of mine) {
            const alsoOk = new Set((c.reweighted ?? []).map((e) => `${entryKey(e)}@${e.weight}`));
            for (const e of c.entries) {
                const k = entryKey(e);
                const ok = held.has(`${k}@${e.weight}`) || attached.some((a) => entryKey(a) === k && alsoOk.has(`${k}@${a.weight}`));
                if (!ok) result.overclaimed.push(`${c.name}@${sg}:${show([e])[0]}`);
            }
        }
        const claimed = new Set(mine.flatMap((c) => c.entries.map(entryKey)));
        const others = new Set(OTHERS[sg].map(entryKey));
        const pending = new Set(awaited.filter((d) => d.scalingGroupId === sg).flatMap((d) => d.entries.map(entryKey)));
        for (const a of attached) {
            const k = entryKey(a);
            if (!others.has(k) && !claimed.has(k) && !pending.has(k)) result.orphaned.push(`${sg}:${show([a])[0]}`);
        }
    }
    return result;
}

/** Faults that really fired, by kind, from the emulator's call log. */
export function firedFaults(emulator: Emulator, sinceSeq = 0): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of emulator.control.calls()) {
        if (c.seq <= sinceSeq) continue;
        if (c.fault) out[c.fault] = (out[c.fault] ?? 0) + 1;
        if ((c.latencyMs ?? 0) > 0) out.latencyBeyondTimeout = (out.latencyBeyondTimeout ?? 0) + 1;
    }
    return out;
}

export function addCounts(into: Record<string, number>, from: Record<string, number>): void {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function lastSeq(emulator: Emulator): number {
    const calls = emulator.control.calls();
    return calls.length ? calls[calls.length - 1].seq : 0;
}

export function describeFaults(faults: FaultSpec[]): string {
    return (
        faults
            .map((f) =>
                f.type === "busy"
                    ? `busy(${f.scalingGroupId},${f.code},${f.calls ?? ""}${f.durationMs ? `${f.durationMs}ms` : ""}${f.calls === undefined && f.durationMs === undefined ? "until cleared" : ""})`
                    : `${f.rule.kind}(${f.rule.actions?.join("+") ?? "all"},x${f.rule.times ?? "∞"}${f.rule.probability ? `,p=${f.rule.probability}` : ""}${f.rule.latencyMs ? `,${f.rule.latencyMs}ms` : ""})`,
            )
            .join(" ") || "none"
    );
}

export function table(rows: Array<[string, string | number]>): string {
    const w = Math.max(...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
}
