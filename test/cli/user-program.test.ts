// A user's own program in a fresh folder: the `npm pack` tarball, @pulumi/pulumi and typescript@^5
// installed as its package.json says, then the `pulumi` CLI. Besides the lifecycle steps it checks
// what users run into: a secret scaling group ID stays secret everywhere, `get` reads what is
// attached, `import` fails with one sentence, and failures read as one message without a stack.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator, type StateSeed } from "../../emulator";
import { PulumiCli, type CliResult } from "../../harness/e2e/cli";
import { REPO_ROOT } from "../../harness/e2e";
import { emulatorClient, entry } from "../../harness/provider-env";
import { callSummary, entryLines, markedLines, runProgram, snapshotOf } from "./program";

jest.setTimeout(900_000);

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
/** The scaling group the program declares as a secret; it must appear in no state, output or log. */
const SECRET_GROUP = "asg-hush7q2zk";
const REGION = "cn-hangzhou";

const SEED: StateSeed = {
    scalingGroups: [
        { scalingGroupId: SECRET_GROUP, regionId: REGION, instances: ["i-s-1", "i-s-2"] },
        { scalingGroupId: "asg-seen", regionId: REGION, instances: ["i-seen-1"] },
    ],
    loadBalancers: [{ loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80", "rsp-web-443", "rsp-other-81"] }],
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupVServerGroups } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
const badPorts = config.getNumber("badPorts") ?? 0;

const web = new ScalingGroupVServerGroups("web", {
    scalingGroupId: pulumi.secret("${SECRET_GROUP}"),
    vserverGroups: [
        {
            loadbalancerId: "lb-web",
            vserverAttributes: badPorts
                ? Array.from({ length: badPorts }, (_, i) => ({ vserverGroupId: \`rsp-bad-\${i}\`, port: 70000 + i }))
                : [{ vserverGroupId: "rsp-web-80", port: 80 }, { vserverGroupId: "rsp-web-443", port: 443, weight: 20 }],
        },
    ],
    forceAttach: true,
    forceDetach: true,
});
export const attached = web.vserverGroups;

const otherWeight = config.getNumber("otherWeight");
if (otherWeight) {
    new ScalingGroupVServerGroups("web-too", {
        scalingGroupId: pulumi.secret("${SECRET_GROUP}"),
        vserverGroups: [{ loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: "rsp-web-443", port: 443, weight: otherWeight }] }],
    });
}

const seen = config.get("get");
export const read = seen ? ScalingGroupVServerGroups.get("seen", seen).vserverGroups : undefined;

const adopt = config.get("import");
if (adopt) {
    new ScalingGroupVServerGroups("adopted", { scalingGroupId: adopt, vserverGroups: [] }, { import: adopt });
}
`;

let tmp: string;
let program: string;
let cli: PulumiCli;
let emulator: Emulator;

function packageVersion(name: string): string {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ess-user-program-"));
    const [packed] = JSON.parse(
        execFileSync(NPM, ["pack", "--json", "--pack-destination", tmp], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }),
    ) as { filename: string }[];
    program = path.join(tmp, "program");
    fs.mkdirSync(program);
    fs.writeFileSync(
        path.join(program, "Pulumi.yaml"),
        "name: user-program\nruntime:\n    name: nodejs\n    options:\n        typescript: true\n",
    );
    // What `pulumi new typescript` writes, with TypeScript pinned to 5 (6 rejects moduleResolution "node").
    fs.writeFileSync(
        path.join(program, "package.json"),
        JSON.stringify({
            name: "user-program",
            main: "index.ts",
            devDependencies: { "@types/node": `^${packageVersion("@types/node")}`, typescript: "^5" },
            dependencies: {
                "@pulumi/pulumi": `^${packageVersion("@pulumi/pulumi")}`,
                "pulumi-alicloud-ess-vserver-groups": `file:../${packed.filename}`,
            },
        }),
    );
    fs.writeFileSync(
        path.join(program, "tsconfig.json"),
        JSON.stringify({
            compilerOptions: {
                strict: true,
                outDir: "bin",
                target: "es2020",
                module: "commonjs",
                moduleResolution: "node",
                sourceMap: true,
                skipLibCheck: true,
            },
            files: ["index.ts"],
        }),
    );
    fs.writeFileSync(path.join(program, "index.ts"), PROGRAM);
    execFileSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: program, stdio: "ignore" });

    emulator = await startEmulator({ state: SEED });
    cli = await PulumiCli.start({ ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint });
});

afterAll(async () => {
    await cli?.cleanup();
    await emulator?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
    emulator.control.clearFaults();
    emulator.control.seed(SEED);
});

test("the installed package carries no install-time script", () => {
    const installed = JSON.parse(
        fs.readFileSync(path.join(program, "node_modules/pulumi-alicloud-ess-vserver-groups/package.json"), "utf8"),
    ) as {
        scripts?: Record<string, string>;
    };
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) expect(installed.scripts?.[hook]).toBeUndefined();
});

test("stack init, secret keys, preview, up, refresh, destroy, export: the scaling group ID stays secret", async () => {
    const stack = "dev";
    const r = await runProgram({ cli, emulator, dir: program, stack });
    console.log(`fresh program with the npm pack tarball:\n${callSummary(r)}`);
    expect(r.steps.preview.calls).toEqual({});
    expect(r.steps.up.calls).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
    expect(r.steps.up.attached).toEqual([`${SECRET_GROUP}:rsp-web-443:443`, `${SECRET_GROUP}:rsp-web-80:80`]);
    expect(r.steps.up.backends["rsp-web-443"]).toEqual(["i-s-1:443", "i-s-2:443"]);
    expect(r.steps.refresh.calls).toEqual({ DescribeScalingGroups: 2 }); // `refresh --yes` reads in its preview, then for real
    expect(r.steps.destroy.calls).toEqual({ DetachVServerGroups: 1 });
    expect(r.steps.destroy.attached).toEqual([]);
    expect(r.steps.destroy.backends["rsp-web-443"]).toEqual([]);
    const key = emulator.keys[0];
    const texts = {
        state: r.exported.join("\n"),
        up: r.steps.up.result.output,
        preview: r.steps.preview.result.output,
        refresh: r.steps.refresh.result.output,
        destroy: r.steps.destroy.result.output,
    };
    for (const [what, text] of Object.entries(texts)) {
        expect([what, text.includes(SECRET_GROUP)]).toEqual([what, false]);
        expect([what, text.includes(key.accessKeySecret)]).toEqual([what, false]);
    }
    expect(r.exported[0]).toContain("ess:ScalingGroupVServerGroups"); // the export did hold the resource
});

test("the CLI's verbose log (--logtostderr -v=9) of an up holds the secret scaling group ID only where the SDK logs outputs", async () => {
    await cli.run(["stack", "init", "verbose"], { cwd: program });
    const key = emulator.keys[0];
    await cli.run(["config", "set", "alicloud:region", REGION, "--stack", "verbose"], { cwd: program });
    await cli.run(["config", "set", "--secret", "alicloud:accessKey", key.accessKeyId, "--stack", "verbose"], { cwd: program });
    await cli.run(["config", "set", "--secret", "alicloud:secretKey", key.accessKeySecret, "--stack", "verbose"], { cwd: program });
    emulator.control.clearCalls();
    const up = await cli.run(["up", "--yes", "--logtostderr", "-v=9", "--stack", "verbose"], { cwd: program });
    const snap = snapshotOf(emulator, "up -v=9", up);
    expect(snap.attached).toHaveLength(2);
    expect(up.stderr).toMatch(/^\{"time":"[^"]+","level":"INFO","msg":"newPlugin\(\): Launching plugin/m); // the engine's verbose log
    expect(up.stderr.length).toBeGreaterThan(20_000);
    // @pulumi/pulumi itself logs each RegisterResource response, outputs and secrets in plaintext, at
    // debug level (runtime/resource.js "RegisterResource RPC finished"); nothing a provider can change.
    const sdkDebug = /RegisterResource RPC finished/;
    const lines = up.output.split("\n").filter((l) => l.includes(SECRET_GROUP));
    const ours = lines.filter((l) => !sdkDebug.test(l));
    console.log(
        `up --logtostderr -v=9: ${up.output.length} characters of output and log; the secret scaling group ID in ` +
            `${ours.length} lines, and in ${lines.length - ours.length} of @pulumi/pulumi's own "RegisterResource RPC finished" debug lines`,
    );
    expect(ours).toEqual([]);
    await cli.run(["destroy", "--yes", "--stack", "verbose"], { cwd: program });
    await cli.run(["stack", "rm", "--yes", "--stack", "verbose"], { cwd: program });
});

async function withStack<T>(stack: string, config: Record<string, string>, body: () => Promise<T>): Promise<T> {
    const key = emulator.keys[0];
    await cli.run(["stack", "init", stack], { cwd: program });
    await cli.run(["config", "set", "alicloud:region", REGION, "--stack", stack], { cwd: program });
    await cli.run(["config", "set", "--secret", "alicloud:accessKey", key.accessKeyId, "--stack", stack], { cwd: program });
    await cli.run(["config", "set", "--secret", "alicloud:secretKey", key.accessKeySecret, "--stack", stack], { cwd: program });
    for (const [k, v] of Object.entries(config)) await cli.run(["config", "set", k, v, "--stack", stack], { cwd: program });
    emulator.control.clearCalls();
    try {
        return await body();
    } finally {
        await cli.run(["stack", "rm", "--yes", "--force", "--stack", stack], { cwd: program, allowFailure: true });
    }
}

/** The CLI's closing "Diagnostics:" section: each message once (the progress lines above repeat them). */
function diagnostics(r: CliResult): string {
    const start = r.output.indexOf("\nDiagnostics:");
    expect(start).toBeGreaterThanOrEqual(0);
    const end = r.output.indexOf("\nResources:", start);
    return r.output.slice(start, end < 0 ? undefined : end);
}

/**
 * The lines of the output that look like a JavaScript stack frame. A preview that fails at `check`
 * shuts the engine down while the program may still be sending its last RPC (the stack's outputs);
 * @pulumi/pulumi then prints "failed to deliver log message" with that RPC's stack. That block is the
 * SDK's own report of the race, not a message of this package: it is left out.
 */
const stackFrames = (r: CliResult) => {
    let undelivered = false;
    return r.output.split("\n").filter((l) => {
        if (l.includes("failed to deliver log message.")) undelivered = true;
        else if (undelivered && l.includes("message severity:")) undelivered = false;
        return !undelivered && /^\s+at .+(\(|:\d+:\d+)/.test(l);
    });
};

test("get reads the entries attached to an existing scaling group", async () => {
    const other = [entry("lb-web", "rsp-other-81", 81, 10), entry("lb-web", "rsp-web-80", 80)];
    await emulatorClient(emulator).attach("asg-seen", other, false);
    await withStack("get", { get: "asg-seen" }, async () => {
        const up = await cli.run(["up", "--yes", "--stack", "get"], { cwd: program });
        const outputs = JSON.parse((await cli.run(["stack", "output", "--json", "--stack", "get"], { cwd: program })).stdout) as {
            read: unknown;
        };
        console.log(`ScalingGroupVServerGroups.get("seen", "asg-seen").vserverGroups = ${JSON.stringify(outputs.read)}`);
        expect(outputs.read).toEqual([
            {
                loadbalancerId: "lb-web",
                vserverAttributes: [
                    { vserverGroupId: "rsp-other-81", port: 81, weight: 10 },
                    { vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
                ],
            },
        ]);
        expect(up.output).toMatch(/read pulumi-nodejs:dynamic\/ess:ScalingGroupVServerGroups seen/);
        await cli.run(["destroy", "--yes", "--stack", "get"], { cwd: program });
        // get never manages: the entries it read are still attached after destroy.
        expect(
            emulator.control
                .scalingGroup("asg-seen")
                ?.vServerGroups.map((a) => a.vServerGroupId)
                .sort(),
        ).toEqual(["rsp-other-81", "rsp-web-80"]);
    });
});

test("the import option fails with one sentence saying how to adopt, before any API call", async () => {
    await withStack("imp", { import: "asg-seen" }, async () => {
        const up = await cli.run(["up", "--yes", "--stack", "imp"], { cwd: program, allowFailure: true });
        console.log(`pulumi up with { import: "asg-seen" }:\n${up.output}`);
        expect(up.code).not.toBe(0);
        const sentence =
            'ScalingGroupVServerGroups "adopted" cannot be imported: remove the `import` option and declare the resource as it is';
        expect(diagnostics(up).split(sentence).length - 1).toBe(1);
        expect(stackFrames(up)).toEqual([]);
        expect(snapshotOf(emulator, "import", up).calls).toEqual({});
    });
});

test("500 bad entries: preview fails with 20 messages and a count, no stack trace, no API call", async () => {
    await withStack("bad", { badPorts: "500" }, async () => {
        const preview = await cli.run(["preview", "--stack", "bad"], { cwd: program, allowFailure: true });
        expect(preview.code).not.toBe(0);
        const messages = diagnostics(preview)
            .split("\n")
            .filter((l) => /port is 7\d+: must be an integer from 1 to 65535/.test(l));
        console.log(`500 bad ports: ${messages.length} messages, e.g.\n${messages[0]}\n${preview.output.match(/.*more problems.*/)?.[0]}`);
        expect(messages).toHaveLength(20);
        expect(messages[0]).toContain("vserverGroups[0].vserverAttributes[0].port is 70000: must be an integer from 1 to 65535");
        expect(messages[0]).not.toContain("<nil>");
        expect(preview.output).toContain("and 480 more problems (500 in all) not shown");
        expect(stackFrames(preview)).toEqual([]);
        expect(snapshotOf(emulator, "bad", preview).calls).toEqual({});
    });
});

test("one entry declared with two weights: `pulumi up --yes` stops at its preview naming both, before any API call", async () => {
    await withStack("weights", { otherWeight: "30" }, async () => {
        const up = await cli.run(["up", "--yes", "--stack", "weights"], { cwd: program, allowFailure: true });
        console.log(`pulumi up with rsp-web-443 at weights 20 and 30:\n${diagnostics(up)}`);
        expect(up.code).not.toBe(0);
        expect(diagnostics(up)).toMatch(
            /vserverGroups declares VServer group lb-web\/rsp-web-443\/443 with weight (20|30), and another resource of this stack declares it on the same scaling group with weight (20|30): an attachment has one weight/,
        );
        expect(stackFrames(up)).toEqual([]);
        expect(snapshotOf(emulator, "weights", up).calls).toEqual({});
        expect(up.output).not.toContain(SECRET_GROUP);
    });
});

test("a failed destroy prints its error once, without a stack trace", async () => {
    await withStack("fail", {}, async () => {
        await cli.run(["up", "--yes", "--stack", "fail"], { cwd: program });
        emulator.control.addFault({ kind: "internalError", actions: ["DetachVServerGroups"], times: 5 });
        const env = { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "0" }; // no retry: the first error is final
        const destroy = await cli.run(["destroy", "--yes", "--stack", "fail"], { cwd: program, env, allowFailure: true });
        console.log(`failed destroy:\n${destroy.output}`);
        expect(destroy.code).not.toBe(0);
        expect(stackFrames(destroy)).toEqual([]);
        const line = destroy.output.split("\n").find((l) => l.includes("DetachVServerGroups failed: InternalError")) ?? "";
        const detail = line.slice(line.indexOf("DetachVServerGroups failed"));
        expect(detail).not.toBe("");
        expect(diagnostics(destroy).split(detail).length - 1).toBe(1);
        emulator.control.clearFaults();
        await cli.run(["destroy", "--yes", "--stack", "fail"], { cwd: program });
        expect(emulator.control.scalingGroup(SECRET_GROUP)?.vServerGroups).toEqual([]);
    });
});

test("drift: after a refresh finds an entry detached out of band, preview --diff shows the re-attach", async () => {
    await withStack("drift", {}, async () => {
        await cli.run(["up", "--yes", "--stack", "drift"], { cwd: program });
        await emulatorClient(emulator).detach(SECRET_GROUP, [entry("lb-web", "rsp-web-443", 443, 20)], false);
        const refresh = await cli.run(["refresh", "--yes", "--stack", "drift"], { cwd: program });
        expect(refresh.output).toContain("1 owned entry no longer attached as declared (lb-web/rsp-web-443/443)");
        emulator.control.clearCalls();
        const preview = await cli.run(["preview", "--diff", "--stack", "drift"], { cwd: program });
        console.log(`preview --diff after the refresh found drift:\n${preview.output}`);
        expect(preview.output).toContain("will attach lb-web/rsp-web-443 port 443 weight 20 (ForceAttach=true)");
        // The engine's own diff shows the change too (it compares the refreshed inputs), by entry.
        expect(markedLines(preview.stdout, "ScalingGroupVServerGroups", "vserverGroups")).toEqual([
            "~ vserverGroups: {",
            ...entryLines("+", "lb-web/rsp-web-443/443", {
                loadbalancerId: "lb-web",
                vserverGroupId: "rsp-web-443",
                port: 443,
                weight: 20,
            }),
        ]);
        expect(snapshotOf(emulator, "drift preview", preview).calls).toEqual({});
        await cli.run(["up", "--yes", "--stack", "drift"], { cwd: program });
        expect(
            emulator.control
                .scalingGroup(SECRET_GROUP)
                ?.vServerGroups.map((a) => a.vServerGroupId)
                .sort(),
        ).toEqual(["rsp-web-443", "rsp-web-80"]);
        await cli.run(["destroy", "--yes", "--stack", "drift"], { cwd: program });
        expect(preview.output).not.toContain(SECRET_GROUP);
        expect(refresh.output).not.toContain(SECRET_GROUP);
    });
});
