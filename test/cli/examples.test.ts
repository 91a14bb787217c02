// The root project and each example folder, run with the `pulumi` CLI as a user runs them (see
// test/cli/program.ts for the steps). Checks the emulator's cloud and the API calls of each step.
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_FIXTURE, startEmulator, type Emulator, type StateSeed } from "../../emulator";
import { EXAMPLES_DIR, exampleSpec } from "../../harness/example-runner";
import { PulumiCli } from "../../harness/e2e/cli";
import { REPO_ROOT } from "../../harness/e2e";
import { callSummary, runProgram, type ProgramRun } from "./program";

jest.setTimeout(900_000);

let cli: PulumiCli;
let emulator: Emulator;

beforeAll(async () => {
    emulator = await startEmulator({ state: DEMO_FIXTURE });
    cli = await PulumiCli.start({ ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint });
});
afterAll(async () => {
    await cli?.cleanup();
    await emulator?.close();
});

async function run(dir: string, name: string): Promise<ProgramRun> {
    const spec = exampleSpec(name);
    const seed: StateSeed = spec.fixture
        ? (JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name, spec.fixture), "utf8")) as StateSeed)
        : DEMO_FIXTURE;
    emulator.control.seed(seed);
    const result = await runProgram({ cli, emulator, dir, stack: `cli-${name}-${process.pid}`, change: spec.change });
    console.log(`${path.relative(REPO_ROOT, dir) || "."} (examples/${name}):\n${callSummary(result)}`);
    return result;
}

/** Common to every program: preview and the init/config steps make no call; no key in state or the config file. */
function expectQuietSteps(r: ProgramRun): void {
    const key = emulator.keys[0];
    for (const step of ["init", "config", "config-secret", "preview", "change-preview"]) {
        if (r.steps[step]) expect([step, r.steps[step].calls]).toEqual([step, {}]);
    }
    for (const text of [...r.exported, r.stackConfigFile]) {
        expect(text).not.toContain(key.accessKeySecret);
        expect(text).not.toContain(key.accessKeyId);
    }
    expect(r.stackConfigFile).toMatch(/alicloud:secretKey:\s*\n\s*secure:/);
    expect(r.steps.refresh.calls).toEqual({ DescribeScalingGroups: 2 }); // `refresh --yes` reads in its preview, then for real
    expect(r.steps.destroy.attached).toEqual([]);
}

const BASIC_UP = ["asg-demo:rsp-api-8080:8080", "asg-demo:rsp-web-443:443", "asg-demo:rsp-web-80:80"];

function expectBasic(r: ProgramRun): void {
    expectQuietSteps(r);
    expect(r.steps.preview.result.stdout).toMatch(/\+\s+pulumi-nodejs:dynamic\/ess:ScalingGroupVServerGroups web create/);
    expect(r.steps.up.attached).toEqual(BASIC_UP);
    expect(r.steps.up.backends["rsp-api-8080"]).toEqual(["i-demo-1:8080", "i-demo-2:8080"]);
    expect(r.steps.up.calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
    expect(r.steps.refresh.attached).toEqual(BASIC_UP);
    // withApi=false: the preview names the one entry it detaches and the flag it sends.
    expect(r.steps["change-preview"].result.output).toContain("will detach lb-api/rsp-api-8080 port 8080 weight 30 (ForceDetach=true)");
    expect(r.steps["change-preview"].result.output).not.toMatch(/will (attach|detach) lb-web/);
    expect(r.steps.change.attached).toEqual(["asg-demo:rsp-web-443:443", "asg-demo:rsp-web-80:80"]);
    expect(r.steps.change.backends["rsp-api-8080"]).toEqual([]);
    expect(r.steps.change.calls).toEqual({ DescribeScalingGroups: 1, DetachVServerGroups: 1 });
    expect(r.steps.destroy.calls).toEqual({ DetachVServerGroups: 1 });
    expect(r.steps.destroy.backends["rsp-web-80"]).toEqual([]);
}

test("the root project (Pulumi.yaml at the repository root) runs examples/basic", async () => {
    expectBasic(await run(REPO_ROOT, "basic"));
});

test("examples/basic: attach 3 groups, detach lb-api's with ForceDetach, destroy", async () => {
    expectBasic(await run(path.join(EXAMPLES_DIR, "basic"), "basic"));
});

test("examples/move-traffic: one update moves port 443 from rsp-web-443 to rsp-web-8443", async () => {
    const r = await run(path.join(EXAMPLES_DIR, "move-traffic"), "move-traffic");
    expectQuietSteps(r);
    expect(r.steps.up.attached).toEqual(["asg-demo:rsp-web-443:443", "asg-demo:rsp-web-80:80"]);
    expect(r.steps.up.calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
    const preview = r.steps["change-preview"].result.output;
    expect(preview).toContain("will detach lb-web/rsp-web-443 port 443 weight 50 (ForceDetach=true)");
    expect(preview).toContain("will attach lb-web/rsp-web-8443 port 443 weight 50 (ForceAttach=true)");
    expect(r.steps.change.attached).toEqual(["asg-demo:rsp-web-80:80", "asg-demo:rsp-web-8443:443"]);
    expect(r.steps.change.backends["rsp-web-8443"]).toEqual(["i-demo-1:443", "i-demo-2:443"]);
    expect(r.steps.change.calls).toEqual({ DescribeScalingGroups: 1, DetachVServerGroups: 1, AttachVServerGroups: 1 });
    expect(r.steps.destroy.calls).toEqual({ DetachVServerGroups: 1 });
});

test("examples/many-groups: 28 entries attach in 2 calls; dropping lb-many-7 detaches its 4 in 1", async () => {
    const r = await run(path.join(EXAMPLES_DIR, "many-groups"), "many-groups");
    expectQuietSteps(r);
    expect(r.steps.up.attached).toHaveLength(28);
    expect(r.steps.up.calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 2 });
    expect(r.steps["change-preview"].result.output.match(/will detach lb-many-7\//g)).toHaveLength(4);
    expect(r.steps.change.attached).toHaveLength(24);
    expect(r.steps.change.calls).toEqual({ DescribeScalingGroups: 1, DetachVServerGroups: 1 });
    expect(r.steps.destroy.calls).toEqual({ DetachVServerGroups: 2 });
});

test("examples/server-groups: ALB, NLB and GWLB attached in 1 call (an activity waited for); dropping the NLB group detaches it with ForceDetach", async () => {
    const r = await run(path.join(EXAMPLES_DIR, "server-groups"), "server-groups");
    expectQuietSteps(r);
    expect(r.steps.up.attached).toEqual([
        "asg-demo:sgp-alb-api:8080",
        "asg-demo:sgp-alb-web:80",
        "asg-demo:sgp-gwlb-fw:6081",
        "asg-demo:sgp-nlb-tcp:9000",
    ]);
    expect(r.steps.up.backends["sgp-nlb-tcp"]).toEqual(["i-demo-1:9000", "i-demo-2:9000"]);
    expect(r.steps.up.calls).toMatchObject({ DescribeScalingGroups: 1, AttachServerGroups: 1 });
    expect(r.steps.up.calls.DescribeScalingActivities).toBeGreaterThanOrEqual(1);
    expect(r.steps["change-preview"].result.output).toContain("will detach NLB sgp-nlb-tcp port 9000 weight 30 (ForceDetach=true)");
    expect(r.steps.change.attached).not.toContain("asg-demo:sgp-nlb-tcp:9000");
    expect(r.steps.change.backends["sgp-nlb-tcp"]).toEqual([]);
    expect(r.steps.change.calls).toMatchObject({ DescribeScalingGroups: 1, DetachServerGroups: 1 });
    expect(r.steps.destroy.backends["sgp-alb-web"]).toEqual([]);
});

test("examples/load-balancers: lb-classic attached with its instances; a new weight re-attaches it", async () => {
    const r = await run(path.join(EXAMPLES_DIR, "load-balancers"), "load-balancers");
    expectQuietSteps(r);
    expect(r.steps.up.attached).toEqual(["asg-demo:lb-classic"]);
    expect(r.steps.up.backends["lb-classic"]).toEqual(["i-demo-1:50", "i-demo-2:50"]);
    expect(r.steps["change-preview"].result.output).toContain("will re-weight lb-classic weight 50 -> weight 80");
    expect(r.steps.change.backends["lb-classic"]).toEqual(["i-demo-1:80", "i-demo-2:80"]);
    expect(r.steps.change.calls).toMatchObject({ DescribeScalingGroups: 1, DetachLoadBalancers: 1, AttachLoadBalancers: 1 });
    expect(r.steps.destroy.backends["lb-classic"]).toBeUndefined();
});
