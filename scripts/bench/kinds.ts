// The two traffic-source kinds besides VServer groups: their resources, the entries the bench
// attaches and the emulator state they need (server groups `sgp-k…`, classic load balancers `lb-k…`).
import type { LoadBalancerSeed, ServerGroupSeed } from "../../emulator";
import type { ResourceSpec } from "../../harness/e2e";
import { MAX_N, REGION } from "./setup";

/** One entry of either kind, as the resource's list takes it. */
export type Entry = Record<string, string | number | undefined>;

export interface BenchKind {
    /** The package export (and the no-op stand-in's class of the same name). */
    type: "ScalingGroupServerGroups" | "ScalingGroupLoadBalancers";
    /** "server groups", in table rows. */
    label: string;
    /** The resource's list field. */
    field: "serverGroups" | "loadBalancers";
    /** Per-call limit of Attach/Detach. */
    limit: number;
    /** Entry `i` (1-based) of the calls/polling sections: each a distinct server group or load balancer. */
    entry(i: number, weight?: number): Entry;
    /** The two entries of timing resource `t` ("001"). */
    timingEntries(t: string): Entry[];
    /** The call that started a scaling activity: ForceAttach/ForceDetach (server groups), Async (load balancers). */
    startsActivity(params: Record<string, string>): boolean;
}

const TYPES = ["ALB", "NLB", "GWLB"] as const;
/** Entries per kind the calls and polling sections use (distinct ids across their resources). */
const ENTRIES = 40;
const pad = (i: number) => String(i).padStart(3, "0");

export const SERVER_GROUPS: BenchKind = {
    type: "ScalingGroupServerGroups",
    label: "server groups",
    field: "serverGroups",
    limit: 5,
    entry(i, weight) {
        const type = TYPES[(i - 1) % 3];
        const id = `sgp-k${i}`;
        return type === "GWLB" ? { serverGroupId: id, type } : { serverGroupId: id, type, port: 80, ...(weight ? { weight } : {}) };
    },
    timingEntries: (t) => [
        { serverGroupId: `sgp-t${t}-a`, type: "ALB", port: 80 },
        { serverGroupId: `sgp-t${t}-b`, type: "NLB", port: 443, weight: 30 },
    ],
    startsActivity: (p) => p.ForceAttach === "true" || p.ForceDetach === "true",
};

export const LOAD_BALANCERS: BenchKind = {
    type: "ScalingGroupLoadBalancers",
    label: "load balancers",
    field: "loadBalancers",
    limit: 5,
    entry: (i, weight) => ({ loadBalancerId: `lb-k${i}`, ...(weight ? { weight } : {}) }),
    timingEntries: (t) => [{ loadBalancerId: `lb-t${t}` }, { loadBalancerId: `lb-t${t}-b`, weight: 30 }],
    startsActivity: (p) => p.Async === "true",
};

export const KINDS = [SERVER_GROUPS, LOAD_BALANCERS];

/** Scaling groups of the kinds' calls and polling sections (each kind uses them in turn). */
export const KIND_SCALING_GROUPS = ["asg-k1", "asg-k2", "asg-k3", "asg-k4"];

export function kindResource(
    kind: BenchKind,
    name: string,
    scalingGroupId: string,
    list: Entry[],
    flags: { forceAttach?: boolean; forceDetach?: boolean } = {},
): ResourceSpec {
    return { name, type: kind.type, args: JSON.parse(JSON.stringify({ scalingGroupId, [kind.field]: list, ...flags })) };
}

/** Entries `from`..`from + k - 1`. */
export const kindEntries = (kind: BenchKind, from: number, k: number): Entry[] => Array.from({ length: k }, (_, i) => kind.entry(from + i));

/** The minimum Attach/Detach calls for k entries. */
export const kindChunks = (kind: BenchKind, k: number) => Math.ceil(k / kind.limit);

/** Timing programs of a kind: N resources, each on its own scaling group, 2 entries each, Force* on. */
export function kindTimingProgram(kind: BenchKind, n: number): ResourceSpec[] {
    return Array.from({ length: n }, (_, i) => {
        const t = pad(i + 1);
        return kindResource(kind, `att${t}`, `asg-t${t}`, kind.timingEntries(t), { forceAttach: true, forceDetach: true });
    });
}

/** The server groups and the extra classic load balancers the kinds attach. */
export function kindFixture(): { loadBalancers: LoadBalancerSeed[]; serverGroups: ServerGroupSeed[] } {
    const serverGroups: ServerGroupSeed[] = [
        ...Array.from({ length: ENTRIES }, (_, i) => ({ serverGroupId: `sgp-k${i + 1}`, type: TYPES[i % 3], regionId: REGION })),
        ...Array.from({ length: MAX_N }, (_, i) =>
            (["a", "b"] as const).map((s) => ({
                serverGroupId: `sgp-t${pad(i + 1)}-${s}`,
                type: s === "a" ? ("ALB" as const) : ("NLB" as const),
                regionId: REGION,
            })),
        ).flat(),
    ];
    const loadBalancers: LoadBalancerSeed[] = [
        ...Array.from({ length: ENTRIES }, (_, i) => ({ loadBalancerId: `lb-k${i + 1}`, regionId: REGION })),
        ...Array.from({ length: MAX_N }, (_, i) => ({ loadBalancerId: `lb-t${pad(i + 1)}-b`, regionId: REGION })),
    ];
    return { loadBalancers, serverGroups };
}
