import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackConfig } from "../../provider/client/config";
import { describeIdentity, identityOf } from "../../provider/client/identity";

const config = (values: Record<string, unknown>): StackConfig => ({
    get: (k) => {
        const v = values[k];
        return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    },
});
const ROLE = "acs:ram::1234567890:role/deployer";
const dir = mkdtempSync(join(tmpdir(), "identity-"));
const profiles = join(dir, "config.json");
writeFileSync(
    profiles,
    JSON.stringify({
        current: "dev",
        profiles: [
            { name: "dev", mode: "AK", access_key_id: "DEV", access_key_secret: "dev-secret" },
            { name: "prod", mode: "RamRoleArn", access_key_id: "PROD", access_key_secret: "s", ram_role_arn: ROLE, ram_session_name: "x" },
            { name: "odd", mode: "Password" },
            { name: "sso", mode: "OAuth" },
        ],
    }),
);
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, "oidc-token");

describe("identity: @pulumi/alicloud's settings, resolved before any call", () => {
    it("nothing set: the @alicloud/credentials default chain", () => {
        expect(identityOf(undefined, config({}), {})).toEqual({ base: { type: "default" } });
    });

    it.each<[string, Record<string, unknown>, Record<string, string>, string]>([
        ["config key pair", { "alicloud:accessKey": "AK1", "alicloud:secretKey": "s" }, {}, "AccessKey AK1"],
        ["env key pair", {}, { ALICLOUD_ACCESS_KEY: "AK2", ALICLOUD_SECRET_KEY: "s" }, "AccessKey AK2"],
        [
            "config pair wins over env pair",
            { "alicloud:accessKey": "AK1", "alicloud:secretKey": "s" },
            { ALIBABA_CLOUD_ACCESS_KEY_ID: "AK2", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s" },
            "AccessKey AK1",
        ],
        [
            "profile from config, file from config",
            { "alicloud:profile": "prod", "alicloud:sharedCredentialsFile": profiles },
            {},
            `profile prod of ${profiles}`,
        ],
        [
            "profile and file from env",
            {},
            { ALICLOUD_PROFILE: "dev", ALICLOUD_SHARED_CREDENTIALS_FILE: profiles },
            `profile dev of ${profiles}`,
        ],
        [
            "assumeRole over a key pair",
            { "alicloud:assumeRole": { roleArn: ROLE, sessionName: "ci" } },
            { ALICLOUD_ACCESS_KEY: "AK2", ALICLOUD_SECRET_KEY: "s" },
            `role ${ROLE} assumed by AccessKey AK2`,
        ],
        [
            "assumeRole from env over the default chain",
            {},
            { ALICLOUD_ASSUME_ROLE_ARN: ROLE },
            `role ${ROLE} assumed by the @alicloud/credentials default chain`,
        ],
        ["ecsRoleName", { "alicloud:ecsRoleName": "EcsRole" }, {}, "ECS RAM role EcsRole"],
        ["ecsRoleName from env", {}, { ALICLOUD_ECS_ROLE_NAME: "EcsRole" }, "ECS RAM role EcsRole"],
        ["credentialsUri", { "alicloud:credentialsUri": "http://127.0.0.1:9/creds" }, {}, "credentials URI http://127.0.0.1:9/creds"],
        [
            "OIDC from config",
            { "alicloud:assumeRoleWithOidc": { oidcProviderArn: "acs:ram::1:oidc-provider/p", roleArn: ROLE, oidcTokenFile: tokenFile } },
            {},
            `OIDC role ${ROLE}`,
        ],
        [
            "OIDC from env",
            {},
            {
                ALIBABA_CLOUD_OIDC_PROVIDER_ARN: "acs:ram::1:oidc-provider/p",
                ALIBABA_CLOUD_ROLE_ARN: ROLE,
                ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
            },
            `OIDC role ${ROLE}`,
        ],
    ])("%s", (_, cfg, env, who) => {
        expect(describeIdentity(identityOf(undefined, config(cfg), env))).toBe(who);
    });

    it("settings the program or stack config names win over the environment's; fields left out of an object come from it", () => {
        const rrsa = {
            ALIBABA_CLOUD_OIDC_PROVIDER_ARN: "acs:ram::1:oidc-provider/p",
            ALIBABA_CLOUD_ROLE_ARN: ROLE,
            ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
        };
        const keyed = identityOf(undefined, config({ "alicloud:accessKey": "AK1", "alicloud:secretKey": "s" }), rrsa);
        expect(describeIdentity(keyed)).toBe("AccessKey AK1");
        const profile = identityOf(undefined, config({ "alicloud:profile": "dev", "alicloud:sharedCredentialsFile": profiles }), {
            ALICLOUD_ACCESS_KEY: "A",
            ALICLOUD_SECRET_KEY: "s",
        });
        expect(describeIdentity(profile)).toBe(`profile dev of ${profiles}`);
        const env = {
            ALICLOUD_ASSUME_ROLE_SESSION_NAME: "ci",
            ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION: "1800",
            ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
        };
        expect(identityOf(undefined, config({ "alicloud:assumeRole": { roleArn: ROLE } }), env).assumeRole).toEqual({
            roleArn: ROLE,
            sessionName: "ci",
            sessionExpiration: 1800,
        });
        const oidc = identityOf(
            undefined,
            config({ "alicloud:assumeRoleWithOidc": { oidcProviderArn: "acs:ram::1:oidc-provider/p", roleArn: ROLE } }),
            env,
        );
        expect(oidc.base).toEqual({
            type: "oidc_role_arn",
            oidc: { oidcProviderArn: "acs:ram::1:oidc-provider/p", roleArn: ROLE, oidcTokenFile: tokenFile },
        });
    });

    it("a credentials file in the environment without a profile is the default chain's to read", () => {
        expect(identityOf(undefined, config({}), { ALIBABA_CLOUD_CREDENTIALS_FILE: "/etc/alibabacloud/credentials.ini" })).toEqual({
            base: { type: "default" },
        });
    });

    it("assumeRole keeps every field, with the session name defaulted; endpoints give STS and ESS hosts", () => {
        const identity = identityOf(
            undefined,
            config({
                "alicloud:assumeRole": { roleArn: ROLE, policy: '{"Version":"1"}', sessionExpiration: 900, externalId: "ext" },
                "alicloud:endpoints": [{ sts: "127.0.0.1:8443", ess: "127.0.0.1:8080" }],
            }),
            {},
        );
        expect(identity.assumeRole).toEqual({
            roleArn: ROLE,
            sessionName: "pulumi-alicloud-ess",
            policy: '{"Version":"1"}',
            sessionExpiration: 900,
            externalId: "ext",
        });
        expect([identity.stsEndpoint, identity.essEndpoint]).toEqual(["127.0.0.1:8443", "127.0.0.1:8080"]);
    });

    it("a resource's identity is an explicit provider: the stack config does not apply, the environment does", () => {
        const stack = config({ "alicloud:accessKey": "STACK", "alicloud:secretKey": "s", "alicloud:region": "cn-beijing" });
        const own = identityOf({ region: "cn-shanghai", accessKey: "PROD", secretKey: "p" }, stack, {});
        expect([describeIdentity(own), own.region]).toEqual(["AccessKey PROD", "cn-shanghai"]);
        const role = identityOf({ assumeRole: { roleArn: ROLE } }, stack, { ALICLOUD_ACCESS_KEY: "ENV", ALICLOUD_SECRET_KEY: "s" });
        expect(describeIdentity(role)).toBe(`role ${ROLE} assumed by AccessKey ENV`);
    });

    // Each message names the setting, the value where it is not secret, and the rule.
    it.each<[string, unknown, Record<string, unknown>, Record<string, string>, string]>([
        [
            "two base identities",
            undefined,
            { "alicloud:accessKey": "A", "alicloud:secretKey": "s", "alicloud:ecsRoleName": "R" },
            {},
            "alicloud:accessKey and alicloud:ecsRoleName are both set, and each says who calls ESS: keep one",
        ],
        [
            "two identities in the environment, named by their variables",
            undefined,
            {},
            { ALIBABA_CLOUD_ACCESS_KEY_ID: "A", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s", ALICLOUD_PROFILE: "dev" },
            "ALIBABA_CLOUD_ACCESS_KEY_ID and ALICLOUD_PROFILE are both set, and each says who calls ESS: keep one",
        ],
        [
            "a role to chain on top of OIDC from the environment",
            undefined,
            {},
            {
                ALICLOUD_ASSUME_ROLE_ARN: ROLE,
                ALIBABA_CLOUD_OIDC_PROVIDER_ARN: "acs:ram::1:oidc-provider/p",
                ALIBABA_CLOUD_ROLE_ARN: ROLE,
                ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
            },
            "ALICLOUD_ASSUME_ROLE_ARN and ALIBABA_CLOUD_OIDC_PROVIDER_ARN are both set: assumeRoleWithOidc already assumes a role; keep one",
        ],
        [
            "sourceIp in the environment",
            undefined,
            {},
            { ALIBABA_CLOUD_SOURCE_IP: "10.0.0.1" },
            "ALIBABA_CLOUD_SOURCE_IP is set: this package cannot send it to STS, so it would not apply; unset it",
        ],
        [
            "an OAuth profile outside ~/.aliyun/config.json",
            undefined,
            { "alicloud:profile": "sso", "alicloud:sharedCredentialsFile": profiles },
            {},
            `alicloud:profile is "sso", a OAuth profile: @alicloud/credentials writes its refreshed tokens to ~/.aliyun/config.json, not to alicloud:sharedCredentialsFile (${profiles}); use that file for it`,
        ],
        [
            "resource: not an object (never echoed: it may be a secret)",
            "TOPSECRET",
            {},
            {},
            "identity is a string: must be an object of alicloud.ProviderArgs settings",
        ],
        [
            "assumeRole and OIDC",
            undefined,
            {
                "alicloud:assumeRole": { roleArn: ROLE },
                "alicloud:assumeRoleWithOidc": { oidcProviderArn: "p", roleArn: ROLE, oidcToken: "t" },
            },
            {},
            "alicloud:assumeRole and alicloud:assumeRoleWithOidc are both set: assumeRoleWithOidc already assumes a role; keep one",
        ],
        [
            "assumeRole without roleArn",
            undefined,
            { "alicloud:assumeRole": { sessionName: "x" } },
            {},
            "alicloud:assumeRole.roleArn is not set: it is required",
        ],
        [
            "a role ARN that is not one",
            undefined,
            { "alicloud:assumeRole": { roleArn: "deployer" } },
            {},
            'alicloud:assumeRole.roleArn is "deployer": must be a RAM role ARN, acs:ram::<account id>:role/<name>',
        ],
        [
            "sessionExpiration out of range",
            undefined,
            { "alicloud:assumeRole": { roleArn: ROLE, sessionExpiration: 60 } },
            {},
            "alicloud:assumeRole.sessionExpiration is 60: must be a whole number of seconds from 900 to 43200",
        ],
        [
            "env sessionExpiration out of range",
            undefined,
            {},
            { ALICLOUD_ASSUME_ROLE_ARN: ROLE, ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION: "60" },
            'ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION is "60": must be a whole number of seconds from 900 to 43200',
        ],
        [
            "a misspelt assumeRole field",
            undefined,
            { "alicloud:assumeRole": { roleArn: ROLE, sessionNmae: "x" } },
            {},
            "alicloud:assumeRole.sessionNmae is not a setting this package reads: use roleArn, sessionName, policy, sessionExpiration, externalId",
        ],
        [
            "OIDC with both token and file",
            undefined,
            { "alicloud:assumeRoleWithOidc": { oidcProviderArn: "p", roleArn: ROLE, oidcToken: "t", oidcTokenFile: tokenFile } },
            {},
            "alicloud:assumeRoleWithOidc needs exactly one of oidcToken and oidcTokenFile (else ALIBABA_CLOUD_OIDC_TOKEN_FILE or ALIBABA_CLOUD_OIDC_TOKEN)",
        ],
        [
            "OIDC token file missing",
            undefined,
            { "alicloud:assumeRoleWithOidc": { oidcProviderArn: "p", roleArn: ROLE, oidcTokenFile: "/nonexistent/token" } },
            {},
            'alicloud:assumeRoleWithOidc.oidcTokenFile is "/nonexistent/token": no such file',
        ],
        [
            "profile missing from the file",
            undefined,
            { "alicloud:profile": "staging", "alicloud:sharedCredentialsFile": profiles },
            {},
            `alicloud:profile is "staging", but alicloud:sharedCredentialsFile (${profiles}) has no such profile (it has: dev, prod, odd, sso)`,
        ],
        [
            "profile file missing",
            undefined,
            { "alicloud:profile": "dev", "alicloud:sharedCredentialsFile": "/nonexistent.json" },
            {},
            'alicloud:profile is "dev", but alicloud:sharedCredentialsFile (/nonexistent.json) does not exist',
        ],
        [
            "profile mode the library cannot read",
            undefined,
            { "alicloud:profile": "odd", "alicloud:sharedCredentialsFile": profiles },
            {},
            'alicloud:profile is "odd", whose mode "Password" is not one @alicloud/credentials reads (AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CloudSSO, OAuth, External)',
        ],
        [
            "credentials file without a profile",
            undefined,
            { "alicloud:sharedCredentialsFile": profiles },
            {},
            "alicloud:sharedCredentialsFile is set but no profile is: set profile (alicloud:profile or ALICLOUD_PROFILE) to the profile to read",
        ],
        [
            "sourceIp",
            undefined,
            { "alicloud:sourceIp": "10.0.0.1" },
            {},
            "alicloud:sourceIp is set: this package cannot send it to STS, so it would not apply; unset it for this stack",
        ],
        [
            "secureTransport",
            undefined,
            { "alicloud:secureTransport": "true" },
            {},
            "alicloud:secureTransport is set: this package cannot send it to STS, so it would not apply; unset it for this stack",
        ],
        [
            "assumeRole that is not an object",
            undefined,
            { "alicloud:assumeRole": "acs:ram" },
            {},
            'alicloud:assumeRole is "acs:ram": must be an object (pulumi config set --path or a YAML map)',
        ],
        [
            "endpoint with a scheme",
            undefined,
            { "alicloud:endpoints": [{ sts: "https://sts.aliyuncs.com" }] },
            {},
            'alicloud:endpoints[0].sts is "https://sts.aliyuncs.com": must be host[:port]',
        ],
        [
            "resource: an ESS endpoint the environment overrides with another",
            { accessKey: "A", secretKey: "s", endpoints: [{ ess: "ess-vpc.cn-shanghai.aliyuncs.com" }] },
            {},
            { ALIBABA_CLOUD_ESS_ENDPOINT: "http://127.0.0.1:8080" },
            'identity.endpoints[].ess is "ess-vpc.cn-shanghai.aliyuncs.com", and ALIBABA_CLOUD_ESS_ENDPOINT is "http://127.0.0.1:8080": two ESS endpoints; unset one',
        ],
        [
            "resource: half a key pair",
            { accessKey: "A" },
            {},
            {},
            "identity.accessKey is set but identity.secretKey is not: set both, or neither",
        ],
        [
            "resource: a setting it does not read",
            { accesKey: "A" },
            {},
            {},
            "identity.accesKey is not an identity setting this package reads: use region, accessKey, secretKey, securityToken, profile, sharedCredentialsFile, assumeRole, assumeRoleWithOidc, ecsRoleName, credentialsUri, endpoints",
        ],
        [
            "resource: sourceIp",
            { sourceIp: "10.0.0.1" },
            {},
            {},
            "identity.sourceIp is set: this package cannot send it to STS, so it would not apply; unset it here",
        ],
    ])("%s", (_, resource, cfg, env, message) => {
        expect(() => identityOf(resource, config(cfg), env)).toThrow(message);
    });

    it("an error never quotes a secret", () => {
        expect(() => identityOf({ accessKey: "A", secretKey: "TOPSECRET", ecsRoleName: "R" }, config({}), {})).toThrow(
            /^identity\.accessKey and identity\.ecsRoleName are both set/,
        );
        expect(() => identityOf({ secretKey: "TOPSECRET" }, config({}), {})).not.toThrow(/TOPSECRET/);
    });
});
