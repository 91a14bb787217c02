// Releases load old states: a stored `__provider` text requires this package's module paths by name,
// and `delete`/`read` run the text saved at the resource's last create or update. Every path an
// earlier release's resource modules require must resolve in this package, to the engine steps.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPackageCopy } from "../../harness/package-copy";

const REPO = path.resolve(__dirname, "../..");
const RELEASES = path.join(REPO, "test", "fixtures", "releases");
const PACKAGE = "pulumi-alicloud-ess-vserver-groups";
const STEPS = ["check", "configure", "create", "delete", "diff", "read", "update"];

/** The package paths a release's JavaScript requires by name (what its serialized providers hold). */
function requiredPaths(tarball: string): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-"));
    try {
        execFileSync("tar", ["xzf", tarball, "-C", dir]);
        const found = new Set<string>();
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else if (p.endsWith(".js")) {
                    for (const m of fs.readFileSync(p, "utf8").matchAll(/require\("(pulumi-alicloud-ess-vserver-groups[^"]*)"\)/g))
                        found.add(m[1]);
                }
            }
        };
        walk(path.join(dir, "package", "dist", "provider"));
        return [...found].sort();
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const releases = fs.readdirSync(RELEASES).filter((f) => f.endsWith(".tgz"));

test("a previous release is kept to test against", () => {
    expect(releases.length).toBeGreaterThan(0);
});

describe.each(releases)("the module paths release %s requires", (release) => {
    const root = path.join(REPO, ".tools", "release-paths");
    const paths = requiredPaths(path.join(RELEASES, release));

    beforeAll(() => {
        installPackageCopy(root, REPO);
        // A program has its own package.json; without one Node would resolve the package to this repo itself.
        fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "release-paths", private: true }));
    });

    test("are the three kinds' step modules", () => {
        expect(paths).toEqual([`${PACKAGE}/provider`, `${PACKAGE}/provider/load-balancers`, `${PACKAGE}/provider/server-groups`]);
    });

    test.each(paths)("%s resolves in this package to the engine steps", (spec) => {
        const script = `const m = require(${JSON.stringify(spec)}); process.stdout.write(JSON.stringify(Object.keys(m).filter((k) => typeof m[k] === "function").sort()));`;
        const exported = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" }));
        expect(exported).toEqual(expect.arrayContaining(STEPS));
    });
});
