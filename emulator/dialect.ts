/**
 * What differs between the two ESS API versions the emulator serves: list parameter names and how
 * response lists are shaped. 2014-08-28 names lists in the singular (`VServerGroup.N`,
 * `ServerGroup.N`, `LoadBalancer.N`) and wraps response lists (`ScalingGroups.ScalingGroup[]`);
 * 2022-02-22 names them in the plural (`VServerGroups.N`, `ServerGroups.N`, `LoadBalancers.N`)
 * and answers plain arrays (`ScalingGroups[]`).
 */
export interface Dialect {
    /** `VServerGroup` (2014-08-28) or `VServerGroups` (2022-02-22). */
    group: string;
    /** `VServerGroupAttribute` or `VServerGroupAttributes`. */
    attribute: string;
    /** `ScalingGroupId` or `ScalingGroupIds`. */
    scalingGroupIds: string;
    /** 2022-02-22 marks VServerGroups required; 2014-08-28 marks VServerGroup.N.* optional. */
    groupsRequired: boolean;
    /** `ServerGroup` or `ServerGroups` (AttachServerGroups / DetachServerGroups). */
    serverGroup: string;
    /** `LoadBalancer` or `LoadBalancers` (AttachLoadBalancers / DetachLoadBalancers). */
    loadBalancer: string;
    /** `LoadBalancerConfig` or `LoadBalancerConfigs` (AttachLoadBalancers). */
    loadBalancerConfig: string;
    /** `ScalingActivityId` or `ScalingActivityIds` (DescribeScalingActivities). */
    scalingActivityIds: string;
    /** `{ Item: [...] }` (2014-08-28) or the bare array (2022-02-22). */
    list(item: string, values: unknown[]): unknown;
}

export const DIALECT_2014: Dialect = {
    group: "VServerGroup",
    attribute: "VServerGroupAttribute",
    scalingGroupIds: "ScalingGroupId",
    groupsRequired: false,
    serverGroup: "ServerGroup",
    loadBalancer: "LoadBalancer",
    loadBalancerConfig: "LoadBalancerConfig",
    scalingActivityIds: "ScalingActivityId",
    list: (item, values) => ({ [item]: values }),
};

export const DIALECT_2022: Dialect = {
    group: "VServerGroups",
    attribute: "VServerGroupAttributes",
    scalingGroupIds: "ScalingGroupIds",
    groupsRequired: true,
    serverGroup: "ServerGroups",
    loadBalancer: "LoadBalancers",
    loadBalancerConfig: "LoadBalancerConfigs",
    scalingActivityIds: "ScalingActivityIds",
    list: (_item, values) => values,
};
