// The one shape of every resource class. Its provider object only forwards to the kind's steps
// module, which the dynamic-provider plugin loads by package name from the program's node_modules:
// the text serialized into each user's state stays a few KB, captures no module state (so no
// credentials), and `delete` runs the installed code rather than a frozen copy of it.
import * as pulumi from "@pulumi/pulumi";
import { trackDeclaration } from "./declarations";
import type { Kind, KindEntry } from "./lifecycle/kind";
import type { Steps } from "./lifecycle/steps";

/** The arguments every kind takes besides its list of entries. */
export interface AttachmentArgs {
    /** The scaling group (`asg-...`). Changing it replaces the attachment. */
    scalingGroupId: pulumi.Input<string>;
    /** Region of the scaling group. Default: config `alicloud:region`, then env `ALIBABA_CLOUD_REGION_ID`, then env `ALICLOUD_REGION`. Changing it replaces the attachment. */
    region?: pulumi.Input<string>;
    /** The Attach call's `ForceAttach`: also add the scaling group's current instances to what is attached (for server groups and load balancers, a scaling activity the step waits for). Default false. */
    forceAttach?: pulumi.Input<boolean>;
    /** The Detach call's `ForceDetach`: also remove the scaling group's instances from what is detached (for server groups and load balancers, a scaling activity the step waits for). Default false. */
    forceDetach?: pulumi.Input<boolean>;
}

/** What makes one kind's class: its kind, its type name and the provider object its resources carry. */
export interface ResourceClassSpec {
    readonly kind: Kind<KindEntry>;
    /** The type name, after `ess:` (`ScalingGroupVServerGroups`). */
    readonly typeName: string;
    /** The provider object serialized into each resource's state (see `forwardingProvider`). */
    readonly provider: pulumi.dynamic.ResourceProvider;
}

/**
 * The provider object Pulumi serializes into state: it captures only `stepsModule`. A missing
 * package gets one plain sentence; anything else missing keeps Node's own error.
 */
export function forwardingProvider(stepsModule: string): pulumi.dynamic.ResourceProvider {
    const steps = (): Steps => {
        try {
            return require(stepsModule);
        } catch (err) {
            const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
            if (code !== "MODULE_NOT_FOUND" || !String(message).startsWith(`Cannot find module '${stepsModule}'`)) throw err;
            throw new Error(
                `pulumi-alicloud-ess-vserver-groups is not installed where the program runs (${process.cwd()}): run \`npm install\` in the program folder`,
            );
        }
    };
    return {
        configure: (req) => steps().configure(req),
        check: (olds, news) => steps().check(olds, news),
        diff: (id, olds, news) => steps().diff(id, olds, news),
        create: (inputs) => steps().create(inputs),
        read: (id, props) => steps().read(id, props),
        update: (id, olds, news) => steps().update(id, olds, news),
        delete: (id, props) => steps().delete(id, props),
    };
}

/**
 * The resource's name with its parents' (`Type:name/…/name`): two resources may share a name under
 * different parents, as their URNs tell apart. Read from @pulumi/pulumi's own fields on the parents.
 */
function qualifiedName(name: string, opts: pulumi.CustomResourceOptions | undefined): string {
    const parts = [name];
    type Named = { __name?: unknown; __pulumiType?: unknown; __parentResource?: unknown };
    for (let p = opts?.parent as Named | undefined; p && typeof p.__name === "string"; p = p.__parentResource as Named | undefined) {
        parts.unshift(`${String(p.__pulumiType)}:${p.__name}`);
    }
    return parts.join("/");
}

/**
 * The base of every kind's resource class: the outputs every kind has, `get`, the import guard and
 * the `declaredByOthers` input (see ./declarations). A kind's class sets `static readonly spec` and
 * declares its list output; nothing else.
 */
export abstract class AttachmentResource<Args extends AttachmentArgs> extends pulumi.dynamic.Resource {
    /** The scaling group the entries are attached to. */
    declare readonly scalingGroupId: pulumi.Output<string>;
    /** The region of the scaling group. */
    declare readonly region: pulumi.Output<string>;
    /** Whether attaching also registered the scaling group's current instances. */
    declare readonly forceAttach: pulumi.Output<boolean>;
    /** Whether detaching also deregisters the scaling group's instances. */
    declare readonly forceDetach: pulumi.Output<boolean>;

    /**
     * Reads what is attached to an existing scaling group, without managing it: `id` is the
     * scaling group's ID (`asg-…`); the region comes from config `alicloud:region` or env
     * `ALIBABA_CLOUD_REGION_ID`. The result lists every entry of the kind attached to the group,
     * and owns none of them: it never detaches.
     */
    static get<T>(
        this: new (name: string, args: undefined, opts: pulumi.CustomResourceOptions) => T,
        name: string,
        id: pulumi.Input<string>,
        opts?: pulumi.CustomResourceOptions,
    ): T {
        return new this(name, undefined, { ...opts, id });
    }

    /**
     * @param name The unique name of the resource.
     * @param args The scaling group and the entries to attach to it; none for a `get` (with the `id` option).
     * @param opts Pulumi resource options.
     */
    constructor(name: string, args: Args | undefined, opts?: pulumi.CustomResourceOptions) {
        const { kind, typeName, provider } = (new.target as unknown as { spec: ResourceClassSpec }).spec;
        if (opts?.import !== undefined) {
            // The engine imports by asking the provider to read, and a dynamic provider has no code
            // to read with until it has been created once.
            throw new pulumi.RunError(
                `${typeName} "${name}" cannot be imported: remove the \`import\` option and declare the resource as it is; \`pulumi up\` adopts the ${kind.noun}s already attached to the scaling group without attaching them again.`,
            );
        }
        // A managed resource tells the provider what the program's other resources declare.
        const resourceName = qualifiedName(name, opts);
        const declared = args && opts?.id === undefined ? trackDeclaration(kind, resourceName, args) : undefined;
        super(
            provider,
            name,
            // Every output named, so `get` (no args) has them too.
            {
                scalingGroupId: undefined,
                region: undefined,
                [kind.field]: undefined,
                forceAttach: undefined,
                forceDetach: undefined,
                ...args,
                ...(declared && { resourceName, declaredByOthers: declared.declaredByOthers }),
            },
            opts,
            "ess",
            typeName,
        );
        declared?.adopt(this);
    }
}
