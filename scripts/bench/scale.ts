// Table 6: the scale curve. Table 3's program (N resources, each on its own scaling group with 2
// entries, Force* on) at larger N: real against the no-op stand-in, one up + destroy each, and the
// dynamic-provider plugin's peak memory (VmHWM of its Node process, scripts/bench/memory.ts).
import type { LoadBalancerSeed, ScalingGroupSeed } from "../../emulator";
import type { E2EStack, OperationResult, ResourceSpec } from "../../harness/e2e";
import { mib, samplePluginMemory, type PluginPeak } from "./memory";
import { countBy, log, sec, table, type Ctx } from "./measure";
import { MAX_N, REGION, timingProgram } from "./setup";

export const SCALE_NS = (process.env.BENCH_SCALE_NS ?? "10,50,200,500").split(",").map(Number);

const pad = (i: number) => String(i).padStart(3, "0");

/** The timing fixture's scaling groups and load balancers past MAX_N, up to the largest N of the curve. */
export function scaleFixture(): { scalingGroups: ScalingGroupSeed[]; loadBalancers: LoadBalancerSeed[] } {
    const ids = Array.from({ length: Math.max(0, Math.max(...SCALE_NS) - MAX_N) }, (_, i) => pad(MAX_N + i + 1));
    return {
        scalingGroups: ids.map((t) => ({
            scalingGroupId: `asg-t${t}`,
            regionId: REGION,
            instances: [`i-asg-t${t}-1`, `i-asg-t${t}-2`],
            vServerGroupQuota: 100,
        })),
        loadBalancers: ids.map((t) => ({ loadBalancerId: `lb-t${t}`, regionId: REGION, vServerGroups: [`rsp-t${t}-a`, `rsp-t${t}-b`] })),
    };
}

interface Op {
    ms: number;
    peak: PluginPeak;
}

interface Pass {
    up: Op;
    destroy: Op;
}

interface Point {
    n: number;
    noop: Pass;
    real: Pass;
}

async function timedOp(run: () => Promise<OperationResult>): Promise<Op & { result: OperationResult }> {
    const stop = samplePluginMemory();
    const t0 = performance.now();
    const result = await run();
    const ms = performance.now() - t0;
    return { ms, peak: stop(), result };
}

/** Bytes of one resource's state (inputs, outputs, `__provider`) as the backend stores it, and of the whole checkpoint. */
async function stateBytes(stack: E2EStack): Promise<{ perResource: number; checkpoint: number }> {
    const state = await stack.export();
    const mine = (state.deployment.resources ?? []).filter((r) => r.type.endsWith("ScalingGroupVServerGroups"));
    const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
    return { perResource: bytes(mine) / mine.length, checkpoint: bytes(state) };
}

async function pass(ctx: Ctx, variant: string, stack: E2EStack, prog: ResourceSpec[], sizes?: Map<string, number>): Promise<Pass> {
    const n = prog.length;
    ctx.emulator.control.clearCalls();
    const up = await timedOp(() => stack.up(prog));
    if (sizes) sizes.set(variant, (await stateBytes(stack)).perResource); // untimed
    const destroy = await timedOp(() => stack.destroy());
    if ((up.result.changeSummary?.create ?? 0) < n || (destroy.result.changeSummary?.delete ?? 0) < n)
        throw new Error(
            `scale ${variant} N=${n}: unexpected changes ${JSON.stringify([up.result.changeSummary, destroy.result.changeSummary])}`,
        );
    if (variant === "real") {
        const c = countBy(ctx.emulator.control.calls());
        if (c.Describe !== n || c.Attach !== n || c.Detach !== n) throw new Error(`scale real N=${n}: calls ${JSON.stringify(c)}`);
    }
    log(
        `scale N=${n} ${variant}: up ${sec(up.ms)}s + destroy ${sec(destroy.ms)}s, plugin peak ${mib(up.peak.hwmKb)} / ${mib(destroy.peak.hwmKb)} MiB`,
    );
    return { up, destroy };
}

const total = (p: Pass) => p.up.ms + p.destroy.ms;
/** Peak of up / destroy (MiB), and how many plugin processes each had when not one. */
const peaks = (p: Pass) =>
    [p.up, p.destroy].map((o) => `${mib(o.peak.hwmKb)}${o.peak.processes === 1 ? "" : ` (${o.peak.processes} proc.)`}`).join(" / ");

export async function scaleSection(ctx: Ctx): Promise<string> {
    const realStack = await ctx.real.stack({ name: "scale-real", env: ctx.env });
    const noopStack = await ctx.noop.stack({ name: "scale-noop", env: ctx.env });
    // Warm-up: the first operation of a stack also creates it in the backend.
    for (const stack of [noopStack, realStack]) {
        await stack.up(timingProgram(1));
        await stack.destroy();
    }
    const points: Point[] = [];
    /** State bytes per resource (the same at every N): measured at the first N. */
    const sizes = new Map<string, number>();
    for (const n of SCALE_NS) {
        const prog = timingProgram(n);
        const noop = await pass(ctx, "no-op", noopStack, prog, sizes.size ? undefined : sizes);
        const real = await pass(ctx, "real", realStack, prog, sizes.has("real") ? undefined : sizes);
        points.push({ n, noop, real });
    }
    const md = table(
        [
            "N",
            "no-op up + destroy (s)",
            "real up + destroy (s)",
            "no-op / real total (s)",
            "real / no-op",
            "(real − no-op) / N (ms)",
            "plugin peak, real up / destroy (MiB)",
            "no-op plugin (MiB)",
        ],
        points.map(({ n, noop, real }) => [
            n,
            `${sec(noop.up.ms)} + ${sec(noop.destroy.ms)}`,
            `${sec(real.up.ms)} + ${sec(real.destroy.ms)}`,
            `${sec(total(noop))} / ${sec(total(real))}`,
            `**${(total(real) / total(noop)).toFixed(2)}**`,
            ((total(real) - total(noop)) / n).toFixed(1),
            peaks(real),
            peaks(noop),
        ]),
    );
    const kb = (v?: number) => ((v ?? 0) / 1024).toFixed(2);
    return (
        `${md}\n\nState per resource in the checkpoint (inputs, outputs, \`__provider\`): ` +
        `real ${kb(sizes.get("real"))} KB, no-op ${kb(sizes.get("no-op"))} KB.`
    );
}
