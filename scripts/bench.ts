// `npm run bench`: API calls per operation against the minimum, the serialized provider's size,
// wall time of up + destroy against the engine's own cost, and the plugin's start-up cost.
// Runs the real pulumi engine (Automation API, via the e2e harness) against the local emulator,
// prints markdown tables and writes them to docs/benchmarks.md.
//
// Knobs (env): BENCH_NS=1,10,50  BENCH_LATENCIES=0,50  BENCH_RUNS=5  BENCH_PROBES=5
//              BENCH_SECTIONS=calls,size,parallel,timing,probe  BENCH_NO_WRITE=1 (print only)
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type CallRecord, type Emulator, type ScalingGroupSeed, type LoadBalancerSeed } from "../emulator";
import { E2EHarness, REPO_ROOT, type E2EStack, type OperationResult, type ResourceSpec } from "../harness/e2e";
import { probeOnce, type ProbeTimes } from "./bench/probe";
import { makeStandin, STANDIN_NAME } from "./bench/standin";

const REGION = "cn-hangzhou";
const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const list = (v: string | undefined, d: number[]) => (v ? v.split(",").map(Number) : d);
const NS = list(process.env.BENCH_NS, [1, 10, 50]);
const LATENCIES = list(process.env.BENCH_LATENCIES, [0, 50]);
const RUNS = num(process.env.BENCH_RUNS, 5);
const PROBES = num(process.env.BENCH_PROBES, 5);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? "calls,size,parallel,timing,probe").split(","));
const MAX_N = Math.max(...NS, 1);
const DOC = path.join(REPO_ROOT, "docs", "benchmarks.md");

// ------------------------------------------------------------------------------------------------
// Fixture: every scaling group and load balancer the bench needs, in one emulator.
// ------------------------------------------------------------------------------------------------

const pad = (i: number) => String(i).padStart(3, "0");
/** Calls section: 6 load balancers × 8 VServer groups. */
const callLb = (l: number) => `lb-c${l}`;
const callRsp = (l: number, g: number) => `rsp-c${l}-${g}`;

function fixture(): { scalingGroups: ScalingGroupSeed[]; loadBalancers: LoadBalancerSeed[] } {
    const sg = (id: string): ScalingGroupSeed => ({
        scalingGroupId: id,
        regionId: REGION,
        instances: [`i-${id}-1`, `i-${id}-2`],
        vServerGroupQuota: 100,
    });
    const scalingGroups = [
        ...["asg-c1", "asg-c2", "asg-c3", "asg-s1", "asg-s2", "asg-s3", "asg-probe-a", "asg-probe-b"].map(sg),
        ...Array.from({ length: MAX_N }, (_, i) => sg(`asg-t${pad(i + 1)}`)),
    ];
    const loadBalancers: LoadBalancerSeed[] = [
        ...Array.from({ length: 6 }, (_, l) => ({
            loadBalancerId: callLb(l + 1),
            regionId: REGION,
            vServerGroups: Array.from({ length: 8 }, (_, g) => callRsp(l + 1, g + 1)),
        })),
        ...Array.from({ length: MAX_N }, (_, i) => ({
            loadBalancerId: `lb-t${pad(i + 1)}`,
            regionId: REGION,
            vServerGroups: [`rsp-t${pad(i + 1)}-a`, `rsp-t${pad(i + 1)}-b`],
        })),
    ];
    return { scalingGroups, loadBalancers };
}

// ------------------------------------------------------------------------------------------------
// Programs
// ------------------------------------------------------------------------------------------------

interface Attr {
    vserverGroupId: string;
    port: number;
    weight?: number;
}
type Groups = Array<{ loadbalancerId: string; vserverAttributes: Attr[] }>;

function res(
    name: string,
    scalingGroupId: string,
    vserverGroups: Groups,
    flags: { forceAttach?: boolean; forceDetach?: boolean } = {},
): ResourceSpec {
    return { name, args: JSON.parse(JSON.stringify({ scalingGroupId, vserverGroups, ...flags })) };
}

/** k entries spread over load balancers, `perLb` VServer groups each. */
function entries(k: number, perLb: number, port = 80): Groups {
    const groups: Groups = [];
    for (let i = 0; i < k; i++) {
        const l = Math.floor(i / perLb) + 1;
        const g = (i % perLb) + 1;
        if (!groups[l - 1]) groups[l - 1] = { loadbalancerId: callLb(l), vserverAttributes: [] };
        groups[l - 1].vserverAttributes.push({ vserverGroupId: callRsp(l, g), port });
    }
    return groups;
}

/** The minimum number of Attach/Detach calls for a set: ≤ 5 load balancers × ≤ 5 groups each per call. */
function minChunks(groups: Groups): number {
    const slots = groups.reduce((n, g) => n + Math.ceil(g.vserverAttributes.length / 5), 0);
    return Math.max(Math.ceil(slots / 5), ...groups.map((g) => Math.ceil(g.vserverAttributes.length / 5)));
}
const count = (groups: Groups) => groups.reduce((n, g) => n + g.vserverAttributes.length, 0);

/** Timing programs: N resources, each on its own scaling group and load balancer, 2 entries each. */
function timingProgram(n: number): ResourceSpec[] {
    return Array.from({ length: n }, (_, i) => {
        const t = pad(i + 1);
        return res(
            `att${t}`,
            `asg-t${t}`,
            [
                {
                    loadbalancerId: `lb-t${t}`,
                    vserverAttributes: [
                        { vserverGroupId: `rsp-t${t}-a`, port: 80 },
                        { vserverGroupId: `rsp-t${t}-b`, port: 443, weight: 30 },
                    ],
                },
            ],
            { forceAttach: true, forceDetach: true },
        );
    });
}

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

const SHORT: Record<string, string> = { DescribeScalingGroups: "Describe", AttachVServerGroups: "Attach", DetachVServerGroups: "Detach" };
type Counts = Record<string, number>;

function sgOf(c: CallRecord): string {
    return c.params.ScalingGroupId ?? c.params["ScalingGroupId.1"] ?? "?";
}

function countBy(calls: CallRecord[], sg?: string): Counts {
    const out: Counts = {};
    for (const c of calls) {
        if (sg !== undefined && sgOf(c) !== sg) continue;
        const a = SHORT[c.action] ?? c.action;
        out[a] = (out[a] ?? 0) + 1;
    }
    return out;
}

function fmtCounts(c: Counts): string {
    const parts = Object.entries(c)
        .filter(([, n]) => n > 0)
        .map(([a, n]) => `${n} ${a}`);
    return parts.length ? parts.join(" + ") : "0";
}

/** `min` is the exact minimum per action; `maxDescribe` allows "at most" for Describe. */
function meets(measured: Counts, min: Counts, maxDescribe?: number): boolean {
    const keys = new Set([...Object.keys(measured), ...Object.keys(min)]);
    for (const k of keys) {
        const m = measured[k] ?? 0;
        if (k === "Describe" && maxDescribe !== undefined) {
            if (m > maxDescribe) return false;
        } else if (m !== (min[k] ?? 0)) return false;
    }
    return true;
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms: number) => (ms / 1000).toFixed(2);
const mark = (ok: boolean) => (ok ? "✅" : "❌");

function table(head: string[], rows: (string | number)[][]): string {
    const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
    return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ------------------------------------------------------------------------------------------------
// Sections
// ------------------------------------------------------------------------------------------------

interface Ctx {
    emulator: Emulator;
    real: E2EHarness;
    noop: E2EHarness;
    env: Record<string, string>;
    out: string[];
    goals: Array<{ goal: string; met: boolean; detail: string }>;
    /** Rows of table 1 above their minimum. */
    failed: Array<{ operation: string; min: string; measured: string }>;
    /** Parsed from the CLI's help: the engine's default --parallel. */
    engineParallel?: number;
    probe?: Record<string, ProbeTimes[]>;
}

async function op(ctx: Ctx, run: () => Promise<OperationResult>): Promise<{ result: OperationResult; calls: CallRecord[] }> {
    ctx.emulator.control.clearCalls();
    const result = await run();
    return { result, calls: ctx.emulator.control.calls() };
}

/** 1. API calls per operation, by action, against the minimum. */
async function callsSection(ctx: Ctx): Promise<string> {
    const rows: (string | number)[][] = [];
    let allOk = true;
    const row = (operation: string, measured: Counts, min: Counts, minText: string, maxDescribe?: number) => {
        const ok = meets(measured, min, maxDescribe);
        allOk &&= ok;
        if (!ok) ctx.failed.push({ operation, min: minText, measured: fmtCounts(measured) });
        rows.push([operation, minText, fmtCounts(measured), mark(ok)]);
    };
    const s = await ctx.real.stack({ name: "calls", env: ctx.env });

    const big = entries(30, 5); // 6 LBs × 5 groups: 2 calls
    const mid = entries(7, 7); // 1 LB × 7 groups: 2 calls
    const one = entries(1, 1);
    const v1 = [res("big", "asg-c1", big), res("mid", "asg-c3", mid), res("one", "asg-c2", one)];
    const sgs: Array<[string, Groups]> = [
        ["asg-c1", big],
        ["asg-c3", mid],
        ["asg-c2", one],
    ];

    let r = await op(ctx, () => s.preview(v1));
    row("`preview` of a new stack (3 resources, 38 entries)", countBy(r.calls), {}, "0");

    r = await op(ctx, () => s.up(v1));
    for (const [sg, g] of sgs) {
        const k = count(g);
        const c = minChunks(g);
        row(
            `create, k = ${k} (${g.length} LB × ${g[0].vserverAttributes.length}${g.length > 1 ? "" : ""})`,
            countBy(r.calls, sg),
            { Describe: 1, Attach: c },
            `1 Describe + ${c} Attach`,
        );
    }
    const exported = await s.export();
    const provider = exported.deployment.resources!.find((x) => x.urn.endsWith("::big"))!;
    const providerText = String(provider.inputs!.__provider);

    r = await op(ctx, () => s.preview(v1));
    row("`preview`, nothing changed", countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.up(v1));
    row("`up`, nothing changed", countBy(r.calls), {}, "0 (0 Attach/Detach)");

    // One entry changed per resource: re-weight one of big, remove one of mid, add one to one.
    const big2 = JSON.parse(JSON.stringify(big)) as Groups;
    big2[0].vserverAttributes[0].weight = 80;
    const mid2 = entries(6, 7);
    const one2: Groups = [
        { loadbalancerId: callLb(1), vserverAttributes: [one[0].vserverAttributes[0], { vserverGroupId: callRsp(1, 2), port: 80 }] },
    ];
    const v2 = [res("big", "asg-c1", big2), res("mid", "asg-c3", mid2), res("one", "asg-c2", one2)];
    r = await op(ctx, () => s.preview(v2));
    row("`preview` of the update below", countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.up(v2));
    row("update: add 1 entry (k 1 → 2)", countBy(r.calls, "asg-c2"), { Attach: 1 }, "1 Attach + ≤ 1 Describe", 1);
    row("update: remove 1 entry (k 7 → 6)", countBy(r.calls, "asg-c3"), { Detach: 1 }, "1 Detach + ≤ 1 Describe", 1);
    row(
        "update: re-weight 1 entry (k = 30)",
        countBy(r.calls, "asg-c1"),
        { Detach: 1, Attach: 1 },
        "1 Detach + 1 Attach + ≤ 1 Describe",
        1,
    );

    const v3 = [res("big", "asg-c1", big2), res("mid", "asg-c3", mid2, { forceDetach: true }), res("one", "asg-c2", one2)];
    r = await op(ctx, () => s.up(v3));
    row("update: only `forceDetach` changed", countBy(r.calls), {}, "0");

    r = await op(ctx, () => s.refresh());
    row("`refresh`, 3 resources on 3 scaling groups", countBy(r.calls), { Describe: 3 }, "3 Describe (1 per scaling group)");

    r = await op(ctx, () => s.destroy());
    for (const [sg, g] of [
        ["asg-c1", big2],
        ["asg-c3", mid2],
        ["asg-c2", one2],
    ] as Array<[string, Groups]>) {
        const c = minChunks(g);
        row(`destroy, k = ${count(g)}`, countBy(r.calls, sg), { Detach: c }, `${c} Detach`);
    }

    // Two resources on one scaling group (plus two on their own): refresh's minimum is per scaling group.
    const shared = await ctx.real.stack({ name: "calls-shared", env: ctx.env });
    const sp = [
        res("s1a", "asg-s1", [{ loadbalancerId: callLb(1), vserverAttributes: [{ vserverGroupId: callRsp(1, 1), port: 80 }] }]),
        res("s1b", "asg-s1", [{ loadbalancerId: callLb(2), vserverAttributes: [{ vserverGroupId: callRsp(2, 1), port: 80 }] }]),
        res("s2", "asg-s2", one),
        res("s3", "asg-s3", one),
    ];
    await shared.up(sp);
    r = await op(ctx, () => shared.refresh());
    row("`refresh`, 4 resources on 3 scaling groups (2 share one)", countBy(r.calls), { Describe: 3 }, "3 Describe (1 per scaling group)");
    await shared.destroy();

    ctx.goals.push({
        goal: "API calls equal to the minimum in every row",
        met: allOk,
        detail: allOk ? "all rows" : "see ❌ rows in table 1",
    });
    (ctx as Ctx & { providerText?: string }).providerText = providerText;
    return table(["operation", "minimum", "measured", "= min"], rows);
}

/** 2. Size of the serialized provider. */
async function sizeSection(ctx: Ctx & { providerText?: string }, baselineText?: string): Promise<string> {
    const text = ctx.providerText!;
    const bytes = Buffer.byteLength(text, "utf8");
    const ok = bytes <= 16 * 1024;
    ctx.goals.push({ goal: "`__provider` ≤ 16 KB", met: ok, detail: `${bytes} B` });
    const rows: (string | number)[][] = [["ScalingGroupVServerGroups", bytes, (bytes / 1024).toFixed(2), "≤ 16 KB", mark(ok)]];
    if (baselineText)
        rows.push([
            "no-op stand-in (baseline)",
            Buffer.byteLength(baselineText, "utf8"),
            (Buffer.byteLength(baselineText, "utf8") / 1024).toFixed(2),
            "",
            "",
        ]);
    return table(["resource", "`__provider` bytes", "KB", "goal", "met"], rows);
}

/** Parallelism: per-scaling-group serialization and cross-group parallelism, from the call log (150 ms latency per call). */
async function parallelSection(ctx: Ctx): Promise<string> {
    const LAT = 150;
    const s = await ctx.real.stack({ name: "parallel", env: ctx.env });
    const prog = [
        res("p1a", "asg-s1", [{ loadbalancerId: callLb(1), vserverAttributes: [{ vserverGroupId: callRsp(1, 1), port: 80 }] }]),
        res("p1b", "asg-s1", [{ loadbalancerId: callLb(2), vserverAttributes: [{ vserverGroupId: callRsp(2, 1), port: 80 }] }]),
        res("p1c", "asg-s1", [{ loadbalancerId: callLb(3), vserverAttributes: [{ vserverGroupId: callRsp(3, 1), port: 80 }] }]),
        res("p2", "asg-s2", entries(1, 1)),
        res("p3", "asg-s3", entries(1, 1)),
    ];
    const fault = ctx.emulator.control.addFault({ kind: "latency", latencyMs: LAT });
    const rows: (string | number)[][] = [];
    let ok = true;
    try {
        for (const [name, run] of [
            ["up", () => s.up(prog)],
            ["destroy", () => s.destroy()],
        ] as Array<[string, () => Promise<OperationResult>]>) {
            const { calls } = await op(ctx, run);
            const iv = calls.map((c) => ({ sg: sgOf(c), end: Date.parse(c.time), start: Date.parse(c.time) - (c.latencyMs ?? 0) }));
            const overlap = (xs: typeof iv) => {
                let best = 0;
                for (const x of xs) best = Math.max(best, xs.filter((y) => y.start < x.end - 5 && y.end > x.start + 5).length);
                return best;
            };
            const sameSg = Math.max(0, ...["asg-s1", "asg-s2", "asg-s3"].map((sg) => overlap(iv.filter((x) => x.sg === sg))));
            const all = overlap(iv);
            const rowOk = sameSg === 1 && all >= 3;
            ok &&= rowOk;
            rows.push([`\`${name}\`: 3 resources on asg-s1, 1 each on asg-s2, asg-s3`, calls.length, sameSg, all, mark(rowOk)]);
        }
    } finally {
        ctx.emulator.control.removeFault(fault);
    }
    ctx.goals.push({
        goal: "calls on different scaling groups in parallel, on one scaling group serialized",
        met: ok,
        detail: "max in flight: 1 per group, ≥ 3 across groups",
    });
    return table(
        ["operation (150 ms per call)", "calls", "max in flight on one scaling group (goal 1)", "max in flight overall (goal ≥ 3)", "met"],
        rows,
    );
}

interface TimingRow {
    n: number;
    latency: number;
    real: number[];
    noop: number[];
    realUp: number[];
    noopUp: number[];
}

/** 3. Wall time of up + destroy, real vs the no-op stand-in, alternating b, r, b, r, … */
async function timingSection(ctx: Ctx): Promise<{ md: string; rows: TimingRow[]; noopProviderText?: string }> {
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
            const row: TimingRow = { n, latency, real: [], noop: [], realUp: [], noopUp: [] };
            try {
                for (let i = 0; i < RUNS; i++) {
                    for (const [variant, stack] of [
                        ["noop", noopStack],
                        ["real", realStack],
                    ] as Array<["noop" | "real", E2EStack]>) {
                        ctx.emulator.control.clearCalls();
                        const t0 = performance.now();
                        const up = await stack.up(prog);
                        const t1 = performance.now();
                        if (variant === "noop" && !noopProviderText) {
                            const st = await stack.export();
                            noopProviderText = String(
                                st.deployment.resources!.find((x) => x.type.includes("ScalingGroupVServerGroups"))!.inputs!.__provider,
                            );
                        }
                        const t2 = performance.now();
                        const down = await stack.destroy();
                        const t3 = performance.now();
                        if ((up.changeSummary?.create ?? 0) < n || (down.changeSummary?.delete ?? 0) < n)
                            throw new Error(
                                `${variant} N=${n}: unexpected changes ${JSON.stringify([up.changeSummary, down.changeSummary])}`,
                            );
                        if (variant === "real") {
                            const c = countBy(ctx.emulator.control.calls());
                            if (c.Describe !== n || c.Attach !== n || c.Detach !== n)
                                throw new Error(`real N=${n}: calls ${JSON.stringify(c)}`);
                        }
                        row[variant].push(t1 - t0 + (t3 - t2));
                        row[variant === "real" ? "realUp" : "noopUp"].push(t1 - t0);
                        log(
                            `timing N=${n} latency=${latency}ms run ${i + 1}/${RUNS} ${variant}: up ${sec(t1 - t0)}s + destroy ${sec(t3 - t2)}s`,
                        );
                    }
                }
            } finally {
                if (fault !== undefined) ctx.emulator.control.removeFault(fault);
            }
            rows.push(row);
        }
    }
    const tRows = rows.map((r) => {
        const ratio = median(r.real) / median(r.noop);
        const goal = r.n === 50 && r.latency === 0;
        return [
            r.n,
            `${r.latency} ms`,
            `${sec(median(r.noopUp))} + ${sec(median(r.noop.map((t, i) => t - r.noopUp[i])))}`,
            `${sec(median(r.realUp))} + ${sec(median(r.real.map((t, i) => t - r.realUp[i])))}`,
            sec(median(r.noop)),
            sec(median(r.real)),
            `**${ratio.toFixed(2)}**`,
            `${Math.min(...r.real.map((t, i) => t / r.noop[i])).toFixed(2)}–${Math.max(...r.real.map((t, i) => t / r.noop[i])).toFixed(2)}`,
            goal ? `≤ 1.25 ${mark(ratio <= 1.25)}` : "",
        ];
    });
    const g = rows.find((r) => r.n === 50 && r.latency === 0);
    if (g) {
        const ratio = median(g.real) / median(g.noop);
        ctx.goals.push({ goal: "time ratio ≤ 1.25 at N = 50, 0 ms latency", met: ratio <= 1.25, detail: ratio.toFixed(2) });
    }
    const md = table(
        [
            "N",
            "emulator latency",
            "no-op up + destroy (s, medians)",
            "real up + destroy (s, medians)",
            "no-op total (s)",
            "real total (s)",
            "ratio real / no-op",
            "per-pair ratios",
            "goal",
        ],
        tRows,
    );
    return { md, rows, noopProviderText };
}

/** 4. Plugin start-up: load the serialized provider and answer the first calls, in a fresh Node. */
async function probeSection(ctx: Ctx & { providerText?: string }, noopText: string | undefined, nodePath: string): Promise<string> {
    const realStack = ctx.real.stacks.find((s) => s.name === "calls")!;
    const noopStack = ctx.noop.stacks[0];
    const env = { ...ctx.real.baseEnv, ...ctx.env } as Record<string, string>;
    const newsA = res("a", "asg-probe-a", entries(2, 2)).args!;
    const newsB = res("b", "asg-probe-b", entries(2, 2)).args!;
    const burst = timingProgram(MAX_N).map((r) => r.args!);
    const variants: Array<[string, string, E2EStack | undefined, string | undefined]> = [
        ["ScalingGroupVServerGroups", "real", realStack, ctx.providerText],
        ["no-op stand-in", "noop", noopStack, noopText],
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
    ctx.probe = results;
    const m = (key: string, f: keyof ProbeTimes) => (results[key] ? median(results[key].map((t) => t[f])) : NaN);
    const rows: (string | number)[][] = fields.map(([f, label]) => [label, m("real", f).toFixed(1), m("noop", f).toFixed(1)]);
    const startup = (key: string) => m(key, "load") + m(key, "configure") + m(key, "check");
    rows.push([
        "**start-up: load `__provider` → first check answered**",
        `**${startup("real").toFixed(1)}**`,
        `**${startup("noop").toFixed(1)}**`,
    ]);
    return table(["step (ms, median of " + PROBES + ")", "ScalingGroupVServerGroups", "no-op stand-in"], rows);
}

// ------------------------------------------------------------------------------------------------

/** The doc goes through the repo's prettier (if installed), so `npm run lint` accepts it as written. */
async function formatMarkdown(text: string): Promise<string> {
    try {
        const prettier = (await import("prettier")) as typeof import("prettier");
        return await prettier.format(text, { ...(await prettier.resolveConfig(DOC)), filepath: DOC });
    } catch {
        return text;
    }
}

function engineParallel(pulumiPath: string): number | undefined {
    try {
        const help = execFileSync(pulumiPath, ["up", "--help"], {
            encoding: "utf8",
            env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
        });
        const m = /--parallel[^\n]*\(default (\d+)\)/.exec(help);
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

/** What the numbers say: remaining gaps with their cause, and where the time goes. */
function findings(ctx: Ctx, timing: TimingRow[] | undefined): string[] {
    const out: string[] = [];
    for (const f of ctx.failed) {
        if (f.operation.startsWith("`refresh`")) {
            out.push(
                `- **Gap: ${f.operation}: ${f.measured}, minimum ${f.min}.** Cause: \`read\` (provider/provider.ts) sends one DescribeScalingGroups per *resource*; resources that share a scaling group each pay one. Fix: let concurrent reads of one region/scaling group share one in-flight Describe (a \`Map<lockKey, Promise<ScalingGroup | undefined>>\` entry, removed when it settles). Reads only: create/update keep their own Describe under the per-group lock, so they always see the group after the previous change.`,
            );
        } else {
            out.push(`- **Gap: ${f.operation}: ${f.measured}, minimum ${f.min}.**`);
        }
    }
    const P = ctx.engineParallel;
    for (const r of timing ?? []) {
        if (r.latency === 0) continue;
        const extra = median(r.real) - median(r.noop);
        const parallel = P ? Math.min(P, r.n) : r.n;
        const bound = (r.n * 3 * r.latency) / parallel;
        const why =
            r.n === 1
                ? `one resource, so the latency costs ≈ 3 × ${r.latency} ms = ${sec(bound)} s`
                : r.n <= parallel
                  ? `the ${r.n} resources run in parallel, so the latency costs ≈ 3 × ${r.latency} ms = ${sec(bound)} s`
                  : `the engine runs at most ${P} resource operations at once (\`pulumi up --help\`: \`--parallel\` default ${P} on this machine), so the latency costs ≈ ${r.n} × 3 × ${r.latency} ms / ${P} = ${sec(bound)} s — the engine's parallelism, not the provider's: calls on different scaling groups do overlap (table "Concurrency"), and \`--parallel\` raises the limit`;
        out.push(
            `- N = ${r.n}, ${r.latency} ms per call: real − no-op = ${sec(extra)} s (medians). Each resource makes 3 calls in sequence (Describe + Attach on up, Detach on destroy); ${why}.`,
        );
    }
    const probe = ctx.probe;
    if (probe?.real) {
        const m = (f: keyof ProbeTimes) => median(probe.real.map((t) => t[f]));
        out.push(
            `- Provider work per process is small: loading \`__provider\` and answering the first check takes ${(m("load") + m("configure") + m("check")).toFixed(1)} ms; the first create pays ${m("create").toFixed(0)} ms once (loading @alicloud/openapi-client and @alicloud/credentials, building the client, the first HTTP connection), a warm create ${m("create2").toFixed(1)} ms; ${MAX_N} concurrent creates ${m("burstCreate").toFixed(0)} ms and ${MAX_N} deletes ${m("burstDelete").toFixed(0)} ms in all. ` +
                `The rest of every operation is the engine, the Automation API runner and \`require("@pulumi/pulumi")\` (${m("pulumi").toFixed(0)} ms per Node process, the same for the no-op stand-in). The emulator runs in the bench process on the same CPUs, so its request handling (signature checks) is counted in the real runs too.`,
        );
    }
    return out;
}

function machine(pulumiPath: string, nodePath: string): string[] {
    const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model ?? "?";
    const memKb = Number(/MemTotal:\s*(\d+)/.exec(fs.readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
    const pulumiVersion = execFileSync(pulumiPath, ["version"], {
        encoding: "utf8",
        env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    }).trim();
    const nodeVersion = execFileSync(nodePath, ["--version"], { encoding: "utf8" }).trim();
    return [
        `- date: ${new Date().toISOString()}`,
        `- machine: ${os.availableParallelism?.() ?? os.cpus().length} CPUs (nproc), ${(memKb / 1024 / 1024).toFixed(1)} GiB memory, ${cpu}`,
        `- Node ${nodeVersion} (engine plugins and runner), pulumi CLI ${pulumiVersion}, @pulumi/pulumi ${require(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json")).version}`,
        `- load average at start (1/5/15 min): ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" / ")} — other work on the machine shows up as noise; the no-op / real alternation spreads it over both`,
        `- command: \`npm run bench\` (knobs: BENCH_NS=${NS.join(",")} BENCH_LATENCIES=${LATENCIES.join(",")} BENCH_RUNS=${RUNS} BENCH_PROBES=${PROBES})`,
    ];
}

async function main(): Promise<void> {
    const started = performance.now();
    const emulator = await startEmulator({ state: fixture() });
    const standin = makeStandin();
    const real = await E2EHarness.start({ programRoot: path.join(REPO_ROOT, ".tools", "bench"), opTimeoutMs: 600_000 });
    const noop = await E2EHarness.start({
        programRoot: path.join(REPO_ROOT, ".tools", "bench-noop"),
        packageSource: standin,
        packageName: STANDIN_NAME,
        opTimeoutMs: 600_000,
    });
    const key = emulator.keys[0];
    const env = {
        ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
        ALIBABA_CLOUD_REGION_ID: REGION,
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "30",
    };
    const ctx: Ctx & { providerText?: string } = { emulator, real, noop, env, out: [], goals: [], failed: [] };
    ctx.engineParallel = engineParallel(real.pulumiPath);
    const nodePath = fs.existsSync(path.join(REPO_ROOT, "node_modules", ".bin", "node"))
        ? path.join(REPO_ROOT, "node_modules", ".bin", "node")
        : process.execPath;
    const doc: string[] = ["# Benchmarks", "", ...machine(real.pulumiPath, nodePath), ""];
    try {
        let callsMd = "";
        if (SECTIONS.has("calls") || SECTIONS.has("size") || SECTIONS.has("probe")) {
            log("API calls per operation");
            callsMd = await callsSection(ctx);
        }
        let parallelMd = "";
        if (SECTIONS.has("parallel")) {
            log("parallelism");
            parallelMd = await parallelSection(ctx);
        }
        let timing: Awaited<ReturnType<typeof timingSection>> | undefined;
        if (SECTIONS.has("timing")) {
            log(`timing: N = ${NS.join(", ")}, latency ${LATENCIES.join(", ")} ms, ${RUNS} runs each, alternating no-op / real`);
            timing = await timingSection(ctx);
        }
        let noopText = timing?.noopProviderText;
        if (!noopText && SECTIONS.has("probe")) {
            const s = await noop.stack({ name: "probe-noop", env });
            await s.up(timingProgram(1));
            noopText = String((await s.stateResources())[0].inputs!.__provider);
            await s.destroy();
        }
        let probeMd = "";
        if (SECTIONS.has("probe")) {
            log("plugin start-up probe");
            probeMd = await probeSection(ctx, noopText, nodePath);
        }

        if (callsMd) {
            doc.push(
                "## 1. API calls per operation",
                "",
                "Counted in the emulator's call log around each engine operation (per scaling group where one `up` touches several).",
                "",
                callsMd,
                "",
            );
        }
        if (parallelMd) {
            doc.push(
                "### Concurrency",
                "",
                "150 ms emulator latency per call; a call's interval is [answer − latency, answer].",
                "",
                parallelMd,
                "",
            );
        }
        if (ctx.providerText) doc.push("## 2. Serialized provider (`__provider` in the state)", "", await sizeSection(ctx, noopText), "");
        if (timing) {
            doc.push(
                "## 3. Wall time of `pulumi up` + `pulumi destroy`",
                "",
                `N resources, each on its own scaling group with 2 entries (forceAttach, forceDetach). Baseline: the same engine running N no-op dynamic resources of the same shape (a stand-in package, installed the same way). Medians of ${RUNS} runs, alternating no-op / real in one process. Wall time is what the caller waits for: the runner process, the Automation API, the CLI, the language host and the dynamic-provider plugin.`,
                "",
                timing.md,
                "",
            );
        }
        if (probeMd) {
            doc.push(
                "## 4. Provider plugin start-up",
                "",
                "A fresh Node process in the stack's program folder, doing what the dynamic-provider plugin does: load `@pulumi/pulumi`, `requireFromString(__provider).handler()`, configure, then answer the engine's calls.",
                "",
                probeMd,
                "",
            );
        }
        const notes = findings(ctx, timing?.rows);
        if (notes.length) doc.push("## Findings", "", ...notes, "");
        doc.push(
            "## Goals",
            "",
            table(
                ["goal", "met", "measured"],
                ctx.goals.map((g) => [g.goal, mark(g.met), g.detail]),
            ),
            "",
        );
        doc.push(`Total bench time: ${sec(performance.now() - started)} s.`, "");
        const text = await formatMarkdown(doc.join("\n"));
        process.stdout.write(text);
        if (process.env.BENCH_NO_WRITE !== "1") {
            fs.mkdirSync(path.dirname(DOC), { recursive: true });
            fs.writeFileSync(DOC, text);
            log(`written to ${path.relative(process.cwd(), DOC)}`);
        }
    } finally {
        await real.cleanup();
        await noop.cleanup();
        fs.rmSync(standin, { recursive: true, force: true });
        await emulator.close();
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
});
