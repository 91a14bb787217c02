// Pure planning over entries of any kind: their differences, and what to do against what the
// scaling group really holds. An entry is identified by `key`; a different weight is a change.
import { isRecord } from "./checks";
import { fieldOf, type Attachment, type Kind, type KindEntry } from "./kind";
import { containsUnknown } from "./unknown";

export type KeyOf<E> = (e: E) => string;

export interface Changes<E> {
    /** Entries to detach: no longer wanted, or wanted with another weight. */
    detach: E[];
    /** Entries to attach: wanted and not attached with that weight. */
    attach: E[];
}

function differs<E extends KindEntry>(byKey: Map<string, E>, key: string, e: E): boolean {
    const other = byKey.get(key);
    return other === undefined || other.weight !== e.weight;
}

/**
 * What turns `current` into `desired`. A weight change is a detach of the old entry and an
 * attach of the new one, because ESS cannot change the weight of an attached group.
 */
export function changesBetween<E extends KindEntry>(key: KeyOf<E>, current: readonly E[], desired: readonly E[]): Changes<E> {
    const wanted = new Map(desired.map((e) => [key(e), e]));
    const present = new Map(current.map((e) => [key(e), e]));
    return {
        detach: current.filter((e) => differs(wanted, key(e), e)),
        attach: desired.filter((e) => differs(present, key(e), e)),
    };
}

export function sameSet<E extends KindEntry>(key: KeyOf<E>, a: readonly E[], b: readonly E[]): boolean {
    const { detach, attach } = changesBetween(key, a, b);
    return detach.length === 0 && attach.length === 0;
}

/**
 * Reconciles against what the scaling group really holds. Only entries this resource owned or
 * wants are looked at: anything else attached to the group belongs to someone else and is left alone.
 */
export function reconcile<E extends KindEntry>(
    key: KeyOf<E>,
    attached: readonly E[],
    owned: readonly E[],
    desired: readonly E[],
): Changes<E> {
    const relevant = new Set([...owned, ...desired].map(key));
    return changesBetween(
        key,
        attached.filter((e) => relevant.has(key(e))),
        desired,
    );
}

/** The owned entries that are still attached, with the weight they are attached with, in `compare` order. */
export function stillAttached<E>(key: KeyOf<E>, compare: (a: E, b: E) => number, attached: readonly E[], owned: readonly E[]): E[] {
    const ownedKeys = new Set(owned.map(key));
    return attached.filter((e) => ownedKeys.has(key(e))).sort(compare);
}

export interface DiffPlan {
    changes: boolean;
    /** Properties whose change needs a new resource. */
    replaces: string[];
}

/**
 * The engine's diff, computed without any API call. A new region or scaling group means a new
 * attachment; a different entry set (order ignored) or different force flags means an update.
 * Values not known yet during preview count as changed.
 */
export function diffOf<E extends KindEntry>(
    kind: Pick<Kind<E>, "field" | "key" | "entriesOf">,
    olds: Attachment,
    news: Attachment,
): DiffPlan {
    const replaces = (["region", "scalingGroupId"] as const).filter((field) => containsUnknown(news[field]) || olds[field] !== news[field]);
    const entriesChanged =
        containsUnknown(fieldOf(news, kind.field)) ||
        !sameSet(kind.key, kind.entriesOf(fieldOf(olds, kind.field)), kind.entriesOf(fieldOf(news, kind.field)));
    const flagsChanged = olds.forceAttach !== news.forceAttach || olds.forceDetach !== news.forceDetach;
    return { changes: replaces.length > 0 || entriesChanged || flagsChanged, replaces };
}

/**
 * The program's inputs as `check` validates them: the list. `ignoreChanges` on the kind's field has
 * the engine copy the stored value into them, which is keyed since this release: back to the list.
 */
export function asProgramGave<E extends KindEntry>(
    kind: Pick<Kind<E>, "field" | "entriesOf" | "toState">,
    news: Record<string, unknown>,
): Record<string, unknown> {
    const field = news[kind.field];
    return isRecord(field) && !containsUnknown(field) ? { ...news, [kind.field]: kind.toState(kind.entriesOf(field)) } : news;
}

/**
 * The inputs `check` returns, given the inputs state holds (`olds`). The kind's field is keyed
 * (`Kind.toInputs`), so the engine's `preview --diff` marks only the entries that change. Inputs
 * stored by releases up to 0.1.0 hold the list: while its entries stay the same and another input
 * changes (this run updates the resource anyway, e.g. to record `resourceName`), the list is kept,
 * so the diff shows only that input; a later run that changes nothing stores the keyed form with
 * no diff shown and no API call.
 */
export function inputsToStore<E extends KindEntry>(
    kind: Pick<Kind<E>, "field" | "key" | "entriesOf">,
    olds: unknown,
    inputs: Attachment,
): Attachment {
    const stored = isRecord(olds) ? olds[kind.field] : undefined;
    const field = fieldOf(inputs, kind.field);
    if (!Array.isArray(stored) || containsUnknown(field) || !sameSet(kind.key, kind.entriesOf(stored), kind.entriesOf(field)))
        return inputs;
    const others = (x: object) =>
        JSON.stringify(
            Object.entries(x)
                .filter(([k, v]) => k !== kind.field && k !== "__provider" && v !== undefined)
                .sort(([a], [b]) => a.localeCompare(b)),
        );
    return others(olds as object) === others(inputs) ? inputs : { ...inputs, [kind.field]: stored };
}
