// Each example, run as `npm run demo -- <name>` runs it, through the real engine against the emulator.
import type { Emulator } from "../../emulator";
import { runExample, type StepReport } from "../../harness/example-runner";

jest.setTimeout(300_000);

interface Snapshot {
    calls: Record<string, number>;
    attached: string[];
    backends: Record<string, string[]>;
}

async function run(name: string): Promise<Record<StepReport["step"], Snapshot>> {
    const seen = {} as Record<StepReport["step"], Snapshot>;
    await runExample(name, {
        onStep: ({ step, calls }, emulator: Emulator) => {
            const state = emulator.control.state();
            seen[step] = {
                calls,
                attached: state.scalingGroups
                    .flatMap((g) => g.vServerGroups.map((a) => `${g.scalingGroupId}:${a.vServerGroupId}:${a.port}`))
                    .sort(),
                backends: Object.fromEntries(
                    state.loadBalancers.flatMap((lb) =>
                        lb.vServerGroups.map((v) => [v.vServerGroupId, v.backendServers.map((b) => `${b.serverId}:${b.port}`).sort()]),
                    ),
                ),
            };
        },
    });
    return seen;
}

test("basic: attach 3 groups with ForceAttach, detach lb-api's with ForceDetach, destroy", async () => {
    const s = await run("basic");
    expect(s.up.attached).toEqual(["asg-demo:rsp-api-8080:8080", "asg-demo:rsp-web-443:443", "asg-demo:rsp-web-80:80"]);
    expect(s.up.backends["rsp-api-8080"]).toEqual(["i-demo-1:8080", "i-demo-2:8080"]);
    expect(s.up.calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
    expect(s.preview.calls).toEqual({});
    expect(s.change.attached).toEqual(["asg-demo:rsp-web-443:443", "asg-demo:rsp-web-80:80"]);
    expect(s.change.backends["rsp-api-8080"]).toEqual([]);
    expect(s.change.calls).toEqual({ DescribeScalingGroups: 1, DetachVServerGroups: 1 });
    expect(s.destroy.attached).toEqual([]);
    expect(s.destroy.backends["rsp-web-80"]).toEqual([]);
});

test("move-traffic: one update moves port 443 from rsp-web-443 to rsp-web-8443; rsp-web-80 is untouched", async () => {
    const s = await run("move-traffic");
    expect(s.up.attached).toEqual(["asg-demo:rsp-web-443:443", "asg-demo:rsp-web-80:80"]);
    expect(s.change.attached).toEqual(["asg-demo:rsp-web-80:80", "asg-demo:rsp-web-8443:443"]);
    expect(s.change.backends["rsp-web-443"]).toEqual([]);
    expect(s.change.backends["rsp-web-8443"]).toEqual(["i-demo-1:443", "i-demo-2:443"]);
    expect(s.change.backends["rsp-web-80"]).toEqual(["i-demo-1:80", "i-demo-2:80"]);
    expect(s.change.calls).toEqual({ DescribeScalingGroups: 1, DetachVServerGroups: 1, AttachVServerGroups: 1 });
    expect(s.destroy.attached).toEqual([]);
});

test("many-groups: 28 entries on 7 load balancers attach in 2 calls, the 4 of one load balancer detach in 1", async () => {
    const s = await run("many-groups");
    expect(s.up.attached).toHaveLength(28);
    expect(s.up.calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 2 });
    expect(s.up.backends["rsp-many-7-4"]).toEqual(["i-many-1:8003", "i-many-2:8003"]);
    expect(s.change.attached).toHaveLength(24);
    expect(s.change.attached.filter((a) => a.includes("rsp-many-7-"))).toEqual([]);
    expect(s.change.calls).toEqual({ DescribeScalingGroups: 1, DetachVServerGroups: 1 });
    expect(s.destroy.attached).toEqual([]);
    expect(s.destroy.calls).toEqual({ DetachVServerGroups: 2 });
});
