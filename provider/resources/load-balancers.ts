// ScalingGroupLoadBalancers: classic load balancers' default server groups on a scaling group. Its provider object
// only forwards to ./provider/load-balancers, loaded by package name in the plugin process (see
// ../resource.ts for why: ~2 KB in each state, no captured credentials, the installed code runs).
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancer } from "../kinds/load-balancers";

function steps(): typeof import("../load-balancers") {
    try {
        return require("pulumi-alicloud-ess-vserver-groups/provider/load-balancers");
    } catch (err) {
        const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
        if (code !== "MODULE_NOT_FOUND" || !String(message).startsWith("Cannot find module 'pulumi-alicloud-ess-vserver-groups/provider"))
            throw err;
        throw new Error(
            `pulumi-alicloud-ess-vserver-groups is not installed where the program runs (${process.cwd()}): run \`npm install\` in the program folder`,
        );
    }
}

/** One classic load balancer whose default server group receives the scaling group's instances. */
export interface LoadBalancerArgs {
    /** The load balancer's ID (`lb-...`), in the scaling group's region and VPC, running, with a listener and health checks on. */
    loadBalancerId: pulumi.Input<string>;
    /** The weight of the instances ESS adds to its default server group, 0..100. Default 50. */
    weight?: pulumi.Input<number>;
}

/** The arguments of a ScalingGroupLoadBalancers resource. */
export interface ScalingGroupLoadBalancersArgs {
    /** The scaling group (`asg-...`). Changing it replaces the attachment. */
    scalingGroupId: pulumi.Input<string>;
    /** Region of the scaling group. Default: config `alicloud:region`, then env `ALIBABA_CLOUD_REGION_ID`, then env `ALICLOUD_REGION`. Changing it replaces the attachment. */
    region?: pulumi.Input<string>;
    /** The load balancers to attach, each once. A set: order never matters. */
    loadBalancers: pulumi.Input<pulumi.Input<LoadBalancerArgs>[]>;
    /** AttachLoadBalancers `ForceAttach`: also add the scaling group's current instances to the default server groups (a scaling activity the step waits for). Default false. */
    forceAttach?: pulumi.Input<boolean>;
    /** DetachLoadBalancers `ForceDetach`: also remove the scaling group's instances from the default server groups on detach (a scaling activity the step waits for). Default false. */
    forceDetach?: pulumi.Input<boolean>;
}

/** @internal The provider object Pulumi serializes into state; exported for the size test. */
export const loadBalancersProvider: pulumi.dynamic.ResourceProvider = {
    configure: (req) => steps().configure(req),
    check: (olds, news) => steps().check(olds, news),
    diff: (id, olds, news) => steps().diff(id, olds, news),
    create: (inputs) => steps().create(inputs),
    read: (id, props) => steps().read(id, props),
    update: (id, olds, news) => steps().update(id, olds, news),
    delete: (id, props) => steps().delete(id, props),
};

/**
 * Attaches classic load balancers (their default server groups) to an ESS scaling group, and
 * detaches them (honouring `forceDetach`) when entries are removed or the resource is destroyed. With `forceAttach` /
 * `forceDetach` each call is a scaling activity: `pulumi up` returns once the instances are really
 * behind (or out of) the load balancers, and fails with the activity's message if it fails. It owns
 * only the load balancers it declares: those attached by anyone else are never touched.
 */
export class ScalingGroupLoadBalancers extends pulumi.dynamic.Resource {
    /** The scaling group the load balancers are attached to. */
    declare readonly scalingGroupId: pulumi.Output<string>;
    /** The region of the scaling group. */
    declare readonly region: pulumi.Output<string>;
    /** The load balancers this resource owns that are attached, sorted, weights explicit. */
    declare readonly loadBalancers: pulumi.Output<LoadBalancer[]>;
    /** Whether attaching also registered the scaling group's current instances. */
    declare readonly forceAttach: pulumi.Output<boolean>;
    /** Whether detaching also deregisters the scaling group's instances. */
    declare readonly forceDetach: pulumi.Output<boolean>;

    /**
     * Reads the load balancers attached to an existing scaling group, without managing them: `id` is
     * the scaling group's ID (`asg-…`); the region comes from config `alicloud:region` or env `ALIBABA_CLOUD_REGION_ID`.
     */
    static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ScalingGroupLoadBalancers {
        return new ScalingGroupLoadBalancers(name, undefined, { ...opts, id });
    }

    /**
     * @param name The unique name of the resource.
     * @param args The scaling group and the load balancers to attach to it.
     * @param opts Pulumi resource options.
     */
    constructor(name: string, args: ScalingGroupLoadBalancersArgs | undefined, opts?: pulumi.CustomResourceOptions) {
        if (opts?.import !== undefined) {
            throw new pulumi.RunError(
                `ScalingGroupLoadBalancers "${name}" cannot be imported: remove the \`import\` option and declare the resource as it is; \`pulumi up\` adopts the load balancers already attached to the scaling group without attaching them again.`,
            );
        }
        super(
            loadBalancersProvider,
            name,
            {
                scalingGroupId: undefined,
                region: undefined,
                loadBalancers: undefined,
                forceAttach: undefined,
                forceDetach: undefined,
                ...args,
            },
            opts,
            "ess",
            "ScalingGroupLoadBalancers",
        );
    }
}
