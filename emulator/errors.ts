import type { DenyType, PolicyKind } from "./ram";

/** An API error as Alibaba Cloud returns it: HTTP status, code and message (and, for some, more fields of the body). */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        /** Fields the error body carries after Code, Message and Recommend (e.g. AccessDeniedDetail). */
        readonly extra?: Record<string, unknown>,
    ) {
        super(message);
    }
}

/**
 * The gateway's AccessDeniedDetail, in the layout of RAM's DecodeDiagnosticMessage and the SDK
 * models that carry it (https://help.aliyun.com/zh/ram/developer-reference/api-ram-2015-05-01-decodediagnosticmessage).
 */
export interface AccessDeniedDetail {
    AuthAction: string;
    AuthPrincipalType: "SubUser" | "AssumedRoleUser";
    AuthPrincipalOwnerId: string;
    AuthPrincipalDisplayName: string;
    NoPermissionType: DenyType;
    PolicyType: PolicyKind;
    /** base64 of a JSON {AuthAction, AuthResource, ExplicitDeny, NoPermissionPolicyType}; real RAM cannot decode it. */
    EncodedDiagnosticMessage: string;
}

export const errors = {
    missingParameter: (name: string) =>
        new ApiError(
            400,
            "MissingParameter",
            `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
        ),
    invalidParameter: (name: string) => new ApiError(400, "InvalidParameter", `The specified value of parameter "${name}" is not valid.`),
    invalidAction: () => new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."),
    invalidVersion: () => new ApiError(400, "InvalidVersion", "Specified parameter Version is not valid."),
    requestTooLarge: (limit: number) =>
        new ApiError(413, "RequestEntityTooLarge", `The request body exceeds the maximum size of ${limit} bytes.`),

    // authentication
    incompleteSignature: () => new ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."),
    accessKeyNotFound: () => new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."),
    /**
     * The gateway echoes its HMAC-SHA1 string to sign; classic SDKs split on "server string to sign is:"
     * to tell a wrong secret from an SDK bug. Without one (ACS3-HMAC-SHA256) the message stops short.
     */
    signatureMismatch: (stringToSign?: string) =>
        new ApiError(
            400,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation." +
                (stringToSign === undefined ? "" : ` server string to sign is:${stringToSign}`),
        ),
    timestampFormat: () => new ApiError(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."),
    timestampExpired: () => new ApiError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."),
    nonceUsed: () => new ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already."),
    tokenMismatch: () =>
        new ApiError(400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."),
    tokenExpired: () => new ApiError(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."),
    tokenMalformed: () => new ApiError(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed."),
    /** An `STS.` AccessKey ID without its SecurityToken (STS's AssumeRole FAQ: https://www.alibabacloud.com/help/doc-detail/42775.htm). */
    missingSecurityToken: () => new ApiError(400, "MissingSecurityToken", "SecurityToken is mandatory for this action."),

    // RAM authorization: each product answers a missing permission its own way
    /** ESS API reference, every action: "returned when the RAM user does not have permission to call this operation". */
    essUnauthorized: (detail: AccessDeniedDetail) =>
        new ApiError(403, "Forbidden.Unauthorized", "A required authorization for the specified action is not supplied.", {
            AccessDeniedDetail: detail,
        }),
    /** What slb.aliyuncs.com answers a RAM user without the permission (seen in 2026, with AccessDeniedDetail). */
    slbForbidden: (detail: AccessDeniedDetail) =>
        new ApiError(403, "Forbidden", "User not authorized to operate on the specified resource.", { AccessDeniedDetail: detail }),

    // STS (AssumeRole and AssumeRoleWithOIDC API reference error tables)
    stsNoPermission: () => new ApiError(403, "NoPermission", "You are not authorized to do this action. You should be authorized by RAM."),
    roleNotFound: () => new ApiError(404, "EntityNotExist.Role", "The specified Role not exists."),
    stsWronglyFormed: (name: "RoleArn" | "RoleSessionName" | "ExternalId") =>
        new ApiError(400, `InvalidParameter.${name}`, `The parameter ${name} is wrongly formed.`),
    durationSeconds: () => new ApiError(400, "InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is 15min/1hr."),
    policyGrammar: () => new ApiError(400, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check."),
    policySize: () => new ApiError(400, "InvalidParameter.PolicySize", "The size of Policy must be smaller than 2048 bytes."),
    oidcProviderNotFound: () => new ApiError(401, "AuthenticationFail.NoPermission", "No such OIDC Provider registered."),
    oidcNotTrusted: () => new ApiError(401, "AuthenticationFail.NoPermission", "There is no permission"),
    oidcTokenEmpty: () => new ApiError(401, "AuthenticationFail.OIDCToken.Invalid", "The OIDCToken can not empty."),
    oidcTokenInvalid: () =>
        new ApiError(401, "AuthenticationFail.OIDCToken.Invalid", "The Jwt content is invalid that cannot be recognized."),

    // injected faults, and flow control (emulator/flow-control.ts)
    /**
     * What Alibaba Cloud's OpenAPI gateway answers when one user (AccessKey) goes over an API's
     * per-user rate (the "单用户调用频率" / per-user QPS an API reference page states): 400
     * Throttling.User. The API-wide limit answers 400 `Throttling`, "Request was denied due to
     * request throttling." (Auto Scaling client errors:
     * https://help.aliyun.com/en/auto-scaling/developer-reference/client-errors); the emulator models only the per-user one.
     */
    throttling: () => new ApiError(400, "Throttling.User", "Request was denied due to user flow control."),
    internalError: () =>
        new ApiError(500, "InternalError", "The request processing has failed due to some unknown error, exception or failure."),
    serviceUnavailable: () => new ApiError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),

    // ESS
    scalingGroupNotFound: () => new ApiError(404, "InvalidScalingGroupId.NotFound", "The specified scaling group does not exist."),
    incorrectScalingGroupStatus: () =>
        new ApiError(403, "IncorrectScalingGroupStatus", "The current status of the specified scaling group does not support this action."),
    scalingActivityInProgress: () =>
        new ApiError(
            403,
            "ScalingActivityInProgress",
            "You cannot change the specified scaling group while a scaling activity is in progress.",
        ),
    loadBalancerNotFound: () => new ApiError(404, "InvalidLoadBalancerId.NotFound", "The specified load balancer does not exist."),
    loadBalancerRegionMismatch: () =>
        new ApiError(
            400,
            "InvalidLoadBalancerId.RegionMismatch",
            "The specified load balancer and the scaling group are not in the same region.",
        ),
    incorrectLoadBalancerStatus: () =>
        new ApiError(400, "IncorrectLoadBalancerStatus", "The current status of the specified load balancer does not support this action."),
    incorrectLoadBalancerHealthCheck: () =>
        new ApiError(400, "IncorrectLoadBalancerHealthCheck", "The specified load balancer has no listener with health check enabled."),
    vServerGroupNotInLoadBalancer: () =>
        new ApiError(
            400,
            "InvalidVServerGroupId.ForLoadBalancer",
            "The specified VServer group does not exist in the specified load balancer.",
        ),
    vServerGroupQuotaExceeded: () =>
        new ApiError(400, "QuotaExceeded.VServerGroup", "The number of VServer groups attached to the scaling group exceeds the quota."),

    // ESS traffic sources (AttachServerGroups, AttachLoadBalancers)
    serverGroupNotFound: () => new ApiError(404, "InvalidServerGroupId.NotFound", "The specified server group does not exist."),
    serverGroupQuotaExceeded: () =>
        new ApiError(400, "QuotaExceeded.ServerGroup", "The number of server groups attached to the scaling group exceeds the quota."),
    loadBalancerQuotaExceeded: () =>
        new ApiError(400, "QuotaExceeded.LoadBalancer", "The number of load balancers attached to the scaling group exceeds the quota."),

    // SLB
    slbLoadBalancerNotFound: () => new ApiError(400, "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist."),
    vServerGroupNotFound: () => new ApiError(404, "InvalidVServerGroupId.NotFound", "The specified VServerGroupId does not exist."),
};
