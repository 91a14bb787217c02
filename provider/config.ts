// Run-time settings: region, endpoint, credentials and retry budget. Read when an engine step
// runs, from the stack config handed to `configure` and from the environment; never captured.
import { DEFAULT_RETRY, type RetryPolicy } from "./retry";

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

/**
 * An AccessKey from stack config or the environment, or undefined to fall back to the
 * `@alicloud/credentials` default chain (profile file, ECS RAM role, OIDC, ...).
 */
export function staticAccessKey(config: StackConfig | undefined, env: Env = process.env): AccessKey | undefined {
    const fromConfig = config?.get("alicloud:accessKey");
    if (fromConfig) {
        const secret = config?.get("alicloud:secretKey");
        if (!secret) throw new Error("config alicloud:accessKey is set but alicloud:secretKey is not: set both (as secrets)");
        return { accessKeyId: fromConfig, accessKeySecret: secret, securityToken: first(config?.get("alicloud:securityToken")) };
    }
    const id = first(env.ALIBABA_CLOUD_ACCESS_KEY_ID, env.ALICLOUD_ACCESS_KEY);
    const secret = first(env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, env.ALICLOUD_SECRET_KEY);
    if (!id || !secret) return undefined;
    return {
        accessKeyId: id,
        accessKeySecret: secret,
        securityToken: first(env.ALIBABA_CLOUD_SECURITY_TOKEN, env.ALICLOUD_SECURITY_TOKEN),
    };
}

// Regions served by the central endpoint; the others have their own.
const CENTRAL_ENDPOINT_REGIONS = new Set([
    "cn-qingdao",
    "cn-beijing",
    "cn-hangzhou",
    "cn-shanghai",
    "cn-shenzhen",
    "cn-hongkong",
    "ap-southeast-1",
    "us-east-1",
    "us-west-1",
    "cn-hangzhou-finance",
    "cn-shanghai-finance-1",
]);

/** ALIBABA_CLOUD_ESS_ENDPOINT (e.g. http://127.0.0.1:8080, or a VPC endpoint) wins over the public one. */
export function essEndpoint(region: string, env: Env = process.env): Endpoint {
    const override = first(env.ALIBABA_CLOUD_ESS_ENDPOINT);
    if (override) {
        const match = /^(https?):\/\/([^/]+)\/?$/.exec(override);
        if (match) return { protocol: match[1] as "http" | "https", host: match[2] };
        if (/^[^/:]+(:\d+)?$/.test(override)) return { protocol: "https", host: override };
        throw new Error(`ALIBABA_CLOUD_ESS_ENDPOINT is ${JSON.stringify(override)}: must be host[:port] or http(s)://host[:port]`);
    }
    return { protocol: "https", host: CENTRAL_ENDPOINT_REGIONS.has(region) ? "ess.aliyuncs.com" : `ess.${region}.aliyuncs.com` };
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
