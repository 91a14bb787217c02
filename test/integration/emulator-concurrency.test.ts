import { startEmulator, type Emulator, type StateSeed } from "../../emulator";
import { prng } from "../../emulator/faults";
import { rpc, vServerGroupParams, type Flat } from "../../harness/rpc";

const KEY = { accessKeyId: "EMUKEYCONC01", accessKeySecret: "emu-conc-secret" };
const REGION = "cn-hangzhou";
const SEED: StateSeed = {
    scalingGroups: [{ scalingGroupId: "asg-hot", regionId: REGION, vServerGroupQuota: 5, instances: ["i-1", "i-2", "i-3"] }],
    loadBalancers: [
        { loadBalancerId: "lb-a", regionId: REGION, vServerGroups: ["rsp-a1", "rsp-a2", "rsp-a3"] },
        { loadBalancerId: "lb-b", regionId: REGION, vServerGroups: ["rsp-b1", "rsp-b2"] },
    ],
};
const POOL = [
    ...["rsp-a1", "rsp-a2", "rsp-a3"].flatMap((v) => [80, 81].map((port) => ({ loadBalancerId: "lb-a", vServerGroupId: v, port }))),
    ...["rsp-b1", "rsp-b2"].flatMap((v) => [80, 81].map((port) => ({ loadBalancerId: "lb-b", vServerGroupId: v, port }))),
];

function randomCall(random: () => number): { action: string; params: Flat } {
    const attach = random() < 0.6;
    const count = 1 + Math.floor(random() * 3);
    const entries = Array.from({ length: count }, () => ({
        ...POOL[Math.floor(random() * POOL.length)],
        weight: Math.floor(random() * 101),
    }));
    return {
        action: attach ? "AttachVServerGroups" : "DetachVServerGroups",
        params: {
            RegionId: REGION,
            ScalingGroupId: "asg-hot",
            [attach ? "ForceAttach" : "ForceDetach"]: random() < 0.5,
            ...vServerGroupParams(attach ? entries : entries.map(({ weight: _, ...e }) => e)),
        },
    };
}

let emu: Emulator;
let replay: Emulator;
beforeEach(async () => {
    emu = await startEmulator({ state: SEED, keys: [KEY], randomSeed: 3 });
    replay = await startEmulator({ state: SEED, keys: [KEY] });
});
afterEach(async () => {
    await emu.close();
    await replay.close();
});

it("100 concurrent attach/detach calls on one scaling group equal a serial replay of the call log", async () => {
    // Random latency shuffles the order in which the requests reach their (atomic) mutation.
    emu.control.addFault({ kind: "latency", latencyMs: 15, probability: 0.5 });
    const random = prng(2024);
    const calls = Array.from({ length: 100 }, () => randomCall(random));
    const results = await Promise.allSettled(calls.map((c) => rpc(emu.host, KEY, c.action, c.params)));
    expect(results).toHaveLength(100);

    const log = emu.control.calls();
    expect(log).toHaveLength(100);
    expect(log.map((c) => c.seq)).toEqual([...log.map((c) => c.seq)].sort((a, b) => a - b));
    const succeeded = log.filter((c) => c.status === 200);
    expect(succeeded.length).toBe(results.filter((r) => r.status === "fulfilled").length);
    expect(succeeded.length).toBeGreaterThan(20);
    // The log order is not simply the send order: the requests really interleaved.
    expect(log.map((c) => JSON.stringify(c.params))).not.toEqual(
        calls.map((c) => JSON.stringify(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, String(v)])))),
    );

    for (const call of log) {
        const outcome = await rpc(replay.host, KEY, call.action, call.params).then(
            () => undefined,
            (e: { code: string }) => e.code,
        );
        expect({ seq: call.seq, code: outcome }).toEqual({ seq: call.seq, code: call.code });
    }
    expect(replay.control.state()).toEqual(emu.control.state());
    expect(emu.control.state().scalingGroups[0].vServerGroups.length).toBeLessThanOrEqual(5);
});
