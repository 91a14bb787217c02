// The project's own ESS client (provider/ess.ts) against the emulator, over real HTTP with real
// signatures: each error a user can meet, as the client reports it.
import { startEmulator, type AccessKey, type Emulator } from "../../emulator";
import type { EssClientOptions } from "../../provider/client/ess";
import { vserverGroups } from "../../provider/kinds/vserver-groups/kind";
import { EssError } from "../../provider/client/errors";
import { type Entry } from "../../provider/kinds/vserver-groups/model";
import { emulatorClient, type VServerCalls } from "../../harness/provider-env";

const REGION = "cn-hangzhou";
const STS: AccessKey = {
    accessKeyId: "EMUSTSKEY0001",
    accessKeySecret: "sts-secret-value-77",
    securityToken: "sts-token-0001",
    tokenExpiresAt: Date.now() + 3_600_000,
};
const EXPIRED_STS: AccessKey = {
    accessKeyId: "EMUSTSKEY0002",
    accessKeySecret: "sts-secret-value-88",
    securityToken: "sts-token-0002",
    tokenExpiresAt: Date.now() - 60_000,
};
let emulator: Emulator;
let key: AccessKey;

const e = (loadbalancerId: string, vserverGroupId: string, port: number, weight = 50): Entry => ({
    loadbalancerId,
    vserverGroupId,
    port,
    weight,
});

function client(overrides: Partial<EssClientOptions> = {}): VServerCalls {
    return emulatorClient(emulator, { accessKey: key, ...overrides });
}

async function failure(call: Promise<unknown>): Promise<EssError> {
    const err = await call.then(
        () => undefined,
        (e: unknown) => e,
    );
    if (!(err instanceof EssError)) throw new Error(`expected an EssError, got ${String(err)}`);
    return err;
}

beforeAll(async () => {
    emulator = await startEmulator({
        state: {
            scalingGroups: [
                { scalingGroupId: "asg-1", regionId: REGION, instances: ["i-1", "i-2"], vServerGroupQuota: 30 },
                { scalingGroupId: "asg-small", regionId: REGION, vServerGroupQuota: 1 },
            ],
            loadBalancers: [
                ...Array.from({ length: 6 }, (_, lb) => ({
                    loadBalancerId: `lb-${lb}`,
                    regionId: REGION,
                    vServerGroups: [0, 1, 2, 3, 4].map((g) => `rsp-${lb}-${g}`),
                })),
                { loadBalancerId: "lb-sick", regionId: REGION, healthCheck: false, vServerGroups: ["rsp-sick"] },
                { loadBalancerId: "lb-off", regionId: REGION, status: "inactive", vServerGroups: ["rsp-off"] },
                { loadBalancerId: "lb-far", regionId: "cn-beijing", vServerGroups: ["rsp-far"] },
            ],
        },
    });
    key = emulator.keys[0];
    emulator.control.addKey(STS);
    emulator.control.addKey(EXPIRED_STS);
});
afterAll(() => emulator.close());
beforeEach(() => {
    emulator.control.reset();
    emulator.control.addKey(STS);
    emulator.control.addKey(EXPIRED_STS);
});

describe("the client's calls", () => {
    it("attach with ForceAttach, describe, detach with ForceDetach: the effects on backend servers", async () => {
        const c = client();
        await c.attach("asg-1", [e("lb-0", "rsp-0-0", 80, 20)], true);
        expect(emulator.control.backendServers("rsp-0-0").map((b) => [b.serverId, b.port, b.weight])).toEqual([
            ["i-1", 80, 20],
            ["i-2", 80, 20],
        ]);
        const group = await c.describeScalingGroup("asg-1");
        expect(group).toEqual({
            scalingGroupId: "asg-1",
            regionId: REGION,
            lifecycleState: "Active",
            attached: [e("lb-0", "rsp-0-0", 80, 20)],
        });
        await c.detach("asg-1", [e("lb-0", "rsp-0-0", 80)], true);
        expect(emulator.control.backendServers("rsp-0-0")).toEqual([]);
        expect((await c.describeScalingGroup("asg-1"))?.attached).toEqual([]);
    });

    it("a 26-entry attach goes through in the calls splitIntoCalls makes, each accepted", async () => {
        const entries = [0, 1, 2, 3, 4]
            .flatMap((lb) => [0, 1, 2, 3, 4].map((g) => e(`lb-${lb}`, `rsp-${lb}-${g}`, 100 + g)))
            .concat(e("lb-5", "rsp-5-0", 100));
        const c = client();
        for (const call of vserverGroups.split(entries)) await c.attach("asg-1", call, false);
        expect(emulator.control.calls({ ok: true })).toHaveLength(2);
        expect((await c.describeScalingGroup("asg-1"))?.attached).toHaveLength(26);
    });

    it("signs with v1 (HMAC-SHA1) and v3 (ACS3-HMAC-SHA256), both accepted", async () => {
        await client({ signatureV1: true }).describeScalingGroups(["asg-1"]);
        await client().describeScalingGroups(["asg-1"]);
        expect(emulator.control.calls().map((c) => c.signatureAlgorithm)).toEqual(["v1", "v3"]);
    });

    it("an STS key with a valid token is accepted", async () => {
        await client({ accessKey: STS }).describeScalingGroups(["asg-1"]);
        expect(emulator.control.calls()[0]).toMatchObject({ status: 200, accessKeyId: STS.accessKeyId });
    });

    it("describes many scaling groups across pages and id batches of 20", async () => {
        const many = Array.from({ length: 45 }, (_, i) => ({ scalingGroupId: `asg-m${i}`, regionId: REGION }));
        emulator.control.seed({ scalingGroups: many });
        const found = await client().describeScalingGroups(many.map((g) => g.scalingGroupId).concat("asg-unknown"));
        expect(found.map((g) => g.scalingGroupId).sort()).toEqual(many.map((g) => g.scalingGroupId).sort());
        expect(emulator.control.calls({ action: "DescribeScalingGroups" })).toHaveLength(3);
    });
});

describe("errors as the client reports them: code, HTTP status, RequestId, never a secret", () => {
    const cases: [string, string, number, () => Promise<unknown>][] = [
        [
            "unknown scaling group",
            "InvalidScalingGroupId.NotFound",
            404,
            () => client().attach("asg-nope", [e("lb-0", "rsp-0-0", 80)], false),
        ],
        [
            "unknown scaling group on detach",
            "InvalidScalingGroupId.NotFound",
            404,
            () => client().detach("asg-nope", [e("lb-0", "rsp-0-0", 80)], false),
        ],
        [
            "unknown load balancer",
            "InvalidLoadBalancerId.NotFound",
            404,
            () => client().attach("asg-1", [e("lb-nope", "rsp-0-0", 80)], false),
        ],
        [
            "load balancer in another region",
            "InvalidLoadBalancerId.RegionMismatch",
            400,
            () => client().attach("asg-1", [e("lb-far", "rsp-far", 80)], false),
        ],
        [
            "VServer group of another load balancer",
            "InvalidVServerGroupId.ForLoadBalancer",
            400,
            () => client().attach("asg-1", [e("lb-0", "rsp-1-0", 80)], false),
        ],
        [
            "health check off",
            "IncorrectLoadBalancerHealthCheck",
            400,
            () => client().attach("asg-1", [e("lb-sick", "rsp-sick", 80)], false),
        ],
        ["load balancer inactive", "IncorrectLoadBalancerStatus", 400, () => client().attach("asg-1", [e("lb-off", "rsp-off", 80)], false)],
        [
            "quota",
            "QuotaExceeded.VServerGroup",
            400,
            () => client().attach("asg-small", [e("lb-0", "rsp-0-0", 80), e("lb-0", "rsp-0-1", 81)], false),
        ],
        [
            "unknown AccessKey ID",
            "InvalidAccessKeyId.NotFound",
            404,
            () => client({ accessKey: { ...key, accessKeyId: "EMUKEYUNKNOWN" } }).describeScalingGroups(["asg-1"]),
        ],
        [
            "wrong secret",
            "SignatureDoesNotMatch",
            400,
            () => client({ accessKey: { ...key, accessKeySecret: "not-the-secret-123" } }).describeScalingGroups(["asg-1"]),
        ],
        [
            "wrong secret, v1 signature",
            "SignatureDoesNotMatch",
            400,
            () =>
                client({ accessKey: { ...key, accessKeySecret: "not-the-secret-123" }, signatureV1: true }).describeScalingGroups([
                    "asg-1",
                ]),
        ],
        [
            "expired STS token",
            "InvalidSecurityToken.Expired",
            400,
            () => client({ accessKey: EXPIRED_STS }).describeScalingGroups(["asg-1"]),
        ],
        [
            "STS token of another key",
            "InvalidSecurityToken.MismatchWithAccessKey",
            400,
            () => client({ accessKey: { ...STS, securityToken: "sts-token-0002" } }).describeScalingGroups(["asg-1"]),
        ],
    ];

    it.each(cases)("%s → %s (HTTP %d)", async (_name, code, status, call) => {
        const err = await failure(call());
        expect(err.code).toBe(code);
        expect(err.httpStatus).toBe(status);
        const call0 = emulator.control.calls()[0];
        expect(err.requestId).toBe(call0.requestId);
        expect(err.message).toContain(`failed: ${code}: `);
        expect(err.message).toContain(`(RequestId: ${call0.requestId})`);
        for (const secret of [key.accessKeySecret, STS.accessKeySecret, EXPIRED_STS.accessKeySecret, STS.securityToken!])
            expect(err.message).not.toContain(secret);
        expect(err.retryable).toBe(false);
        expect(emulator.control.calls()).toHaveLength(1); // final errors are not retried
    });

    it("a clock 16 minutes off → InvalidTimeStamp.Expired", async () => {
        emulator.control.setClockOffset(16 * 60 * 1000);
        const err = await failure(client().describeScalingGroups(["asg-1"]));
        expect([err.code, err.httpStatus]).toEqual(["InvalidTimeStamp.Expired", 400]);
        expect(err.message).toMatch(/synchronise it/);
    });

    it("a busy scaling group → IncorrectScalingGroupStatus, one Describe shows it Active, retried until it clears", async () => {
        emulator.control.busy({ scalingGroupId: "asg-1", calls: 2 });
        await client({ retry: { totalTimeoutMs: 5000, baseDelayMs: 10, maxDelayMs: 20 } }).attach(
            "asg-1",
            [e("lb-0", "rsp-0-0", 80)],
            false,
        );
        expect(emulator.control.calls().map((c) => `${c.action} ${c.code ?? "OK"}`)).toEqual([
            "AttachVServerGroups IncorrectScalingGroupStatus",
            "DescribeScalingGroups OK",
            "AttachVServerGroups IncorrectScalingGroupStatus",
            "AttachVServerGroups OK",
        ]);
    });

    it("a scaling activity in progress, past the retry budget → the final error names it", async () => {
        emulator.control.busy({ scalingGroupId: "asg-1", code: "ScalingActivityInProgress" });
        const err = await failure(
            // a budget well above one call's time, so that it retries however slow the machine is
            client({ retry: { totalTimeoutMs: 1000, baseDelayMs: 10, maxDelayMs: 20 } }).attach("asg-1", [e("lb-0", "rsp-0-0", 80)], false),
        );
        expect(err.code).toBe("ScalingActivityInProgress");
        expect(emulator.control.calls().length).toBeGreaterThan(1);
    });

    it("more than 5 load balancers in one call is refused by the client before any request", async () => {
        const six = [0, 1, 2, 3, 4, 5].map((lb) => e(`lb-${lb}`, `rsp-${lb}-0`, 80));
        await expect(client().attach("asg-1", six, false)).rejects.toThrow(/at most 5 load balancers × 5 groups/);
        expect(emulator.control.calls()).toEqual([]);
    });
});
