// The one shape of every resource class. Its provider object only forwards to the kind's steps
// module, which the dynamic-provider plugin loads by package name from the program's node_modules:
// the text serialized into each user's state stays a few KB, captures no module state (so no
// credentials), and `delete` runs the installed code rather than a frozen copy of it.
import * as pulumi from "@pulumi/pulumi";
import type { IdentitySettings } from "./client/identity";
import { trackDeclaration } from "./declarations";
import { isRecord } from "./lifecycle/checks";
import type { Kind, KindEntry } from "./lifecycle/kind";
import type { Steps } from "./lifecycle/steps";

/** A settings object whose values may each be an Output, as `alicloud.ProviderArgs` takes them. */
export type DeepInput<T> = T extends (infer U)[]
    ? pulumi.Input<DeepInput<U>[]>
    : T extends object
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;

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
    /**
     * Who calls ESS for this resource, with the names and meanings of `alicloud.ProviderArgs`
     * (accessKey/secretKey/securityToken, profile + sharedCredentialsFile, assumeRole,
     * assumeRoleWithOidc, ecsRoleName, credentialsUri, region, endpoints): pass the settings of the
     * `alicloud.Provider` the rest of the program uses for this account. Default: the stack's
     * `alicloud:*` config and environment. Kept secret in state.
     */
    identity?: DeepInput<IdentitySettings>;
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
 * An `alicloud.Provider` given as `provider`, in `providers` or by a parent: a dynamic resource
 * cannot use it, and Pulumi would ignore it without a word, so the resource would call ESS as the
 * stack's identity. Refused unless the resource says who calls with `identity`.
 */
function refuseOtherProviders(
    typeName: string,
    name: string,
    args: AttachmentArgs | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
): void {
    if (args?.identity !== undefined) return;
    // `getPackage` and `__providers` are @pulumi/pulumi's own (internal) fields, as qualifiedName reads `__name`.
    type Provider = { getPackage?: () => string; __name?: string };
    type WithProviders = { __providers?: Record<string, Provider> };
    const given = [
        ...(opts?.provider ? [opts.provider as unknown as Provider] : []),
        ...Object.values((opts?.parent as WithProviders | undefined)?.__providers ?? {}),
    ];
    const alicloud = given.find((p) => p.getPackage?.() === "alicloud");
    if (!alicloud) return;
    throw new pulumi.RunError(
        `${typeName} "${name}" has an alicloud provider ("${alicloud.__name}", from \`provider\` or its parent's \`providers\`), which a dynamic resource cannot use: ` +
            "it would call ESS as the stack's identity instead. Pass the same settings as the `identity` argument (the object you give `new alicloud.Provider`).",
    );
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
     * and owns none of them: it never detaches. `identity` reads a group of another account or
     * region (as the resource's argument of that name).
     */
    static get<T>(
        // `never`: every kind's constructor takes it; what is passed is the state a `get` reads with.
        this: new (name: string, args: never, opts: pulumi.CustomResourceOptions) => T,
        name: string,
        id: pulumi.Input<string>,
        opts?: pulumi.CustomResourceOptions,
        identity?: AttachmentArgs["identity"],
    ): T {
        return new this(name, (identity === undefined ? undefined : { identity }) as never, { ...opts, id });
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
        refuseOtherProviders(typeName, name, args, opts);
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
                // Keys and tokens: secret in inputs and state, whatever the program passed.
                ...(args?.identity === undefined ? {} : { identity: pulumi.secret(args.identity) }),
                ...(declared && { resourceName, declaredByOthers: declared.declaredByOthers }),
            },
            // The identity holds keys and tokens: secret in state whatever the program passed.
            args?.identity === undefined
                ? opts
                : { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "identity"] },
            "ess",
            typeName,
        );
        // A preview hands back the inputs `check` returned as the outputs, and those hold the entries keyed: the program reads the list.
        const outputs = this as unknown as Record<string, pulumi.Output<unknown>>;
        outputs[kind.field] = outputs[kind.field].apply((v) => (isRecord(v) ? kind.toState(kind.entriesOf(v)) : v));
        declared?.adopt(this);
    }
}
