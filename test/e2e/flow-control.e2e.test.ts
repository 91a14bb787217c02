// At the API's rate limit (issue 23), through the real engine: 50 resources on 10 scaling groups
// while the emulator throttles every action per access key (Throttling.User). The provider process's
// one limiter holds calls back instead of letting every resource retry on its own: every step
// succeeds, and afterwards what the emulator holds and what each resource's state claims agree.
import { startEmulator, type Emulator } from "../../emulator";
import { E2EHarness, type ResourceSpec } from "../../harness/e2e";
import { attachedOf, callCounts, emulatorEnv, entry, REGION } from "../../harness/provider-env";
import { toEntries, toVServerGroups, type Entry, type VServerGroup } from "../../provider/kinds/vserver-groups/model";

jest.setTimeout(900_000);

const GROUPS = 10;
const RESOURCES = 50;
/** Per access key and per action: 5 calls at once, then 5 a second. */
const LIMIT = { rate: 5, burst: 5 };

let emulator: Emulator;
let h: E2EHarness;

const sorted = (entries: Entry[]) => toEntries(toVServerGroups(entries));
const groupOf = (i: number) => `asg-${i % GROUPS}`;
const entryOf = (i: number): Entry => entry(`lb-${i % GROUPS}`, `rsp-${i % GROUPS}-${Math.floor(i / GROUPS)}`, 80 + i);

function program(): ResourceSpec[] {
    return Array.from({ length: RESOURCES }, (_, i) => ({
        name: `r${i}`,
        args: {
            scalingGroupId: groupOf(i),
            vserverGroups: [
                {
                    loadbalancerId: entryOf(i).loadbalancerId,
                    vserverAttributes: [{ vserverGroupId: entryOf(i).vserverGroupId, port: entryOf(i).port }],
                },
            ],
        },
    }));
}

/** The calls of the step, and how many ESS answered with Throttling.User. */
function callsOfStep(): { calls: Record<string, number>; throttled: number } {
    const throttled = emulator.control.calls({ ok: false }).filter((c) => c.code === "Throttling.User");
    expect(emulator.control.calls({ ok: false }).length).toBe(throttled.length); // no other error
    return { calls: callCounts(emulator), throttled: throttled.length };
}

beforeAll(async () => {
    emulator = await startEmulator({
        state: {
            scalingGroups: Array.from({ length: GROUPS }, (_, g) => ({
                scalingGroupId: `asg-${g}`,
                regionId: REGION,
                vServerGroupQuota: 10,
            })),
            loadBalancers: Array.from({ length: GROUPS }, (_, g) => ({
                loadBalancerId: `lb-${g}`,
                regionId: REGION,
                vServerGroups: Array.from({ length: RESOURCES / GROUPS }, (_, n) => `rsp-${g}-${n}`),
            })),
        },
        flowControl: [LIMIT],
    });
    h = await E2EHarness.start();
});
afterAll(async () => {
    await h?.cleanup();
    await emulator?.close();
});

test(`${RESOURCES} resources on ${GROUPS} scaling groups under ${LIMIT.rate} calls/s per action: every step succeeds, state and ESS agree`, async () => {
    const s = await h.stack({ name: "throttled", env: emulatorEnv(emulator, { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "120" }) });

    emulator.control.clearCalls();
    const up = await s.up(program());
    const created = callsOfStep();
    console.log(`up: ${JSON.stringify(created.calls)}, ${created.throttled} answered Throttling.User`);
    expect(up.changeSummary).toEqual({ create: RESOURCES + 1 });
    expect(up.steps.filter((st) => st.status === "failed")).toEqual([]);
    expect(up.output).toMatch(/ESS is throttling \w+ \(Throttling\): holding calls to about [\d.]+ per second/);

    // ESS holds exactly what each resource's state claims.
    const state = await s.export();
    const claimed = new Map<string, Entry[]>();
    for (const r of state.deployment.resources ?? []) {
        if (!r.type.endsWith("ScalingGroupVServerGroups")) continue;
        const outputs = r.outputs as { scalingGroupId: string; vserverGroups: VServerGroup[]; uncertain?: boolean };
        expect(outputs.uncertain).toBeUndefined();
        claimed.set(outputs.scalingGroupId, [...(claimed.get(outputs.scalingGroupId) ?? []), ...toEntries(outputs.vserverGroups)]);
    }
    for (let g = 0; g < GROUPS; g++) {
        const declared = Array.from({ length: RESOURCES }, (_, i) => i).filter((i) => groupOf(i) === `asg-${g}`);
        const expected = sorted(declared.map(entryOf));
        expect(attachedOf(emulator, `asg-${g}`)).toEqual(expected);
        expect(sorted(claimed.get(`asg-${g}`) ?? [])).toEqual(expected);
    }

    emulator.control.clearCalls();
    const destroy = await s.destroy();
    const destroyed = callsOfStep();
    console.log(`destroy: ${JSON.stringify(destroyed.calls)}, ${destroyed.throttled} answered Throttling.User`);
    expect(destroy.steps.filter((st) => st.status === "failed")).toEqual([]);
    for (let g = 0; g < GROUPS; g++) expect(attachedOf(emulator, `asg-${g}`)).toEqual([]);
});
