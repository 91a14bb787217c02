// A user upgrades the package and renames a resource in the same `pulumi up`, through the `pulumi`
// CLI: the program folder installs the previous release's tarball (test/fixtures/releases), runs
// `up`, then installs the working tree's `npm pack` tarball and renames `web` to `frontend` without
// an alias. The engine creates `frontend` (new provider text), which adopts the entries, then
// deletes `web` with the provider text the OLD release stored in its state: the dynamic-provider
// plugin configures a second provider for that text in the same process, and that configure must
// not make the process forget `frontend`'s claim (releases up to 262fc78 reset it and detached all).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type CallRecord, type Emulator, type StateSeed } from "../../emulator";
import { PulumiCli } from "../../harness/e2e/cli";
import { REPO_ROOT } from "../../harness/e2e";
import { entryLines, markedLines, snapshotOf, type StepSnapshot } from "./program";

jest.setTimeout(900_000);

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const PACKAGE = "pulumi-alicloud-ess-vserver-groups";
const OLD_RELEASE = path.join(REPO_ROOT, "test", "fixtures", "releases", "0.1.0-262fc78.tgz");
const REGION = "cn-hangzhou";
const GROUP = "asg-upgrade";
const STACK = "dev";

/** Attached by someone else before the program ever ran: no step may touch it. */
const OTHER = { loadBalancerId: "lb-web", vServerGroupId: "rsp-other-81", port: 81, weight: 10 };
const SEED: StateSeed = {
    scalingGroups: [{ scalingGroupId: GROUP, regionId: REGION, instances: ["i-u-1", "i-u-2"], vServerGroups: [OTHER] }],
    loadBalancers: [{ loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80", "rsp-web-443", "rsp-other-81"] }],
};
/** The program's entries X and Y, as snapshotOf lists attachments. */
const X = `${GROUP}:rsp-web-80:80`;
const Y = `${GROUP}:rsp-web-443:443`;
const OTHER_ATTACHED = `${GROUP}:rsp-other-81:81`;
/** X and Y as the resource's `vserverGroups` output has them (canonical order, weights explicit). */
const DECLARED = [
    {
        loadbalancerId: "lb-web",
        vserverAttributes: [
            { vserverGroupId: "rsp-web-443", port: 443, weight: 20 },
            { vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
        ],
    },
];

/** The user's program, its one resource named `name` (declaring X and Y, or Y only). */
const program = (name: string, withX = true) => `import { ScalingGroupVServerGroups } from "${PACKAGE}";

const attachment = new ScalingGroupVServerGroups("${name}", {
    scalingGroupId: "${GROUP}",
    vserverGroups: [
        {
            loadbalancerId: "lb-web",
            vserverAttributes: [${withX ? '{ vserverGroupId: "rsp-web-80", port: 80 }, ' : ""}{ vserverGroupId: "rsp-web-443", port: 443, weight: 20 }],
        },
    ],
    forceAttach: true,
    forceDetach: true,
});
export const attached = attachment.vserverGroups;
`;

interface ExportedResource {
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

let tmp: string;
let dir: string;
let newRelease: string;
let cli: PulumiCli;
let emulator: Emulator;

function packageVersion(name: string): string {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

function npmInstall(...args: string[]): void {
    execFileSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", ...args], { cwd: dir, stdio: "ignore" });
}

/** Whether the program's installed package is the working tree's build (its steps, with the fix, as packed). */
function installedIsNew(): boolean {
    const steps = (root: string) => fs.readFileSync(path.join(root, "dist", "provider", "steps.js"), "utf8");
    return steps(path.join(dir, "node_modules", PACKAGE)) === steps(REPO_ROOT);
}

/** One CLI step: what snapshotOf reports (it clears the call log), and the calls themselves. */
async function pulumi(step: string, args: string[]): Promise<StepSnapshot & { log: CallRecord[] }> {
    const result = await cli.run([...args, "--stack", STACK], { cwd: dir });
    const log = emulator.control.calls();
    const snap = snapshotOf(emulator, step, result);
    const calls =
        Object.entries(snap.calls)
            .map(([a, n]) => `${a}×${n}`)
            .join(", ") || "no API call";
    console.log(`${step}: ${calls} -> attached ${snap.attached.join(", ") || "nothing"}`);
    return { ...snap, log };
}

/** The stack's ScalingGroupVServerGroups resources, secrets (the serialized provider) in plaintext. */
async function exported(): Promise<ExportedResource[]> {
    const r = await cli.run(["stack", "export", "--show-secrets", "--stack", STACK], { cwd: dir });
    const resources = (JSON.parse(r.stdout) as { deployment: { resources?: ExportedResource[] } }).deployment.resources ?? [];
    return resources.filter((res) => res.type.endsWith("ScalingGroupVServerGroups"));
}

const nameOf = (res: ExportedResource) => res.urn.slice(res.urn.lastIndexOf("::") + 2);

/** The serialized provider a resource's state holds, which `delete` and `read` run with. */
function providerText(res: ExportedResource): string {
    const text = res.outputs?.__provider;
    expect(typeof text).toBe("string");
    return text as string;
}

beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ess-upgrade-"));
    const [packed] = JSON.parse(
        execFileSync(NPM, ["pack", "--json", "--pack-destination", tmp], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }),
    ) as { filename: string }[];
    newRelease = path.join(tmp, packed.filename);
    dir = path.join(tmp, "program");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: upgrade\nruntime:\n    name: nodejs\n    options:\n        typescript: true\n");
    // As user-program.test.ts: what `pulumi new typescript` writes, TypeScript pinned to 5.
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({
            name: "upgrade",
            main: "index.ts",
            devDependencies: { "@types/node": `^${packageVersion("@types/node")}`, typescript: "^5" },
            dependencies: { "@pulumi/pulumi": `^${packageVersion("@pulumi/pulumi")}`, [PACKAGE]: `file:${OLD_RELEASE}` },
        }),
    );
    fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
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
    fs.writeFileSync(path.join(dir, "index.ts"), program("web"));
    npmInstall();

    emulator = await startEmulator({ state: SEED });
    cli = await PulumiCli.start({ ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint });
    const key = emulator.keys[0];
    await cli.run(["stack", "init", STACK], { cwd: dir });
    await cli.run(["config", "set", "alicloud:region", REGION, "--stack", STACK], { cwd: dir });
    await cli.run(["config", "set", "--secret", "alicloud:accessKey", key.accessKeyId, "--stack", STACK], { cwd: dir });
    await cli.run(["config", "set", "--secret", "alicloud:secretKey", key.accessKeySecret, "--stack", STACK], { cwd: dir });
});

afterAll(async () => {
    await cli?.run(["stack", "rm", "--yes", "--force", "--stack", STACK], { cwd: dir, allowFailure: true });
    await cli?.cleanup();
    await emulator?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("up with release 0.1.0-262fc78, then install the new tarball and rename web to frontend: 0 Detach calls; destroy detaches only X and Y", async () => {
    // Step 1: the previous release attaches X and Y next to the entry someone else attached.
    expect(installedIsNew()).toBe(false);
    emulator.control.clearCalls();
    const first = await pulumi("up (0.1.0-262fc78, web)", ["up", "--yes"]);
    expect(first.calls.DetachVServerGroups).toBeUndefined();
    expect(first.calls.AttachVServerGroups).toBe(1);
    expect(first.attached).toEqual([OTHER_ATTACHED, Y, X].sort());
    const before = await exported();
    expect(before.map(nameOf)).toEqual(["web"]);
    const oldText = providerText(before[0]);

    // Step 2: the new release into the same folder, and the rename (no alias) in the same up.
    npmInstall(newRelease);
    expect(installedIsNew()).toBe(true);
    fs.writeFileSync(path.join(dir, "index.ts"), program("frontend"));
    const upgrade = await pulumi("up (new tarball, web renamed frontend)", ["up", "--yes"]);
    console.log(
        `its progress lines:\n${upgrade.result.output
            .split("\n")
            .filter((l) => l.includes("ess-vserver-groups:"))
            .join("\n")}`,
    );
    expect(upgrade.calls.DetachVServerGroups ?? 0).toBe(0);
    expect(upgrade.calls.AttachVServerGroups ?? 0).toBe(0); // adopted, not attached again
    expect(upgrade.attached).toEqual([OTHER_ATTACHED, Y, X].sort());
    expect(upgrade.result.output).toMatch(/frontend created/);
    expect(upgrade.result.output).toMatch(/web deleted/);
    expect(upgrade.result.output).toMatch(
        /adopting 2 VServer groups already attached to the scaling group \((rsp-web-443:443, rsp-web-80:80|rsp-web-80:80, rsp-web-443:443)\)/,
    );
    expect(upgrade.result.output).toMatch(
        /leaving 2 VServer groups attached to the scaling group \((rsp-web-443:443, rsp-web-80:80|rsp-web-80:80, rsp-web-443:443)\): another resource of this stack declares them/,
    );
    const after = await exported();
    expect(after.map(nameOf)).toEqual(["frontend"]);
    expect(after[0].outputs?.vserverGroups).toEqual(DECLARED);
    const newText = providerText(after[0]);
    // Two provider texts in one run: `web`'s delete ran with the text the old release stored.
    expect(newText).not.toEqual(oldText);
    console.log(`serialized provider: ${oldText.length} characters in 0.1.0-262fc78's state, ${newText.length} in the new release's`);

    // Step 3: destroy detaches what `frontend` owns, X and Y, and leaves the other entry.
    const destroy = await pulumi("destroy (new tarball, frontend)", ["destroy", "--yes"]);
    expect(destroy.calls.DetachVServerGroups).toBe(1);
    expect(destroy.attached).toEqual([OTHER_ATTACHED]);
    expect(emulator.control.scalingGroup(GROUP)?.vServerGroups).toEqual([expect.objectContaining(OTHER)]);
    const detach = destroy.log.filter((c) => c.action === "DetachVServerGroups");
    expect(JSON.stringify(detach[0].params)).toContain("rsp-web-80");
    expect(JSON.stringify(detach[0].params)).toContain("rsp-web-443");
    expect(JSON.stringify(destroy.log.map((c) => c.params))).not.toContain("rsp-other-81");
});

test("upgrade with no change: 0 API calls and no diff of the entries; the next up keys the stored inputs silently, and a removal then previews as that entry only", async () => {
    npmInstall(OLD_RELEASE);
    expect(installedIsNew()).toBe(false);
    fs.writeFileSync(path.join(dir, "index.ts"), program("web"));
    emulator.control.seed(SEED);
    await pulumi("up (0.1.0-262fc78, web)", ["up", "--yes"]);
    expect((await exported())[0].inputs?.vserverGroups).toEqual(DECLARED); // 0.1.0 stores the list

    npmInstall(newRelease);
    expect(installedIsNew()).toBe(true);
    // The first run records the resource's name (an update with no API call, as before); the list stays, so the diff shows only that.
    const preview = await pulumi("preview --diff (new tarball, same program)", ["preview", "--diff"]);
    console.log(`the first preview --diff after the upgrade:\n${preview.result.stdout}`);
    expect(preview.calls).toEqual({});
    expect(preview.result.stdout).toMatch(/\+ resourceName\s*: "web"/);
    expect(markedLines(preview.result.stdout, "ScalingGroupVServerGroups", "vserverGroups")).toEqual([]);
    expect(preview.result.stdout).toMatch(/^\s+vserverGroups\s*: \[/m); // shown unmarked, as stored
    const first = await pulumi("up (new tarball, same program)", ["up", "--yes"]);
    expect(first.calls).toEqual({});
    expect((await exported())[0].inputs?.vserverGroups).toEqual(DECLARED);

    // The next run changes nothing: the engine keeps the keyed inputs `check` returns, with no diff and no call.
    const second = await pulumi("up (new tarball, same program again)", ["up", "--yes"]);
    expect(second.calls).toEqual({});
    expect(second.result.stdout).toMatch(/2 unchanged/);
    const [web] = await exported();
    expect(Object.keys(web.inputs?.vserverGroups as object)).toEqual(["lb-web/rsp-web-443/443", "lb-web/rsp-web-80/80"]);
    expect(web.outputs?.vserverGroups).toEqual(DECLARED); // what users read stays the list

    fs.writeFileSync(path.join(dir, "index.ts"), program("web", false));
    const removal = await pulumi("preview --diff (X removed)", ["preview", "--diff"]);
    expect(markedLines(removal.result.stdout, "ScalingGroupVServerGroups", "vserverGroups")).toEqual([
        "~ vserverGroups: {",
        ...entryLines("-", "lb-web/rsp-web-80/80", { loadbalancerId: "lb-web", vserverGroupId: "rsp-web-80", port: 80, weight: 50 }),
    ]);
    await pulumi("destroy (new tarball)", ["destroy", "--yes"]);
    expect(emulator.control.scalingGroup(GROUP)?.vServerGroups).toEqual([expect.objectContaining(OTHER)]);
});
