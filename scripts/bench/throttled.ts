// Table 5: `up` + `destroy` under ESS flow control (issue 23). N VServer-group resources (one
// entry each) on G scaling groups while the emulator allows R calls a second per action (burst R),
// once with the provider's adaptive limiter on and once with it off (ESS_VSERVER_GROUPS_LIMITER=off).
// The bound is what the limit allows at best plus the engine's own time: the busiest action's
// minimum calls ÷ R for `up` and again for `destroy` (they run one after the other), plus the no-op
// stand-in's up + destroy of the same program.
import type { LoadBalancerSeed, ScalingGroupSeed } from "../../emulator";
import type { E2EStack, OperationResult, ResourceSpec } from "../../harness/e2e";
import { countBy, fmtCounts, log, mark, sec, table, type Counts, type Ctx } from "./measure";
import { REGION, res } from "./setup";

const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
export const THROTTLED_N = num(process.env.BENCH_THROTTLED_N, 200);
export const THROTTLED_GROUPS = num(process.env.BENCH_THROTTLED_GROUPS, 40);
/** Calls per second per action (and the burst). */
export const THROTTLED_RATE = num(process.env.BENCH_THROTTLED_RATE, 20);
/** Seconds a call may keep retrying: long enough that the limiter-off run can get through. */
const RETRY_TIMEOUT = "300";
const RATIO_GOAL = 1.25;
const SHARE_GOAL = 0.1;

const sgOf = (g: number) => `asg-q${g}`;
const lbOf = (g: number) => `lb-q${g}`;
const perGroup = () => Math.ceil(THROTTLED_N / THROTTLED_GROUPS);

/** G scaling groups and their load balancers, each with N / G VServer groups. */
export function throttledFixture(): { scalingGroups: ScalingGroupSeed[]; loadBalancers: LoadBalancerSeed[] } {
    const groups = Array.from({ length: THROTTLED_GROUPS }, (_, g) => g);
    return {
        scalingGroups: groups.map((g) => ({
            scalingGroupId: sgOf(g),
            regionId: REGION,
            instances: [`i-${sgOf(g)}-1`, `i-${sgOf(g)}-2`],
            vServerGroupQuota: perGroup() + 5,
        })),
        loadBalancers: groups.map((g) => ({
            loadBalancerId: lbOf(g),
            regionId: REGION,
            vServerGroups: Array.from({ length: perGroup() }, (_, k) => `rsp-q${g}-${k}`),
        })),
    };
}

/** Resource i on scaling group i mod G, with its own VServer group. */
export function throttledProgram(n = THROTTLED_N): ResourceSpec[] {
    return Array.from({ length: n }, (_, i) => {
        const g = i % THROTTLED_GROUPS;
        const k = Math.floor(i / THROTTLED_GROUPS);
        return res(`q${String(i).padStart(3, "0")}`, sgOf(g), [
            { loadbalancerId: lbOf(g), vserverAttributes: [{ vserverGroupId: `rsp-q${g}-${k}`, port: 80 }] },
        ]);
    });
}

interface Phase {
    ms: number;
    failed: number;
    /** Calls that went through, by action. */
    ok: Counts;
    throttled: number;
    /** Calls that failed otherwise. */
    other: number;
}

interface Run {
    label: string;
    up: Phase;
    destroy: Phase;
}

/** Failed steps; a failed operation without one counts as one. */
const failedSteps = (r: OperationResult) => Math.max(r.steps.filter((s) => s.status === "failed").length, r.ok ? 0 : 1);

async function phase(ctx: Ctx, run: () => Promise<OperationResult>): Promise<Phase> {
    ctx.emulator.control.clearCalls();
    const t0 = performance.now();
    const r = await run();
    const ms = performance.now() - t0;
    const calls = ctx.emulator.control.calls();
    const throttled = calls.filter((c) => c.code === "Throttling.User").length;
    const refused = (c: (typeof calls)[number]) => c.code !== undefined || c.status >= 400 || c.status === 0;
    const failed = calls.filter(refused).length;
    if (!r.ok) log(`throttled: operation failed: ${(r.errorMessage ?? "").split("\n").slice(0, 3).join(" | ")}`);
    return {
        ms,
        failed: failedSteps(r),
        ok: countBy(calls.filter((c) => !refused(c))),
        throttled,
        other: failed - throttled,
    };
}

/** One timed up + destroy under the limit (buckets full at the start); the stack is left empty. */
async function throttledRun(ctx: Ctx, label: string, stack: E2EStack, prog: ResourceSpec[], limit: boolean): Promise<Run> {
    ctx.emulator.control.setFlowControl(limit ? [{ rate: THROTTLED_RATE, burst: THROTTLED_RATE }] : []);
    try {
        const up = await phase(ctx, () => stack.up(prog, { allowFailure: true }));
        log(`throttled ${label}: up ${sec(up.ms)}s, ${up.failed} failed, ${up.throttled} throttled`);
        const destroy = await phase(ctx, () => stack.destroy(undefined, { allowFailure: true }));
        log(`throttled ${label}: destroy ${sec(destroy.ms)}s, ${destroy.failed} failed, ${destroy.throttled} throttled`);
        return { label, up, destroy };
    } finally {
        ctx.emulator.control.setFlowControl([]);
        // What a failed run left behind goes, untimed and unthrottled, so the next run starts clean.
        if ((await stack.stateResources()).length > 0) await stack.destroy();
    }
}

/** Warm-up: the first operation of a stack also creates it in the backend. */
async function warmStack(stack: E2EStack, prog: ResourceSpec[]): Promise<void> {
    await stack.up(prog.slice(0, 1));
    await stack.destroy();
}

const total = (r: Run) => r.up.ms + r.destroy.ms;
const share = (r: Run) => {
    const all = [r.up, r.destroy].reduce((n, p) => n + Object.values(p.ok).reduce((a, b) => a + b, 0) + p.throttled + p.other, 0);
    return all ? (r.up.throttled + r.destroy.throttled) / all : 0;
};

export async function throttledSection(ctx: Ctx): Promise<string> {
    const prog = throttledProgram();
    const env = { ...ctx.env, ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: RETRY_TIMEOUT };
    const noopStack = await ctx.noop.stack({ name: "throttled-noop", env });
    const onStack = await ctx.real.stack({ name: "throttled-on", env });
    const offStack = await ctx.real.stack({ name: "throttled-off", env: { ...env, ESS_VSERVER_GROUPS_LIMITER: "off" } });
    for (const s of [noopStack, onStack, offStack]) await warmStack(s, prog);
    log(`throttled: warm-up done; N = ${THROTTLED_N} on ${THROTTLED_GROUPS} scaling groups, ${THROTTLED_RATE} calls/s per action`);

    const noop = await throttledRun(ctx, "no-op", noopStack, prog, true);
    const on = await throttledRun(ctx, "limiter on", onStack, prog, true);
    const off = await throttledRun(ctx, "limiter off", offStack, prog, true);

    // Minimum calls per action: N Attach (and ≤ N Describe) on up, N Detach on destroy; the busiest is N each.
    const floor = (2 * THROTTLED_N) / THROTTLED_RATE;
    const bound = floor * 1000 + total(noop);
    const rows = [on, off].map((r) => {
        const failed = r.up.failed + r.destroy.failed;
        const ratio = total(r) / bound;
        return [
            r.label,
            `${failed} ${mark(failed === 0)}`,
            `${sec(r.up.ms)} + ${sec(r.destroy.ms)}`,
            sec(total(r)),
            sec(bound),
            `**${ratio.toFixed(2)}** ${mark(ratio <= RATIO_GOAL)}`,
            `${r.up.throttled + r.destroy.throttled} (${(share(r) * 100).toFixed(1)}%) ${mark(share(r) <= SHARE_GOAL)}`,
        ];
    });
    rows.push(["no-op stand-in (engine only)", "0", `${sec(noop.up.ms)} + ${sec(noop.destroy.ms)}`, sec(total(noop)), "", "", "0 calls"]);

    const onFailed = on.up.failed + on.destroy.failed;
    const onRatio = total(on) / bound;
    const at = `N = ${THROTTLED_N}, ${THROTTLED_RATE} calls/s per action, limiter on`;
    ctx.goals.push(
        { goal: `throttled: 0 failed steps (${at})`, met: onFailed === 0, detail: String(onFailed) },
        { goal: `throttled: wall / bound ≤ ${RATIO_GOAL} (${at})`, met: onRatio <= RATIO_GOAL, detail: onRatio.toFixed(2) },
        {
            goal: `throttled: ≤ ${SHARE_GOAL * 100}% of calls answered Throttling.User (${at})`,
            met: share(on) <= SHARE_GOAL,
            detail: `${(share(on) * 100).toFixed(1)}%`,
        },
    );

    const md = table(
        [
            "run",
            "failed steps (goal 0)",
            "up + destroy (s)",
            "wall (s)",
            "bound (s)",
            `wall / bound (goal ≤ ${RATIO_GOAL})`,
            `calls throttled (goal ≤ ${SHARE_GOAL * 100}%)`,
        ],
        rows,
    );
    const calls = [on, off].map(
        (r) =>
            `- ${r.label}: up ${fmtCounts(r.up.ok)} + ${r.up.throttled} Throttling.User + ${r.up.other} other errors; ` +
            `destroy ${fmtCounts(r.destroy.ok)} + ${r.destroy.throttled} Throttling.User + ${r.destroy.other} other errors`,
    );
    const boundText =
        `bound = ${THROTTLED_N} ÷ ${THROTTLED_RATE} (up: ${THROTTLED_N} Attach) + ${THROTTLED_N} ÷ ${THROTTLED_RATE} ` +
        `(destroy: ${THROTTLED_N} Detach) + ${sec(total(noop))} s (no-op stand-in, same program) = ${sec(bound)} s`;
    return `${md}\n\n${boundText}. One run each. Calls (those that went through, by action, then those refused):\n\n${calls.join("\n")}`;
}
