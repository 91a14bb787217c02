// Programs of several resources in one stack, for the randomized reliability suite: moves, renames,
// replacements on the same scaling group and duplicate declarations, and (when asked) `get`
// resources reading a scaling group. Entries declared by two resources of one scaling group carry
// one weight (two weights for one attachment is a conflict ESS cannot hold).
import { entryKey, toEntries, type Entry } from "../provider/kinds/vserver-groups/model";
import { firstDesired, nextDesired, pick, render, SCALING_GROUPS, type Desired, type Rng, type ScalingGroupId } from "./reliability-model";

/** One resource of the program. */
export interface Declared {
    name: string;
    desired: Desired;
    /** Registered after this resource's step is done (the name of an earlier resource of the program). */
    dependsOn?: string;
    /** The resource's previous name, declared as an alias (a rename the engine follows). */
    alias?: string;
}

/**
 * A `get` resource of the program (`ScalingGroupVServerGroups.get(name, scalingGroupId)`): its id is
 * the scaling group's, it owns nothing, and the engine never deletes it (it drops it from state).
 */
export interface Observed {
    name: string;
    scalingGroupId: ScalingGroupId;
    /** The props the engine's `read` gets on registration: none, or the scaling group and region the program passed. */
    props: "none" | "scalingGroup";
}

/** The whole program of one step, in registration order, plus the resources `up --replace` targets. */
export interface StackDesired {
    resources: Declared[];
    /** The program's `get` resources (empty unless the generator was asked for them). */
    gets: Observed[];
    replace: string[];
    mutations: string[];
}

/** What the generator may put in a program beyond managed resources. */
export interface StackOptions {
    /** `get` resources: added, kept or dropped as the program changes. */
    gets?: boolean;
}

const MAX_GETS = 2;

const MAX_RESOURCES = 3;

/** Every resource's desired entries, flattened with their scaling group (for the audit). */
export const allDesired = (p: StackDesired): Desired[] => p.resources.map((d) => d.desired);

/**
 * The `declaredByOthers` input the resource class gives `d`: entry key → the sorted names of the
 * program's other managed resources that declare it on its scaling group (from the program, not state).
 */
export function declaredByOthers(p: StackDesired, d: Declared): Record<string, string[]> {
    const byKey: Record<string, string[]> = {};
    for (const o of p.resources) {
        if (o.name === d.name || o.desired.scalingGroupId !== d.desired.scalingGroupId) continue;
        for (const e of o.desired.entries) byKey[entryKey(e)] = [...(byKey[entryKey(e)] ?? []), o.name].sort();
    }
    return byKey;
}

function newGet(r: Rng, gets: readonly Observed[]): Observed {
    const taken = new Set(gets.map((g) => g.name));
    let n = 0;
    while (taken.has(`g${n}`)) n++;
    return { name: `g${n}`, scalingGroupId: pick(r, SCALING_GROUPS), props: r() < 0.5 ? "none" : "scalingGroup" };
}

function nextName(resources: readonly Declared[], counter: { n: number }): string {
    const taken = new Set(resources.map((d) => d.name));
    while (taken.has(`r${counter.n}`)) counter.n++;
    return `r${counter.n++}`;
}

function withEntries(r: Rng, d: Desired, entries: Entry[], mutation?: string): Desired {
    const args = render(r, d.scalingGroupId, entries, d.forceAttach, d.forceDetach);
    return { ...d, entries: toEntries(args.vserverGroups), args, mutations: mutation ? [...d.mutations, mutation] : d.mutations };
}

/** One weight per entry of a scaling group: the first declarer's (program order). */
function oneWeight(r: Rng, resources: Declared[]): Declared[] {
    const weights = new Map<string, number>();
    return resources.map((d) => {
        let changed = false;
        const entries = d.desired.entries.map((e) => {
            const k = `${d.desired.scalingGroupId}/${entryKey(e)}`;
            const w = weights.get(k);
            if (w === undefined) weights.set(k, e.weight);
            else if (w !== e.weight) changed = true;
            return { ...e, weight: w ?? e.weight };
        });
        return changed ? { ...d, desired: withEntries(r, d.desired, entries) } : d;
    });
}

export function firstStack(r: Rng, opts: StackOptions = {}): StackDesired {
    const first = firstDesired(r);
    const resources: Declared[] = [{ name: "r0", desired: first }];
    if (r() < 0.5) {
        // A second resource, on the same scaling group half the time, sometimes sharing an entry.
        let second = firstDesired(r);
        if (r() < 0.5) second = { ...second, scalingGroupId: first.scalingGroupId };
        const shared = r() < 0.3 ? [pick(r, first.entries)] : [];
        const entries = [...second.entries.filter((e) => !shared.some((s) => entryKey(s) === entryKey(e))), ...shared];
        resources.push({ name: "r1", desired: withEntries(r, second, entries) });
    }
    const gets = opts.gets && r() < 0.4 ? [newGet(r, [])] : [];
    return {
        resources: oneWeight(r, resources),
        gets,
        replace: [],
        mutations: [
            ...resources.map((d) => `${d.name}: create ${d.desired.entries.length} on ${d.desired.scalingGroupId}`),
            ...gets.map((g) => `get ${g.name} on ${g.scalingGroupId}`),
        ],
    };
}

/** The next program: one resource's entries mutate, or one operation across resources (or on `get` resources). */
export function nextStack(r: Rng, prev: StackDesired, opts: StackOptions = {}): StackDesired {
    const counter = { n: prev.resources.length };
    let resources: Declared[] = prev.resources.map((d) => ({ name: d.name, desired: { ...d.desired, mutations: [] } }));
    let gets = [...prev.gets];
    const replace: string[] = [];
    const mutations: string[] = [];
    const kinds = ["entries", "entries", "entries", "move", "move", "rename", "replace", "duplicate", "add", "remove"] as const;
    const kind = pick(r, opts.gets ? [...kinds, "get" as const] : kinds);
    const sameGroup = (d: Declared) => resources.filter((o) => o !== d && o.desired.scalingGroupId === d.desired.scalingGroupId);
    switch (kind) {
        case "entries": {
            const i = Math.floor(r() * resources.length);
            const next = nextDesired(r, resources[i].desired);
            resources[i] = { ...resources[i], desired: next };
            mutations.push(`${resources[i].name}: ${next.mutations.join("; ")}`);
            break;
        }
        case "move": {
            const from = pick(r, resources);
            if (from.desired.entries.length < 2) break;
            let to = pick(r, [...sameGroup(from), undefined]);
            if (!to && resources.length < MAX_RESOURCES) {
                to = { name: nextName(resources, counter), desired: withEntries(r, from.desired, []) };
                resources.push(to);
            }
            if (!to) break;
            const moved = pick(r, from.desired.entries);
            const keep = from.desired.entries.filter((e) => e !== moved);
            const fromNext: Declared = { ...from, desired: withEntries(r, from.desired, keep) };
            const toNext: Declared = {
                ...to,
                desired: withEntries(r, to.desired, [...to.desired.entries.filter((e) => entryKey(e) !== entryKey(moved)), moved]),
            };
            resources = resources.map((d) => (d === from ? fromNext : d === to ? toNext : d));
            const order = pick(r, ["none", "source dependsOn destination", "destination dependsOn source"] as const);
            if (order !== "none") {
                const [first, then] = order === "source dependsOn destination" ? [toNext, fromNext] : [fromNext, toNext];
                resources = [first, ...resources.filter((d) => d !== first && d !== then), { ...then, dependsOn: first.name }];
            }
            mutations.push(`move ${entryKey(moved)} ${from.name} -> ${to.name} (${order})`);
            break;
        }
        case "rename": {
            const i = Math.floor(r() * resources.length);
            const name = nextName(resources, counter);
            const alias = r() < 0.5 ? resources[i].name : undefined;
            mutations.push(`rename ${resources[i].name} -> ${name}${alias ? " (alias)" : " (no alias)"}`);
            resources[i] = { ...resources[i], name, alias };
            break;
        }
        case "replace": {
            const target = pick(r, resources);
            replace.push(target.name);
            mutations.push(`up --replace ${target.name}`);
            break;
        }
        case "duplicate": {
            const from = pick(r, resources);
            const dup = pick(r, from.desired.entries);
            const to = pick(r, sameGroup(from));
            if (to) {
                if (to.desired.entries.some((e) => entryKey(e) === entryKey(dup))) break;
                resources = resources.map((d) =>
                    d === to ? { ...d, desired: withEntries(r, d.desired, [...d.desired.entries, dup]) } : d,
                );
                mutations.push(`duplicate ${entryKey(dup)} of ${from.name} in ${to.name}`);
            } else if (resources.length < MAX_RESOURCES) {
                const name = nextName(resources, counter);
                resources.push({ name, desired: withEntries(r, from.desired, [dup]) });
                mutations.push(`duplicate ${entryKey(dup)} of ${from.name} in new ${name}`);
            }
            break;
        }
        case "add": {
            if (resources.length >= MAX_RESOURCES) break;
            const d = firstDesired(r);
            const name = nextName(resources, counter);
            resources.splice(Math.floor(r() * (resources.length + 1)), 0, { name, desired: d });
            mutations.push(`add ${name}: ${d.mutations.join("; ")}`);
            break;
        }
        case "remove": {
            if (resources.length < 2) break;
            const gone = pick(r, resources);
            resources = resources.filter((d) => d !== gone);
            mutations.push(`remove ${gone.name}`);
            break;
        }
        case "get": {
            if (gets.length === 0 || (gets.length < MAX_GETS && r() < 0.5)) {
                const g = newGet(r, gets);
                gets.push(g);
                mutations.push(`get ${g.name} on ${g.scalingGroupId}`);
            } else {
                const gone = pick(r, gets);
                gets = gets.filter((g) => g !== gone);
                mutations.push(`drop get ${gone.name}`);
            }
            break;
        }
    }
    if (mutations.length === 0) mutations.push("reorder");
    return { resources: oneWeight(r, resources), gets, replace, mutations };
}

/** A resource's entries as they appear in a program, for a log line. */
export const describeStack = (p: StackDesired): string =>
    p.resources
        .map(
            (d) =>
                `${d.name}${d.alias ? `(alias ${d.alias})` : ""}${d.dependsOn ? `(dependsOn ${d.dependsOn})` : ""}@${d.desired.scalingGroupId}=[${d.desired.entries.map((e) => `${entryKey(e)}@${e.weight}`).join(" ")}]`,
        )
        .concat(p.gets.map((g) => `${g.name}(get${g.props === "none" ? "" : " with props"})@${g.scalingGroupId}`))
        .join(" ");
