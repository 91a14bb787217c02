/**
 * Server Load Balancer (SLB 2014-05-15) reads: what tools check before attaching (a load balancer
 * is `active`, its VServer groups exist) and what a VServer group holds.
 */
import { type ActionHandler, boolean, integer, required } from "./actions";
import { errors } from "./errors";
import type { Params } from "./signature";
import { findLoadBalancer, findVServerGroup, type EmulatorState, type LoadBalancer } from "./state";

export const SLB_VERSION = "2014-05-15";
export const MAX_LOAD_BALANCERS_PAGE_SIZE = 100;
/** DescribeLoadBalancers takes at most this many comma-separated LoadBalancerId values. */
export const MAX_LOAD_BALANCER_IDS = 10;

/** The load balancer named by LoadBalancerId, in the RegionId when one is given. */
function loadBalancerOf(state: EmulatorState, params: Params): LoadBalancer {
    const lb = findLoadBalancer(state, required(params, "LoadBalancerId"));
    if (!lb || (params.RegionId && lb.regionId !== params.RegionId)) throw errors.slbLoadBalancerNotFound();
    return lb;
}

/** The fields DescribeLoadBalancers and DescribeLoadBalancerAttribute share. */
function summary(lb: LoadBalancer): Record<string, unknown> {
    return {
        LoadBalancerId: lb.loadBalancerId,
        LoadBalancerName: lb.loadBalancerName,
        LoadBalancerStatus: lb.status,
        RegionId: lb.regionId,
        RegionIdAlias: lb.regionId,
        Address: lb.address,
        AddressType: lb.addressType,
        AddressIPVersion: "ipv4",
        NetworkType: lb.vpcId ? "vpc" : "classic",
        VpcId: lb.vpcId,
        VSwitchId: lb.vSwitchId,
        MasterZoneId: `${lb.regionId}-a`,
        SlaveZoneId: `${lb.regionId}-b`,
        PayType: "PayOnDemand",
        InternetChargeType: "paybytraffic",
        LoadBalancerSpec: "slb.s1.small",
        Bandwidth: 5120,
        CreateTime: lb.createTime,
        CreateTimeStamp: Date.parse(lb.createTime.replace(/Z$/, ":00Z")),
        DeleteProtection: "off",
        ModificationProtectionStatus: "NonProtection",
        ResourceGroupId: "",
    };
}

const describeLoadBalancerAttribute: ActionHandler = (ctx) => {
    const lb = loadBalancerOf(ctx.state, ctx.params);
    const ports = [...lb.listenerPorts].sort((a, b) => a - b);
    return {
        ...summary(lb),
        ListenerPorts: { ListenerPort: ports },
        ListenerPortsAndProtocol: { ListenerPortAndProtocol: ports.map((p) => ({ ListenerPort: p, ListenerProtocol: "http" })) },
        ListenerPortsAndProtocal: { ListenerPortAndProtocal: ports.map((p) => ({ ListenerPort: p, ListenerProtocal: "http" })) },
        // The default server group: AttachLoadBalancers with ForceAttach registers instances here.
        BackendServers: { BackendServer: lb.backendServers.map((b) => ({ ServerId: b.serverId, Weight: b.weight, Type: b.type })) },
        Tags: { Tag: [] },
    };
};

const describeLoadBalancers: ActionHandler = (ctx) => {
    const regionId = required(ctx.params, "RegionId");
    const ids = ctx.params.LoadBalancerId ? ctx.params.LoadBalancerId.split(",").map((id) => id.trim()) : undefined;
    if (ids && ids.length > MAX_LOAD_BALANCER_IDS) throw errors.invalidParameter("LoadBalancerId");
    const pageNumber = integer(ctx.params, "PageNumber", 1, Number.MAX_SAFE_INTEGER) ?? 1;
    const pageSize = integer(ctx.params, "PageSize", 1, MAX_LOAD_BALANCERS_PAGE_SIZE) ?? 10;
    const filters: Array<[param: string, value: (lb: LoadBalancer) => string]> = [
        ["LoadBalancerStatus", (lb) => lb.status],
        ["LoadBalancerName", (lb) => lb.loadBalancerName],
        ["VpcId", (lb) => lb.vpcId],
        ["VSwitchId", (lb) => lb.vSwitchId],
        ["AddressType", (lb) => lb.addressType],
    ];
    const matching = ctx.state.loadBalancers.filter(
        (lb) =>
            lb.regionId === regionId &&
            (!ids || ids.includes(lb.loadBalancerId)) &&
            filters.every(([param, value]) => !ctx.params[param] || value(lb) === ctx.params[param]),
    );
    const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
        TotalCount: matching.length,
        PageNumber: pageNumber,
        PageSize: pageSize,
        LoadBalancers: { LoadBalancer: page.map((lb) => ({ ...summary(lb), Tags: { Tag: [] } })) },
    };
};

const describeVServerGroups: ActionHandler = (ctx) => {
    required(ctx.params, "RegionId");
    const lb = loadBalancerOf(ctx.state, ctx.params);
    // Validated for their type only: the emulator models no listeners or forwarding rules per group.
    boolean(ctx.params, "IncludeListener");
    boolean(ctx.params, "IncludeRule");
    return {
        VServerGroups: {
            VServerGroup: lb.vServerGroups.map((v) => ({
                VServerGroupId: v.vServerGroupId,
                VServerGroupName: v.vServerGroupName,
                ServerCount: v.backendServers.length,
                AssociatedObjects: { Listeners: { Listener: [] }, Rules: { Rule: [] } },
                Tags: { Tag: [] },
            })),
        },
    };
};

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
    DescribeLoadBalancerAttribute: describeLoadBalancerAttribute,
    DescribeLoadBalancers: describeLoadBalancers,
    DescribeVServerGroups: describeVServerGroups,
    DescribeVServerGroupAttribute: describeVServerGroupAttribute,
};
