// Classic load balancers' default server groups (AttachLoadBalancers / DetachLoadBalancers): an
// entry is a load balancer plus the weight of the instances ESS registers; ≤ 5 per call. Attaching
// names `LoadBalancerConfig.N.{LoadBalancerId,Weight}`, detaching `LoadBalancer.N` (2022-02-22:
// `LoadBalancerConfigs.N`, `LoadBalancers.N`). A forced change is sent with Async=true, so it is a
// scaling activity the step waits for rather than a call that holds the answer until it is done.
import { wrappedList } from "../../client/ess";
import { Checker, isRecord, isUnknown } from "../../lifecycle/checks";
import { chunks, itemsOf, keyed, validateAttachment, type Kind } from "../../lifecycle/kind";

/** One classic load balancer attached to the scaling group, as the resource's `loadBalancers` output holds it. */
export interface LoadBalancer {
    /** The load balancer's ID (`lb-...`). */
    loadBalancerId: string;
    /** The weight of the instances ESS adds to its default server group, 0..100 (always set in outputs). */
    weight?: number;
}

/** An entry: a load balancer with its weight. */
export type LoadBalancerEntry = Required<LoadBalancer>;

/** AttachLoadBalancers/DetachLoadBalancers accept at most this many load balancers per call. */
export const MAX_LOAD_BALANCERS_PER_CALL = 5;
const DEFAULT_WEIGHT = 50;
const FIELDS = ["loadBalancerId", "weight"];

const key = (e: LoadBalancerEntry) => e.loadBalancerId;
const compare = (a: LoadBalancerEntry, b: LoadBalancerEntry) => a.loadBalancerId.localeCompare(b.loadBalancerId);
const itemOf = (e: LoadBalancerEntry): LoadBalancer => ({ loadBalancerId: e.loadBalancerId, weight: e.weight });

/** The sorted entries of a `loadBalancers` list or its keyed form, default weights filled in. */
export function toLoadBalancerEntries(value: unknown): LoadBalancerEntry[] {
    return (itemsOf(value) as LoadBalancer[])
        .map((l) => ({ loadBalancerId: l.loadBalancerId, weight: l.weight ?? DEFAULT_WEIGHT }))
        .sort(compare);
}

/** `LoadBalancerConfig.N.*` when attaching, `LoadBalancer.N` when detaching; Async=true with a force flag. */
export function loadBalancerParams(entries: readonly LoadBalancerEntry[], attaching: boolean, force: boolean): Record<string, string> {
    if (entries.length > MAX_LOAD_BALANCERS_PER_CALL) {
        throw new Error(`one call may name at most ${MAX_LOAD_BALANCERS_PER_CALL} load balancers; split them first`);
    }
    const params: Record<string, string> = force ? { Async: "true" } : {};
    entries.forEach((e, i) => {
        if (attaching) {
            params[`LoadBalancerConfig.${i + 1}.LoadBalancerId`] = e.loadBalancerId;
            params[`LoadBalancerConfig.${i + 1}.Weight`] = String(e.weight);
        } else {
            params[`LoadBalancer.${i + 1}`] = e.loadBalancerId;
        }
    });
    return params;
}

/** Each load balancer: an object with an ID and an optional weight, each ID once. */
function checkLoadBalancers(c: Checker, list: unknown[]): void {
    const seen = new Map<string, string>();
    list.forEach((l, i) => {
        const at = `loadBalancers[${i}]`;
        if (isUnknown(l)) return;
        if (!isRecord(l)) return c.fail(at, l, "must be an object with loadBalancerId and optional weight");
        c.noUnknownFields(at, l, FIELDS);
        if (l.weight !== undefined) c.integer(`${at}.weight`, l.weight, 0, 100);
        if (!c.id(`${at}.loadBalancerId`, l.loadBalancerId)) return;
        const first = seen.get(l.loadBalancerId);
        if (first !== undefined) {
            c.fail(
                `${at}.loadBalancerId`,
                l.loadBalancerId,
                `duplicates ${first}; each load balancer may appear once (one weight per load balancer)`,
            );
        } else seen.set(l.loadBalancerId, at);
    });
}

export const loadBalancers: Kind<LoadBalancerEntry> = {
    name: "load-balancer",
    noun: "load balancer",
    field: "loadBalancers",
    attachAction: "AttachLoadBalancers",
    detachAction: "DetachLoadBalancers",
    detachTakesClientToken: true,
    key,
    compare,
    entriesOf: toLoadBalancerEntries,
    toState: (entries) => [...entries].sort(compare).map(itemOf),
    toInputs: (entries) => keyed(entries, { key, compare }, itemOf),
    split: (entries) => chunks(entries, MAX_LOAD_BALANCERS_PER_CALL),
    params: loadBalancerParams,
    attached: (sg) => {
        const configs = wrappedList(sg.LoadBalancerConfigs, "LoadBalancerConfig");
        const weights = new Map(configs.map((c) => [String(c.LoadBalancerId), Number(c.Weight ?? DEFAULT_WEIGHT)]));
        const ids = (sg.LoadBalancerIds as { LoadBalancerId?: unknown } | undefined)?.LoadBalancerId;
        const listed = Array.isArray(ids) ? ids.map(String) : [...weights.keys()];
        return listed.map((id) => ({ loadBalancerId: id, weight: weights.get(id) ?? DEFAULT_WEIGHT })).sort(compare);
    },
    progressLabel: (e) => e.loadBalancerId,
    previewLabel: (e) => `${e.loadBalancerId} weight ${e.weight}`,
    validate: (raw, fallbackRegion) => validateAttachment(loadBalancers, raw, fallbackRegion, checkLoadBalancers),
};
