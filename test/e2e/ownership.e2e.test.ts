// Ownership across resources of one stack, through the real engine (issue 10): renames, `up
// --replace`, moves between resources and duplicate declarations never leave an entry detached while
// state says it is attached. After every step each test checks what the emulator holds, what state
// claims (stack export, per resource) and which calls the step made; the calls are printed at the end.
import { startEmulator, type Emulator } from "../../emulator";
import { E2EHarness, type E2EStack } from "../../harness/e2e";
import { attachment, claims, OTHER, ownershipSeed, outputClaims, OwnershipBed } from "../../harness/e2e/ownership";
import { emulatorClient, emulatorEnv, entry } from "../../harness/provider-env";

jest.setTimeout(900_000);

let emulator: Emulator;
let bed: OwnershipBed;
let h: E2EHarness;

const X = entry("lb-0", "rsp-0-0", 80);
const Y = entry("lb-0", "rsp-0-1", 81);
const Z = entry("lb-1", "rsp-1-0", 82);

const step: OwnershipBed["step"] = (label, run) => bed.step(label, run);
const attached = () => bed.attached();
const destroyed = (s: E2EStack) => bed.destroyed(s);

async function newStack(name: string): Promise<E2EStack> {
    return h.stack({
        name,
        env: emulatorEnv(emulator, { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "20" }),
    });
}

beforeAll(async () => {
    emulator = await startEmulator({ state: ownershipSeed() });
    bed = new OwnershipBed(emulator);
    h = await E2EHarness.start();
});
afterAll(async () => {
    bed?.print();
    await h?.cleanup();
    await emulator?.close();
});
beforeEach(async () => {
    emulator.control.reset();
    await emulatorClient(emulator).attach("asg-1", [OTHER], false);
    bed.callLog.push(`--- ${expect.getState().currentTestName}`);
});
afterEach(() => {
    expect(attached()).toContainEqual(OTHER);
});

test("rename without alias: the new resource adopts, the old one's delete leaves everything attached", async () => {
    const s = await newStack("rename");
    await step("up web [X, Y]", () => s.up([attachment("web", [X, Y])]));
    expect(await claims(s)).toEqual({ web: [X, Y] });
    const { result, calls } = await step("up web2 [X, Y] (no alias)", () => s.up([attachment("web2", [X, Y])]));
    expect(result.changeSummary).toEqual({ same: 1, create: 1, delete: 1 });
    expect(calls).toEqual({ DescribeScalingGroups: 1 });
    expect(attached()).toEqual([X, Y, OTHER]);
    expect(await claims(s)).toEqual({ web2: [X, Y] });
    expect(result.output).toMatch(
        /leaving 2 VServer groups attached to the scaling group \(rsp-0-0:80, rsp-0-1:81\): another resource of this stack declares them/,
    );
    await destroyed(s);
});

test("rename with alias: the engine keeps the resource; the state records the new name, with no API call", async () => {
    const s = await newStack("alias");
    const first = await step("up web [X, Y]", () => s.up([attachment("web", [X, Y])]));
    expect(outputClaims(first.result)).toEqual({ web: [X, Y] });
    const { result, calls } = await step("up web2 [X, Y] aliases [web]", () =>
        s.up([attachment("web2", [X, Y], { aliases: [{ name: "web" }] })]),
    );
    expect(result.changeSummary).toEqual({ same: 1, update: 1 }); // resourceName: web -> web2
    expect(calls).toEqual({});
    expect(attached()).toEqual([X, Y, OTHER]);
    expect(await claims(s)).toEqual({ web2: [X, Y] });
    await destroyed(s);
});

test("up --replace on the same scaling group: the replacement adopts, the replaced one's delete detaches nothing", async () => {
    const s = await newStack("replace");
    const first = await step("up web [X, Y]", () => s.up([attachment("web", [X, Y])]));
    expect(outputClaims(first.result)).toEqual({ web: [X, Y] });
    const { urn } = first.result.outputs!.web.value as { urn: string };
    const { result, calls } = await step("up --replace web", () => s.up([attachment("web", [X, Y])], { options: { replace: [urn] } }));
    expect(result.changeSummary).toEqual({ same: 1, replace: 1 });
    expect(calls).toEqual({ DescribeScalingGroups: 1 });
    expect(attached()).toEqual([X, Y, OTHER]);
    expect(await claims(s)).toEqual({ web: [X, Y] });
    expect(await destroyed(s)).toEqual([["rsp-0-0", "rsp-0-1"]]);
});

describe("move X from A [X, Y] to B [Z] in one up", () => {
    test("source dependsOn destination: B takes X over first, A hands it over: 0 Detach calls, no gap", async () => {
        const s = await newStack("move-gapless");
        const first = await step("up A [X, Y], B [Z]", () => s.up([attachment("B", [Z]), attachment("A", [X, Y])]));
        expect(attached()).toEqual([X, Y, Z, OTHER]);
        expect(outputClaims(first.result)).toEqual({ A: [X, Y], B: [Z] });
        const { result, calls } = await step("up B [Z, X], A [Y] dependsOn B", () =>
            s.up([attachment("B", [Z, X]), attachment("A", [Y], { dependsOn: ["B"] })]),
        );
        expect(result.changeSummary).toEqual({ same: 1, update: 2 });
        expect(calls).toEqual({ DescribeScalingGroups: 2 });
        expect(attached()).toEqual([X, Y, Z, OTHER]);
        expect(await claims(s)).toEqual({ A: [Y], B: [X, Z] });
        await destroyed(s);
    });

    test("destination dependsOn source: the program tells A that B declares X; A hands it over, no gap", async () => {
        const s = await newStack("move-reverse");
        const first = await step("up A [X, Y], B [Z]", () => s.up([attachment("A", [X, Y]), attachment("B", [Z])]));
        expect(attached()).toEqual([X, Y, Z, OTHER]);
        expect(outputClaims(first.result)).toEqual({ A: [X, Y], B: [Z] });
        const { result, calls, detached } = await step("up A [Y], B [Z, X] dependsOn A", () =>
            s.up([attachment("A", [Y]), attachment("B", [Z, X], { dependsOn: ["A"] })]),
        );
        expect(result.changeSummary).toEqual({ same: 1, update: 2 });
        // A runs to completion before B is even registered, but A's declaredByOthers says B declares X.
        expect(calls).toEqual({ DescribeScalingGroups: 2 });
        expect(detached).toEqual([]);
        expect(attached()).toEqual([X, Y, Z, OTHER]);
        expect(await claims(s)).toEqual({ A: [Y], B: [X, Z] });
        await destroyed(s);
    });

    test("20 moves back and forth with no dependsOn: the engine's order varies, nothing is ever lost", async () => {
        const s = await newStack("move-20");
        const first = await step("up A [X, Y], B [Z]", () => s.up([attachment("A", [X, Y]), attachment("B", [Z])]));
        expect(attached()).toEqual([X, Y, Z, OTHER]);
        expect(outputClaims(first.result)).toEqual({ A: [X, Y], B: [Z] });
        const orders = { gapless: 0, reattached: 0 };
        for (let i = 1; i <= 20; i++) {
            const toB = i % 2 === 1;
            const program = toB ? [attachment("A", [Y]), attachment("B", [X, Z])] : [attachment("A", [X, Y]), attachment("B", [Z])];
            const { result, calls } = await step(`up ${i}: X to ${toB ? "B" : "A"}`, () => s.up(program));
            expect(result.changeSummary).toEqual({ same: 1, update: 2 });
            expect(attached()).toEqual([X, Y, Z, OTHER]);
            expect(outputClaims(result)).toEqual(toB ? { A: [Y], B: [X, Z] } : { A: [X, Y], B: [Z] });
            if (calls.DetachVServerGroups) {
                expect(calls).toEqual({ DescribeScalingGroups: 2, DetachVServerGroups: 1, AttachVServerGroups: 1 });
                orders.reattached++;
            } else {
                expect(calls).toEqual({ DescribeScalingGroups: 2 });
                orders.gapless++;
            }
        }
        expect(await claims(s)).toEqual({ A: [X, Y], B: [Z] });
        bed.callLog.push(
            `20 moves: ${orders.gapless} with no Detach, ${orders.reattached} detached then re-attached in the same up; 0 lost`,
        );
        await destroyed(s);
    });
});

test("a duplicate entry removed from one of two resources stays attached for the other", async () => {
    const s = await newStack("duplicate");
    await step("up A [X, Y], B [X]", () => s.up([attachment("A", [X, Y]), attachment("B", [X])]));
    expect(attached()).toEqual([X, Y, OTHER]);
    expect(await claims(s)).toEqual({ A: [X, Y], B: [X] });
    const { calls, detached } = await step("up A [Y], B [X]", () => s.up([attachment("A", [Y]), attachment("B", [X])]));
    expect(attached()).toEqual([X, Y, OTHER]);
    expect(await claims(s)).toEqual({ A: [Y], B: [X] });
    // Either B was diffed before A's update (A hands X over) or A detached X and B's update re-attached it.
    expect([{ DescribeScalingGroups: 1 }, { DescribeScalingGroups: 2, DetachVServerGroups: 1, AttachVServerGroups: 1 }]).toContainEqual(
        calls,
    );
    expect(detached.flat().filter((id) => id !== "rsp-0-0")).toEqual([]);
    await destroyed(s);
});

test("destroying one of two resources that share an entry (removed from the program) keeps it for the other", async () => {
    const s = await newStack("shared-destroy");
    const first = await step("up A [X, Y], B [X]", () => s.up([attachment("A", [X, Y]), attachment("B", [X])]));
    expect(attached()).toEqual([X, Y, OTHER]);
    expect(outputClaims(first.result)).toEqual({ A: [X, Y], B: [X] });
    const { result, calls, detached } = await step("up B [X] (A removed)", () => s.up([attachment("B", [X])]));
    expect(result.changeSummary).toEqual({ same: 1, update: 1, delete: 1 }); // B's record: A no longer declares X
    expect(calls).toEqual({ DetachVServerGroups: 1 });
    expect(detached).toEqual([["rsp-0-1"]]);
    expect(attached()).toEqual([X, OTHER]);
    expect(await claims(s)).toEqual({ B: [X] });
    await destroyed(s);
});

test("one entry declared with two weights: preview fails naming both, before any call; so does up", async () => {
    const s = await newStack("two-weights");
    const X90 = { ...X, weight: 90 };
    const rule =
        /vserverGroups declares VServer group lb-0\/rsp-0-0\/80 with weight (50|90), and another resource of this stack declares it on the same scaling group with weight (50|90)/;
    // A new stack: nothing is attached and nothing is in state.
    const preview = await step("preview A [X], B [X weight 90]", () =>
        s.preview([attachment("A", [X]), attachment("B", [X90])], { allowFailure: true }),
    );
    expect(preview.result.ok).toBe(false);
    expect(preview.result.output).toMatch(rule);
    expect(preview.calls).toEqual({});
    // A stack where both declare X with one weight: changing it in one of them only fails the same way.
    await step("up A [X, Y], B [X]", () => s.up([attachment("A", [X, Y]), attachment("B", [X])]));
    const changed = await step("preview A [X, Y], B [X weight 90]", () =>
        s.preview([attachment("A", [X, Y]), attachment("B", [X90])], { allowFailure: true }),
    );
    expect(changed.result.ok).toBe(false);
    expect(changed.result.output).toMatch(rule);
    expect(changed.calls).toEqual({});
    // `up` without a preview (the Automation API's default, or --skip-preview): the engine checks A and B
    // in either order. If B comes first, its update re-weights X before A's check fails; A's state then
    // keeps weight 50 until a refresh. Either way the up fails with the rule, and nothing else moves.
    const up = await step("up A [X, Y], B [X weight 90] (no preview)", () =>
        s.up([attachment("A", [X, Y]), attachment("B", [X90])], { allowFailure: true }),
    );
    expect(up.result.ok).toBe(false);
    expect(up.result.output).toMatch(rule);
    const bFirst = up.calls.DetachVServerGroups === 1;
    expect(up.calls).toEqual(bFirst ? { DescribeScalingGroups: 1, DetachVServerGroups: 1, AttachVServerGroups: 1 } : {});
    expect(attached()).toEqual([bFirst ? X90 : X, Y, OTHER]);
    expect(await claims(s)).toEqual({ A: [X, Y], B: [bFirst ? X90 : X] });
    // Both changed: applied once (unless B already did), and both states say the new weight.
    const both = await step("up A [X weight 90, Y], B [X weight 90]", () => s.up([attachment("A", [X90, Y]), attachment("B", [X90])]));
    expect(both.calls).toEqual(
        bFirst ? { DescribeScalingGroups: 1 } : { DescribeScalingGroups: 2, DetachVServerGroups: 1, AttachVServerGroups: 1 },
    );
    expect(attached()).toEqual([X90, Y, OTHER]);
    expect(await claims(s)).toEqual({ A: [X90, Y], B: [X90] });
    await destroyed(s);
});
