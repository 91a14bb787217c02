// SLB VServer groups (AttachVServerGroups / DetachVServerGroups): an entry is (load balancer,
// VServer group, port) plus its weight; calls name ≤ 5 load balancers × 5 groups; no scaling activity.
// Its shapes are in ./model; this module validates inputs, splits and encodes calls, and reads its
// slice of DescribeScalingGroups.
import { wrappedList, type Body } from "../../client/ess";
import { Checker, isRecord, isUnknown } from "../../lifecycle/checks";
import { validateAttachment, type Kind } from "../../lifecycle/kind";
import {
    compareEntries,
    entriesIn,
    entryKey,
    MAX_GROUPS_PER_LOAD_BALANCER,
    MAX_LOAD_BALANCERS_PER_CALL,
    toEntries,
    toKeyedEntries,
    toVServerGroups,
    type Entry,
} from "./model";

const GROUP_FIELDS = ["loadbalancerId", "vserverAttributes"];
const ATTRIBUTE_FIELDS = ["vserverGroupId", "port", "weight"];

function checkAttributes(c: Checker, path: string, value: unknown): void {
    if (!c.list(path, value)) return;
    value.forEach((attr, j) => {
        const at = `${path}[${j}]`;
        if (isUnknown(attr)) return;
        if (!isRecord(attr)) return c.fail(at, attr, "must be an object with vserverGroupId, port and optional weight");
        c.noUnknownFields(at, attr, ATTRIBUTE_FIELDS);
        c.id(`${at}.vserverGroupId`, attr.vserverGroupId);
        c.integer(`${at}.port`, attr.port, 1, 65535);
        if (attr.weight !== undefined) c.integer(`${at}.weight`, attr.weight, 0, 100);
    });
}

/** Rules that span entries: a triple at most once, and a VServer group under one load balancer only. */
function checkUniqueness(c: Checker, groups: unknown[]): void {
    const seenTriple = new Map<string, string>();
    const loadBalancerOfGroup = new Map<string, { lb: string; path: string }>();
    groups.forEach((group, i) => {
        if (!isRecord(group) || typeof group.loadbalancerId !== "string" || !Array.isArray(group.vserverAttributes)) return;
        const lb = group.loadbalancerId;
        group.vserverAttributes.forEach((attr: unknown, j: number) => {
            if (!isRecord(attr) || typeof attr.vserverGroupId !== "string" || typeof attr.port !== "number") return;
            const at = `vserverGroups[${i}].vserverAttributes[${j}]`;
            const triple = `${lb}/${attr.vserverGroupId}/${attr.port}`;
            const first = seenTriple.get(triple);
            if (first !== undefined) {
                c.fail(
                    at,
                    { loadbalancerId: lb, vserverGroupId: attr.vserverGroupId, port: attr.port },
                    `duplicates ${first}; each (loadbalancerId, vserverGroupId, port) may appear once`,
                );
            } else {
                seenTriple.set(triple, at);
            }
            const owner = loadBalancerOfGroup.get(attr.vserverGroupId);
            if (owner && owner.lb !== lb) {
                c.fail(
                    `${at}.vserverGroupId`,
                    attr.vserverGroupId,
                    `is also listed under load balancer ${owner.lb} at ${owner.path}; a VServer group belongs to one load balancer`,
                );
            } else if (!owner) {
                loadBalancerOfGroup.set(attr.vserverGroupId, { lb, path: at });
            }
        });
    });
}

/** Each load balancer's VServer groups: IDs, ports, optional weights; a triple once, a group under one load balancer. */
function checkVServerGroups(c: Checker, groups: unknown[]): void {
    groups.forEach((group, i) => {
        const at = `vserverGroups[${i}]`;
        if (isUnknown(group)) return;
        if (!isRecord(group)) return c.fail(at, group, "must be an object with loadbalancerId and vserverAttributes");
        c.noUnknownFields(at, group, GROUP_FIELDS);
        c.id(`${at}.loadbalancerId`, group.loadbalancerId);
        checkAttributes(c, `${at}.vserverAttributes`, group.vserverAttributes);
    });
    checkUniqueness(c, groups);
}

/**
 * Splits entries into as few calls as the 5 load balancers × 5 groups limit allows.
 * Each call names a load balancer at most once; the load balancers with the most groups left
 * are served first, which reaches the lower bound max(⌈groups of busiest LB / 5⌉, ⌈slices / 5⌉).
 */
function splitIntoCalls(entries: readonly Entry[]): Entry[][] {
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

/** `VServerGroup.N.LoadBalancerId` / `VServerGroup.N.VServerGroupAttribute.M.*` for one call. */
function vserverGroupParams(entries: readonly Entry[], withWeight: boolean): Record<string, string> {
    const groups = toVServerGroups(entries);
    if (groups.length > MAX_LOAD_BALANCERS_PER_CALL || groups.some((g) => g.vserverAttributes.length > MAX_GROUPS_PER_LOAD_BALANCER)) {
        throw new Error(
            `one call may name at most ${MAX_LOAD_BALANCERS_PER_CALL} load balancers × ${MAX_GROUPS_PER_LOAD_BALANCER} groups; split with vserverGroups.split`,
        );
    }
    const params: Record<string, string> = {};
    groups.forEach((g, i) => {
        const lb = `VServerGroup.${i + 1}`;
        params[`${lb}.LoadBalancerId`] = g.loadbalancerId;
        g.vserverAttributes.forEach((a, j) => {
            const attr = `${lb}.VServerGroupAttribute.${j + 1}`;
            params[`${attr}.VServerGroupId`] = a.vserverGroupId;
            params[`${attr}.Port`] = String(a.port);
            if (withWeight) params[`${attr}.Weight`] = String(a.weight);
        });
    });
    return params;
}

/** The VServer groups one scaling group of a DescribeScalingGroups answer lists. */
function vserverGroupsIn(sg: Body): Entry[] {
    return wrappedList(sg.VServerGroups, "VServerGroup").flatMap((g) =>
        wrappedList(g.VServerGroupAttributes, "VServerGroupAttribute").map((a) => ({
            loadbalancerId: String(g.LoadBalancerId),
            vserverGroupId: String(a.VServerGroupId),
            port: Number(a.Port),
            weight: Number(a.Weight),
        })),
    );
}

export const vserverGroups: Kind<Entry> = {
    name: "vserver",
    noun: "VServer group",
    field: "vserverGroups",
    attachAction: "AttachVServerGroups",
    detachAction: "DetachVServerGroups",
    detachTakesClientToken: false,
    key: entryKey,
    compare: compareEntries,
    entriesOf: entriesIn,
    toState: toVServerGroups,
    toInputs: toKeyedEntries,
    split: splitIntoCalls,
    params: (entries, attaching) => vserverGroupParams(entries, attaching),
    attached: vserverGroupsIn,
    progressLabel: (e) => `${e.vserverGroupId}:${e.port}`,
    previewLabel: (e) => `${e.loadbalancerId}/${e.vserverGroupId} port ${e.port} weight ${e.weight}`,
    validate: (raw, fallbackRegion) => validateAttachment(vserverGroups, raw, fallbackRegion, checkVServerGroups),
};
