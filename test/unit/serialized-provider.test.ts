// Serializes the provider exactly as Pulumi does for every resource (runtime.serializeFunction in a
// plain Node process, the package installed under node_modules) with credentials configured, and
// checks what would land in each user's state.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPackageCopy } from "../../harness/package-copy";

const REPO = path.resolve(__dirname, "../..");

const SECRETS = {
    "alicloud:accessKey": "cfg-access-key-id-4d1c",
    "alicloud:secretKey": "cfg-secret-7f3a9b2c",
    "alicloud:securityToken": "cfg-sts-token-1e5d",
};
const ENV_SECRET = "env-secret-93be7a10";

const script = `
const pulumi = require("@pulumi/pulumi");
const steps = require("pulumi-alicloud-ess-vserver-groups/provider");
const { ScalingGroupVServerGroups } = require("pulumi-alicloud-ess-vserver-groups");
const secrets = JSON.parse(process.env.TEST_SECRETS);
steps.configure({ config: { get: (k) => secrets[k], require: (k) => secrets[k] } }).then(async () => {
  const provider = ScalingGroupVServerGroups.spec.provider;
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  process.stdout.write(sf.text);
});
`;

describe("the serialized provider (what every user's state holds as __provider)", () => {
    let text = "";
    const root = path.join(REPO, ".tools", "serialize-test");

    beforeAll(() => {
        installPackageCopy(root, REPO);
        // A program has its own package.json; without one Node would resolve the package to this repo itself.
        fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "serialize-test", private: true }));
        text = execFileSync(process.execPath, ["-e", script], {
            cwd: root,
            env: {
                ...process.env,
                TEST_SECRETS: JSON.stringify(SECRETS),
                ALIBABA_CLOUD_ACCESS_KEY_ID: "env-id",
                ALIBABA_CLOUD_ACCESS_KEY_SECRET: ENV_SECRET,
            },
            encoding: "utf8",
        });
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it("is at most 4 KB", () => {
        const bytes = Buffer.byteLength(text);
        console.log(`serialized provider: ${bytes} bytes`);
        expect(bytes).toBeGreaterThan(100);
        expect(bytes).toBeLessThanOrEqual(4 * 1024);
    });

    it("holds no credential value", () => {
        for (const secret of [...Object.values(SECRETS), ENV_SECRET]) expect(text).not.toContain(secret);
    });

    it("loads the implementation by package name instead of capturing it", () => {
        expect(text).toContain('"pulumi-alicloud-ess-vserver-groups/provider"');
        expect(text).toMatch(/require\(stepsModule\)/);
        expect(text).not.toContain("callApi");
        expect(text).not.toContain("planReconcile");
    });

    it("loads in the program's folder the way the dynamic-provider plugin loads it", () => {
        const file = path.join(root, "serialized.js");
        fs.writeFileSync(file, text);
        const load = `const p = require(${JSON.stringify(file)}).handler();
            p.check({}, { scalingGroupId: "asg-1", region: "cn-hangzhou", vserverGroups: [] }).then((r) => console.log(Object.keys(p).join(","), r.failures[0].property));`;
        const out = execFileSync(process.execPath, ["-e", load], { cwd: root, encoding: "utf8" });
        expect(out.trim()).toBe("configure,check,diff,create,read,update,delete vserverGroups");
    });

    describe("in a program folder where the package cannot be resolved", () => {
        // Outside the repository, so Node's lookup cannot climb into this repo's node_modules.
        let program = "";
        beforeEach(() => {
            program = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ess-missing-package-")));
            fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "program", private: true }));
            fs.writeFileSync(path.join(program, "serialized.js"), text);
        });
        afterEach(() => fs.rmSync(program, { recursive: true, force: true }));

        /** Runs `delete` of the serialized provider in `program` as the plugin does (awaited) and returns its error's first line. */
        function stepError(): string {
            const run = `const provider = require("./serialized.js").handler();
                Promise.resolve().then(() => provider.delete("asg-1:1", {})).then(
                () => console.log("resolved"),
                (e) => console.log(e.message.split("\\n")[0]));`;
            return execFileSync(process.execPath, ["-e", run], { cwd: program, encoding: "utf8" }).trim();
        }

        it("the package missing: one sentence naming the folder and the fix", () => {
            expect(stepError()).toBe(
                `pulumi-alicloud-ess-vserver-groups is not installed where the program runs (${program}): run \`npm install\` in the program folder`,
            );
        });

        it("a module missing inside an installed package keeps Node's own error", () => {
            const pkg = path.join(program, "node_modules", "pulumi-alicloud-ess-vserver-groups");
            fs.mkdirSync(pkg, { recursive: true });
            fs.writeFileSync(
                path.join(pkg, "package.json"),
                JSON.stringify({ name: "pulumi-alicloud-ess-vserver-groups", exports: { "./provider": "./provider.js" } }),
            );
            fs.writeFileSync(path.join(pkg, "provider.js"), 'require("@alicloud/not-installed-dependency");');
            expect(stepError()).toBe("Cannot find module '@alicloud/not-installed-dependency'");
        });
    });
});
