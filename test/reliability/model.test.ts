// Model-based randomized reliability test, provider-level mode: random sequences of desired entry
// sets applied through the provider's engine steps (check/diff/create/update/read/delete, called
// directly, with a small model of what the Pulumi engine does with their results) while random
// faults are injected into the emulator. After every step, failed or not, a fault-free refresh +
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
import * as steps from "../../provider/steps";
import { toEntries, entryKey, type Entry } from "../../provider/model";
import { resetProviderClients, startProviderEmulator } from "../../harness/provider-env";
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
    rngFor,
    table,
    attachedOf,
    type Desired,
} from "../../harness/reliability-model";

jest.setTimeout(900_000);

const SEED = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEQUENCES = Number(process.env.RELIABILITY_SEQUENCES ?? 200);
const ONLY = process.env.RELIABILITY_ONLY === undefined ? undefined : Number(process.env.RELIABILITY_ONLY);
const MAX_STEPS = Number(process.env.RELIABILITY_STEPS ?? 4);
const READ_TIMEOUT_MS = Number(process.env.RELIABILITY_READ_TIMEOUT_MS ?? 150);
const RETRY_TIMEOUT_S = "1";
const PERSISTENT_RATE = Number(process.env.RELIABILITY_PERSISTENT_RATE ?? 0.05);
const FAULTY_STEP_RATE = Number(process.env.RELIABILITY_FAULTY_STEP_RATE ?? 0.5);

type Res = { id: string; outs: Record<string, unknown> };
type Outcome = "ok" | "no-op" | "partial" | "failed";

function entriesOf(res: Res): Entry[] {
    return toEntries((res.outs.vserverGroups ?? []) as never);
}

/**
 * What the Pulumi engine does with the provider's answers, for one resource "att":
 * - pending deletes (old resources of a replace whose delete failed) are deleted first;
 * - no resource → create; a replace (diff.replaces) → create the new one, then delete the old;
 * - a thrown error with id + properties (ErrorResourceInitFailed) records those properties
 *   (a create: the resource exists with them; a replacement: the old one becomes pending delete);
 * - a plain error leaves the state as it was.
 */
class EngineModel {
    current: Res | undefined;
    pendingDeletes: Res[] = [];
    readonly errors: string[] = [];

    private fail(err: unknown): void {
        this.errors.push(err instanceof Error ? err.message : String(err));
    }

    private async create(inputs: Record<string, unknown>): Promise<{ res?: Res; ok: boolean }> {
        try {
            const r = await steps.create(inputs as never);
            return { res: { id: r.id, outs: r.outs as never }, ok: true };
        } catch (err) {
            this.fail(err);
            const e = err as { id?: string; properties?: Record<string, unknown> };
            return e.id && e.properties ? { res: { id: e.id, outs: e.properties }, ok: false } : { ok: false };
        }
    }

    async up(desired: Desired): Promise<Outcome> {
        await resetProviderClients(); // each engine run configures a fresh provider process
        for (const pd of [...this.pendingDeletes]) {
            try {
                await steps.delete(pd.id, pd.outs as never);
                this.pendingDeletes = this.pendingDeletes.filter((x) => x !== pd);
            } catch (err) {
                this.fail(err);
                return "failed";
            }
        }
        const checked = await steps.check(this.current?.outs ?? {}, JSON.parse(JSON.stringify(desired.args)));
        if (!checked.inputs) throw new Error(`generator produced invalid inputs: ${JSON.stringify(checked.failures)}`);
        const inputs = checked.inputs as unknown as Record<string, unknown>;
        if (!this.current) {
            const { res, ok } = await this.create(inputs);
            this.current = res;
            return ok ? "ok" : res ? "partial" : "failed";
        }
        const d = await steps.diff(this.current.id, this.current.outs as never, inputs as never);
        if (!d.changes) return "no-op";
        if ((d.replaces ?? []).length > 0) {
            const old = this.current;
            const { res, ok } = await this.create(inputs);
            if (!res) return "failed";
            this.current = res;
            if (!ok) {
                this.pendingDeletes.push(old);
                return "partial";
            }
            try {
                await steps.delete(old.id, old.outs as never);
            } catch (err) {
                this.fail(err);
                this.pendingDeletes.push(old);
                return "failed";
            }
            return "ok";
        }
        try {
            const r = await steps.update(this.current.id, this.current.outs as never, inputs as never);
            this.current = { id: this.current.id, outs: r.outs as never };
            return "ok";
        } catch (err) {
            this.fail(err);
            const e = err as { id?: string; properties?: Record<string, unknown> };
            if (e.id && e.properties) {
                this.current = { id: e.id, outs: e.properties };
                return "partial";
            }
            return "failed";
        }
    }

    /** `pulumi refresh`: read every resource in the state; id "" means it is gone. */
    async refresh(): Promise<void> {
        await resetProviderClients();
        const readOne = async (r: Res): Promise<Res | undefined> => {
            const out = await steps.read(r.id, r.outs as never);
            return out.id ? { id: out.id, outs: out.props as never } : undefined;
        };
        if (this.current) this.current = await readOne(this.current);
        const kept: Res[] = [];
        for (const pd of this.pendingDeletes) {
            const r = await readOne(pd);
            if (r) kept.push(r);
        }
        this.pendingDeletes = kept;
    }

    /** `pulumi destroy`. */
    async destroy(): Promise<boolean> {
        await resetProviderClients();
        for (const r of [...this.pendingDeletes, ...(this.current ? [this.current] : [])]) {
            try {
                await steps.delete(r.id, r.outs as never);
                if (r === this.current) this.current = undefined;
                else this.pendingDeletes = this.pendingDeletes.filter((x) => x !== r);
            } catch (err) {
                this.fail(err);
                return false;
            }
        }
        return true;
    }
}

interface Figures {
    sequences: number;
    steps: number;
    outcomes: Record<Outcome, number>;
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

async function runSequence(index: number): Promise<void> {
    const r = rngFor(SEED, index);
    emulator.control.reset();
    emulator.control.setRandomSeed((SEED + index) >>> 0);
    const tracker = new LatencyTracker(emulator);
    const model = new EngineModel();
    const log: string[] = [];
    const nSteps = 1 + Math.floor(r() * MAX_STEPS);
    let desired = firstDesired(r);
    const fail = (what: string) => {
        failures.push(
            `seed=${SEED} sequence=${index} (replay: RELIABILITY_SEED=${SEED} RELIABILITY_ONLY=${index}): ${what}\n    steps:\n      ${log.join("\n      ")}\n    errors:\n      ${model.errors.slice(-6).join("\n      ")}`,
        );
    };
    figures.sequences++;
    for (let s = 0; s < nSteps; s++) {
        if (s > 0) desired = nextDesired(r, desired);
        const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: PERSISTENT_RATE, faultyStepRate: FAULTY_STEP_RATE });
        figures.faultSpecs += faults.length;
        const since = lastSeq(emulator);
        const errorsBefore = model.errors.length;
        injectTracked(emulator, faults, tracker);
        const t0 = Date.now();
        const outcome = await model.up(desired);
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
            `step ${s}: [${desired.mutations.join("; ")}] on ${desired.scalingGroupId} want ${desired.entries.map((e) => `${entryKey(e)}@${e.weight}`).join(" ")} fa=${desired.forceAttach} fd=${desired.forceDetach} | faults ${describeFaults(faults)} | ${outcome}`,
        );
        if (outcome === "ok" && model.current) {
            // A step that reported success must not leave state claiming an entry that is not attached.
            const attached = new Set(attachedOf(emulator, desired.scalingGroupId).map((e) => `${entryKey(e)}@${e.weight}`));
            if (entriesOf(model.current).some((e) => !attached.has(`${entryKey(e)}@${e.weight}`))) {
                figures.stateOverclaimsAfterSuccess++;
                log.push(`  note: state after a successful step claims entries not attached`);
                overclaims.push(
                    `seed=${SEED} sequence=${index} step ${s}: state ${entriesOf(model.current)
                        .map((e) => `${entryKey(e)}@${e.weight}`)
                        .join(" ")} vs attached ${[...attached].join(" ")}; calls: ${emulator.control
                        .calls()
                        .filter((c) => c.seq > since)
                        .map((c) => `${c.action}${c.latencyMs ? `(+${c.latencyMs}ms)` : ""}:${c.code ?? c.status}`)
                        .join(", ")}`,
                );
            }
        }

        // Fault-free refresh + apply must converge.
        figures.convergenceChecks++;
        try {
            await model.refresh();
            const again = await model.up(desired);
            if (again === "failed" || again === "partial")
                throw new Error(`fault-free apply ${again}: ${model.errors[model.errors.length - 1]}`);
        } catch (err) {
            fail(`step ${s}: fault-free refresh + apply threw: ${(err as Error).message}`);
            return;
        }
        const a = audit(emulator, desired);
        figures.lost += a.lost.length;
        figures.leaked += a.leaked.length;
        figures.othersTouched += a.othersTouched.length;
        const stateEntries = model.current ? entriesOf(model.current) : [];
        const stateTrue = JSON.stringify(stateEntries) === JSON.stringify(desired.entries) && model.pendingDeletes.length === 0;
        if (!auditClean(a) || !stateTrue) {
            fail(
                `step ${s}: not converged: ${JSON.stringify(a)}; state holds ${stateEntries.map(entryKey).join(" ")} (+${model.pendingDeletes.length} pending deletes)`,
            );
            return;
        }
        figures.converged++;
    }

    // Final destroy, with faults; if it fails, the user runs refresh + destroy again without faults.
    const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: PERSISTENT_RATE, faultyStepRate: FAULTY_STEP_RATE });
    const since = lastSeq(emulator);
    injectTracked(emulator, faults, tracker);
    const destroyed = await model.destroy();
    const hits = tracker.hits();
    emulator.control.clearFaults();
    await drainDelayed(emulator, since, () => hits);
    addCounts(figures.faultsInjected, firedFaults(emulator, since));
    log.push(`destroy | faults ${describeFaults(faults)} | ${destroyed ? "ok" : "failed"}`);
    if (!destroyed) {
        figures.destroyRetried++;
        try {
            await model.refresh();
            if (!(await model.destroy())) throw new Error(model.errors[model.errors.length - 1]);
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
    if (failures.length > 0) throw new Error(`${failures.length} sequence(s) failed (seed ${SEED}):\n${failures.slice(0, 3).join("\n\n")}`);
    expect(figures.sequences).toBe(indices.length);
    expect(figures.converged).toBe(figures.convergenceChecks);
    expect(figures.lost + figures.leaked + figures.finalLeaked + figures.othersTouched).toBe(0);
    expect(figures.stateOverclaimsAfterSuccess).toBe(0);
    expect(figures.secretInErrors).toBe(0);
    expect(figures.finalErrorsWithoutRequestId).toBe(0);
    if (ONLY === undefined) {
        expect(figures.sequences).toBeGreaterThanOrEqual(Math.min(SEQUENCES, 200));
        for (const kind of ["throttling", "internalError", "serviceUnavailable", "connectionReset", "busy", "latencyBeyondTimeout"]) {
            expect(figures.faultsInjected[kind] ?? 0).toBeGreaterThan(0);
        }
    }
});
