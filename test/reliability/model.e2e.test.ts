// Model-based randomized reliability test, real-engine mode: the same generator as model.test.ts
// (programs of one to three resources: entry changes, moves with and without dependsOn, renames with
// and without alias, `up --replace`, duplicate declarations), applied with `pulumi up` through the
// e2e harness while the emulator injects faults. After each
// step a fault-free `pulumi refresh` + `pulumi up` must reach the desired state; after the final
// `pulumi destroy` (retried fault-free if it failed) only others' entries remain.
//
// Runs when CI=true or RELIABILITY_ENGINE=1 (each engine op is ~2–3 s, a sequence ~30 s on 2 cores):
//   npm run build && RELIABILITY_ENGINE=1 npx jest test/reliability/model.e2e.test.ts --runInBand
//   RELIABILITY_SEED=5 RELIABILITY_ENGINE_SEQUENCES=20 RELIABILITY_ENGINE_STEPS=3 ...
//   RELIABILITY_SEED=5 RELIABILITY_ENGINE_ONLY=3 ...     replay one sequence of a run
// CI runs 8 sequences (~4 min) with a fresh seed each time, printed first: the provider-level
// model (model.test.ts) covers breadth, this one what only the engine does with the answers.
import { startEmulator, type Emulator } from "../../emulator";
import { toEntries, entryKey } from "../../provider/kinds/vserver-groups/model";
import { E2EHarness, type E2EStack, type ResourceSpec } from "../../harness/e2e";
import {
    addCounts,
    attachedOf,
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
} from "../../harness/reliability-model";
import { firstStack, nextStack, allDesired, describeStack, type StackDesired } from "../../harness/reliability-programs";
import { emulatorEnv } from "../../harness/provider-env";

const ENABLED = process.env.CI === "true" || process.env.RELIABILITY_ENGINE === "1";
const SEED = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEQUENCES = Number(process.env.RELIABILITY_ENGINE_SEQUENCES ?? 8);
const ONLY = process.env.RELIABILITY_ENGINE_ONLY === undefined ? undefined : Number(process.env.RELIABILITY_ENGINE_ONLY);
const MAX_STEPS = Number(process.env.RELIABILITY_ENGINE_STEPS ?? 3);
const READ_TIMEOUT_MS = 500;
// Under faults the provider gets short timeouts, so late answers fall in the window it waits out.
// A fault-free check gets the defaults: a slow machine must not make it fail.
const UNDER_FAULTS = { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "2", ALIBABA_CLOUD_ESS_READ_TIMEOUT: String(READ_TIMEOUT_MS) };
const FAULT_FREE = { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: undefined, ALIBABA_CLOUD_ESS_READ_TIMEOUT: undefined };

jest.setTimeout(3_600_000);

let emulator: Emulator;
let h: E2EHarness;

const program = (p: StackDesired): ResourceSpec[] =>
    p.resources.map((d) => ({
        name: d.name,
        args: JSON.parse(JSON.stringify(d.desired.args)),
        opts: {
            ...(d.dependsOn ? { dependsOn: [d.dependsOn] } : {}),
            ...(d.alias ? { aliases: [{ name: d.alias }] } : {}),
        },
    }));

/** Live resources by name → their entries (one line), how many resources state holds, pending operations. */
async function stateOf(
    s: E2EStack,
): Promise<{ byName: Record<string, string>; resources: number; pending: number; urns: Record<string, string> }> {
    const state = await s.export();
    const resources = (state.deployment.resources ?? []).filter(
        (r) => r.type.includes("ScalingGroupVServerGroups") || r.type.startsWith("pulumi-nodejs:dynamic"),
    );
    const byName: Record<string, string> = {};
    const urns: Record<string, string> = {};
    for (const r of resources.filter((x) => !x.delete)) {
        const name = r.urn.split("::").pop()!;
        urns[name] = r.urn;
        byName[name] = toEntries(((r.outputs ?? {}) as { vserverGroups?: never[] }).vserverGroups ?? [])
            .map((e) => `${entryKey(e)}@${e.weight}`)
            .join(" ");
    }
    return { byName, resources: resources.length, pending: (state.deployment.pending_operations ?? []).length, urns };
}

/** The entries the up's outputs (one per resource) claim that the emulator does not hold. */
function overclaims(outputs: Record<string, { value: unknown }>): string[] {
    const out: string[] = [];
    for (const [name, { value }] of Object.entries(outputs)) {
        const res = value as { scalingGroupId?: string; vserverGroups?: never[] };
        const attached = new Set(attachedOf(emulator, res.scalingGroupId ?? "").map((e) => `${entryKey(e)}@${e.weight}`));
        for (const e of toEntries(res.vserverGroups ?? []))
            if (!attached.has(`${entryKey(e)}@${e.weight}`)) out.push(`${name}:${entryKey(e)}`);
    }
    return out;
}

const wantedByName = (p: StackDesired): Record<string, string> =>
    Object.fromEntries(p.resources.map((d) => [d.name, d.desired.entries.map((e) => `${entryKey(e)}@${e.weight}`).join(" ")]));

const sameRecord = (a: Record<string, string>, b: Record<string, string>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Entries (as the audit names them, `asg:key@weight`) that two or more resources of the program declare. */
function sharedEntries(p: StackDesired): Set<string> {
    const count = new Map<string, number>();
    for (const d of allDesired(p))
        for (const e of d.entries) {
            const k = `${d.scalingGroupId}:${entryKey(e)}@${e.weight}`;
            count.set(k, (count.get(k) ?? 0) + 1);
        }
    return new Set([...count].filter(([, n]) => n > 1).map(([k]) => k));
}

(ENABLED ? test : test.skip)(
    `real engine: ${ONLY === undefined ? SEQUENCES : 1} random sequences under faults converge (set CI=true or RELIABILITY_ENGINE=1 to run)`,
    async () => {
        emulator = await startEmulator({ state: cloudSeed() });
        h = await E2EHarness.start();
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
            orphanedByRetriedDestroy: 0,
            destroyRetried: 0,
            overclaims: 0,
            operations: {} as Record<string, number>,
            engineSteps: {} as Record<string, number>,
            faults: {} as Record<string, number>,
        };
        const failures: string[] = [];
        const started = Date.now();
        process.stderr.write(
            `reliability (real engine): seed ${SEED}, ${ONLY === undefined ? `${SEQUENCES} sequences` : `sequence ${ONLY}`}; replay with ` +
                `RELIABILITY_ENGINE=1 RELIABILITY_SEED=${SEED} [RELIABILITY_ENGINE_ONLY=<sequence>] npx jest test/reliability/model.e2e.test.ts\n`,
        );
        try {
            for (let i = ONLY ?? 0; i < (ONLY === undefined ? SEQUENCES : ONLY + 1); i++) {
                const r = rngFor(SEED, i);
                emulator.control.reset();
                emulator.control.setRandomSeed((SEED + i) >>> 0);
                const tracker = new LatencyTracker(emulator);
                const s = await h.stack({
                    name: `rel-${i}`,
                    env: emulatorEnv(emulator),
                });
                const log: string[] = [];
                const fail = (what: string) =>
                    failures.push(
                        `seed=${SEED} sequence=${i} (replay: RELIABILITY_ENGINE=1 RELIABILITY_SEED=${SEED} RELIABILITY_ENGINE_ONLY=${i}): ${what}\n    ${log.join("\n    ")}`,
                    );
                figures.sequences++;
                let desired = firstStack(r);
                const nSteps = 1 + Math.floor(r() * MAX_STEPS);
                let ok = true;
                for (let step = 0; step < nSteps && ok; step++) {
                    if (step > 0) desired = nextStack(r, desired);
                    const replace = desired.replace.length > 0 ? (await stateOf(s)).urns : {};
                    const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: 0.15 });
                    const since = lastSeq(emulator);
                    injectTracked(emulator, faults, tracker);
                    Object.assign(s.env, UNDER_FAULTS);
                    const up = await s.up(program(desired), {
                        allowFailure: true,
                        options: { replace: desired.replace.map((n) => replace[n]).filter(Boolean) },
                    });
                    Object.assign(s.env, FAULT_FREE);
                    const hits = tracker.hits();
                    emulator.control.clearFaults();
                    await drainDelayed(emulator, since, () => hits);
                    tracker.clear();
                    addCounts(figures.faults, firedFaults(emulator, since));
                    figures.steps++;
                    for (const m of step > 0 ? desired.mutations : []) {
                        const kind = /^(move|rename|up --replace|duplicate|add|remove) /.exec(m)?.[1];
                        if (kind) figures.operations[kind] = (figures.operations[kind] ?? 0) + 1;
                    }
                    addCounts(figures.engineSteps, up.changeSummary ?? {});
                    if (!up.ok) figures.failedSteps++;
                    log.push(
                        `step ${step}: [${desired.mutations.join("; ")}] want ${describeStack(desired)} | faults ${describeFaults(faults)} | up ${up.ok ? "ok" : "failed"}`,
                    );
                    if (up.ok) {
                        // A successful up: what its outputs (state) claim, summed over the resources, is attached.
                        const over = overclaims(up.outputs ?? {});
                        figures.overclaims += over.length;
                        if (over.length > 0) log.push(`  state claims entries not attached: ${over.join(" ")}`);
                    }
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
                    const a = audit(emulator, allDesired(desired));
                    figures.lost += a.lost.length;
                    figures.leaked += a.leaked.length;
                    figures.othersTouched += a.othersTouched.length;
                    const st = await stateOf(s);
                    const stateTrue =
                        sameRecord(st.byName, wantedByName(desired)) && st.resources === desired.resources.length && st.pending === 0;
                    if (!auditClean(a) || !stateTrue) {
                        fail(
                            `step ${step}: not converged: ${JSON.stringify(a)}; state ${JSON.stringify(st.byName)} (${st.resources} resources, ${st.pending} pending)`,
                        );
                        ok = false;
                        break;
                    }
                    figures.converged++;
                }
                const faults = faultsFor(r, { readTimeoutMs: READ_TIMEOUT_MS, persistentRate: 0.15 });
                const since = lastSeq(emulator);
                injectTracked(emulator, faults, tracker);
                Object.assign(s.env, UNDER_FAULTS);
                const d = await s.destroy(undefined, { allowFailure: true });
                Object.assign(s.env, FAULT_FREE);
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
                // After a failed destroy, an entry two resources declared may be left attached by the
                // retried one: the survivor's state still names the resource the failed run deleted
                // (docs/limitations.md). Only such shared entries are excused, and counted apart.
                const documented = d.ok ? new Set<string>() : sharedEntries(desired);
                const beyond = { ...a, leaked: a.leaked.filter((k) => !documented.has(k)) };
                figures.orphanedByRetriedDestroy += a.leaked.length - beyond.leaked.length;
                figures.finalLeaked += beyond.leaked.length;
                figures.othersTouched += a.othersTouched.length;
                if (!auditClean(beyond)) fail(`after destroy: ${JSON.stringify(a)}`);
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
                        "multi-resource operations",
                        Object.entries(figures.operations)
                            .sort()
                            .map(([k, v]) => `${k} ${v}`)
                            .join(", "),
                    ],
                    [
                        "engine steps of those ups",
                        Object.entries(figures.engineSteps)
                            .sort()
                            .map(([k, v]) => `${k} ${v}`)
                            .join(", "),
                    ],
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
                    ["state overclaims after a successful up", figures.overclaims],
                    ["destroys retried / leaked after destroy", `${figures.destroyRetried} / ${figures.finalLeaked}`],
                    ["orphaned by a destroy retried after a failed one (documented limit)", figures.orphanedByRetriedDestroy],
                ]),
        );
        if (failures.length) {
            throw new Error(
                `${failures.length} sequence(s) failed (seed ${SEED}; replay one with RELIABILITY_ENGINE=1 RELIABILITY_SEED=${SEED} ` +
                    `RELIABILITY_ENGINE_ONLY=<sequence>):\n${failures.slice(0, 3).join("\n\n")}`,
            );
        }
        expect(figures.converged).toBe(figures.checks);
        expect(figures.lost + figures.leaked + figures.finalLeaked + figures.othersTouched).toBe(0);
        expect(figures.overclaims).toBe(0);
    },
);
