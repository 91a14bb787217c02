/**
 * Auto Scaling (ESS) actions: AttachVServerGroups, DetachVServerGroups, DescribeScalingGroups, in
 * the two API versions SDKs send. 2014-08-28 names lists `VServerGroup.N.VServerGroupAttribute.M.*`
 * and wraps response lists (`ScalingGroups.ScalingGroup[]`); 2022-02-22 names them
 * `VServerGroups.N.VServerGroupAttributes.M.*` and answers plain arrays (`ScalingGroups[]`).
 */
import { type ActionContext, type ActionHandler, boolean, indices, integer, required } from "./actions";
import { type Dialect, DIALECT_2014, DIALECT_2022 } from "./dialect";
import { ApiError, errors } from "./errors";
import { describeScalingActivities } from "./ess-activities";
import { describeTraffic, trafficActions } from "./ess-traffic";
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
export const ESS_VERSION_2022 = "2022-02-22";
export const MAX_LOAD_BALANCERS_PER_CALL = 5;
export const MAX_VSERVER_GROUPS_PER_LOAD_BALANCER = 5;
export const MAX_SCALING_GROUP_IDS = 20;
export const MAX_PAGE_SIZE = 50;

/** Reads the VServer group entries; a (VServerGroupId, Port) given twice keeps the first. */
function parseEntries(params: Params, dialect: Dialect, withWeight: boolean): Attachment[] {
    const entries: Attachment[] = [];
    for (const n of indices(params, dialect.group, MAX_LOAD_BALANCERS_PER_CALL)) {
        const loadBalancerId = required(params, `${dialect.group}.${n}.LoadBalancerId`);
        const prefix = `${dialect.group}.${n}.${dialect.attribute}`;
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

/**
 * The checks both changes share, in the order the service applies them: the gateway's required
 * parameters and types first, then the scaling group, then the optional entries, then its state.
 */
function changeTarget(ctx: ActionContext, dialect: Dialect, forceName: string, withWeight: boolean) {
    const regionId = required(ctx.params, "RegionId");
    const scalingGroupId = required(ctx.params, "ScalingGroupId");
    if (dialect.groupsRequired && !Object.keys(ctx.params).some((k) => k.startsWith(`${dialect.group}.`))) {
        throw errors.missingParameter(dialect.group);
    }
    const force = boolean(ctx.params, forceName) ?? false;
    const group = findScalingGroup(ctx.state, scalingGroupId);
    if (!group || group.regionId !== regionId) throw errors.scalingGroupNotFound();
    const entries = parseEntries(ctx.params, dialect, withWeight);
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

const attachVServerGroups =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const { group, force, entries } = changeTarget(ctx, dialect, "ForceAttach", true);
        const token = ctx.params.ClientToken ? `${group.scalingGroupId}\n${ctx.params.ClientToken}` : undefined;
        if (token && ctx.clientTokens.has(token)) return {};
        checkAttachable(ctx, group, entries);
        attach(ctx.state, group, entries, force);
        if (token) ctx.clientTokens.set(token, {});
        return {};
    };

const detachVServerGroups =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const { group, force, entries } = changeTarget(ctx, dialect, "ForceDetach", false);
        detach(ctx.state, group, entries, force);
        return {};
    };

/** The documented fields of one scaling group (those the emulator models, plus fixed defaults). */
function describeGroup(group: ScalingGroup, dialect: Dialect): Record<string, unknown> {
    const byLoadBalancer = new Map<string, Attachment[]>();
    for (const a of group.vServerGroups) {
        byLoadBalancer.set(a.loadBalancerId, [...(byLoadBalancer.get(a.loadBalancerId) ?? []), a]);
    }
    const count = (state: string) => group.instances.filter((i) => i.lifecycleState === state).length;
    return {
        ScalingGroupId: group.scalingGroupId,
        ScalingGroupName: group.scalingGroupName,
        RegionId: group.regionId,
        LifecycleState: group.lifecycleState,
        MinSize: group.minSize,
        MaxSize: group.maxSize,
        DefaultCooldown: 300,
        ActiveCapacity: count("InService"),
        PendingCapacity: count("Pending"),
        RemovingCapacity: count("Removing"),
        StandbyCapacity: count("Standby"),
        ProtectedCapacity: count("Protected"),
        PendingWaitCapacity: 0,
        RemovingWaitCapacity: 0,
        StoppedCapacity: 0,
        TotalCapacity: group.instances.length,
        TotalInstanceCount: group.instances.length,
        CreationTime: group.creationTime,
        VpcId: group.vpcId,
        VSwitchId: group.vSwitchIds[0] ?? "",
        VSwitchIds: dialect.list("VSwitchId", group.vSwitchIds),
        DBInstanceIds: dialect.list("DBInstanceId", []),
        RemovalPolicies: dialect.list("RemovalPolicy", ["OldestScalingConfiguration", "OldestInstance"]),
        MultiAZPolicy: "PRIORITY",
        HealthCheckType: "ECS",
        GroupType: "ECS",
        ScalingPolicy: "release",
        GroupDeletionProtection: false,
        ...describeTraffic(group, dialect),
        VServerGroups: dialect.list(
            "VServerGroup",
            [...byLoadBalancer].map(([loadBalancerId, attachments]) => ({
                LoadBalancerId: loadBalancerId,
                VServerGroupAttributes: dialect.list(
                    "VServerGroupAttribute",
                    attachments.map((a) => ({ VServerGroupId: a.vServerGroupId, Port: a.port, Weight: a.weight })),
                ),
            })),
        ),
    };
}

const describeScalingGroups =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const regionId = required(ctx.params, "RegionId");
        const name = dialect.scalingGroupIds;
        const ids = indices(ctx.params, name, MAX_SCALING_GROUP_IDS).map((n) => required(ctx.params, `${name}.${n}`));
        const pageNumber = integer(ctx.params, "PageNumber", 1, Number.MAX_SAFE_INTEGER) ?? 1;
        const pageSize = integer(ctx.params, "PageSize", 1, MAX_PAGE_SIZE) ?? 10;
        const matching = ctx.state.scalingGroups.filter(
            (g) => g.regionId === regionId && (ids.length === 0 || ids.includes(g.scalingGroupId)),
        );
        const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
        return {
            TotalCount: matching.length,
            PageNumber: pageNumber,
            PageSize: pageSize,
            ScalingGroups: dialect.list(
                "ScalingGroup",
                page.map((g) => describeGroup(g, dialect)),
            ),
        };
    };

function actions(dialect: Dialect): Record<string, ActionHandler> {
    return {
        AttachVServerGroups: attachVServerGroups(dialect),
        DetachVServerGroups: detachVServerGroups(dialect),
        DescribeScalingGroups: describeScalingGroups(dialect),
        DescribeScalingActivities: describeScalingActivities(dialect),
        ...trafficActions(dialect),
    };
}

export const essActions: Record<string, ActionHandler> = actions(DIALECT_2014);
export const essActions2022: Record<string, ActionHandler> = actions(DIALECT_2022);

/** Actions that change a scaling group (and so are subject to busy windows). */
export const ESS_MUTATING_ACTIONS: readonly string[] = [
    "AttachVServerGroups",
    "DetachVServerGroups",
    "AttachServerGroups",
    "DetachServerGroups",
    "AttachLoadBalancers",
    "DetachLoadBalancers",
];

export { ApiError };
