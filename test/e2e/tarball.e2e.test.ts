// The package as users get it: `npm pack`, installed from the tarball into a fresh Pulumi program
// outside this repository, then `pulumi up` / `pulumi destroy` against the emulator.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEMO_FIXTURE, startEmulator, type Emulator } from "../../emulator";
import { E2EHarness, REPO_ROOT } from "../../harness/e2e";
import { emulatorEnv } from "../../harness/provider-env";

jest.setTimeout(600_000);

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
let tmp: string;
let tarball: string;
let emulator: Emulator;
let harness: E2EHarness | undefined;

beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ess-tarball-"));
    const packed = JSON.parse(
        execFileSync(NPM, ["pack", "--json", "--pack-destination", tmp], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }),
    ) as {
        filename: string;
        size: number;
        files: { path: string; size: number }[];
    }[];
    tarball = path.join(tmp, packed[0].filename);
    console.log(
        `${packed[0].filename}: ${packed[0].size} bytes, ${packed[0].files.length} files\n${packed[0].files.map((f) => `  ${f.path} (${f.size} B)`).join("\n")}`,
    );
});

afterAll(async () => {
    await harness?.cleanup();
    await emulator?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
});

test("the tarball holds built JS, type declarations, README and package.json only", () => {
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").sort();
    for (const file of listing)
        expect(file).toMatch(
            /^package\/(package\.json|README\.md|LICENSE|dist\/(provider|provider\/client|provider\/lifecycle|provider\/kinds\/[\w-]+|emulator)\/[\w-]+(\.js|\.d\.ts))$/,
        );
    expect(listing).toContain("package/dist/provider/index.js");
    expect(listing).toContain("package/dist/provider/index.d.ts");
    expect(listing).toContain("package/dist/provider/steps.js"); // the "./provider" export users' state requires
    expect(listing).toContain("package/dist/provider/server-groups.js"); // "./provider/server-groups"
    expect(listing).toContain("package/dist/provider/load-balancers.js"); // "./provider/load-balancers"
    expect(listing).toContain("package/dist/emulator/cli.js");
});

test("installed from the tarball into a fresh program, it runs pulumi up and destroy", async () => {
    const program = path.join(tmp, "program");
    fs.mkdirSync(program);
    const pulumiVersion = (
        JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }
    ).version;
    fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "tarball-user", private: true }));
    execFileSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `@pulumi/pulumi@${pulumiVersion}`], {
        cwd: program,
        stdio: "ignore",
    });
    const installed = path.join(program, "node_modules", "pulumi-alicloud-ess-vserver-groups");
    expect(fs.realpathSync(installed)).toBe(installed); // a real install, not a link to this repo

    emulator = await startEmulator({ state: DEMO_FIXTURE });
    harness = await E2EHarness.start({ programRoot: program, preinstalled: true });
    const stack = await harness.stack({
        name: "tarball",
        env: emulatorEnv(emulator),
    });
    const args = {
        scalingGroupId: "asg-demo",
        vserverGroups: [{ loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: "rsp-web-80", port: 80 }] }],
        forceAttach: true,
        forceDetach: true,
    };
    const up = await stack.up([{ name: "att", args }]);
    expect(up.changeSummary).toEqual({ create: 2 });
    expect(emulator.control.scalingGroup("asg-demo")?.vServerGroups.map((a) => a.vServerGroupId)).toEqual(["rsp-web-80"]);
    expect(emulator.control.backendServers("rsp-web-80").map((b) => b.serverId)).toEqual(["i-demo-1", "i-demo-2"]);
    const [resource] = await stack.stateResources();
    // The serialized provider requires its steps by package path, the one every earlier state names.
    expect(String((resource.outputs as Record<string, unknown>).__provider)).toContain(
        'stepsModule: "pulumi-alicloud-ess-vserver-groups/provider"',
    );

    await stack.destroy();
    expect(emulator.control.scalingGroup("asg-demo")?.vServerGroups).toEqual([]);
    expect(emulator.control.backendServers("rsp-web-80")).toEqual([]);
});
