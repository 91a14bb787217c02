// STS on the emulator, driven by @alicloud/credentials itself (unchanged): it calls STS over https
// only, so it runs in a child node process started with NODE_EXTRA_CA_CERTS=<test CA> (node reads
// that variable at start, so this jest process could not use it). The temporary credentials then
// call ESS through @alicloud/openapi-client. Real HTTP(S), real signatures, no mocks, no sleeps.
import OpenApi, * as $OpenApi from "@alicloud/openapi-client";
import * as $Util from "@alicloud/tea-util";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DEMO_FIXTURE, startEmulator, STS_VERSION, type Emulator, type PolicyDocument } from "../../emulator";
import { ESS_VERSION, rpc, rpcError, vServerGroupParams, type Credentials, type Flat } from "../../harness/rpc";

const ROOT = join(__dirname, "..", "..");
const TLS = join(ROOT, "test", "fixtures", "tls");
const CA = join(TLS, "ca.pem");
const ACCOUNT = "1234567890123456";
const OPERATOR = `acs:ram::${ACCOUNT}:role/ess-operator`;
const READER = `acs:ram::${ACCOUNT}:role/ess-reader`;
const PARTNER = `acs:ram::${ACCOUNT}:role/partner`;
const CI = `acs:ram::${ACCOUNT}:role/ci`;
const PROVIDER = `acs:ram::${ACCOUNT}:oidc-provider/ci-issuer`;
const OIDC_TOKEN = "eyJhbGciOiJSUzI1NiJ9.emulator-ci-token.sig";

const DEPLOYER = { accessKeyId: "EMUKEYSTSDEPLOYER", accessKeySecret: "sts-deployer-secret" };
const STRANGER = { accessKeyId: "EMUKEYSTSSTRANGER", accessKeySecret: "sts-stranger-secret" };
const REGION = "cn-hangzhou";
const DESCRIBE = { RegionId: REGION, "ScalingGroupId.1": "asg-demo" };
const ATTACH = {
    RegionId: REGION,
    ScalingGroupId: "asg-demo",
    ...vServerGroupParams([{ loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port: 80 }]),
};
const DESCRIBE_ONLY: PolicyDocument = { Version: "1", Statement: [{ Effect: "Allow", Action: "ess:Describe*", Resource: "*" }] };

let emu: Emulator;
let https: NonNullable<Emulator["https"]>;
let tmp: string;

beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "emulator-sts-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeEach(async () => {
    emu = await startEmulator({
        state: DEMO_FIXTURE,
        keys: [DEPLOYER, STRANGER],
        tls: { key: readFileSync(join(TLS, "server-key.pem")), cert: readFileSync(join(TLS, "server.pem")) },
        roles: [
            { arn: OPERATOR, trustedPrincipals: [DEPLOYER.accessKeyId], maxSessionDuration: 7200 },
            { arn: READER, trustedPrincipals: [DEPLOYER.accessKeyId], policy: DESCRIBE_ONLY },
            { arn: PARTNER, trustedPrincipals: [DEPLOYER.accessKeyId], externalId: "abcd1234" },
            { arn: CI, trustedOidcProviders: [PROVIDER], policy: DESCRIBE_ONLY },
        ],
        oidcProviders: [{ arn: PROVIDER, tokens: [OIDC_TOKEN], issuerUrl: "https://ci.example.com" }],
    });
    https = emu.https as NonNullable<Emulator["https"]>;
});
afterEach(() => emu.close());

// ---- a child node process running @alicloud/credentials, one JSON line per getCredential() ----

/** Runs in the child: reads a Config (JSON) from argv, answers each "get" line with the credential or the error. */
const CHILD = `
const { default: Credential, Config } = require("@alicloud/credentials");
const credential = new Credential(new Config(JSON.parse(process.argv[1])));
require("node:readline").createInterface({ input: process.stdin }).on("line", async () => {
    try {
        const c = await credential.getCredential();
        console.log(JSON.stringify({ accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken }));
    } catch (e) {
        console.log(JSON.stringify({ error: e.message }));
    }
});
`;

interface Answer extends Partial<Credentials> {
    error?: string;
}

class CredentialsChild {
    private readonly child: ChildProcessWithoutNullStreams;
    private readonly answers: Answer[] = [];
    private readonly waiting: Array<(a: Answer) => void> = [];

    constructor(config: Record<string, unknown>) {
        this.child = spawn(process.execPath, ["-e", CHILD, JSON.stringify(config)], {
            cwd: ROOT,
            env: { ...process.env, NODE_EXTRA_CA_CERTS: CA },
        });
        createInterface({ input: this.child.stdout }).on("line", (line) => {
            const answer = JSON.parse(line) as Answer;
            const next = this.waiting.shift();
            if (next) next(answer);
            else this.answers.push(answer);
        });
    }

    /** One credential.getCredential() in the child. */
    get(): Promise<Answer> {
        this.child.stdin.write("get\n");
        const ready = this.answers.shift();
        return ready ? Promise.resolve(ready) : new Promise((resolve) => this.waiting.push(resolve));
    }

    async credentials(): Promise<Credentials> {
        const answer = await this.get();
        if (answer.error) throw new Error(answer.error);
        return answer as Credentials;
    }

    close(): void {
        this.child.kill();
    }
}

const children: CredentialsChild[] = [];
afterEach(() => children.splice(0).forEach((c) => c.close()));

function ramRoleArn(extra: Record<string, unknown> = {}): CredentialsChild {
    const child = new CredentialsChild({
        type: "ram_role_arn",
        ...DEPLOYER,
        roleArn: OPERATOR,
        roleSessionName: "deploy-1",
        stsEndpoint: https.host,
        ...extra,
    });
    children.push(child);
    return child;
}

/** The STS error body in @alicloud/credentials' message ("refresh session token failed: {...}"). */
function stsError(message: string | undefined): Record<string, unknown> {
    const json = /(\{.*\})/s.exec(message ?? "")?.[1];
    if (!json) throw new Error(`no STS answer in: ${message}`);
    return JSON.parse(json) as Record<string, unknown>;
}

const sts = (credentials: Credentials, action: string, params: Flat) =>
    rpcError(emu.host, credentials, action, params, { version: STS_VERSION, signatureAlgorithm: "v2" });

describe("ram_role_arn through @alicloud/credentials", () => {
    it("assumes the role over https; ESS takes the key only with its SecurityToken and logs the role session", async () => {
        const credentials = await ramRoleArn().credentials();
        expect(credentials.accessKeyId).toMatch(/^STS\.[A-Za-z0-9]{25}$/);
        expect(credentials.securityToken).toMatch(/^CAIS/);

        for (const signatureAlgorithm of [undefined, "v2"] as const) {
            await expect(rpc(emu.host, credentials, "DescribeScalingGroups", DESCRIBE, { signatureAlgorithm })).resolves.toMatchObject({
                TotalCount: 1,
            });
        }
        const [assume] = emu.control.calls({ action: "AssumeRole" });
        expect(assume).toMatchObject({
            status: 200,
            accessKeyId: DEPLOYER.accessKeyId,
            params: { RoleArn: OPERATOR, RoleSessionName: "deploy-1" },
        });
        expect(assume.roleArn).toBeUndefined();
        expect(emu.control.calls({ action: "DescribeScalingGroups" })).toMatchObject([
            { status: 200, accessKeyId: credentials.accessKeyId, roleArn: OPERATOR, roleSessionName: "deploy-1", signatureAlgorithm: "v3" },
            { status: 200, accessKeyId: credentials.accessKeyId, roleArn: OPERATOR, roleSessionName: "deploy-1", signatureAlgorithm: "v1" },
        ]);
        expect(emu.control.stsSessions()).toMatchObject([
            {
                accessKeyId: credentials.accessKeyId,
                roleArn: OPERATOR,
                roleSessionName: "deploy-1",
                expired: false,
                assumedBy: DEPLOYER.accessKeyId,
            },
        ]);
        expect(JSON.stringify(emu.control.calls())).not.toContain(credentials.accessKeySecret);
    });

    it("refuses the STS key without its token, with a malformed one, and with another session's", async () => {
        const first = await ramRoleArn().credentials();
        const second = await ramRoleArn({ roleSessionName: "deploy-2" }).credentials();
        const call = (c: Credentials) => rpcError(emu.host, c, "DescribeScalingGroups", DESCRIBE);
        const missing = await call({ accessKeyId: first.accessKeyId, accessKeySecret: first.accessKeySecret });
        expect([missing.statusCode, missing.code, missing.data.Message]).toEqual([
            400,
            "MissingSecurityToken",
            "SecurityToken is mandatory for this action.",
        ]);
        const malformed = await call({ ...first, securityToken: "not-a-token" });
        expect([malformed.statusCode, malformed.code]).toEqual([400, "InvalidSecurityToken.Malformed"]);
        const mismatch = await call({ ...first, securityToken: second.securityToken });
        expect([mismatch.statusCode, mismatch.code]).toEqual([400, "InvalidSecurityToken.MismatchWithAccessKey"]);
    });

    it("answers the AssumeRole shape of the API reference", async () => {
        const before = Date.now();
        const body = await rpc(emu.host, DEPLOYER, "AssumeRole", { RoleArn: OPERATOR, RoleSessionName: "alice" }, { version: STS_VERSION });
        expect(Object.keys(body).sort()).toEqual(["AssumedRoleUser", "Credentials", "RequestId"]);
        expect(body.AssumedRoleUser).toEqual({ Arn: `${OPERATOR}/alice`, AssumedRoleId: expect.stringMatching(/^\d{17}:alice$/) });
        const credentials = body.Credentials as Record<string, string>;
        expect(Object.keys(credentials).sort()).toEqual(["AccessKeyId", "AccessKeySecret", "Expiration", "SecurityToken"]);
        expect(credentials.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        // Default DurationSeconds 3600 (second precision; a minute of slack for a slow machine).
        expect(Date.parse(credentials.Expiration) - before).toBeGreaterThan(3540_000);
        expect(Date.parse(credentials.Expiration) - before).toBeLessThanOrEqual(3601_000);
    });

    it("a key the role does not trust gets STS's 403 NoPermission; an unknown role 404 EntityNotExist.Role", async () => {
        const untrusted = await ramRoleArn({ ...STRANGER }).get();
        expect(untrusted.error).toMatch(/^refresh session token failed: /);
        expect(stsError(untrusted.error)).toMatchObject({
            Code: "NoPermission",
            Message: "You are not authorized to do this action. You should be authorized by RAM.",
            HostId: "sts.aliyuncs.com",
        });
        const unknown = await ramRoleArn({ roleArn: `acs:ram::${ACCOUNT}:role/nobody` }).get();
        expect(stsError(unknown.error)).toMatchObject({ Code: "EntityNotExist.Role", Message: "The specified Role not exists." });
        expect(emu.control.calls({ action: "AssumeRole", ok: false }).map((c) => [c.status, c.code])).toEqual([
            [403, "NoPermission"],
            [404, "EntityNotExist.Role"],
        ]);
    });

    it("a role with an ExternalId needs that one: a wrong or missing one fails its trust policy", async () => {
        await expect(ramRoleArn({ roleArn: PARTNER, externalId: "abcd1234" }).credentials()).resolves.toHaveProperty("securityToken");
        expect(stsError((await ramRoleArn({ roleArn: PARTNER, externalId: "wrong-id" }).get()).error)).toMatchObject({
            Code: "NoPermission",
        });
        expect(stsError((await ramRoleArn({ roleArn: PARTNER }).get()).error)).toMatchObject({ Code: "NoPermission" });
        const malformed = await sts(DEPLOYER, "AssumeRole", { RoleArn: PARTNER, RoleSessionName: "p1", ExternalId: "bad id!" });
        expect([malformed.statusCode, malformed.code]).toEqual([400, "InvalidParameter.ExternalId"]);
    });

    it("DurationSeconds goes from 900 to the role's MaxSessionDuration", async () => {
        const before = Date.now();
        await ramRoleArn({ roleSessionExpiration: 7200 }).credentials();
        const [session] = emu.control.stsSessions();
        expect(Date.parse(session.expiration) - before).toBeGreaterThan(7140_000);
        const over = await ramRoleArn({ roleSessionExpiration: 7201 }).get();
        expect(stsError(over.error)).toMatchObject({
            Code: "InvalidParameter.DurationSeconds",
            Message: "The Min/Max value of DurationSeconds is 15min/1hr.",
        });
        // @alicloud/credentials refuses less than 900 itself; the API answers it too.
        for (const [role, seconds] of [
            [OPERATOR, "899"],
            [READER, "3601"],
            [OPERATOR, "1h"],
        ]) {
            const err = await sts(DEPLOYER, "AssumeRole", { RoleArn: role, RoleSessionName: "d1", DurationSeconds: seconds });
            expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.DurationSeconds"]);
        }
    });

    it("a session Policy narrows the role's, and a refused call names the session policy", async () => {
        const narrowed = await ramRoleArn({ policy: JSON.stringify(DESCRIBE_ONLY) }).credentials();
        await expect(rpc(emu.host, narrowed, "DescribeScalingGroups", DESCRIBE)).resolves.toMatchObject({ TotalCount: 1 });
        const err = await rpcError(emu.host, narrowed, "AttachVServerGroups", ATTACH);
        expect([err.statusCode, err.code]).toEqual([403, "Forbidden.Unauthorized"]);
        expect(err.data.AccessDeniedDetail).toMatchObject({
            AuthAction: "ess:AttachVServerGroups",
            AuthPrincipalType: "AssumedRoleUser",
            AuthPrincipalDisplayName: expect.stringMatching(/^\d{17}:deploy-1$/),
            NoPermissionType: "ImplicitDeny",
            PolicyType: "SessionPolicy",
        });
        expect(emu.control.calls({ action: "AttachVServerGroups" })).toMatchObject([
            { status: 403, code: "Forbidden.Unauthorized", roleArn: OPERATOR, roleSessionName: "deploy-1" },
        ]);
        // ... and cannot widen it: the reader role may only describe, whatever the session Policy says.
        const everything = JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
        const reader = await ramRoleArn({ roleArn: READER, policy: everything }).credentials();
        const refused = await rpcError(emu.host, reader, "AttachVServerGroups", ATTACH);
        expect(refused.data.AccessDeniedDetail).toMatchObject({ PolicyType: "AccountLevelIdentityBasedPolicy" });
        const grammar = await ramRoleArn({ policy: '{"Version":"1","Statement":"nope"}' }).get();
        expect(stsError(grammar.error)).toMatchObject({ Code: "InvalidParameter.PolicyGrammar" });
    });
});

describe("expiry without clocks", () => {
    it("expireCredentials makes a key answer InvalidSecurityToken.Expired; @alicloud/credentials keeps its cached one until it goes stale", async () => {
        const child = ramRoleArn();
        const credentials = await child.credentials();
        await expect(rpc(emu.host, credentials, "DescribeScalingGroups", DESCRIBE)).resolves.toMatchObject({ TotalCount: 1 });
        expect(emu.control.expireCredentials(credentials.accessKeyId)).toBe(1);
        const err = await rpcError(emu.host, credentials, "DescribeScalingGroups", DESCRIBE);
        expect([err.statusCode, err.code, err.data.Message]).toEqual([
            400,
            "InvalidSecurityToken.Expired",
            "Specified SecurityToken is expired.",
        ]);
        // An Expiration an hour away is not stale (15 minutes before it), so the library hands out the same key.
        expect(await child.credentials()).toEqual(credentials);
        expect(emu.control.calls({ action: "AssumeRole" })).toHaveLength(1);
        expect(emu.control.stsSessions()).toMatchObject([{ accessKeyId: credentials.accessKeyId, expired: true }]);
        expect(() => emu.control.expireCredentials("STS.nope")).toThrow(/no STS session/);
    });

    it("with a reported lifetime inside the library's 15-minute stale window it assumes the role again on every use", async () => {
        emu.control.setStsLifetime(600);
        const child = ramRoleArn();
        const first = await child.credentials();
        const second = await child.credentials();
        expect(second.accessKeyId).not.toBe(first.accessKeyId);
        expect(emu.control.calls({ action: "AssumeRole", ok: true })).toHaveLength(2);

        // Over the admin API: expire one key, then all.
        const expire = (body: object) =>
            fetch(`${emu.endpoint}/__emulator/sts/expire`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json());
        expect(await expire({ accessKeyId: first.accessKeyId })).toEqual({ expired: 1 });
        expect((await rpcError(emu.host, first, "DescribeScalingGroups", DESCRIBE)).code).toBe("InvalidSecurityToken.Expired");
        await expect(rpc(emu.host, second, "DescribeScalingGroups", DESCRIBE)).resolves.toMatchObject({ TotalCount: 1 });
        expect(await expire({})).toEqual({ expired: 1 });
        expect((await rpcError(emu.host, second, "DescribeScalingGroups", DESCRIBE)).code).toBe("InvalidSecurityToken.Expired");
        const third = await child.credentials();
        await expect(rpc(emu.host, third, "DescribeScalingGroups", DESCRIBE)).resolves.toMatchObject({ TotalCount: 1 });
    });
});

describe("AssumeRoleWithOIDC through @alicloud/credentials", () => {
    function oidc(extra: Record<string, unknown> = {}): CredentialsChild {
        const tokenFile = join(tmp, `token-${children.length}`);
        writeFileSync(tokenFile, String(extra.token ?? OIDC_TOKEN));
        const child = new CredentialsChild({
            type: "oidc_role_arn",
            roleArn: CI,
            oidcProviderArn: PROVIDER,
            oidcTokenFilePath: tokenFile,
            roleSessionName: "ci-run-7",
            stsEndpoint: https.host,
            ...extra,
        });
        children.push(child);
        return child;
    }

    it("exchanges a configured token, unsigned, for credentials of a role that trusts the provider", async () => {
        const credentials = await oidc().credentials();
        await expect(rpc(emu.host, credentials, "DescribeScalingGroups", DESCRIBE)).resolves.toMatchObject({ TotalCount: 1 });
        expect((await rpcError(emu.host, credentials, "AttachVServerGroups", ATTACH)).code).toBe("Forbidden.Unauthorized");
        const [exchange] = emu.control.calls({ action: "AssumeRoleWithOIDC" });
        expect(exchange).toMatchObject({ status: 200, params: { RoleArn: CI, OIDCProviderArn: PROVIDER, OIDCToken: "(redacted)" } });
        expect(exchange.accessKeyId).toBeUndefined();
        expect(emu.control.calls({ action: "DescribeScalingGroups" })).toMatchObject([{ roleArn: CI, roleSessionName: "ci-run-7" }]);
        expect(emu.control.stsSessions()).toMatchObject([{ roleArn: CI, assumedBy: PROVIDER }]);
    });

    it("answers the OIDCTokenInfo of the API reference", async () => {
        const body = await rpc(
            emu.host,
            DEPLOYER,
            "AssumeRoleWithOIDC",
            { OIDCProviderArn: PROVIDER, RoleArn: CI, OIDCToken: OIDC_TOKEN, RoleSessionName: "ci" },
            { version: STS_VERSION },
        );
        expect(body.OIDCTokenInfo).toEqual({ Subject: "subject-1", Issuer: "https://ci.example.com", ClientIds: "sts.aliyuncs.com" });
        expect(body.AssumedRoleUser).toMatchObject({ Arn: `${CI}/ci` });
    });

    it("refuses an unknown token, an unknown provider and a role that does not trust it", async () => {
        const cases: Array<[Record<string, unknown>, string, string]> = [
            [
                { token: "someone-elses-token" },
                "AuthenticationFail.OIDCToken.Invalid",
                "The Jwt content is invalid that cannot be recognized.",
            ],
            [
                { oidcProviderArn: `acs:ram::${ACCOUNT}:oidc-provider/other` },
                "AuthenticationFail.NoPermission",
                "No such OIDC Provider registered.",
            ],
            [{ roleArn: OPERATOR }, "AuthenticationFail.NoPermission", "There is no permission"],
        ];
        for (const [extra, code, message] of cases) {
            const answer = await oidc(extra).get();
            expect(answer.error).toMatch(/^get sts token failed with OIDC: /);
            expect(stsError(answer.error)).toMatchObject({ Code: code, Message: message });
        }
        expect(emu.control.calls({ action: "AssumeRoleWithOIDC" }).map((c) => c.status)).toEqual([401, 401, 401]);
    });
});

describe("the HTTPS listener", () => {
    function httpsClient(credentials: Credentials, ca?: string): OpenApi {
        return new OpenApi(new $OpenApi.Config({ ...credentials, endpoint: https.host, protocol: "https", regionId: REGION, ca }));
    }
    const describe_ = (client: OpenApi) =>
        client.callApi(
            new $OpenApi.Params({
                action: "DescribeScalingGroups",
                version: ESS_VERSION,
                protocol: "HTTPS",
                pathname: "/",
                method: "POST",
                authType: "AK",
                style: "RPC",
                reqBodyType: "formData",
                bodyType: "json",
            }),
            new $OpenApi.OpenApiRequest({ query: DESCRIBE }),
            new $Util.RuntimeOptions({}),
        ) as Promise<{ body: Record<string, unknown> }>;

    it("serves the same API and state as the HTTP port to a client given the CA (openapi-client's Config.ca)", async () => {
        await rpc(emu.host, DEPLOYER, "AttachVServerGroups", ATTACH);
        const { body } = await describe_(httpsClient(DEPLOYER, readFileSync(CA, "utf8")));
        expect(JSON.stringify(body)).toContain("rsp-web-80");
        expect(https.endpoint).toBe(`https://${https.host}`);
        expect(https.port).not.toBe(emu.port);
    });

    it("is refused by a client that does not trust the test CA", async () => {
        await expect(describe_(httpsClient(DEPLOYER))).rejects.toThrow(/certificate/);
        expect(emu.control.calls({ action: "DescribeScalingGroups" })).toHaveLength(0);
    });
});

describe("configuring STS", () => {
    it("roles and OIDC providers come from the seed too, and the admin API adds, lists and removes them", async () => {
        const seeded = `acs:ram::${ACCOUNT}:role/seeded`;
        emu.control.seed({ ...DEMO_FIXTURE, roles: [{ arn: seeded, trustedPrincipals: ["*"] }] });
        expect(emu.control.roles().map((r) => r.arn)).toEqual([OPERATOR, READER, PARTNER, CI, seeded]);
        const admin = async (method: string, path: string, body?: object) => {
            const response = await fetch(`${emu.endpoint}/__emulator/${path}`, { method, body: body && JSON.stringify(body) });
            return {
                status: response.status,
                body: (await response.json()) as Record<string, unknown> &
                    Array<{ arn: string; expiration: string; roleSessionName?: string }>,
            };
        };
        const added = `acs:ram::${ACCOUNT}:role/added`;
        expect((await admin("POST", "roles", { arn: added, trustedPrincipals: [STRANGER.accessKeyId] })).status).toBe(200);
        await expect(
            rpc(emu.host, STRANGER, "AssumeRole", { RoleArn: added, RoleSessionName: "s1" }, { version: STS_VERSION }),
        ).resolves.toHaveProperty("Credentials");
        expect((await admin("GET", "roles")).body.map((r) => r.arn)).toContain(added);
        expect((await admin("DELETE", `roles/${encodeURIComponent(added)}`)).status).toBe(200);
        expect((await sts(STRANGER, "AssumeRole", { RoleArn: added, RoleSessionName: "s2" })).code).toBe("EntityNotExist.Role");
        const bad = await admin("POST", "roles", { arn: "role/added" });
        expect([bad.status, bad.body.error]).toEqual([400, expect.stringContaining("acs:ram::<account id>:role/<name>")]);
        expect((await admin("POST", "oidc-providers", { arn: `acs:ram::${ACCOUNT}:oidc-provider/x`, tokens: ["t"] })).status).toBe(200);
        expect((await admin("GET", "oidc-providers")).body.map((p) => p.arn)).toEqual([PROVIDER, `acs:ram::${ACCOUNT}:oidc-provider/x`]);
        expect((await admin("POST", "sts/lifetime", { seconds: 1200 })).status).toBe(200);
        await rpc(emu.host, DEPLOYER, "AssumeRole", { RoleArn: OPERATOR, RoleSessionName: "short" }, { version: STS_VERSION });
        const session = (await admin("GET", "sts/sessions")).body.find((x) => x.roleSessionName === "short");
        if (!session) throw new Error("no session 'short'");
        expect(Date.parse(session.expiration) - Date.now()).toBeLessThanOrEqual(1200_000);
    });

    it("a session of a role that was removed may do nothing; reset() forgets sessions and returns to the roles it started with", async () => {
        const credentials = await ramRoleArn().credentials();
        emu.control.removeRole(OPERATOR);
        expect((await rpcError(emu.host, credentials, "DescribeScalingGroups", DESCRIBE)).code).toBe("Forbidden.Unauthorized");
        emu.control.reset();
        expect(emu.control.roles().map((r) => r.arn)).toContain(OPERATOR);
        expect(emu.control.stsSessions()).toEqual([]);
        expect((await rpcError(emu.host, credentials, "DescribeScalingGroups", DESCRIBE)).code).toBe("InvalidAccessKeyId.NotFound");
    });
});

describe("the CLI", () => {
    it("--tls-key/--tls-cert serve STS over https to @alicloud/credentials, with roles from the --state file", async () => {
        const stateFile = join(tmp, "state.json");
        writeFileSync(
            stateFile,
            JSON.stringify({ ...DEMO_FIXTURE, roles: [{ arn: OPERATOR, trustedPrincipals: [DEPLOYER.accessKeyId] }] }),
        );
        const cli = spawn(
            process.execPath,
            [
                join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
                join(ROOT, "emulator", "cli.ts"),
                ...["--port", "0", "--https-port", "0", "--state", stateFile],
                ...["--tls-key", join(TLS, "server-key.pem"), "--tls-cert", join(TLS, "server.pem")],
                ...["--access-key-id", DEPLOYER.accessKeyId, "--access-key-secret", DEPLOYER.accessKeySecret],
            ],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        try {
            const vars = await new Promise<Record<string, string>>((resolve, reject) => {
                let out = "";
                cli.stdout.on("data", (chunk: Buffer) => {
                    out += chunk.toString();
                    if (!out.includes("ESS_EMULATOR_STS_ENDPOINT=")) return;
                    resolve(
                        Object.fromEntries(
                            out
                                .split("\n")
                                .filter((l) => l.includes("="))
                                .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
                        ),
                    );
                });
                cli.on("exit", (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
            });
            expect(vars.ESS_EMULATOR_HTTPS_ENDPOINT).toBe(`https://${vars.ESS_EMULATOR_STS_ENDPOINT}`);
            const child = new CredentialsChild({
                type: "ram_role_arn",
                ...DEPLOYER,
                roleArn: OPERATOR,
                roleSessionName: "cli",
                stsEndpoint: vars.ESS_EMULATOR_STS_ENDPOINT,
            });
            children.push(child);
            const credentials = await child.credentials();
            const host = vars.ALIBABA_CLOUD_ESS_ENDPOINT.replace("http://", "");
            await expect(rpc(host, credentials, "DescribeScalingGroups", DESCRIBE)).resolves.toMatchObject({ TotalCount: 1 });
        } finally {
            cli.removeAllListeners("exit");
            cli.kill("SIGTERM");
        }
    });
});
