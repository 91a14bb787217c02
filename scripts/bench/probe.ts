// The dynamic-provider plugin's start-up cost, measured the way the plugin pays it: a fresh Node
// process in the stack's program folder loads @pulumi/pulumi and require-from-string, turns the
// serialized `__provider` text from the state into a provider (`requireFromString(text).handler()`,
// as @pulumi/pulumi/cmd/dynamic-provider does), configures it and answers check, diff and the
// first create (+ a second, warm create) — each step timed in the child.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PROBE_JS = `"use strict";
const t0 = performance.now(); // ms since this process started: Node's own boot
const { createRequire } = require("node:module");
const [, , workDir, providerFile, newsFile] = process.argv;
const req = createRequire(require("node:path").join(workDir, "index.js"));
const lap = (() => { let last = performance.now(); return () => { const n = performance.now(); const d = n - last; last = n; return d; }; })();
(async () => {
    const out = { boot: t0 };
    lap();
    req("@pulumi/pulumi");
    const requireFromString = req("require-from-string");
    out.pulumi = lap();
    const text = require("node:fs").readFileSync(providerFile, "utf8");
    const news = JSON.parse(require("node:fs").readFileSync(newsFile, "utf8"));
    lap();
    const provider = requireFromString(text).handler();
    out.load = lap();
    if (provider.configure) await provider.configure({ config: { get: () => undefined } });
    out.configure = lap();
    const checked = await provider.check({}, news.a);
    if (checked.failures && checked.failures.length) throw new Error(JSON.stringify(checked.failures));
    out.check = lap();
    const inputs = checked.inputs;
    await provider.diff("x", inputs, inputs);
    out.diff = lap();
    const created = await provider.create(inputs);
    out.create = lap();
    const inputsB = (await provider.check({}, news.b)).inputs;
    lap();
    const createdB = await provider.create(inputsB);
    out.create2 = lap();
    await provider.delete(created.id, created.outs);
    await provider.delete(createdB.id, createdB.outs);
    out.delete = lap();
    // A burst like the engine's: many resources on distinct scaling groups at once, warm.
    const burst = [];
    for (const n of news.burst) burst.push((await provider.check({}, n)).inputs);
    lap();
    const made = await Promise.all(burst.map((i) => provider.create(i)));
    out.burstCreate = lap();
    await Promise.all(made.map((m) => provider.delete(m.id, m.outs)));
    out.burstDelete = lap();
    process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

export interface ProbeTimes {
    /** Node's own boot, until the first line of the script runs. */
    boot: number;
    /** require("@pulumi/pulumi") + require-from-string: what the plugin loads anyway. */
    pulumi: number;
    /** requireFromString(__provider).handler(). */
    load: number;
    configure: number;
    /** The first answer the engine waits for. */
    check: number;
    diff: number;
    /** The first create: loads the SDK, builds the client, one Describe + one Attach. */
    create: number;
    /** A second create on another scaling group: the warm cost. */
    create2: number;
    /** Both deletes. */
    delete: number;
    /** `burst.length` concurrent creates on distinct scaling groups (warm). */
    burstCreate: number;
    /** Their deletes, concurrently. */
    burstDelete: number;
}

export interface ProbeInput {
    nodePath: string;
    workDir: string;
    providerText: string;
    /** Two sets of raw inputs (as the program passes them, without __provider) on different scaling groups. */
    newsA: Record<string, unknown>;
    newsB: Record<string, unknown>;
    /** Raw inputs for the concurrent burst, each on its own scaling group. */
    burst: Array<Record<string, unknown>>;
    env: Record<string, string>;
}

export async function probeOnce(p: ProbeInput): Promise<ProbeTimes> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-probe-"));
    try {
        const script = path.join(dir, "probe.js");
        const providerFile = path.join(dir, "provider.txt");
        const newsFile = path.join(dir, "news.json");
        fs.writeFileSync(script, PROBE_JS);
        fs.writeFileSync(providerFile, p.providerText);
        fs.writeFileSync(
            newsFile,
            JSON.stringify({
                a: { ...p.newsA, __provider: p.providerText },
                b: { ...p.newsB, __provider: p.providerText },
                burst: p.burst.map((n) => ({ ...n, __provider: p.providerText })),
            }),
        );
        const stdout = await new Promise<string>((resolve, reject) =>
            execFile(p.nodePath, [script, p.workDir, providerFile, newsFile], { cwd: p.workDir, env: p.env }, (err, out, errOut) =>
                err ? reject(new Error(`probe failed: ${err.message}\n${errOut}`)) : resolve(out),
            ),
        );
        return JSON.parse(stdout) as ProbeTimes;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
