/**
 * RAM as the emulator models it: policy documents (`{Version: "1", Statement: [{Effect, Action,
 * Resource}]}`) and how a call is judged against them, plus the shapes of the RAM roles and OIDC
 * identity providers STS assumes. Pure: no state, no I/O.
 *
 * A request is allowed when every policy that applies to the caller allows it and none denies it
 * (an explicit Deny wins; no matching Allow is an implicit deny). An absent policy restricts
 * nothing, so keys and roles without one may do everything.
 */

/** One statement of a RAM policy. `Condition`, `NotAction`, `NotResource` and `Principal` are not modelled. */
export interface PolicyStatement {
    Effect: "Allow" | "Deny";
    /** `service:Action` patterns, `*` matching any run of characters (case-insensitive), e.g. `ess:Describe*`. */
    Action: string | string[];
    /** Resource patterns with `*`, e.g. `*` (see `requestResource` for what a call is matched against). */
    Resource: string | string[];
    Sid?: string;
}

/** A RAM policy document (the identity-based policy of a key or role, or an STS session Policy). */
export interface PolicyDocument {
    Version: "1";
    Statement: PolicyStatement[];
}

/** A RAM role STS can assume (configured through options, the seed, `control.addRole` or the admin API). */
export interface RoleConfig {
    /** `acs:ram::<account id>:role/<role name>` */
    arn: string;
    /**
     * Who may call AssumeRole on it: AccessKey IDs of long-term keys, role ARNs (that role's STS
     * sessions, role chaining) or `*` (any caller). Default none.
     */
    trustedPrincipals?: string[];
    /** OIDC provider ARNs whose tokens may assume it with AssumeRoleWithOIDC. Default none. */
    trustedOidcProviders?: string[];
    /** What its sessions may do (intersected with a session Policy). Absent: everything. */
    policy?: PolicyDocument;
    /** The largest DurationSeconds AssumeRole accepts, 3600..43200 (default 3600). */
    maxSessionDuration?: number;
    /** When set, AssumeRole must pass this ExternalId (as the trust policy's `sts:ExternalId` condition). */
    externalId?: string;
}

/** An OIDC identity provider AssumeRoleWithOIDC accepts tokens of. */
export interface OidcProviderConfig {
    /** `acs:ram::<account id>:oidc-provider/<name>` */
    arn: string;
    /** The OIDCToken values it accepts, compared as plain strings (no JWT is decoded or verified). */
    tokens: string[];
    /** Reported as OIDCTokenInfo.Issuer (default `https://oidc.emulator.invalid`). */
    issuerUrl?: string;
    /** Reported, comma-separated, as OIDCTokenInfo.ClientIds (default `sts.aliyuncs.com`). */
    clientIds?: string[];
}

/** Why a call was refused, as the gateway's AccessDeniedDetail names it. */
export type DenyType = "ImplicitDeny" | "ExplicitDeny";
/** Which policy refused: a key's or role's own (`AccountLevelIdentityBasedPolicy`) or the session Policy. */
export type PolicyKind = "AccountLevelIdentityBasedPolicy" | "SessionPolicy";

export type Decision = { allowed: true } | { allowed: false; type: DenyType; policyType: PolicyKind };

/** The emulator's one account: the account of every long-term key, and the `<account>` of request resources. */
export const EMULATOR_ACCOUNT_ID = "1234567890123456";
/** `acs:ram::<digits>:role/<name>`, as STS checks RoleArn. */
export const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9.@_+=,-]{1,64}$/;
/** The largest Policy STS takes, in bytes. */
export const MAX_SESSION_POLICY_BYTES = 2048;

const KNOWN_STATEMENT_KEYS = ["Effect", "Action", "Resource", "Sid"];

function list(value: string | string[]): string[] {
    return Array.isArray(value) ? value : [value];
}

function isStringOrList(value: unknown): value is string | string[] {
    const items = Array.isArray(value) ? value : [value];
    return items.length > 0 && items.every((v) => typeof v === "string" && v !== "");
}

/** Why `doc` is not a policy the emulator can evaluate, or undefined when it is. */
export function policyProblem(doc: unknown): string | undefined {
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "a policy must be a JSON object";
    const { Version, Statement } = doc as Record<string, unknown>;
    if (Version !== "1") return `policy Version must be "1", got ${JSON.stringify(Version)}`;
    if (!Array.isArray(Statement) || Statement.length === 0) return "policy Statement must be a non-empty array";
    for (const [i, s] of Statement.entries()) {
        if (typeof s !== "object" || s === null || Array.isArray(s)) return `Statement[${i}] must be an object`;
        const statement = s as Record<string, unknown>;
        const unknown = Object.keys(statement).find((k) => !KNOWN_STATEMENT_KEYS.includes(k));
        if (unknown) return `Statement[${i}].${unknown} is not modelled by the emulator (only Effect, Action, Resource, Sid)`;
        if (statement.Effect !== "Allow" && statement.Effect !== "Deny") return `Statement[${i}].Effect must be "Allow" or "Deny"`;
        if (!isStringOrList(statement.Action)) return `Statement[${i}].Action must be a non-empty string or list of strings`;
        const badAction = list(statement.Action).find((a) => a !== "*" && !/^[A-Za-z0-9-]+:[A-Za-z0-9*]+$/.test(a));
        if (badAction) return `Statement[${i}].Action "${badAction}" is not "service:Action" (e.g. "ess:Describe*")`;
        if (!isStringOrList(statement.Resource)) return `Statement[${i}].Resource must be a non-empty string or list of strings`;
    }
    return undefined;
}

/** Throws an Error naming what is wrong unless `doc` is a policy the emulator can evaluate. */
export function checkPolicy(doc: unknown, what: string): PolicyDocument {
    const problem = policyProblem(doc);
    if (problem) throw new Error(`${what}: ${problem}`);
    return doc as PolicyDocument;
}

/** Throws an Error naming what is wrong unless `role` is a role the emulator can assume. */
export function checkRole(role: RoleConfig): RoleConfig {
    if (typeof role !== "object" || role === null) throw new Error("a role must be an object");
    if (typeof role.arn !== "string" || !ROLE_ARN.test(role.arn)) {
        throw new Error(`role arn must look like acs:ram::<account id>:role/<name>, got ${JSON.stringify(role.arn)}`);
    }
    for (const name of ["trustedPrincipals", "trustedOidcProviders"] as const) {
        const v = role[name];
        if (v !== undefined && !(Array.isArray(v) && v.every((p) => typeof p === "string"))) {
            throw new Error(`role ${role.arn}: ${name} must be a list of strings`);
        }
    }
    const max = role.maxSessionDuration;
    if (max !== undefined && !(Number.isInteger(max) && max >= 3600 && max <= 43200)) {
        throw new Error(`role ${role.arn}: maxSessionDuration must be an integer from 3600 to 43200, got ${max}`);
    }
    if (role.externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(role.externalId)) {
        throw new Error(`role ${role.arn}: externalId must be 2..1224 of letters, digits and = , . @ : / - _`);
    }
    if (role.policy !== undefined) checkPolicy(role.policy, `role ${role.arn}: policy`);
    return role;
}

/** Throws an Error naming what is wrong unless `provider` is a usable OIDC provider. */
export function checkOidcProvider(provider: OidcProviderConfig): OidcProviderConfig {
    if (typeof provider !== "object" || provider === null) throw new Error("an OIDC provider must be an object");
    if (typeof provider.arn !== "string" || !/^acs:ram::\d+:oidc-provider\/[^/]+$/.test(provider.arn)) {
        throw new Error(`OIDC provider arn must look like acs:ram::<account id>:oidc-provider/<name>, got ${JSON.stringify(provider.arn)}`);
    }
    if (!Array.isArray(provider.tokens) || !provider.tokens.every((t) => typeof t === "string" && t !== "")) {
        throw new Error(`OIDC provider ${provider.arn}: tokens must be a list of non-empty strings`);
    }
    return provider;
}

function glob(pattern: string, flags: string): RegExp {
    const source = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
    return new RegExp(`^${source}$`, flags);
}

function matches(statement: PolicyStatement, action: string, resource: string): boolean {
    return (
        list(statement.Action).some((a) => glob(a, "i").test(action)) && list(statement.Resource).some((r) => glob(r, "").test(resource))
    );
}

/**
 * Judges `action` (e.g. `ess:DetachVServerGroups`) on `resource` against every policy that applies
 * (undefined ones restrict nothing): an explicit Deny in any, else a policy without a matching Allow, refuses.
 */
export function decide(
    policies: ReadonlyArray<{ policy: PolicyDocument | undefined; kind: PolicyKind }>,
    action: string,
    resource: string,
): Decision {
    const applying = policies.filter((p): p is { policy: PolicyDocument; kind: PolicyKind } => p.policy !== undefined);
    for (const { policy, kind } of applying) {
        if (policy.Statement.some((s) => s.Effect === "Deny" && matches(s, action, resource))) {
            return { allowed: false, type: "ExplicitDeny", policyType: kind };
        }
    }
    for (const { policy, kind } of applying) {
        if (!policy.Statement.some((s) => s.Effect === "Allow" && matches(s, action, resource))) {
            return { allowed: false, type: "ImplicitDeny", policyType: kind };
        }
    }
    return { allowed: true };
}

/**
 * What a call is judged on: the role for `sts:AssumeRole`, otherwise
 * `acs:<service>:<RegionId or *>:<account>:*`. Resource-level ARNs (one scaling group, one load
 * balancer) are not modelled: a statement naming one never matches.
 */
export function requestResource(service: string, action: string, params: Readonly<Record<string, string>>): string {
    if (service === "sts" && action === "AssumeRole") return params.RoleArn ?? "";
    return `acs:${service}:${params.RegionId || "*"}:${EMULATOR_ACCOUNT_ID}:*`;
}
