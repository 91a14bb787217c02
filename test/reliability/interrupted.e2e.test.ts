// `pulumi up` killed with SIGKILL in the middle of an update that has both detaches and attaches
// to do, then the recovery a user runs. Nothing lost (every desired entry attached), nothing
// leaked (removed entries detached), others' entries untouched.
import { startEmulator, type Emulator } from "../../emulator";
import type { Entry, VServerGroup } from "../../provider/kinds/vserver-groups/model";
import { E2EHarness, type E2EStack, type ResourceSpec } from "../../harness/e2e";
import { attachedOf, emulatorClient, emulatorEnv } from "../../harness/provider-env";
import { until } from "../../harness/until";

jest.setTimeout(600_000);

const REGION = "cn-hangzhou";
let emulator: Emulator;
let h: E2EHarness;
const other: Entry = { loadbalancerId: "lb-other", vserverGroupId: "rsp-other", port: 7000, weight: 20 };

const before: VServerGroup[] = [
    {
        loadbalancerId: "lb-web",
        vserverAttributes: [
            { vserverGroupId: "rsp-web-80", port: 80 },
            { vserverGroupId: "rsp-web-443", port: 443 },
        ],
    },
    { loadbalancerId: "lb-api", vserverAttributes: [{ vserverGroupId: "rsp-api-8080", port: 8080, weight: 30 }] },
];
// Removes rsp-web-443, re-weights rsp-api-8080 (detach + attach), adds rsp-web-8443 and rsp-api-9090.
const after: VServerGroup[] = [
    {
        loadbalancerId: "lb-web",
        vserverAttributes: [
            { vserverGroupId: "rsp-web-80", port: 80 },
            { vserverGroupId: "rsp-web-8443", port: 8443 },
        ],
    },
    {
        loadbalancerId: "lb-api",
        vserverAttributes: [
            { vserverGroupId: "rsp-api-8080", port: 8080, weight: 90 },
            { vserverGroupId: "rsp-api-9090", port: 9090 },
        ],
    },
];

const program = (groups: VServerGroup[]): ResourceSpec[] => [
    {
        name: "att",
        args: JSON.parse(JSON.stringify({ scalingGroupId: "asg-a", vserverGroups: groups, forceAttach: true, forceDetach: true })),
    },
];

function attached(): Entry[] {
    return attachedOf(emulator, "asg-a");
}

beforeAll(async () => {
    emulator = await startEmulator({
        state: {
            scalingGroups: [{ scalingGroupId: "asg-a", regionId: REGION, instances: ["i-1", "i-2"], vServerGroupQuota: 10 }],
            loadBalancers: [
                { loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80", "rsp-web-443", "rsp-web-8443"] },
                { loadBalancerId: "lb-api", regionId: REGION, vServerGroups: ["rsp-api-8080", "rsp-api-9090"] },
                { loadBalancerId: "lb-other", regionId: REGION, vServerGroups: ["rsp-other"] },
            ],
        },
    });
    h = await E2EHarness.start();
});
afterAll(async () => {
    await h?.cleanup();
    await emulator?.close();
});

async function killedMidUpdate(name: string): Promise<E2EStack> {
    emulator.control.reset();
    await emulatorClient(emulator).attach("asg-a", [other], false);
    const s = await h.stack({
        name,
        env: emulatorEnv(emulator),
    });
    await s.up(program(before));
    emulator.control.clearCalls();
    // The emulator holds the Detach: the update is certainly between its Detach and its Attach when we
    // kill it (it waits for the answer longer than this test runs, so it cannot give up and go on).
    const detach = emulator.control.hold("DetachVServerGroups");
    s.env.ALIBABA_CLOUD_ESS_READ_TIMEOUT = "3600000";
    const op = s.upKillable(program(after));
    await Promise.race([
        detach.arrived,
        op.done.then((r) => Promise.reject(new Error(`the update ended before its Detach arrived:\n${r.output}`))),
    ]);
    op.kill();
    const result = await op.done;
    expect(result.killed).toBe(true);
    delete s.env.ALIBABA_CLOUD_ESS_READ_TIMEOUT;
    detach.release(); // the Detach had reached ESS: it is processed though its client is gone
    await until(() => emulator.control.calls({ action: "DetachVServerGroups" }).length > 0, "the held Detach to be processed");
    const calls = emulator.control.calls().map((c) => c.action);
    expect(calls).toContain("DetachVServerGroups");
    expect(calls).not.toContain("AttachVServerGroups"); // killed between the detach and the attach
    return s;
}

function expectConverged(): void {
    expect(attached()).toEqual([
        { loadbalancerId: "lb-api", vserverGroupId: "rsp-api-8080", port: 8080, weight: 90 },
        { loadbalancerId: "lb-api", vserverGroupId: "rsp-api-9090", port: 9090, weight: 50 },
        other,
        { loadbalancerId: "lb-web", vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
        { loadbalancerId: "lb-web", vserverGroupId: "rsp-web-8443", port: 8443, weight: 50 },
    ]);
}

test("kill -9 mid-update, then the README's path: pulumi cancel; pulumi refresh --clear-pending-creates --yes; pulumi up", async () => {
    const s = await killedMidUpdate("kill-readme");
    // 1. `pulumi cancel` (the dead update left the stack locked? with the file backend the lock is the update's own file)
    const cancel = await s.cancel();
    console.log(
        `after kill: pulumi cancel ok=${cancel.ok} ${cancel.ok ? "" : (cancel.errorMessage ?? "").split("\n").slice(0, 3).join(" | ")}`,
    );
    const pendingBefore = (await s.export()).deployment.pending_operations ?? [];
    // 2. `pulumi refresh --clear-pending-creates --yes`
    const refresh = await s.refresh(undefined, { options: { clearPendingCreates: true }, allowFailure: true });
    console.log(
        `pending operations after the kill: ${JSON.stringify(pendingBefore.map((p) => p.type))}; refresh --clear-pending-creates ok=${refresh.ok}${
            refresh.ok
                ? ""
                : `: ${(refresh.errorMessage ?? "")
                      .split("\n")
                      .filter((l) => /error|pending/i.test(l))
                      .slice(0, 4)
                      .join(" | ")}`
        }`,
    );
    expect(refresh.ok).toBe(true);
    expect((await s.export()).deployment.pending_operations ?? []).toEqual([]);
    // 3. `pulumi up`
    const up = await s.up(program(after));
    expect(up.ok).toBe(true);
    expectConverged();
    await s.destroy();
    expect(attached()).toEqual([other]);
});

test("kill -9 mid-update, then the harness' recoverAfterKill (cancel, drop pending operations by export/import, refresh) + up", async () => {
    const s = await killedMidUpdate("kill-harness");
    const pending = await s.recoverAfterKill();
    console.log(
        `recoverAfterKill dropped pending operations: ${JSON.stringify(pending.map((p) => `${p.type} ${p.resource.urn.split("::").pop()}`))}`,
    );
    await s.up(program(after));
    expectConverged();
    await s.destroy();
    expect(attached()).toEqual([other]);
});
