// Table 7: how long a scaling-activity wait outlasts the activity. One ScalingGroupServerGroups
// resource (2 entries: 1 Attach, 1 Detach) with forceAttach and forceDetach, so `up` and `destroy`
// each start one activity and wait for it; the emulator's activity delay is set to D. What the
// wait adds is the operation's wall time minus D minus the same operation at D = 0.
import { DEFAULT_ACTIVITY_DELAY_MS, type ScalingGroupSeed, type ServerGroupSeed } from "../../emulator";
import type { E2EStack, OperationResult, ResourceSpec } from "../../harness/e2e";
import { nextPollDelay } from "../../provider/client/activity";
import { kindResource, SERVER_GROUPS } from "./kinds";
import { log, mark, median, sec, table, type Ctx } from "./measure";
import { REGION } from "./setup";

/** Activity durations (s). */
export const ACTIVITY_DELAYS = (process.env.BENCH_ACTIVITY_DELAYS ?? "2,10,30").split(",").map(Number);
export const ACTIVITY_RUNS = Number(process.env.BENCH_ACTIVITY_RUNS ?? 3);
/** The wait's deadline is the retry budget: above the longest activity. */
const RETRY_TIMEOUT = "300";
const SG = "asg-w1";
const GROUPS = ["sgp-w-a", "sgp-w-b"];

export function activityFixture(): { scalingGroups: ScalingGroupSeed[]; serverGroups: ServerGroupSeed[] } {
    return {
        scalingGroups: [{ scalingGroupId: SG, regionId: REGION, instances: [`i-${SG}-1`, `i-${SG}-2`], serverGroupQuota: 10 }],
        serverGroups: [
            { serverGroupId: GROUPS[0], type: "ALB", regionId: REGION },
            { serverGroupId: GROUPS[1], type: "NLB", regionId: REGION },
        ],
    };
}

function program(): ResourceSpec[] {
    const list = [
        { serverGroupId: GROUPS[0], type: "ALB", port: 80 },
        { serverGroupId: GROUPS[1], type: "NLB", port: 443 },
    ];
    return [kindResource(SERVER_GROUPS, "wait", SG, list, { forceAttach: true, forceDetach: true })];
}

interface Sample {
    ms: number;
    activities: number;
    polls: number;
}

interface Samples {
    up: Sample[];
    destroy: Sample[];
}

async function timed(ctx: Ctx, run: () => Promise<OperationResult>): Promise<Sample> {
    ctx.emulator.control.clearCalls();
    const t0 = performance.now();
    await run();
    const ms = performance.now() - t0;
    const calls = ctx.emulator.control.calls({ ok: true });
    return {
        ms,
        activities: calls.filter((c) => c.action.match(/^(Attach|Detach)/) && SERVER_GROUPS.startsActivity(c.params)).length,
        polls: calls.filter((c) => c.action === "DescribeScalingActivities").length,
    };
}

async function upDestroy(ctx: Ctx, stack: E2EStack, delayS: number, into: Samples): Promise<void> {
    ctx.emulator.control.setActivityDelay(delayS * 1000);
    const up = await timed(ctx, () => stack.up(program()));
    const destroy = await timed(ctx, () => stack.destroy());
    into.up.push(up);
    into.destroy.push(destroy);
    log(`activity waits D=${delayS}s: up ${sec(up.ms)}s (${up.polls} polls), destroy ${sec(destroy.ms)}s (${destroy.polls} polls)`);
}

/**
 * The provider's poll schedule (first poll at once, then `nextPollDelay`): the first poll at or
 * after `delayS`, counted from the Attach/Detach answer, as [polls, seconds late], calls' own time left out.
 */
export function firstPollAfter(delayS: number): [number, number] {
    let at = 0;
    let gap = nextPollDelay(undefined, 0);
    let polls = 1;
    for (; at < delayS * 1000; polls++) {
        at += gap;
        gap = nextPollDelay(gap, at);
    }
    return [polls, at / 1000 - delayS];
}

/** What the wait adds over the activity (s): median at D, minus D, minus the median at 0. */
const excess = (xs: Sample[], base: Sample[], delayS: number) =>
    (median(xs.map((s) => s.ms)) - median(base.map((s) => s.ms))) / 1000 - delayS;
const perWait = (xs: Sample[]) => {
    const activities = xs.reduce((n, s) => n + s.activities, 0);
    return activities ? (xs.reduce((n, s) => n + s.polls, 0) / activities).toFixed(1) : "–";
};

export async function activityWaitsSection(ctx: Ctx): Promise<string> {
    const stack = await ctx.real.stack({ name: "activity-waits", env: { ...ctx.env, ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: RETRY_TIMEOUT } });
    const delays = [0, ...ACTIVITY_DELAYS];
    const samples = new Map<number, Samples>(delays.map((d) => [d, { up: [], destroy: [] }]));
    try {
        // Warm-up: the first operation of a stack also creates it in the backend.
        ctx.emulator.control.setActivityDelay(0);
        await stack.up(program());
        await stack.destroy();
        // Interleaved, so drift on the machine spreads over every delay.
        for (let i = 0; i < ACTIVITY_RUNS; i++) for (const d of delays) await upDestroy(ctx, stack, d, samples.get(d)!);
    } finally {
        ctx.emulator.control.setActivityDelay(DEFAULT_ACTIVITY_DELAY_MS);
    }
    const base = samples.get(0)!;
    const rows = delays.map((d) => {
        const s = samples.get(d)!;
        const goal = Math.max(1, 0.1 * d);
        const cells = (op: "up" | "destroy") => {
            const x = excess(s[op], base[op], d);
            return [sec(median(s[op].map((t) => t.ms))), d === 0 ? "" : `**${x.toFixed(2)}** ${mark(x <= goal)}`];
        };
        const [polls, late] = firstPollAfter(d);
        return [
            `${d} s`,
            ...cells("up"),
            ...cells("destroy"),
            `${perWait(s.up)} / ${perWait(s.destroy)}`,
            `${polls} / ${late.toFixed(2)}`,
            d === 0 ? "" : `≤ ${goal.toFixed(1)} s`,
        ];
    });
    for (const d of ACTIVITY_DELAYS) {
        const s = samples.get(d)!;
        const goal = Math.max(1, 0.1 * d);
        const worst = Math.max(excess(s.up, base.up, d), excess(s.destroy, base.destroy, d));
        ctx.goals.push({
            goal: `activity wait outlasts a ${d} s activity by ≤ ${goal.toFixed(1)} s (up and destroy)`,
            met: worst <= goal,
            detail: `${worst.toFixed(2)} s`,
        });
    }
    return table(
        [
            "activity D",
            "up (s)",
            "up − D − up at 0 (s)",
            "destroy (s)",
            "destroy − D − destroy at 0 (s)",
            "polls per wait, up / destroy",
            "schedule: polls / late by (s)",
            "goal",
        ],
        rows,
    );
}
