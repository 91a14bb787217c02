import { request } from "node:http";
import { DEMO_FIXTURE, startEmulator, type Emulator } from "../../emulator";
import { startProxy, send, type RawRequest } from "../../harness/proxy";
import { rpc, rpcError, vServerGroupParams, type RpcOptions } from "../../harness/rpc";

const KEY = { accessKeyId: "EMUKEYSIGTEST0001", accessKeySecret: "emu-secret-0001-abcdef" };
const STS = {
    accessKeyId: "EMUKEYSTS0001",
    accessKeySecret: "emu-sts-secret-xyz",
    securityToken: "emu-sts-token-123",
};
const EXPIRED_STS = {
    accessKeyId: "EMUKEYSTS0002",
    accessKeySecret: "emu-sts-secret-old",
    securityToken: "emu-sts-token-old",
    tokenExpiresAt: "2020-01-01T00:00:00Z",
};
const DESCRIBE = { RegionId: "cn-hangzhou", "ScalingGroupId.1": "asg-demo" } as const;
const ALGORITHMS: Array<[string, RpcOptions]> = [
    ["v3 (ACS3-HMAC-SHA256)", {}],
    ["v1 (HMAC-SHA1 RPC)", { signatureAlgorithm: "v2" }],
];

let emu: Emulator;

beforeEach(async () => {
    emu = await startEmulator({ state: DEMO_FIXTURE, keys: [KEY, STS, EXPIRED_STS] });
});
afterEach(() => emu.close());

describe.each(ALGORITHMS)("signature %s", (_, options) => {
    it("accepts a correctly signed request and logs which algorithm was used", async () => {
        const body = await rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE, options);
        expect(body.TotalCount).toBe(1);
        expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
        const [call] = emu.control.calls();
        expect(call).toMatchObject({
            action: "DescribeScalingGroups",
            status: 200,
            accessKeyId: KEY.accessKeyId,
            signatureAlgorithm: options.signatureAlgorithm === "v2" ? "v1" : "v3",
            params: { RegionId: "cn-hangzhou", "ScalingGroupId.1": "asg-demo" },
        });
    });

    it("accepts parameters sent as a form body", async () => {
        const body = await rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE, { ...options, inBody: true });
        expect(body.TotalCount).toBe(1);
        expect(emu.control.calls()[0].params).toEqual({ RegionId: "cn-hangzhou", "ScalingGroupId.1": "asg-demo" });
    });

    it("rejects a form body altered after signing", async () => {
        const proxy = await startProxy(emu.port, (raw) => ({
            ...raw,
            body: Buffer.from(raw.body.toString().replace("asg-demo", "asg-demo-2")),
        }));
        try {
            const err = await rpcError(proxy.host, KEY, "DescribeScalingGroups", DESCRIBE, { ...options, inBody: true });
            expect(err.code).toBe("SignatureDoesNotMatch");
            expect(proxy.captured[0].body.toString()).toContain("asg-demo");
        } finally {
            await proxy.close();
        }
    });

    it("rejects an unknown access key id with 404 InvalidAccessKeyId.NotFound", async () => {
        const err = await rpcError(emu.host, { ...KEY, accessKeyId: "EMUKEYNOPE" }, "DescribeScalingGroups", DESCRIBE, options);
        expect([err.statusCode, err.code]).toEqual([404, "InvalidAccessKeyId.NotFound"]);
    });

    it("rejects a wrong secret with 400 SignatureDoesNotMatch and never echoes a secret", async () => {
        const wrong = "wrong-secret-should-not-leak";
        const err = await rpcError(emu.host, { ...KEY, accessKeySecret: wrong }, "DescribeScalingGroups", DESCRIBE, options);
        expect([err.statusCode, err.code]).toEqual([400, "SignatureDoesNotMatch"]);
        const text = JSON.stringify(err.data);
        expect(text).not.toContain(wrong);
        expect(text).not.toContain(KEY.accessKeySecret);
        expect(JSON.stringify(emu.control.calls())).not.toContain(KEY.accessKeySecret);
    });

    it("rejects a timestamp more than 15 minutes old with InvalidTimeStamp.Expired", async () => {
        emu.control.setClockOffset(16 * 60 * 1000);
        const err = await rpcError(emu.host, KEY, "DescribeScalingGroups", DESCRIBE, options);
        expect([err.statusCode, err.code]).toEqual([400, "InvalidTimeStamp.Expired"]);
        emu.control.setClockOffset(14 * 60 * 1000);
        await expect(rpc(emu.host, KEY, "DescribeScalingGroups", DESCRIBE, options)).resolves.toMatchObject({ TotalCount: 1 });
    });

    it("accepts an STS token for a key configured with one", async () => {
        const body = await rpc(emu.host, STS, "DescribeScalingGroups", DESCRIBE, options);
        expect(body.TotalCount).toBe(1);
    });

    it("rejects a wrong STS token with InvalidSecurityToken.MismatchWithAccessKey", async () => {
        const err = await rpcError(emu.host, { ...STS, securityToken: "forged" }, "DescribeScalingGroups", DESCRIBE, options);
        expect([err.statusCode, err.code]).toEqual([400, "InvalidSecurityToken.MismatchWithAccessKey"]);
        expect(JSON.stringify(err.data)).not.toContain(STS.securityToken);
        const missing = await rpcError(
            emu.host,
            { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret },
            "DescribeScalingGroups",
            DESCRIBE,
            options,
        );
        expect(missing.code).toBe("InvalidSecurityToken.MismatchWithAccessKey");
    });

    it("rejects an expired STS token with InvalidSecurityToken.Expired", async () => {
        const err = await rpcError(emu.host, EXPIRED_STS, "DescribeScalingGroups", DESCRIBE, options);
        expect([err.statusCode, err.code]).toEqual([400, "InvalidSecurityToken.Expired"]);
    });

    it("rejects a replayed request (same nonce) with SignatureNonceUsed", async () => {
        const proxy = await startProxy(emu.port);
        try {
            await rpc(proxy.host, KEY, "DescribeScalingGroups", DESCRIBE, options);
            expect(proxy.captured).toHaveLength(1);
            const replay = await send(emu.port, proxy.captured[0]);
            expect(replay.status).toBe(400);
            expect(replay.body.Code).toBe("SignatureNonceUsed");
        } finally {
            await proxy.close();
        }
    });

    it("rejects a parameter altered after signing with SignatureDoesNotMatch, and changes nothing", async () => {
        const tamper = (raw: RawRequest): RawRequest => ({ ...raw, url: raw.url.replace("rsp-web-80", "rsp-web-443") });
        const proxy = await startProxy(emu.port, tamper);
        try {
            const params = {
                RegionId: "cn-hangzhou",
                ScalingGroupId: "asg-demo",
                ...vServerGroupParams([{ loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port: 80 }]),
            };
            const err = await rpcError(proxy.host, KEY, "AttachVServerGroups", params, options);
            expect([err.statusCode, err.code]).toEqual([400, "SignatureDoesNotMatch"]);
            expect(proxy.captured[0].url).toContain("rsp-web-80");
            expect(emu.control.scalingGroup("asg-demo")?.vServerGroups).toEqual([]);
            // The same request untampered goes through.
            await rpc(emu.host, KEY, "AttachVServerGroups", params, options);
            expect(emu.control.scalingGroup("asg-demo")?.vServerGroups).toHaveLength(1);
        } finally {
            await proxy.close();
        }
    });
});

it("rejects an altered signed header (v3 x-acs-action) with SignatureDoesNotMatch", async () => {
    const proxy = await startProxy(emu.port, (raw) => ({
        ...raw,
        headers: { ...raw.headers, "x-acs-action": "DetachVServerGroups" },
    }));
    try {
        const err = await rpcError(proxy.host, KEY, "AttachVServerGroups", {
            RegionId: "cn-hangzhou",
            ScalingGroupId: "asg-demo",
            ...vServerGroupParams([{ loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port: 80 }]),
        });
        expect(err.code).toBe("SignatureDoesNotMatch");
    } finally {
        await proxy.close();
    }
});

it("answers an unknown action with 404 InvalidAction.NotFound and an unknown version with 400 InvalidVersion", async () => {
    const err = await rpcError(emu.host, KEY, "DescribeNothing", { RegionId: "cn-hangzhou" });
    expect([err.statusCode, err.code]).toEqual([404, "InvalidAction.NotFound"]);
    const wrongVersion = await rpcError(emu.host, KEY, "DescribeScalingGroups", DESCRIBE, { version: "2099-01-01" });
    expect([wrongVersion.statusCode, wrongVersion.code]).toEqual([400, "InvalidVersion"]);
    expect(wrongVersion.message).toContain("Specified parameter Version is not valid.");
});

it("rejects an unsigned request and answers with the Alibaba error shape", async () => {
    const res = await new Promise<{ status: number; type: string; body: Record<string, unknown> }>((resolve, reject) => {
        const req = request(
            {
                host: "127.0.0.1",
                port: emu.port,
                method: "GET",
                path: "/?Action=DescribeScalingGroups&Version=2014-08-28&RegionId=cn-hangzhou",
            },
            (r) => {
                const chunks: Buffer[] = [];
                r.on("data", (c: Buffer) => chunks.push(c));
                r.on("end", () =>
                    resolve({
                        status: r.statusCode ?? 0,
                        type: String(r.headers["content-type"]),
                        body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
                    }),
                );
            },
        );
        req.on("error", reject);
        req.end();
    });
    expect(res.status).toBe(400);
    expect(res.type).toBe("application/json;charset=utf-8");
    expect(Object.keys(res.body).sort()).toEqual(["Code", "HostId", "Message", "Recommend", "RequestId"]);
    expect(res.body).toMatchObject({ Code: "IncompleteSignature", HostId: "ess.aliyuncs.com" });
});
