export { ScalingGroupVServerGroups } from "./resource";
export type { ScalingGroupVServerGroupsArgs, VServerGroupArgs, VServerAttributeArgs } from "./resource";
export type { VServerGroup, VServerAttribute } from "./model";
export { ScalingGroupServerGroups } from "./resources/server-groups";
export type { ScalingGroupServerGroupsArgs, ServerGroupArgs } from "./resources/server-groups";
export type { ServerGroup, ServerGroupType } from "./kinds/server-groups";
export { ScalingGroupLoadBalancers } from "./resources/load-balancers";
export type { ScalingGroupLoadBalancersArgs, LoadBalancerArgs } from "./resources/load-balancers";
export type { LoadBalancer } from "./kinds/load-balancers";
