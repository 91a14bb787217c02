import { backoffDelay, withRetry, type RetryPolicy } from "../../provider/client/retry";
import { EssError, toEssError } from "../../provider/client/errors";

const policy: RetryPolicy = { totalTimeoutMs: 10_000, baseDelayMs: 100, maxDelayMs: 1_000 };

function fakeClock() {
    let t = 0;
    const slept: number[] = [];
    return {
        slept,
        hooks: {
            now: () => t,
            sleep: async (ms: number) => {
                slept.push(ms);
                t += ms;
            },
            random: () => 1,
        },
    };
}

describe("backoffDelay", () => {
    it("doubles up to the cap, scaled by jitter", () => {
        expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
        expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
        expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    });
});

describe("withRetry", () => {
    it("retries a throttled call and returns its result", async () => {
        const clock = fakeClock();
        let calls = 0;
        const result = await withRetry(
            policy,
            async () => {
                if (++calls < 3)
                    throw new EssError(
                        "AttachVServerGroups",
                        "Throttling.User",
                        "Request was denied due to user flow control.",
                        "req-1",
                        400,
                    );
                return "ok";
            },
            clock.hooks,
        );
        expect(result).toBe("ok");
        expect(calls).toBe(3);
        expect(clock.slept).toEqual([100, 200]);
    });
    it("does not retry a final error", async () => {
        let calls = 0;
        const err = new EssError("AttachVServerGroups", "QuotaExceeded.VServerGroup", "quota", "req-2", 400);
        await expect(
            withRetry(
                policy,
                async () => {
                    calls++;
                    throw err;
                },
                fakeClock().hooks,
            ),
        ).rejects.toBe(err);
        expect(calls).toBe(1);
    });
    it("stops when the next wait would pass the total timeout", async () => {
        const clock = fakeClock();
        let calls = 0;
        await expect(
            withRetry(
                { ...policy, totalTimeoutMs: 1_000 },
                async () => {
                    calls++;
                    throw new EssError("DetachVServerGroups", "ServiceUnavailable", "busy", "req-3", 503);
                },
                clock.hooks,
            ),
        ).rejects.toThrow(/ServiceUnavailable/);
        expect(clock.slept).toEqual([100, 200, 400]); // 700 ms waited; the next 800 ms wait would pass 1000 ms
        expect(calls).toBe(4);
    });
    it("reports each retry with its reason and attempt", async () => {
        const seen: string[] = [];
        let calls = 0;
        await withRetry(
            policy,
            async () => {
                if (++calls === 1) throw new EssError("DetachVServerGroups", "IncorrectScalingGroupStatus", "busy", "r", 400);
                return 1;
            },
            { ...fakeClock().hooks, onRetry: (e, n, d) => seen.push(`${e.code} #${n} ${d}`) },
        );
        expect(seen).toEqual(["IncorrectScalingGroupStatus #1 100"]);
    });
});

describe("EssError", () => {
    it.each([
        ["Throttling.User", 400, true],
        ["ServiceUnavailable", 503, true],
        ["InternalError", 500, true],
        ["IncorrectScalingGroupStatus", 400, true],
        ["ScalingActivityInProgress", 400, true],
        ["ECONNRESET", undefined, true],
        ["Forbidden.Unauthorized", 403, false],
        ["InvalidScalingGroupId.NotFound", 404, false],
        ["SignatureDoesNotMatch", 400, false],
        ["QuotaExceeded.VServerGroup", 400, false],
    ])("%s (HTTP %s) retryable=%s", (code, status, retryable) => {
        expect(new EssError("AttachVServerGroups", code, "m", "r", status).retryable).toBe(retryable);
    });
    it("names action, code, message, RequestId and what to do", () => {
        const e = new EssError(
            "AttachVServerGroups",
            "Forbidden.Unauthorized",
            "A required authorization for the specified action is not supplied.",
            "473469C7",
            403,
        );
        expect(e.message).toBe(
            "AttachVServerGroups failed: Forbidden.Unauthorized: A required authorization for the specified action is not supplied. (RequestId: 473469C7); " +
                "the identity that called lacks the RAM permission ess:AttachVServerGroups: grant it (the RAM policy in docs/configuration.md lists every action this package calls)",
        );
        expect(new EssError("AttachVServerGroups", "QuotaExceeded.VServerGroup", "q", "r", 400).message).toMatch(/quota/);
        expect(new EssError("AttachVServerGroups", "IncorrectLoadBalancerHealthCheck", "h", "r", 400).message).toMatch(
            /enable the health check/,
        );
    });
    it("toEssError keeps code, message and RequestId of an API error and drops the signed request", () => {
        const raw = {
            code: "InvalidParameter",
            message: "code: 400, bad request id: R1",
            data: {
                statusCode: 400,
                Code: "InvalidParameter",
                Message: 'The specified value of parameter "Port" is not valid.',
                RequestId: "R1",
                lastRequest: { headers: { authorization: "ACS3-HMAC-SHA256 Credential=KEY,Signature=abc" } },
            },
        };
        const e = toEssError("AttachVServerGroups", raw);
        expect([e.code, e.detail, e.requestId, e.httpStatus]).toEqual([
            "InvalidParameter",
            'The specified value of parameter "Port" is not valid.',
            "R1",
            400,
        ]);
        expect(e.message).not.toMatch(/Signature|Credential/);
    });
    it("a connection refused or a name not resolved sent nothing: retried, but certain; a reset or a 5xx may have landed", () => {
        const transport = (code: string) => toEssError("AttachVServerGroups", Object.assign(new Error(`connect ${code}`), { code }));
        for (const code of ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]) {
            expect([code, transport(code).retryable, transport(code).ambiguous]).toEqual([code, true, false]);
        }
        for (const code of ["ECONNRESET", "ETIMEDOUT", "EPIPE"]) {
            expect([code, transport(code).retryable, transport(code).ambiguous]).toEqual([code, true, true]);
        }
    });
    it("toEssError strips query strings from transport errors", () => {
        const e = toEssError(
            "DescribeScalingGroups",
            Object.assign(new Error("ReadTimeout: 100. POST /?AccessKeyId=K&Signature=S failed."), { name: "RequestTimeoutError" }),
        );
        expect(e.code).toBe("RequestTimeoutError");
        expect(e.retryable).toBe(true);
        expect(e.ambiguous).toBe(true);
        expect(e.message).not.toMatch(/AccessKeyId|Signature=/);
    });
});
