// ScalingGroupServerGroups: ALB, NLB and GWLB server groups on a scaling group. Its provider object
// only forwards to ./provider/server-groups, loaded by package name in the plugin process (see
// ../resource.ts for why: ~2 KB in each state, no captured credentials, the installed code runs).
import * as pulumi from "@pulumi/pulumi";
import type { ServerGroup, ServerGroupType } from "../kinds/server-groups";

function steps(): typeof import("../server-groups") {
    try {
        return require("pulumi-alicloud-ess-vserver-groups/provider/server-groups");
    } catch (err) {
        const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
        if (code !== "MODULE_NOT_FOUND" || !String(message).startsWith("Cannot find module 'pulumi-alicloud-ess-vserver-groups/provider"))
            throw err;
        throw new Error(
            `pulumi-alicloud-ess-vserver-groups is not installed where the program runs (${process.cwd()}): run \`npm install\` in the program folder`,
        );
    }
}

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
export interface ScalingGroupServerGroupsArgs {
    /** The scaling group (`asg-...`). Changing it replaces the attachment. */
    scalingGroupId: pulumi.Input<string>;
    /** Region of the scaling group. Default: config `alicloud:region`, then env `ALIBABA_CLOUD_REGION_ID`, then env `ALICLOUD_REGION`. Changing it replaces the attachment. */
    region?: pulumi.Input<string>;
    /** The server groups to attach; each (serverGroupId, type, port) once. A set: order never matters. */
    serverGroups: pulumi.Input<pulumi.Input<ServerGroupArgs>[]>;
    /** AttachServerGroups `ForceAttach`: also add the scaling group's current instances to the server groups (a scaling activity the step waits for). Default false. */
    forceAttach?: pulumi.Input<boolean>;
    /** DetachServerGroups `ForceDetach`: also remove the scaling group's instances from the server groups on detach (a scaling activity the step waits for). Default false. */
    forceDetach?: pulumi.Input<boolean>;
}

/** @internal The provider object Pulumi serializes into state; exported for the size test. */
export const serverGroupsProvider: pulumi.dynamic.ResourceProvider = {
    configure: (req) => steps().configure(req),
    check: (olds, news) => steps().check(olds, news),
    diff: (id, olds, news) => steps().diff(id, olds, news),
    create: (inputs) => steps().create(inputs),
    read: (id, props) => steps().read(id, props),
    update: (id, olds, news) => steps().update(id, olds, news),
    delete: (id, props) => steps().delete(id, props),
};

/**
 * Attaches ALB, NLB and GWLB server groups to an ESS scaling group, and detaches them (honouring
 * `forceDetach`) when entries are removed or the resource is destroyed. With `forceAttach` /
 * `forceDetach` each call is a scaling activity: `pulumi up` returns once the instances are really
 * behind (or out of) the server groups, and fails with the activity's message if it fails. It owns
 * only the entries it declares: server groups attached by anyone else are never touched.
 */
export class ScalingGroupServerGroups extends pulumi.dynamic.Resource {
    /** The scaling group the server groups are attached to. */
    declare readonly scalingGroupId: pulumi.Output<string>;
    /** The region of the scaling group. */
    declare readonly region: pulumi.Output<string>;
    /** The entries this resource owns that are attached, sorted; ALB/NLB with port and weight, GWLB with neither. */
    declare readonly serverGroups: pulumi.Output<ServerGroup[]>;
    /** Whether attaching also registered the scaling group's current instances. */
    declare readonly forceAttach: pulumi.Output<boolean>;
    /** Whether detaching also deregisters the scaling group's instances. */
    declare readonly forceDetach: pulumi.Output<boolean>;

    /**
     * Reads the server groups attached to an existing scaling group, without managing them: `id` is
     * the scaling group's ID (`asg-…`); the region comes from config `alicloud:region` or env `ALIBABA_CLOUD_REGION_ID`.
     */
    static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ScalingGroupServerGroups {
        return new ScalingGroupServerGroups(name, undefined, { ...opts, id });
    }

    /**
     * @param name The unique name of the resource.
     * @param args The scaling group and the server groups to attach to it.
     * @param opts Pulumi resource options.
     */
    constructor(name: string, args: ScalingGroupServerGroupsArgs | undefined, opts?: pulumi.CustomResourceOptions) {
        if (opts?.import !== undefined) {
            throw new pulumi.RunError(
                `ScalingGroupServerGroups "${name}" cannot be imported: remove the \`import\` option and declare the resource as it is; \`pulumi up\` adopts the server groups already attached to the scaling group without attaching them again.`,
            );
        }
        super(
            serverGroupsProvider,
            name,
            {
                scalingGroupId: undefined,
                region: undefined,
                serverGroups: undefined,
                forceAttach: undefined,
                forceDetach: undefined,
                ...args,
            },
            opts,
            "ess",
            "ScalingGroupServerGroups",
        );
    }
}
