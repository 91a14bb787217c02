// ScalingGroupLoadBalancers: the class users declare for classic load balancers' default server groups.
import type * as pulumi from "@pulumi/pulumi";
import { AttachmentResource, forwardingProvider, type AttachmentArgs } from "../../resource-class";
import { loadBalancers, type LoadBalancer } from "./kind";

/** One classic load balancer whose default server group receives the scaling group's instances. */
export interface LoadBalancerArgs {
    /** The load balancer's ID (`lb-...`), in the scaling group's region and VPC, running, with a listener and health checks on. */
    loadBalancerId: pulumi.Input<string>;
    /** The weight of the instances ESS adds to its default server group, 0..100. Default 50. */
    weight?: pulumi.Input<number>;
}

/** The arguments of a ScalingGroupLoadBalancers resource. */
export interface ScalingGroupLoadBalancersArgs extends AttachmentArgs {
    /** The load balancers to attach, each once. A set: order never matters. */
    loadBalancers: pulumi.Input<pulumi.Input<LoadBalancerArgs>[]>;
}

/**
 * Attaches classic load balancers (their default server groups) to an ESS scaling group, and
 * detaches them (honouring `forceDetach`) when entries are removed or the resource is destroyed.
 * With `forceAttach` / `forceDetach` each call is a scaling activity: `pulumi up` returns once the
 * instances are really behind (or out of) the load balancers, and fails with the activity's message
 * if it fails. It owns only the load balancers it declares: those attached by anyone else are never touched.
 */
export class ScalingGroupLoadBalancers extends AttachmentResource<ScalingGroupLoadBalancersArgs> {
    /** @internal */
    static readonly spec = {
        kind: loadBalancers,
        typeName: "ScalingGroupLoadBalancers",
        provider: forwardingProvider("pulumi-alicloud-ess-vserver-groups/provider/load-balancers"),
    };
    /** The load balancers this resource owns that are attached, sorted, weights explicit. */
    declare readonly loadBalancers: pulumi.Output<LoadBalancer[]>;
}
