// Pure planning: entry sets, their differences, and how to split them into API calls.
// Nothing here does I/O or knows about Pulumi's runtime.
import {
    entryKey,
    MAX_GROUPS_PER_LOAD_BALANCER,
    MAX_LOAD_BALANCERS_PER_CALL,
    toEntries,
    toVServerGroups,
    compareEntries,
    type AttachmentInputs,
    type AttachmentState,
    type Entry,
    type VServerGroup,
} from "./model";
import { changesBetween, diffOf, reconcile, sameSet, stillAttached, type Changes as CoreChanges, type DiffPlan } from "./core/changes";

/** True when both lists hold the same entries, weights included, in any order. */
export function sameEntries(a: readonly Entry[], b: readonly Entry[]): boolean {
    return sameSet(entryKey, a, b);
}

export type Changes = CoreChanges<Entry>;

/**
 * What turns `current` into `desired`. A weight change is a detach of the old entry and an
 * attach of the new one, because ESS cannot change the weight of an attached group.
 */
export function planChanges(current: readonly Entry[], desired: readonly Entry[]): Changes {
    return changesBetween(entryKey, current, desired);
}

/**
 * Reconciles against what the scaling group really holds. Only entries this resource owned or
 * wants are looked at: anything else attached to the group belongs to someone else and is left alone.
 */
export function planReconcile(attached: readonly Entry[], owned: readonly Entry[], desired: readonly Entry[]): Changes {
    return reconcile(entryKey, attached, owned, desired);
}

/** The owned entries that are still attached, with the weight they are attached with. */
export function ownedAttached(attached: readonly Entry[], owned: readonly Entry[]): Entry[] {
    return stillAttached(entryKey, compareEntries, attached, owned);
}

/**
 * Splits entries into as few calls as the 5 load balancers × 5 groups limit allows.
 * Each call names a load balancer at most once; the load balancers with the most groups left
 * are served first, which reaches the lower bound max(⌈groups of busiest LB / 5⌉, ⌈slices / 5⌉).
 */
export function splitIntoCalls(entries: readonly Entry[]): Entry[][] {
    const slicesByLoadBalancer = new Map<string, Entry[][]>();
    for (const group of toVServerGroups(entries)) {
        const own = toEntries([group]);
        const slices: Entry[][] = [];
        for (let i = 0; i < own.length; i += MAX_GROUPS_PER_LOAD_BALANCER) {
            slices.push(own.slice(i, i + MAX_GROUPS_PER_LOAD_BALANCER));
        }
        slicesByLoadBalancer.set(group.loadbalancerId, slices);
    }
    const calls: Entry[][] = [];
    while (slicesByLoadBalancer.size > 0) {
        const busiest = [...slicesByLoadBalancer]
            .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
            .slice(0, MAX_LOAD_BALANCERS_PER_CALL);
        const call: Entry[] = [];
        for (const [loadbalancerId, slices] of busiest) {
            call.push(...(slices.shift() ?? []));
            if (slices.length === 0) slicesByLoadBalancer.delete(loadbalancerId);
        }
        calls.push(call);
    }
    return calls;
}

export type { DiffPlan };

/**
 * The engine's diff, computed without any API call. A new region or scaling group means a new
 * attachment; a different entry set (order ignored) or different force flags means an update.
 * Values not known yet during preview count as changed.
 */
export function planDiff(olds: AttachmentState, news: AttachmentInputs): DiffPlan {
    return diffOf<Entry>({ field: "vserverGroups", key: entryKey, entries: (list) => toEntries(list as VServerGroup[]) }, olds, news);
}
