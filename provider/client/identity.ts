// Who calls ESS: the identity settings of `@pulumi/alicloud`, with its names and meanings, from a
// resource's `identity` argument or the stack config (`alicloud:*`), then the environment variables
// that provider reads. Resolved into one `@alicloud/credentials` provider chain; a setting that cannot
// be honoured, or two that contradict each other, is an error at preview, never a silent switch.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type Credential from "@alicloud/credentials";
import { staticAccessKey, type AccessKey, type StackConfig } from "./config";

type Env = Record<string, string | undefined>;

/** `alicloud:assumeRole` / `identity.assumeRole`: the role the base identity assumes (STS AssumeRole). */
export interface AssumeRole {
    roleArn: string;
    /** Default "pulumi-alicloud-ess". */
    sessionName?: string;
    /** A policy (JSON) that narrows the role's permissions for the session. */
    policy?: string;
    /** Seconds, 900..43200 (the role's MaxSessionDuration at most). Default 3600. */
    sessionExpiration?: number;
    externalId?: string;
}

/** `alicloud:assumeRoleWithOidc` / `identity.assumeRoleWithOidc` (STS AssumeRoleWithOIDC). */
export interface AssumeRoleWithOidc {
    oidcProviderArn: string;
    roleArn: string;
    /** The token itself, or `oidcTokenFile`: one of them. */
    oidcToken?: string;
    oidcTokenFile?: string;
    roleSessionName?: string;
    policy?: string;
    sessionExpiration?: number;
}

/** The identity settings of `alicloud.ProviderArgs` this package honours, as a resource's `identity` takes them. */
export interface IdentitySettings {
    region?: string;
    accessKey?: string;
    secretKey?: string;
    securityToken?: string;
    profile?: string;
    /** The aliyun CLI config file the profile is read from. Default ~/.aliyun/config.json. */
    sharedCredentialsFile?: string;
    assumeRole?: AssumeRole;
    assumeRoleWithOidc?: AssumeRoleWithOidc;
    ecsRoleName?: string;
    credentialsUri?: string;
    /** Endpoint overrides; `ess` and `sts` are read (host[:port]). */
    endpoints?: { ess?: string; sts?: string }[];
}

/** The one identity that signs, before any role it assumes. */
export type Base =
    | { type: "access_key"; key: AccessKey }
    | { type: "profile"; profile: string; file: string }
    | { type: "ecs_ram_role"; roleName: string }
    | { type: "credentials_uri"; uri: string }
    | { type: "oidc_role_arn"; oidc: AssumeRoleWithOidc & { oidcTokenFile: string } }
    | { type: "default" };

/** Who calls, resolved: plain data (no client), so it can be compared and reported. */
export interface Identity {
    base: Base;
    assumeRole?: AssumeRole & { sessionName: string };
    stsEndpoint?: string;
    essEndpoint?: string;
    region?: string;
}

/** A bad or contradictory identity setting: `setting` names it as the user wrote it. */
export class IdentityError extends Error {
    constructor(
        readonly setting: string,
        reason: string,
    ) {
        super(`${setting} ${reason}`);
    }
}

const SETTINGS = [
    "region",
    "accessKey",
    "secretKey",
    "securityToken",
    "profile",
    "sharedCredentialsFile",
    "assumeRole",
    "assumeRoleWithOidc",
    "ecsRoleName",
    "credentialsUri",
    "endpoints",
];
const ASSUME_ROLE_FIELDS = ["roleArn", "sessionName", "policy", "sessionExpiration", "externalId"];
const OIDC_FIELDS = ["oidcProviderArn", "roleArn", "oidcToken", "oidcTokenFile", "roleSessionName", "policy", "sessionExpiration"];
/** Settings of `@pulumi/alicloud` that change how STS is called, which `@alicloud/credentials` cannot send. */
const UNSUPPORTED = ["sourceIp", "secureTransport", "securityTransport"];
const UNSUPPORTED_ENV = [
    "ALICLOUD_SOURCE_IP",
    "ALIBABA_CLOUD_SOURCE_IP",
    "ALICLOUD_SECURE_TRANSPORT",
    "ALIBABA_CLOUD_SECURE_TRANSPORT",
    "ALICLOUD_SECURITY_TRANSPORT",
    "ALIBABA_CLOUD_SECURITY_TRANSPORT",
];
/** Profile modes whose refreshed tokens the library writes back to ~/.aliyun/config.json, whatever file they came from. */
const WRITES_DEFAULT_FILE = ["OAuth", "External"];
/** The profile modes `@alicloud/credentials` (CLIProfileCredentialsProvider) reads. */
const PROFILE_MODES = ["AK", "StsToken", "RamRoleArn", "EcsRamRole", "OIDC", "ChainableRamRoleArn", "CloudSSO", "OAuth", "External"];
const DEFAULT_SESSION_NAME = "pulumi-alicloud-ess";

/** The environment variables `@pulumi/alicloud` (terraform-provider-alicloud) reads for each setting, first wins. */
const ENV: Record<string, string[]> = {
    profile: ["ALICLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE"],
    sharedCredentialsFile: ["ALICLOUD_SHARED_CREDENTIALS_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE"],
    ecsRoleName: ["ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA"],
    credentialsUri: ["ALICLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_CREDENTIALS_URI"],
    sessionName: ["ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALIBABA_CLOUD_ROLE_SESSION_NAME"],
    sessionExpiration: ["ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION"],
    oidcProviderArn: ["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"],
    oidcTokenFile: ["ALIBABA_CLOUD_OIDC_TOKEN_FILE"],
    oidcToken: ["ALIBABA_CLOUD_OIDC_TOKEN"],
};

/** A setting's value and the name it was given by (`alicloud:profile`, `identity.profile`, `ALICLOUD_PROFILE`). */
interface Found<T> {
    value: T;
    from: string;
}

function fromEnv(env: Env, setting: string): Found<string> | undefined {
    const name = (ENV[setting] ?? []).find((n) => env[n] !== undefined && env[n] !== "");
    return name === undefined ? undefined : { value: env[name] as string, from: name };
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Object settings arrive from stack config as JSON text. */
function parsed(config: StackConfig | undefined, name: string): unknown {
    const raw = config?.get(`alicloud:${name}`);
    if (raw === undefined || raw === "") return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        throw new IdentityError(
            `alicloud:${name}`,
            `is ${JSON.stringify(raw)}: must be an object (pulumi config set --path or a YAML map)`,
        );
    }
}

/** Checks one settings object: only known fields, strings non-empty, numbers in range. */
function checkedObject(where: string, value: unknown, fields: string[], required: string[]): Record<string, unknown> {
    if (!isRecord(value)) throw new IdentityError(where, `is ${JSON.stringify(value)}: must be an object with ${required.join(" and ")}`);
    for (const [field, v] of Object.entries(value)) {
        if (v === undefined || v === null) continue;
        if (!fields.includes(field))
            throw new IdentityError(`${where}.${field}`, `is not a setting this package reads: use ${fields.join(", ")}`);
        if (field === "sessionExpiration") {
            if (!Number.isInteger(v) || (v as number) < 900 || (v as number) > 43200)
                throw new IdentityError(
                    `${where}.${field}`,
                    `is ${JSON.stringify(v)}: must be a whole number of seconds from 900 to 43200`,
                );
        } else if (typeof v !== "string" || v === "") {
            throw new IdentityError(`${where}.${field}`, `is ${JSON.stringify(v)}: must be a non-empty string`);
        }
    }
    for (const field of required) {
        if (value[field] === undefined || value[field] === null) throw new IdentityError(`${where}.${field}`, "is not set: it is required");
    }
    return value;
}

function roleArnOk(where: string, arn: unknown): void {
    if (typeof arn === "string" && !/^acs:ram::[^:]+:role\/.+/.test(arn))
        throw new IdentityError(where, `is ${JSON.stringify(arn)}: must be a RAM role ARN, acs:ram::<account id>:role/<name>`);
}

/**
 * The settings that apply, and a function naming where each came from: a resource's `identity`
 * (an explicit provider: the stack's `alicloud:*` settings do not apply, as for `alicloud.Provider`),
 * else the stack config.
 */
function settingsOf(
    resource: unknown,
    config: StackConfig | undefined,
): { settings: Record<string, unknown>; name: (s: string) => string } {
    if (resource !== undefined && resource !== null) {
        if (!isRecord(resource))
            throw new IdentityError("identity", `is a ${typeof resource}: must be an object of alicloud.ProviderArgs settings`);
        for (const field of Object.keys(resource)) {
            if (UNSUPPORTED.includes(field) && resource[field] !== undefined)
                throw new IdentityError(
                    `identity.${field}`,
                    "is set: this package cannot send it to STS, so it would not apply; unset it here",
                );
            if (!SETTINGS.includes(field) && resource[field] !== undefined)
                throw new IdentityError(`identity.${field}`, `is not an identity setting this package reads: use ${SETTINGS.join(", ")}`);
        }
        return { settings: resource, name: (s) => `identity.${s}` };
    }
    for (const setting of UNSUPPORTED) {
        if (config?.get(`alicloud:${setting}`))
            throw new IdentityError(
                `alicloud:${setting}`,
                "is set: this package cannot send it to STS, so it would not apply; unset it for this stack",
            );
    }
    const settings: Record<string, unknown> = {};
    for (const s of ["region", "profile", "sharedCredentialsFile", "ecsRoleName", "credentialsUri"])
        settings[s] = config?.get(`alicloud:${s}`) || undefined;
    for (const s of ["assumeRole", "assumeRoleWithOidc", "endpoints"]) settings[s] = parsed(config, s);
    return { settings, name: (s) => `alicloud:${s}` };
}

function stringSetting(
    settings: Record<string, unknown>,
    name: (s: string) => string,
    setting: string,
    env: Env,
): Found<string> | undefined {
    const v = settings[setting];
    if (v === undefined || v === null || v === "") return fromEnv(env, setting);
    if (typeof v !== "string") throw new IdentityError(name(setting), `is ${JSON.stringify(v)}: must be a string`);
    return { value: v, from: name(setting) };
}

/** The resource's own AccessKey pair: both or neither, and a token only with them. */
function ownAccessKey(settings: Record<string, unknown>): Found<AccessKey> | undefined {
    const [id, secret, token] = ["accessKey", "secretKey", "securityToken"].map((f) => settings[f]);
    if (id === undefined && secret === undefined && token === undefined) return undefined;
    for (const [field, v] of [
        ["accessKey", id],
        ["secretKey", secret],
        ["securityToken", token],
    ] as const) {
        if (v !== undefined && (typeof v !== "string" || v === ""))
            throw new IdentityError(`identity.${field}`, "must be a non-empty string");
    }
    if (id === undefined || secret === undefined) {
        const [set, missing] =
            id === undefined ? ["identity.secretKey", "identity.accessKey"] : ["identity.accessKey", "identity.secretKey"];
        throw new IdentityError(
            secret === undefined && id === undefined ? "identity.securityToken" : set,
            `is set but ${missing} is not: set both, or neither`,
        );
    }
    return {
        value: { accessKeyId: id as string, accessKeySecret: secret as string, securityToken: token as string | undefined },
        from: "identity.accessKey",
    };
}

/** The names of the environment's AccessKey pair that is set (see staticAccessKey's spellings). */
function envKeyName(env: Env, key: AccessKey): string {
    const spelling = ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALIBABACLOUD_ACCESS_KEY_ID"].find(
        (n) => env[n] === key.accessKeyId,
    );
    return spelling ?? "the environment's AccessKey";
}

function endpointsOf(value: unknown, where: string): { ess?: string; sts?: string } {
    if (value === undefined || value === null) return {};
    const list = Array.isArray(value) ? value : [value];
    const found: { ess?: string; sts?: string } = {};
    list.forEach((item, i) => {
        if (!isRecord(item))
            throw new IdentityError(`${where}[${i}]`, `is ${JSON.stringify(item)}: must be an object of product endpoints`);
        for (const product of ["ess", "sts"] as const) {
            const v = item[product];
            if (v === undefined || v === null || v === "") continue;
            if (typeof v !== "string" || !/^[^/\s]+$/.test(v))
                throw new IdentityError(`${where}[${i}].${product}`, `is ${JSON.stringify(v)}: must be host[:port]`);
            found[product] = v;
        }
    });
    return found;
}

/** The profile file, read now so that a missing file, profile or unsupported mode fails at preview. */
function profileBase(profile: Found<string>, file: Found<string> | undefined): Base {
    const path = file?.value ?? join(homedir(), ".aliyun", "config.json");
    const where = file ? `${file.from} (${path})` : path;
    let conf: { profiles?: { name?: string; mode?: string }[] };
    try {
        conf = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "is not an aliyun CLI config file (JSON)";
        throw new IdentityError(profile.from, `is ${JSON.stringify(profile.value)}, but ${where} ${why}`);
    }
    const found = (conf.profiles ?? []).find((p) => p.name === profile.value);
    if (!found) {
        const names = (conf.profiles ?? []).map((p) => p.name).join(", ");
        throw new IdentityError(
            profile.from,
            `is ${JSON.stringify(profile.value)}, but ${where} has no such profile (it has: ${names || "none"})`,
        );
    }
    if (!PROFILE_MODES.includes(String(found.mode)))
        throw new IdentityError(
            profile.from,
            `is ${JSON.stringify(profile.value)}, whose mode ${JSON.stringify(found.mode)} is not one @alicloud/credentials reads (${PROFILE_MODES.join(", ")})`,
        );
    if (file && WRITES_DEFAULT_FILE.includes(String(found.mode)) && path !== join(homedir(), ".aliyun", "config.json"))
        throw new IdentityError(
            profile.from,
            `is ${JSON.stringify(profile.value)}, a ${found.mode} profile: @alicloud/credentials writes its refreshed tokens to ~/.aliyun/config.json, not to ${where}; use that file for it`,
        );
    return { type: "profile", profile: profile.value, file: path };
}

/** An OIDC token given as a value goes to a file of this process (removed when it exits): `@alicloud/credentials` reads tokens from files. */
let tokenDir: string | undefined;
function tokenFile(token: string): string {
    if (!tokenDir) {
        const dir = mkdtempSync(join(tmpdir(), "pulumi-alicloud-ess-"));
        process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
        tokenDir = dir;
    }
    const path = join(tokenDir, `oidc-${createHash("sha256").update(token).digest("hex").slice(0, 16)}`);
    if (!existsSync(path)) {
        writeFileSync(`${path}.tmp`, token, { mode: 0o600 });
        renameSync(`${path}.tmp`, path);
    }
    return path;
}

function oidcOf(value: unknown, where: string, env: Env): Found<Base> | undefined {
    let oidc: Record<string, unknown>;
    if (value !== undefined && value !== null) {
        // Fields left out fall back to the environment, as the provider's nested defaults do.
        oidc = { ...checkedObject(where, value, OIDC_FIELDS, ["oidcProviderArn", "roleArn"]) };
        if (oidc.oidcToken === undefined && oidc.oidcTokenFile === undefined) {
            oidc.oidcTokenFile = fromEnv(env, "oidcTokenFile")?.value;
            oidc.oidcToken = oidc.oidcTokenFile === undefined ? fromEnv(env, "oidcToken")?.value : undefined;
        }
        oidc.roleSessionName ??= env.ALIBABA_CLOUD_ROLE_SESSION_NAME || undefined;
    } else {
        const provider = fromEnv(env, "oidcProviderArn");
        if (!provider) return undefined;
        where = provider.from;
        oidc = {
            oidcProviderArn: provider.value,
            roleArn: env.ALIBABA_CLOUD_ROLE_ARN,
            oidcTokenFile: fromEnv(env, "oidcTokenFile")?.value,
            oidcToken: fromEnv(env, "oidcToken")?.value,
            roleSessionName: env.ALIBABA_CLOUD_ROLE_SESSION_NAME,
        };
        if (!oidc.roleArn)
            throw new IdentityError("ALIBABA_CLOUD_ROLE_ARN", `is not set, but ${provider.from} is: OIDC needs the role to assume`);
    }
    roleArnOk(`${where}.roleArn`, oidc.roleArn);
    const { oidcToken, oidcTokenFile } = oidc as { oidcToken?: string; oidcTokenFile?: string };
    if ((oidcToken === undefined) === (oidcTokenFile === undefined))
        throw new IdentityError(
            where,
            "needs exactly one of oidcToken and oidcTokenFile (else ALIBABA_CLOUD_OIDC_TOKEN_FILE or ALIBABA_CLOUD_OIDC_TOKEN)",
        );
    if (oidcTokenFile !== undefined && !existsSync(oidcTokenFile))
        throw new IdentityError(`${where}.oidcTokenFile`, `is ${JSON.stringify(oidcTokenFile)}: no such file`);
    const file = oidcTokenFile ?? tokenFile(oidcToken as string);
    return {
        value: { type: "oidc_role_arn", oidc: { ...(oidc as unknown as AssumeRoleWithOidc), oidcToken: undefined, oidcTokenFile: file } },
        from: where,
    };
}

/** ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION, checked. */
function envExpiration(env: Env): number | undefined {
    const expiration = fromEnv(env, "sessionExpiration");
    if (!expiration) return undefined;
    const seconds = Number(expiration.value);
    if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200)
        throw new IdentityError(
            expiration.from,
            `is ${JSON.stringify(expiration.value)}: must be a whole number of seconds from 900 to 43200`,
        );
    return seconds;
}

/**
 * The role to assume: the `assumeRole` object (fields it leaves out from the environment, as the
 * provider's nested defaults do), else ALICLOUD_ASSUME_ROLE_ARN, else ALIBABA_CLOUD_ROLE_ARN unless
 * it names the role of an OIDC setting (ALIBABA_CLOUD_OIDC_PROVIDER_ARN).
 */
function assumeRoleOf(value: unknown, where: string, env: Env): Found<NonNullable<Identity["assumeRole"]>> | undefined {
    let role: Record<string, unknown>;
    if (value !== undefined && value !== null) {
        role = { ...checkedObject(where, value, ASSUME_ROLE_FIELDS, ["roleArn"]) };
        roleArnOk(`${where}.roleArn`, role.roleArn);
    } else {
        const arn = env.ALICLOUD_ASSUME_ROLE_ARN
            ? { value: env.ALICLOUD_ASSUME_ROLE_ARN, from: "ALICLOUD_ASSUME_ROLE_ARN" }
            : env.ALIBABA_CLOUD_ROLE_ARN && !env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN
              ? { value: env.ALIBABA_CLOUD_ROLE_ARN, from: "ALIBABA_CLOUD_ROLE_ARN" }
              : undefined;
        if (!arn) return undefined;
        where = arn.from;
        roleArnOk(where, arn.value);
        role = { roleArn: arn.value };
    }
    role.sessionName ??= fromEnv(env, "sessionName")?.value;
    role.sessionExpiration ??= envExpiration(env);
    const found = { ...(role as unknown as AssumeRole), sessionName: (role.sessionName as string | undefined) ?? DEFAULT_SESSION_NAME };
    if (found.sessionExpiration === undefined) delete found.sessionExpiration;
    return { value: found, from: where };
}

/**
 * Resolves who calls ESS for one resource: its `identity` argument if it has one, else the stack
 * config, each setting falling back to the environment. Reads a profile file, touches no network.
 */
export function identityOf(resource: unknown, config: StackConfig | undefined, env: Env = process.env): Identity {
    for (const name of UNSUPPORTED_ENV) {
        if (env[name]) throw new IdentityError(name, "is set: this package cannot send it to STS, so it would not apply; unset it");
    }
    const { settings, name } = settingsOf(resource, config);
    const isResource = resource !== undefined && resource !== null;
    const region = stringSetting(settings, name, "region", {});
    const endpoints = endpointsOf(settings.endpoints, name("endpoints"));
    const envEndpoint = env.ALIBABA_CLOUD_ESS_ENDPOINT?.replace(/^https?:\/\//, "").replace(/\/$/, "");
    if (endpoints.ess && envEndpoint && envEndpoint !== endpoints.ess)
        throw new IdentityError(
            `${name("endpoints")}[].ess`,
            `is ${JSON.stringify(endpoints.ess)}, and ALIBABA_CLOUD_ESS_ENDPOINT is ${JSON.stringify(env.ALIBABA_CLOUD_ESS_ENDPOINT)}: two ESS endpoints; unset one`,
        );
    const given = (setting: string) => stringSetting(settings, name, setting, {});

    // One base identity. Those the program or stack config names win over the environment's (as the
    // provider's settings over their env defaults); two at the same level are an error, never an order
    // of precedence nobody reads.
    const configKey = isResource ? undefined : staticAccessKey(config, {});
    const explicitKey = isResource ? ownAccessKey(settings) : configKey && { value: configKey, from: "alicloud:accessKey" };
    const explicitOidc =
        settings.assumeRoleWithOidc === undefined || settings.assumeRoleWithOidc === null
            ? undefined
            : oidcOf(settings.assumeRoleWithOidc, name("assumeRoleWithOidc"), env);
    const explicit = {
        key: explicitKey,
        profile: given("profile"),
        ecs: given("ecsRoleName"),
        uri: given("credentialsUri"),
        oidc: explicitOidc,
    };
    const fromEnvironment = () => {
        const key = staticAccessKey(undefined, env);
        return {
            key: key && { value: key, from: envKeyName(env, key) },
            profile: fromEnv(env, "profile"),
            ecs: fromEnv(env, "ecsRoleName"),
            uri: fromEnv(env, "credentialsUri"),
            oidc: oidcOf(undefined, "", env),
        };
    };
    const named = (c: typeof explicit) => [c.key, c.profile, c.ecs, c.uri, c.oidc].flatMap((f) => (f ? [f.from] : []));
    const chosen = named(explicit).length > 0 ? explicit : fromEnvironment();
    const set = named(chosen);
    if (set.length > 1) {
        throw new IdentityError(set[0], `and ${set.slice(1).join(" and ")} are both set, and each says who calls ESS: keep one`);
    }
    const assumeRole = assumeRoleOf(settings.assumeRole, name("assumeRole"), env);
    if (assumeRole && chosen.oidc) {
        throw new IdentityError(
            assumeRole.from,
            `and ${chosen.oidc.from} are both set: assumeRoleWithOidc already assumes a role; keep one`,
        );
    }
    const file = stringSetting(settings, name, "sharedCredentialsFile", env);
    // From the environment alone it may be the default chain's own file (ALIBABA_CLOUD_CREDENTIALS_FILE): left to it.
    if (file && !chosen.profile && !ENV.sharedCredentialsFile.includes(file.from))
        throw new IdentityError(
            file.from,
            "is set but no profile is: set profile (alicloud:profile or ALICLOUD_PROFILE) to the profile to read",
        );

    let base: Base = { type: "default" };
    if (chosen.key) base = { type: "access_key", key: chosen.key.value };
    else if (chosen.profile) base = profileBase(chosen.profile, file);
    else if (chosen.ecs) base = { type: "ecs_ram_role", roleName: chosen.ecs.value };
    else if (chosen.uri) base = { type: "credentials_uri", uri: chosen.uri.value };
    else if (chosen.oidc) base = chosen.oidc.value;
    return { base, assumeRole: assumeRole?.value, stsEndpoint: endpoints.sts, essEndpoint: endpoints.ess, region: region?.value };
}

/** Who calls, in words for progress lines and errors: never a secret. */
export function describeIdentity(identity: Identity): string {
    const b = identity.base;
    const base =
        b.type === "access_key"
            ? `AccessKey ${b.key.accessKeyId}${b.key.securityToken ? " (STS token)" : ""}`
            : b.type === "profile"
              ? `profile ${b.profile} of ${b.file}`
              : b.type === "ecs_ram_role"
                ? `ECS RAM role ${b.roleName}`
                : b.type === "credentials_uri"
                  ? `credentials URI ${b.uri}`
                  : b.type === "oidc_role_arn"
                    ? `OIDC role ${b.oidc.roleArn}`
                    : "the @alicloud/credentials default chain";
    return identity.assumeRole ? `role ${identity.assumeRole.roleArn} assumed by ${base}` : base;
}

/** A fresh `@alicloud/credentials` credential for the identity: its providers fetch and refresh STS tokens themselves. */
export function credentialOf(identity: Identity): Credential {
    const c = require("@alicloud/credentials") as typeof import("@alicloud/credentials");
    type Provider = import("@alicloud/credentials").CredentialsProvider;
    const b = identity.base;
    const sts = identity.stsEndpoint;
    let provider: Provider;
    switch (b.type) {
        case "access_key": {
            const { accessKeyId, accessKeySecret, securityToken } = b.key;
            provider = securityToken
                ? c.StaticSTSCredentialsProvider.builder()
                      .withAccessKeyId(accessKeyId)
                      .withAccessKeySecret(accessKeySecret)
                      .withSecurityToken(securityToken)
                      .build()
                : c.StaticAKCredentialsProvider.builder().withAccessKeyId(accessKeyId).withAccessKeySecret(accessKeySecret).build();
            break;
        }
        case "profile": {
            // The library reads profiles from ~/.aliyun/config.json only: give it the chosen file's content.
            const cli = c.CLIProfileCredentialsProvider.builder().withProfileName(b.profile).build() as unknown as {
                getCredentialsProvider(conf: unknown, name: string): Provider;
            };
            provider = cli.getCredentialsProvider(JSON.parse(readFileSync(b.file, "utf8")), b.profile);
            break;
        }
        case "ecs_ram_role":
            provider = c.ECSRAMRoleCredentialsProvider.builder().withRoleName(b.roleName).build();
            break;
        case "credentials_uri":
            provider = c.URICredentialsProvider.builder().withCredentialsURI(b.uri).build();
            break;
        case "oidc_role_arn": {
            const o = b.oidc;
            let builder = c.OIDCRoleArnCredentialsProvider.builder()
                .withOIDCProviderArn(o.oidcProviderArn)
                .withRoleArn(o.roleArn)
                .withOIDCTokenFilePath(o.oidcTokenFile);
            builder = builder.withRoleSessionName(o.roleSessionName ?? DEFAULT_SESSION_NAME);
            if (o.policy) builder = builder.withPolicy(o.policy);
            if (o.sessionExpiration) builder = builder.withDurationSeconds(o.sessionExpiration);
            if (sts) builder = builder.withStsEndpoint(sts);
            provider = builder.build();
            break;
        }
        default:
            provider = c.DefaultCredentialsProvider.builder().build();
    }
    const role = identity.assumeRole;
    if (role) {
        let builder = c.RAMRoleARNCredentialsProvider.builder()
            .withCredentialsProvider(provider)
            .withRoleArn(role.roleArn)
            .withRoleSessionName(role.sessionName);
        if (role.policy) builder = builder.withPolicy(role.policy);
        if (role.sessionExpiration) builder = builder.withDurationSeconds(role.sessionExpiration);
        if (role.externalId) builder = builder.withExternalId(role.externalId);
        if (sts) builder = builder.withStsEndpoint(sts);
        provider = builder.build();
    }
    return new c.default(null, provider);
}
