// Who declares which entry, as far as this process knows. One plugin process serves every dynamic
// resource of a stack in one engine run, and the engine deletes the resources that left the program
// only after the program has registered the rest. So right before a Detach the provider can tell
// whether another resource of the stack still declares the entry (a rename, `up --replace`, a move
// between resources, a duplicate declaration) and leave it attached for that resource.
// Entries are compared by key (`Kind.key`); the scope names the kind, so kinds never meet.

/** Where entries live: one kind of traffic source on one scaling group of one region. */
export type Scope = string;

export function scopeOf(s: { region: string; scalingGroupId: string }, kind: string): Scope {
    return `${kind}:${s.region}/${s.scalingGroupId}`;
}

/** Resource id → the scope and entry keys it declares (from diff, create, update or read). */
const claims = new Map<string, { scope: Scope; keys: Set<string> }>();
/** Scope → entry key → the resource that detached it during this run, and whether with ForceDetach=true. */
const detached = new Map<Scope, Map<string, { id: string; force: boolean }>>();
/** Scope → entry key → the weight the program's resources declare for it in this run (from check). */
const weights = new Map<Scope, Map<string, number | undefined>>();
/** Scope → the names (`resourceName`) of the resources deleted during this run. */
const deleted = new Map<Scope, Set<string>>();

/**
 * Forgets everything. The plugin never calls this: the registry lives as long as its process, one
 * engine run, across every provider text (release) that run configures. Tests that play several
 * runs in one process call it between them.
 */
export function resetOwnership(): void {
    claims.clear();
    detached.clear();
    weights.clear();
    deleted.clear();
}

/** An entry a resource declares with another weight than a resource checked before it. */
export interface WeightConflict {
    key: string;
    weight: number | undefined;
    other: number | undefined;
}

/**
 * Records the weights one resource's inputs declare and answers the entries an earlier resource
 * declared with another weight: one attachment has one weight, so two resources would re-weight it
 * in turn. Nothing is recorded then. The engine may check one resource twice in a run (again when
 * its diff says replace), always with the same inputs, so a resource never conflicts with itself.
 */
export function declareWeights(scope: Scope, declared: ReadonlyArray<{ key: string; weight: number | undefined }>): WeightConflict[] {
    const known = weights.get(scope) ?? new Map<string, number | undefined>();
    weights.set(scope, known);
    const conflicts = declared
        .filter((d) => known.has(d.key) && known.get(d.key) !== d.weight)
        .map((d) => ({ ...d, other: known.get(d.key) }));
    if (conflicts.length === 0) for (const d of declared) known.set(d.key, d.weight);
    return conflicts;
}

/** Records that resource `id` declares `entries` on `scope` (replacing what it declared before). */
export function claim(id: string, scope: Scope, keys: readonly string[]): void {
    claims.set(id, { scope, keys: new Set(keys) });
}

/** The resource is gone: it declares nothing any more, and what state said it declared no longer counts. */
export function release(id: string, scope?: Scope, name?: string): void {
    claims.delete(id);
    if (scope !== undefined && name !== undefined) deletedNames(scope).add(name);
}

/** The names of the resources deleted on `scope` during this run. */
export function deletedNames(scope: Scope): Set<string> {
    let names = deleted.get(scope);
    if (!names) deleted.set(scope, (names = new Set()));
    return names;
}

/** The keys among `keys` that some resource other than `id` declares on `scope`. */
export function claimedByOthers(id: string, scope: Scope, keys: readonly string[]): string[] {
    const others = new Set<string>();
    for (const [owner, c] of claims) if (owner !== id && c.scope === scope) for (const k of c.keys) others.add(k);
    return keys.filter((k) => others.has(k));
}

/** Notes detaches, so that another resource declaring the same entries re-attaches them. */
export function noteDetached(id: string, scope: Scope, keys: readonly string[], force: boolean): void {
    let byKey = detached.get(scope);
    if (!byKey) detached.set(scope, (byKey = new Map()));
    for (const k of keys) byKey.set(k, { id, force });
}

export function noteAttached(scope: Scope, keys: readonly string[]): void {
    const byKey = detached.get(scope);
    for (const k of keys) byKey?.delete(k);
}

/** The keys among `keys` that another resource detached during this run (`forced`: with ForceDetach=true only). */
export function detachedByOthers(id: string, scope: Scope, keys: readonly string[], forced = false): string[] {
    const byKey = detached.get(scope);
    return byKey ? keys.filter((k) => byKey.has(k) && byKey.get(k)!.id !== id && (!forced || byKey.get(k)!.force)) : [];
}
