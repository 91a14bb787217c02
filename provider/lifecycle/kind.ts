// A traffic-source kind: what differs between SLB VServer groups, ALB/NLB/GWLB server groups and
// classic load balancers. The lifecycle (steps, converge, ownership, preview lines) knows only this
// interface; each kind is one folder under ../kinds that implements it.
import type { Body } from "../client/ess";
import type { IdentitySettings } from "../client/identity";
import { Checker, type CheckFailure } from "./checks";
import { containsUnknown } from "./unknown";

/** One attachment of any kind: its identity is `Kind.key`; GWLB server groups have no weight. */
export interface KindEntry {
    weight?: number;
}

/** The fields every kind's checked inputs and state share; the kind's entries are under `Kind.field`. */
export interface Attachment {
    scalingGroupId: string;
    region: string;
    forceAttach: boolean;
    forceDetach: boolean;
    /** Set by the resource class in the program: the resource's name, to tell which declarations a run deleted. */
    resourceName?: string;
    /**
     * Set by the resource class in the program: entry key → names of the program's other resources
     * that declare it on this scaling group. State keeps it for the entries it owns, for a later
     * delete that gets only state (`destroy --target`, a resource targeted after leaving the program).
     */
    declaredByOthers?: Record<string, string[]>;
    /** The resource's own identity settings (as `alicloud.ProviderArgs` has them); default the stack's. */
    identity?: IdentitySettings;
    /** State only: the last step failed without knowing what ESS did, so the next `up` re-reads before it acts. */
    uncertain?: boolean;
    /** State only: false for a `get` resource, which owns nothing. */
    managed?: boolean;
}

/** The value of the kind's field (`vserverGroups`, …) in inputs or state, as it is there. */
export function fieldOf(x: Partial<Attachment>, field: string): unknown {
    return (x as Record<string, unknown>)[field];
}

/** Splits entries into calls of at most `max` entries each (kinds whose calls take one flat list). */
export function chunks<E>(entries: readonly E[], max: number): E[][] {
    const calls: E[][] = [];
    for (let i = 0; i < entries.length; i += max) calls.push(entries.slice(i, i + max));
    return calls;
}

/**
 * The keyed form of a field value (`Kind.toInputs`): each entry's item under its key, in `compare`
 * order. The engine shows `preview --diff` from the stored and the new inputs, lists by position
 * and objects by key: keyed, only an added, removed or re-weighted entry is marked.
 */
export function keyed<E extends KindEntry>(
    entries: readonly E[],
    kind: Pick<Kind<E>, "key" | "compare">,
    item: (e: E) => unknown,
): Record<string, unknown> {
    return Object.fromEntries([...entries].sort((a, b) => kind.compare(a, b)).map((e) => [kind.key(e), item(e)]));
}

/** The items a field value holds: a list's (the program's, outputs, earlier releases' inputs), or the keyed form's values. */
export function itemsOf(value: unknown): unknown[] {
    if (Array.isArray(value)) return value;
    return typeof value === "object" && value !== null ? Object.values(value) : [];
}

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
    /** The entries a field value holds (a list, or the keyed form of `toInputs`), sorted, default weights filled in. */
    entriesOf(value: unknown): E[];
    /** The field value outputs hold for `entries`: the list users read, sorted, weights explicit. */
    toState(entries: readonly E[]): unknown[];
    /** The field value `check` returns (so inputs hold it) for `entries`: keyed by `key`, weights explicit (see `keyed`). */
    toInputs(entries: readonly E[]): Record<string, unknown>;
    /** As few calls as the action's per-call limits allow. */
    split(entries: readonly E[]): E[][];
    /** The request parameters naming `entries` (one call's worth); weights only when attaching; `force` is the call's Force* flag. */
    params(entries: readonly E[], attaching: boolean, force: boolean): Record<string, string>;
    /** The entries of this kind that one scaling group of a DescribeScalingGroups answer lists. */
    attached(scalingGroup: Body): E[];
    /** An entry in a progress line (`rsp-1:80`). */
    progressLabel(e: E): string;
    /** An entry in a preview line (`lb-1/rsp-1 port 80 weight 50`). */
    previewLabel(e: E): string;
    /** Validates raw inputs; `fallbackRegion` is the stack's region. Every failure names the field, the value and the rule. */
    validate(raw: unknown, fallbackRegion: string | undefined): { inputs?: Attachment; failures: CheckFailure[] };
}

/**
 * The validation every kind shares around its own: an object with only the shared fields and the
 * kind's field, a scaling group and its region, a non-empty list whose items `checkItems` checks,
 * boolean flags. The inputs hold the entries keyed, with explicit weights (once they are known), so
 * state and diffs line up whatever order the program uses, and the flags' defaults.
 */
export function validateAttachment<E extends KindEntry>(
    kind: Pick<Kind<E>, "field" | "entriesOf" | "toInputs">,
    raw: unknown,
    fallbackRegion: string | undefined,
    checkItems: (c: Checker, items: unknown[]) => void,
): { inputs?: Attachment; failures: CheckFailure[] } {
    const c = new Checker();
    const top = c.topLevel(raw, ["scalingGroupId", "region", kind.field, "forceAttach", "forceDetach"], fallbackRegion);
    if (!top) return { failures: c.failures };
    const { input, region } = top;
    const items = input[kind.field];
    if (c.list(kind.field, items)) checkItems(c, items);
    c.boolean("forceAttach", input.forceAttach);
    c.boolean("forceDetach", input.forceDetach);
    if (c.failures.length > 0) return { failures: c.failures };
    const inputs = {
        scalingGroupId: input.scalingGroupId as string,
        region: region as string,
        [kind.field]: containsUnknown(items) ? items : kind.toInputs(kind.entriesOf(items)),
        forceAttach: (input.forceAttach as boolean | undefined) ?? false,
        forceDetach: (input.forceDetach as boolean | undefined) ?? false,
    };
    return { inputs, failures: [] };
}
