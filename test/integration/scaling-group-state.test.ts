// A scaling group that waiting will not make Active: disabled (Inactive) fails at once with the fix,
// being deleted (Deleting) counts as gone. The engine steps against the emulator, no engine.
import type { Emulator } from "../../emulator";
import { toEntries } from "../../provider/kinds/vserver-groups/model";
import * as steps from "../../provider/steps";
import {
    attachedOf,
    callCounts,
    emulatorClient,
    entry,
    inputsOf,
    freshPluginProcess,
    seedWith,
    startProviderEmulator,
} from "../../harness/provider-env";

let emulator: Emulator;
const web = entry("lb-0", "rsp-0-0", 80);
const api = entry("lb-0", "rsp-0-1", 81);

const INACTIVE_HINT =
    "the scaling group is Inactive (disabled), which waiting will not change: enable it (EnableScalingGroup, or Enable in the Auto Scaling console), then run the pulumi command again";

/** `action failed: IncorrectScalingGroupStatus: … (RequestId of its one failed attempt); hint`. */
function stateMessage(action: string, hint: string): string {
    const [failed] = emulator.control.calls({ action, ok: false });
    return `${action} failed: IncorrectScalingGroupStatus: The current status of the specified scaling group does not support this action. (RequestId: ${failed.requestId}); ${hint}`;
}

/** Runs a step that must fail; returns its error and how long it took. */
async function failing(step: Promise<unknown>): Promise<{ err: Error & { properties?: { vserverGroups: never[] } }; ms: number }> {
    const started = Date.now();
    const err = await step.then(
        () => {
            throw new Error("the step succeeded");
        },
        (e: unknown) => e as Error,
    );
    return { err, ms: Date.now() - started };
}

/** Creates a resource owning `entries` on asg-1, then puts asg-1 in `state` and clears the call log. */
async function ownedThen(state: "Inactive" | "Deleting", entries = [web]) {
    const created = await steps.create(inputsOf("asg-1", entries));
    emulator.control.updateScalingGroup("asg-1", { lifecycleState: state });
    emulator.control.clearCalls();
    return { id: created.id, outs: created.outs! };
}

beforeAll(async () => {
    // A budget far beyond the bound asserted below: retrying an Inactive group would show.
    emulator = await startProviderEmulator(seedWith(2, 3), { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "60" });
});
afterAll(() => emulator.close());
beforeEach(async () => {
    await freshPluginProcess(); // each test is a new engine run: the provider forgets other resources
    emulator.control.reset();
});

describe("an Inactive (disabled) scaling group is not retried", () => {
    it("destroy: 1 Detach attempt + 1 Describe, then a final error naming Inactive and the fix; nothing detached", async () => {
        const { id, outs } = await ownedThen("Inactive");
        const { err, ms } = await failing(steps.delete(id, outs));
        expect(emulator.control.calls().map((c) => `${c.action} ${c.code ?? "OK"}`)).toEqual([
            "DetachVServerGroups IncorrectScalingGroupStatus",
            "DescribeScalingGroups OK",
        ]);
        expect(err.message).toBe(stateMessage("DetachVServerGroups", INACTIVE_HINT));
        expect(ms).toBeLessThan(5000);
        expect(attachedOf(emulator, "asg-1")).toEqual([web]);
    });

    it("update (attach): 1 Attach attempt, no retry; the error names Inactive and the fix; state keeps what is attached", async () => {
        const { id, outs } = await ownedThen("Inactive");
        const { err, ms } = await failing(steps.update(id, outs, inputsOf("asg-1", [web, api])));
        expect(emulator.control.calls({ action: "AttachVServerGroups" })).toHaveLength(1);
        expect(emulator.control.calls({ action: "DetachVServerGroups" })).toHaveLength(0);
        // The step's own read, the state check right after the refused Attach, the read after the failure.
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 3, AttachVServerGroups: 1 });
        expect(err.message).toBe(stateMessage("AttachVServerGroups", INACTIVE_HINT));
        expect(toEntries(err.properties!.vserverGroups)).toEqual([web]);
        expect(ms).toBeLessThan(5000);
        expect(attachedOf(emulator, "asg-1")).toEqual([web]);
    });

    it("update (detach): 1 Detach attempt and the same message", async () => {
        const { id, outs } = await ownedThen("Inactive", [web, api]);
        const { err } = await failing(steps.update(id, outs, inputsOf("asg-1", [web])));
        expect(emulator.control.calls({ action: "DetachVServerGroups" })).toHaveLength(1);
        expect(err.message).toBe(stateMessage("DetachVServerGroups", INACTIVE_HINT));
        expect(attachedOf(emulator, "asg-1")).toEqual([web, api]);
    });

    it("once enabled again, the same delete detaches", async () => {
        const { id, outs } = await ownedThen("Inactive");
        await failing(steps.delete(id, outs));
        emulator.control.updateScalingGroup("asg-1", { lifecycleState: "Active" });
        await steps.delete(id, outs);
        expect(attachedOf(emulator, "asg-1")).toEqual([]);
    });
});

describe("a scaling group being deleted (Deleting) counts as gone", () => {
    it("delete succeeds; no Detach takes effect (the one attempt is refused, a Describe shows Deleting)", async () => {
        const { id, outs } = await ownedThen("Deleting");
        await expect(steps.delete(id, outs)).resolves.toBeUndefined();
        expect(emulator.control.calls().map((c) => `${c.action} ${c.code ?? "OK"}`)).toEqual([
            "DetachVServerGroups IncorrectScalingGroupStatus",
            "DescribeScalingGroups OK",
        ]);
        expect(emulator.control.calls({ action: "DetachVServerGroups", ok: true })).toHaveLength(0);
    });

    it("read (refresh) drops the resource after 1 Describe", async () => {
        const { id, outs } = await ownedThen("Deleting");
        expect(await steps.read(id, outs)).toEqual({ id: "" });
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1 });
    });

    it("create and update fail clearly after 1 Describe, with no Attach or Detach", async () => {
        const { id, outs } = await ownedThen("Deleting");
        const message = "the scaling group does not exist in region cn-hangzhou or is being deleted; check scalingGroupId and region";
        await expect(steps.create(inputsOf("asg-1", [api]))).rejects.toThrow(message);
        await expect(steps.update(id, outs, inputsOf("asg-1", [web, api]))).rejects.toThrow(message);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 2 });
    });

    it("the client's own Attach on a Deleting group: 1 attempt, then an error that says so", async () => {
        emulator.control.updateScalingGroup("asg-1", { lifecycleState: "Deleting" });
        const client = emulatorClient(emulator, { retry: { totalTimeoutMs: 60_000, baseDelayMs: 10, maxDelayMs: 20 } });
        const { err } = await failing(client.attach("asg-1", [api], false));
        expect(callCounts(emulator)).toEqual({ AttachVServerGroups: 1, DescribeScalingGroups: 1 });
        expect(err.message).toBe(
            stateMessage(
                "AttachVServerGroups",
                "scaling group asg-1 is being deleted (Deleting), which detaches everything from it: point scalingGroupId at a live scaling group",
            ),
        );
    });
});
