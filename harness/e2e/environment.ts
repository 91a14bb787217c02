// Environment set-up: where the repo and the CLI are, and the scrubbed env every engine process
// gets (no ambient credentials, no ~/.pulumi, a throwaway backend).
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const DEFAULT_PACKAGE_NAME = "pulumi-alicloud-ess-vserver-groups";
export const DEFAULT_RESOURCE_TYPE = "ScalingGroupVServerGroups";

function run(
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { ...opts, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) reject(Object.assign(err, { stdout, stderr }));
            else resolve({ stdout, stderr });
        });
    });
}

const SCRUB = /^(ALIBABA_CLOUD_|ALICLOUD_|PULUMI_)/;

export function cleanEnv(...layers: Array<Record<string, string | undefined> | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const layer of layers) {
        if (!layer) continue;
        for (const [k, v] of Object.entries(layer)) {
            if (v === undefined) delete out[k];
            else out[k] = v;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

let ensuredCli: Promise<string> | undefined;

/** Runs scripts/ensure-pulumi.sh once per process; returns the CLI path. */
export function ensurePulumiCli(): Promise<string> {
    if (process.env.PULUMI_E2E_CLI) return Promise.resolve(process.env.PULUMI_E2E_CLI);
    ensuredCli ??= run("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh"), "--print-path"], {
        cwd: REPO_ROOT,
    }).then(
        ({ stdout }) => stdout.trim().split("\n").pop()!,
        (err) => {
            ensuredCli = undefined;
            throw new Error(`scripts/ensure-pulumi.sh failed: ${err.message}\n${err.stderr ?? ""}`);
        },
    );
    return ensuredCli;
}

/** The env of every engine process: the ambient env without credentials or Pulumi settings, a private home under `tmpDir`, then `extra`. */
export function engineEnv(tmpDir: string, pulumiPath: string, extra?: Record<string, string | undefined>): Record<string, string> {
    const ambient: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) ambient[k] = v;
    const toolsBin = path.dirname(pulumiPath);
    const pathDirs = [
        path.join(REPO_ROOT, ".tools", "bin"), // pulumi + pulumi-resource-pulumi-nodejs
        toolsBin,
        path.join(REPO_ROOT, "node_modules", ".bin"), // Node 24 first for the plugin's `node`
        process.env.PATH ?? "",
    ];
    return cleanEnv(
        ambient,
        {
            PATH: [...new Set(pathDirs)].join(path.delimiter),
            HOME: path.join(tmpDir, "userhome"), // no ~/.alibabacloud, ~/.aliyun, ~/.pulumi leaks
            PULUMI_HOME: path.join(tmpDir, "home"),
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true", // the credentials chain must not probe 100.100.100.200
            NODE_OPTIONS: undefined, // jest/ts-node flags must not leak into the engine's node processes
        },
        extra,
    );
}

/** The Node that runs the engine's plugins and runners. */
export function nodeBinary(): string {
    // Node >= 22 is required by the package; the repo pins Node 24 as a devDependency.
    const local = path.join(REPO_ROOT, "node_modules", ".bin", "node");
    if (fs.existsSync(local)) return local;
    return process.execPath;
}
