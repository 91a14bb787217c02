// The resource users declare. Its provider object only forwards to ./provider, which the plugin
// process loads by package name from the program's node_modules: the text serialized into each
// user's state stays about 2 KB, captures no module state (so no credentials), and `delete`
// runs the installed code rather than a frozen copy of it.
import * as pulumi from "@pulumi/pulumi";
import type { VServerGroup } from "./model";

function steps(): typeof import("./steps") {
    try {
        return require("pulumi-alicloud-ess-vserver-groups/provider");
    } catch (err) {
        // Only this package missing gets the plain sentence; a module missing inside it keeps Node's own error.
        const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
        if (code !== "MODULE_NOT_FOUND" || !String(message).startsWith("Cannot find module 'pulumi-alicloud-ess-vserver-groups/provider'"))
            throw err;
        throw new Error(
            `pulumi-alicloud-ess-vserver-groups is not installed where the program runs (${process.cwd()}): run \`npm install\` in the program folder`,
        );
    }
}

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
export interface ScalingGroupVServerGroupsArgs {
    /** The scaling group (`asg-...`). Changing it replaces the attachment. */
    scalingGroupId: pulumi.Input<string>;
    /** Region of the scaling group. Default: config `alicloud:region`, then env `ALIBABA_CLOUD_REGION_ID`, then env `ALICLOUD_REGION`. Changing it replaces the attachment. */
    region?: pulumi.Input<string>;
    /** The VServer groups to attach, per load balancer. A set: order never matters. */
    vserverGroups: pulumi.Input<pulumi.Input<VServerGroupArgs>[]>;
    /** AttachVServerGroups `ForceAttach`: also add the scaling group's current instances to the VServer groups. Default false. */
    forceAttach?: pulumi.Input<boolean>;
    /** DetachVServerGroups `ForceDetach`: also remove the scaling group's instances from the VServer groups on detach. Default false. */
    forceDetach?: pulumi.Input<boolean>;
}

/** @internal The provider object Pulumi serializes into state; exported for the size test. */
export const essProvider: pulumi.dynamic.ResourceProvider = {
    configure: (req) => steps().configure(req),
    check: (olds, news) => steps().check(olds, news),
    diff: (id, olds, news) => steps().diff(id, olds, news),
    create: (inputs) => steps().create(inputs),
    read: (id, props) => steps().read(id, props),
    update: (id, olds, news) => steps().update(id, olds, news),
    delete: (id, props) => steps().delete(id, props),
};

/**
 * Attaches SLB VServer groups to an ESS scaling group, and detaches them (honouring
 * `forceDetach`) when entries are removed or the resource is destroyed. It owns only the
 * entries it declares: groups attached by anyone else are never touched.
 */
export class ScalingGroupVServerGroups extends pulumi.dynamic.Resource {
    /** The scaling group the VServer groups are attached to. */
    declare readonly scalingGroupId: pulumi.Output<string>;
    /** The region of the scaling group. */
    declare readonly region: pulumi.Output<string>;
    /** The entries this resource owns that are attached, grouped by load balancer, weights explicit. */
    declare readonly vserverGroups: pulumi.Output<VServerGroup[]>;
    /** Whether attaching also registered the scaling group's current instances. */
    declare readonly forceAttach: pulumi.Output<boolean>;
    /** Whether detaching also deregisters the scaling group's instances. */
    declare readonly forceDetach: pulumi.Output<boolean>;

    /**
     * Reads what is attached to an existing scaling group, without managing it: `id` is the scaling
     * group's ID (`asg-…`); the region comes from config `alicloud:region` or env
     * `ALIBABA_CLOUD_REGION_ID`. The result lists every entry attached to the group.
     */
    static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ScalingGroupVServerGroups {
        return new ScalingGroupVServerGroups(name, undefined, { ...opts, id });
    }

    /**
     * @param name The unique name of the resource.
     * @param args The scaling group and the VServer groups to attach to it.
     * @param opts Pulumi resource options.
     */
    constructor(name: string, args: ScalingGroupVServerGroupsArgs | undefined, opts?: pulumi.CustomResourceOptions) {
        if (opts?.import !== undefined) {
            // The engine imports by asking the provider to read, and a dynamic provider has no code
            // to read with until it has been created once.
            throw new pulumi.RunError(
                `ScalingGroupVServerGroups "${name}" cannot be imported: remove the \`import\` option and declare the resource as it is; \`pulumi up\` adopts the entries already attached to the scaling group without attaching them again.`,
            );
        }
        super(
            essProvider,
            name,
            // Every output named, so `get` (no args) has them too.
            {
                scalingGroupId: undefined,
                region: undefined,
                vserverGroups: undefined,
                forceAttach: undefined,
                forceDetach: undefined,
                ...args,
            },
            opts,
            "ess",
            "ScalingGroupVServerGroups",
        );
    }
}
