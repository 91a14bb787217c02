// Installs the built package (package.json + dist) as a copy under <root>/node_modules, the way a
// user's program gets it. A copy, not a symlink: Node resolves symlinks to real paths, and Pulumi's
// closure serializer references a module by package name only when its real path is in node_modules.
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "../..");
export const PACKAGE_NAME = "pulumi-alicloud-ess-vserver-groups";

export function installPackageCopy(root: string): string {
    const dist = path.join(REPO, "dist", "provider", "index.js");
    if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first`);
    const target = path.join(root, "node_modules", PACKAGE_NAME);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    fs.copyFileSync(path.join(REPO, "package.json"), path.join(target, "package.json"));
    fs.cpSync(path.join(REPO, "dist"), path.join(target, "dist"), { recursive: true });
    return target;
}
