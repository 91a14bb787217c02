// The main job: examples/basic through the real Pulumi engine against the local emulator.
// up → show what the emulator holds → an update that removes one group → destroy. Leaves nothing behind.
import * as path from "node:path";
import { DEMO_FIXTURE, startEmulator, type Emulator } from "../emulator";
import { E2EHarness, type OperationResult } from "../test/e2e/harness";

const EXAMPLE = path.resolve(__dirname, "../examples/basic/index.ts");

function section(title: string): void {
    console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);
}

function engineOutput(r: OperationResult): void {
    console.log(r.output.trimEnd());
}

/** What a user would check in the console: attachments of the scaling group and each VServer group's backends. */
function showCloud(emulator: Emulator): void {
    const group = emulator.control.scalingGroup("asg-demo");
    const attached = group?.vServerGroups ?? [];
    console.log(`asg-demo (instances ${group?.instances.map((i) => i.instanceId).join(", ")}): ${attached.length} VServer group(s) attached`);
    for (const a of attached) console.log(`  attached  ${a.loadBalancerId} / ${a.vServerGroupId} port ${a.port} weight ${a.weight}`);
    for (const lb of emulator.control.state().loadBalancers) {
        for (const vsg of lb.vServerGroups) {
            const servers = vsg.backendServers.map((b) => `${b.serverId}:${b.port}(w${b.weight})`).join(", ") || "(no backend servers)";
            console.log(`  backends  ${lb.loadBalancerId} / ${vsg.vServerGroupId}: ${servers}`);
        }
    }
    const counts = new Map<string, number>();
    for (const c of emulator.control.calls()) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
    console.log(`  API calls in this step: ${[...counts].map(([a, n]) => `${a}×${n}`).join(", ") || "none"}`);
    emulator.control.clearCalls();
}

async function main(): Promise<void> {
    const started = Date.now();
    const emulator = await startEmulator({ state: DEMO_FIXTURE });
    const harness = await E2EHarness.start();
    try {
        const key = emulator.keys[0];
        console.log(`emulator: ${emulator.endpoint} (ESS 2014-08-28 + SLB 2014-05-15), pulumi: ${harness.pulumiPath}`);
        const stack = await harness.stack({
            name: "demo",
            project: "ess-vserver-groups-basic",
            env: {
                ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
                ALIBABA_CLOUD_REGION_ID: "cn-hangzhou",
                ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
                ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
            },
        });
        const program = { file: EXAMPLE };

        section("before: the emulator's cloud");
        showCloud(emulator);

        section("pulumi up (examples/basic: 3 VServer groups on lb-web and lb-api, forceAttach + forceDetach)");
        engineOutput(await stack.up(program));
        section("after up");
        showCloud(emulator);

        section("pulumi preview (nothing changed)");
        engineOutput(await stack.preview(program));
        console.log(`  API calls during preview: ${emulator.control.calls().length}`);

        section("pulumi up with config withApi=false (removes lb-api's rsp-api-8080)");
        stack.setConfig("withApi", "false");
        engineOutput(await stack.up(program));
        section("after the update: rsp-api-8080 is detached and, with ForceDetach, has no backends");
        showCloud(emulator);

        section("pulumi destroy");
        engineOutput(await stack.destroy(program));
        section("after destroy");
        showCloud(emulator);
        console.log(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    } finally {
        await harness.cleanup();
        await emulator.close();
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
