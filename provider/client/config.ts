// Run-time settings: region, endpoint, credentials and retry budget. Read when an engine step
// runs, from the stack config handed to `configure` and from the environment; never captured.
import { DEFAULT_RETRY, type RetryPolicy } from "./retry";
import { essHost } from "./endpoints";

/** The part of Pulumi's dynamic-provider config this package reads. */
export interface StackConfig {
    get(key: string): string | undefined;
}

type Env = Record<string, string | undefined>;

export interface AccessKey {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
}

export interface Endpoint {
    /** host[:port], as `@alicloud/openapi-client` wants it. */
    host: string;
    protocol: "http" | "https";
}

function first(...values: (string | undefined)[]): string | undefined {
    return values.find((v) => v !== undefined && v !== "");
}

/** Region when the resource has no `region` input: config alicloud:region, then the environment. */
export function defaultRegion(config: StackConfig | undefined, env: Env = process.env): string | undefined {
    return first(config?.get("alicloud:region"), env.ALIBABA_CLOUD_REGION_ID, env.ALICLOUD_REGION);
}

/** The names of one credential source: an AccessKey pair and the STS token that may go with it. */
interface CredentialNames {
    id: string;
    secret: string;
    token: string;
}

const CONFIG_CREDENTIALS: CredentialNames = { id: "alicloud:accessKey", secret: "alicloud:secretKey", token: "alicloud:securityToken" };
/** Each spelling is its own pair: a key id of one is never matched with a secret of the other. */
const ENV_CREDENTIALS: CredentialNames[] = [
    { id: "ALIBABA_CLOUD_ACCESS_KEY_ID", secret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET", token: "ALIBABA_CLOUD_SECURITY_TOKEN" },
    { id: "ALICLOUD_ACCESS_KEY", secret: "ALICLOUD_SECRET_KEY", token: "ALICLOUD_SECURITY_TOKEN" },
];

function both(names: string[]): string {
    return names.length === 1 ? `${names[0]} is` : `${names.join(" and ")} are`;
}

/**
 * The AccessKey one source holds, undefined when it holds none of the names, or an error naming
 * what is set and what is missing (never a value) when it holds part of a pair.
 */
function pairFrom(
    where: [one: string, many: string],
    names: CredentialNames,
    get: (name: string) => string | undefined,
    fix: string,
): AccessKey | undefined {
    const [id, secret, token] = [names.id, names.secret, names.token].map((n) => first(get(n)));
    const set = [names.id, names.secret, names.token].filter((n) => first(get(n)) !== undefined);
    if (set.length === 0) return undefined;
    if (!id || !secret) {
        const missing = [id ? undefined : names.id, secret ? undefined : names.secret].filter((n): n is string => n !== undefined);
        throw new Error(
            `${where[set.length === 1 ? 0 : 1]} ${both(set)} set but ${both(missing)} not: set both ${names.id} and ${names.secret}${fix}`,
        );
    }
    return { accessKeyId: id, accessKeySecret: secret, securityToken: token };
}

/**
 * An AccessKey from stack config or the environment, or undefined to fall back to the
 * `@alicloud/credentials` default chain (profile file, ECS RAM role, OIDC, ...). A source that
 * holds part of a pair is an error, never completed from another source.
 */
export function staticAccessKey(config: StackConfig | undefined, env: Env = process.env): AccessKey | undefined {
    const fromConfig = pairFrom(
        ["config", "config"],
        CONFIG_CREDENTIALS,
        (name) => config?.get(name),
        " (pulumi config set --secret), or neither to use the environment",
    );
    if (fromConfig) return fromConfig;
    const found = ENV_CREDENTIALS.map((names) =>
        pairFrom(["environment variable", "environment variables"], names, (name) => env[name], ", or neither"),
    );
    return found.find((key) => key !== undefined);
}

/**
 * ALIBABA_CLOUD_ESS_ENDPOINT (e.g. http://127.0.0.1:8080, or a VPC endpoint) wins over the public one,
 * which is the official SDKs' endpoint of the region (see ./endpoints).
 */
export function essEndpoint(region: string, env: Env = process.env, configured?: string): Endpoint {
    // The environment names this package's override; `endpoints[].ess` is @pulumi/alicloud's (host[:port]).
    const override = first(env.ALIBABA_CLOUD_ESS_ENDPOINT, configured);
    if (override) {
        const match = /^(https?):\/\/([^/]+)\/?$/.exec(override);
        if (match) return { protocol: match[1] as "http" | "https", host: match[2] };
        if (/^[^/:]+(:\d+)?$/.test(override)) return { protocol: "https", host: override };
        throw new Error(`ALIBABA_CLOUD_ESS_ENDPOINT is ${JSON.stringify(override)}: must be host[:port] or http(s)://host[:port]`);
    }
    return { protocol: "https", host: essHost(region) };
}

function nonNegative(env: Env, name: string, unit: string, fallback: number): number {
    const raw = first(env[name]);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} is ${JSON.stringify(raw)}: must be a number of ${unit} ≥ 0`);
    return value;
}

/**
 * ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: seconds a call may keep retrying transient errors (default 300);
 * ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY: the first backoff ceiling in milliseconds (default 500).
 */
export function retryPolicy(env: Env = process.env): RetryPolicy {
    return {
        ...DEFAULT_RETRY,
        totalTimeoutMs: nonNegative(env, "ALIBABA_CLOUD_ESS_RETRY_TIMEOUT", "seconds", DEFAULT_RETRY.totalTimeoutMs / 1000) * 1000,
        baseDelayMs: nonNegative(env, "ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY", "milliseconds", DEFAULT_RETRY.baseDelayMs),
    };
}

/** ALIBABA_CLOUD_ESS_READ_TIMEOUT: milliseconds to wait for one response (default 15000). */
export function readTimeoutMs(env: Env = process.env): number {
    const value = nonNegative(env, "ALIBABA_CLOUD_ESS_READ_TIMEOUT", "milliseconds", 15000);
    if (value === 0) throw new Error('ALIBABA_CLOUD_ESS_READ_TIMEOUT is "0": must be a number of milliseconds > 0');
    return value;
}
