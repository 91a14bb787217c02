// ScalingGroupServerGroups: the class users declare for ALB, NLB and GWLB server groups.
import type * as pulumi from "@pulumi/pulumi";
import { AttachmentResource, forwardingProvider, type AttachmentArgs } from "../../resource-class";
import { serverGroups, type ServerGroup, type ServerGroupType } from "./kind";

/** One server group to attach. */
export interface ServerGroupArgs {
    /** The server group's ID (`sgp-...`), in the scaling group's region and VPC. */
    serverGroupId: pulumi.Input<string>;
    /** `ALB`, `NLB` or `GWLB`: the type of load balancer the server group belongs to. */
    type: pulumi.Input<ServerGroupType>;
    /** ALB/NLB (required): the port ESS registers the scaling group's instances on, 1..65535. GWLB: not allowed (ESS uses 6081). */
    port?: pulumi.Input<number>;
    /** ALB/NLB: the weight of the instances ESS adds, 0..100. Default 50. GWLB: not allowed. */
    weight?: pulumi.Input<number>;
}

/** The arguments of a ScalingGroupServerGroups resource. */
export interface ScalingGroupServerGroupsArgs extends AttachmentArgs {
    /** The server groups to attach; each (serverGroupId, type, port) once. A set: order never matters. */
    serverGroups: pulumi.Input<pulumi.Input<ServerGroupArgs>[]>;
}

/**
 * Attaches ALB, NLB and GWLB server groups to an ESS scaling group, and detaches them (honouring
 * `forceDetach`) when entries are removed or the resource is destroyed. With `forceAttach` /
 * `forceDetach` each call is a scaling activity: `pulumi up` returns once the instances are really
 * behind (or out of) the server groups, and fails with the activity's message if it fails. It owns
 * only the entries it declares: server groups attached by anyone else are never touched.
 */
export class ScalingGroupServerGroups extends AttachmentResource<ScalingGroupServerGroupsArgs> {
    /** @internal */
    static readonly spec = {
        kind: serverGroups,
        typeName: "ScalingGroupServerGroups",
        provider: forwardingProvider("pulumi-alicloud-ess-vserver-groups/provider/server-groups"),
    };
    /** The server groups this resource owns that are attached, sorted, weights explicit (GWLB: none). */
    declare readonly serverGroups: pulumi.Output<ServerGroup[]>;
}
