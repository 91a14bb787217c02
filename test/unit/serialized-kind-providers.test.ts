// The serialized providers of ScalingGroupServerGroups and ScalingGroupLoadBalancers, as Pulumi
// writes them into each user's state: small, no credential, the implementation loaded by its subpath.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { installPackageCopy } from "../../harness/package-copy";

const REPO = path.resolve(__dirname, "../..");
const SECRET = "cfg-secret-5e6f7a8b";

const KINDS = [
    ["server-groups", "ScalingGroupServerGroups"],
    ["load-balancers", "ScalingGroupLoadBalancers"],
] as const;

const script = `
const pulumi = require("@pulumi/pulumi");
const pkg = require("pulumi-alicloud-ess-vserver-groups");
const [subpath, className] = JSON.parse(process.env.KIND);
const steps = require("pulumi-alicloud-ess-vserver-groups/provider/" + subpath);
steps.configure({ config: { get: (k) => (k === "alicloud:secretKey" ? process.env.SECRET : "cfg-id"), require: () => "x" } }).then(async () => {
  const provider = pkg[className].spec.provider;
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  process.stdout.write(sf.text);
});
`;

describe.each(KINDS)("the serialized provider of %s", (subpath, className) => {
    let text = "";
    const root = path.join(REPO, ".tools", `serialize-${subpath}`);
    beforeAll(() => {
        installPackageCopy(root, REPO);
        fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: `serialize-${subpath}`, private: true }));
        text = execFileSync(process.execPath, ["-e", script], {
            cwd: root,
            env: { ...process.env, KIND: JSON.stringify([subpath, className]), SECRET },
            encoding: "utf8",
        });
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it("is at most 4 KB, holds no credential, and loads its implementation by package subpath", () => {
        const bytes = Buffer.byteLength(text);
        console.log(`serialized ${subpath} provider: ${bytes} bytes`);
        expect(bytes).toBeLessThanOrEqual(4 * 1024);
        expect(text).not.toContain(SECRET);
        expect(text).toContain(`"pulumi-alicloud-ess-vserver-groups/provider/${subpath}"`);
        expect(text).toMatch(/require\(stepsModule\)/);
        expect(text).not.toContain("waitForActivity");
    });
});
