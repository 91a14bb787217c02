// ESS traffic sources as the emulator's integration tests see them: ALB/NLB/GWLB server groups
// and classic load balancers, the parameters of each API version, and an emulator seeded with
// the edge cases (other region, inactive group, small quotas, stopped load balancer).
import { DEMO_FIXTURE, startEmulator, type Emulator, type StateSeed } from "../emulator";
import { rpc, rpcError, type Body, type Flat } from "./rpc";

export const KEY = { accessKeyId: "EMUKEYTRAFFIC01", accessKeySecret: "emu-traffic-secret" };
export const REGION = "cn-hangzhou";
export const VERSIONS = ["2014-08-28", "2022-02-22"] as const;
export type Version = (typeof VERSIONS)[number];

export const TRAFFIC_SEED: StateSeed = {
    ...DEMO_FIXTURE,
    scalingGroups: [
        ...(DEMO_FIXTURE.scalingGroups ?? []),
        { scalingGroupId: "asg-beijing", regionId: "cn-beijing", instances: ["i-bj-1"] },
        { scalingGroupId: "asg-inactive", regionId: REGION, lifecycleState: "Inactive" },
        { scalingGroupId: "asg-quota-1", regionId: REGION, serverGroupQuota: 1, loadBalancerQuota: 1 },
    ],
    loadBalancers: [
        ...(DEMO_FIXTURE.loadBalancers ?? []),
        { loadBalancerId: "lb-beijing", regionId: "cn-beijing" },
        { loadBalancerId: "lb-stopped", regionId: REGION, status: "inactive" },
        { loadBalancerId: "lb-nohc", regionId: REGION, healthCheck: false },
        ...Array.from({ length: 6 }, (_, i) => ({ loadBalancerId: `lb-many-${i + 1}`, regionId: REGION })),
    ],
    serverGroups: [
        ...(DEMO_FIXTURE.serverGroups ?? []),
        { serverGroupId: "sgp-beijing", type: "ALB", regionId: "cn-beijing" },
        ...Array.from({ length: 6 }, (_, i) => ({ serverGroupId: `sgp-many-${i + 1}`, type: "NLB" as const, regionId: REGION })),
    ],
};

/** One server group entry as the API takes it (GWLB: no port, no weight). */
export interface ServerGroupEntry {
    serverGroupId: string;
    type: "ALB" | "NLB" | "GWLB";
    port?: number;
    weight?: number;
}

/** `ServerGroup.N.*` (2014-08-28) or `ServerGroups.N.*` (2022-02-22). */
export function serverGroupParams(version: Version, entries: ServerGroupEntry[]): Flat {
    const name = version === "2014-08-28" ? "ServerGroup" : "ServerGroups";
    const params: Flat = {};
    entries.forEach((e, i) => {
        params[`${name}.${i + 1}.ServerGroupId`] = e.serverGroupId;
        params[`${name}.${i + 1}.Type`] = e.type;
        if (e.port !== undefined) params[`${name}.${i + 1}.Port`] = e.port;
        if (e.weight !== undefined) params[`${name}.${i + 1}.Weight`] = e.weight;
    });
    return params;
}

/** `LoadBalancer.N` / `LoadBalancers.N` ids, or with weights `LoadBalancerConfig.N.*` / `LoadBalancerConfigs.N.*`. */
export function loadBalancerParams(version: Version, ids: string[], weights?: number[]): Flat {
    const plural = version === "2022-02-22" ? "s" : "";
    const params: Flat = {};
    ids.forEach((id, i) => {
        if (weights === undefined) {
            params[`LoadBalancer${plural}.${i + 1}`] = id;
        } else {
            params[`LoadBalancerConfig${plural}.${i + 1}.LoadBalancerId`] = id;
            params[`LoadBalancerConfig${plural}.${i + 1}.Weight`] = weights[i];
        }
    });
    return params;
}

/** The 2014-08-28 list `{ Item: [...] }` or the 2022-02-22 bare array, as plain items. */
export function items(version: Version, value: unknown, item: string): Body[] {
    return (version === "2014-08-28" ? (value as Record<string, Body[]>)[item] : value) as Body[];
}

/** A fresh emulator with TRAFFIC_SEED for every test of the calling file (activity delay 0), and calls bound to it. */
export function trafficTestbed() {
    let current: Emulator | undefined;
    beforeEach(async () => {
        current = await startEmulator({ state: TRAFFIC_SEED, keys: [KEY], activityDelayMs: 0 });
    });
    afterEach(() => current?.close());
    const emu = () => {
        if (!current) throw new Error("trafficTestbed: the emulator runs only inside a test");
        return current;
    };
    const params = (sg: string, extra: Flat): Flat => ({ RegionId: REGION, ScalingGroupId: sg, ...extra });
    return {
        get emu(): Emulator {
            return emu();
        },
        call: (version: Version, action: string, sg: string, extra: Flat) => rpc(emu().host, KEY, action, params(sg, extra), { version }),
        fail: (version: Version, action: string, sg: string, extra: Flat) =>
            rpcError(emu().host, KEY, action, params(sg, extra), { version }),
        /** DescribeScalingGroups for one group: its traffic fields as plain items. */
        async described(version: Version, sg: string) {
            const ids: Flat = { [version === "2014-08-28" ? "ScalingGroupId.1" : "ScalingGroupIds.1"]: sg };
            const body = await rpc(emu().host, KEY, "DescribeScalingGroups", { RegionId: REGION, ...ids }, { version });
            const [group] = items(version, body.ScalingGroups, "ScalingGroup");
            return {
                serverGroups: items(version, group.ServerGroups, "ServerGroup"),
                loadBalancerIds: items(version, group.LoadBalancerIds, "LoadBalancerId") as unknown as string[],
                loadBalancerConfigs: items(version, group.LoadBalancerConfigs, "LoadBalancerConfig"),
            };
        },
        /** The ids of the instances behind a server group or a load balancer's default group, sorted. */
        backendIds: (groupId: string) =>
            emu()
                .control.backendServers(groupId)
                .map((b) => b.serverId)
                .sort(),
    };
}
