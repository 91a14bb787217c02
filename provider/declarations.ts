// Program side: which entries the other resources of the program declare. In a targeted run
// (`--target`, `--exclude`, a resource `--continue-on-error` skipped) the engine calls no step for
// the resources outside the run, so the provider cannot hear their claims from them. The program
// still constructs every resource, so each resource carries, as its `declaredByOthers` input, the
// keys that the other resources of its kind declare on its scaling group; the provider leaves
// those attached when this resource lets them go.
import * as pulumi from "@pulumi/pulumi";
import type { Kind, KindEntry } from "./lifecycle/kind";

/** What one resource declares: the entries' keys, on one scaling group. */
interface Declaration {
    /** The resource's name in the program. */
    name: string;
    scalingGroupId: string;
    keys: string[];
}

/** Entry key → the names of the program's other resources that declare it on this resource's scaling group. */
export type DeclaredByOthers = Record<string, string[]>;

interface Tracked {
    declaration: pulumi.Output<Declaration | undefined>;
    /** The resources its arguments take outputs of: waiting for its declaration would wait for them. */
    usesOutputsOf: Set<pulumi.Resource>;
    resource?: pulumi.Resource;
}

/** One registry per program process, shared by every copy of this package it loads. */
const REGISTRY = Symbol.for("pulumi-alicloud-ess-vserver-groups/declarations");

function tracked(kind: string): Tracked[] {
    const all = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map<string, Tracked[]>()) as Map<string, Tracked[]>;
    let list = all.get(kind);
    if (!list) all.set(kind, (list = []));
    return list;
}

/** Output's own record of the resources it came from (not in its typings, present since Pulumi 1). */
function resourcesOf(value: pulumi.Output<unknown>): Set<pulumi.Resource> {
    const resources = (value as unknown as { resources?: () => Set<pulumi.Resource> }).resources;
    return typeof resources === "function" ? resources.call(value) : new Set();
}

/**
 * Starts tracking one resource's declaration and returns its `declaredByOthers` input; call `adopt`
 * with the resource once it is constructed. The input resolves once this resource's own arguments
 * are known and the program has constructed what it constructs with them, to the keys that the
 * other resources of `kind` constructed by then declare on the same scaling group, each with their
 * names. It never waits
 * for a resource whose arguments take this one's outputs (that would wait for itself).
 */
export function trackDeclaration<E extends KindEntry>(
    kind: Pick<Kind<E>, "name" | "field" | "entriesOf" | "key">,
    name: string,
    args: object,
): { declaredByOthers: pulumi.Output<DeclaredByOthers>; adopt(resource: pulumi.Resource): void } {
    const inputs = pulumi.output(args as Record<string, unknown>);
    const declaration = inputs.apply((a): Declaration | undefined => {
        try {
            const keys = kind.entriesOf(a[kind.field]).map((e) => kind.key(e));
            return typeof a.scalingGroupId === "string" ? { name, scalingGroupId: a.scalingGroupId, keys } : undefined;
        } catch {
            return undefined; // bad arguments: `check` says what is wrong, and this declares nothing
        }
    });
    const self: Tracked = { declaration, usesOutputsOf: resourcesOf(inputs) };
    const all = tracked(kind.name);
    all.push(self);
    const declaredByOthers = declaration
        // One turn of the event loop: a program constructs its resources together, before any of their arguments resolve.
        .apply((mine) => new Promise<Declaration | undefined>((resolve) => setImmediate(() => resolve(mine))))
        .apply((mine) => {
            const others = all.filter((o) => o !== self && !(self.resource && o.usesOutputsOf.has(self.resource)));
            return pulumi.all(others.map((o) => o.declaration)).apply((theirs) => {
                const byKey: DeclaredByOthers = {};
                for (const d of theirs) {
                    if (!mine || !d || d.scalingGroupId !== mine.scalingGroupId) continue;
                    for (const k of d.keys) byKey[k] = [...(byKey[k] ?? []), d.name].sort();
                }
                return byKey;
            });
        });
    return {
        declaredByOthers,
        adopt: (resource) => {
            self.resource = resource;
        },
    };
}
