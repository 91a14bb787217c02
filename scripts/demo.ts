// The main job: an example (default examples/basic) through the real Pulumi engine against the
// local emulator — up, preview, the change its demo.json names, destroy — showing after each
// step what the emulator's cloud holds. Leaves nothing behind. Usage: tsx scripts/demo.ts [example]
import type { Emulator } from "../emulator";
import { runExample, type StepReport } from "../harness/example-runner";

const TITLES: Record<StepReport["step"], string> = {
    up: "pulumi up",
    preview: "pulumi preview (nothing changed)",
    change: "pulumi up after the change",
    destroy: "pulumi destroy",
};

/** What a user would check in the console: each scaling group's attachments and each VServer group's backends. */
function showCloud(emulator: Emulator): void {
    const state = emulator.control.state();
    for (const group of state.scalingGroups) {
        console.log(
            `${group.scalingGroupId} (instances ${group.instances.map((i) => i.instanceId).join(", ")}): ${group.vServerGroups.length} VServer group(s) attached`,
        );
        for (const a of group.vServerGroups)
            console.log(`  attached  ${a.loadBalancerId} / ${a.vServerGroupId} port ${a.port} weight ${a.weight}`);
    }
    for (const lb of state.loadBalancers) {
        for (const vsg of lb.vServerGroups) {
            const servers = vsg.backendServers.map((b) => `${b.serverId}:${b.port}(w${b.weight})`).join(", ") || "-";
            console.log(`  backends  ${lb.loadBalancerId} / ${vsg.vServerGroupId}: ${servers}`);
        }
    }
}

async function main(): Promise<void> {
    const name = process.argv[2] ?? "basic";
    const started = Date.now();
    let change = "";
    await runExample(name, {
        onStart: (emulator, harness, spec) => {
            change = Object.entries(spec.change)
                .map(([k, v]) => `${k}=${v}`)
                .join(" ");
            console.log(`example: examples/${name} — ${spec.describe}`);
            console.log(`emulator: ${emulator.endpoint} (ESS 2014-08-28 + SLB 2014-05-15); pulumi: ${harness.pulumiPath}`);
            console.log(`\n=== before ===`);
            showCloud(emulator);
        },
        onStep: ({ step, result, calls }, emulator) => {
            console.log(`\n=== ${TITLES[step]}${step === "change" ? ` (config ${change})` : ""} ===`);
            console.log(result.output.trimEnd());
            console.log(
                `\n--- the emulator's cloud after ${step}; API calls: ${
                    Object.entries(calls)
                        .map(([a, n]) => `${a}×${n}`)
                        .join(", ") || "none"
                }`,
            );
            showCloud(emulator);
        },
    });
    console.log(`\ndemo of examples/${name} finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
