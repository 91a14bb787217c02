// The retry policy as users meet it: the ESS client (real HTTP, real signatures) against the
// emulator. Bounded by ALIBABA_CLOUD_ESS_RETRY_TIMEOUT, jittered, retrying only what is transient;
// a final error names the action, ESS code, message and RequestId, and says what to do.
import { startEmulator, type Emulator, type FaultRule } from "../../emulator";
import { retryPolicy } from "../../provider/client/config";
import { EssError } from "../../provider/client/errors";
import { EssClient } from "../../provider/client/ess";
import { backoffDelay, DEFAULT_RETRY } from "../../provider/client/retry";
import type { Entry } from "../../provider/kinds/vserver-groups/model";
import { until } from "../../harness/until";
import { VServerCalls } from "../../harness/provider-env";

jest.setTimeout(60_000);

const REGION = "cn-hangzhou";
let emu: Emulator;
const web80: Entry = { loadbalancerId: "lb-web", vserverGroupId: "rsp-web-80", port: 80, weight: 50 };

function client(retryTimeoutSeconds: string, onRetry?: (m: string) => void, readTimeoutMs = 300): VServerCalls {
    return new VServerCalls(
        EssClient.create({
            region: REGION,
            endpoint: { protocol: "http", host: emu.host },
            accessKey: emu.keys[0],
            retry: retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: retryTimeoutSeconds }),
            readTimeoutMs,
            onRetry,
        }),
    );
}

beforeAll(async () => {
    emu = await startEmulator({
        state: {
            scalingGroups: [{ scalingGroupId: "asg-1", regionId: REGION, instances: ["i-1"], vServerGroupQuota: 5 }],
            loadBalancers: [
                { loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80", "rsp-web-443"] },
                { loadBalancerId: "lb-nohc", regionId: REGION, healthCheck: false, vServerGroups: ["rsp-nohc"] },
                { loadBalancerId: "lb-stopped", regionId: REGION, status: "inactive", vServerGroups: ["rsp-stopped"] },
            ],
        },
    });
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("bounded", () => {
    it("the retry budget comes from ALIBABA_CLOUD_ESS_RETRY_TIMEOUT (seconds; default 300) and is validated", () => {
        expect(retryPolicy({})).toEqual(DEFAULT_RETRY);
        expect(retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "2.5" }).totalTimeoutMs).toBe(2500);
        expect(() => retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "soon" })).toThrow(
            /ALIBABA_CLOUD_ESS_RETRY_TIMEOUT is "soon": must be a number of seconds ≥ 0/,
        );
        expect(() => retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "-1" })).toThrow(/≥ 0/);
    });

    it.each([
        ["1", 1000],
        ["2", 2000],
    ])("a fault that never clears gives up within the budget (%s s) and reports the last error", async (budget, ms) => {
        emu.control.addFault({ kind: "throttling" });
        const retries: string[] = [];
        const err = await client(budget, (m) => retries.push(m))
            .attach("asg-1", [web80], false)
            .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EssError);
        expect((err as EssError).code).toBe("Throttling.User");
        // The waits it announced fit in the budget: a wait that would pass the deadline is never started.
        // (Each is printed rounded to 0.1 s, hence up to 50 ms apiece over the exact sum.)
        const waited = retries.map((m) => Number(/retrying in ([\d.]+)s/.exec(m)![1]) * 1000);
        expect(waited.reduce((a, b) => a + b, 0)).toBeLessThan(ms + 50 * waited.length);
        const attempts = emu.control.calls({ action: "AttachVServerGroups" }).length;
        expect(attempts).toBeGreaterThanOrEqual(2);
        expect(retries).toHaveLength(attempts - 1);
        expect(retries[0]).toMatch(/^AttachVServerGroups on asg-1: Throttling\.User, retrying in \d+\.\ds \(attempt 2\)$/);
    });

    it("budget 0: one attempt, no retry", async () => {
        emu.control.addFault({ kind: "serviceUnavailable" });
        await expect(client("0").describeScalingGroup("asg-1")).rejects.toThrow(/ServiceUnavailable/);
        expect(emu.control.calls()).toHaveLength(1);
    });
});

describe("jitter", () => {
    it("full jitter: delays are spread over [0, min(max, base·2^(n-1))], not a fixed ladder", () => {
        for (const attempt of [1, 2, 3, 4, 8]) {
            const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
            const samples = Array.from({ length: 400 }, () => backoffDelay(DEFAULT_RETRY, attempt));
            expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
            expect(Math.max(...samples)).toBeLessThanOrEqual(ceiling);
            expect(new Set(samples).size).toBeGreaterThan(100);
            const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
            expect(mean).toBeGreaterThan(ceiling * 0.35);
            expect(mean).toBeLessThan(ceiling * 0.65);
        }
    });

    it("two clients retrying the same fault wait different times", async () => {
        const waits: string[][] = [[], []];
        for (const i of [0, 1]) {
            emu.control.addFault({ kind: "throttling", times: 3 });
            await client("30", (m) => waits[i].push(/retrying in ([\d.]+)s/.exec(m)![1])).describeScalingGroup("asg-1");
        }
        expect(waits[0]).toHaveLength(3);
        expect(waits[1]).toHaveLength(3);
        expect(waits[0].join()).not.toEqual(waits[1].join()); // 1 chance in ~10^8 of a false failure
    });
});

describe("retryable vs final", () => {
    const transient: Array<[string, (e: Emulator) => void]> = [
        ["throttling (Throttling.User)", (e) => e.control.addFault({ kind: "throttling", times: 2 })],
        ["HTTP 500 InternalError", (e) => e.control.addFault({ kind: "internalError", times: 2 })],
        ["HTTP 503 ServiceUnavailable", (e) => e.control.addFault({ kind: "serviceUnavailable", times: 2 })],
        ["connection reset", (e) => e.control.addFault({ kind: "connectionReset", times: 2 })],
        ["no answer within the read timeout", (e) => e.control.addFault({ kind: "latency", latencyMs: 500, times: 1 } as FaultRule)],
        ["busy: IncorrectScalingGroupStatus", (e) => e.control.busy({ scalingGroupId: "asg-1", calls: 2 })],
        [
            "busy: ScalingActivityInProgress",
            (e) => e.control.busy({ scalingGroupId: "asg-1", calls: 2, code: "ScalingActivityInProgress" }),
        ],
    ];
    it.each(transient)("%s is retried and the attach succeeds", async (_, inject) => {
        inject(emu);
        const delayed = emu.control.faults().rules.filter((r) => r.kind === "latency").length; // each hits one call
        const retries: string[] = [];
        await client("20", (m) => retries.push(m)).attach("asg-1", [web80], false);
        expect(emu.control.scalingGroup("asg-1")!.vServerGroups).toHaveLength(1);
        expect(retries.length).toBeGreaterThanOrEqual(1);
        // a request answered too late is still processed: let it land before the next test's reset
        await until(() => emu.control.calls().filter((c) => c.latencyMs).length === delayed, "the delayed request to land");
    });

    const final: Array<[string, string, (e: Emulator) => void, Entry, RegExp]> = [
        [
            "QuotaExceeded.VServerGroup",
            "The number of VServer groups attached to the scaling group exceeds the quota.",
            (e) => e.control.updateScalingGroup("asg-1", { vServerGroupQuota: 0 }),
            web80,
            /detach others or ask for a higher quota/,
        ],
        [
            "IncorrectLoadBalancerHealthCheck",
            "The specified load balancer has no listener with health check enabled.",
            () => undefined,
            { ...web80, loadbalancerId: "lb-nohc", vserverGroupId: "rsp-nohc" },
            /enable the health check/,
        ],
        [
            "IncorrectLoadBalancerStatus",
            "The current status of the specified load balancer does not support this action.",
            () => undefined,
            { ...web80, loadbalancerId: "lb-stopped", vserverGroupId: "rsp-stopped" },
            /must be active/,
        ],
        [
            "InvalidLoadBalancerId.NotFound",
            "The specified load balancer does not exist.",
            () => undefined,
            { ...web80, loadbalancerId: "lb-nope" },
            /check loadbalancerId/,
        ],
        [
            "InvalidVServerGroupId.ForLoadBalancer",
            "The specified VServer group does not exist in the specified load balancer.",
            () => undefined,
            { ...web80, vserverGroupId: "rsp-nohc" },
            /belongs to the loadbalancerId/,
        ],
    ];
    it.each(final)("%s fails at once with code, message, RequestId and what to do", async (code, message, prepare, entry, hint) => {
        prepare(emu);
        const retries: string[] = [];
        const err = (await client("20", (m) => retries.push(m))
            .attach("asg-1", [entry], false)
            .catch((e: unknown) => e)) as EssError;
        const [call] = emu.control.calls({ action: "AttachVServerGroups" });
        expect(emu.control.calls({ action: "AttachVServerGroups" })).toHaveLength(1);
        expect(retries).toEqual([]);
        expect(err.code).toBe(code);
        expect(err.requestId).toBe(call.requestId);
        expect(err.message).toContain(`AttachVServerGroups failed: ${code}: ${message} (RequestId: ${call.requestId}); `);
        expect(err.message).toMatch(hint);
    });

    it("a missing scaling group on Attach is final and names the fix", async () => {
        const err = (await client("20")
            .attach("asg-nope", [web80], false)
            .catch((e: unknown) => e)) as EssError;
        expect(err.message).toMatch(
            /^AttachVServerGroups failed: InvalidScalingGroupId\.NotFound: The specified scaling group does not exist\. \(RequestId: [0-9A-F-]{36}\); check scalingGroupId and region$/,
        );
        expect(emu.control.calls()).toHaveLength(1);
    });
});
