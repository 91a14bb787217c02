// ScalingGroupLoadBalancers: the class users declare for classic load balancers' default server groups.
import type * as pulumi from "@pulumi/pulumi";
import { isRecord } from "../../lifecycle/checks";
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

    /**
     * @param name The unique name of the resource.
     * @param args The scaling group and the load balancers to attach to it; none for a `get` (with the `id` option).
     * @param opts Pulumi resource options.
     */
    constructor(name: string, args: ScalingGroupLoadBalancersArgs | undefined, opts?: pulumi.CustomResourceOptions) {
        super(name, args, opts);
        // A preview hands back the inputs `check` returned as the outputs, and those hold the entries keyed: the program reads the list.
        this.loadBalancers = this.loadBalancers.apply((v) =>
            isRecord(v) ? (loadBalancers.toState(loadBalancers.entriesOf(v)) as LoadBalancer[]) : v,
        );
    }
}
