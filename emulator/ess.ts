/** Auto Scaling (ESS 2014-08-28) actions: AttachVServerGroups, DetachVServerGroups, DescribeScalingGroups. */
import { type ActionContext, type ActionHandler, boolean, indices, integer, required } from "./actions";
import { ApiError, errors } from "./errors";
import type { Params } from "./signature";
import {
    attach,
    type Attachment,
    DEFAULT_WEIGHT,
    detach,
    findLoadBalancer,
    findScalingGroup,
    type ScalingGroup,
    sameAttachment,
} from "./state";

export const ESS_VERSION = "2014-08-28";
export const MAX_LOAD_BALANCERS_PER_CALL = 5;
export const MAX_VSERVER_GROUPS_PER_LOAD_BALANCER = 5;
export const MAX_SCALING_GROUP_IDS = 20;
export const MAX_PAGE_SIZE = 50;

/** Reads `VServerGroup.N.*`; a (VServerGroupId, Port) given twice keeps the first. */
function parseEntries(params: Params, withWeight: boolean): Attachment[] {
    const entries: Attachment[] = [];
    const ns = indices(params, "VServerGroup", MAX_LOAD_BALANCERS_PER_CALL);
    if (ns.length === 0) throw errors.missingParameter("VServerGroup.1.LoadBalancerId");
    for (const n of ns) {
        const loadBalancerId = required(params, `VServerGroup.${n}.LoadBalancerId`);
        const prefix = `VServerGroup.${n}.VServerGroupAttribute`;
        const ms = indices(params, prefix, MAX_VSERVER_GROUPS_PER_LOAD_BALANCER);
        if (ms.length === 0) throw errors.missingParameter(`${prefix}.1.VServerGroupId`);
        for (const m of ms) {
            const vServerGroupId = required(params, `${prefix}.${m}.VServerGroupId`);
            required(params, `${prefix}.${m}.Port`);
            const port = integer(params, `${prefix}.${m}.Port`, 1, 65535) as number;
            const weight = withWeight ? integer(params, `${prefix}.${m}.Weight`, 0, 100) : undefined;
            if (entries.some((e) => e.vServerGroupId === vServerGroupId && e.port === port)) continue;
            entries.push({ loadBalancerId, vServerGroupId, port, weight: weight ?? DEFAULT_WEIGHT });
        }
    }
    return entries;
}

/** The checks both changes share, in the order the service applies them. */
function changeTarget(ctx: ActionContext, forceName: string, withWeight: boolean) {
    const regionId = required(ctx.params, "RegionId");
    const scalingGroupId = required(ctx.params, "ScalingGroupId");
    const force = boolean(ctx.params, forceName) ?? false;
    const entries = parseEntries(ctx.params, withWeight);
    const group = findScalingGroup(ctx.state, scalingGroupId);
    if (!group || group.regionId !== regionId) throw errors.scalingGroupNotFound();
    if (group.lifecycleState !== "Active" || group.activityInProgress) throw errors.incorrectScalingGroupStatus();
    const busy = ctx.busy(scalingGroupId);
    if (busy === "ScalingActivityInProgress") throw errors.scalingActivityInProgress();
    if (busy) throw errors.incorrectScalingGroupStatus();
    return { group, force, entries };
}

function checkAttachable(ctx: ActionContext, group: ScalingGroup, entries: Attachment[]): void {
    for (const entry of entries) {
        const lb = findLoadBalancer(ctx.state, entry.loadBalancerId);
        if (!lb) throw errors.loadBalancerNotFound();
        if (lb.regionId !== group.regionId) throw errors.loadBalancerRegionMismatch();
        if (lb.status !== "active") throw errors.incorrectLoadBalancerStatus();
        if (!lb.healthCheck) throw errors.incorrectLoadBalancerHealthCheck();
        if (!lb.vServerGroups.some((v) => v.vServerGroupId === entry.vServerGroupId)) {
            throw errors.vServerGroupNotInLoadBalancer();
        }
    }
    const added = entries.filter((e) => !group.vServerGroups.some((a) => sameAttachment(a, e)));
    if (group.vServerGroups.length + added.length > group.vServerGroupQuota) throw errors.vServerGroupQuotaExceeded();
}

const attachVServerGroups: ActionHandler = (ctx) => {
    const { group, force, entries } = changeTarget(ctx, "ForceAttach", true);
    const token = ctx.params.ClientToken ? `${group.scalingGroupId}\n${ctx.params.ClientToken}` : undefined;
    if (token && ctx.clientTokens.has(token)) return {};
    checkAttachable(ctx, group, entries);
    attach(ctx.state, group, entries, force);
    if (token) ctx.clientTokens.add(token);
    return {};
};

const detachVServerGroups: ActionHandler = (ctx) => {
    const { group, force, entries } = changeTarget(ctx, "ForceDetach", false);
    detach(ctx.state, group, entries, force);
    return {};
};

function describeGroup(group: ScalingGroup): Record<string, unknown> {
    const byLoadBalancer = new Map<string, Attachment[]>();
    for (const a of group.vServerGroups) {
        byLoadBalancer.set(a.loadBalancerId, [...(byLoadBalancer.get(a.loadBalancerId) ?? []), a]);
    }
    const inService = group.instances.filter((i) => i.lifecycleState === "InService").length;
    return {
        ScalingGroupId: group.scalingGroupId,
        ScalingGroupName: group.scalingGroupName,
        RegionId: group.regionId,
        LifecycleState: group.lifecycleState,
        ActiveCapacity: inService,
        TotalCapacity: group.instances.length,
        VServerGroups: {
            VServerGroup: [...byLoadBalancer].map(([loadBalancerId, attachments]) => ({
                LoadBalancerId: loadBalancerId,
                VServerGroupAttributes: {
                    VServerGroupAttribute: attachments.map((a) => ({
                        VServerGroupId: a.vServerGroupId,
                        Port: a.port,
                        Weight: a.weight,
                    })),
                },
            })),
        },
    };
}

const describeScalingGroups: ActionHandler = (ctx) => {
    const regionId = required(ctx.params, "RegionId");
    const ids = indices(ctx.params, "ScalingGroupId", MAX_SCALING_GROUP_IDS).map((n) => required(ctx.params, `ScalingGroupId.${n}`));
    const pageNumber = integer(ctx.params, "PageNumber", 1, Number.MAX_SAFE_INTEGER) ?? 1;
    const pageSize = integer(ctx.params, "PageSize", 1, MAX_PAGE_SIZE) ?? 10;
    const matching = ctx.state.scalingGroups.filter((g) => g.regionId === regionId && (ids.length === 0 || ids.includes(g.scalingGroupId)));
    const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
        TotalCount: matching.length,
        PageNumber: pageNumber,
        PageSize: pageSize,
        ScalingGroups: { ScalingGroup: page.map(describeGroup) },
    };
};

export const essActions: Record<string, ActionHandler> = {
    AttachVServerGroups: attachVServerGroups,
    DetachVServerGroups: detachVServerGroups,
    DescribeScalingGroups: describeScalingGroups,
};

/** Actions that change a scaling group (and so are subject to busy windows). */
export const ESS_MUTATING_ACTIONS: readonly string[] = ["AttachVServerGroups", "DetachVServerGroups"];

export { ApiError };
