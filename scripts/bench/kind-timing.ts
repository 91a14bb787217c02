// Table 3 (per kind): wall time of up + destroy of ScalingGroupServerGroups and
// ScalingGroupLoadBalancers at N = 50 against no-op stand-ins of the same shape, with Force* on and
// the emulator's activity delay at 0, so what is measured is the provider's cost (calls and
// activity polls), not the emulated activity's duration.
import { DEFAULT_ACTIVITY_DELAY_MS } from "../../emulator";
import { KINDS, kindTimingProgram, type BenchKind } from "./kinds";
import { log, mark, table, type Ctx } from "./measure";
import { KIND_RUNS } from "./setup";
import { ratioOf, runPairs, TIMING_HEADERS, timingCells, type TimingRow } from "./timing";

export const KIND_N = Number(process.env.BENCH_KIND_N ?? 50);
/** The ratio the issue asks for at N = 50, activity delay 0. */
export const KIND_GOAL = 1.1;

export interface KindTiming {
    kind: BenchKind;
    row: TimingRow;
    ratio: number;
}

export async function kindTimingSection(ctx: Ctx): Promise<{ md: string; results: KindTiming[] }> {
    const results: KindTiming[] = [];
    ctx.emulator.control.setActivityDelay(0);
    try {
        for (const kind of KINDS) {
            const prog = kindTimingProgram(kind, KIND_N);
            const realStack = await ctx.real.stack({ name: `t-real-${kind.field}-${KIND_N}`, env: ctx.env });
            const noopStack = await ctx.noop.stack({ name: `t-noop-${kind.field}-${KIND_N}`, env: ctx.env });
            for (const stack of [noopStack, realStack]) {
                await stack.up(prog);
                await stack.destroy();
            }
            log(`timing ${kind.label} N=${KIND_N}: warm-up done`);
            const label = `${kind.label} N=${KIND_N} activity delay 0`;
            const row = await runPairs(ctx, { n: KIND_N, latency: 0, prog, realStack, noopStack, label, runs: KIND_RUNS });
            const ratio = ratioOf(row);
            log(`timing ${label}: ratio ${ratio.toFixed(2)}`);
            results.push({ kind, row, ratio });
        }
    } finally {
        ctx.emulator.control.setActivityDelay(DEFAULT_ACTIVITY_DELAY_MS);
    }
    for (const { kind, ratio } of results) {
        ctx.goals.push({
            goal: `${kind.label}: time ratio ≤ ${KIND_GOAL.toFixed(2)} at N = ${KIND_N}, activity delay 0`,
            met: ratio <= KIND_GOAL,
            detail: ratio.toFixed(2),
        });
    }
    const md = table(
        ["kind", "N", ...TIMING_HEADERS, "goal"],
        results.map(({ kind, row: r, ratio }) => [
            kind.label,
            r.n,
            ...timingCells(r),
            `≤ ${KIND_GOAL.toFixed(2)} ${mark(ratio <= KIND_GOAL)}`,
        ]),
    );
    const calls = results.map(
        ({ kind, row: r }) => `- ${kind.label}: ${r.n} Describe + ${r.n} Attach + ${r.n} Detach + ${r.polls} DescribeScalingActivities`,
    );
    return {
        md: `${md}\n\nMedians of ${KIND_RUNS} runs, alternating no-op / real. Calls per real up + destroy:\n\n${calls.join("\n")}`,
        results,
    };
}
