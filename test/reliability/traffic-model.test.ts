// Randomized model test of the server-group and load-balancer kinds, provider-level: random
// sequences of desired sets (adds, removals, re-weights, flag flips), out-of-band detaches and
// refreshes, and scaling activities made to fail, applied through the engine steps called directly.
// After every step: state claims exactly what ESS holds of this resource's entries; after a
// successful create/update ESS holds exactly the desired set; with forceAttach the instances are
// behind every attached server group; after the final destroy nothing of ours is attached.
//
//   TRAFFIC_MODEL_SEED=7 TRAFFIC_MODEL_SEQUENCES=200 npx jest test/reliability/traffic-model.test.ts
import type { Emulator } from "../../emulator";
import { prng } from "../../emulator/faults";
import * as sgSteps from "../../provider/server-groups";
import * as lbSteps from "../../provider/load-balancers";
import { itemsOf, type Attachment } from "../../provider/lifecycle/kind";
import { emulatorClient, freshPluginProcess, REGION, startProviderEmulator } from "../../harness/provider-env";

const SEED = Number(process.env.TRAFFIC_MODEL_SEED ?? Date.now() % 100_000);
const SEQUENCES = Number(process.env.TRAFFIC_MODEL_SEQUENCES ?? 25);
const STEPS = 8;
let emulator: Emulator;

const SERVER_GROUPS = [
    { serverGroupId: "sgp-a", type: "ALB", port: 80 },
    { serverGroupId: "sgp-a", type: "ALB", port: 81 },
    { serverGroupId: "sgp-n", type: "NLB", port: 9000 },
    { serverGroupId: "sgp-g", type: "GWLB" },
    { serverGroupId: "sgp-b", type: "ALB", port: 8080 },
    { serverGroupId: "sgp-m", type: "NLB", port: 53 },
];
const LOAD_BALANCERS = ["lb-1", "lb-2", "lb-3", "lb-4", "lb-5", "lb-6"].map((loadBalancerId) => ({ loadBalancerId }));

beforeAll(async () => {
    emulator = await startProviderEmulator({
        scalingGroups: [
            { scalingGroupId: "asg-1", regionId: REGION, instances: ["i-1", "i-2"], serverGroupQuota: 50, loadBalancerQuota: 50 },
        ],
        loadBalancers: LOAD_BALANCERS.map((l) => ({ ...l, regionId: REGION })),
        serverGroups: ["sgp-a", "sgp-n", "sgp-g", "sgp-b", "sgp-m"].map((id) => ({
            serverGroupId: id,
            type: ({ a: "ALB", b: "ALB", n: "NLB", m: "NLB", g: "GWLB" } as const)[id.slice(4) as "a"],
            regionId: REGION,
        })),
    });
    console.log(`traffic model: TRAFFIC_MODEL_SEED=${SEED} TRAFFIC_MODEL_SEQUENCES=${SEQUENCES}`);
});
afterAll(() => emulator.close());

type Kind = "serverGroups" | "loadBalancers";
const stepsOf = { serverGroups: sgSteps, loadBalancers: lbSteps };

function pick(rng: () => number, kind: Kind): Record<string, unknown>[] {
    const pool = kind === "serverGroups" ? SERVER_GROUPS : LOAD_BALANCERS;
    const chosen = pool.filter(() => rng() < 0.5);
    const list = chosen.length > 0 ? chosen : [pool[Math.floor(rng() * pool.length)]];
    return list.map((e) => ("type" in e && e.type === "GWLB" ? { ...e } : { ...e, weight: [10, 50, 90][Math.floor(rng() * 3)] }));
}

/** What ESS holds of this kind, as a canonical output list. */
function held(kind: Kind): unknown[] {
    const g = emulator.control.scalingGroup("asg-1")!;
    if (kind === "loadBalancers") return g.loadBalancerIds.map((id) => ({ loadBalancerId: id, weight: g.loadBalancerWeights[id] }));
    return g.serverGroups.map((a) => (a.type === "GWLB" ? { serverGroupId: a.serverGroupId, type: a.type } : { ...a }));
}
/** A field's entries (the list outputs hold, or the keyed form `check` returns), each as JSON, sorted. */
const sorted = (value: unknown) =>
    itemsOf(value)
        .map((e) => JSON.stringify(e))
        .sort();

describe.each(["serverGroups", "loadBalancers"] as const)("%s", (kind) => {
    it.each(Array.from({ length: SEQUENCES }, (_, i) => [i]))(`sequence %i (seed ${SEED})`, async (seq) => {
        const rng = prng(SEED * 1000 + seq + (kind === "loadBalancers" ? 500 : 0));
        const steps = stepsOf[kind];
        await freshPluginProcess([steps]);
        emulator.control.reset();
        emulator.control.setActivityDelay(0);
        const inputs = (): Attachment =>
            ({
                scalingGroupId: "asg-1",
                region: REGION,
                [kind]: pick(rng, kind),
                forceAttach: rng() < 0.6,
                forceDetach: rng() < 0.6,
            }) as Attachment;
        const checked = async (raw: Attachment) => (await steps.check({}, raw as unknown as Record<string, unknown>)).inputs as Attachment;
        let id = "";
        let state: Attachment | undefined;
        const script: string[] = [];
        for (let step = 0; step < STEPS; step++) {
            await freshPluginProcess([steps]); // each step is a new `pulumi up`
            const fail = rng() < 0.25;
            if (fail)
                emulator.control.failNextActivity({ status: rng() < 0.5 ? "Failed" : "Rejected", statusMessage: `fault in step ${step}` });
            if (state && rng() < 0.2) {
                // Someone detaches one of our entries out of band, and a refresh notices.
                const [victim] = held(kind) as Record<string, unknown>[];
                if (victim) {
                    const params: Record<string, string> =
                        kind === "loadBalancers"
                            ? { "LoadBalancer.1": String(victim.loadBalancerId) }
                            : {
                                  "ServerGroup.1.ServerGroupId": String(victim.serverGroupId),
                                  "ServerGroup.1.Type": String(victim.type),
                                  ...(victim.port ? { "ServerGroup.1.Port": String(victim.port) } : {}),
                              };
                    await emulatorClient(emulator).client.change(
                        kind === "loadBalancers" ? "DetachLoadBalancers" : "DetachServerGroups",
                        "asg-1",
                        params,
                    );
                    state = (await steps.read(id, state)).props as Attachment;
                    script.push("drift+refresh");
                }
            }
            const desired = await checked(inputs());
            const before = held(kind).map((e) => JSON.stringify(e));
            script.push(
                `${state ? "update" : "create"} ${sorted(desired[kind as keyof Attachment]).length} entries force=${desired.forceAttach}/${desired.forceDetach}${fail ? " +failing activity" : ""}`,
            );
            let error: unknown;
            try {
                if (!state) {
                    const r = await steps.create(desired);
                    [id, state] = [r.id, r.outs as Attachment];
                } else {
                    state = (await steps.update(id, state, desired)).outs as Attachment;
                }
            } catch (err) {
                error = err;
            }
            if (error === undefined) {
                expect([script, sorted(held(kind))]).toEqual([script, sorted(desired[kind as keyof Attachment])]);
            } else {
                // A fault injected in this step or an earlier one that started no activity.
                const partial = error as { id?: string; properties?: Attachment; message: string };
                expect([script, partial.message]).toEqual([
                    script,
                    expect.stringMatching(/^scaling activity asa-\S+ .* ended (Failed|Rejected): fault in step \d+$/),
                ]);
                if (partial.properties) [id, state] = [partial.id!, partial.properties];
                else expect([script, state]).toEqual([script, undefined]); // a create that attached nothing
            }
            if (state) expect([script, sorted((state as unknown as Record<string, unknown>)[kind])]).toEqual([script, sorted(held(kind))]);
            if (error === undefined && state && kind === "serverGroups" && state.forceAttach) {
                // What this step attached with ForceAttach has the instances behind it.
                const added = (state as unknown as { serverGroups: { serverGroupId: string; port?: number }[] }).serverGroups.filter(
                    (e) => !before.includes(JSON.stringify(e)),
                );
                for (const e of added) {
                    const ports = emulator.control.backendServers(e.serverGroupId).map((b) => `${b.serverId}:${b.port}`);
                    expect([script, e.serverGroupId, ports]).toEqual([
                        script,
                        e.serverGroupId,
                        expect.arrayContaining([`i-1:${e.port ?? 6081}`, `i-2:${e.port ?? 6081}`]),
                    ]);
                }
            }
        }
        // Faults still pending may fail the destroy's activities: destroy again, as a user would.
        for (let attempt = 0; state && attempt <= STEPS; attempt++) {
            const failed = await steps.delete(id, state).then(
                () => false,
                () => true,
            );
            if (!failed) break;
        }
        expect([script, held(kind)]).toEqual([script, []]);
    });
});
