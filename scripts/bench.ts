// `npm run bench`: API calls per operation against the minimum, the serialized provider's size,
// wall time of up + destroy against the engine's own cost, and the plugin's start-up cost.
// Runs the real pulumi engine (Automation API, via the e2e harness) against the local emulator,
// prints markdown tables and writes them to docs/benchmarks.md.
//
// Knobs (env): BENCH_NS=1,10,50  BENCH_LATENCIES=0,50  BENCH_RUNS=5  BENCH_PROBES=5  BENCH_KIND_N=50  BENCH_KIND_RUNS=9
//              BENCH_SECTIONS=calls,size,parallel,timing,probe,kinds,kind-timing,throttled,scale,activity-waits
//              BENCH_NO_WRITE=1 (print only; a run of only some sections never writes, it prints)
//              (kinds: table 1 and the activity polling table for server groups and load balancers;
//              kind-timing: their up + destroy time ratio at activity delay 0)
//              throttled: N VServer-group resources (one entry each) on G scaling groups under an emulated
//                limit of R calls/s per action (burst R), limiter on and off (ESS_VSERVER_GROUPS_LIMITER=off):
//                BENCH_THROTTLED_N=200 BENCH_THROTTLED_GROUPS=40 BENCH_THROTTLED_RATE=20 (retry budget 300 s)
//              scale: real vs no-op up + destroy and the plugin's peak memory at BENCH_SCALE_NS=10,50,200,500
//              activity-waits: one server-groups resource, Force* on, activity durations
//                BENCH_ACTIVITY_DELAYS=2,10,30 (s) against 0, BENCH_ACTIVITY_RUNS=3 (medians)
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { E2EHarness, nodeBinary, REPO_ROOT } from "../harness/e2e";
import { callsSection, parallelSection, sizeSection } from "./bench/calls";
import { kindCallsSection, pollingSection } from "./bench/kind-calls";
import { kindFixture } from "./bench/kinds";
import { kindTimingSection, KIND_N } from "./bench/kind-timing";
import { log, mark, sec, table, type Ctx } from "./bench/measure";
import { engineParallel, findings, formatMarkdown, machine } from "./bench/report";
import { activityFixture, activityWaitsSection, ACTIVITY_DELAYS, ACTIVITY_RUNS } from "./bench/activity-waits";
import { scaleFixture, scaleSection, SCALE_NS } from "./bench/scale";
import { ALL_SECTIONS, DOC, fixture, KIND_RUNS, LATENCIES, NS, RUNS, SECTIONS, timingProgram } from "./bench/setup";
import { makeStandin, STANDIN_NAME } from "./bench/standin";
import { probeSection } from "./bench/startup";
import { throttledFixture, throttledSection, THROTTLED_GROUPS, THROTTLED_N, THROTTLED_RATE } from "./bench/throttled";
import { timingSection } from "./bench/timing";
import { emulatorEnv } from "../harness/provider-env";

async function main(): Promise<void> {
    const started = performance.now();
    const base = fixture();
    const extra = kindFixture();
    const [throttled, scale, waits] = [throttledFixture(), scaleFixture(), activityFixture()];
    const emulator = await startEmulator({
        state: {
            scalingGroups: [...base.scalingGroups, ...throttled.scalingGroups, ...scale.scalingGroups, ...waits.scalingGroups],
            loadBalancers: [...base.loadBalancers, ...extra.loadBalancers, ...throttled.loadBalancers, ...scale.loadBalancers],
            serverGroups: [...extra.serverGroups, ...waits.serverGroups],
        },
    });
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
        let kindCallsMd = "";
        let pollingMd = "";
        if (SECTIONS.has("kinds")) {
            log("API calls per operation: server groups and load balancers");
            kindCallsMd = await kindCallsSection(ctx);
            log("scaling-activity polling");
            pollingMd = await pollingSection(ctx);
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
        let kindTiming: Awaited<ReturnType<typeof kindTimingSection>> | undefined;
        if (SECTIONS.has("kind-timing")) {
            log(`timing of server groups and load balancers: N = ${KIND_N}, activity delay 0, ${KIND_RUNS} runs each`);
            kindTiming = await kindTimingSection(ctx);
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
        let throttledMd = "";
        if (SECTIONS.has("throttled")) {
            log(`under flow control: N = ${THROTTLED_N} on ${THROTTLED_GROUPS} scaling groups, ${THROTTLED_RATE} calls/s per action`);
            throttledMd = await throttledSection(ctx);
        }
        let scaleMd = "";
        if (SECTIONS.has("scale")) {
            log(`scale curve: N = ${SCALE_NS.join(", ")}`);
            scaleMd = await scaleSection(ctx);
        }
        let waitsMd = "";
        if (SECTIONS.has("activity-waits")) {
            log(`scaling-activity waits: ${ACTIVITY_DELAYS.join(", ")} s against 0, ${ACTIVITY_RUNS} runs each`);
            waitsMd = await activityWaitsSection(ctx);
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
        if (kindCallsMd) {
            doc.push(
                "### ALB/NLB/GWLB server groups and classic load balancers",
                "",
                "`ScalingGroupServerGroups` and `ScalingGroupLoadBalancers` through the engine, Force* off (no scaling activities): 3 resources on 3 scaling groups, entries of mixed types (ALB, NLB, GWLB) for server groups. Per-call limit 5 for both kinds.",
                "",
                kindCallsMd,
                "",
            );
        }
        if (pollingMd) {
            doc.push(
                "### Scaling-activity polling",
                "",
                "One resource with forceAttach and forceDetach on (server groups: ForceAttach/ForceDetach; load balancers: Async), through the engine. Each Attach/Detach call that starts an activity is followed by a wait: `DescribeScalingActivities` until it ends (first poll at once, then 200 ms doubling). One poll per wait is the minimum (the activity has ended when the first poll comes). At activity delay 0 the emulator ends an activity before it sends the answer that names it, so every wait can end at its first poll; at the emulator's default delay (50 ms) the first poll always sees it InProgress and the second comes 200 ms later.",
                "",
                pollingMd,
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
        if (kindTiming) {
            doc.push(
                "### Per kind: server groups and load balancers, activity delay 0",
                "",
                `N = ${KIND_N} resources, each on its own scaling group with 2 entries (server groups: ALB + NLB; load balancers: 2 classic load balancers), forceAttach and forceDetach on, so every Attach and Detach starts a scaling activity and is waited for. The emulator's activity delay is 0 for this table: the time measured is the provider's (calls and polls), not an emulated activity's. Baseline: no-op stand-ins of the same shape.`,
                "",
                kindTiming.md,
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
        if (throttledMd) {
            doc.push(
                "## 5. Under ESS flow control (`Throttling.User`)",
                "",
                `${THROTTLED_N} \`ScalingGroupVServerGroups\` resources, one entry each, on ${THROTTLED_GROUPS} scaling groups (${Math.ceil(THROTTLED_N / THROTTLED_GROUPS)} per group), Force* off; the emulator allows ${THROTTLED_RATE} calls a second per action and access key (burst ${THROTTLED_RATE}) and answers the rest 400 \`Throttling.User\`. \`up\` then \`destroy\`, with the provider's limiter on (default) and off (\`ESS_VSERVER_GROUPS_LIMITER=off\`), retry budget 300 s. The bound: the busiest action's minimum calls ÷ rate for \`up\` and for \`destroy\` (one after the other), plus the engine's own time for the same program (no-op stand-in).`,
                "",
                throttledMd,
                "",
            );
        }
        if (scaleMd) {
            doc.push(
                "## 6. Scale curve",
                "",
                "Table 3's program (N resources, each on its own scaling group with 2 entries, forceAttach and forceDetach; VServer groups start no scaling activity) at larger N, real against the no-op stand-in. One up + destroy each, no-op then real, after one warm-up per stack: single samples, so take the ratios to ±0.15 (table 3's per-pair spread). Peak memory: VmHWM (the kernel's peak RSS) of the dynamic-provider plugin's Node process (`pulumi-resource-pulumi-nodejs` → `node …/cmd/dynamic-provider`, one per operation), found in /proc among the bench's descendants and read every 100 ms until it exits (the wrapper's short `node -e require.resolve(…)` is not counted). The engine saves the whole state checkpoint after each resource step (file backend; `PULUMI_SKIP_CHECKPOINTS=true` would skip that, not used here), so its own cost grows faster than N.",
                "",
                scaleMd,
                "",
            );
        }
        if (waitsMd) {
            doc.push(
                "## 7. Scaling-activity waits",
                "",
                `One \`ScalingGroupServerGroups\` resource (ALB + NLB: 1 Attach, 1 Detach) with forceAttach and forceDetach, so \`up\` and \`destroy\` each start one scaling activity and wait for it; the emulator's activity lasts D. What the wait adds: the operation's wall time minus D minus the same operation at D = 0 (medians of ${ACTIVITY_RUNS} runs, delays interleaved). Goal: ≤ max(1 s, 10% of D). Polls: \`DescribeScalingActivities\` calls per wait. Schedule: the provider polls at once, then after 200 ms doubling, the gap capped at max(1 s, 10% of the time waited) and 5 s; the column gives its first poll at or after D, counted from the Attach/Detach answer (calls' own time left out), and how late that is after D.`,
                "",
                waitsMd,
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
        const partial = ALL_SECTIONS.filter((x) => !SECTIONS.has(x));
        if (partial.length) log(`not written to ${path.relative(process.cwd(), DOC)}: sections ${partial.join(", ")} did not run`);
        else if (process.env.BENCH_NO_WRITE !== "1") {
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
