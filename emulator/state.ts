/**
 * The emulated cloud: scaling groups, their instances and VServer group attachments, and the
 * SLB load balancers whose VServer groups hold backend servers. Everything here is synchronous
 * so that a mutation is atomic with respect to other requests.
 */
import type { OidcProviderConfig, RoleConfig } from "./ram";

/** A scaling group's state: only Active groups take changes. */
export type LifecycleState = "Active" | "Inactive" | "Deleting";
/** An instance's state in its scaling group: only InService instances are registered as backends. */
export type InstanceState = "InService" | "Pending" | "Standby" | "Protected" | "Removing";
/** A load balancer's status: only active ones take attachments. */
export type LoadBalancerStatus = "active" | "inactive" | "locked";

/** An ECS instance in a scaling group. */
export interface Instance {
    /** `i-...` */
    instanceId: string;
    /** Its state in the group. */
    lifecycleState: InstanceState;
}

/** One attachment: identity is (loadBalancerId, vServerGroupId, port). */
export interface Attachment {
    /** `lb-...` */
    loadBalancerId: string;
    /** `rsp-...` */
    vServerGroupId: string;
    /** The backend port instances are registered on. */
    port: number;
    /** The weight instances are registered with. */
    weight: number;
}

/** The kinds of server group AttachServerGroups takes. */
export type ServerGroupType = "ALB" | "NLB" | "GWLB";

/** One server group attachment: identity is (serverGroupId, type, port). */
export interface ServerGroupAttachment {
    /** `sgp-...` */
    serverGroupId: string;
    type: ServerGroupType;
    /** The backend port (GWLB takes none: always 6081). */
    port: number;
    /** The weight instances are registered with (GWLB takes none: undefined). */
    weight?: number;
}

/** An ESS scaling group, as DescribeScalingGroups shows it. */
export interface ScalingGroup {
    /** `asg-...` */
    scalingGroupId: string;
    scalingGroupName: string;
    regionId: string;
    lifecycleState: LifecycleState;
    minSize: number;
    maxSize: number;
    /** Empty for a classic-network group. */
    vpcId: string;
    vSwitchIds: string[];
    /** Classic load balancers attached whole (AttachLoadBalancers): their default server group. */
    loadBalancerIds: string[];
    /** The weight ESS registers instances with in each attached load balancer's default group (default 50). */
    loadBalancerWeights: Record<string, number>;
    /** ALB/NLB/GWLB server groups attached (AttachServerGroups). */
    serverGroups: ServerGroupAttachment[];
    /** Max number of attached classic load balancers (default 5). */
    loadBalancerQuota: number;
    /** Max number of attached ALB/NLB/GWLB server groups (default 5). */
    serverGroupQuota: number;
    /** As DescribeScalingGroups shows it, e.g. 2024-01-01T00:00Z. */
    creationTime: string;
    /** A scaling activity is running: changes are refused with IncorrectScalingGroupStatus. */
    activityInProgress: boolean;
    /** Max number of attachments (MaxNumberOfVServerGroups). */
    vServerGroupQuota: number;
    /** Its instances; the InService ones are backends of every attached VServer group. */
    instances: Instance[];
    /** Its VServer group attachments. */
    vServerGroups: Attachment[];
}

/** One backend of an SLB VServer group. */
export interface BackendServer {
    /** The instance (`i-...`). */
    serverId: string;
    port: number;
    weight: number;
    type: "ecs";
}

/** An SLB VServer group: a named set of backend servers on one load balancer. */
export interface SlbVServerGroup {
    /** `rsp-...` */
    vServerGroupId: string;
    vServerGroupName: string;
    /** What ESS registered (with ForceAttach or as instances joined) plus what was seeded. */
    backendServers: BackendServer[];
}

/** A backend of a classic load balancer's default server group (no port: listeners pick it). */
export type DefaultBackendServer = Omit<BackendServer, "port">;

/** An ALB, NLB or GWLB server group (`sgp-...`) and its backends. */
export interface ServerGroup {
    serverGroupId: string;
    serverGroupName: string;
    type: ServerGroupType;
    regionId: string;
    backendServers: BackendServer[];
}

/** A Classic Load Balancer (SLB), as DescribeLoadBalancers shows it. */
export interface LoadBalancer {
    /** `lb-...` */
    loadBalancerId: string;
    loadBalancerName: string;
    regionId: string;
    status: LoadBalancerStatus;
    address: string;
    addressType: "internet" | "intranet";
    /** Empty for a classic-network load balancer. */
    vpcId: string;
    vSwitchId: string;
    /** Frontend ports with a listener. */
    listenerPorts: number[];
    /** As SLB shows it, e.g. 2024-01-01T00:00Z. */
    createTime: string;
    /** At least one listener has health check on (an AttachVServerGroups precondition). */
    healthCheck: boolean;
    /** Its VServer groups. */
    vServerGroups: SlbVServerGroup[];
    /** Its default server group: what AttachLoadBalancers with ForceAttach registers instances in. */
    backendServers: DefaultBackendServer[];
}

/** The whole emulated cloud. */
export interface EmulatorState {
    /** Every scaling group, all regions. */
    scalingGroups: ScalingGroup[];
    /** Every load balancer, all regions. */
    loadBalancers: LoadBalancer[];
    /** Every ALB/NLB/GWLB server group, all regions. */
    serverGroups: ServerGroup[];
}

/** Seed input: the same shapes with defaults for everything but ids and region. */
export interface ScalingGroupSeed {
    scalingGroupId: string;
    regionId: string;
    scalingGroupName?: string;
    lifecycleState?: LifecycleState;
    /** Default 0. */
    minSize?: number;
    /** Default 10 (at least the number of instances). */
    maxSize?: number;
    vpcId?: string;
    vSwitchIds?: string[];
    loadBalancerIds?: string[];
    /** Weights of attached load balancers (default 50 each). */
    loadBalancerWeights?: Record<string, number>;
    serverGroups?: ServerGroupAttachment[];
    /** Default 5. */
    loadBalancerQuota?: number;
    /** Default 5. */
    serverGroupQuota?: number;
    /** Default: when the state was built. */
    creationTime?: string;
    activityInProgress?: boolean;
    vServerGroupQuota?: number;
    instances?: Array<string | { instanceId: string; lifecycleState?: InstanceState }>;
    vServerGroups?: Array<Omit<Attachment, "weight"> & { weight?: number }>;
}

/** Seed input of an SLB VServer group; a plain string seeds an empty group with that ID. */
export interface VServerGroupSeed {
    vServerGroupId: string;
    vServerGroupName?: string;
    backendServers?: Array<Omit<BackendServer, "type" | "weight"> & { weight?: number; type?: "ecs" }>;
}

/** Seed input of a load balancer: defaults for everything but the ID and region. */
export interface LoadBalancerSeed {
    loadBalancerId: string;
    regionId: string;
    loadBalancerName?: string;
    status?: LoadBalancerStatus;
    /** Default a private address derived from the id. */
    address?: string;
    addressType?: "internet" | "intranet";
    vpcId?: string;
    vSwitchId?: string;
    /** Default [80]. */
    listenerPorts?: number[];
    /** Default: when the state was built. */
    createTime?: string;
    healthCheck?: boolean;
    vServerGroups?: Array<string | VServerGroupSeed>;
    /** The default server group's backends. */
    backendServers?: Array<{ serverId: string; weight?: number }>;
}

/** Seed input of an ALB/NLB/GWLB server group. */
export interface ServerGroupSeed {
    serverGroupId: string;
    type: ServerGroupType;
    regionId: string;
    serverGroupName?: string;
    backendServers?: Array<Omit<BackendServer, "type" | "weight"> & { weight?: number; type?: "ecs" }>;
}

/** The cloud an emulator starts with (and `control.reset()` returns to). */
export interface StateSeed {
    /** Scaling groups to create. */
    scalingGroups?: ScalingGroupSeed[];
    /** Load balancers to create. */
    loadBalancers?: LoadBalancerSeed[];
    /** ALB/NLB/GWLB server groups to create. */
    serverGroups?: ServerGroupSeed[];
    /** RAM roles STS can assume (kept by the emulator's identities, not in `state()`). */
    roles?: RoleConfig[];
    /** OIDC providers AssumeRoleWithOIDC accepts tokens of (kept with the roles). */
    oidcProviders?: OidcProviderConfig[];
}

export const DEFAULT_VSERVER_GROUP_QUOTA = 5;
export const DEFAULT_WEIGHT = 50;
export const DEFAULT_LOAD_BALANCER_QUOTA = 5;
export const DEFAULT_SERVER_GROUP_QUOTA = 5;

/** Minute precision, as ESS and SLB print times: 2024-01-01T00:00Z. */
export function apiTime(date: Date): string {
    return date.toISOString().slice(0, 16) + "Z";
}

/** A stable private address for a load balancer without one. */
function addressOf(loadBalancerId: string): string {
    let h = 0;
    for (const c of loadBalancerId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return `192.168.${(h >>> 8) % 256}.${(h % 254) + 1}`;
}

export function buildState(seed: StateSeed, defaultQuota = DEFAULT_VSERVER_GROUP_QUOTA): EmulatorState {
    const now = apiTime(new Date());
    return {
        scalingGroups: (seed.scalingGroups ?? []).map((g) => ({
            scalingGroupId: g.scalingGroupId,
            scalingGroupName: g.scalingGroupName ?? g.scalingGroupId,
            regionId: g.regionId,
            lifecycleState: g.lifecycleState ?? "Active",
            minSize: g.minSize ?? 0,
            maxSize: g.maxSize ?? Math.max(10, g.instances?.length ?? 0),
            vpcId: g.vpcId ?? "",
            vSwitchIds: [...(g.vSwitchIds ?? [])],
            loadBalancerIds: [...(g.loadBalancerIds ?? [])],
            loadBalancerWeights: Object.fromEntries(
                (g.loadBalancerIds ?? []).map((id) => [id, g.loadBalancerWeights?.[id] ?? DEFAULT_WEIGHT]),
            ),
            serverGroups: (g.serverGroups ?? []).map((a) => ({ ...a })),
            loadBalancerQuota: g.loadBalancerQuota ?? DEFAULT_LOAD_BALANCER_QUOTA,
            serverGroupQuota: g.serverGroupQuota ?? DEFAULT_SERVER_GROUP_QUOTA,
            creationTime: g.creationTime ?? now,
            activityInProgress: g.activityInProgress ?? false,
            vServerGroupQuota: g.vServerGroupQuota ?? defaultQuota,
            instances: (g.instances ?? []).map((i) =>
                typeof i === "string"
                    ? { instanceId: i, lifecycleState: "InService" as const }
                    : { instanceId: i.instanceId, lifecycleState: i.lifecycleState ?? "InService" },
            ),
            vServerGroups: (g.vServerGroups ?? []).map((a) => ({ ...a, weight: a.weight ?? DEFAULT_WEIGHT })),
        })),
        loadBalancers: (seed.loadBalancers ?? []).map((lb) => ({
            loadBalancerId: lb.loadBalancerId,
            loadBalancerName: lb.loadBalancerName ?? lb.loadBalancerId,
            regionId: lb.regionId,
            status: lb.status ?? "active",
            address: lb.address ?? addressOf(lb.loadBalancerId),
            addressType: lb.addressType ?? "intranet",
            vpcId: lb.vpcId ?? "",
            vSwitchId: lb.vSwitchId ?? "",
            listenerPorts: [...(lb.listenerPorts ?? [80])],
            createTime: lb.createTime ?? now,
            healthCheck: lb.healthCheck ?? true,
            vServerGroups: (lb.vServerGroups ?? []).map((v) => {
                const s: VServerGroupSeed = typeof v === "string" ? { vServerGroupId: v } : v;
                return {
                    vServerGroupId: s.vServerGroupId,
                    vServerGroupName: s.vServerGroupName ?? s.vServerGroupId,
                    backendServers: (s.backendServers ?? []).map((b) => ({
                        serverId: b.serverId,
                        port: b.port,
                        weight: b.weight ?? DEFAULT_WEIGHT,
                        type: "ecs" as const,
                    })),
                };
            }),
            backendServers: (lb.backendServers ?? []).map((b) => ({
                serverId: b.serverId,
                weight: b.weight ?? DEFAULT_WEIGHT,
                type: "ecs" as const,
            })),
        })),
        serverGroups: (seed.serverGroups ?? []).map((sg) => ({
            serverGroupId: sg.serverGroupId,
            serverGroupName: sg.serverGroupName ?? sg.serverGroupId,
            type: sg.type,
            regionId: sg.regionId,
            backendServers: (sg.backendServers ?? []).map((b) => ({
                serverId: b.serverId,
                port: b.port,
                weight: b.weight ?? DEFAULT_WEIGHT,
                type: "ecs" as const,
            })),
        })),
    };
}

export function sameAttachment(a: Omit<Attachment, "weight">, b: Omit<Attachment, "weight">): boolean {
    return a.loadBalancerId === b.loadBalancerId && a.vServerGroupId === b.vServerGroupId && a.port === b.port;
}

export function findScalingGroup(state: EmulatorState, id: string): ScalingGroup | undefined {
    return state.scalingGroups.find((g) => g.scalingGroupId === id);
}

export function findLoadBalancer(state: EmulatorState, id: string): LoadBalancer | undefined {
    return state.loadBalancers.find((lb) => lb.loadBalancerId === id);
}

export function findVServerGroup(
    state: EmulatorState,
    vServerGroupId: string,
): { loadBalancer: LoadBalancer; group: SlbVServerGroup } | undefined {
    for (const loadBalancer of state.loadBalancers) {
        const group = loadBalancer.vServerGroups.find((v) => v.vServerGroupId === vServerGroupId);
        if (group) return { loadBalancer, group };
    }
    return undefined;
}

function addBackend(group: SlbVServerGroup, serverId: string, port: number, weight: number): void {
    if (!group.backendServers.some((b) => b.serverId === serverId && b.port === port)) {
        group.backendServers.push({ serverId, port, weight, type: "ecs" });
    }
}

function removeBackends(group: SlbVServerGroup, serverIds: ReadonlySet<string>, port: number): void {
    group.backendServers = group.backendServers.filter((b) => !(serverIds.has(b.serverId) && b.port === port));
}

/** Adds new attachments (already attached ones are left alone); with force, registers InService instances. */
export function attach(state: EmulatorState, group: ScalingGroup, entries: Attachment[], force: boolean): void {
    for (const entry of entries) {
        if (group.vServerGroups.some((a) => sameAttachment(a, entry))) continue;
        group.vServerGroups.push({ ...entry });
        if (!force) continue;
        const target = findVServerGroup(state, entry.vServerGroupId)?.group;
        if (!target) continue;
        for (const instance of group.instances) {
            if (instance.lifecycleState === "InService") addBackend(target, instance.instanceId, entry.port, entry.weight);
        }
    }
}

/** Removes the attachments that exist (others are ignored); with force, deregisters the group's instances. */
export function detach(state: EmulatorState, group: ScalingGroup, entries: Array<Omit<Attachment, "weight">>, force: boolean): void {
    const removed = group.vServerGroups.filter((a) => entries.some((e) => sameAttachment(a, e)));
    group.vServerGroups = group.vServerGroups.filter((a) => !removed.includes(a));
    if (!force) return;
    const ids = new Set(group.instances.map((i) => i.instanceId));
    for (const entry of removed) {
        const target = findVServerGroup(state, entry.vServerGroupId)?.group;
        if (target) removeBackends(target, ids, entry.port);
    }
}

/** An instance joins the scaling group: ESS registers it with every attached VServer group. */
export function addInstance(
    state: EmulatorState,
    group: ScalingGroup,
    instanceId: string,
    lifecycleState: InstanceState = "InService",
): void {
    if (!group.instances.some((i) => i.instanceId === instanceId)) {
        group.instances.push({ instanceId, lifecycleState });
    }
    if (lifecycleState !== "InService") return;
    for (const a of group.vServerGroups) {
        const target = findVServerGroup(state, a.vServerGroupId)?.group;
        if (target) addBackend(target, instanceId, a.port, a.weight);
    }
}

/** An instance leaves the scaling group: ESS deregisters it from every attached VServer group. */
export function removeInstance(state: EmulatorState, group: ScalingGroup, instanceId: string): void {
    group.instances = group.instances.filter((i) => i.instanceId !== instanceId);
    for (const a of group.vServerGroups) {
        const target = findVServerGroup(state, a.vServerGroupId)?.group;
        if (target) removeBackends(target, new Set([instanceId]), a.port);
    }
}
