// Installs the built package (package.json + dist) as a copy under <root>/node_modules, the way a
// user's program gets it. Shared by the e2e harness and the serialized-provider test.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

function hashDir(root: string, rels: string[]): string {
    const h = crypto.createHash("sha256");
    const walk = (rel: string) => {
        const abs = path.join(root, rel);
        const st = fs.statSync(abs);
        if (st.isDirectory()) {
            for (const e of fs.readdirSync(abs).sort()) walk(path.join(rel, e));
        } else {
            h.update(rel + "\0");
            h.update(fs.readFileSync(abs));
            h.update("\0");
        }
    };
    for (const r of rels) if (fs.existsSync(path.join(root, r))) walk(r);
    return h.digest("hex").slice(0, 16);
}

/**
 * Copy package.json + dist/ into <programRoot>/node_modules/<name>/ (a copy, not a symlink: Node
 * would resolve a symlink to its real path, outside node_modules). Idempotent and safe across
 * parallel jest workers: content-hashed, staged in a temp dir and renamed into place.
 */
export function installPackageCopy(programRoot: string, source: string, name?: string): { name: string; dir: string } {
    const pkgJson = path.join(source, "package.json");
    if (!fs.existsSync(pkgJson)) throw new Error(`no package.json in ${source}`);
    const pkgName = name ?? (JSON.parse(fs.readFileSync(pkgJson, "utf8")).name as string);
    if (!fs.existsSync(path.join(source, "dist"))) {
        throw new Error(`${source}/dist is missing: run \`npm run build\` before the e2e tests`);
    }
    const hash = hashDir(source, ["package.json", "dist"]);
    const nm = path.join(programRoot, "node_modules");
    const dest = path.join(nm, pkgName);
    const stampFile = path.join(dest, ".e2e-stamp");
    const current = () => (fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8") : "");
    if (current() === hash) return { name: pkgName, dir: dest };

    fs.mkdirSync(nm, { recursive: true });
    const staging = fs.mkdtempSync(path.join(nm, ".staging-"));
    fs.copyFileSync(pkgJson, path.join(staging, "package.json"));
    fs.cpSync(path.join(source, "dist"), path.join(staging, "dist"), { recursive: true, dereference: true });
    fs.writeFileSync(path.join(staging, ".e2e-stamp"), hash);
    if (fs.existsSync(dest)) {
        const old = fs.mkdtempSync(path.join(nm, ".old-"));
        try {
            fs.renameSync(dest, path.join(old, "pkg"));
        } catch {
            /* another worker moved it */
        }
        fs.rmSync(old, { recursive: true, force: true });
    }
    try {
        fs.mkdirSync(path.dirname(dest), { recursive: true }); // scoped names
        fs.renameSync(staging, dest);
    } catch (err) {
        fs.rmSync(staging, { recursive: true, force: true });
        if (current() !== hash) throw err; // someone else won the race with the same content: fine
    }
    return { name: pkgName, dir: dest };
}
