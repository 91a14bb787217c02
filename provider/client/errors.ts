// ESS errors as users read them: the action, the code, the message, the RequestId, and what to do.

/** Codes that mean "busy, try again" rather than "this will never work". */
const RETRYABLE_CODES = new Set([
    "Throttling",
    "Throttling.User",
    "Throttling.Api",
    "Rejected.Throttling",
    "ServiceUnavailable",
    "InternalError",
    "IncorrectScalingGroupStatus",
    "ScalingActivityInProgress",
    "InvalidOperation.Conflict",
    "VServerGroupProcessing",
    "BackendServer.configuring",
    // Each attempt is signed with a fresh nonce, so a retry cannot collide again.
    "SignatureNonceUsed",
]);

/** Transport failures: the request may or may not have reached ESS. */
const TRANSPORT_CODES = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "EPIPE",
    "ETIMEDOUT",
    "ESOCKETTIMEDOUT",
    "EAI_AGAIN",
    "ENOTFOUND",
    "UND_ERR_SOCKET",
    "RequestTimeoutError",
]);

/** Transport failures before any byte left: no connection was made, so ESS never saw the request. */
const NEVER_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

const HINTS: Record<string, string> = {
    "QuotaExceeded.VServerGroup":
        "the scaling group has reached its VServer group quota (default 5, see DescribeLimitation MaxNumberOfVServerGroups): detach others or ask for a higher quota in the Quota Center",
    IncorrectLoadBalancerHealthCheck:
        "enable the health check on the load balancer's listeners for this VServer group, then run `pulumi up` again",
    IncorrectLoadBalancerStatus: "the load balancer must be active (running): start it, then run `pulumi up` again",
    "InvalidLoadBalancerId.NotFound": "check loadbalancerId and that it is in the same region as the scaling group",
    "InvalidLoadBalancerId.RegionMismatch": "the load balancer must be in the scaling group's region",
    "InvalidLoadBalancerId.VPCMismatch": "the load balancer must be in the scaling group's VPC",
    "InvalidVServerGroupId.ForLoadBalancer": "check that each vserverGroupId belongs to the loadbalancerId it is listed under",
    "InvalidScalingGroupId.NotFound": "check scalingGroupId and region",
    "InvalidAccessKeyId.NotFound": "the AccessKey ID is not known: check alicloud:accessKey or ALIBABA_CLOUD_ACCESS_KEY_ID",
    SignatureDoesNotMatch:
        "the AccessKey secret does not match the AccessKey ID: check alicloud:secretKey or ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "InvalidTimeStamp.Expired": "the machine's clock is off: synchronise it (NTP) and retry",
    "InvalidSecurityToken.Expired": "the STS token has expired: obtain a fresh one",
    "InvalidSecurityToken.MismatchWithAccessKey": "the STS token does not belong to this AccessKey ID",
};

/** Codes with which ESS and RAM refuse an identity an action. */
const DENIED_CODES = new Set(["Forbidden.Unauthorized", "Forbidden.RAM", "NoPermission", "Forbidden"]);

function hintFor(action: string, code: string): string | undefined {
    if (DENIED_CODES.has(code)) {
        return `the identity that called lacks the RAM permission ess:${action}: grant it (the RAM policy in docs/configuration.md lists every action this package calls)`;
    }
    return HINTS[code];
}

export class EssError extends Error {
    override readonly name = "EssError";

    constructor(
        readonly action: string,
        readonly code: string,
        readonly detail: string,
        readonly requestId?: string,
        readonly httpStatus?: number,
        hint: string | undefined = hintFor(action, code),
    ) {
        const where = requestId ? ` (RequestId: ${requestId})` : "";
        super(`${action} failed: ${code}: ${detail}${where}${hint ? `; ${hint}` : ""}`);
    }

    /** Worth another try: ESS said it is busy, or the request may not have arrived. */
    get retryable(): boolean {
        return RETRYABLE_CODES.has(this.code) || TRANSPORT_CODES.has(this.code) || (this.httpStatus ?? 0) >= 500;
    }

    /** The request may have taken effect even though no answer came back (a refused or unresolved connection sent nothing). */
    get ambiguous(): boolean {
        return (TRANSPORT_CODES.has(this.code) && !NEVER_SENT_CODES.has(this.code)) || (this.httpStatus ?? 0) >= 500;
    }
}

/** The LifecycleState of a scaling group that IncorrectScalingGroupStatus will not outwait; "absent" when DescribeScalingGroups no longer lists it. */
export type StuckState = "Inactive" | "Deleting" | "absent";

const STUCK_HINTS: Record<StuckState, (id: string) => string> = {
    Inactive: (id) =>
        `scaling group ${id} is Inactive (disabled), which waiting will not change: enable it (EnableScalingGroup, or Enable in the Auto Scaling console), then run the pulumi command again`,
    Deleting: (id) =>
        `scaling group ${id} is being deleted (Deleting), which detaches everything from it: point scalingGroupId at a live scaling group`,
    absent: (id) => `scaling group ${id} no longer exists`,
};

/**
 * IncorrectScalingGroupStatus from a scaling group that is disabled, being deleted or gone, as
 * DescribeScalingGroups showed right after: final, since retrying would only use up the budget.
 */
export class ScalingGroupStateError extends EssError {
    constructor(
        cause: EssError,
        readonly scalingGroupId: string,
        readonly state: StuckState,
    ) {
        super(cause.action, cause.code, cause.detail, cause.requestId, cause.httpStatus, STUCK_HINTS[state](scalingGroupId));
    }

    override get retryable(): boolean {
        return false;
    }
}

/** The scaling group no longer exists or is being deleted: whatever was attached to it is gone with it. */
export function isScalingGroupGone(err: unknown): boolean {
    if (err instanceof ScalingGroupStateError) return err.state !== "Inactive";
    return err instanceof EssError && err.code === "InvalidScalingGroupId.NotFound";
}

interface RawClientError {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    data?: { statusCode?: unknown; Message?: unknown; RequestId?: unknown; Code?: unknown };
}

/**
 * Turns whatever `@alicloud/openapi-client` threw into an EssError. Only the code, message and
 * RequestId are kept: the raw error carries the signed request, which must never be printed.
 */
export function toEssError(action: string, thrown: unknown): EssError {
    if (thrown instanceof EssError) return thrown;
    const e = (typeof thrown === "object" && thrown !== null ? thrown : { message: String(thrown) }) as RawClientError;
    const data = e.data;
    if (data && typeof data.statusCode === "number") {
        return new EssError(
            action,
            String(data.Code ?? e.code ?? "Unknown"),
            String(data.Message ?? "no message"),
            typeof data.RequestId === "string" ? data.RequestId : undefined,
            data.statusCode,
        );
    }
    const code = typeof e.code === "string" && e.code ? e.code : typeof e.name === "string" ? e.name : "Error";
    // Transport messages can quote the request path; drop its query string.
    const message = String(e.message ?? "").replace(/\?\S*/g, "");
    return new EssError(action, code, message || "request failed");
}
