// Model-based randomized reliability test, real-engine mode: the same generator as model.test.ts,
// applied with `pulumi up` through the e2e harness while the emulator injects faults. After each
// step a fault-free `pulumi refresh` + `pulumi up` must reach the desired state; after the final
// `pulumi destroy` (retried fault-free if it failed) only others' entries remain.
//
// Runs when CI=true or RELIABILITY_ENGINE=1 (each engine op is ~2–3 s):
//   npm run build && RELIABILITY_ENGINE=1 npx jest test/reliability/model.e2e.test.ts --runInBand
//   RELIABILITY_SEED=5 RELIABILITY_ENGINE_SEQUENCES=20 RELIABILITY_ENGINE_STEPS=3 ...
import { startEmulator, type Emulator } from "../../emulator";
import { toEntries, entryKey, type Entry } from "../../provider/model";
import { E2EHarness, type E2EStack, type ResourceSpec } from "../../harness/e2e";
import {
    addCounts,
    audit,
    auditClean,
    cloudSeed,
    describeFaults,
    drainDelayed,
    faultsFor,
    firedFaults,
    firstDesired,
    injectTracked,
    lastSeq,
    LatencyTracker,
    nextDesired,
    REGION,
    rngFor,
    table,
    type Desired,
} from "../../harness/reliability-model";

const ENABLED = process.env.CI === "true" || process.env.RELIABILITY_ENGINE === "1";
const SEED = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEQUENCES = Number(process.env.RELIABILITY_ENGINE_SEQUENCES ?? 20);
const MAX_STEPS = Number(process.env.RELIABILITY_ENGINE_STEPS ?? 3);
const READ_TIMEOUT_MS = 500;

jest.setTimeout(3_600_000);

let emulator: Emulator;
let h: E2EHarness;

const program = (d: Desired): ResourceSpec[] => [{ name: "att", args: JSON.parse(JSON.stringify(d.args)) }];

async function stateEntries(s: E2EStack): Promise<{ entries: Entry[]; resources: number; pending: number }> {
    const state = await s.export();
    const resources = (state.deployment.resources ?? []).filter(
        (r) => r.type.includes("ScalingGroupVServerGroups") || r.type.startsWith("pulumi-nodejs:dynamic"),
    );
    const live = resources.filter((r) => !r.delete);
    return {
        entries: live.flatMap((r) => toEntries(((r.outputs ?? {}) as { vserverGroups?: never[] }).vserverGroups ?? [])),
        resources: resources.length,
        pending: (state.deployment.pending_operations ?? []).length,
    };
}

(ENABLED ? test : test.skip)(
    `real engine: ${SEQUENCES} random sequences under faults converge (set CI=true or RELIABILITY_ENGINE=1 to run)`,
    async () => {
        emulator = await startEmulator({ state: cloudSeed() });
        h = await E2EHarness.start();
        const key = emulator.keys[0];
        const figures = {
            sequences: 0,
            steps: 0,
            failedSteps: 0,
            converged: 0,
            checks: 0,
            lost: 0,
            leaked: 0,
            othersTouched: 0,
            finalLeaked: 0,
            destroyRetried: 0,
            faults: {} as Record<string, number>,
        };
        const failures: string[] = [];
        const started = Date.now();
        try {
            for (let i = 0; i < SEQUENCES; i++) {
                const r = rngFor(SEED, i);
                emulator.control.reset();
                emulator.control.setRandomSeed((SEED + i) >>> 0);
                const tracker = new LatencyTracker(emulator);
                const s = await h.stack({
                    name: `rel-${i}`,
                    env: {
                        ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
                        ALIBABA_CLOUD_REGION_ID: REGION,
                        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
                        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
                        ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "2",
                        ALIBABA_CLOUD_ESS_READ_TIMEOUT: String(READ_TIMEOUT_MS),
                    },
                });
                const log: string[] = [];
                const fail = (what: string) => failures.push(`seed=${SEED} sequence=${i}: ${what}\n    ${log.join("\n    ")}`);
                figures.sequences++;
                let desired = firstDesired(r);
                const nSteps = 1 + Math.floor(r() * MAX_STEPS);
                let ok = true;
                for (let step = 0; step < nSteps && ok; step++) {
                    if (step > 0) desired = nextDesired(r, desired);
                    const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: 0.15 });
                    const since = lastSeq(emulator);
                    injectTracked(emulator, faults, tracker);
                    const up = await s.up(program(desired), { allowFailure: true });
                    const hits = tracker.hits();
                    emulator.control.clearFaults();
                    await drainDelayed(emulator, since, () => hits);
                    tracker.clear();
                    addCounts(figures.faults, firedFaults(emulator, since));
                    figures.steps++;
                    if (!up.ok) figures.failedSteps++;
                    log.push(
                        `step ${step}: [${desired.mutations.join("; ")}] on ${desired.scalingGroupId} | faults ${describeFaults(faults)} | up ${up.ok ? "ok" : "failed"}`,
                    );
                    figures.checks++;
                    const refresh = await s.refresh(undefined, { allowFailure: true });
                    const again = await s.up(program(desired), { allowFailure: true });
                    if (!refresh.ok || !again.ok) {
                        fail(
                            `step ${step}: fault-free refresh ${refresh.ok} / up ${again.ok}: ${(again.errorMessage ?? refresh.errorMessage ?? "").slice(0, 800)}`,
                        );
                        ok = false;
                        break;
                    }
                    const a = audit(emulator, desired);
                    figures.lost += a.lost.length;
                    figures.leaked += a.leaked.length;
                    figures.othersTouched += a.othersTouched.length;
                    const st = await stateEntries(s);
                    const stateTrue =
                        JSON.stringify(st.entries) === JSON.stringify(desired.entries) && st.resources === 1 && st.pending === 0;
                    if (!auditClean(a) || !stateTrue) {
                        fail(
                            `step ${step}: not converged: ${JSON.stringify(a)}; state ${st.entries.map(entryKey).join(" ")} (${st.resources} resources, ${st.pending} pending)`,
                        );
                        ok = false;
                        break;
                    }
                    figures.converged++;
                }
                const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: 0.15 });
                const since = lastSeq(emulator);
                injectTracked(emulator, faults, tracker);
                const d = await s.destroy(undefined, { allowFailure: true });
                const hits = tracker.hits();
                emulator.control.clearFaults();
                await drainDelayed(emulator, since, () => hits);
                addCounts(figures.faults, firedFaults(emulator, since));
                log.push(`destroy | faults ${describeFaults(faults)} | ${d.ok ? "ok" : "failed"}`);
                if (!d.ok) {
                    figures.destroyRetried++;
                    await s.refresh(undefined, { allowFailure: true });
                    const again = await s.destroy(undefined, { allowFailure: true });
                    if (!again.ok) fail(`fault-free destroy failed: ${(again.errorMessage ?? "").slice(0, 800)}`);
                }
                const a = audit(emulator, undefined);
                figures.finalLeaked += a.leaked.length;
                figures.othersTouched += a.othersTouched.length;
                if (!auditClean(a)) fail(`after destroy: ${JSON.stringify(a)}`);
            }
        } finally {
            await h.cleanup();
            await emulator.close();
        }
        console.log(
            `reliability (real engine), seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(0)} s\n` +
                table([
                    ["sequences run", figures.sequences],
                    ["steps (pulumi up under faults)", `${figures.steps} (${figures.failedSteps} failed)`],
                    [
                        "faults fired, by kind",
                        Object.entries(figures.faults)
                            .sort()
                            .map(([k, v]) => `${k} ${v}`)
                            .join(", "),
                    ],
                    [
                        "convergence (refresh + up)",
                        `${figures.converged}/${figures.checks} = ${figures.checks ? ((100 * figures.converged) / figures.checks).toFixed(1) : 0}%`,
                    ],
                    ["lost / leaked attachments", `${figures.lost} / ${figures.leaked}`],
                    ["others' entries touched", figures.othersTouched],
                    ["destroys retried / leaked after destroy", `${figures.destroyRetried} / ${figures.finalLeaked}`],
                ]),
        );
        if (failures.length) throw new Error(`${failures.length} sequence(s) failed (seed ${SEED}):\n${failures.slice(0, 3).join("\n\n")}`);
        expect(figures.converged).toBe(figures.checks);
        expect(figures.lost + figures.leaked + figures.finalLeaked + figures.othersTouched).toBe(0);
    },
);
