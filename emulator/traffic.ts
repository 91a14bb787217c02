/**
 * ALB/NLB/GWLB server groups and classic load balancers' default server groups: how attaching or
 * detaching one moves a scaling group's instances into or out of its backends. Synchronous, like
 * state.ts: a scaling activity applies one of these at its end.
 */
import {
    DEFAULT_WEIGHT,
    type EmulatorState,
    findLoadBalancer,
    type ScalingGroup,
    type ServerGroup,
    type ServerGroupAttachment,
} from "./state";

/** GWLB server groups take no port: ESS registers instances on 6081 (the GENEVE port). */
export const GWLB_PORT = 6081;

export function findServerGroup(state: EmulatorState, serverGroupId: string): ServerGroup | undefined {
    return state.serverGroups.find((g) => g.serverGroupId === serverGroupId);
}

export function sameServerGroupAttachment(a: Omit<ServerGroupAttachment, "weight">, b: Omit<ServerGroupAttachment, "weight">): boolean {
    return a.serverGroupId === b.serverGroupId && a.type === b.type && a.port === b.port;
}

function inService(group: ScalingGroup): string[] {
    return group.instances.filter((i) => i.lifecycleState === "InService").map((i) => i.instanceId);
}

function register(state: EmulatorState, entry: ServerGroupAttachment, instanceIds: string[]): void {
    const target = findServerGroup(state, entry.serverGroupId);
    if (!target) return;
    for (const serverId of instanceIds) {
        if (target.backendServers.some((b) => b.serverId === serverId && b.port === entry.port)) continue;
        target.backendServers.push({ serverId, port: entry.port, weight: entry.weight ?? DEFAULT_WEIGHT, type: "ecs" });
    }
}

function deregister(state: EmulatorState, entry: Omit<ServerGroupAttachment, "weight">, instanceIds: ReadonlySet<string>): void {
    const target = findServerGroup(state, entry.serverGroupId);
    if (target) target.backendServers = target.backendServers.filter((b) => !(instanceIds.has(b.serverId) && b.port === entry.port));
}

function registerDefault(state: EmulatorState, loadBalancerId: string, weight: number, instanceIds: string[]): void {
    const lb = findLoadBalancer(state, loadBalancerId);
    if (!lb) return;
    for (const serverId of instanceIds) {
        if (!lb.backendServers.some((b) => b.serverId === serverId)) lb.backendServers.push({ serverId, weight, type: "ecs" });
    }
}

function deregisterDefault(state: EmulatorState, loadBalancerId: string, instanceIds: ReadonlySet<string>): void {
    const lb = findLoadBalancer(state, loadBalancerId);
    if (lb) lb.backendServers = lb.backendServers.filter((b) => !instanceIds.has(b.serverId));
}

/** Adds new server group attachments (attached ones are left alone); with force, registers InService instances. */
export function attachServerGroups(state: EmulatorState, group: ScalingGroup, entries: ServerGroupAttachment[], force: boolean): void {
    for (const entry of entries) {
        if (!group.serverGroups.some((a) => sameServerGroupAttachment(a, entry))) group.serverGroups.push({ ...entry });
        // ForceAttach on an attached entry still adds the instances (as the docs say for load balancers).
        if (force) register(state, entry, inService(group));
    }
}

/** Removes the attachments that exist (others are ignored); with force, deregisters the group's instances. */
export function detachServerGroups(
    state: EmulatorState,
    group: ScalingGroup,
    entries: Array<Omit<ServerGroupAttachment, "weight">>,
    force: boolean,
): void {
    const removed = group.serverGroups.filter((a) => entries.some((e) => sameServerGroupAttachment(a, e)));
    group.serverGroups = group.serverGroups.filter((a) => !removed.includes(a));
    if (!force) return;
    const ids = new Set(group.instances.map((i) => i.instanceId));
    for (const entry of removed) deregister(state, entry, ids);
}

/** One classic load balancer to attach: its ID and the weight of the instances ESS registers. */
export interface LoadBalancerConfig {
    loadBalancerId: string;
    weight: number;
}

export function attachLoadBalancers(state: EmulatorState, group: ScalingGroup, configs: LoadBalancerConfig[], force: boolean): void {
    for (const { loadBalancerId, weight } of configs) {
        if (!group.loadBalancerIds.includes(loadBalancerId)) {
            group.loadBalancerIds.push(loadBalancerId);
            group.loadBalancerWeights[loadBalancerId] = weight;
        }
        if (force) registerDefault(state, loadBalancerId, group.loadBalancerWeights[loadBalancerId], inService(group));
    }
}

export function detachLoadBalancers(state: EmulatorState, group: ScalingGroup, loadBalancerIds: string[], force: boolean): void {
    const removed = group.loadBalancerIds.filter((id) => loadBalancerIds.includes(id));
    group.loadBalancerIds = group.loadBalancerIds.filter((id) => !removed.includes(id));
    for (const id of removed) delete group.loadBalancerWeights[id];
    if (!force) return;
    const ids = new Set(group.instances.map((i) => i.instanceId));
    for (const id of removed) deregisterDefault(state, id, ids);
}

/** An InService instance joined the group: ESS registers it with every attached server group and load balancer. */
export function registerInstance(state: EmulatorState, group: ScalingGroup, instanceId: string): void {
    for (const entry of group.serverGroups) register(state, entry, [instanceId]);
    for (const id of group.loadBalancerIds) registerDefault(state, id, group.loadBalancerWeights[id] ?? DEFAULT_WEIGHT, [instanceId]);
}

/** An instance left the group: ESS deregisters it everywhere. */
export function deregisterInstance(state: EmulatorState, group: ScalingGroup, instanceId: string): void {
    const ids = new Set([instanceId]);
    for (const entry of group.serverGroups) deregister(state, entry, ids);
    for (const id of group.loadBalancerIds) deregisterDefault(state, id, ids);
}
