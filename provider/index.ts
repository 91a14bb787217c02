export { ScalingGroupVServerGroups } from "./resource";
export type { ScalingGroupVServerGroupsArgs, VServerGroupArgs, VServerAttributeArgs } from "./resource";
export type { VServerGroup, VServerAttribute } from "./model";
