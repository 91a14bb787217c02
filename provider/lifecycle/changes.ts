// Pure planning over entries of any kind: their differences, and what to do against what the
// scaling group really holds. An entry is identified by `key`; a different weight is a change.
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
