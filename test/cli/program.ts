// One program folder through the `pulumi` CLI, step by step, the way the README tells a user:
// stack init, config set --secret the keys, preview, up, refresh, the example's change, destroy,
// stack export. After each step: what the emulator holds and the API calls the step made.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { PulumiCli, type CliResult } from "../../harness/e2e/cli";
import { REPO_ROOT } from "../../harness/e2e";
import { callCounts } from "../../harness/provider-env";

export interface StepSnapshot {
    step: string;
    result: CliResult;
    /** API calls the step made, by action. */
    calls: Record<string, number>;
    /** What the emulator holds afterwards: `scalingGroup:vserverGroup|serverGroup:port`, `scalingGroup:loadBalancer`, sorted. */
    attached: string[];
    /** Backend servers (`instance:port`, `instance:weight` in a classic default group) of each VServer group, server group and load balancer afterwards. */
    backends: Record<string, string[]>;
}

export function snapshotOf(emulator: Emulator, step: string, result: CliResult): StepSnapshot {
    const state = emulator.control.state();
    const snapshot = {
        step,
        result,
        calls: callCounts(emulator),
        attached: state.scalingGroups
            .flatMap((g) => [
                ...g.vServerGroups.map((a) => `${g.scalingGroupId}:${a.vServerGroupId}:${a.port}`),
                ...g.serverGroups.map((a) => `${g.scalingGroupId}:${a.serverGroupId}:${a.port}`),
                ...g.loadBalancerIds.map((id) => `${g.scalingGroupId}:${id}`),
            ])
            .sort(),
        backends: Object.fromEntries([
            ...state.loadBalancers.flatMap((lb) =>
                lb.vServerGroups.map((v) => [v.vServerGroupId, v.backendServers.map((b) => `${b.serverId}:${b.port}`).sort()]),
            ),
            ...state.serverGroups.map((sg) => [sg.serverGroupId, sg.backendServers.map((b) => `${b.serverId}:${b.port}`).sort()]),
            ...state.loadBalancers
                .filter((lb) => lb.backendServers.length > 0)
                .map((lb) => [lb.loadBalancerId, lb.backendServers.map((b) => `${b.serverId}:${b.weight}`).sort()]),
        ]),
    };
    emulator.control.clearCalls();
    return snapshot;
}

export interface ProgramRun {
    steps: Record<string, StepSnapshot>;
    /** `pulumi stack export` after up, and after destroy. */
    exported: string[];
    /** The stack's config file as the CLI wrote it. */
    stackConfigFile: string;
}

export interface ProgramOptions {
    cli: PulumiCli;
    emulator: Emulator;
    /** The folder holding Pulumi.yaml. */
    dir: string;
    stack: string;
    /** Config for the update between refresh and destroy (e.g. demo.json's `change`). */
    change?: Record<string, string>;
    /** Extra config before the first preview. */
    config?: Record<string, string>;
}

/** Runs every step; a step that fails throws with the CLI's output. Removes the stack at the end. */
export async function runProgram(o: ProgramOptions): Promise<ProgramRun> {
    const key = o.emulator.keys[0];
    const steps: Record<string, StepSnapshot> = {};
    const exported: string[] = [];
    const pulumi = async (step: string, args: string[]) => {
        const result = await o.cli.run([...args, "--stack", o.stack], { cwd: o.dir });
        steps[step] = snapshotOf(o.emulator, step, result);
        return result;
    };
    o.emulator.control.clearCalls();
    const init = await o.cli.run(["stack", "init", o.stack], { cwd: o.dir });
    steps.init = snapshotOf(o.emulator, "init", init);
    await pulumi("config", ["config", "set", "alicloud:region", "cn-hangzhou"]);
    for (const [k, v] of Object.entries(o.config ?? {})) await pulumi("config", ["config", "set", k, v]);
    await pulumi("config-secret", ["config", "set", "--secret", "alicloud:accessKey", key.accessKeyId]);
    await pulumi("config-secret", ["config", "set", "--secret", "alicloud:secretKey", key.accessKeySecret]);
    const stackConfigFile = fs.readFileSync(path.join(o.dir, `Pulumi.${o.stack}.yaml`), "utf8");
    try {
        await pulumi("preview", ["preview"]);
        await pulumi("up", ["up", "--yes"]);
        exported.push((await o.cli.run(["stack", "export", "--stack", o.stack], { cwd: o.dir })).stdout);
        await pulumi("refresh", ["refresh", "--yes"]);
        if (o.change) {
            for (const [k, v] of Object.entries(o.change)) await o.cli.run(["config", "set", k, v, "--stack", o.stack], { cwd: o.dir });
            await pulumi("change-preview", ["preview", "--diff"]);
            await pulumi("change", ["up", "--yes"]);
        }
        await pulumi("destroy", ["destroy", "--yes"]);
        exported.push((await o.cli.run(["stack", "export", "--stack", o.stack], { cwd: o.dir })).stdout);
    } finally {
        await o.cli.run(["stack", "rm", "--yes", "--force", "--stack", o.stack], { cwd: o.dir, allowFailure: true });
        fs.rmSync(path.join(o.dir, `Pulumi.${o.stack}.yaml`), { force: true });
    }
    return { steps, exported, stackConfigFile };
}

/**
 * A program folder inside the repository (so it resolves the package and @pulumi/pulumi from its
 * node_modules) holding `index.ts`; the caller removes it.
 */
export function programFolder(name: string, source: string): string {
    fs.mkdirSync(path.join(REPO_ROOT, ".tools"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".tools", `${name}-`));
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        `name: ${name}\nruntime:\n    name: nodejs\n    options:\n        typescript: true\nmain: index.ts\n`,
    );
    fs.copyFileSync(path.join(REPO_ROOT, "examples", "basic", "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.writeFileSync(path.join(dir, "index.ts"), source);
    return dir;
}

/** `pulumi stack init`, the region, the emulator's keys as secrets, then `config` (values JSON-encoded unless strings). */
export async function initStack(o: { cli: PulumiCli; emulator: Emulator; dir: string; stack: string; config?: Record<string, unknown> }) {
    const key = o.emulator.keys[0];
    await o.cli.run(["stack", "init", o.stack], { cwd: o.dir });
    for (const args of [
        ["config", "set", "alicloud:region", "cn-hangzhou"],
        ["config", "set", "--secret", "alicloud:accessKey", key.accessKeyId],
        ["config", "set", "--secret", "alicloud:secretKey", key.accessKeySecret],
        ...Object.entries(o.config ?? {}).map(([k, v]) => ["config", "set", k, typeof v === "string" ? v : JSON.stringify(v)]),
    ]) {
        await o.cli.run([...args, "--stack", o.stack], { cwd: o.dir });
    }
}

/** One line per step: `up: DescribeScalingGroups×1, AttachVServerGroups×1`. */
export function callSummary(run: ProgramRun): string {
    return Object.values(run.steps)
        .map(
            (s) =>
                `${s.step}: ${
                    Object.entries(s.calls)
                        .map(([a, n]) => `${a}×${n}`)
                        .join(", ") || "no API call"
                } -> ${s.attached.length} attached`,
        )
        .join("\n");
}

/**
 * What `pulumi preview --diff` marks as changing (`-`, `+`, `~`) in `field` of the resource of
 * `type`, from the field's line to its closing bracket, with the column padding taken out
 * (`- lb-web/rsp-web-80/80: {`, `~ weight: 50 => 20`).
 */
export function markedLines(output: string, type: string, field: string): string[] {
    const lines = output.split("\n");
    const header = lines.findIndex((l) => l.includes(`dynamic/ess:${type}: (`));
    const start = lines.findIndex((l, i) => i > header && new RegExp(`^\\s*[-+~]? ${field}\\s*:`).test(l));
    if (header < 0 || start < 0) return [];
    const indent = " ".repeat(lines[start].indexOf(field));
    const end = lines.findIndex((l, i) => i > start && [`${indent}}`, `${indent}]`].includes(l.trimEnd()));
    return lines
        .slice(start, end + 1)
        .map((l) => l.trim())
        .filter((l) => /^[-+~] /.test(l))
        .map((l) => l.replace(/\s+:/g, ":").replace(/\s+/g, " "));
}

/** An entry added (`+`) or removed (`-`) as `markedLines` reads it in the keyed diff: its key, then each field. */
export function entryLines(op: "+" | "-", key: string, item: Record<string, unknown>): string[] {
    const fields = Object.keys(item)
        .sort()
        .map((k) => `${op} ${k}: ${JSON.stringify(item[k])}`);
    return [`${op} ${key}: {`, ...fields];
}
