#!/usr/bin/env node
// E2E runner: runs ONE Pulumi Automation API operation against an inline program described
// as JSON, in a plain Node process (never inside jest's module sandbox: the closure
// serializer of dynamic providers reads Node's real require.cache).
//
//   node runner.js <request.json> <result.json>
//
// - The live engine output (onOutput) is streamed to stdout as it arrives, so a parent can
//   watch progress (e.g. to kill an `up` mid-flight).
// - The result (OperationResult in ./protocol.ts) is written as JSON to <result.json>.
// - Exit status: 0 if the operation succeeded, 1 if it failed (result still written),
//   2 if the runner itself could not run (bad request, ...).
//
// Plain CommonJS on purpose: no TypeScript toolchain between the test and the engine.
"use strict";

const fs = require("fs");
const path = require("path");

const [, , requestPath, resultPath] = process.argv;
if (!requestPath || !resultPath) {
    process.stderr.write("usage: node runner.js <request.json> <result.json>\n");
    process.exit(2);
}

/** @type {import("./index").RunnerRequest} */
const req = JSON.parse(fs.readFileSync(requestPath, "utf8"));

// Resolve Pulumi from the stack's work dir so the program, the serialized provider and the
// automation API all share the one @pulumi/pulumi the package itself resolves.
// Resolve as a module inside the program folder would: its own package.json stops Node from
// resolving the package name to this repository itself (package self-reference).
const requireFromWorkDir = require("node:module").createRequire(require("node:path").join(req.workDir, "index.js"));
const resolveFromWorkDir = (id) => requireFromWorkDir.resolve(id);
const pulumi = require(resolveFromWorkDir("@pulumi/pulumi"));
const automation = require(resolveFromWorkDir("@pulumi/pulumi/automation"));

const startedAt = Date.now();
let outputText = "";
const events = [];

function onOutput(chunk) {
    outputText += chunk;
    process.stdout.write(chunk);
}

function onEvent(ev) {
    events.push(ev);
}

/** Turn JSON args into program inputs: {"$ref":"res.prop"} → output of another resource,
 *  {"$secret": v} → pulumi.secret(v). Everything else is passed through. */
function materialize(value, byName) {
    if (Array.isArray(value)) return value.map((v) => materialize(v, byName));
    if (value && typeof value === "object") {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === "$ref") {
            const [resName, ...propPath] = String(value.$ref).split(".");
            const target = byName.get(resName);
            if (!target) throw new Error(`$ref to unknown resource "${resName}" (declare it earlier in the list)`);
            let out = target;
            for (const p of propPath) out = out[p];
            if (out === undefined) throw new Error(`$ref "${value.$ref}": no such property`);
            return out;
        }
        if (keys.length === 1 && keys[0] === "$secret") {
            return pulumi.secret(materialize(value.$secret, byName));
        }
        const res = {};
        for (const k of keys) res[k] = materialize(value[k], byName);
        return res;
    }
    return value;
}

function materializeOpts(opts, byName) {
    if (!opts) return undefined;
    const o = { ...opts };
    if (o.dependsOn) {
        o.dependsOn = o.dependsOn.map((n) => {
            const r = byName.get(n);
            if (!r) throw new Error(`dependsOn unknown resource "${n}"`);
            return r;
        });
    }
    if (o.parent) {
        const r = byName.get(o.parent);
        if (!r) throw new Error(`parent unknown resource "${o.parent}"`);
        o.parent = r;
    }
    return o;
}

function program() {
    if (req.programFile) {
        return async () => {
            require("tsx/cjs/api").register();
            return { ...require(req.programFile) };
        };
    }
    return async () => {
        const pkgPath = resolveFromWorkDir(req.packageName);
        const pkg = require(pkgPath);
        const byName = new Map();
        const exportsOut = {};
        for (const spec of req.resources || []) {
            const typeName = spec.type || req.defaultType;
            const Ctor = pkg[typeName];
            if (typeof Ctor !== "function") {
                throw new Error(`package ${req.packageName} has no export "${typeName}"`);
            }
            const res = new Ctor(spec.name, materialize(spec.args || {}, byName), materializeOpts(spec.opts, byName));
            byName.set(spec.name, res);
            exportsOut[spec.name] = res; // exporting a resource exports its id, urn and outputs
        }
        for (const [k, v] of Object.entries(req.exports || {})) {
            exportsOut[k] = materialize(v, byName);
        }
        return exportsOut;
    };
}

/** Per-resource steps and diagnostics, distilled from the engine events. */
function digestEvents() {
    const steps = [];
    const diagnostics = [];
    for (const ev of events) {
        const meta = (ev.resOutputsEvent || ev.resOpFailedEvent || ev.resourcePreEvent || {}).metadata;
        if (ev.resourcePreEvent && meta) {
            steps.push({
                urn: meta.urn,
                name: meta.urn.split("::").pop(),
                type: meta.type,
                op: meta.op,
                diffs: meta.diffs,
                detailedDiff: meta.detailedDiff,
                oldInputs: meta.old ? meta.old.inputs : undefined,
                newInputs: meta.new ? meta.new.inputs : undefined,
                oldOutputs: meta.old ? meta.old.outputs : undefined,
                newOutputs: meta.new ? meta.new.outputs : undefined,
                status: "started",
            });
        } else if ((ev.resOutputsEvent || ev.resOpFailedEvent) && meta) {
            for (let i = steps.length - 1; i >= 0; i--) {
                if (steps[i].urn === meta.urn && steps[i].op === meta.op && steps[i].status === "started") {
                    steps[i].status = ev.resOpFailedEvent ? "failed" : "done";
                    if (ev.resOutputsEvent && meta.new) steps[i].newOutputs = meta.new.outputs;
                    break;
                }
            }
        } else if (ev.diagnosticEvent) {
            const d = ev.diagnosticEvent;
            diagnostics.push({ severity: d.severity, message: d.message, urn: d.urn || undefined });
        }
    }
    return { steps, diagnostics };
}

async function main() {
    process.chdir(req.workDir);
    const envVars = req.envVars || {};
    // The CLI gets process.env + envVars; keep both in step so the engine and the
    // dynamic-provider plugin (a child of the CLI) see the same environment.
    Object.assign(process.env, envVars);

    const pulumiCommand = await automation.PulumiCommand.get({
        root: path.dirname(path.dirname(req.pulumiPath)),
        skipVersionCheck: true,
    });

    const stack = await automation.LocalWorkspace.createOrSelectStack(
        { stackName: req.stackName, projectName: req.projectName, program: program() },
        {
            workDir: req.workDir,
            pulumiHome: envVars.PULUMI_HOME,
            envVars,
            pulumiCommand,
            projectSettings: {
                name: req.projectName,
                runtime: "nodejs",
                backend: { url: req.backendUrl },
            },
            stackSettings: { [req.stackName]: { secretsProvider: "passphrase" } },
        },
    );

    const cfg = {};
    for (const [k, v] of Object.entries(req.config || {})) cfg[k] = { value: String(v), secret: false };
    for (const [k, v] of Object.entries(req.secretConfig || {})) cfg[k] = { value: String(v), secret: true };
    if (Object.keys(cfg).length > 0) await stack.setAllConfig(cfg);
    for (const k of req.removeConfig || []) await stack.removeConfig(k);

    const o = req.options || {};
    const common = { onOutput, onEvent, color: "never" };
    const result = { op: req.op, ok: true };
    switch (req.op) {
        case "up":
        case "refresh":
        case "destroy": {
            const r = await stack[req.op]({ ...common, ...o });
            // The Automation API fills summary.config from `stack history --show-secrets`: never keep it.
            const { config: _decrypted, ...summary } = r.summary;
            // stdout/stderr of the CLI itself: where --logtostderr and -v output goes.
            Object.assign(result, {
                summary,
                changeSummary: summary.resourceChanges || {},
                commandStdout: r.stdout,
                commandStderr: r.stderr,
            });
            if (req.op === "up") result.outputs = r.outputs;
            break;
        }
        case "preview": {
            const r = await stack.preview({ ...common, ...o });
            Object.assign(result, { changeSummary: r.changeSummary || {}, commandStdout: r.stdout, commandStderr: r.stderr });
            break;
        }
        case "export": {
            if (o.showSecrets) {
                result.deployment = await stack.exportStack(); // the Automation API adds --show-secrets
            } else {
                // As stored: secrets stay ciphertext, so tests can check nothing leaks in plain text.
                const r = await pulumiCommand.run(["stack", "export", "--stack", req.stackName], req.workDir, envVars);
                result.deployment = JSON.parse(r.stdout);
            }
            break;
        }
        case "import": {
            await stack.importStack(req.deployment);
            break;
        }
        case "cancel": {
            await stack.cancel();
            break;
        }
        default:
            throw new Error(`unknown op ${req.op}`);
    }
    return result;
}

function writeResult(result) {
    const { steps, diagnostics } = digestEvents();
    const full = {
        ...result,
        output: outputText,
        steps,
        diagnostics,
        durationMs: Date.now() - startedAt,
    };
    fs.writeFileSync(resultPath + ".tmp", JSON.stringify(full));
    fs.renameSync(resultPath + ".tmp", resultPath);
}

main().then(
    (result) => {
        writeResult(result);
        process.exit(0);
    },
    (err) => {
        const e = err || {};
        writeResult({
            op: req.op,
            ok: false,
            errorName: e.name,
            errorMessage: String(e.message || e),
            // CommandError carries the CLI's own stdout/stderr
            commandStdout: e.commandResult ? e.commandResult.stdout : undefined,
            commandStderr: e.commandResult ? e.commandResult.stderr : undefined,
        });
        process.exit(1);
    },
);
