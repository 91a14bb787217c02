// The bench's knobs (env), the emulator fixture and the programs every section runs.
import * as path from "node:path";
import type { LoadBalancerSeed, ScalingGroupSeed } from "../../emulator";
import { REPO_ROOT, type ResourceSpec } from "../../harness/e2e";

export const REGION = "cn-hangzhou";
const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const list = (v: string | undefined, d: number[]) => (v ? v.split(",").map(Number) : d);
export const NS = list(process.env.BENCH_NS, [1, 10, 50]);
export const LATENCIES = list(process.env.BENCH_LATENCIES, [0, 50]);
export const RUNS = num(process.env.BENCH_RUNS, 5);
/** Pairs of the per-kind timing: its goal (1.10) is tighter than the per-pair spread of 5 pairs (±0.15). */
export const KIND_RUNS = num(process.env.BENCH_KIND_RUNS, 9);
export const PROBES = num(process.env.BENCH_PROBES, 5);
/** Every section, in the default run; the doc is written only when all of them ran. */
export const ALL_SECTIONS = [
    "calls",
    "size",
    "parallel",
    "timing",
    "probe",
    "kinds",
    "kind-timing",
    "throttled",
    "scale",
    "activity-waits",
];
export const SECTIONS = new Set(process.env.BENCH_SECTIONS ? process.env.BENCH_SECTIONS.split(",") : ALL_SECTIONS);
export const MAX_N = Math.max(...NS, 1);
export const DOC = path.join(REPO_ROOT, "docs", "benchmarks.md");

const pad = (i: number) => String(i).padStart(3, "0");
/** Calls section: 6 load balancers × 8 VServer groups. */
export const callLb = (l: number) => `lb-c${l}`;
export const callRsp = (l: number, g: number) => `rsp-c${l}-${g}`;

export function fixture(): { scalingGroups: ScalingGroupSeed[]; loadBalancers: LoadBalancerSeed[] } {
    const sg = (id: string): ScalingGroupSeed => ({
        scalingGroupId: id,
        regionId: REGION,
        instances: [`i-${id}-1`, `i-${id}-2`],
        vServerGroupQuota: 100,
        serverGroupQuota: 100,
        loadBalancerQuota: 100,
    });
    const scalingGroups = [
        ...["asg-c1", "asg-c2", "asg-c3", "asg-s1", "asg-s2", "asg-s3", "asg-probe-a", "asg-probe-b"].map(sg),
        ...["asg-k1", "asg-k2", "asg-k3", "asg-k4"].map(sg),
        ...Array.from({ length: MAX_N }, (_, i) => sg(`asg-t${pad(i + 1)}`)),
    ];
    const loadBalancers: LoadBalancerSeed[] = [
        ...Array.from({ length: 6 }, (_, l) => ({
            loadBalancerId: callLb(l + 1),
            regionId: REGION,
            vServerGroups: Array.from({ length: 8 }, (_, g) => callRsp(l + 1, g + 1)),
        })),
        ...Array.from({ length: MAX_N }, (_, i) => ({
            loadBalancerId: `lb-t${pad(i + 1)}`,
            regionId: REGION,
            vServerGroups: [`rsp-t${pad(i + 1)}-a`, `rsp-t${pad(i + 1)}-b`],
        })),
    ];
    return { scalingGroups, loadBalancers };
}

interface Attr {
    vserverGroupId: string;
    port: number;
    weight?: number;
}
export type Groups = Array<{ loadbalancerId: string; vserverAttributes: Attr[] }>;

export function res(
    name: string,
    scalingGroupId: string,
    vserverGroups: Groups,
    flags: { forceAttach?: boolean; forceDetach?: boolean } = {},
): ResourceSpec {
    return { name, args: JSON.parse(JSON.stringify({ scalingGroupId, vserverGroups, ...flags })) };
}

/** k entries spread over load balancers, `perLb` VServer groups each. */
export function entries(k: number, perLb: number, port = 80): Groups {
    const groups: Groups = [];
    for (let i = 0; i < k; i++) {
        const l = Math.floor(i / perLb) + 1;
        const g = (i % perLb) + 1;
        if (!groups[l - 1]) groups[l - 1] = { loadbalancerId: callLb(l), vserverAttributes: [] };
        groups[l - 1].vserverAttributes.push({ vserverGroupId: callRsp(l, g), port });
    }
    return groups;
}

/** The minimum number of Attach/Detach calls for a set: ≤ 5 load balancers × ≤ 5 groups each per call. */
export function minChunks(groups: Groups): number {
    const slots = groups.reduce((n, g) => n + Math.ceil(g.vserverAttributes.length / 5), 0);
    return Math.max(Math.ceil(slots / 5), ...groups.map((g) => Math.ceil(g.vserverAttributes.length / 5)));
}
export const count = (groups: Groups) => groups.reduce((n, g) => n + g.vserverAttributes.length, 0);

/** Timing programs: N resources, each on its own scaling group and load balancer, 2 entries each. */
export function timingProgram(n: number): ResourceSpec[] {
    return Array.from({ length: n }, (_, i) => {
        const t = pad(i + 1);
        return res(
            `att${t}`,
            `asg-t${t}`,
            [
                {
                    loadbalancerId: `lb-t${t}`,
                    vserverAttributes: [
                        { vserverGroupId: `rsp-t${t}-a`, port: 80 },
                        { vserverGroupId: `rsp-t${t}-b`, port: 443, weight: 30 },
                    ],
                },
            ],
            { forceAttach: true, forceDetach: true },
        );
    });
}
