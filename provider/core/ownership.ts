// Who declares which entry, as far as this process knows. One plugin process serves every dynamic
// resource of a stack in one engine run, and the engine deletes the resources that left the program
// only after the program has registered the rest. So right before a Detach the provider can tell
// whether another resource of the stack still declares the entry (a rename, `up --replace`, a move
// between resources, a duplicate declaration) and leave it attached for that resource.
import { entryKey, type Entry } from "../model";

/** Where entries live: one scaling group of one region. */
export type Scope = string;

export function scopeOf(s: { region: string; scalingGroupId: string }): Scope {
    return `${s.region}/${s.scalingGroupId}`;
}

/** Resource id → the scope and entry keys it declares (from diff, create, update or read). */
const claims = new Map<string, { scope: Scope; keys: Set<string> }>();
/** Scope → entry key → the resource that detached it during this run. */
const detached = new Map<Scope, Map<string, string>>();

/** Forgets everything: a new engine run starts with `configure`. */
export function resetOwnership(): void {
    claims.clear();
    detached.clear();
}

/** Records that resource `id` declares `entries` on `scope` (replacing what it declared before). */
export function claim(id: string, scope: Scope, entries: readonly Entry[]): void {
    claims.set(id, { scope, keys: new Set(entries.map(entryKey)) });
}

/** The resource is gone: it declares nothing any more. */
export function release(id: string): void {
    claims.delete(id);
}

/** The entries that some resource other than `id` declares on `scope`. */
export function claimedByOthers(id: string, scope: Scope, entries: readonly Entry[]): Entry[] {
    const others = new Set<string>();
    for (const [owner, c] of claims) if (owner !== id && c.scope === scope) for (const k of c.keys) others.add(k);
    return entries.filter((e) => others.has(entryKey(e)));
}

/** Notes detaches, so that another resource declaring the same entries re-attaches them. */
export function noteDetached(id: string, scope: Scope, entries: readonly Entry[]): void {
    let byKey = detached.get(scope);
    if (!byKey) detached.set(scope, (byKey = new Map()));
    for (const e of entries) byKey.set(entryKey(e), id);
}

export function noteAttached(scope: Scope, entries: readonly Entry[]): void {
    const byKey = detached.get(scope);
    for (const e of entries) byKey?.delete(entryKey(e));
}

/** The entries among `entries` that another resource detached during this run. */
export function detachedByOthers(id: string, scope: Scope, entries: readonly Entry[]): Entry[] {
    const byKey = detached.get(scope);
    return byKey ? entries.filter((e) => (byKey.get(entryKey(e)) ?? id) !== id) : [];
}
