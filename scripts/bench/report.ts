// The doc around the tables: the machine, what the numbers say, prettier formatting.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../harness/e2e";
import { ACTIVITY_DELAYS, ACTIVITY_RUNS } from "./activity-waits";
import type { ProbeTimes } from "./probe";
import { SCALE_NS } from "./scale";
import { THROTTLED_GROUPS, THROTTLED_N, THROTTLED_RATE } from "./throttled";
import { DOC, KIND_RUNS, LATENCIES, MAX_N, NS, PROBES, RUNS, SECTIONS } from "./setup";
import { median, sec, type Ctx } from "./measure";
import type { TimingRow } from "./timing";

/** The doc goes through the repo's prettier (if installed), so `npm run lint` accepts it as written. */
export async function formatMarkdown(text: string): Promise<string> {
    try {
        const prettier = (await import("prettier")) as typeof import("prettier");
        return await prettier.format(text, { ...(await prettier.resolveConfig(DOC)), filepath: DOC });
    } catch {
        return text;
    }
}

export function engineParallel(pulumiPath: string): number | undefined {
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

/** What `findings` reads: rows above their minimum, the engine's default parallelism, tables 3 and 4. */
export interface FindingsInput {
    failed: Ctx["failed"];
    engineParallel?: number;
    timing?: TimingRow[];
    probe?: Record<string, ProbeTimes[]>;
}

/** What the numbers say: remaining gaps, and where the time goes. */
export function findings({ failed, engineParallel: P, timing, probe }: FindingsInput): string[] {
    const out: string[] = [];
    for (const f of failed) out.push(`- **Gap: ${f.operation}: ${f.measured}, minimum ${f.min}.**`);
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
    if (probe?.real) {
        const m = (f: keyof ProbeTimes) => median(probe.real.map((t) => t[f]));
        out.push(
            `- Provider work per process is small: loading \`__provider\` and answering the first check takes ${(m("load") + m("configure") + m("check")).toFixed(1)} ms; the first create pays ${m("create").toFixed(0)} ms once (loading @alicloud/openapi-client and @alicloud/credentials, building the client, the first HTTP connection), a warm create ${m("create2").toFixed(1)} ms; ${MAX_N} concurrent creates ${m("burstCreate").toFixed(0)} ms and ${MAX_N} deletes ${m("burstDelete").toFixed(0)} ms in all. ` +
                `The rest of every operation is the engine, the Automation API runner and \`require("@pulumi/pulumi")\` (${m("pulumi").toFixed(0)} ms per Node process, the same for the no-op stand-in). The emulator runs in the bench process on the same CPUs, so its request handling (signature checks) is counted in the real runs too.`,
        );
    }
    return out;
}

export function machine(pulumiPath: string, nodePath: string): string[] {
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
        `- command: \`${process.env.BENCH_SECTIONS ? `BENCH_SECTIONS=${[...SECTIONS].join(",")} ` : ""}npm run bench\` (knobs: BENCH_NS=${NS.join(",")} BENCH_LATENCIES=${LATENCIES.join(",")} BENCH_RUNS=${RUNS} BENCH_PROBES=${PROBES} BENCH_KIND_N=${process.env.BENCH_KIND_N ?? 50} BENCH_KIND_RUNS=${KIND_RUNS} ` +
            `BENCH_THROTTLED_N=${THROTTLED_N} BENCH_THROTTLED_GROUPS=${THROTTLED_GROUPS} BENCH_THROTTLED_RATE=${THROTTLED_RATE} ` +
            `BENCH_SCALE_NS=${SCALE_NS.join(",")} BENCH_ACTIVITY_DELAYS=${ACTIVITY_DELAYS.join(",")} BENCH_ACTIVITY_RUNS=${ACTIVITY_RUNS})`,
    ];
}
