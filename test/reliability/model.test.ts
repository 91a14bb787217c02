// Model-based randomized reliability test, provider-level mode: random sequences of programs of one
// to three resources (entry changes, and across resources: moves, renames with and without alias,
// `up --replace`, duplicate declarations, added and removed resources) applied through the
// provider's engine steps (check/diff/create/update/read/delete, called directly, with a model of
// what the Pulumi engine does with their results: test/support/engine-model.ts) while random
// faults are injected into the emulator. After every successful step, state (summed over the
// resources) claims no entry ESS lacks. After every step, failed or not, a fault-free refresh +
// apply must reach the desired state; after the final destroy nothing of ours is left attached and
// the entries attached by others are untouched.
//
//   npx jest test/reliability/model.test.ts --runInBand
//   RELIABILITY_SEED=123 RELIABILITY_SEQUENCES=500 npx jest test/reliability/model.test.ts
//   RELIABILITY_SEED=123 RELIABILITY_ONLY=17 ...      replay one sequence of a run
//   RELIABILITY_REAL_BACKOFF=1 ...                    the provider's own 500 ms backoff base (slow; see the report)
//
// Reproducible: the desired states and fault specs of sequence i depend only on (seed, i); the
// emulator's fault dice are reseeded per sequence. Timing (backoff jitter, latency vs timeout
// races) is real, so a replay follows the same script, not necessarily the same interleaving.
import type { Emulator } from "../../emulator";
import { entryKey } from "../../provider/model";
import { EngineModel, entriesOf, type Outcome } from "../../harness/engine-model";
import { startProviderEmulator } from "../../harness/provider-env";
import {
    addCounts,
    audit,
    auditClean,
    cloudSeed,
    describeFaults,
    drainDelayed,
    faultsFor,
    firedFaults,
    injectTracked,
    lastSeq,
    LatencyTracker,
    rngFor,
    table,
    attachedOf,
} from "../../harness/reliability-model";
import { describeStack, firstStack, nextStack, allDesired, type StackDesired } from "../../harness/reliability-programs";

jest.setTimeout(900_000);

const SEED = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEQUENCES = Number(process.env.RELIABILITY_SEQUENCES ?? 200);
const ONLY = process.env.RELIABILITY_ONLY === undefined ? undefined : Number(process.env.RELIABILITY_ONLY);
const MAX_STEPS = Number(process.env.RELIABILITY_STEPS ?? 4);
const READ_TIMEOUT_MS = Number(process.env.RELIABILITY_READ_TIMEOUT_MS ?? 150);
const RETRY_TIMEOUT_S = "1";
const PERSISTENT_RATE = Number(process.env.RELIABILITY_PERSISTENT_RATE ?? 0.05);
const FAULTY_STEP_RATE = Number(process.env.RELIABILITY_FAULTY_STEP_RATE ?? 0.5);

interface Figures {
    sequences: number;
    steps: number;
    outcomes: Record<Outcome, number>;
    operations: Record<string, number>;
    faultsInjected: Record<string, number>;
    faultSpecs: number;
    convergenceChecks: number;
    converged: number;
    lost: number;
    leaked: number;
    othersTouched: number;
    destroyRetried: number;
    finalLeaked: number;
    stateOverclaimsAfterSuccess: number;
    secretInErrors: number;
    finalErrorsWithoutRequestId: number;
}

let emulator: Emulator;
const failures: string[] = [];
const overclaims: string[] = [];
const timings: Array<[number, string]> = [];
const figures: Figures = {
    sequences: 0,
    steps: 0,
    outcomes: { ok: 0, "no-op": 0, partial: 0, failed: 0 },
    operations: {},
    faultsInjected: {},
    faultSpecs: 0,
    convergenceChecks: 0,
    converged: 0,
    lost: 0,
    leaked: 0,
    othersTouched: 0,
    destroyRetried: 0,
    finalLeaked: 0,
    stateOverclaimsAfterSuccess: 0,
    secretInErrors: 0,
    finalErrorsWithoutRequestId: 0,
};

beforeAll(async () => {
    emulator = await startProviderEmulator(cloudSeed(), {
        ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: RETRY_TIMEOUT_S,
        ALIBABA_CLOUD_ESS_READ_TIMEOUT: String(READ_TIMEOUT_MS),
        // A short first backoff keeps 200 sequences inside the normal test run; the budget stays as set.
        ...(process.env.RELIABILITY_REAL_BACKOFF === "1" ? {} : { ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY: "20" }),
    });
});

afterAll(async () => {
    await emulator?.close();
});

/** Every ESS error the provider throws names the action, code, message and RequestId, and no secret. */
function checkErrors(model: EngineModel, from: number): void {
    const secret = emulator.keys[0].accessKeySecret;
    for (const m of model.errors.slice(from)) {
        if (m.includes(secret)) figures.secretInErrors++;
        const ess = /^(Attach|Detach|Describe)\w+ failed: ([\w.]+): (.+)$/s.exec(m);
        // Transport faults have no RequestId (no answer came back); service answers must carry one.
        if (
            ess &&
            !/^(ECONN|EPIPE|ETIMEDOUT|ESOCKET|RequestTimeout|UND_ERR|Error$)/.test(ess[2]) &&
            !/\(RequestId: [0-9A-F-]{36}\)/.test(m)
        ) {
            figures.finalErrorsWithoutRequestId++;
        }
    }
}

/** What state claims that ESS lacks: every resource's entries must be attached, with their weight. */
function stateOverclaims(model: EngineModel): string[] {
    const out: string[] = [];
    for (const [name, res] of model.state) {
        const attached = new Set(attachedOf(emulator, String(res.outs.scalingGroupId)).map((e) => `${entryKey(e)}@${e.weight}`));
        for (const e of entriesOf(res)) if (!attached.has(`${entryKey(e)}@${e.weight}`)) out.push(`${name}:${entryKey(e)}@${e.weight}`);
    }
    return out;
}

/** State says exactly what the program declares: the same resources, each with its entries, nothing pending. */
function stateMatches(model: EngineModel, p: StackDesired): boolean {
    if (model.pendingDeletes.length > 0 || model.state.size !== p.resources.length) return false;
    return p.resources.every((d) => {
        const res = model.state.get(d.name);
        return res !== undefined && JSON.stringify(entriesOf(res)) === JSON.stringify(d.desired.entries);
    });
}

const describeState = (model: EngineModel) =>
    [...model.state].map(([name, res]) => `${name}=[${entriesOf(res).map(entryKey).join(" ")}]`).join(" ") +
    ` (+${model.pendingDeletes.length} pending deletes)`;

async function runSequence(index: number): Promise<void> {
    const r = rngFor(SEED, index);
    emulator.control.reset();
    emulator.control.setRandomSeed((SEED + index) >>> 0);
    const tracker = new LatencyTracker(emulator);
    const model = new EngineModel();
    const log: string[] = [];
    const nSteps = 1 + Math.floor(r() * MAX_STEPS);
    let program = firstStack(r);
    const fail = (what: string) => {
        failures.push(
            `seed=${SEED} sequence=${index} (replay: RELIABILITY_SEED=${SEED} RELIABILITY_ONLY=${index}): ${what}\n    steps:\n      ${log.join("\n      ")}\n    errors:\n      ${model.errors.slice(-6).join("\n      ")}`,
        );
    };
    figures.sequences++;
    for (let s = 0; s < nSteps; s++) {
        if (s > 0) program = nextStack(r, program);
        for (const m of program.mutations) {
            const kind = /^(move|rename|up --replace|duplicate|add|remove) /.exec(m)?.[1];
            if (kind && s > 0) figures.operations[kind] = (figures.operations[kind] ?? 0) + 1;
        }
        const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: PERSISTENT_RATE, faultyStepRate: FAULTY_STEP_RATE });
        figures.faultSpecs += faults.length;
        const since = lastSeq(emulator);
        const errorsBefore = model.errors.length;
        injectTracked(emulator, faults, tracker);
        const t0 = Date.now();
        const outcome = await model.up(program, r);
        if (process.env.RELIABILITY_PROFILE) timings.push([Date.now() - t0, describeFaults(faults)]);
        figures.steps++;
        figures.outcomes[outcome]++;
        const hits = tracker.hits(); // before clearing: a cleared rule would look used up
        emulator.control.clearFaults();
        await drainDelayed(emulator, since, () => hits);
        tracker.clear();
        addCounts(figures.faultsInjected, firedFaults(emulator, since));
        checkErrors(model, errorsBefore);
        log.push(
            `step ${s}: [${program.mutations.join("; ")}] want ${describeStack(program)} fa/fd ${program.resources.map((d) => `${d.desired.forceAttach}/${d.desired.forceDetach}`).join(",")} | faults ${describeFaults(faults)} | ${outcome}`,
        );
        const overclaimed = outcome === "ok" || outcome === "no-op" ? stateOverclaims(model) : [];
        if (overclaimed.length > 0) {
            // A step that reported success must not leave state claiming an entry that is not attached.
            figures.stateOverclaimsAfterSuccess++;
            log.push(`  note: state after a successful step claims entries not attached: ${overclaimed.join(" ")}`);
            overclaims.push(
                `seed=${SEED} sequence=${index} step ${s}: state claims ${overclaimed.join(" ")} not attached; calls: ${emulator.control
                    .calls()
                    .filter((c) => c.seq > since)
                    .map((c) => `${c.action}${c.latencyMs ? `(+${c.latencyMs}ms)` : ""}:${c.code ?? c.status}`)
                    .join(", ")}`,
            );
        }

        // Fault-free refresh + apply must converge.
        figures.convergenceChecks++;
        try {
            await model.refresh();
            const again = await model.up(program, r);
            if (again === "failed" || again === "partial")
                throw new Error(`fault-free apply ${again}: ${model.errors[model.errors.length - 1]}`);
        } catch (err) {
            fail(`step ${s}: fault-free refresh + apply threw: ${(err as Error).message}`);
            return;
        }
        const a = audit(emulator, allDesired(program));
        figures.lost += a.lost.length;
        figures.leaked += a.leaked.length;
        figures.othersTouched += a.othersTouched.length;
        if (!auditClean(a) || !stateMatches(model, program)) {
            fail(`step ${s}: not converged: ${JSON.stringify(a)}; state holds ${describeState(model)}`);
            return;
        }
        figures.converged++;
    }

    // Final destroy, with faults; if it fails, the user runs refresh + destroy again without faults.
    const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: PERSISTENT_RATE, faultyStepRate: FAULTY_STEP_RATE });
    const since = lastSeq(emulator);
    injectTracked(emulator, faults, tracker);
    const destroyed = await model.destroy(r);
    const hits = tracker.hits();
    emulator.control.clearFaults();
    await drainDelayed(emulator, since, () => hits);
    addCounts(figures.faultsInjected, firedFaults(emulator, since));
    log.push(`destroy | faults ${describeFaults(faults)} | ${destroyed ? "ok" : "failed"}`);
    if (!destroyed) {
        figures.destroyRetried++;
        try {
            await model.refresh();
            if (!(await model.destroy(r))) throw new Error(model.errors[model.errors.length - 1]);
        } catch (err) {
            fail(`fault-free destroy threw: ${(err as Error).message}`);
            return;
        }
    }
    const a = audit(emulator, undefined);
    figures.finalLeaked += a.leaked.length;
    figures.othersTouched += a.othersTouched.length;
    if (!auditClean(a)) fail(`after destroy: ${JSON.stringify(a)}`);
}

test(`provider-level: ${ONLY === undefined ? SEQUENCES : 1} random sequences under faults converge; nothing lost or leaked`, async () => {
    const started = Date.now();
    process.stderr.write(
        `reliability (provider-level): seed ${SEED}; replay with RELIABILITY_SEED=${SEED} [RELIABILITY_ONLY=<sequence>] ` +
            `npx jest test/reliability/model.test.ts\n`,
    );
    const indices = ONLY === undefined ? Array.from({ length: SEQUENCES }, (_, i) => i) : [ONLY];
    for (const i of indices) await runSequence(i);
    const seconds = (Date.now() - started) / 1000;
    const rate = figures.convergenceChecks ? (100 * figures.converged) / figures.convergenceChecks : 0;
    console.log(
        `reliability (provider-level), seed ${SEED}, ${seconds.toFixed(1)} s\n` +
            table([
                ["sequences run", figures.sequences],
                ["steps (random desired states)", figures.steps],
                [
                    "step outcomes",
                    Object.entries(figures.outcomes)
                        .map(([k, v]) => `${k} ${v}`)
                        .join(", "),
                ],
                [
                    "multi-resource operations",
                    Object.entries(figures.operations)
                        .sort()
                        .map(([k, v]) => `${k} ${v}`)
                        .join(", "),
                ],
                ["fault specs injected", figures.faultSpecs],
                [
                    "faults fired, by kind",
                    Object.entries(figures.faultsInjected)
                        .sort()
                        .map(([k, v]) => `${k} ${v}`)
                        .join(", "),
                ],
                ["convergence (refresh + apply)", `${figures.converged}/${figures.convergenceChecks} = ${rate.toFixed(1)}%`],
                ["lost attachments", figures.lost],
                ["leaked attachments", figures.leaked],
                ["others' entries touched", figures.othersTouched],
                ["destroys retried after a fault", figures.destroyRetried],
                ["leaked after final destroy", figures.finalLeaked],
                ["state overclaims after a successful step", figures.stateOverclaimsAfterSuccess],
                ["errors without RequestId / with a secret", `${figures.finalErrorsWithoutRequestId} / ${figures.secretInErrors}`],
            ]),
    );
    if (process.env.RELIABILITY_PROFILE)
        console.log(
            timings
                .sort((a, b) => b[0] - a[0])
                .slice(0, 25)
                .map(([ms, f]) => `${ms} ms ${f}`)
                .join("\n") + `\ntotal step ms ${timings.reduce((n, [ms]) => n + ms, 0)}`,
        );
    if (overclaims.length > 0) console.log(`state overclaims after a successful step:\n  ${overclaims.join("\n  ")}`);
    if (failures.length > 0) {
        throw new Error(
            `${failures.length} sequence(s) failed (seed ${SEED}; replay one with RELIABILITY_SEED=${SEED} RELIABILITY_ONLY=<sequence>):\n` +
                failures.slice(0, 3).join("\n\n"),
        );
    }
    expect(figures.sequences).toBe(indices.length);
    expect(figures.converged).toBe(figures.convergenceChecks);
    expect(figures.lost + figures.leaked + figures.finalLeaked + figures.othersTouched).toBe(0);
    expect(figures.stateOverclaimsAfterSuccess).toBe(0);
    expect(figures.secretInErrors).toBe(0);
    expect(figures.finalErrorsWithoutRequestId).toBe(0);
    if (ONLY === undefined) {
        expect(figures.sequences).toBeGreaterThanOrEqual(Math.min(SEQUENCES, 200));
        for (const kind of ["move", "rename", "up --replace", "duplicate"]) expect(figures.operations[kind] ?? 0).toBeGreaterThan(0);
        for (const kind of ["throttling", "internalError", "serviceUnavailable", "connectionReset", "busy", "latencyBeyondTimeout"]) {
            expect(figures.faultsInjected[kind] ?? 0).toBeGreaterThan(0);
        }
    }
});
