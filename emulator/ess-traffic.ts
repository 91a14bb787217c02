/**
 * ESS traffic sources besides VServer groups, in both API versions (see dialect.ts):
 *   AttachServerGroups / DetachServerGroups: ALB, NLB and GWLB server groups (`sgp-...`)
 *     https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-attachservergroups
 *     https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2022-02-22-attachservergroups
 *   AttachLoadBalancers / DetachLoadBalancers: classic load balancers' default server groups
 *     https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-attachloadbalancers
 *     https://alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2022-02-22-attachloadbalancers
 *   DetachServerGroups: https://alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2022-02-22-detachservergroups
 * A server group change with ForceAttach/ForceDetach, and a load balancer change with Async=true
 * (as the pages say: ScalingActivityId "is returned only if you set Async to true"), is a scaling
 * activity: the answer carries its ScalingActivityId and the change (entries, and backends when
 * forced) happens when it ends Successful. Otherwise the change is done when the call answers.
 * docs/ess-traffic-sources.md has the facts and the emulator's choices where the pages are silent.
 */
import { type ActionContext, type ActionHandler, boolean, indices, integer, required } from "./actions";
import type { Dialect } from "./dialect";
import { errors } from "./errors";
import {
    DEFAULT_WEIGHT,
    findLoadBalancer,
    findScalingGroup,
    type ScalingGroup,
    type ServerGroupAttachment,
    type ServerGroupType,
} from "./state";
import {
    attachLoadBalancers,
    attachServerGroups,
    detachLoadBalancers,
    detachServerGroups,
    findServerGroup,
    GWLB_PORT,
    type LoadBalancerConfig,
    sameServerGroupAttachment,
} from "./traffic";

/** ServerGroup.N per call (the pages state no range: the emulator's choice, see the docs note). */
export const MAX_SERVER_GROUPS_PER_CALL = 5;
/** LoadBalancer.N and LoadBalancerConfig.N per call. */
export const MAX_LOAD_BALANCERS_PER_CALL = 5;
const TYPES: readonly ServerGroupType[] = ["ALB", "NLB", "GWLB"];

/** The scaling group a change names, checked in the order the service applies the checks. */
function target(ctx: ActionContext, regionRequired: boolean): ScalingGroup {
    const regionId = regionRequired ? required(ctx.params, "RegionId") : ctx.params.RegionId;
    const scalingGroupId = required(ctx.params, "ScalingGroupId");
    const group = findScalingGroup(ctx.state, scalingGroupId);
    if (!group || (regionId && group.regionId !== regionId)) throw errors.scalingGroupNotFound();
    return group;
}

/** A changing call may go on: the group is Active, no busy window, and a Force* call starts no second activity. */
function checkChangeable(ctx: ActionContext, group: ScalingGroup, activity: boolean): void {
    if (group.lifecycleState !== "Active" || group.activityInProgress) throw errors.incorrectScalingGroupStatus();
    const busy = ctx.busy(group.scalingGroupId);
    if (busy === "ScalingActivityInProgress") throw errors.scalingActivityInProgress();
    if (busy) throw errors.incorrectScalingGroupStatus();
    if (activity && ctx.activities.inProgress(group.scalingGroupId)) throw errors.scalingActivityInProgress();
}

/** Runs the change now, or as a scaling activity whose id the answer carries. */
function change(
    ctx: ActionContext,
    group: ScalingGroup,
    activity: boolean,
    description: string,
    apply: () => void,
): Record<string, unknown> {
    if (!activity) {
        apply();
        return {};
    }
    const count = group.instances.filter((i) => i.lifecycleState === "InService").length;
    return { ScalingActivityId: ctx.activities.start(group.scalingGroupId, description, count, apply) };
}

/** The answer to a ClientToken seen before on this action and group, if any; checked before any state check. */
function repeated(ctx: ActionContext, action: string, group: ScalingGroup): { key?: string; answer?: Record<string, unknown> } {
    const token = ctx.params.ClientToken;
    if (!token) return {};
    if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) throw errors.invalidParameter("ClientToken");
    const key = `${action}\n${group.scalingGroupId}\n${token}`;
    return { key, answer: ctx.clientTokens.get(key) };
}

/** Keeps the answer of a call with a ClientToken: a retry gets it again (same ScalingActivityId), changing nothing. */
function remember(ctx: ActionContext, key: string | undefined, answer: Record<string, unknown>): Record<string, unknown> {
    if (key) ctx.clientTokens.set(key, answer);
    return answer;
}

function requireList(ctx: ActionContext, name: string): void {
    if (!Object.keys(ctx.params).some((k) => k.startsWith(`${name}.`))) throw errors.missingParameter(name);
}

/** ServerGroup.N entries; an identity given twice keeps the first. ALB/NLB need Port and Weight, GWLB takes neither. */
function parseServerGroups(ctx: ActionContext, dialect: Dialect, withWeight: boolean): ServerGroupAttachment[] {
    const name = dialect.serverGroup;
    requireList(ctx, name);
    const entries: ServerGroupAttachment[] = [];
    for (const n of indices(ctx.params, name, MAX_SERVER_GROUPS_PER_CALL)) {
        const serverGroupId = required(ctx.params, `${name}.${n}.ServerGroupId`);
        const type = required(ctx.params, `${name}.${n}.Type`) as ServerGroupType;
        if (!TYPES.includes(type)) throw errors.invalidParameter(`${name}.${n}.Type`);
        const entry: ServerGroupAttachment = { serverGroupId, type, port: GWLB_PORT };
        if (type === "GWLB") {
            for (const field of withWeight ? ["Port", "Weight"] : ["Port"]) {
                if (ctx.params[`${name}.${n}.${field}`] !== undefined) throw errors.invalidParameter(`${name}.${n}.${field}`);
            }
        } else {
            required(ctx.params, `${name}.${n}.Port`);
            entry.port = integer(ctx.params, `${name}.${n}.Port`, 1, 65535) as number;
            if (withWeight) {
                required(ctx.params, `${name}.${n}.Weight`);
                entry.weight = integer(ctx.params, `${name}.${n}.Weight`, 0, 100) as number;
            }
        }
        if (!entries.some((e) => sameServerGroupAttachment(e, entry))) entries.push(entry);
    }
    return entries;
}

const attachServerGroupsAction =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const group = target(ctx, true);
        const force = boolean(ctx.params, "ForceAttach") ?? false;
        const entries = parseServerGroups(ctx, dialect, true);
        const { key, answer } = repeated(ctx, "AttachServerGroups", group);
        if (answer) return answer;
        checkChangeable(ctx, group, force);
        entries.forEach((entry, i) => {
            const found = findServerGroup(ctx.state, entry.serverGroupId);
            if (!found || found.regionId !== group.regionId) throw errors.serverGroupNotFound();
            if (found.type !== entry.type) throw errors.invalidParameter(`${dialect.serverGroup}.${i + 1}.Type`);
        });
        const added = entries.filter((e) => !group.serverGroups.some((a) => sameServerGroupAttachment(a, e)));
        if (group.serverGroups.length + added.length > group.serverGroupQuota) throw errors.serverGroupQuotaExceeded();
        const ids = entries.map((e) => e.serverGroupId).join(", ");
        return remember(
            ctx,
            key,
            change(ctx, group, force, `Attach server groups ${ids} and add instances to them`, () =>
                attachServerGroups(ctx.state, group, entries, force),
            ),
        );
    };

const detachServerGroupsAction =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const group = target(ctx, true);
        const force = boolean(ctx.params, "ForceDetach") ?? false;
        const entries = parseServerGroups(ctx, dialect, false);
        const { key, answer } = repeated(ctx, "DetachServerGroups", group);
        if (answer) return answer;
        checkChangeable(ctx, group, force);
        const ids = entries.map((e) => e.serverGroupId).join(", ");
        return remember(
            ctx,
            key,
            change(ctx, group, force, `Detach server groups ${ids} and remove instances from them`, () =>
                detachServerGroups(ctx.state, group, entries, force),
            ),
        );
    };

/** LoadBalancer.N ids plus LoadBalancerConfig.N {LoadBalancerId, Weight}; at least one of them. */
function parseLoadBalancers(ctx: ActionContext, dialect: Dialect, withConfigs: boolean): LoadBalancerConfig[] {
    const { loadBalancer, loadBalancerConfig } = dialect;
    const keys = Object.keys(ctx.params);
    const hasConfigs = withConfigs && keys.some((k) => k.startsWith(`${loadBalancerConfig}.`));
    if (!hasConfigs) requireList(ctx, loadBalancer);
    const configs: LoadBalancerConfig[] = [];
    const add = (config: LoadBalancerConfig) => {
        if (!configs.some((c) => c.loadBalancerId === config.loadBalancerId)) configs.push(config);
    };
    if (hasConfigs) {
        for (const n of indices(ctx.params, loadBalancerConfig, MAX_LOAD_BALANCERS_PER_CALL)) {
            const loadBalancerId = required(ctx.params, `${loadBalancerConfig}.${n}.LoadBalancerId`);
            add({ loadBalancerId, weight: integer(ctx.params, `${loadBalancerConfig}.${n}.Weight`, 0, 100) ?? DEFAULT_WEIGHT });
        }
    }
    for (const n of indices(ctx.params, loadBalancer, MAX_LOAD_BALANCERS_PER_CALL)) {
        add({ loadBalancerId: required(ctx.params, `${loadBalancer}.${n}`), weight: DEFAULT_WEIGHT });
    }
    if (configs.length > MAX_LOAD_BALANCERS_PER_CALL) throw errors.invalidParameter(loadBalancer);
    return configs;
}

const attachLoadBalancersAction =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const group = target(ctx, false);
        const force = boolean(ctx.params, "ForceAttach") ?? false;
        const async = boolean(ctx.params, "Async") ?? false;
        const configs = parseLoadBalancers(ctx, dialect, true);
        const { key, answer } = repeated(ctx, "AttachLoadBalancers", group);
        if (answer) return answer;
        checkChangeable(ctx, group, async);
        for (const { loadBalancerId } of configs) {
            const lb = findLoadBalancer(ctx.state, loadBalancerId);
            if (!lb) throw errors.loadBalancerNotFound();
            if (lb.regionId !== group.regionId) throw errors.loadBalancerRegionMismatch();
            if (lb.status !== "active") throw errors.incorrectLoadBalancerStatus();
            if (!lb.healthCheck) throw errors.incorrectLoadBalancerHealthCheck();
        }
        const added = configs.filter((c) => !group.loadBalancerIds.includes(c.loadBalancerId));
        if (group.loadBalancerIds.length + added.length > group.loadBalancerQuota) throw errors.loadBalancerQuotaExceeded();
        const ids = configs.map((c) => c.loadBalancerId).join(", ");
        return remember(
            ctx,
            key,
            change(ctx, group, async, `Attach load balancers ${ids} and add instances to their default server groups`, () =>
                attachLoadBalancers(ctx.state, group, configs, force),
            ),
        );
    };

const detachLoadBalancersAction =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const group = target(ctx, false);
        const force = boolean(ctx.params, "ForceDetach") ?? false;
        const async = boolean(ctx.params, "Async") ?? false;
        const ids = parseLoadBalancers(ctx, dialect, false).map((c) => c.loadBalancerId);
        const { key, answer } = repeated(ctx, "DetachLoadBalancers", group);
        if (answer) return answer;
        checkChangeable(ctx, group, async);
        return remember(
            ctx,
            key,
            change(ctx, group, async, `Detach load balancers ${ids.join(", ")} and remove instances from their default server groups`, () =>
                detachLoadBalancers(ctx.state, group, ids, force),
            ),
        );
    };

/** DescribeScalingGroups' traffic fields: LoadBalancerIds, LoadBalancerConfigs, ServerGroups. */
export function describeTraffic(group: ScalingGroup, dialect: Dialect): Record<string, unknown> {
    return {
        LoadBalancerIds: dialect.list("LoadBalancerId", group.loadBalancerIds),
        LoadBalancerConfigs: dialect.list(
            "LoadBalancerConfig",
            group.loadBalancerIds.map((id) => ({ LoadBalancerId: id, Weight: group.loadBalancerWeights[id] ?? DEFAULT_WEIGHT })),
        ),
        ServerGroups: dialect.list(
            "ServerGroup",
            group.serverGroups.map((a) => ({
                ServerGroupId: a.serverGroupId,
                Type: a.type,
                Port: a.port,
                ...(a.weight === undefined ? {} : { Weight: a.weight }),
            })),
        ),
    };
}

export function trafficActions(dialect: Dialect): Record<string, ActionHandler> {
    return {
        AttachServerGroups: attachServerGroupsAction(dialect),
        DetachServerGroups: detachServerGroupsAction(dialect),
        AttachLoadBalancers: attachLoadBalancersAction(dialect),
        DetachLoadBalancers: detachLoadBalancersAction(dialect),
    };
}
