/** What an API action handler gets and returns. */
import type { Activities } from "./activities";
import type { BusyCode } from "./faults";
import type { Caller, Identities } from "./identities";
import type { Params } from "./signature";
import type { EmulatorState } from "./state";
import { errors } from "./errors";

export interface ActionContext {
    state: EmulatorState;
    /** Business parameters (signing and format parameters removed). */
    params: Params;
    /** The busy-window code for a change on this scaling group now, if any (consumes one call). */
    busy(scalingGroupId: string): BusyCode | undefined;
    /** ClientTokens of successful calls and what they answered, for idempotency. */
    clientTokens: Map<string, Record<string, unknown>>;
    /** Scaling activities: Force* changes start one; DescribeScalingActivities reads them. */
    activities: Activities;
    /** Who signed the call; undefined for an anonymous one (AssumeRoleWithOIDC). */
    caller?: Caller;
    /** Keys, RAM roles, OIDC providers and STS sessions (what STS reads and issues). */
    identities: Identities;
}

/** Returns the response body without RequestId, or throws an ApiError. Must be synchronous. */
export type ActionHandler = (ctx: ActionContext) => Record<string, unknown>;

export function required(params: Params, name: string): string {
    const value = params[name];
    if (value === undefined || value === "") throw errors.missingParameter(name);
    return value;
}

export function integer(params: Params, name: string, min: number, max: number): number | undefined {
    const value = params[name];
    if (value === undefined || value === "") return undefined;
    if (!/^\d+$/.test(value)) throw errors.invalidParameter(name);
    const n = Number(value);
    if (n < min || n > max) throw errors.invalidParameter(name);
    return n;
}

export function boolean(params: Params, name: string): boolean | undefined {
    const value = params[name];
    if (value === undefined || value === "") return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw errors.invalidParameter(name);
}

/** `Prefix.N.` indices present among the parameters, each validated to be 1..max. */
export function indices(params: Params, prefix: string, max: number): number[] {
    const found = new Set<number>();
    for (const key of Object.keys(params)) {
        if (!key.startsWith(prefix + ".")) continue;
        const raw = key.slice(prefix.length + 1).split(".")[0];
        if (!/^[1-9]\d*$/.test(raw) || Number(raw) > max) throw errors.invalidParameter(key);
        found.add(Number(raw));
    }
    return [...found].sort((a, b) => a - b);
}
