// Flow control in the emulator (issue 23): per AccessKey and per action, a token bucket of `burst`
// calls refilled at `rate` a second; over it, 400 Throttling.User. Over real HTTP with real
// signatures; refills are shown by moving the emulator's clock, never by waiting.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_FIXTURE, startEmulator, type Emulator } from "../../emulator";
import { FlowControl } from "../../emulator/flow-control";
import { type Credentials, rpc, rpcError, SLB_VERSION, vServerGroupParams } from "../../harness/rpc";

const KEY = { accessKeyId: "EMUKEYFLOW01", accessKeySecret: "emu-flow-secret-1" };
const OTHER_KEY = { accessKeyId: "EMUKEYFLOW02", accessKeySecret: "emu-flow-secret-2" };
const REGION = "cn-hangzhou";
const DESCRIBE = { RegionId: REGION, "ScalingGroupId.1": "asg-demo" };
const attachParams = (port: number) => ({
    RegionId: REGION,
    ScalingGroupId: "asg-demo",
    ...vServerGroupParams([{ loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port }]),
});
/** One call every 100 s: within a test, a bucket once empty stays empty until the clock is moved. */
const SLOW = 0.01;

/** "ok", or the code the call failed with. */
const outcome = (host: string, key: Credentials, action: string, params: Record<string, string | number>) =>
    rpc(host, key, action, params).then(
        () => "ok",
        (e: { code: string }) => e.code,
    );
const describeGroups = (emu: Emulator, key: Credentials = KEY) => outcome(emu.host, key, "DescribeScalingGroups", DESCRIBE);
const attach = (emu: Emulator, port: number, key: Credentials = KEY) => outcome(emu.host, key, "AttachVServerGroups", attachParams(port));
async function repeat(times: number, call: () => Promise<string>): Promise<string[]> {
    const results: string[] = [];
    for (let i = 0; i < times; i++) results.push(await call());
    return results;
}
const attachedPorts = (emu: Emulator) => emu.control.scalingGroup("asg-demo")?.vServerGroups.map((a) => a.port);

describe("in process", () => {
    let emu: Emulator;
    beforeEach(async () => {
        emu = await startEmulator({ state: DEMO_FIXTURE, keys: [KEY, OTHER_KEY] });
    });
    afterEach(() => emu.close());

    it("is off by default: 40 calls of one key and action in a row, none throttled", async () => {
        expect(emu.control.flowControl()).toEqual([]);
        expect(await repeat(40, () => describeGroups(emu))).toEqual(Array(40).fill("ok"));
        expect(emu.control.calls({ ok: false })).toEqual([]);
    });

    it("answers a call over the burst with HTTP 400 Throttling.User and the documented message, and changes nothing", async () => {
        emu.control.setFlowControl([{ rate: SLOW, burst: 2, actions: ["AttachVServerGroups"] }]);
        expect([await attach(emu, 80), await attach(emu, 81)]).toEqual(["ok", "ok"]);
        const err = await rpcError(emu.host, KEY, "AttachVServerGroups", attachParams(82));
        expect([err.statusCode, err.code]).toEqual([400, "Throttling.User"]);
        expect(err.data).toMatchObject({ Code: "Throttling.User", Message: "Request was denied due to user flow control." });
        expect(err.data.RequestId).toEqual(expect.any(String));
        expect(attachedPorts(emu)).toEqual([80, 81]);
        // Throttled calls are in the call log as failed calls with the code, the key and no injected fault.
        expect(emu.control.calls({ ok: false })).toEqual([
            expect.objectContaining({
                action: "AttachVServerGroups",
                status: 400,
                code: "Throttling.User",
                accessKeyId: KEY.accessKeyId,
                requestId: err.data.RequestId,
                params: expect.objectContaining({ "VServerGroup.1.VServerGroupAttribute.1.Port": "82" }),
            }),
        ]);
        expect(emu.control.calls({ ok: false })[0].fault).toBeUndefined();
        expect(emu.control.calls().map((c) => c.status)).toEqual([200, 200, 400]);
    });

    it("limits per action: a per-action limit throttles DescribeScalingGroups while AttachVServerGroups goes on", async () => {
        emu.control.setFlowControl([{ rate: SLOW, burst: 1, actions: ["DescribeScalingGroups"] }]);
        expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "Throttling.User", "Throttling.User"]);
        expect([await attach(emu, 80), await attach(emu, 81), await attach(emu, 82)]).toEqual(["ok", "ok", "ok"]);
        expect(attachedPorts(emu)).toEqual([80, 81, 82]);
        expect(emu.control.calls({ ok: false }).map((c) => [c.action, c.code])).toEqual([
            ["DescribeScalingGroups", "Throttling.User"],
            ["DescribeScalingGroups", "Throttling.User"],
        ]);
    });

    it("gives each action its own bucket under a limit for all actions, and a per-action limit overrides it", async () => {
        emu.control.setFlowControl([
            { rate: SLOW, burst: 2 },
            { rate: SLOW, burst: 1, actions: ["AttachVServerGroups"] },
        ]);
        expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "ok", "Throttling.User"]);
        expect([await attach(emu, 80), await attach(emu, 81)]).toEqual(["ok", "Throttling.User"]);
        // An SLB action under the same key has a bucket of its own too.
        const slb = () =>
            rpc(
                emu.host,
                KEY,
                "DescribeVServerGroupAttribute",
                { RegionId: REGION, VServerGroupId: "rsp-web-80" },
                { version: SLB_VERSION },
            ).then(
                () => "ok",
                (e: { code: string }) => e.code,
            );
        expect(await repeat(3, slb)).toEqual(["ok", "ok", "Throttling.User"]);
    });

    it("limits per AccessKey: a second key is not throttled while the first is", async () => {
        emu.control.setFlowControl([{ rate: SLOW, burst: 1 }]);
        expect([await describeGroups(emu, KEY), await describeGroups(emu, KEY)]).toEqual(["ok", "Throttling.User"]);
        expect([await describeGroups(emu, OTHER_KEY), await describeGroups(emu, OTHER_KEY)]).toEqual(["ok", "Throttling.User"]);
        expect(emu.control.calls().map((c) => [c.accessKeyId, c.status])).toEqual([
            [KEY.accessKeyId, 200],
            [KEY.accessKeyId, 400],
            [OTHER_KEY.accessKeyId, 200],
            [OTHER_KEY.accessKeyId, 400],
        ]);
    });

    it("refills at `rate` on the emulator clock, up to `burst`", async () => {
        emu.control.setFlowControl([{ rate: SLOW, burst: 2 }]);
        expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "ok", "Throttling.User"]);
        emu.control.setClockOffset(100_000); // 100 s at 0.01/s: one call
        expect(await repeat(2, () => describeGroups(emu))).toEqual(["ok", "Throttling.User"]);
        emu.control.setClockOffset(400_000); // 300 s more: three calls' worth, but the bucket holds two
        expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "ok", "Throttling.User"]);
    });

    it("is checked before holds and injected faults: a throttled call consumes neither", async () => {
        emu.control.setFlowControl([{ rate: SLOW, burst: 1 }]);
        expect(await describeGroups(emu)).toBe("ok");
        emu.control.addFault({ kind: "internalError", times: 1 });
        const hold = emu.control.hold("DescribeScalingGroups");
        expect(await describeGroups(emu)).toBe("Throttling.User"); // answered at once: the hold did not catch it
        expect(emu.control.holds()).toEqual([hold]);
        expect(emu.control.faults().rules).toHaveLength(1);
        hold.release();
        expect(await attach(emu, 80)).toBe("InternalError");
    });

    it("setFlowControl replaces the limits (buckets start full), [] turns it off, reset() restores off, bad limits throw", async () => {
        emu.control.setFlowControl([{ rate: SLOW, burst: 1 }]);
        expect(await repeat(2, () => describeGroups(emu))).toEqual(["ok", "Throttling.User"]);
        emu.control.setFlowControl([{ rate: SLOW, burst: 1 }]);
        expect(await describeGroups(emu)).toBe("ok");
        emu.control.setFlowControl([]);
        expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "ok", "ok"]);

        emu.control.setFlowControl([{ rate: SLOW, burst: 1, actions: ["DescribeScalingGroups"] }]);
        expect(emu.control.flowControl()).toEqual([{ rate: SLOW, burst: 1, actions: ["DescribeScalingGroups"] }]);
        emu.control.reset();
        expect(emu.control.flowControl()).toEqual([]);
        expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "ok", "ok"]);

        expect(() => emu.control.setFlowControl([{ rate: -1, burst: 1 }])).toThrow(/rate must be a number >= 0/);
        expect(() => emu.control.setFlowControl([{ rate: 1, burst: 0 }])).toThrow(/burst must be an integer >= 1/);
        expect(() => emu.control.setFlowControl([{ rate: 1, burst: 1, actions: [] }])).toThrow(/at least one action/);
        expect(emu.control.flowControl()).toEqual([]);
    });

    it("starts with the limits of EmulatorOptions.flowControl, and reset() returns to them", async () => {
        const limited = await startEmulator({ state: DEMO_FIXTURE, keys: [KEY], flowControl: [{ rate: SLOW, burst: 1 }] });
        try {
            expect(await repeat(2, () => describeGroups(limited))).toEqual(["ok", "Throttling.User"]);
            limited.control.setFlowControl([]);
            limited.control.reset();
            expect(limited.control.flowControl()).toEqual([{ rate: SLOW, burst: 1 }]);
            expect(await repeat(2, () => describeGroups(limited))).toEqual(["ok", "Throttling.User"]);
        } finally {
            await limited.close();
        }
    });
});

describe("the token bucket", () => {
    it("holds `burst` calls per key and action and refills continuously at `rate` a second", () => {
        let now = 1_000_000;
        const limiter = new FlowControl(() => now);
        limiter.set([{ rate: 2, burst: 3 }]);
        const take = (n: number, key = "K1", action = "A") => Array.from({ length: n }, () => limiter.take(key, action));
        expect(take(4)).toEqual([true, true, true, false]);
        expect(take(1, "K2")).toEqual([true]);
        expect(take(1, "K1", "B")).toEqual([true]);
        now += 499; // 0.998 of a call
        expect(take(1)).toEqual([false]);
        now += 1; // 1 call (0.998 + 0.002: the failed take kept its share)
        expect(take(2)).toEqual([true, false]);
        now += 60_000; // long idle: no more than the burst
        expect(take(4)).toEqual([true, true, true, false]);
    });

    it("refills nothing when the clock moves back, and does not refill twice when it moves forward again", () => {
        let now = 1_000_000;
        const limiter = new FlowControl(() => now);
        limiter.set([{ rate: 1, burst: 1 }]);
        expect([limiter.take("K", "A"), limiter.take("K", "A")]).toEqual([true, false]);
        now -= 10_000;
        expect(limiter.take("K", "A")).toBe(false);
        now += 10_000;
        expect(limiter.take("K", "A")).toBe(false);
        now += 1_000;
        expect(limiter.take("K", "A")).toBe(true);
    });

    it("lets every call through without limits, or for an action no limit covers", () => {
        const limiter = new FlowControl(() => 0);
        expect(Array.from({ length: 100 }, () => limiter.take("K", "A")).every(Boolean)).toBe(true);
        limiter.set([{ rate: 0, burst: 1, actions: ["A"] }]);
        expect([limiter.take("K", "A"), limiter.take("K", "A"), limiter.take("K", "B"), limiter.take("K", "B")]).toEqual([
            true,
            false,
            true,
            true,
        ]);
    });
});

describe("the admin API", () => {
    let emu: Emulator;
    beforeEach(async () => {
        emu = await startEmulator({ state: DEMO_FIXTURE, keys: [KEY] });
    });
    afterEach(() => emu.close());
    const admin = (method: string, body?: unknown) =>
        fetch(`${emu.endpoint}/__emulator/flow-control`, { method, body: body === undefined ? undefined : JSON.stringify(body) }).then(
            async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
        );

    it("POST sets the limits, GET reads them, DELETE turns flow control off", async () => {
        expect(await admin("GET")).toEqual({ status: 200, body: { limits: [] } });
        const limits = [{ rate: SLOW, burst: 1, actions: ["DescribeScalingGroups"] }];
        expect(await admin("POST", { limits })).toEqual({ status: 200, body: { ok: true } });
        expect(await admin("GET")).toEqual({ status: 200, body: { limits } });
        expect(await repeat(2, () => describeGroups(emu))).toEqual(["ok", "Throttling.User"]);
        expect(await attach(emu, 80)).toBe("ok");

        const calls = (await (await fetch(`${emu.endpoint}/__emulator/calls?ok=false`)).json()) as Array<Record<string, unknown>>;
        expect(calls).toMatchObject([{ action: "DescribeScalingGroups", status: 400, code: "Throttling.User" }]);

        expect(await admin("DELETE")).toEqual({ status: 200, body: { ok: true } });
        expect(await admin("GET")).toEqual({ status: 200, body: { limits: [] } });
        expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "ok", "ok"]);
    });

    it("refuses malformed limits with 400 and keeps the limits in force", async () => {
        await admin("POST", { limits: [{ rate: SLOW, burst: 1 }] });
        for (const body of [
            { rate: 1, burst: 1 },
            { limits: [{ rate: "fast", burst: 1 }] },
            { limits: [{ rate: 1, burst: 1.5 }] },
            { limits: [{ rate: 1, burst: 1, actions: "DescribeScalingGroups" }] },
            { limits: [null] },
        ]) {
            const answer = await admin("POST", body);
            expect(answer.status).toBe(400);
            expect(answer.body.error).toEqual(expect.any(String));
        }
        expect(await admin("GET")).toEqual({ status: 200, body: { limits: [{ rate: SLOW, burst: 1 }] } });
    });
});

describe("the CLI flags", () => {
    const ROOT = join(__dirname, "..", "..");
    let outDir: string;

    beforeAll(() => {
        // Compile only the emulator (the CLI and what it imports), as emulator-cli.test.ts does.
        outDir = mkdtempSync(join(tmpdir(), "ess-emulator-flow-"));
        execFileSync(
            process.execPath,
            [
                join(ROOT, "node_modules", "typescript", "bin", "tsc"),
                join(ROOT, "emulator", "cli.ts"),
                ...["--outDir", outDir, "--rootDir", ROOT, "--target", "ES2022", "--module", "commonjs"],
                ...["--strict", "--skipLibCheck", "--esModuleInterop", "--types", "node"],
            ],
            { stdio: "pipe" },
        );
    }, 120_000);
    afterAll(() => rmSync(outDir, { recursive: true, force: true }));

    const cli = () => join(outDir, "emulator", "cli.js");

    function startCli(args: string[]): Promise<{ child: ChildProcess; vars: Record<string, string> }> {
        const child = spawn(process.execPath, [cli(), "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
        return new Promise((resolve, reject) => {
            let out = "";
            const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 15_000);
            child.stdout?.on("data", (chunk: Buffer) => {
                out += chunk.toString();
                if (!out.includes("ESS_EMULATOR_ADMIN=")) return;
                clearTimeout(timer);
                const lines = out
                    .trim()
                    .split("\n")
                    .filter((l) => l.includes("="));
                resolve({ child, vars: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])) });
            });
            child.on("exit", (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
        });
    }

    function stop(child: ChildProcess): Promise<number | null> {
        return new Promise((resolve) => {
            child.removeAllListeners("exit");
            child.on("exit", (code) => resolve(code));
            child.kill("SIGTERM");
        });
    }

    it("--rate/--burst limit every action and --rate-action one; POST /__emulator/reset keeps them", async () => {
        const { child, vars } = await startCli([
            ...["--access-key-id", KEY.accessKeyId, "--access-key-secret", KEY.accessKeySecret],
            ...["--rate", "0.01", "--burst", "2", "--rate-action", "AttachVServerGroups=0.01:1"],
            ...["--rate-action", "DetachVServerGroups=5:3"],
        ]);
        try {
            const admin = vars.ESS_EMULATOR_ADMIN;
            const limits = [
                { rate: 0.01, burst: 1, actions: ["AttachVServerGroups"] },
                { rate: 5, burst: 3, actions: ["DetachVServerGroups"] },
                { rate: 0.01, burst: 2 },
            ];
            expect(await (await fetch(`${admin}flow-control`)).json()).toEqual({ limits });
            const host = vars.ALIBABA_CLOUD_ESS_ENDPOINT.replace("http://", "");
            const emu = { host } as Emulator;
            expect(await repeat(3, () => describeGroups(emu))).toEqual(["ok", "ok", "Throttling.User"]);
            expect([await attach(emu, 80), await attach(emu, 81)]).toEqual(["ok", "Throttling.User"]);
            const err = await rpcError(host, KEY, "AttachVServerGroups", attachParams(82));
            expect([err.statusCode, err.data.Message]).toEqual([400, "Request was denied due to user flow control."]);

            await fetch(`${admin}reset`, { method: "POST" });
            expect(await (await fetch(`${admin}flow-control`)).json()).toEqual({ limits });
            expect(await attach(emu, 80)).toBe("ok");
        } finally {
            expect(await stop(child)).toBe(0);
        }
    });

    it("is off without the flags", async () => {
        const { child, vars } = await startCli([]);
        try {
            expect(await (await fetch(`${vars.ESS_EMULATOR_ADMIN}flow-control`)).json()).toEqual({ limits: [] });
        } finally {
            await stop(child);
        }
    });

    it("documents the flags in --help and refuses malformed ones", () => {
        const help = execFileSync(process.execPath, [cli(), "--help"], { encoding: "utf8" });
        expect(help).toContain("--rate RATE --burst BURST");
        expect(help).toContain("--rate-action ACTION=RATE:BURST");
        expect(help).toContain("Throttling.User");
        const refused = (args: string[]) => {
            try {
                execFileSync(process.execPath, [cli(), "--port", "0", ...args], { stdio: "pipe", encoding: "utf8", timeout: 15_000 });
            } catch (e) {
                const err = e as { status: number; stderr: string };
                return [err.status, err.stderr.trim()];
            }
            throw new Error(`ess-emulator ${args.join(" ")} started`);
        };
        expect(refused(["--rate", "5"])).toEqual([1, "ess-emulator: --rate and --burst go together"]);
        expect(refused(["--rate-action", "AttachVServerGroups=5"])).toEqual([
            1,
            "ess-emulator: --rate-action AttachVServerGroups=5: expected ACTION=RATE:BURST, e.g. AttachVServerGroups=5:5",
        ]);
        expect(refused(["--rate", "5", "--burst", "0"])).toEqual([1, "ess-emulator: --rate/--burst: burst must be an integer >= 1, got 0"]);
    });
});
