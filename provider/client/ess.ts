// Typed ESS calls over @alicloud/openapi-client (RPC, 2014-08-28). The client signs; this file
// only shapes parameters, parses answers and applies the retry policy.
import type OpenApiClient from "@alicloud/openapi-client";
import { EssError, ScalingGroupStateError, toEssError } from "./errors";
import { THROTTLING_CODES, type AdaptiveLimiter } from "./limiter";
import { withRetry, type RetryPolicy } from "./retry";
import type { AccessKey, Endpoint } from "./config";
import { credentialOf, type Identity } from "./identity";

export const ESS_VERSION = "2014-08-28";
const DESCRIBE_IDS_PER_CALL = 20;
const DESCRIBE_PAGE_SIZE = 50;

/** A scaling activity, as DescribeScalingActivities lists it. */
export interface ScalingActivity {
    scalingActivityId: string;
    /** InProgress, Successful, Warning, Failed or Rejected. */
    statusCode: string;
    statusMessage: string;
    /** 0..100. */
    progress: number;
}

export interface EssClientOptions {
    region: string;
    endpoint: Endpoint;
    /** Who calls (see ./identity); default: `accessKey`, else the `@alicloud/credentials` default chain. */
    identity?: Identity;
    /** Shorthand for an identity that is one AccessKey. */
    accessKey?: AccessKey;
    retry: RetryPolicy;
    readTimeoutMs: number;
    /** Told about each retry, with its reason. */
    onRetry?: (message: string) => void;
    /** Shared by every client of the process: holds calls back while ESS throttles them. */
    limiter?: AdaptiveLimiter;
    /** Sign with the classic RPC HMAC-SHA1 algorithm instead of ACS3-HMAC-SHA256. */
    signatureV1?: boolean;
}

type Params = Record<string, string>;
/** An API answer, as the client parses JSON. */
export type Body = Record<string, unknown>;

/** The items of a list in an answer: ESS wraps each list in an object named after its items (`ScalingGroups.ScalingGroup`). */
export function wrappedList(container: unknown, key: string): Body[] {
    const value = (container as Body | undefined)?.[key];
    return Array.isArray(value) ? (value as Body[]) : [];
}

export class EssClient {
    /** Attempts whose answer never came (reset, timeout, 5xx): the request may have landed anyway. */
    lostAnswers = 0;

    private constructor(
        private api: OpenApiClient,
        private readonly options: EssClientOptions,
    ) {}

    static create(options: EssClientOptions): EssClient {
        return new EssClient(EssClient.api(options), options);
    }

    /** A client with a fresh credential: the `@alicloud/credentials` providers fetch and refresh STS tokens themselves. */
    private static api(options: EssClientOptions): OpenApiClient {
        const { default: Client, Config } = require("@alicloud/openapi-client") as typeof import("@alicloud/openapi-client");
        const identity: Identity = options.identity ?? {
            base: options.accessKey ? { type: "access_key", key: options.accessKey } : { type: "default" },
        };
        return new Client(
            new Config({
                credential: credentialOf(identity),
                endpoint: options.endpoint.host,
                protocol: options.endpoint.protocol,
                regionId: options.region,
                readTimeout: options.readTimeoutMs,
                connectTimeout: Math.min(options.readTimeoutMs, 5000),
                userAgent: "pulumi-alicloud-ess-vserver-groups",
                signatureAlgorithm: options.signatureV1 ? "v2" : undefined,
            }),
        );
    }

    /** Whether a new credential may hold a new STS token: not for a token given as is. */
    private get renewable(): boolean {
        const identity = this.options.identity;
        return identity !== undefined && (identity.assumeRole !== undefined || identity.base.type !== "access_key");
    }

    /**
     * The scaling group as DescribeScalingGroups lists it (each kind reads its own slice), or undefined
     * when it is gone: not listed, or being deleted (LifecycleState Deleting).
     */
    async describeListing(id: string): Promise<Body | undefined> {
        const listing = (await this.describeListings([id])).find((g) => String(g.ScalingGroupId) === id);
        return listing?.LifecycleState === "Deleting" ? undefined : listing;
    }

    /** The scaling groups with these IDs, as DescribeScalingGroups lists them, 20 IDs a call, every page (absent IDs are not an error). */
    async describeListings(ids: readonly string[]): Promise<Body[]> {
        const found: Body[] = [];
        for (let i = 0; i < ids.length; i += DESCRIBE_IDS_PER_CALL) {
            const params: Params = { PageSize: String(DESCRIBE_PAGE_SIZE) };
            ids.slice(i, i + DESCRIBE_IDS_PER_CALL).forEach((id, n) => (params[`ScalingGroupId.${n + 1}`] = id));
            for (let page = 1; ; page++) {
                const body = await this.call("DescribeScalingGroups", { ...params, PageNumber: String(page) });
                const groups = wrappedList(body.ScalingGroups, "ScalingGroup");
                found.push(...groups);
                if (groups.length === 0 || page * DESCRIBE_PAGE_SIZE >= Number(body.TotalCount ?? 0)) break;
            }
        }
        return found;
    }

    /**
     * One Attach or Detach call of any kind (`params` name its entries, its force flag and, when
     * attaching, a ClientToken that retries reuse). Answers the scaling activity it started, if any.
     */
    async change(action: string, scalingGroupId: string, params: Params): Promise<string | undefined> {
        const body = await this.call(action, { ScalingGroupId: scalingGroupId, ...params });
        return typeof body.ScalingActivityId === "string" && body.ScalingActivityId ? body.ScalingActivityId : undefined;
    }

    /** The scaling activity, or undefined when DescribeScalingActivities does not list it (yet). */
    async describeScalingActivity(scalingGroupId: string, scalingActivityId: string): Promise<ScalingActivity | undefined> {
        const body = await this.call("DescribeScalingActivities", {
            ScalingGroupId: scalingGroupId,
            "ScalingActivityId.1": scalingActivityId,
        });
        const found = wrappedList(body.ScalingActivities, "ScalingActivity").find((a) => a.ScalingActivityId === scalingActivityId);
        if (!found) return undefined;
        return {
            scalingActivityId,
            statusCode: String(found.StatusCode ?? "InProgress"),
            statusMessage: String(found.StatusMessage ?? ""),
            progress: Number(found.Progress ?? 0),
        };
    }

    /** The LifecycleState one Describe attempt shows ("absent" when not listed), or undefined if that attempt failed. */
    private async lifecycleState(scalingGroupId: string): Promise<string | undefined> {
        const body = await this.send("DescribeScalingGroups", { "ScalingGroupId.1": scalingGroupId }).catch(() => undefined);
        if (!body) return undefined;
        const listed = wrappedList(body.ScalingGroups, "ScalingGroup").find((g) => String(g.ScalingGroupId) === scalingGroupId);
        return listed ? String(listed.LifecycleState) : "absent";
    }

    private async call(action: string, params: Params): Promise<Body> {
        let stateChecked = false;
        return withRetry(
            this.options.retry,
            async () => {
                const limiter = this.options.limiter;
                try {
                    await limiter?.acquire(action);
                    const body = await this.sendRenewing(action, params);
                    limiter?.succeeded(action);
                    return body;
                } catch (err) {
                    const error = toEssError(action, err);
                    if (error.ambiguous) this.lostAnswers++;
                    if (THROTTLING_CODES.has(error.code)) limiter?.throttled(action);
                    // Busy, or disabled/being deleted for good? One Describe per call tells; busy is retried.
                    if (error.code === "IncorrectScalingGroupStatus" && params.ScalingGroupId && !stateChecked) {
                        const state = await this.lifecycleState(params.ScalingGroupId);
                        stateChecked = state !== undefined;
                        if (state === "Inactive" || state === "Deleting" || state === "absent") {
                            throw new ScalingGroupStateError(error, params.ScalingGroupId, state);
                        }
                    }
                    throw error;
                }
            },
            {
                onRetry: (err: EssError, attempt, delayMs) =>
                    this.options.onRetry?.(
                        `${action} on ${params.ScalingGroupId ?? this.options.region}: ${err.code}, retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1})`,
                    ),
            },
        );
    }

    /**
     * One attempt; a temporary credential that ESS calls expired (revoked, or a clock ahead of the
     * library's) is fetched anew and the call sent once more.
     */
    private async sendRenewing(action: string, params: Params): Promise<Body> {
        try {
            return await this.send(action, params);
        } catch (err) {
            if (!this.renewable || toEssError(action, err).code !== "InvalidSecurityToken.Expired") throw err;
            this.options.onRetry?.(`${action}: the STS token expired, fetching a new one`);
            this.api = EssClient.api(this.options);
            return this.send(action, params);
        }
    }

    /** One attempt, no retry. */
    private async send(action: string, params: Params): Promise<Body> {
        const { Params: ApiParams, OpenApiRequest } = require("@alicloud/openapi-client") as typeof import("@alicloud/openapi-client");
        const { RuntimeOptions } = require("@alicloud/tea-util") as typeof import("@alicloud/tea-util");
        const spec = new ApiParams({
            action,
            version: ESS_VERSION,
            protocol: this.options.endpoint.protocol.toUpperCase(),
            pathname: "/",
            method: "POST",
            authType: "AK",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        });
        const request = new OpenApiRequest({ query: { RegionId: this.options.region, ...params } });
        const response = await this.api.callApi(spec, request, new RuntimeOptions({}));
        return (response.body ?? {}) as Body;
    }
}
