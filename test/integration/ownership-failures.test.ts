// Ownership when steps fail: orders the engine may pick, with failures, against the guarantee that no
// detach takes an entry another live resource declares and that state claims what ESS holds.
import type { Emulator } from "../../emulator";
import { toEntries, type AttachmentState } from "../../provider/model";
import * as steps from "../../provider/steps";
import { attachedOf, entry, inputsOf, resetProviderClients, seedWith, startProviderEmulator } from "../../harness/provider-env";

let emulator: Emulator;
const X = entry("lb-0", "rsp-0-0", 80);
const Y = entry("lb-0", "rsp-0-1", 81);
// rsp-1-0 belongs to lb-1, not lb-0: check cannot know, AttachVServerGroups fails (InvalidVServerGroupId.ForLoadBalancer).
const BAD = entry("lb-0", "rsp-1-0", 82);

type Res = { id: string; outs: AttachmentState };
const owns = (outs: unknown) => toEntries((outs as AttachmentState).vserverGroups);
const detachCalls = () => emulator.control.calls({ action: "DetachVServerGroups" });

async function nextRun(): Promise<void> {
    await resetProviderClients();
    emulator.control.clearCalls();
}

async function partial(p: Promise<unknown>): Promise<{ id: string; properties: AttachmentState; message: string }> {
    try {
        await p;
    } catch (err) {
        return err as never;
    }
    throw new Error("expected the step to fail");
}

beforeAll(async () => {
    emulator = await startProviderEmulator(seedWith(2, 3));
});
afterAll(() => emulator.close());
beforeEach(async () => {
    emulator.control.reset();
    await nextRun();
});

it("a create that fails with nothing attached declares nothing: another resource's removal of X detaches it", async () => {
    // run 1: a owns X and Y
    const c = await steps.create(inputsOf("asg-1", [X, Y]));
    const a: Res = { id: c.id, outs: c.outs! };
    // run 2: program a [Y], b [X] (new). b's create fails before attaching anything (DescribeScalingGroups errors),
    // a's update was already running (or --continue-on-error): b is not in state.
    await nextRun();
    const aNews = inputsOf("asg-1", [Y]);
    await steps.diff(a.id, a.outs, aNews);
    const fault = emulator.control.addFault({ kind: "serviceUnavailable", actions: ["DescribeScalingGroups"] });
    await expect(steps.create(inputsOf("asg-1", [X]))).rejects.toThrow();
    emulator.control.removeFault(fault);
    const aOut = await steps.update(a.id, a.outs, aNews);
    // a no longer claims X, b is not in state: nothing in the stack declares X, yet ESS holds it.
    expect(owns(aOut.outs)).toEqual([Y]);
    expect(attachedOf(emulator, "asg-1")).toEqual([Y]);
});

it("a failed update does not claim again in state the entry it just handed over to another resource", async () => {
    // run 1: a owns X and Y
    const c = await steps.create(inputsOf("asg-1", [X, Y]));
    const a: Res = { id: c.id, outs: c.outs! };
    // run 2: X moves from a to a new resource b (same scaling group); a also gets a bad entry
    await nextRun();
    const b = await steps.create(inputsOf("asg-1", [X])); // adopts X
    const aNews = inputsOf("asg-1", [Y, BAD]);
    await steps.diff(a.id, a.outs, aNews);
    const failed = await partial(steps.update(a.id, a.outs, aNews));
    expect(owns(b.outs)).toEqual([X]);
    // a handed X over (it said so); its state should not claim X again
    expect(owns(failed.properties)).toEqual([Y]);
});

it("a resource being replaced onto another scaling group still declares its entries on the old one until its delete", async () => {
    // run 1: a [X] and b [X, Y] on asg-1 (X declared twice)
    const ca = await steps.create(inputsOf("asg-1", [X]));
    const cb = await steps.create(inputsOf("asg-1", [X, Y]));
    const a: Res = { id: ca.id, outs: ca.outs! };
    const b: Res = { id: cb.id, outs: cb.outs! };
    // run 2: a moves to asg-2 (a replacement), b drops X. a registers first; b's update runs before a's replacement
    await nextRun();
    const aNews = inputsOf("asg-2", [X]);
    expect((await steps.diff(a.id, a.outs, aNews)).replaces).toEqual(["scalingGroupId"]);
    const bNews = inputsOf("asg-1", [Y]);
    await steps.diff(b.id, b.outs, bNews);
    await steps.update(b.id, b.outs, bNews);
    // a is live (in state on asg-1, declaring X) until its replacement is created and it is deleted;
    // if the replacement's create fails, a stays, and its state claims X.
    expect(detachCalls()).toEqual([]);
    expect(attachedOf(emulator, "asg-1")).toEqual([X, Y]);
});
