import { DEMO_FIXTURE, startEmulator, type Emulator } from "../../emulator";
import { rpc, rpcError, vServerGroupParams } from "../../harness/rpc";

const KEY = { accessKeyId: "EMUKEYFAULTS01", accessKeySecret: "emu-faults-secret" };
const REGION = "cn-hangzhou";
const DESCRIBE = { RegionId: REGION, "ScalingGroupId.1": "asg-demo" };
const attachParams = (port: number) => ({
    RegionId: REGION,
    ScalingGroupId: "asg-demo",
    ...vServerGroupParams([{ loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port }]),
});

let emu: Emulator;
beforeEach(async () => {
    emu = await startEmulator({ state: DEMO_FIXTURE, keys: [KEY], randomSeed: 42 });
});
afterEach(() => emu.close());

it("throttles the next N calls of an action with 400 Throttling.User, and logs the fault", async () => {
    emu.control.addFault({ kind: "throttling", times: 2, actions: ["AttachVServerGroups"] });
    for (const port of [80, 81]) {
        const err = await rpcError(emu.host, KEY, "AttachVServerGroups", attachParams(port));
        expect([err.statusCode, err.code]).toEqual([400, "Throttling.User"]);
    }
    await expect(rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE)).resolves.toHaveProperty("TotalCount", 1);
    await rpc(emu.host, KEY, "AttachVServerGroups", attachParams(82));
    expect(emu.control.scalingGroup("asg-demo")?.vServerGroups.map((a) => a.port)).toEqual([82]);
    expect(emu.control.calls().map((c) => [c.seq, c.action, c.status, c.code, c.fault])).toEqual([
        [1, "AttachVServerGroups", 400, "Throttling.User", "throttling"],
        [2, "AttachVServerGroups", 400, "Throttling.User", "throttling"],
        [3, "DescribeScalingGroups", 200, undefined, undefined],
        [4, "AttachVServerGroups", 200, undefined, undefined],
    ]);
    expect(emu.control.faults().rules).toEqual([]);
});

it("answers 500 InternalError and 503 ServiceUnavailable", async () => {
    emu.control.addFault({ kind: "internalError", times: 1 });
    emu.control.addFault({ kind: "serviceUnavailable", times: 1 });
    const first = await rpcError(emu.host, KEY, "DescribeScalingGroups", DESCRIBE);
    const second = await rpcError(emu.host, KEY, "DescribeScalingGroups", DESCRIBE);
    expect([first.statusCode, first.code]).toEqual([500, "InternalError"]);
    expect([second.statusCode, second.code]).toEqual([503, "ServiceUnavailable"]);
    await expect(rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE)).resolves.toHaveProperty("TotalCount", 1);
});

it("resets the connection without applying the change", async () => {
    emu.control.addFault({ kind: "connectionReset", times: 1 });
    await expect(rpc(emu.host, KEY, "AttachVServerGroups", attachParams(80))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emu.control.scalingGroup("asg-demo")?.vServerGroups).toEqual([]);
    expect(emu.control.calls()).toMatchObject([{ action: "AttachVServerGroups", status: 0, fault: "connectionReset" }]);
});

it("adds latency", async () => {
    emu.control.addFault({ kind: "latency", latencyMs: 250, actions: ["DescribeScalingGroups"] });
    const start = Date.now();
    await rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE);
    expect(Date.now() - start).toBeGreaterThanOrEqual(240);
    expect(emu.control.calls()[0]).toMatchObject({ status: 200, latencyMs: 250 });
});

it("draws probabilistic faults from a seedable PRNG: same seed, same outcomes", async () => {
    const outcomes = async (e: Emulator) => {
        e.control.addFault({ kind: "throttling", probability: 0.5 });
        const result: string[] = [];
        for (let i = 0; i < 24; i++) {
            result.push(
                await rpc(e.host, KEY, "DescribeScalingGroups", DESCRIBE).then(
                    () => "ok",
                    (err: { code: string }) => err.code,
                ),
            );
        }
        return result;
    };
    const other = await startEmulator({ state: DEMO_FIXTURE, keys: [KEY], randomSeed: 42 });
    try {
        const a = await outcomes(emu);
        const b = await outcomes(other);
        expect(a).toEqual(b);
        expect(a).toContain("ok");
        expect(a).toContain("Throttling.User");
        emu.control.clearFaults();
        emu.control.setRandomSeed(7);
        expect(await outcomes(emu)).not.toEqual(a);
    } finally {
        await other.close();
    }
});

it("busy windows: N calls answer ScalingActivityInProgress, reads are unaffected", async () => {
    emu.control.busy({ scalingGroupId: "asg-demo", code: "ScalingActivityInProgress", calls: 2 });
    for (const port of [80, 81]) {
        const err = await rpcError(emu.host, KEY, "AttachVServerGroups", attachParams(port));
        expect([err.statusCode, err.code]).toEqual([403, "ScalingActivityInProgress"]);
    }
    await rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE);
    await rpc(emu.host, KEY, "AttachVServerGroups", attachParams(82));
    expect(emu.control.calls().map((c) => c.fault)).toEqual(["busy", "busy", undefined, undefined]);
});

it("busy windows: for a duration answer IncorrectScalingGroupStatus", async () => {
    emu.control.busy({ scalingGroupId: "asg-demo", durationMs: 60_000 });
    const err = await rpcError(emu.host, KEY, "DetachVServerGroups", attachParams(80));
    expect([err.statusCode, err.code]).toEqual([403, "IncorrectScalingGroupStatus"]);
    emu.control.setClockOffset(60_001); // the window ends by the emulator's clock, not by waiting
    await expect(rpc(emu.host, KEY, "DetachVServerGroups", attachParams(80))).resolves.toHaveProperty("RequestId");
});

it("holds the next call of an action until released, then processes it", async () => {
    const hold = emu.control.hold("AttachVServerGroups");
    await rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE); // other actions pass
    const attach = rpc(emu.host, KEY, "AttachVServerGroups", attachParams(80));
    await hold.arrived;
    expect(emu.control.calls().map((c) => c.action)).toEqual(["DescribeScalingGroups"]);
    expect(emu.control.scalingGroup("asg-demo")?.vServerGroups).toEqual([]);
    expect(emu.control.holds()).toEqual([hold]);
    hold.release();
    await expect(attach).resolves.toHaveProperty("RequestId");
    expect(emu.control.scalingGroup("asg-demo")?.vServerGroups.map((a) => a.port)).toEqual([80]);
    expect(emu.control.holds()).toEqual([]);
    await rpc(emu.host, KEY, "AttachVServerGroups", attachParams(81)); // only the next call was held
});

it("a hold released before any call arrived is dropped, and clearFaults releases held calls", async () => {
    const unused = emu.control.hold("DetachVServerGroups");
    unused.release();
    await expect(unused.arrived).rejects.toThrow("hold 1 on DetachVServerGroups was released before a call arrived");
    await rpc(emu.host, KEY, "DetachVServerGroups", attachParams(80));

    const hold = emu.control.hold("DescribeScalingGroups");
    const describe = rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE);
    await hold.arrived;
    emu.control.clearFaults();
    await expect(describe).resolves.toHaveProperty("TotalCount", 1);
});

describe("admin HTTP", () => {
    const admin = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${emu.endpoint}/__emulator/${path}`, {
            method,
            body: body === undefined ? undefined : JSON.stringify(body),
            headers: { "content-type": "application/json" },
        });
        return { status: res.status, body: (await res.json()) as unknown };
    };

    it("seeds, disturbs and inspects the emulator without signing", async () => {
        expect(
            (
                await admin("PUT", "state", {
                    scalingGroups: [{ scalingGroupId: "asg-x", regionId: REGION, instances: ["i-x"] }],
                    loadBalancers: [{ loadBalancerId: "lb-x", regionId: REGION, vServerGroups: ["rsp-x"] }],
                })
            ).status,
        ).toBe(200);
        expect((await admin("POST", "faults", { kind: "throttling", times: 1 })).body).toEqual({ id: expect.any(Number) });
        expect((await rpcError(emu.host, KEY, "DescribeScalingGroups", { RegionId: REGION })).code).toBe("Throttling.User");
        await rpc(emu.host, KEY, "AttachVServerGroups", {
            RegionId: REGION,
            ScalingGroupId: "asg-x",
            ForceAttach: true,
            ...vServerGroupParams([{ loadBalancerId: "lb-x", vServerGroupId: "rsp-x", port: 80 }]),
        });
        expect((await admin("GET", "vserver-groups/rsp-x/backend-servers")).body).toEqual([
            { serverId: "i-x", port: 80, weight: 50, type: "ecs" },
        ]);
        const calls = (await admin("GET", "calls?action=AttachVServerGroups")).body as Array<{
            status: number;
            params: Record<string, string>;
        }>;
        expect(calls).toHaveLength(1);
        expect(calls[0]).toMatchObject({ status: 200, params: { ScalingGroupId: "asg-x", ForceAttach: "true" } });
        expect((await admin("POST", "busy", { scalingGroupId: "asg-x", calls: 1 })).status).toBe(200);
        expect((await admin("POST", "scaling-groups/asg-x/instances", { instanceId: "i-y" })).status).toBe(200);
        expect(emu.control.backendServers("rsp-x").map((b) => b.serverId)).toEqual(["i-x", "i-y"]);
        expect((await admin("PATCH", "scaling-groups/asg-x", { lifecycleState: "Inactive" })).status).toBe(200);
        expect(emu.control.scalingGroup("asg-x")?.lifecycleState).toBe("Inactive");
        expect((await admin("GET", "keys")).body).toEqual([{ accessKeyId: KEY.accessKeyId }]);
        expect((await admin("DELETE", "calls")).status).toBe(200);
        expect(emu.control.calls()).toEqual([]);
        expect((await admin("POST", "reset")).status).toBe(200);
        expect(emu.control.state().scalingGroups.map((g) => g.scalingGroupId)).toEqual(["asg-demo", "asg-demo-2"]);
        expect(emu.control.faults()).toEqual({ rules: [], busyWindows: [] });
    });

    it("holds a call: POST holds, GET holds/ID/arrived answers once it arrived, DELETE holds/ID releases it", async () => {
        const { id } = (await admin("POST", "holds", { action: "AttachVServerGroups" })).body as { id: number };
        const arrived = admin("GET", `holds/${id}/arrived`);
        const attach = rpc(emu.host, KEY, "AttachVServerGroups", attachParams(80));
        expect(await arrived).toEqual({ status: 200, body: { arrived: true } });
        expect(emu.control.calls()).toEqual([]);
        expect((await admin("DELETE", `holds/${id}`)).status).toBe(200);
        await expect(attach).resolves.toHaveProperty("RequestId");
        expect(emu.control.calls({ action: "AttachVServerGroups", ok: true })).toHaveLength(1);
        expect(await admin("DELETE", `holds/${id}`)).toEqual({ status: 404, body: { error: `no hold ${id} (released, or never added)` } });
        expect((await admin("POST", "holds", {})).body).toEqual({ error: '"action" must be a string' });
    });

    it("reports bad admin requests", async () => {
        expect((await admin("POST", "faults", { kind: "meteor" })).status).toBe(400);
        expect((await admin("GET", "nothing")).status).toBe(404);
        expect((await admin("PATCH", "scaling-groups/asg-nope", {})).status).toBe(400);
    });
});
