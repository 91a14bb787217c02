// Ownership when steps fail: orders the engine may pick, with failures, against the guarantee that no
// detach takes an entry another live resource declares and that state claims what ESS holds.
import type { Emulator } from "../../emulator";
import { toEntries, type AttachmentState } from "../../provider/kinds/vserver-groups/model";
import * as steps from "../../provider/steps";
import { attachedOf, entry, inputsOf, freshPluginProcess, seedWith, startProviderEmulator } from "../../harness/provider-env";

let emulator: Emulator;
const X = entry("lb-0", "rsp-0-0", 80);
const Y = entry("lb-0", "rsp-0-1", 81);
// rsp-1-0 belongs to lb-1, not lb-0: check cannot know, AttachVServerGroups fails (InvalidVServerGroupId.ForLoadBalancer).
const BAD = entry("lb-0", "rsp-1-0", 82);

type Res = { id: string; outs: AttachmentState };
const owns = (outs: unknown) => toEntries((outs as AttachmentState).vserverGroups);
const detachCalls = () => emulator.control.calls({ action: "DetachVServerGroups" });

async function nextRun(): Promise<void> {
    await freshPluginProcess();
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

describe("however the engine runs (issue 20)", () => {
    it("a second provider text configured mid-run (an older release's state) forgets nothing: its delete leaves the new resource's entries", async () => {
        const old = await steps.create(inputsOf("asg-1", [X, Y]));
        await nextRun();
        const renamed = await steps.create(inputsOf("asg-1", [X, Y]));
        await steps.configure({ config: { get: () => undefined, require: () => "" } }); // the old text's provider
        await steps.delete(old.id, old.outs!);
        expect(detachCalls()).toEqual([]);
        expect(attachedOf(emulator, "asg-1")).toEqual([X, Y]);
        expect(owns(renamed.outs)).toEqual([X, Y]);
    });

    it("a `get` resource's refresh claims nothing: a managed resource that lets X go detaches it", async () => {
        const web = await steps.create(inputsOf("asg-1", [X, Y]));
        const seen = await steps.read("asg-1", {});
        expect([seen.id, owns(seen.props), (seen.props as { managed?: boolean }).managed]).toEqual(["asg-1", [X, Y], false]);
        await nextRun();
        await steps.read("asg-1", seen.props!); // refresh of the get resource: its state has every entry
        await steps.update(web.id, web.outs!, inputsOf("asg-1", [Y]));
        expect(detachCalls()).toHaveLength(1);
        expect(attachedOf(emulator, "asg-1")).toEqual([Y]);
    });

    it("entries the program says another resource declares are left attached in targeted runs, and a full destroy detaches them once", async () => {
        const XK = "lb-0/rsp-0-0/80";
        // A [X, Y] and B [X]: each is told the other declares X, and state keeps it.
        const a = await steps.create({ ...inputsOf("asg-1", [X, Y]), resourceName: "A", declaredByOthers: { [XK]: ["B"] } });
        const b = await steps.create({ ...inputsOf("asg-1", [X]), resourceName: "B", declaredByOthers: { [XK]: ["A"] } });
        expect([a.outs!.declaredByOthers, b.outs!.declaredByOthers]).toEqual([{ [XK]: ["B"] }, { [XK]: ["A"] }]);
        await nextRun(); // `up --target B` after B left the program: its delete gets only its state, which says A declares X
        await steps.delete(b.id, b.outs!);
        expect([detachCalls(), attachedOf(emulator, "asg-1")]).toEqual([[], [X, Y]]);
        await nextRun(); // `up --target A` with A [Y], B gone from the program: nobody else declares X
        const { outs } = await steps.update(a.id, a.outs!, { ...inputsOf("asg-1", [Y]), resourceName: "A", declaredByOthers: {} });
        expect([attachedOf(emulator, "asg-1"), owns(outs), outs!.declaredByOthers]).toEqual([[Y], [Y], undefined]);
        await steps.delete(a.id, outs!);
        await nextRun(); // `pulumi destroy` of A [X, Y] and B [X], in either order: X is detached by the second
        const a2 = await steps.create({ ...inputsOf("asg-1", [X, Y]), resourceName: "A", declaredByOthers: { [XK]: ["B"] } });
        const b2 = await steps.create({ ...inputsOf("asg-1", [X]), resourceName: "B", declaredByOthers: { [XK]: ["A"] } });
        await nextRun();
        await steps.delete(a2.id, a2.outs!);
        expect(attachedOf(emulator, "asg-1")).toEqual([X]);
        await steps.delete(b2.id, b2.outs!);
        expect(attachedOf(emulator, "asg-1")).toEqual([]);
    });

    it("a destroy retried after a failed one cannot tell a stale record from `destroy --target B`: it leaves X, and names whom it trusts", async () => {
        const XK = "lb-0/rsp-0-0/80";
        const lines: string[] = [];
        const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
        process.env.ESS_VSERVER_GROUPS_QUIET = "0";
        try {
            // The same process, the same call, the same state: both runs must give the same answer.
            const deleteBAfterADeleted = async (aDeletedEarlier: boolean) => {
                emulator.control.reset();
                await nextRun();
                const a = await steps.create({ ...inputsOf("asg-1", [X, Y]), resourceName: "A", declaredByOthers: { [XK]: ["B"] } });
                const b = await steps.create({ ...inputsOf("asg-1", [X]), resourceName: "B", declaredByOthers: { [XK]: ["A"] } });
                if (aDeletedEarlier) {
                    await nextRun(); // the failed `pulumi destroy`: A's delete leaves X to B, then B's delete fails (not called)
                    await steps.delete(a.id, a.outs!);
                }
                await nextRun(); // the retried `pulumi destroy` (A gone), or `pulumi destroy --target B` (A alive)
                lines.length = 0;
                await steps.delete(b.id, b.outs!);
                return {
                    attached: attachedOf(emulator, "asg-1"),
                    detaches: detachCalls().length,
                    said: lines.filter((l) => l.includes("leaving")),
                };
            };
            const leaving = [
                "ess-vserver-groups: leaving 1 VServer group attached to the scaling group (rsp-0-0:80): another resource of this stack declares them (A)\n",
            ];
            expect(await deleteBAfterADeleted(false)).toEqual({ attached: [X, Y], detaches: 0, said: leaving }); // right: A declares X
            expect(await deleteBAfterADeleted(true)).toEqual({ attached: [X], detaches: 0, said: leaving }); // X orphaned: the documented limit
        } finally {
            process.env.ESS_VSERVER_GROUPS_QUIET = "1";
            spy.mockRestore();
        }
    });

    it("state written before names were recorded gets them in an update with no API call", async () => {
        const old = await steps.create(inputsOf("asg-1", [X])); // as a release without resourceName wrote it
        await nextRun();
        const news = { ...inputsOf("asg-1", [X]), resourceName: "web", declaredByOthers: { "lb-0/rsp-0-0/80": ["api"] } };
        expect((await steps.diff(old.id, old.outs!, news)).changes).toBe(true);
        const { outs } = await steps.update(old.id, old.outs!, news);
        expect(emulator.control.calls()).toEqual([]);
        expect([outs!.resourceName, outs!.declaredByOthers]).toEqual(["web", { "lb-0/rsp-0-0/80": ["api"] }]);
        expect((await steps.diff(old.id, outs!, news)).changes).toBe(false);
    });

    it("a re-weight and a bad new entry in one update: the re-weighted entry goes back in a call of its own", async () => {
        const a = await steps.create(inputsOf("asg-1", [X]));
        await nextRun();
        const failed = await partial(steps.update(a.id, a.outs!, inputsOf("asg-1", [{ ...X, weight: 60 }, BAD])));
        expect(failed.message).toMatch(/InvalidVServerGroupId.ForLoadBalancer/);
        expect(emulator.control.calls({ action: "AttachVServerGroups" }).map((c) => c.code)).toEqual([
            undefined,
            "InvalidVServerGroupId.ForLoadBalancer",
        ]);
        expect([attachedOf(emulator, "asg-1"), owns(failed.properties)]).toEqual([[{ ...X, weight: 60 }], [{ ...X, weight: 60 }]]);
    });

    it("an entry another resource just detached with ForceDetach=true goes back with its instances, whatever forceAttach says", async () => {
        // b is built from a's outputs (or in an apply), so a's declaredByOthers cannot name it.
        const a = await steps.create(inputsOf("asg-1", [X, Y], { forceAttach: true, forceDetach: true }));
        const b = await steps.create(inputsOf("asg-1", [X]));
        const backends = () => emulator.control.backendServers("rsp-0-0").map((s) => s.serverId);
        expect(backends()).toEqual(["i-1", "i-2"]);
        await nextRun();
        await steps.update(a.id, a.outs!, inputsOf("asg-1", [Y], { forceAttach: true, forceDetach: true }));
        expect([attachedOf(emulator, "asg-1"), backends()]).toEqual([[Y], []]);
        const diff = await steps.diff(b.id, b.outs!, inputsOf("asg-1", [X]));
        expect(diff.changes).toBe(true); // the repair
        await steps.update(b.id, b.outs!, inputsOf("asg-1", [X]));
        const [attach] = emulator.control.calls({ action: "AttachVServerGroups" }).map((c) => c.params.ForceAttach);
        expect([attach, attachedOf(emulator, "asg-1"), backends()]).toEqual(["true", [X, Y], ["i-1", "i-2"]]);
    });

    it("a step whose outcome is uncertain marks state, and the next `up` re-reads and converges instead of trusting it", async () => {
        const a = await steps.create(inputsOf("asg-1", [X]));
        process.env.ALIBABA_CLOUD_ESS_RETRY_TIMEOUT = "1"; // every attempt fails: spend the budget quickly
        await nextRun();
        emulator.control.addFault({ kind: "internalError", actions: ["AttachVServerGroups", "DescribeScalingGroups"] });
        // The step's own Describe fails too: the update fails before any Attach with nothing uncertain.
        const early = await partial(steps.update(a.id, a.outs!, inputsOf("asg-1", [X, Y])));
        expect(early.message).toMatch(/DescribeScalingGroups failed: InternalError/);
        emulator.control.clearFaults();
        emulator.control.addFault({ kind: "internalError", actions: ["AttachVServerGroups"] });
        const hold = emulator.control.hold("AttachVServerGroups");
        const failing = partial(steps.update(a.id, a.outs!, inputsOf("asg-1", [X, Y])));
        await hold.arrived;
        emulator.control.addFault({ kind: "internalError", actions: ["DescribeScalingGroups"] });
        hold.release();
        const failed = await failing;
        expect([owns(failed.properties), failed.properties.uncertain]).toEqual([[X, Y], true]);
        emulator.control.clearFaults();
        process.env.ALIBABA_CLOUD_ESS_RETRY_TIMEOUT = "5";
        await nextRun();
        expect((await steps.diff(a.id, failed.properties, inputsOf("asg-1", [X, Y]))).changes).toBe(true);
        const { outs } = await steps.update(a.id, failed.properties, inputsOf("asg-1", [X, Y]));
        expect(emulator.control.calls().map((c) => c.action)).toEqual(["DescribeScalingGroups", "AttachVServerGroups"]);
        expect([owns(outs), outs!.uncertain]).toEqual([[X, Y], undefined]);
        expect(attachedOf(emulator, "asg-1")).toEqual([X, Y]);
    });
});
