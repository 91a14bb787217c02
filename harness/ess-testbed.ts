// The ESS/SLB emulator as the integration tests of its API see it: a seed with the edge cases
// (other region, inactive scaling group, small quota, stopped load balancer, many groups, pages),
// one key, and the Attach/Detach/Describe calls signed with it.
import { DEMO_FIXTURE, startEmulator, type Emulator, type StateSeed } from "../emulator";
import { rpc, rpcError, SLB_VERSION, vServerGroupParams, type Body, type Flat } from "./rpc";

export const KEY = { accessKeyId: "EMUKEYESSTEST01", accessKeySecret: "emu-ess-secret" };
export const REGION = "cn-hangzhou";

export const SEED: StateSeed = {
    ...DEMO_FIXTURE,
    scalingGroups: [
        ...(DEMO_FIXTURE.scalingGroups ?? []),
        { scalingGroupId: "asg-beijing", regionId: "cn-beijing", instances: ["i-bj-1"] },
        { scalingGroupId: "asg-inactive", regionId: REGION, lifecycleState: "Inactive" },
        { scalingGroupId: "asg-quota-2", regionId: REGION, vServerGroupQuota: 2 },
        ...Array.from({ length: 12 }, (_, i) => ({ scalingGroupId: `asg-page-${String(i).padStart(2, "0")}`, regionId: "cn-shanghai" })),
    ],
    loadBalancers: [
        ...(DEMO_FIXTURE.loadBalancers ?? []),
        { loadBalancerId: "lb-beijing", regionId: "cn-beijing", vServerGroups: ["rsp-bj-80"] },
        { loadBalancerId: "lb-stopped", regionId: REGION, status: "inactive", vServerGroups: ["rsp-stopped-80"] },
        { loadBalancerId: "lb-nohc", regionId: REGION, healthCheck: false, vServerGroups: ["rsp-nohc-80"] },
        { loadBalancerId: "lb-many", regionId: REGION, vServerGroups: Array.from({ length: 8 }, (_, i) => `rsp-many-${i + 1}`) },
    ],
};

/** An entry as the API takes it: one backend port of one VServer group on one load balancer. */
export type Entry = { loadBalancerId: string; vServerGroupId: string; port: number; weight?: number };
export const WEB80: Entry = { loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port: 80 };
export const API8080: Entry = { loadBalancerId: "lb-api", vServerGroupId: "rsp-api-8080", port: 8080, weight: 20 };

/** The action and params of an Attach/Detach call for `entries`. */
export const change = (action: string, scalingGroupId: string, entries: Entry[], extra: Flat = {}) => ({
    action,
    params: { RegionId: REGION, ScalingGroupId: scalingGroupId, ...vServerGroupParams(entries), ...extra },
});

/** A fresh emulator with SEED for every test of the calling file, and calls bound to it. */
export function essTestbed() {
    let current: Emulator | undefined;
    beforeEach(async () => {
        current = await startEmulator({ state: SEED, keys: [KEY] });
    });
    afterEach(() => current?.close());
    const emu = () => {
        if (!current) throw new Error("essTestbed: the emulator runs only inside a test");
        return current;
    };
    const call = (action: string, sg: string, entries: Entry[], extra: Flat) => {
        const c = change(action, sg, entries, extra);
        return { host: emu().host, action: c.action, params: c.params };
    };
    return {
        get emu(): Emulator {
            return emu();
        },
        attach: (sg: string, entries: Entry[], extra: Flat = {}) => {
            const c = call("AttachVServerGroups", sg, entries, extra);
            return rpc(c.host, KEY, c.action, c.params);
        },
        detach: (sg: string, entries: Entry[], extra: Flat = {}) => {
            const c = call("DetachVServerGroups", sg, entries, extra);
            return rpc(c.host, KEY, c.action, c.params);
        },
        attachError: (sg: string, entries: Entry[], extra: Flat = {}) => {
            const c = call("AttachVServerGroups", sg, entries, extra);
            return rpcError(c.host, KEY, c.action, c.params);
        },
        /** The backend servers of a VServer group, as DescribeVServerGroupAttribute returns them. */
        backend: async (vServerGroupId: string) => {
            const body = await rpc(
                emu().host,
                KEY,
                "DescribeVServerGroupAttribute",
                { RegionId: REGION, VServerGroupId: vServerGroupId },
                { version: SLB_VERSION },
            );
            return (body.BackendServers as { BackendServer: Body[] }).BackendServer;
        },
        /** The scaling group's attachments, read from the emulator's state. */
        attached: (sg: string) => emu().control.scalingGroup(sg)?.vServerGroups,
    };
}
