// The engine steps (create/read/update/delete) against the emulator over real HTTP with real
// signatures, without the engine: what is attached, which instances are backends, how many calls.
import type { Emulator } from "../../emulator";
import * as steps from "../../provider/steps";
import { toEntries } from "../../provider/kinds/vserver-groups/model";
import {
    attachedOf,
    callCounts,
    emulatorClient,
    entry,
    inputsOf,
    freshPluginProcess,
    seedWith,
    startProviderEmulator,
    type VServerCalls,
} from "../../harness/provider-env";

let emulator: Emulator;
const other = entry("lb-3", "rsp-3-0", 9000, 10); // attached by someone else

function outOfBand(): VServerCalls {
    return emulatorClient(emulator);
}

function backendIds(vsg: string): string[] {
    return emulator.control
        .backendServers(vsg)
        .map((b) => `${b.serverId}:${b.port}:${b.weight}`)
        .sort();
}

beforeAll(async () => {
    emulator = await startProviderEmulator(seedWith(7, 6));
});
afterAll(() => emulator.close());
beforeEach(async () => {
    await freshPluginProcess(); // each test is a new engine run: the provider forgets other resources
    emulator.control.reset();
    await outOfBand().attach("asg-1", [other], false);
    emulator.control.clearCalls();
});

describe("check", () => {
    const declared = [entry("lb-0", "rsp-0-0", 80), entry("lb-1", "rsp-1-0", 8080, 30)];
    const keyedForm = { "lb-0/rsp-0-0/80": declared[0], "lb-1/rsp-1-0/8080": declared[1] };

    it("returns the entries keyed; the engine's copy of them (`ignoreChanges`) checks to the same inputs", async () => {
        const { inputs } = await steps.check({}, { ...inputsOf("asg-1", declared), resourceName: "web", declaredByOthers: {} });
        expect(inputs?.vserverGroups).toEqual(keyedForm);
        const again = await steps.check(inputs, {
            ...inputsOf("asg-1", []),
            vserverGroups: keyedForm,
            resourceName: "web",
            declaredByOthers: {},
        });
        expect(again).toEqual({ inputs });
        expect(callCounts(emulator)).toEqual({});
    });

    it("over inputs 0.1.0 stored (the list, no resourceName): keeps the list while recording the name, then keys it", async () => {
        const stored = { ...inputsOf("asg-1", declared), __provider: "0.1.0's text" };
        const news = { ...inputsOf("asg-1", [...declared].reverse()), resourceName: "web", declaredByOthers: {} };
        const first = await steps.check(stored, news);
        expect(first.inputs?.vserverGroups).toEqual(stored.vserverGroups);
        const second = await steps.check({ ...first.inputs, __provider: "this release's text" }, news);
        expect(second.inputs?.vserverGroups).toEqual(keyedForm);
    });
});

describe("create", () => {
    it("attaches exactly the declared entries in 1 Describe + 1 Attach; ForceAttach makes the instances backends", async () => {
        const declared = [entry("lb-0", "rsp-0-0", 80), entry("lb-1", "rsp-1-0", 8080, 30)];
        const { id, outs } = await steps.create(inputsOf("asg-1", declared, { forceAttach: true }));
        // Opaque: the scaling group ID may be a secret, and an id never is.
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(toEntries(outs!.vserverGroups)).toEqual(declared);
        expect(attachedOf(emulator, "asg-1")).toEqual([...declared, other]);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
        expect(backendIds("rsp-0-0")).toEqual(["i-1:80:50", "i-2:80:50"]);
        expect(backendIds("rsp-1-0")).toEqual(["i-1:8080:30", "i-2:8080:30"]);
    });

    it("without ForceAttach the VServer groups get no instances now", async () => {
        await steps.create(inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80)]));
        expect(backendIds("rsp-0-0")).toEqual([]);
    });

    it("adopts an entry that is already attached instead of attaching it again", async () => {
        const declared = [other, entry("lb-0", "rsp-0-1", 81)];
        const { outs } = await steps.create(inputsOf("asg-1", declared));
        expect(toEntries(outs!.vserverGroups)).toEqual(toEntries(inputsOf("asg-1", declared).vserverGroups));
        const attach = emulator.control.calls({ action: "AttachVServerGroups" });
        expect(attach).toHaveLength(1);
        expect(Object.values(attach[0].params)).not.toContain("rsp-3-0");
    });

    it("splits 26 entries across 6 load balancers into 2 Attach calls the API accepts", async () => {
        const declared = [0, 1, 2, 3, 4]
            .flatMap((lb) => [0, 1, 2, 3, 4].map((g) => entry(`lb-${lb}`, `rsp-${lb}-${g}`, 100 + g)))
            .concat(entry("lb-5", "rsp-5-0", 100));
        expect(declared).toHaveLength(26);
        await steps.create(inputsOf("asg-2", declared));
        expect(emulator.control.calls({ action: "AttachVServerGroups", ok: true })).toHaveLength(2);
        expect(emulator.control.calls({ ok: false })).toEqual([]);
        expect(attachedOf(emulator, "asg-2")).toEqual(toEntries(inputsOf("asg-2", declared).vserverGroups));
    });

    it("fails clearly when the scaling group does not exist, after one Describe", async () => {
        await expect(steps.create(inputsOf("asg-missing", [entry("lb-0", "rsp-0-0", 80)]))).rejects.toThrow(
            "scaling group asg-missing does not exist in region cn-hangzhou",
        );
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1 });
    });
});

describe("update", () => {
    const keep = entry("lb-0", "rsp-0-0", 80);
    const gone = entry("lb-0", "rsp-0-1", 81);
    const added = entry("lb-1", "rsp-1-1", 82);

    it("removes one and adds one: 1 Describe, 1 Detach with the new ForceDetach, 1 Attach; the kept entry is untouched", async () => {
        const { id, outs } = await steps.create(inputsOf("asg-1", [keep, gone], { forceAttach: true }));
        emulator.control.clearCalls();
        const news = inputsOf("asg-1", [keep, added], { forceAttach: true, forceDetach: true });
        const updated = await steps.update(id, outs!, news);
        expect(toEntries(updated.outs!.vserverGroups)).toEqual([keep, added]);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1, DetachVServerGroups: 1, AttachVServerGroups: 1 });
        const detach = emulator.control.calls({ action: "DetachVServerGroups" })[0];
        expect(detach.params.ForceDetach).toBe("true");
        expect(detach.params["VServerGroup.1.VServerGroupAttribute.1.VServerGroupId"]).toBe("rsp-0-1");
        expect(attachedOf(emulator, "asg-1")).toEqual([keep, added, other]);
        expect(backendIds("rsp-0-1")).toEqual([]); // ForceDetach took the instances out
        expect(backendIds("rsp-0-0")).toEqual(["i-1:80:50", "i-2:80:50"]);
    });

    it("with forceDetach false the removed group keeps the instances", async () => {
        const { id, outs } = await steps.create(inputsOf("asg-1", [keep, gone], { forceAttach: true }));
        await steps.update(id, outs!, inputsOf("asg-1", [keep], { forceAttach: true, forceDetach: false }));
        expect(attachedOf(emulator, "asg-1")).toEqual([keep, other]);
        expect(backendIds("rsp-0-1")).toEqual(["i-1:81:50", "i-2:81:50"]);
    });

    it("a weight change is a detach and a re-attach of that entry only", async () => {
        const { id, outs } = await steps.create(inputsOf("asg-1", [keep, gone]));
        emulator.control.clearCalls();
        await steps.update(id, outs!, inputsOf("asg-1", [keep, { ...gone, weight: 90 }]));
        const [detach] = emulator.control.calls({ action: "DetachVServerGroups" });
        const [attach] = emulator.control.calls({ action: "AttachVServerGroups" });
        expect(detach.params["VServerGroup.1.VServerGroupAttribute.1.VServerGroupId"]).toBe("rsp-0-1");
        expect(detach.params["VServerGroup.1.VServerGroupAttribute.2.VServerGroupId"]).toBeUndefined();
        expect(attach.params["VServerGroup.1.VServerGroupAttribute.1.Weight"]).toBe("90");
        expect(attachedOf(emulator, "asg-1")).toContainEqual({ ...gone, weight: 90 });
    });

    it("changing only the force flags makes no API call", async () => {
        const { id, outs } = await steps.create(inputsOf("asg-1", [keep]));
        emulator.control.clearCalls();
        const updated = await steps.update(id, outs!, inputsOf("asg-1", [keep], { forceDetach: true, forceAttach: true }));
        expect(updated.outs!.forceDetach).toBe(true);
        expect(emulator.control.calls()).toEqual([]);
    });
});

describe("delete", () => {
    const mine = [entry("lb-0", "rsp-0-0", 80), entry("lb-1", "rsp-1-0", 81)];

    it("detaches only owned entries in one call with ForceDetach=true: instances leave; the other owner's group stays", async () => {
        const { id, outs } = await steps.create(inputsOf("asg-1", mine, { forceAttach: true, forceDetach: true }));
        emulator.control.clearCalls();
        await steps.delete(id, outs!);
        expect(callCounts(emulator)).toEqual({ DetachVServerGroups: 1 });
        expect(attachedOf(emulator, "asg-1")).toEqual([other]);
        expect(backendIds("rsp-0-0")).toEqual([]);
    });

    it("with forceDetach false the instances stay in the VServer groups", async () => {
        const { id, outs } = await steps.create(inputsOf("asg-1", mine, { forceAttach: true }));
        await steps.delete(id, outs!);
        expect(attachedOf(emulator, "asg-1")).toEqual([other]);
        expect(backendIds("rsp-0-0")).toEqual(["i-1:80:50", "i-2:80:50"]);
    });

    it("a scaling group that no longer exists counts as detached", async () => {
        await expect(steps.delete("asg-gone:1", inputsOf("asg-gone", mine))).resolves.toBeUndefined();
        expect(emulator.control.calls()[0].code).toBe("InvalidScalingGroupId.NotFound");
    });
});

describe("read (refresh)", () => {
    it("reports owned entries detached out of band as gone, with the weight really attached", async () => {
        const mine = [entry("lb-0", "rsp-0-0", 80), entry("lb-0", "rsp-0-1", 81)];
        const { id, outs } = await steps.create(inputsOf("asg-1", mine));
        await outOfBand().detach("asg-1", [mine[1]], false);
        emulator.control.clearCalls();
        const result = await steps.read(id, outs!);
        expect(result.id).toBe(id);
        expect(toEntries(result.props!.vserverGroups)).toEqual([mine[0]]);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1 });
    });

    it("overlapping reads share one DescribeScalingGroups per scaling group (a refresh of many resources)", async () => {
        const one = await steps.create(inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80)]));
        const two = await steps.create(inputsOf("asg-1", [entry("lb-0", "rsp-0-1", 81)]));
        const three = await steps.create(inputsOf("asg-2", [entry("lb-0", "rsp-0-2", 82)]));
        emulator.control.clearCalls();
        const results = await Promise.all([one, two, three].map((r) => steps.read(r.id, r.outs!)));
        expect(results.map((r) => toEntries(r.props!.vserverGroups).length)).toEqual([1, 1, 1]);
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 2 });
        await steps.read(one.id, one.outs!); // a later read asks again
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 3 });
    });

    it("returns what is attached as the inputs too, so the next preview --diff shows the re-attach", async () => {
        const mine = [entry("lb-0", "rsp-0-0", 80), entry("lb-0", "rsp-0-1", 81)];
        const { id, outs } = await steps.create(inputsOf("asg-1", mine));
        await outOfBand().detach("asg-1", [mine[0]], false);
        const result = await steps.read(id, outs!);
        // Keyed, as `check` returns inputs: the engine's diff with the program's then shows the one entry.
        expect(result.inputs!.vserverGroups).toEqual({ "lb-0/rsp-0-1/81": mine[1] });
        expect({ ...result.inputs, vserverGroups: undefined }).toEqual({ ...result.props, vserverGroups: undefined });
    });

    it("get (an id naming the scaling group, no state) reports every entry attached to it, in 1 Describe", async () => {
        const mine = [entry("lb-0", "rsp-0-0", 80)];
        await steps.create(inputsOf("asg-1", mine));
        emulator.control.clearCalls();
        const result = await steps.read("asg-1", {} as never);
        expect(result.id).toBe("asg-1");
        expect(toEntries(result.props!.vserverGroups)).toEqual([mine[0], other]);
        expect(result.props).toMatchObject({ scalingGroupId: "asg-1", region: "cn-hangzhou", forceAttach: false, forceDetach: false });
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1 });
        expect(await steps.read("asg-gone", {} as never)).toEqual({ id: "" });
    });

    it("a scaling group that is gone means the resource is gone", async () => {
        expect(await steps.read("asg-gone:1", inputsOf("asg-gone", [entry("lb-0", "rsp-0-0", 80)]))).toEqual({ id: "" });
    });
});

describe("failures", () => {
    it("retries throttling and busy scaling groups, then succeeds", async () => {
        emulator.control.addFault({ kind: "throttling", actions: ["AttachVServerGroups"], times: 2 });
        emulator.control.busy({ scalingGroupId: "asg-1", calls: 1 });
        await steps.create(inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80)]));
        expect(attachedOf(emulator, "asg-1")).toContainEqual(entry("lb-0", "rsp-0-0", 80));
        expect(
            emulator.control
                .calls({ action: "AttachVServerGroups", ok: false })
                .map((c) => c.code)
                .sort(),
        ).toEqual(["IncorrectScalingGroupStatus", "Throttling.User", "Throttling.User"]);
    });

    it("a final error names the code, message, RequestId and the fix, and is not retried", async () => {
        emulator.control.updateScalingGroup("asg-1", { vServerGroupQuota: 1 });
        const err = await steps.create(inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80)])).catch((e: Error) => e);
        const failed = emulator.control.calls({ action: "AttachVServerGroups" });
        expect(failed).toHaveLength(1);
        expect((err as Error).message).toBe(
            `AttachVServerGroups failed: QuotaExceeded.VServerGroup: The number of VServer groups attached to the scaling group exceeds the quota. (RequestId: ${failed[0].requestId}); ` +
                "the scaling group has reached its VServer group quota (default 5, see DescribeLimitation MaxNumberOfVServerGroups): detach others or ask for a higher quota in the Quota Center",
        );
    });

    it("a create that fails half-way records exactly what it attached, and keeps __provider", async () => {
        emulator.control.updateScalingGroup("asg-2", { vServerGroupQuota: 25 });
        const declared = [0, 1, 2, 3, 4, 5].flatMap((lb) => [0, 1, 2, 3, 4].map((g) => entry(`lb-${lb}`, `rsp-${lb}-${g}`, 100 + g)));
        const err = (await steps.create({ ...inputsOf("asg-2", declared), __provider: "serialized" } as never).catch((e) => e)) as {
            id: string;
            properties: { vserverGroups: never[]; __provider: string };
            message: string;
        };
        expect(err.message).toMatch(/QuotaExceeded\.VServerGroup/);
        expect(err.id).toMatch(/^[0-9a-f]{8}-[0-9a-f-]{27}$/);
        expect(err.properties.__provider).toBe("serialized");
        expect(toEntries(err.properties.vserverGroups)).toEqual(attachedOf(emulator, "asg-2"));
        expect(attachedOf(emulator, "asg-2")).toHaveLength(25);
    });

    it("a detach whose answer is lost and that lands after its retry is repaired before update returns", async () => {
        // Weight change: detach then re-attach rsp-0-0. The first Detach is answered too late (400 ms > the
        // 300 ms response timeout), the retry and the Attach succeed, then the first Detach lands and
        // removes the re-attached entry. The provider must notice and attach it again.
        Object.assign(process.env, { ALIBABA_CLOUD_ESS_READ_TIMEOUT: "300", ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY: "10" });
        await freshPluginProcess();
        try {
            const { id, outs } = await steps.create(inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80, 10)]));
            emulator.control.addFault({ kind: "latency", latencyMs: 400, actions: ["DetachVServerGroups"], times: 1 });
            const updated = await steps.update(id, outs!, inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80, 90)]));
            // the late Detach has landed (the provider waited it out), so nothing else can change the group
            expect(emulator.control.calls({ action: "DetachVServerGroups" }).filter((c) => c.latencyMs)).toHaveLength(1);
            expect(toEntries(updated.outs!.vserverGroups)).toEqual([entry("lb-0", "rsp-0-0", 80, 90)]);
            expect(attachedOf(emulator, "asg-1")).toEqual([entry("lb-0", "rsp-0-0", 80, 90), other]);
            expect(emulator.control.calls({ action: "AttachVServerGroups", ok: true }).length).toBe(3); // create, update, repair
        } finally {
            Object.assign(process.env, { ALIBABA_CLOUD_ESS_READ_TIMEOUT: "2000" });
            delete process.env.ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY;
            await freshPluginProcess();
        }
    });

    it("an attach whose answer is lost is checked against DescribeScalingGroups before state is written", async () => {
        const { id, outs } = await steps.create(inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80)]));
        emulator.control.addFault({ kind: "connectionReset", actions: ["AttachVServerGroups"] });
        const err = (await steps
            .update(id, outs!, inputsOf("asg-1", [entry("lb-0", "rsp-0-0", 80), entry("lb-0", "rsp-0-1", 81)]))
            .catch((e) => e)) as {
            properties: { vserverGroups: never[] };
        };
        expect(toEntries(err.properties.vserverGroups)).toEqual([entry("lb-0", "rsp-0-0", 80)]);
    });
});
