/**
 * Self-test of the e2e harness, independent of the real provider: a stand-in package with a
 * trivial dynamic provider is generated in a temp dir, installed under .tools/e2e-selftest, and
 * driven through up / preview / refresh / destroy / export / killed up with the real CLI.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { until } from "../../harness/until";
import { E2EHarness, E2EOperationError, REPO_ROOT } from "../../harness/e2e";

jest.setTimeout(300_000);

const STANDIN = `
"use strict";
const pulumi = require("@pulumi/pulumi");
// A module of the package captured by the provider: because the package lives under a
// node_modules folder, the closure serializer must emit require("<pkg>/dist/helper.js")
// instead of inlining it.
const helper = require("./helper");

// Records every call as one JSON line in $STANDIN_LOG (read at run time, never captured).
const provider = {
    async configure(req) {
        const fs = require("fs");
        const cfg = req.config;
        fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ call: "configure",
            hasKey: cfg.get("alicloud:accessKey") !== undefined, region: cfg.get("alicloud:region") }) + "\\n");
    },
    async check(olds, news) {
        if (typeof news.value !== "string") {
            return { failures: [{ property: "value", reason: "value must be a string" }] };
        }
        return { inputs: news };
    },
    async diff(id, olds, news) {
        const replace = olds.key !== news.key;
        const changes = replace || olds.value !== news.value || olds.hold !== news.hold;
        return { changes, replaces: replace ? ["key"] : [], deleteBeforeReplace: true };
    },
    async create(inputs) {
        const fs = require("fs");
        if (inputs.hold) {
            // Never returns: the test kills the run once it has seen this line.
            fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ call: "create-started", key: inputs.key }) + "\\n");
            await new Promise(() => undefined);
        }
        fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ call: "create", inputs,
            endpoint: process.env.ALIBABA_CLOUD_ESS_ENDPOINT }) + "\\n");
        return { id: "echo-" + inputs.key, outs: { key: inputs.key, value: inputs.value, echoed: helper.upper(inputs.value) } };
    },
    async update(id, olds, news) {
        const fs = require("fs");
        fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ call: "update", id, news }) + "\\n");
        return { outs: { key: news.key, value: news.value, echoed: news.value.toUpperCase() } };
    },
    async read(id, props) {
        const fs = require("fs");
        const drift = process.env.STANDIN_DRIFT;
        fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ call: "read", id }) + "\\n");
        return { id, props: drift ? { ...props, value: drift, echoed: drift.toUpperCase() } : props };
    },
    async delete(id, props) {
        const fs = require("fs");
        fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ call: "delete", id }) + "\\n");
    },
};

class Echo extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
        super(provider, name, { echoed: undefined, ...args }, opts);
    }
}
exports.Echo = Echo;
`;

function makeStandin(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-standin-"));
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "e2e-harness-standin", version: "0.0.0", main: "dist/index.js" }),
    );
    fs.mkdirSync(path.join(dir, "dist"));
    fs.writeFileSync(path.join(dir, "dist", "index.js"), STANDIN);
    fs.writeFileSync(path.join(dir, "dist", "helper.js"), "exports.upper = (s) => s.toUpperCase();\n");
    return dir;
}

function readLog(file: string): Array<Record<string, unknown>> {
    if (!fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
}

describe("e2e harness (stand-in dynamic provider)", () => {
    let h: E2EHarness;
    let standin: string;
    let log: string;
    const timings: Record<string, number> = {};

    beforeAll(async () => {
        standin = makeStandin();
        log = path.join(standin, "calls.log");
        const t0 = Date.now();
        h = await E2EHarness.start({
            packageSource: standin,
            programRoot: path.join(REPO_ROOT, ".tools", "e2e-selftest"),
            defaultType: "Echo",
            env: { STANDIN_LOG: log },
        });
        timings.start = Date.now() - t0;
    });

    afterAll(async () => {
        await h?.cleanup();
        fs.rmSync(standin, { recursive: true, force: true });
        fs.rmSync(path.join(REPO_ROOT, ".tools", "e2e-selftest"), { recursive: true, force: true });
        process.stderr.write(`e2e harness timings (ms): ${JSON.stringify(timings)}\n`);
    });

    it("runs up / preview / refresh / destroy through the real CLI", async () => {
        const stack = await h.stack({
            name: "lifecycle",
            env: { ALIBABA_CLOUD_ESS_ENDPOINT: "http://127.0.0.1:1" },
            config: { "alicloud:region": "cn-test-1" },
            secretConfig: { "alicloud:accessKey": "AKID-secret-value" },
        });
        const prog = [
            { name: "a", args: { key: "a", value: "hello" } },
            { name: "b", args: { key: "b", value: { $ref: "a.echoed" } } },
        ];

        let t = Date.now();
        const up = await stack.up(prog);
        timings.up1 = Date.now() - t;
        expect(up.ok).toBe(true);
        expect(up.changeSummary).toEqual({ create: 3 });
        expect(up.outputs!.b.value).toMatchObject({ value: "HELLO", echoed: "HELLO" });
        expect(up.steps.filter((s) => s.op === "create").map((s) => s.name)).toEqual(expect.arrayContaining(["a", "b"]));
        const creates = readLog(log).filter((c) => c.call === "create");
        expect(creates).toHaveLength(2);
        expect(creates[0].endpoint).toBe("http://127.0.0.1:1"); // stack env reaches the plugin

        // The secret config must not appear in plain text in the state.
        const state = await stack.export();
        expect(JSON.stringify(state)).not.toContain("AKID-secret-value");
        const provider = state.deployment.resources!.find((r) => r.urn.endsWith("::a"))!.inputs!.__provider as string;
        timings.serializedProviderBytes = provider.length;
        expect(provider).toContain('require("e2e-harness-standin/dist/helper.js")');

        t = Date.now();
        const same = await stack.preview(prog);
        timings.preview = Date.now() - t;
        expect(same.changeSummary).toEqual({ same: 3 });

        const changed = [prog[0], { name: "b", args: { key: "b", value: "changed" } }];
        const pv = await stack.preview(changed);
        expect(pv.changeSummary).toMatchObject({ same: 2, update: 1 });
        expect(pv.steps.find((s) => s.name === "b")).toMatchObject({
            op: "update",
            oldInputs: { value: "HELLO" },
            newInputs: { value: "changed" },
        });

        const up2 = await stack.up(changed);
        expect(up2.changeSummary).toMatchObject({ same: 2, update: 1 });

        const replaced = [prog[0], { name: "b", args: { key: "b2", value: "changed" } }];
        const up3 = await stack.up(replaced);
        expect(up3.changeSummary).toMatchObject({ replace: 1 });

        t = Date.now();
        stack.env.STANDIN_DRIFT = "drifted";
        const rf = await stack.refresh();
        timings.refresh = Date.now() - t;
        expect(rf.changeSummary).toMatchObject({ update: 2 });
        delete stack.env.STANDIN_DRIFT;

        const bad = await stack.up([{ name: "a", args: { key: "a", value: 42 } }], { allowFailure: true });
        expect(bad.ok).toBe(false);
        expect(bad.output + bad.errorMessage).toContain("value must be a string");
        await expect(stack.preview([{ name: "a", args: { key: "a", value: 42 } }])).rejects.toThrow(E2EOperationError);

        t = Date.now();
        const d = await stack.destroy();
        timings.destroy = Date.now() - t;
        expect(d.changeSummary).toMatchObject({ delete: 3 });
        expect(await stack.stateResources()).toEqual([]);
        const configures = readLog(log).filter((c) => c.call === "configure");
        timings.configureSawSecretConfig = configures.some((c) => c.hasKey) ? 1 : 0;
    });

    it("kills an up mid-flight and recovers with cancel + clearPendingOperations + refresh", async () => {
        const stack = await h.stack({ name: "crash" });
        const op = stack.upKillable([{ name: "slow", args: { key: "slow", value: "x", hold: true } }]);
        // The engine writes the pending "creating" operation to the state before it calls create, and
        // this create never returns: killed once create has started, the operation is pending by construction.
        let ended = false;
        void op.done.then(() => (ended = true));
        await until(() => ended || readLog(log).some((c) => c.call === "create-started"), "the stand-in's create to start");
        expect(ended ? op.output() : "create started").toBe("create started");
        const t = Date.now();
        op.kill();
        const r = await op.done;
        timings.kill = Date.now() - t;
        expect(r.killed).toBe(true);
        expect(r.ok).toBe(false);
        // no process of the run survives (the plugin blocked in create included); SIGKILL is
        // delivered at once, but the kernel may take a moment to reap a process on a loaded machine
        const survivors = () =>
            fs
                .readdirSync("/proc")
                .filter((p) => /^\d+$/.test(p))
                .filter((p) => {
                    try {
                        return (
                            fs.readlinkSync(`/proc/${p}/cwd`) === stack.workDir && !/\) Z /.test(fs.readFileSync(`/proc/${p}/stat`, "utf8"))
                        );
                    } catch {
                        return false;
                    }
                });
        await until(
            () => survivors().length === 0,
            () => `the killed run's processes to exit (left: ${survivors().join(" ")})`,
            60_000,
        );

        const cancel = await stack.cancel();
        expect(cancel.ok).toBe(true);
        const pending = await stack.clearPendingOperations();
        expect(pending.map((p) => p.type)).toEqual(["creating"]);
        await stack.refresh();
        const up = await stack.up([{ name: "slow", args: { key: "slow", value: "x" } }]);
        expect(up.changeSummary).toMatchObject({ create: 1 });
        await stack.destroy();
    });
});
