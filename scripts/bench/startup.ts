// Table 4: plugin start-up, measured by scripts/bench/probe.ts in a fresh Node per run.
import type { E2EStack } from "../../harness/e2e";
import { probeOnce, type ProbeTimes } from "./probe";
import { entries, MAX_N, PROBES, res, timingProgram } from "./setup";
import { median, table, type Ctx } from "./measure";

/** 4. Plugin start-up: load the serialized provider and answer the first calls, in a fresh Node. */
export async function probeSection(
    ctx: Ctx,
    texts: { real?: string; noop?: string },
    nodePath: string,
): Promise<{ md: string; results: Record<string, ProbeTimes[]> }> {
    const realStack = ctx.real.stacks.find((s) => s.name === "calls")!;
    const noopStack = ctx.noop.stacks[0];
    const env = { ...ctx.real.baseEnv, ...ctx.env } as Record<string, string>;
    const newsA = res("a", "asg-probe-a", entries(2, 2)).args!;
    const newsB = res("b", "asg-probe-b", entries(2, 2)).args!;
    const burst = timingProgram(MAX_N).map((r) => r.args!);
    const variants: Array<[string, string, E2EStack | undefined, string | undefined]> = [
        ["ScalingGroupVServerGroups", "real", realStack, texts.real],
        ["no-op stand-in", "noop", noopStack, texts.noop],
    ];
    const results: Record<string, ProbeTimes[]> = {};
    for (let i = 0; i < PROBES; i++) {
        for (const [, key, stack, text] of variants) {
            if (!stack || !text) continue;
            ctx.emulator.control.clearCalls();
            const t = await probeOnce({ nodePath, workDir: stack.workDir, providerText: text, newsA, newsB, burst, env });
            (results[key] ??= []).push(t);
        }
    }
    const fields: Array<[keyof ProbeTimes, string]> = [
        ["boot", "Node boot"],
        ["pulumi", "require @pulumi/pulumi + require-from-string"],
        ["load", "load `__provider` (requireFromString(text).handler())"],
        ["configure", "configure"],
        ["check", "first check answered"],
        ["diff", "first diff"],
        ["create", "first create (SDK load + client + Describe + Attach)"],
        ["create2", "second create, other scaling group (warm)"],
        ["burstCreate", `${MAX_N} concurrent creates, ${MAX_N} scaling groups (warm)`],
        ["burstDelete", `${MAX_N} concurrent deletes (warm)`],
    ];
    const m = (key: string, f: keyof ProbeTimes) => (results[key] ? median(results[key].map((t) => t[f])) : NaN);
    const rows: (string | number)[][] = fields.map(([f, label]) => [label, m("real", f).toFixed(1), m("noop", f).toFixed(1)]);
    const startup = (key: string) => m(key, "load") + m(key, "configure") + m(key, "check");
    rows.push([
        "**start-up: load `__provider` → first check answered**",
        `**${startup("real").toFixed(1)}**`,
        `**${startup("noop").toFixed(1)}**`,
    ]);
    return { md: table(["step (ms, median of " + PROBES + ")", "ScalingGroupVServerGroups", "no-op stand-in"], rows), results };
}
