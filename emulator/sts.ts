/**
 * Security Token Service (2015-04-01, RPC): AssumeRole (signed) and AssumeRoleWithOIDC (anonymous,
 * as in the real API), issuing `STS.` keys that work with their SecurityToken until they expire.
 * Checks and answers follow the two actions' API reference pages and their error tables.
 */
import { type ActionContext, type ActionHandler, required } from "./actions";
import { errors } from "./errors";
import { roleIdOf, type SessionRequest } from "./identities";
import { MAX_SESSION_POLICY_BYTES, type PolicyDocument, policyProblem, ROLE_ARN, type RoleConfig } from "./ram";

export const STS_VERSION = "2015-04-01";
/** Actions STS answers without a signature (the OIDC token is the credential). */
export const STS_ANONYMOUS_ACTIONS: readonly string[] = ["AssumeRoleWithOIDC"];

const MIN_DURATION_SECONDS = 900;
const DEFAULT_DURATION_SECONDS = 3600;
const DEFAULT_MAX_SESSION_DURATION = 3600;

function roleArn(ctx: ActionContext): string {
    const arn = required(ctx.params, "RoleArn");
    if (!ROLE_ARN.test(arn)) throw errors.stsWronglyFormed("RoleArn");
    return arn;
}

function roleSessionName(ctx: ActionContext): string {
    const name = required(ctx.params, "RoleSessionName");
    if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(name)) throw errors.stsWronglyFormed("RoleSessionName");
    return name;
}

/** The session Policy, if any: JSON the emulator can evaluate (Condition and the like are not modelled: grammar error). */
function sessionPolicy(ctx: ActionContext): PolicyDocument | undefined {
    const text = ctx.params.Policy;
    if (text === undefined || text === "") return undefined;
    if (Buffer.byteLength(text) > MAX_SESSION_POLICY_BYTES) throw errors.policySize();
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch {
        throw errors.policyGrammar();
    }
    if (policyProblem(doc)) throw errors.policyGrammar();
    return doc as PolicyDocument;
}

/** DurationSeconds: an integer from 900 to the role's MaxSessionDuration (default 3600). */
function durationSeconds(ctx: ActionContext, role: RoleConfig): number {
    const raw = ctx.params.DurationSeconds;
    if (raw === undefined || raw === "") return DEFAULT_DURATION_SECONDS;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= MIN_DURATION_SECONDS && n <= (role.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION))) throw errors.durationSeconds();
    return n;
}

function answer(ctx: ActionContext, request: SessionRequest): Record<string, unknown> {
    const { key, expiration } = ctx.identities.issue(request);
    return {
        AssumedRoleUser: {
            Arn: `${request.role.arn}/${request.roleSessionName}`,
            AssumedRoleId: `${roleIdOf(request.role.arn)}:${request.roleSessionName}`,
        },
        Credentials: {
            AccessKeyId: key.accessKeyId,
            AccessKeySecret: key.accessKeySecret,
            SecurityToken: key.securityToken,
            Expiration: expiration,
        },
    };
}

/**
 * The caller's own `sts:AssumeRole` permission on the role was checked before (as for every
 * action); here: the role exists, its trust policy names the caller, the ExternalId it requires.
 */
const assumeRole: ActionHandler = (ctx) => {
    const arn = roleArn(ctx);
    const name = roleSessionName(ctx);
    const externalId = ctx.params.ExternalId;
    if (externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) throw errors.stsWronglyFormed("ExternalId");
    const policy = sessionPolicy(ctx);
    const role = ctx.identities.role(arn);
    if (!role) throw errors.roleNotFound();
    const caller = ctx.caller;
    if (!caller || !ctx.identities.trusts(role, caller)) throw errors.stsNoPermission();
    // The ExternalId is a condition of the trust policy: a wrong or missing one fails it the same way.
    if (role.externalId !== undefined && externalId !== role.externalId) throw errors.stsNoPermission();
    const duration = durationSeconds(ctx, role);
    return answer(ctx, { role, roleSessionName: name, policy, durationSeconds: duration, assumedBy: caller.accessKeyId });
};

/** Anonymous: the OIDC token, checked against the provider's configured tokens, is the credential. */
const assumeRoleWithOidc: ActionHandler = (ctx) => {
    const providerArn = required(ctx.params, "OIDCProviderArn");
    const arn = roleArn(ctx);
    const token = ctx.params.OIDCToken ?? "";
    const name = roleSessionName(ctx);
    const policy = sessionPolicy(ctx);
    const provider = ctx.identities.oidcProvider(providerArn);
    if (!provider) throw errors.oidcProviderNotFound();
    if (token === "") throw errors.oidcTokenEmpty();
    if (!provider.tokens.includes(token)) throw errors.oidcTokenInvalid();
    const role = ctx.identities.role(arn);
    if (!role) throw errors.roleNotFound();
    if (!(role.trustedOidcProviders ?? []).includes(providerArn)) throw errors.oidcNotTrusted();
    const duration = durationSeconds(ctx, role);
    return {
        OIDCTokenInfo: {
            Subject: `subject-${provider.tokens.indexOf(token) + 1}`,
            Issuer: provider.issuerUrl ?? "https://oidc.emulator.invalid",
            ClientIds: (provider.clientIds ?? ["sts.aliyuncs.com"]).join(","),
        },
        ...answer(ctx, { role, roleSessionName: name, policy, durationSeconds: duration, assumedBy: providerArn }),
    };
};

export const stsActions: Record<string, ActionHandler> = {
    AssumeRole: assumeRole,
    AssumeRoleWithOIDC: assumeRoleWithOidc,
};
