/** Server Load Balancer (SLB 2014-05-15): DescribeVServerGroupAttribute, to see what a VServer group holds. */
import { type ActionHandler, required } from "./actions";
import { errors } from "./errors";
import { findVServerGroup } from "./state";

export const SLB_VERSION = "2014-05-15";

const describeVServerGroupAttribute: ActionHandler = (ctx) => {
    const regionId = required(ctx.params, "RegionId");
    const vServerGroupId = required(ctx.params, "VServerGroupId");
    const found = findVServerGroup(ctx.state, vServerGroupId);
    if (!found || found.loadBalancer.regionId !== regionId) throw errors.vServerGroupNotFound();
    return {
        VServerGroupId: found.group.vServerGroupId,
        VServerGroupName: found.group.vServerGroupName,
        LoadBalancerId: found.loadBalancer.loadBalancerId,
        BackendServers: {
            BackendServer: found.group.backendServers.map((b) => ({
                ServerId: b.serverId,
                Port: b.port,
                Weight: b.weight,
                Type: b.type,
            })),
        },
    };
};

export const slbActions: Record<string, ActionHandler> = {
    DescribeVServerGroupAttribute: describeVServerGroupAttribute,
};
