/**
 * The `pulumi` CLI as a user runs it: a child process in a program folder (Pulumi.yaml), its own
 * file backend and PULUMI_HOME, the language host and dynamic-provider plugin from
 * scripts/ensure-pulumi.sh on PATH. No Automation API: what runs is exactly what a user types.
 *
 *   const cli = await PulumiCli.start({ ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint });
 *   await cli.run(["stack", "init", "dev"], { cwd: program });
 *   const up = await cli.run(["up", "--yes"], { cwd: program });
 *   await cli.cleanup();
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensurePulumiCli, REPO_ROOT } from "./index";

export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
    /** stdout then stderr, as a terminal would show them (near enough for assertions). */
    output: string;
}

export interface RunOptions {
    cwd: string;
    env?: Record<string, string | undefined>;
    /** Written to the process' stdin (e.g. a secret for `config set --secret` without echoing it in argv). */
    input?: string;
    /** Resolve with the failure instead of throwing. */
    allowFailure?: boolean;
}

const SCRUB = /^(ALIBABA_CLOUD_|ALICLOUD_|PULUMI_|ESS_)/;

export class PulumiCli {
    private constructor(
        readonly pulumiPath: string,
        readonly tmpDir: string,
        readonly env: Record<string, string>,
    ) {}

    /** A fresh backend (file://) and PULUMI_HOME; `env` is added to every command's environment. */
    static async start(env: Record<string, string> = {}): Promise<PulumiCli> {
        const pulumiPath = await ensurePulumiCli();
        const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
        for (const d of ["backend", "home", "userhome"]) fs.mkdirSync(path.join(tmpDir, d));
        const ambient: Record<string, string> = {};
        for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) ambient[k] = v;
        delete ambient.NODE_OPTIONS; // jest's flags must not reach the engine's node processes
        const dirs = [path.dirname(pulumiPath), path.join(REPO_ROOT, ".tools", "bin"), path.join(REPO_ROOT, "node_modules", ".bin")];
        return new PulumiCli(pulumiPath, tmpDir, {
            ...ambient,
            PATH: [...new Set([...dirs, process.env.PATH ?? ""])].join(path.delimiter),
            HOME: path.join(tmpDir, "userhome"), // no ~/.alibabacloud or ~/.pulumi from the machine
            PULUMI_HOME: path.join(tmpDir, "home"),
            PULUMI_BACKEND_URL: `file://${path.join(tmpDir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "cli-e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
            ...env,
        });
    }

    /** Runs `pulumi <args>` and resolves when it exits; throws on a non-zero exit unless allowFailure. */
    run(args: string[], opts: RunOptions): Promise<CliResult> {
        const env: Record<string, string> = { ...this.env };
        for (const [k, v] of Object.entries(opts.env ?? {})) {
            if (v === undefined) delete env[k];
            else env[k] = v;
        }
        return new Promise((resolve, reject) => {
            const child = spawn(this.pulumiPath, [...args, "--color", "never"], { cwd: opts.cwd, env });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
            child.stdin.end(opts.input ?? "");
            child.on("error", reject);
            child.on("close", (code) => {
                const result = { code, stdout, stderr, output: `${stdout}${stderr}` };
                if (code === 0 || opts.allowFailure) resolve(result);
                else reject(new Error(`pulumi ${args.join(" ")} exited with ${code}\n${result.output}`));
            });
        });
    }

    async cleanup(): Promise<void> {
        fs.rmSync(this.tmpDir, { recursive: true, force: true });
    }
}
