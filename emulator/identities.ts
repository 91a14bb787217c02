/**
 * Who may call the emulator: long-term AccessKeys (each with an optional RAM policy), the RAM roles
 * and OIDC providers STS assumes, and the STS sessions it has issued. The signature verifier looks
 * keys up here; the server asks here who signed a call and whether that caller may do the action.
 */
import { createHash, randomBytes } from "node:crypto";
import type { AccessDeniedDetail } from "./errors";
import {
    checkOidcProvider,
    checkPolicy,
    checkRole,
    type Decision,
    decide,
    EMULATOR_ACCOUNT_ID,
    type OidcProviderConfig,
    type PolicyDocument,
    type RoleConfig,
} from "./ram";
import { type AccessKey, STS_ACCESS_KEY_PREFIX } from "./signature";

/** Who signed a call: a long-term key (`SubUser`) or an STS session of a role (`AssumedRoleUser`). */
export interface Caller {
    accessKeyId: string;
    principalType: "SubUser" | "AssumedRoleUser";
    /** The assumed role, for an STS session. */
    roleArn?: string;
    roleSessionName?: string;
    /** `<role id>:<session name>`, for an STS session. */
    assumedRoleId?: string;
}

/** An STS session as `control.stsSessions()` lists it (its secret and token are not shown). */
export interface StsSession {
    /** `STS.…` */
    accessKeyId: string;
    roleArn: string;
    roleSessionName: string;
    /** The Expiration STS answered, `YYYY-MM-DDTHH:MM:SSZ`. */
    expiration: string;
    /** Made invalid by `control.expireCredentials` (or its Expiration has passed). */
    expired: boolean;
    /** Who assumed the role: the caller's AccessKey ID (AssumeRole) or the OIDC provider ARN (AssumeRoleWithOIDC). */
    assumedBy: string;
}

/** What AssumeRole / AssumeRoleWithOIDC ask for once their checks have passed. */
export interface SessionRequest {
    role: RoleConfig;
    roleSessionName: string;
    policy?: PolicyDocument;
    durationSeconds: number;
    assumedBy: string;
}

interface Session {
    key: Required<Pick<AccessKey, "accessKeyId" | "accessKeySecret" | "securityToken">>;
    roleArn: string;
    roleSessionName: string;
    policy?: PolicyDocument;
    expiresAt: number;
    expired: boolean;
    assumedBy: string;
}

/** Letters and digits only, `length` of them. */
function alphanumeric(length: number): string {
    let out = "";
    while (out.length < length)
        out += randomBytes(length)
            .toString("base64")
            .replace(/[^A-Za-z0-9]/g, "");
    return out.slice(0, length);
}

/** STS's time format: `2015-04-09T11:52:19Z`. */
export function stsTime(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A stable numeric role ID for `<role id>:<session>` (real ones are numbers too). */
export function roleIdOf(roleArn: string): string {
    return String(createHash("sha256").update(roleArn).digest().readBigUInt64BE() % 10n ** 17n).padStart(17, "3");
}

export class Identities {
    private longTerm: AccessKey[] = [];
    private readonly roleMap = new Map<string, RoleConfig>();
    private readonly providerMap = new Map<string, OidcProviderConfig>();
    private readonly sessionMap = new Map<string, Session>();
    /** Seconds from issue to Expiration for new sessions; undefined: the request's DurationSeconds. */
    lifetimeSeconds: number | undefined;

    constructor(private readonly now: () => number) {}

    // long-term keys

    /** Replaces the long-term keys (all checked first: a bad one changes nothing). */
    setKeys(keys: readonly AccessKey[]): void {
        for (const key of keys) if (key.policy !== undefined) checkPolicy(key.policy, `key ${key.accessKeyId}: policy`);
        this.longTerm = [];
        for (const key of keys) this.addKey(key);
    }

    addKey(key: AccessKey): void {
        if (key.policy !== undefined) checkPolicy(key.policy, `key ${key.accessKeyId}: policy`);
        this.longTerm = [...this.longTerm.filter((k) => k.accessKeyId !== key.accessKeyId), structuredClone(key)];
    }

    keys(): AccessKey[] {
        return structuredClone(this.longTerm);
    }

    /** A key as the signature verifier sees it: long-term, or an issued session (token expiry 0 once expired). */
    lookup(accessKeyId: string): AccessKey | undefined {
        const session = this.sessionMap.get(accessKeyId);
        if (session) return { ...session.key, tokenExpiresAt: session.expired ? 0 : session.expiresAt };
        return this.longTerm.find((k) => k.accessKeyId === accessKeyId);
    }

    // roles and OIDC providers

    /** Replaces the roles and OIDC providers (all checked first: a bad one changes nothing). */
    setRolesAndProviders(roles: readonly RoleConfig[], providers: readonly OidcProviderConfig[]): void {
        roles.forEach(checkRole);
        providers.forEach(checkOidcProvider);
        this.roleMap.clear();
        for (const role of roles) this.addRole(role);
        this.providerMap.clear();
        for (const provider of providers) this.addOidcProvider(provider);
    }

    addRole(role: RoleConfig): void {
        this.roleMap.set(role.arn, structuredClone(checkRole(role)));
    }

    removeRole(arn: string): void {
        if (!this.roleMap.delete(arn)) throw new Error(`no role ${arn}`);
    }

    roles(): RoleConfig[] {
        return structuredClone([...this.roleMap.values()]);
    }

    role(arn: string): RoleConfig | undefined {
        return this.roleMap.get(arn);
    }

    addOidcProvider(provider: OidcProviderConfig): void {
        this.providerMap.set(provider.arn, structuredClone(checkOidcProvider(provider)));
    }

    removeOidcProvider(arn: string): void {
        if (!this.providerMap.delete(arn)) throw new Error(`no OIDC provider ${arn}`);
    }

    oidcProviders(): OidcProviderConfig[] {
        return structuredClone([...this.providerMap.values()]);
    }

    oidcProvider(arn: string): OidcProviderConfig | undefined {
        return this.providerMap.get(arn);
    }

    // STS sessions

    /** Issues temporary credentials for a role; they work only with their SecurityToken until they expire. */
    issue(request: SessionRequest): { key: Session["key"]; expiration: string; caller: Caller } {
        const key = {
            accessKeyId: STS_ACCESS_KEY_PREFIX + alphanumeric(25),
            accessKeySecret: alphanumeric(44),
            // Real tokens are long base64 blobs starting CAIS; the verifier tells a malformed one by that shape.
            securityToken: "CAIS" + randomBytes(180).toString("base64"),
        };
        const expiresAt = this.now() + (this.lifetimeSeconds ?? request.durationSeconds) * 1000;
        this.sessionMap.set(key.accessKeyId, {
            key,
            roleArn: request.role.arn,
            roleSessionName: request.roleSessionName,
            policy: request.policy,
            expiresAt,
            expired: false,
            assumedBy: request.assumedBy,
        });
        return { key, expiration: stsTime(expiresAt), caller: this.caller(key.accessKeyId) };
    }

    /** Makes one session (or all) invalid from now on; returns how many were still valid. Throws for an unknown ID. */
    expire(accessKeyId?: string): number {
        if (accessKeyId !== undefined && !this.sessionMap.has(accessKeyId))
            throw new Error(`no STS session with AccessKey ID ${accessKeyId}`);
        let count = 0;
        for (const [id, session] of this.sessionMap) {
            if (accessKeyId !== undefined && id !== accessKeyId) continue;
            if (!session.expired && session.expiresAt > this.now()) count++;
            session.expired = true;
        }
        return count;
    }

    sessions(): StsSession[] {
        return [...this.sessionMap.values()].map((s) => ({
            accessKeyId: s.key.accessKeyId,
            roleArn: s.roleArn,
            roleSessionName: s.roleSessionName,
            expiration: stsTime(s.expiresAt),
            expired: s.expired || s.expiresAt <= this.now(),
            assumedBy: s.assumedBy,
        }));
    }

    clearSessions(): void {
        this.sessionMap.clear();
    }

    // who is calling, and may they

    /** The identity behind a verified AccessKey ID. */
    caller(accessKeyId: string): Caller {
        const session = this.sessionMap.get(accessKeyId);
        if (!session) return { accessKeyId, principalType: "SubUser" };
        return {
            accessKeyId,
            principalType: "AssumedRoleUser",
            roleArn: session.roleArn,
            roleSessionName: session.roleSessionName,
            assumedRoleId: `${roleIdOf(session.roleArn)}:${session.roleSessionName}`,
        };
    }

    /** Whether the caller may do `action` on `resource`: its key's policy, or its role's policy and session Policy. */
    authorize(caller: Caller, action: string, resource: string): Decision {
        const session = this.sessionMap.get(caller.accessKeyId);
        if (!session) {
            const key = this.longTerm.find((k) => k.accessKeyId === caller.accessKeyId);
            return decide([{ policy: key?.policy, kind: "AccountLevelIdentityBasedPolicy" }], action, resource);
        }
        const role = this.roleMap.get(session.roleArn);
        // A session of a role that no longer exists may do nothing.
        if (!role) return { allowed: false, type: "ImplicitDeny", policyType: "AccountLevelIdentityBasedPolicy" };
        return decide(
            [
                { policy: role.policy, kind: "AccountLevelIdentityBasedPolicy" },
                { policy: session.policy, kind: "SessionPolicy" },
            ],
            action,
            resource,
        );
    }

    /** Whether `role`'s trust policy lets this caller assume it (the ExternalId is checked separately). */
    trusts(role: RoleConfig, caller: Caller): boolean {
        const trusted = role.trustedPrincipals ?? [];
        return trusted.includes("*") || trusted.includes(caller.roleArn ?? caller.accessKeyId);
    }

    /** What the gateway tells a refused caller (AccessDeniedDetail). */
    deniedDetail(caller: Caller, action: string, resource: string, decision: Decision & { allowed: false }): AccessDeniedDetail {
        const diagnostic = {
            AuthAction: action,
            AuthResource: resource,
            ExplicitDeny: decision.type === "ExplicitDeny",
            NoPermissionPolicyType: decision.policyType,
        };
        return {
            AuthAction: action,
            AuthPrincipalType: caller.principalType,
            AuthPrincipalOwnerId: /^acs:ram::(\d+):/.exec(caller.roleArn ?? "")?.[1] ?? EMULATOR_ACCOUNT_ID,
            AuthPrincipalDisplayName: caller.assumedRoleId ?? caller.accessKeyId,
            NoPermissionType: decision.type,
            PolicyType: decision.policyType,
            EncodedDiagnosticMessage: Buffer.from(JSON.stringify(diagnostic)).toString("base64"),
        };
    }
}
