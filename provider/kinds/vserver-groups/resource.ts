// ScalingGroupVServerGroups: the class users declare for SLB VServer groups.
import type * as pulumi from "@pulumi/pulumi";
import { AttachmentResource, forwardingProvider, type AttachmentArgs } from "../../resource-class";
import { vserverGroups } from "./kind";
import type { VServerGroup } from "./model";

/** One VServer group of a load balancer, on one port. */
export interface VServerAttributeArgs {
    /** The VServer group's ID (`rsp-...`). */
    vserverGroupId: pulumi.Input<string>;
    /** The port ESS registers the scaling group's instances on, 1..65535. */
    port: pulumi.Input<number>;
    /** The weight of the instances ESS adds, 0..100. Default 50. */
    weight?: pulumi.Input<number>;
}

/** The VServer groups of one load balancer. */
export interface VServerGroupArgs {
    /** The load balancer's ID (`lb-...`), in the scaling group's region and VPC. */
    loadbalancerId: pulumi.Input<string>;
    /** Its VServer groups to attach; at least one. */
    vserverAttributes: pulumi.Input<pulumi.Input<VServerAttributeArgs>[]>;
}

/** The arguments of a ScalingGroupVServerGroups resource. */
export interface ScalingGroupVServerGroupsArgs extends AttachmentArgs {
    /** The VServer groups to attach, per load balancer. A set: order never matters. */
    vserverGroups: pulumi.Input<pulumi.Input<VServerGroupArgs>[]>;
}

/**
 * Attaches SLB VServer groups to an ESS scaling group, and detaches them (honouring
 * `forceDetach`) when entries are removed or the resource is destroyed. It owns only the
 * entries it declares: groups attached by anyone else are never touched.
 */
export class ScalingGroupVServerGroups extends AttachmentResource<ScalingGroupVServerGroupsArgs> {
    /** @internal */
    static readonly spec = {
        kind: vserverGroups,
        typeName: "ScalingGroupVServerGroups",
        provider: forwardingProvider("pulumi-alicloud-ess-vserver-groups/provider"),
    };
    /** The entries this resource owns that are attached, grouped by load balancer, weights explicit. */
    declare readonly vserverGroups: pulumi.Output<VServerGroup[]>;
}
