// Signature failures through the provider (engine steps called directly) and the ESS client:
// each ends in one clear, final error naming the ESS code and what to do, and no error, log line
// or emulator record ever carries a secret (AccessKey secret, wrong secret, STS token).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type Emulator } from "../../emulator";
import { EssClient } from "../../provider/client/ess";
import * as steps from "../../provider/steps";
import { send } from "../../harness/proxy";
import { freshPluginProcess, VServerCalls } from "../../harness/provider-env";

jest.setTimeout(60_000);

const REGION = "cn-hangzhou";
const KEY = { accessKeyId: "EMUKEYRELSEC0001", accessKeySecret: "rel-secret-Zq8v1-DO-NOT-PRINT" };
const WRONG_SECRET = "rel-wrong-secret-Kx7-DO-NOT-PRINT";
const STS = {
    accessKeyId: "STS.RELSEC0002",
    accessKeySecret: "rel-sts-secret-Pw3-DO-NOT-PRINT",
    securityToken: "CAISrelStsTokenTt9DONOTPRINT",
};
const EXPIRED_STS = {
    accessKeyId: "STS.RELSEC0003",
    accessKeySecret: "rel-sts-old-secret-Qq2-DO-NOT-PRINT",
    securityToken: "CAISrelStsOldTokenUu5DONOTPRINT",
    tokenExpiresAt: "2020-01-01T00:00:00Z",
};
const SECRETS = [
    KEY.accessKeySecret,
    WRONG_SECRET,
    STS.accessKeySecret,
    STS.securityToken,
    EXPIRED_STS.accessKeySecret,
    EXPIRED_STS.securityToken,
];

let emu: Emulator;
let stderr: string[] = [];
const inputs = {
    scalingGroupId: "asg-1",
    region: REGION,
    vserverGroups: [{ loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: "rsp-web-80", port: 80, weight: 50 }] }],
    forceAttach: false,
    forceDetach: false,
};

/** A man-in-the-middle that delivers each signed request twice and hands back the second answer (a replay). */
async function replayingProxy(targetPort: number): Promise<{ host: string; close(): Promise<void> }> {
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", async () => {
            const raw = { method: req.method ?? "POST", url: req.url ?? "/", headers: { ...req.headers }, body: Buffer.concat(chunks) };
            try {
                await send(targetPort, raw);
                const again = await send(targetPort, raw);
                res.writeHead(again.status, { "content-type": "application/json;charset=utf-8" });
                res.end(JSON.stringify(again.body));
            } catch {
                res.destroy();
            }
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return {
        host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
            new Promise<void>((r) => {
                server.close(() => r());
                server.closeAllConnections();
            }),
    };
}

async function useCredentials(env: Record<string, string | undefined>, endpoint = emu.endpoint): Promise<void> {
    for (const k of ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"])
        delete process.env[k];
    Object.assign(process.env, { ALIBABA_CLOUD_ESS_ENDPOINT: endpoint }, env);
    await freshPluginProcess();
}

beforeAll(async () => {
    emu = await startEmulator({
        keys: [KEY, STS, EXPIRED_STS],
        state: {
            scalingGroups: [{ scalingGroupId: "asg-1", regionId: REGION, instances: ["i-1"] }],
            loadBalancers: [{ loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80"] }],
        },
    });
    Object.assign(process.env, {
        ALIBABA_CLOUD_REGION_ID: REGION,
        ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "5",
        ALIBABA_CLOUD_ESS_READ_TIMEOUT: "2000",
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
    });
    delete process.env.ESS_VSERVER_GROUPS_QUIET;
});
afterAll(() => emu.close());
beforeEach(() => {
    emu.control.reset();
    stderr = [];
    jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
        stderr.push(String(chunk));
        return true;
    });
});
afterEach(() => jest.restoreAllMocks());

const CASES: Array<{ name: string; code: string; hint: RegExp; setup: () => Promise<(() => Promise<void>) | void> }> = [
    {
        name: "wrong AccessKey ID",
        code: "InvalidAccessKeyId.NotFound",
        hint: /the AccessKey ID is not known: check alicloud:accessKey or ALIBABA_CLOUD_ACCESS_KEY_ID/,
        setup: () =>
            useCredentials({ ALIBABA_CLOUD_ACCESS_KEY_ID: "EMUKEYNOSUCHKEY", ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret }),
    },
    {
        name: "wrong AccessKey secret",
        code: "SignatureDoesNotMatch",
        hint: /the AccessKey secret does not match the AccessKey ID/,
        setup: () => useCredentials({ ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: WRONG_SECRET }),
    },
    {
        name: "expired timestamp (client clock 20 min behind)",
        code: "InvalidTimeStamp.Expired",
        hint: /the machine's clock is off: synchronise it/,
        setup: async () => {
            emu.control.setClockOffset(20 * 60 * 1000);
            await useCredentials({ ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret });
        },
    },
    {
        name: "replayed signature nonce",
        code: "SignatureNonceUsed",
        hint: /Specified signature nonce was used already/,
        setup: async () => {
            const proxy = await replayingProxy(emu.port);
            await useCredentials(
                { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret },
                `http://${proxy.host}`,
            );
            return () => proxy.close();
        },
    },
    {
        name: "expired STS token",
        code: "InvalidSecurityToken.Expired",
        hint: /the STS token has expired: obtain a fresh one/,
        setup: () =>
            useCredentials({
                ALIBABA_CLOUD_ACCESS_KEY_ID: EXPIRED_STS.accessKeyId,
                ALIBABA_CLOUD_ACCESS_KEY_SECRET: EXPIRED_STS.accessKeySecret,
                ALIBABA_CLOUD_SECURITY_TOKEN: EXPIRED_STS.securityToken,
            }),
    },
    {
        name: "STS token of another key",
        code: "InvalidSecurityToken.MismatchWithAccessKey",
        hint: /the STS token does not belong to this AccessKey ID/,
        setup: () =>
            useCredentials({
                ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId,
                ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret,
                ALIBABA_CLOUD_SECURITY_TOKEN: EXPIRED_STS.securityToken,
            }),
    },
];

describe.each(CASES)("$name", ({ code, hint, setup }) => {
    it(`create fails once with ${code}, names what to do, and never prints a secret`, async () => {
        const teardown = await setup();
        try {
            const err = (await steps.create(inputs).catch((e: unknown) => e)) as Error & { properties?: unknown };
            expect(err).toBeInstanceOf(Error);
            expect(err.message).toMatch(
                new RegExp(`^DescribeScalingGroups failed: ${code.replace(/\./g, "\\.")}: .+ \\(RequestId: [0-9A-F-]{36}\\)`),
            );
            expect(err.message).toMatch(hint);
            expect(err.properties).toBeUndefined(); // nothing was attached: no partial state
            // Final: one call, no retry (a signature problem does not fix itself) — except a replayed nonce,
            // retried because each attempt is signed with a fresh nonce (this proxy replays every one).
            // (The replay case: the proxy delivered the original first, so ESS saw it succeed once.)
            const calls = emu.control.calls().filter((c) => c.status !== 200);
            if (code === "SignatureNonceUsed") expect(calls.length).toBeGreaterThan(1);
            else expect(calls).toHaveLength(1);
            for (const c of calls) expect(c.code).toBe(code);
            expect(emu.control.scalingGroup("asg-1")!.vServerGroups).toEqual([]);
            const everything = [
                err.message,
                err.stack ?? "",
                JSON.stringify(err),
                stderr.join(""),
                JSON.stringify(emu.control.calls()),
            ].join("\n");
            for (const secret of SECRETS) expect(everything).not.toContain(secret);
        } finally {
            if (teardown) await teardown();
        }
    });
});

describe("the classic HMAC-SHA1 signature fails the same way", () => {
    const client = (key: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) =>
        new VServerCalls(
            EssClient.create({
                region: REGION,
                endpoint: { protocol: "http", host: emu.host },
                accessKey: key,
                retry: { totalTimeoutMs: 5000, baseDelayMs: 10, maxDelayMs: 10 },
                readTimeoutMs: 2000,
                signatureV1: true,
            }),
        );
    const keys: Record<string, { accessKeyId: string; accessKeySecret: string; securityToken?: string }> = {
        "wrong secret": { ...KEY, accessKeySecret: WRONG_SECRET },
        "wrong key id": { ...KEY, accessKeyId: "EMUKEYNOSUCHKEY" },
        "expired STS token": EXPIRED_STS,
    };
    it.each([
        ["wrong secret", "SignatureDoesNotMatch"],
        ["wrong key id", "InvalidAccessKeyId.NotFound"],
        ["expired STS token", "InvalidSecurityToken.Expired"],
    ])("%s → %s, no secret in the error", async (name, code) => {
        const key = keys[name];
        const err = (await client(key)
            .describeScalingGroup("asg-1")
            .catch((e: unknown) => e)) as Error;
        expect(err.message).toContain(`DescribeScalingGroups failed: ${code}: `);
        expect(emu.control.calls()).toHaveLength(1);
        expect(emu.control.calls()[0].signatureAlgorithm).toBeUndefined(); // rejected before it counted as verified
        for (const secret of SECRETS) expect(`${err.message}\n${err.stack}\n${JSON.stringify(err)}`).not.toContain(secret);
    });
    it("and a correct key works (the failures above are about the credentials, not the client)", async () => {
        await expect(client(KEY).describeScalingGroup("asg-1")).resolves.toMatchObject({ scalingGroupId: "asg-1" });
        await expect(client(STS).describeScalingGroup("asg-1")).resolves.toMatchObject({ scalingGroupId: "asg-1" });
    });
});
