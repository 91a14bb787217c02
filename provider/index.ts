// The package's public surface: the three resource classes and their argument and output types.
export { ScalingGroupVServerGroups } from "./kinds/vserver-groups/resource";
export type { ScalingGroupVServerGroupsArgs, VServerGroupArgs, VServerAttributeArgs } from "./kinds/vserver-groups/resource";
export type { VServerGroup, VServerAttribute } from "./kinds/vserver-groups/model";
export { ScalingGroupServerGroups } from "./kinds/server-groups/resource";
export type { ScalingGroupServerGroupsArgs, ServerGroupArgs } from "./kinds/server-groups/resource";
export type { ServerGroup, ServerGroupType } from "./kinds/server-groups/kind";
export { ScalingGroupLoadBalancers } from "./kinds/load-balancers/resource";
export type { ScalingGroupLoadBalancersArgs, LoadBalancerArgs } from "./kinds/load-balancers/resource";
export type { LoadBalancer } from "./kinds/load-balancers/kind";
export type { AttachmentArgs } from "./resource-class";
