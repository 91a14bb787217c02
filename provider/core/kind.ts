// A traffic-source kind: what differs between SLB VServer groups, ALB/NLB/GWLB server groups and
// classic load balancers. The core (steps, planning, ownership, activity waits) knows only this.
import type { CheckFailure } from "./checks";

/** One attachment of any kind: its identity is `Kind.key`; GWLB server groups have no weight. */
export interface KindEntry {
    weight?: number;
}

/** The fields every kind's inputs and state share. */
export interface Attachment {
    scalingGroupId: string;
    region: string;
    forceAttach: boolean;
    forceDetach: boolean;
}

/** Inputs after `check`, and the state: the shared fields plus the kind's list under `Kind.field`. */
export type KindInputs = Attachment;

/** The kind's list in inputs or state. */
export function listOf(x: Attachment, field: string): unknown {
    return (x as unknown as Record<string, unknown>)[field];
}

/** An API answer, as the client parses JSON. */
export type Body = Record<string, unknown>;

export interface Kind<E extends KindEntry> {
    /** Part of every ownership scope: entries of different kinds never meet. */
    readonly name: string;
    /** What one entry is called in progress lines ("VServer group"). */
    readonly noun: string;
    /** The input and state field that lists the entries ("vserverGroups"). */
    readonly field: string;
    readonly attachAction: string;
    readonly detachAction: string;
    /** The detach action takes a ClientToken too (retries of a lost answer then name the same activity). */
    readonly detachTakesClientToken: boolean;
    /** The identity of an entry, without its weight. */
    key(e: E): string;
    compare(a: E, b: E): number;
    /** The sorted entry list of an input or state list, default weights filled in. */
    entries(list: unknown): E[];
    /** The canonical list the state holds: sorted, weights explicit. */
    list(entries: readonly E[]): unknown[];
    /** As few calls as the action's per-call limits allow. */
    split(entries: readonly E[]): E[][];
    /** The request parameters naming `entries` (one call's worth); weights only when attaching; `force` is the call's Force* flag. */
    params(entries: readonly E[], attaching: boolean, force: boolean): Record<string, string>;
    /** The entries of this kind that one DescribeScalingGroups scaling group lists. */
    attached(scalingGroup: Body): E[];
    /** An entry in a progress line (`rsp-1:80`). */
    named(e: E): string;
    /** An entry in a preview line (`lb-1/rsp-1 port 80 weight 50`). */
    shown(e: E): string;
    /** Validates raw inputs (see `validateInputs`); `fallbackRegion` is the stack's region. */
    validate(raw: unknown, fallbackRegion: string | undefined): { inputs?: KindInputs; failures: CheckFailure[] };
}

/** `ScalingGroup.N.Field` values of an answer: ESS wraps each list in an object named after it. */
export function listIn(container: unknown, key: string): Body[] {
    const value = (container as Body | undefined)?.[key];
    return Array.isArray(value) ? (value as Body[]) : [];
}
