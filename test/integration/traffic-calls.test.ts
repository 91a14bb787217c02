// API calls against the minimum for the server-group and load-balancer kinds: ⌈n/5⌉ Attach or
// Detach calls and one Describe per change, and with the emulator's activity delay at 0 exactly one
// DescribeScalingActivities poll per forced call (the activity has ended before its answer is sent).
import type { Emulator } from "../../emulator";
import * as sgSteps from "../../provider/server-groups";
import * as lbSteps from "../../provider/load-balancers";
import type { Attachment } from "../../provider/lifecycle/kind";
import { callCounts, REGION, startProviderEmulator, freshPluginProcess } from "../../harness/provider-env";

let emulator: Emulator;
const N_SERVER_GROUPS = 12;
const N_LOAD_BALANCERS = 7;

beforeAll(async () => {
    emulator = await startProviderEmulator({
        scalingGroups: [
            { scalingGroupId: "asg-1", regionId: REGION, instances: ["i-1", "i-2"], serverGroupQuota: 50, loadBalancerQuota: 50 },
        ],
        loadBalancers: Array.from({ length: N_LOAD_BALANCERS }, (_, i) => ({ loadBalancerId: `lb-${i}`, regionId: REGION })),
        serverGroups: Array.from({ length: N_SERVER_GROUPS }, (_, i) => ({
            serverGroupId: `sgp-${String(i).padStart(2, "0")}`,
            type: i % 2 ? ("NLB" as const) : ("ALB" as const),
            regionId: REGION,
        })),
    });
    emulator.control.setActivityDelay(0);
});
afterAll(() => emulator.close());
beforeEach(async () => {
    await freshPluginProcess([sgSteps, lbSteps]);
    emulator.control.reset();
    emulator.control.setActivityDelay(0);
    emulator.control.clearCalls();
});

const inputs = (field: string, list: unknown[], force: boolean) =>
    ({ scalingGroupId: "asg-1", region: REGION, [field]: list, forceAttach: force, forceDetach: force }) as Attachment;
const serverGroupList = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ serverGroupId: `sgp-${String(i).padStart(2, "0")}`, type: i % 2 ? "NLB" : "ALB", port: 80 }));
const loadBalancerList = (n: number) => Array.from({ length: n }, (_, i) => ({ loadBalancerId: `lb-${i}` }));

describe.each([
    ["server groups", sgSteps, "serverGroups", serverGroupList(N_SERVER_GROUPS), "AttachServerGroups", "DetachServerGroups"],
    ["load balancers", lbSteps, "loadBalancers", loadBalancerList(N_LOAD_BALANCERS), "AttachLoadBalancers", "DetachLoadBalancers"],
] as const)("%s", (_name, steps, field, list, attach, detach) => {
    const chunks = Math.ceil(list.length / 5);

    it(`create and destroy of ${list.length} entries: 1 Describe + ${chunks} Attach, then ${chunks} Detach; no poll without Force*`, async () => {
        const { id, outs } = await steps.create(inputs(field, [...list], false));
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1, [attach]: chunks });
        emulator.control.clearCalls();
        await steps.delete(id, outs as Attachment);
        expect(callCounts(emulator)).toEqual({ [detach]: chunks });
    });

    it("with Force*: one DescribeScalingActivities poll per call when the activity ends at once", async () => {
        const { id, outs } = await steps.create(inputs(field, [...list], true));
        expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1, [attach]: chunks, DescribeScalingActivities: chunks });
        emulator.control.clearCalls();
        await steps.delete(id, outs as Attachment);
        expect(callCounts(emulator)).toEqual({ [detach]: chunks, DescribeScalingActivities: chunks });
    });
});
