// `npm run lint` runs this: the folder tree's import rules and no import cycle anywhere.
//   - the library (provider/, emulator/) never imports the harness, tests, scripts or examples;
//   - the harness never imports tests, scripts or examples;
//   - scripts/ and test/ never import each other (both use harness/ and the library);
//   - inside provider/: the ESS client (client/) imports no other part of the library, the lifecycle
//     (lifecycle/) imports no kind, and a kind (kinds/<kind>/) imports only its own folder, the client,
//     the lifecycle's kind-facing modules (kind, checks) and the resource-class factory;
//   - no cycle between files (type-only imports count: a cycle of shapes is still a cycle).
// Imports are read with TypeScript's own pre-processor (import, export from, require, import()).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const PACKAGE = "pulumi-alicloud-ess-vserver-groups";
/** The package's own exports, resolved to their sources (examples and the resource import by name). */
const PACKAGE_ENTRIES: Record<string, string> = {
    [PACKAGE]: "provider/index.ts",
    [`${PACKAGE}/provider`]: "provider/steps.ts",
    [`${PACKAGE}/provider/server-groups`]: "provider/server-groups.ts",
    [`${PACKAGE}/provider/load-balancers`]: "provider/load-balancers.ts",
    [`${PACKAGE}/emulator`]: "emulator/index.ts",
};
/** Top folder → the top folders it must never import. */
const FORBIDDEN: Record<string, string[]> = {
    provider: ["harness", "test", "scripts", "examples"],
    emulator: ["harness", "test", "scripts", "examples", "provider"],
    harness: ["test", "scripts", "examples"],
    scripts: ["test"],
    test: ["scripts"],
};

const top = (file: string) => file.split("/")[0];

/** The lifecycle modules a kind may use: the interface it implements and the helpers for it. */
const KIND_FACING = ["provider/lifecycle/kind.ts", "provider/lifecycle/checks.ts"];

/** Why `file` may not import `target` inside provider/, or undefined when it may. */
function providerRule(file: string, target: string): string | undefined {
    if (!file.startsWith("provider/") || !target.startsWith("provider/")) return undefined;
    const kindOf = (f: string) => /^provider\/kinds\/([^/]+)\//.exec(f)?.[1];
    if (file.startsWith("provider/client/") && !target.startsWith("provider/client/"))
        return "the ESS client imports no other part of the library";
    if (file.startsWith("provider/lifecycle/") && kindOf(target)) return "the lifecycle knows no kind";
    const kind = kindOf(file);
    if (kind === undefined || kindOf(target) === kind || target.startsWith("provider/client/")) return undefined;
    if (KIND_FACING.includes(target) || target === "provider/resource-class.ts") return undefined;
    return `a kind imports only its own folder, the client, ${KIND_FACING.join(", ")} and provider/resource-class.ts`;
}

function sourceFiles(): string[] {
    const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.ts", "*.js", "*.mjs"], {
        cwd: ROOT,
        encoding: "utf8",
    });
    return listed
        .split("\n")
        .filter((f) => f && fs.existsSync(path.join(ROOT, f)))
        .sort();
}

function resolve(from: string, spec: string): string | undefined {
    if (spec in PACKAGE_ENTRIES) return PACKAGE_ENTRIES[spec];
    if (!spec.startsWith(".")) return undefined; // a dependency or a Node built-in
    const base = path.join(path.dirname(from), spec);
    for (const candidate of [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`]) {
        if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
    }
    return undefined;
}

function importGraph(files: string[]): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    for (const file of files) {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        const { importedFiles } = ts.preProcessFile(text, true, true);
        const targets = importedFiles.map((i) => resolve(file, i.fileName)).filter((t): t is string => t !== undefined && t !== file);
        graph.set(file, [...new Set(targets)]);
    }
    return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (v: string) => {
        index.set(v, next);
        low.set(v, next++);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1) found.push(component.sort());
        }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    return found;
}

function main(): void {
    const files = sourceFiles();
    const graph = importGraph(files);
    const problems: string[] = [];
    for (const [file, targets] of graph) {
        for (const target of targets) {
            if (FORBIDDEN[top(file)]?.includes(top(target)))
                problems.push(`${file} imports ${target}: ${top(file)}/ must not import ${top(target)}/`);
            const broken = providerRule(file, target);
            if (broken) problems.push(`${file} imports ${target}: ${broken}`);
        }
    }
    for (const component of cycles(graph)) problems.push(`import cycle: ${component.join(" ↔ ")}`);
    const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
    if (problems.length > 0) {
        for (const p of problems) console.error(`check-imports: ${p}`);
        process.exit(1);
    }
    console.log(`check-imports: ${files.length} files, ${edges} imports: no cycle, no import against the folder rules`);
}

main();
