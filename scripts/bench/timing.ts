// Table 3: wall time of up + destroy, the real provider against the no-op stand-in.
import type { E2EStack, ResourceSpec } from "../../harness/e2e";
import { LATENCIES, NS, RUNS, timingProgram } from "./setup";
import { countBy, log, mark, median, sec, table, type Ctx } from "./measure";

export interface TimingRow {
    /** DescribeScalingActivities calls of the last real up + destroy. */
    polls?: number;
    noopProviderText?: string;
    n: number;
    latency: number;
    real: number[];
    noop: number[];
    realUp: number[];
    noopUp: number[];
}

/** 3. Wall time of up + destroy, real vs the no-op stand-in, alternating b, r, b, r, … */
export async function timingSection(ctx: Ctx): Promise<{ md: string; rows: TimingRow[]; noopProviderText?: string }> {
    const rows: TimingRow[] = [];
    let noopProviderText: string | undefined;
    for (const n of NS) {
        const prog = timingProgram(n);
        const realStack = await ctx.real.stack({ name: `t-real-${n}`, env: ctx.env });
        const noopStack = await ctx.noop.stack({ name: `t-noop-${n}`, env: ctx.env });
        // Untimed warm-up pair: the first operation of a stack also creates it in the backend.
        for (const stack of [noopStack, realStack]) {
            await stack.up(prog);
            await stack.destroy();
        }
        log(`timing N=${n}: warm-up done`);
        for (const latency of LATENCIES) {
            const fault = latency > 0 ? ctx.emulator.control.addFault({ kind: "latency", latencyMs: latency }) : undefined;
            try {
                const row = await runPairs(ctx, { n, latency, prog, realStack, noopStack, label: `N=${n} latency=${latency}ms` });
                noopProviderText ??= row.noopProviderText;
                rows.push(row);
            } finally {
                if (fault !== undefined) ctx.emulator.control.removeFault(fault);
            }
        }
    }
    const tRows = rows.map((r) => {
        const goal = r.n === 50 && r.latency === 0;
        return [r.n, `${r.latency} ms`, ...timingCells(r), goal ? `≤ 1.25 ${mark(ratioOf(r) <= 1.25)}` : ""];
    });
    const g = rows.find((r) => r.n === 50 && r.latency === 0);
    if (g) {
        const ratio = ratioOf(g);
        ctx.goals.push({ goal: "time ratio ≤ 1.25 at N = 50, 0 ms latency", met: ratio <= 1.25, detail: ratio.toFixed(2) });
    }
    const md = table(["N", "emulator latency", ...TIMING_HEADERS, "goal"], tRows);
    return { md, rows, noopProviderText };
}

/** The ratio of the medians, real / no-op. */
export const ratioOf = (r: TimingRow) => median(r.real) / median(r.noop);

/** Columns every timing table has, in the order `timingCells` fills them. */
export const TIMING_HEADERS = [
    "no-op up + destroy (s, medians)",
    "real up + destroy (s, medians)",
    "no-op total (s)",
    "real total (s)",
    "ratio real / no-op",
    "per-pair ratios",
];

/** One row's TIMING_HEADERS cells: medians of up + destroy, totals, the ratio and the per-pair spread. */
export function timingCells(r: TimingRow): string[] {
    const pairs = r.real.map((t, i) => t / r.noop[i]);
    return [
        `${sec(median(r.noopUp))} + ${sec(median(r.noop.map((t, i) => t - r.noopUp[i])))}`,
        `${sec(median(r.realUp))} + ${sec(median(r.real.map((t, i) => t - r.realUp[i])))}`,
        sec(median(r.noop)),
        sec(median(r.real)),
        `**${ratioOf(r).toFixed(2)}**`,
        `${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)}`,
    ];
}

export interface PairSpec {
    n: number;
    latency: number;
    prog: ResourceSpec[];
    realStack: E2EStack;
    noopStack: E2EStack;
    /** In progress lines. */
    label: string;
    /** Timed pairs (default RUNS). */
    runs?: number;
}

/** `runs` timed up + destroy pairs, alternating no-op / real; checks each real pair made n Describe, n Attach, n Detach. */
export async function runPairs(ctx: Ctx, { n, latency, prog, realStack, noopStack, label, runs = RUNS }: PairSpec): Promise<TimingRow> {
    const row: TimingRow = { n, latency, real: [], noop: [], realUp: [], noopUp: [] };
    const type = prog[0].type ?? "ScalingGroupVServerGroups";
    for (let i = 0; i < runs; i++) {
        for (const [variant, stack] of [
            ["noop", noopStack],
            ["real", realStack],
        ] as Array<["noop" | "real", E2EStack]>) {
            ctx.emulator.control.clearCalls();
            const t0 = performance.now();
            const up = await stack.up(prog);
            const t1 = performance.now();
            if (variant === "noop" && !row.noopProviderText) {
                const st = await stack.export();
                row.noopProviderText = String(st.deployment.resources!.find((x) => x.type.includes(type))!.inputs!.__provider);
            }
            const t2 = performance.now();
            const down = await stack.destroy();
            const t3 = performance.now();
            if ((up.changeSummary?.create ?? 0) < n || (down.changeSummary?.delete ?? 0) < n)
                throw new Error(`${variant} ${label}: unexpected changes ${JSON.stringify([up.changeSummary, down.changeSummary])}`);
            if (variant === "real") {
                const c = countBy(ctx.emulator.control.calls());
                if (c.Describe !== n || c.Attach !== n || c.Detach !== n) throw new Error(`real ${label}: calls ${JSON.stringify(c)}`);
                row.polls = c.DescribeScalingActivities ?? 0;
            }
            row[variant].push(t1 - t0 + (t3 - t2));
            row[variant === "real" ? "realUp" : "noopUp"].push(t1 - t0);
            log(`timing ${label} run ${i + 1}/${runs} ${variant}: up ${sec(t1 - t0)}s + destroy ${sec(t3 - t2)}s`);
        }
    }
    return row;
}
