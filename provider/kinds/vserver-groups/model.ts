// The shapes of this domain: an entry, the nested form users write, the checked inputs and the
// state the engine keeps, and the API limits on them. Pure: no I/O, no Pulumi runtime.
import { itemsOf, keyed, type Attachment } from "../../lifecycle/kind";

/** Weight ESS uses when none is given. */
export const DEFAULT_WEIGHT = 50;
/** AttachVServerGroups/DetachVServerGroups accept at most this many load balancers per call... */
export const MAX_LOAD_BALANCERS_PER_CALL = 5;
/** ...and at most this many VServer groups per load balancer. */
export const MAX_GROUPS_PER_LOAD_BALANCER = 5;

/** One attachment: the triple (loadbalancerId, vserverGroupId, port) plus its weight. */
export interface Entry {
    /** The load balancer (`lb-...`). */
    loadbalancerId: string;
    /** The VServer group (`rsp-...`) on that load balancer. */
    vserverGroupId: string;
    /** The backend port ESS registers the scaling group's instances on. */
    port: number;
    /** The weight of those instances, 0..100. */
    weight: number;
}

/** One VServer group of a load balancer on one port, as the resource's `vserverGroups` output holds it. */
export interface VServerAttribute {
    /** The VServer group's ID (`rsp-...`). */
    vserverGroupId: string;
    /** The port ESS registers the scaling group's instances on, 1..65535. */
    port: number;
    /** The weight of the instances ESS adds, 0..100 (always set in outputs). */
    weight?: number;
}

/** One load balancer's entries: its VServer groups attached to the scaling group. */
export interface VServerGroup {
    /** The load balancer's ID (`lb-...`). */
    loadbalancerId: string;
    /** Its VServer groups (sorted in outputs). */
    vserverAttributes: VServerAttribute[];
}

/** The identity of an attachment, without its weight. */
export function entryKey(e: Pick<Entry, "loadbalancerId" | "vserverGroupId" | "port">): string {
    return `${e.loadbalancerId}/${e.vserverGroupId}/${e.port}`;
}

export function compareEntries(a: Entry, b: Entry): number {
    return a.loadbalancerId.localeCompare(b.loadbalancerId) || a.vserverGroupId.localeCompare(b.vserverGroupId) || a.port - b.port;
}

/** Flattens the nested input shape into a sorted entry list, filling in the default weight. */
export function toEntries(groups: readonly VServerGroup[]): Entry[] {
    return groups
        .flatMap((g) =>
            g.vserverAttributes.map((a) => ({
                loadbalancerId: g.loadbalancerId,
                vserverGroupId: a.vserverGroupId,
                port: a.port,
                weight: a.weight ?? DEFAULT_WEIGHT,
            })),
        )
        .sort(compareEntries);
}

/** The entries a field value holds: the nested list (program, outputs) or the keyed form (inputs); sorted, default weights. */
export function entriesIn(value: unknown): Entry[] {
    if (Array.isArray(value)) return toEntries(value as VServerGroup[]);
    return itemsOf(value)
        .map((e) => {
            const { loadbalancerId, vserverGroupId, port, weight } = e as Entry;
            return { loadbalancerId, vserverGroupId, port, weight: weight ?? DEFAULT_WEIGHT };
        })
        .sort(compareEntries);
}

/** The keyed form inputs hold: `lb-1/rsp-1/80` → the entry, weight explicit. */
export function toKeyedEntries(entries: readonly Entry[]): Record<string, Entry> {
    return keyed<Entry>(entries, { key: entryKey, compare: compareEntries }, (e) => ({ ...e })) as Record<string, Entry>;
}

/** The canonical nested shape of an entry list: grouped by load balancer, sorted, weights explicit. */
export function toVServerGroups(entries: readonly Entry[]): VServerGroup[] {
    const byLoadBalancer = new Map<string, VServerAttribute[]>();
    for (const e of [...entries].sort(compareEntries)) {
        const attrs = byLoadBalancer.get(e.loadbalancerId) ?? [];
        attrs.push({ vserverGroupId: e.vserverGroupId, port: e.port, weight: e.weight });
        byLoadBalancer.set(e.loadbalancerId, attrs);
    }
    return [...byLoadBalancer].map(([loadbalancerId, vserverAttributes]) => ({ loadbalancerId, vserverAttributes }));
}

/**
 * Inputs after `check`: validated, with the region resolved (plus `declaredByOthers`, which the
 * resource class sets). `vserverGroups` is keyed (`toKeyedEntries`); states of releases up to
 * 0.1.0 hold the nested list, and every step reads both.
 */
export interface AttachmentInputs extends Attachment {
    vserverGroups: VServerGroup[] | Record<string, Entry>;
}

/**
 * What the state's outputs record. `vserverGroups` lists the entries this resource owns that are
 * attached, in canonical order with explicit weights; after a partial failure or a refresh it may
 * hold fewer entries than the inputs, and the next update attaches the rest.
 */
export interface AttachmentState extends Attachment {
    vserverGroups: VServerGroup[];
}
