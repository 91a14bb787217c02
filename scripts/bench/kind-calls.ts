// Table 1 for ScalingGroupServerGroups and ScalingGroupLoadBalancers (API calls per operation
// against the minimum), and the scaling-activity table: DescribeScalingActivities calls per wait.
import { DEFAULT_ACTIVITY_DELAY_MS, type CallRecord } from "../../emulator";
import type { E2EStack, ResourceSpec } from "../../harness/e2e";
import { KIND_SCALING_GROUPS, KINDS, kindChunks, kindEntries, kindResource, type BenchKind, type Entry } from "./kinds";
import { countBy, fmtCounts, mark, meets, op, table, type Counts, type Ctx } from "./measure";

const [SG_BIG, SG_MID, SG_ONE, SG_POLL] = KIND_SCALING_GROUPS;

/** 1 (per kind). Every lifecycle operation without Force* (no scaling activities): calls against the minimum. */
export async function kindCallsSection(ctx: Ctx): Promise<string> {
    const rows: (string | number)[][] = [];
    let allOk = true;
    for (const kind of KINDS) {
        const row = (operation: string, measured: Counts, min: Counts, minText: string, maxDescribe?: number) => {
            const ok = meets(measured, min, maxDescribe);
            allOk &&= ok;
            if (!ok) ctx.failed.push({ operation: `${kind.label}: ${operation}`, min: minText, measured: fmtCounts(measured) });
            rows.push([kind.label, operation, minText, fmtCounts(measured), mark(ok)]);
        };
        await kindCalls(ctx, kind, row);
    }
    ctx.goals.push({
        goal: "API calls equal to the minimum for ALB/NLB/GWLB server groups and classic load balancers",
        met: allOk,
        detail: allOk ? "all rows" : "see ❌ rows in table 1 (per kind)",
    });
    return table(["kind", "operation", "minimum", "measured", "= min"], rows);
}

type Row = (operation: string, measured: Counts, min: Counts, minText: string, maxDescribe?: number) => void;

async function kindCalls(ctx: Ctx, kind: BenchKind, row: Row): Promise<void> {
    const s = await ctx.real.stack({ name: `calls-${kind.field}`, env: ctx.env });
    const big = kindEntries(kind, 1, 12);
    const mid = kindEntries(kind, 13, 6);
    const one = kindEntries(kind, 19, 1);
    const program = (b: Entry[], m: Entry[], o: Entry[], midFlags = {}): ResourceSpec[] => [
        kindResource(kind, "big", SG_BIG, b),
        kindResource(kind, "mid", SG_MID, m, midFlags),
        kindResource(kind, "one", SG_ONE, o),
    ];
    const v1 = program(big, mid, one);

    let r = await op(ctx, () => s.preview(v1));
    row(`\`preview\` of a new stack (3 resources, ${big.length + mid.length + one.length} entries)`, countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.up(v1));
    for (const [sg, list] of [
        [SG_BIG, big],
        [SG_MID, mid],
        [SG_ONE, one],
    ] as Array<[string, Entry[]]>) {
        const c = kindChunks(kind, list.length);
        row(`create, k = ${list.length}`, countBy(r.calls, sg), { Attach: c }, `${c} Attach + ≤ 1 Describe`, 1);
    }
    r = await op(ctx, () => s.preview(v1));
    row("`preview`, nothing changed", countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.up(v1));
    row("`up`, nothing changed", countBy(r.calls), {}, "0");

    // One entry changed per resource: re-weight the first of big, remove one of mid, add one to one.
    const big2 = [kind.entry(1, 80), ...big.slice(1)];
    const mid2 = mid.slice(0, -1);
    const one2 = [...one, kind.entry(20)];
    const v2 = program(big2, mid2, one2);
    r = await op(ctx, () => s.preview(v2));
    row("`preview` of the update below", countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.up(v2));
    row("update: add 1 entry (k 1 → 2)", countBy(r.calls, SG_ONE), { Attach: 1 }, "1 Attach + ≤ 1 Describe", 1);
    row("update: remove 1 entry (k 6 → 5)", countBy(r.calls, SG_MID), { Detach: 1 }, "1 Detach + ≤ 1 Describe", 1);
    row("update: re-weight 1 entry (k = 12)", countBy(r.calls, SG_BIG), { Detach: 1, Attach: 1 }, "1 Detach + 1 Attach + ≤ 1 Describe", 1);
    // forceAttach: a flag that changes nothing on destroy (forceDetach would make destroy start an activity).
    const v3 = program(big2, mid2, one2, { forceAttach: true });
    r = await op(ctx, () => s.up(v3));
    row("update: only `forceAttach` changed", countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.refresh());
    row("`refresh`, 3 resources on 3 scaling groups", countBy(r.calls), { Describe: 3 }, "3 Describe (1 per scaling group)");

    r = await op(ctx, () => s.destroy());
    for (const [sg, list] of [
        [SG_BIG, big2],
        [SG_MID, mid2],
        [SG_ONE, one2],
    ] as Array<[string, Entry[]]>) {
        const c = kindChunks(kind, list.length);
        row(`destroy, k = ${list.length}`, countBy(r.calls, sg), { Detach: c }, `${c} Detach`);
    }
}

/** What one operation's waits cost: calls that started an activity, and the polls. */
interface Waits {
    activities: number;
    polls: number;
    /** Every started activity was polled (each wait names its activity). */
    allPolled: boolean;
}

function waitsOf(kind: BenchKind, calls: CallRecord[]): Waits {
    const started = calls.filter((c) => /^(Attach|Detach)/.test(c.action) && c.status === 200 && kind.startsActivity(c.params));
    const polls = calls.filter((c) => c.action === "DescribeScalingActivities");
    const polled = new Set(polls.map((c) => c.params["ScalingActivityId.1"] ?? c.params["ScalingActivityIds.1"]));
    return { activities: started.length, polls: polls.length, allPolled: polled.size === started.length };
}

/** One resource with Force* on: create (k = 7), add, remove, re-weight, destroy; waits per operation. */
async function pollSequence(ctx: Ctx, kind: BenchKind, s: E2EStack): Promise<Array<[string, Waits]>> {
    const force = { forceAttach: true, forceDetach: true };
    // Entries 22..28: entry 22 is an ALB group (server groups), so it has a weight to change.
    const created = kindEntries(kind, 22, 7);
    const added = [...created, kind.entry(29)];
    const removed = added.filter((e) => e !== created[6]);
    const reweighted = [kind.entry(22, 90), ...removed.slice(1)];
    const out: Array<[string, Waits]> = [];
    for (const [name, list] of [
        ["create, k = 7 (2 Attach)", created],
        ["add 1 entry", added],
        ["remove 1 entry", removed],
        ["re-weight 1 entry (Detach + Attach)", reweighted],
    ] as Array<[string, Entry[]]>) {
        const r = await op(ctx, () => s.up([kindResource(kind, "poll", SG_POLL, list, force)]));
        out.push([name, waitsOf(kind, r.calls)]);
    }
    const r = await op(ctx, () => s.destroy());
    out.push(["destroy, k = 7 (2 Detach)", waitsOf(kind, r.calls)]);
    return out;
}

/** Activity polling: DescribeScalingActivities calls per wait, at activity delay 0 and at the emulator's default. */
export async function pollingSection(ctx: Ctx): Promise<string> {
    const rows: (string | number)[][] = [];
    const perWait = (w: Waits) => (w.activities ? (w.polls / w.activities).toFixed(2) : "–");
    const sum = (ws: Waits[]): Waits => ({
        activities: ws.reduce((n, w) => n + w.activities, 0),
        polls: ws.reduce((n, w) => n + w.polls, 0),
        allPolled: ws.every((w) => w.allPolled),
    });
    for (const kind of KINDS) {
        const s = await ctx.real.stack({ name: `poll-${kind.field}`, env: ctx.env });
        for (const delay of [0, DEFAULT_ACTIVITY_DELAY_MS]) {
            ctx.emulator.control.setActivityDelay(delay);
            let seq: Array<[string, Waits]>;
            try {
                seq = await pollSequence(ctx, kind, s);
            } finally {
                ctx.emulator.control.setActivityDelay(DEFAULT_ACTIVITY_DELAY_MS);
            }
            const total = sum(seq.map(([, w]) => w));
            // One poll per wait is the minimum: the activity has ended when the first poll comes.
            const ok = (w: Waits) => w.activities > 0 && w.allPolled && w.polls === w.activities;
            if (delay === 0) {
                for (const [name, w] of seq) rows.push([kind.label, "0 ms", name, w.activities, w.polls, perWait(w), mark(ok(w))]);
            }
            rows.push([
                kind.label,
                `${delay} ms`,
                "**all five operations**",
                total.activities,
                total.polls,
                `**${perWait(total)}**`,
                delay === 0 ? mark(ok(total)) : "",
            ]);
        }
    }
    return table(
        [
            "kind",
            "activity delay",
            "operation (Force* on)",
            "activities started",
            "DescribeScalingActivities calls",
            "polls per wait",
            "= 1 per wait",
        ],
        rows,
    );
}
