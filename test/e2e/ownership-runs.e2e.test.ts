// Ownership however the engine runs (issue 20), through the real engine: a package upgrade between
// two runs (state written by the previous release, then this package), `get` resources with
// `--refresh`, targeted, excluded and skipped runs, the `up` after a failed one, and weight changes
// for every pair of Force flags. After every step each test checks what the emulator holds, what
// state claims and which calls the step made; the calls are printed at the end.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { E2EHarness, REPO_ROOT, type E2EStack, type ResourceSpec } from "../../harness/e2e";
import { attachment, claims, OTHER, ownershipSeed, OwnershipBed, urnOf } from "../../harness/e2e/ownership";
import { installPackageCopy } from "../../harness/package-copy";
import { emulatorClient, emulatorEnv, entry, REGION } from "../../harness/provider-env";
import { toEntries, type VServerGroup } from "../../provider/kinds/vserver-groups/model";

jest.setTimeout(900_000);

/** The previous release, as `npm pack` made it: its provider text is what old states hold. */
const PREVIOUS_RELEASE = path.join(REPO_ROOT, "test", "fixtures", "releases", "0.1.0-262fc78.tgz");

let emulator: Emulator;
let bed: OwnershipBed;
let h: E2EHarness;
/** A harness whose program folder gets the previous release, then this package. */
let upgrades: E2EHarness;
let previousRelease: string;

/** Five entries on one load balancer, in canonical order. */
const [P, X, Y, Z, Q] = [0, 1, 2, 3, 4].map((g) => entry("lb-0", `rsp-0-${g}`, 80 + g));

const step: OwnershipBed["step"] = (label, run, opts) => bed.step(label, run, opts);
const attached = () => bed.attached();
const env = () => emulatorEnv(emulator, { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "20" });
/** A `get` resource on asg-1: it reads what is attached and owns none of it. */
const seen: ResourceSpec = { name: "seen", opts: { id: "asg-1" } };

beforeAll(async () => {
    emulator = await startEmulator({ state: ownershipSeed() });
    bed = new OwnershipBed(emulator);
    const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "previous-release-"));
    execFileSync("tar", ["xzf", PREVIOUS_RELEASE, "-C", unpacked]);
    previousRelease = path.join(unpacked, "package");
    h = await E2EHarness.start();
    upgrades = await E2EHarness.start({ packageSource: previousRelease, programRoot: path.join(REPO_ROOT, ".tools", "e2e-upgrade") });
});
afterAll(async () => {
    bed?.print();
    await h?.cleanup();
    await upgrades?.cleanup();
    await emulator?.close();
    if (previousRelease) fs.rmSync(path.dirname(previousRelease), { recursive: true, force: true });
});
beforeEach(async () => {
    emulator.control.reset();
    await emulatorClient(emulator).attach("asg-1", [OTHER], false);
    bed.callLog.push(`--- ${expect.getState().currentTestName}`);
});
afterEach(() => {
    expect(attached()).toContainEqual(OTHER);
});

describe("state written by the previous release, then this package", () => {
    /** A stack created by the previous release with `program`; the program folder then gets this package. */
    async function upgraded(name: string, program: ResourceSpec[]): Promise<{ s: E2EStack; oldText: string }> {
        installPackageCopy(upgrades.programRoot, previousRelease);
        const s = await upgrades.stack({ name, env: env() });
        await step("up (previous release)", () => s.up(program));
        const state = await s.export();
        const oldText = String((state.deployment.resources ?? []).find((r) => r.urn.endsWith(`::${program[0].name}`))?.outputs?.__provider);
        installPackageCopy(upgrades.programRoot, REPO_ROOT);
        return { s, oldText };
    }

    /** The provider text this package writes differs from the previous release's: the run configures both. */
    async function expectNewText(s: E2EStack, name: string, oldText: string): Promise<void> {
        const state = await s.export();
        const text = (state.deployment.resources ?? []).find((r) => r.urn.endsWith(`::${name}`))?.outputs?.__provider;
        expect(typeof text).toBe("string");
        expect(text).not.toEqual(oldText);
    }

    test("rename without alias: the new resource adopts, the old one's delete (old text) leaves both attached", async () => {
        const { s, oldText } = await upgraded("upgrade-rename", [attachment("web", [X, Y])]);
        const { result, calls } = await step("up frontend [X, Y] (this package)", () => s.up([attachment("frontend", [X, Y])]));
        expect(result.changeSummary).toEqual({ same: 1, create: 1, delete: 1 });
        expect(calls).toEqual({ DescribeScalingGroups: 1 });
        expect(attached()).toEqual([X, Y, OTHER]);
        expect(await claims(s)).toEqual({ frontend: [X, Y] });
        await expectNewText(s, "frontend", oldText);
        expect(await bed.destroyed(s)).toEqual([["rsp-0-1", "rsp-0-2"]]);
    });

    test("up --replace: the replacement adopts, the replaced one's delete (old text) detaches nothing", async () => {
        const { s, oldText } = await upgraded("upgrade-replace", [attachment("web", [X, Y])]);
        const urn = await urnOf(s, "web");
        const { result, calls } = await step("up --replace web", () => s.up([attachment("web", [X, Y])], { options: { replace: [urn] } }));
        expect(result.changeSummary).toEqual({ same: 1, replace: 1 });
        expect(calls).toEqual({ DescribeScalingGroups: 1 });
        expect(attached()).toEqual([X, Y, OTHER]);
        expect(await claims(s)).toEqual({ web: [X, Y] });
        await expectNewText(s, "web", oldText);
        await bed.destroyed(s);
    });

    test("a move: B takes over A's entries and A leaves the program; A's delete (old text) leaves them to B", async () => {
        const { s } = await upgraded("upgrade-move", [attachment("A", [X, Y]), attachment("B", [Z])]);
        const { result, calls } = await step("up B [Z, X, Y], A gone", () => s.up([attachment("B", [Z, X, Y])]));
        expect(result.changeSummary).toEqual({ same: 1, update: 1, delete: 1 });
        expect(calls).toEqual({ DescribeScalingGroups: 1 });
        expect(attached()).toEqual([X, Y, Z, OTHER]);
        expect(await claims(s)).toEqual({ B: [X, Y, Z] });
        await bed.destroyed(s);
    });

    test("destroy --refresh with a `get` resource the previous release read: the managed resource's entries are detached", async () => {
        const { s } = await upgraded("upgrade-get", [attachment("web", [X, Y]), seen]);
        await step("destroy --refresh", () => s.destroy(undefined, { options: { refresh: true } }));
        expect(attached()).toEqual([OTHER]);
        expect(await claims(s)).toEqual({});
    });
});

describe("a `get` resource owns nothing", () => {
    test("up --refresh with an entry removed: the managed resource detaches it", async () => {
        const s = await h.stack({ name: "get-refresh", env: env() });
        await step("up web [X, Y] + get", () => s.up([attachment("web", [X, Y]), seen]));
        const { calls, detached } = await step("up --refresh web [Y] + get", () =>
            s.up([attachment("web", [Y]), seen], { options: { refresh: true } }),
        );
        expect(detached).toEqual([["rsp-0-1"]]);
        expect(calls).toEqual({ DescribeScalingGroups: 3, DetachVServerGroups: 1 });
        expect(attached()).toEqual([Y, OTHER]);
        expect(await claims(s)).toEqual({ web: [Y] });
        await bed.destroyed(s);
    });

    test("destroy --refresh with a `get` present: every owned entry is detached", async () => {
        const s = await h.stack({ name: "get-destroy", env: env() });
        await step("up web [X, Y] + get", () => s.up([attachment("web", [X, Y]), seen]));
        await bed.destroyed(s, { refresh: true });
    });

    test("the constructor with an `id` and a state argument, with or without region and flags, reads what is attached", async () => {
        const s = await h.stack({ name: "get-state", env: env() });
        const program = [
            attachment("web", [X]),
            { ...attachment("seen", [X]), opts: { id: "asg-1" } },
            { ...attachment("seenInRegion", [X], undefined, { region: REGION }), opts: { id: "asg-1" } },
        ];
        await step("up web [X]", () => s.up([attachment("web", [X])]));
        const { result } = await step("up web [X] + two gets with state", () => s.up(program));
        for (const name of ["seen", "seenInRegion"]) {
            const { vserverGroups } = result.outputs![name].value as { vserverGroups: VServerGroup[] };
            expect(toEntries(vserverGroups)).toEqual([X, OTHER]);
        }
        await step("up --refresh", () => s.up(program, { options: { refresh: true } }));
        expect(await claims(s)).toEqual({ web: [X] });
        await bed.destroyed(s);
    });
});

describe("runs that leave a resource out: A [P, X], B [X, Q]; A lets X go while B is not run", () => {
    async function shared(name: string): Promise<E2EStack> {
        const s = await h.stack({ name, env: env() });
        await step("up A [P, X], B [X, Q]", () => s.up([attachment("A", [P, X]), attachment("B", [X, Q])]));
        expect(attached()).toEqual([P, X, Q, OTHER]);
        return s;
    }

    async function afterwards(s: E2EStack): Promise<void> {
        expect(attached()).toEqual([P, X, Q, OTHER]);
        expect(await claims(s)).toEqual({ A: [P], B: [X, Q] });
        const { calls } = await step("plain up", () => s.up([attachment("A", [P]), attachment("B", [X, Q])]));
        expect(calls).toEqual({});
        await bed.destroyed(s);
    }

    test("up --target A", async () => {
        const s = await shared("target");
        const urn = await urnOf(s, "A");
        const { result, calls } = await step("up --target A, A [P]", () =>
            s.up([attachment("A", [P]), attachment("B", [X, Q])], { options: { target: [urn] } }),
        );
        expect(result.changeSummary).toMatchObject({ update: 1 });
        expect(calls).toEqual({ DescribeScalingGroups: 1 });
        expect(result.output).toMatch(
            /leaving 1 VServer group attached to the scaling group \(rsp-0-1:81\): another resource of this stack declares them/,
        );
        await afterwards(s);
    });

    test("up --exclude B", async () => {
        const s = await shared("exclude");
        const urn = await urnOf(s, "B");
        const { calls } = await step("up --exclude B, A [P]", () =>
            s.up([attachment("A", [P]), attachment("B", [X, Q])], { options: { exclude: [urn] } }),
        );
        expect(calls).toEqual({ DescribeScalingGroups: 1 });
        await afterwards(s);
    });

    test("up --continue-on-error, B skipped because a resource it depends on failed", async () => {
        const s = await shared("continue");
        const failing: ResourceSpec = {
            name: "F",
            args: { scalingGroupId: "asg-missing", vserverGroups: attachment("F", [Z]).args!.vserverGroups },
        };
        const { result, calls } = await step("up --continue-on-error F (fails), A [P], B [X, Q] dependsOn F", () =>
            s.up([failing, attachment("A", [P]), attachment("B", [X, Q], { dependsOn: ["F"] })], {
                options: { continueOnError: true },
                allowFailure: true,
            }),
        );
        expect(result.ok).toBe(false);
        expect(result.steps.filter((x) => x.name === "B" && x.op !== "same")).toEqual([]);
        expect(calls.DetachVServerGroups).toBeUndefined();
        await afterwards(s);
    });
});

describe("the up after a failed one converges instead of trusting the failed step's guess", () => {
    /** Every Attach answers 500 past the retry budget, and so does the read after the failure. */
    async function failingUp(s: E2EStack, program: ResourceSpec[]): Promise<void> {
        emulator.control.addFault({ kind: "internalError", actions: ["AttachVServerGroups"] });
        const first = emulator.control.hold("AttachVServerGroups");
        const up = s.up(program, { allowFailure: true, env: { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "2" } });
        await Promise.race([
            first.arrived,
            up.then((r) => Promise.reject(new Error(`the up ended before its Attach arrived:\n${r.output}`))),
        ]);
        emulator.control.addFault({ kind: "internalError", actions: ["DescribeScalingGroups"] });
        first.release();
        const result = await up;
        expect(result.ok).toBe(false);
        emulator.control.clearFaults();
        const web = (await s.export()).deployment.resources?.find((r) => r.urn.endsWith("::web"));
        expect(web?.outputs?.uncertain).toBe(true);
    }

    test("failed create, then plain up: one Describe, then the Attach", async () => {
        const s = await h.stack({ name: "failed-create", env: env() });
        await step("up web [X, Y]: every Attach fails, and the re-read", () => failingUp(s, [attachment("web", [X, Y])]), {
            faultsExpected: true,
        });
        expect(attached()).toEqual([OTHER]);
        const { calls } = await step("plain up", () => s.up([attachment("web", [X, Y])]));
        expect(calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
        expect(attached()).toEqual([X, Y, OTHER]);
        expect(await claims(s)).toEqual({ web: [X, Y] });
        await bed.destroyed(s);
    });

    test("failed update, then plain up: one Describe, then the Attach", async () => {
        const s = await h.stack({ name: "failed-update", env: env() });
        await step("up web [X]", () => s.up([attachment("web", [X])]));
        await step("up web [X, Y]: every Attach fails, and the re-read", () => failingUp(s, [attachment("web", [X, Y])]), {
            faultsExpected: true,
        });
        expect(attached()).toEqual([X, OTHER]);
        const { calls } = await step("plain up", () => s.up([attachment("web", [X, Y])]));
        expect(calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
        expect(attached()).toEqual([X, Y, OTHER]);
        expect(await claims(s)).toEqual({ web: [X, Y] });
        await bed.destroyed(s);
    });
});

test("a weight swap, for each pair of Force flags: the backends follow forceAttach", async () => {
    const backends = (group: string) =>
        emulator.control
            .backendServers(group)
            .map((b) => `${b.serverId}:${b.weight}`)
            .sort();
    const at = (weight: number) => ["i-1", "i-2"].map((i) => `${i}:${weight}`);
    const flagPairs = [
        [true, true],
        [true, false],
        [false, true],
        [false, false],
    ] as const;
    // Resource i declares rsp-0-i at weight 0 and rsp-1-i at 100, then swaps them with flags flagPairs[i].
    const entries = (i: number, swapped: boolean) => [
        entry("lb-0", `rsp-0-${i}`, 90, swapped ? 100 : 0),
        entry("lb-1", `rsp-1-${i}`, 91, swapped ? 0 : 100),
    ];
    const program = (swapped: boolean) =>
        flagPairs.map(([forceAttach, forceDetach], i) =>
            attachment(`swap${i}`, entries(i, swapped), undefined, swapped ? { forceAttach, forceDetach } : { forceAttach: true }),
        );
    const s = await h.stack({ name: "swap", env: env() });
    await step("up swap0..3 [rsp-0-i at 0, rsp-1-i at 100], forceAttach", () => s.up(program(false)));
    for (const i of [0, 1, 2, 3]) expect([backends(`rsp-0-${i}`), backends(`rsp-1-${i}`)]).toEqual([at(0), at(100)]);
    const { calls } = await step(
        "up swap0..3 with the weights swapped, flags (true, true), (true, false), (false, true), (false, false)",
        () => s.up(program(true)),
    );
    expect(calls).toEqual({ DescribeScalingGroups: 4, DetachVServerGroups: 4, AttachVServerGroups: 4 });
    expect(await claims(s)).toEqual(Object.fromEntries(flagPairs.map((_, i) => [`swap${i}`, entries(i, true)])));
    flagPairs.forEach(([forceAttach], i) => {
        const detach = emulator.control
            .calls({ action: "DetachVServerGroups" })
            .find((c) => Object.values(c.params).includes(`rsp-0-${i}`));
        expect([i, detach?.params.ForceDetach]).toEqual([i, String(forceAttach)]);
        // forceAttach re-adds the instances with the new weight; without it they stay, with the old one.
        expect([i, backends(`rsp-0-${i}`), backends(`rsp-1-${i}`)]).toEqual(forceAttach ? [i, at(100), at(0)] : [i, at(0), at(100)]);
    });
    await bed.destroyed(s);
});
