// Runs one of examples/<name> through the real engine against the emulator: up, the change its
// demo.json names, destroy. Shared by `npm run demo` (which prints) and the examples test (which asserts).
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_FIXTURE, startEmulator, type Emulator, type StateSeed } from "../emulator";
import { E2EHarness, type OperationResult } from "./e2e";
import { callCounts } from "./call-log";
import { emulatorEnv } from "./provider-env";

export const EXAMPLES_DIR = path.resolve(__dirname, "../examples");

interface ExampleSpec {
    /** Emulator state, a JSON file beside the example; default: the emulator's demo fixture. */
    fixture?: string;
    /** Stack config for the second `up`. */
    change: Record<string, string>;
    describe: string;
}

export type StepName = "up" | "preview" | "change" | "destroy";

export interface StepReport {
    step: StepName;
    result: OperationResult;
    /** API calls the step made, by action. */
    calls: Record<string, number>;
}

export interface ExampleHooks {
    /** Called after each step, with the emulator still up, so a caller can look at the cloud. */
    onStep?: (report: StepReport, emulator: Emulator) => void | Promise<void>;
    onStart?: (emulator: Emulator, harness: E2EHarness, spec: ExampleSpec) => void;
}

export function exampleSpec(name: string): ExampleSpec {
    return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name, "demo.json"), "utf8")) as ExampleSpec;
}

export async function runExample(name: string, hooks: ExampleHooks = {}): Promise<StepReport[]> {
    const spec = exampleSpec(name);
    const state: StateSeed = spec.fixture
        ? (JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name, spec.fixture), "utf8")) as StateSeed)
        : DEMO_FIXTURE;
    const emulator = await startEmulator({ state });
    const harness = await E2EHarness.start();
    const reports: StepReport[] = [];
    try {
        hooks.onStart?.(emulator, harness, spec);
        const stack = await harness.stack({
            name,
            project: `example-${name}`,
            env: emulatorEnv(emulator),
        });
        const program = { file: path.join(EXAMPLES_DIR, name, "index.ts") };
        const step = async (stepName: StepName, result: Promise<OperationResult>): Promise<void> => {
            const report = { step: stepName, result: await result, calls: callCounts(emulator) };
            emulator.control.clearCalls();
            reports.push(report);
            await hooks.onStep?.(report, emulator);
        };
        await step("up", stack.up(program));
        await step("preview", stack.preview(program));
        for (const [key, value] of Object.entries(spec.change)) stack.setConfig(key, value);
        await step("change", stack.up(program));
        await step("destroy", stack.destroy(program));
        return reports;
    } finally {
        await harness.cleanup();
        await emulator.close();
    }
}
