// Counting calls in the emulator's log, medians and markdown tables shared by the sections.
import type { CallRecord, Emulator } from "../../emulator";
import type { E2EHarness, OperationResult } from "../../harness/e2e";

const SHORT: Record<string, string> = {
    DescribeScalingGroups: "Describe",
    AttachVServerGroups: "Attach",
    DetachVServerGroups: "Detach",
    AttachServerGroups: "Attach",
    DetachServerGroups: "Detach",
    AttachLoadBalancers: "Attach",
    DetachLoadBalancers: "Detach",
};
export type Counts = Record<string, number>;

export function sgOf(c: CallRecord): string {
    return c.params.ScalingGroupId ?? c.params["ScalingGroupId.1"] ?? "?";
}

export function countBy(calls: CallRecord[], sg?: string): Counts {
    const out: Counts = {};
    for (const c of calls) {
        if (sg !== undefined && sgOf(c) !== sg) continue;
        const a = SHORT[c.action] ?? c.action;
        out[a] = (out[a] ?? 0) + 1;
    }
    return out;
}

export function fmtCounts(c: Counts): string {
    const parts = Object.entries(c)
        .filter(([, n]) => n > 0)
        .map(([a, n]) => `${n} ${a}`);
    return parts.length ? parts.join(" + ") : "0";
}

/** `min` is the exact minimum per action; `maxDescribe` allows "at most" for Describe. */
export function meets(measured: Counts, min: Counts, maxDescribe?: number): boolean {
    const keys = new Set([...Object.keys(measured), ...Object.keys(min)]);
    for (const k of keys) {
        const m = measured[k] ?? 0;
        if (k === "Describe" && maxDescribe !== undefined) {
            if (m > maxDescribe) return false;
        } else if (m !== (min[k] ?? 0)) return false;
    }
    return true;
}

export const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const sec = (ms: number) => (ms / 1000).toFixed(2);
export const mark = (ok: boolean) => (ok ? "✅" : "❌");

export function table(head: string[], rows: (string | number)[][]): string {
    const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
    return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** What every section gets: the emulator, the two harnesses (real and no-op stand-in) and what it reports into. */
export interface Ctx {
    emulator: Emulator;
    real: E2EHarness;
    noop: E2EHarness;
    env: Record<string, string>;
    goals: Array<{ goal: string; met: boolean; detail: string }>;
    /** Rows of table 1 above their minimum. */
    failed: Array<{ operation: string; min: string; measured: string }>;
}

export async function op(ctx: Ctx, run: () => Promise<OperationResult>): Promise<{ result: OperationResult; calls: CallRecord[] }> {
    ctx.emulator.control.clearCalls();
    const result = await run();
    return { result, calls: ctx.emulator.control.calls() };
}
