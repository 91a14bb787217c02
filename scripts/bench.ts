// `npm run bench`: API calls per operation against the minimum, the serialized provider's size,
// wall time of up + destroy against the engine's own cost, and the plugin's start-up cost.
// Runs the real pulumi engine (Automation API, via the e2e harness) against the local emulator,
// prints markdown tables and writes them to docs/benchmarks.md.
//
// Knobs (env): BENCH_NS=1,10,50  BENCH_LATENCIES=0,50  BENCH_RUNS=5  BENCH_PROBES=5
//              BENCH_SECTIONS=calls,size,parallel,timing,probe  BENCH_NO_WRITE=1 (print only)
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { E2EHarness, nodeBinary, REPO_ROOT } from "../harness/e2e";
import { callsSection, parallelSection, sizeSection } from "./bench/calls";
import { log, mark, sec, table, type Ctx } from "./bench/measure";
import { engineParallel, findings, formatMarkdown, machine } from "./bench/report";
import { DOC, fixture, LATENCIES, NS, RUNS, SECTIONS, timingProgram } from "./bench/setup";
import { makeStandin, STANDIN_NAME } from "./bench/standin";
import { probeSection } from "./bench/startup";
import { timingSection } from "./bench/timing";
import { emulatorEnv } from "../harness/provider-env";

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
    const env = emulatorEnv(emulator, { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "30" });
    const ctx: Ctx = { emulator, real, noop, env, goals: [], failed: [] };
    const nodePath = nodeBinary();
    const doc: string[] = ["# Benchmarks", "", ...machine(real.pulumiPath, nodePath), ""];
    try {
        let callsMd = "";
        let providerText: string | undefined;
        if (SECTIONS.has("calls") || SECTIONS.has("size") || SECTIONS.has("probe")) {
            log("API calls per operation");
            ({ md: callsMd, providerText } = await callsSection(ctx));
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
        let probe: Awaited<ReturnType<typeof probeSection>> | undefined;
        if (SECTIONS.has("probe")) {
            log("plugin start-up probe");
            probe = await probeSection(ctx, { real: providerText, noop: noopText }, nodePath);
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
        if (providerText)
            doc.push("## 2. Serialized provider (`__provider` in the state)", "", sizeSection(ctx, providerText, noopText), "");
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
        if (probe) {
            doc.push(
                "## 4. Provider plugin start-up",
                "",
                "A fresh Node process in the stack's program folder, doing what the dynamic-provider plugin does: load `@pulumi/pulumi`, `requireFromString(__provider).handler()`, configure, then answer the engine's calls.",
                "",
                probe.md,
                "",
            );
        }
        const notes = findings({
            failed: ctx.failed,
            engineParallel: engineParallel(real.pulumiPath),
            timing: timing?.rows,
            probe: probe?.results,
        });
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
