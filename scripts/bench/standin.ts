// The engine's own cost: a stand-in package whose dynamic resources have the same shape as
// ScalingGroupVServerGroups, ScalingGroupServerGroups and ScalingGroupLoadBalancers (same args, same
// outputs, a provider object that forwards to a module loaded by package name) but whose steps do nothing: no HTTP, no lock, no SDK. Installed the same
// way (a copy under the program root's node_modules), so `real / baseline` isolates what the
// provider adds on top of the engine.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const STANDIN_NAME = "bench-noop-standin";

const INDEX_JS = `"use strict";
const pulumi = require("@pulumi/pulumi");

function steps() {
    return require("${STANDIN_NAME}/dist/provider.js");
}

// Same shape as the real essProvider: seven arrow functions that forward to the installed module.
const noopProvider = {
    configure: (req) => steps().configure(req),
    check: (olds, news) => steps().check(olds, news),
    diff: (id, olds, news) => steps().diff(id, olds, news),
    create: (inputs) => steps().create(inputs),
    read: (id, props) => steps().read(id, props),
    update: (id, olds, news) => steps().update(id, olds, news),
    delete: (id, props) => steps().delete(id, props),
};
exports.noopProvider = noopProvider;

class ScalingGroupVServerGroups extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
        super(noopProvider, name, { region: undefined, forceAttach: undefined, forceDetach: undefined, ...args }, opts, "ess", "ScalingGroupVServerGroups");
    }
}
exports.ScalingGroupVServerGroups = ScalingGroupVServerGroups;

class ScalingGroupServerGroups extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
        super(noopProvider, name, { scalingGroupId: undefined, region: undefined, serverGroups: undefined, forceAttach: undefined, forceDetach: undefined, ...args }, opts, "ess", "ScalingGroupServerGroups");
    }
}
exports.ScalingGroupServerGroups = ScalingGroupServerGroups;

class ScalingGroupLoadBalancers extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
        super(noopProvider, name, { scalingGroupId: undefined, region: undefined, loadBalancers: undefined, forceAttach: undefined, forceDetach: undefined, ...args }, opts, "ess", "ScalingGroupLoadBalancers");
    }
}
exports.ScalingGroupLoadBalancers = ScalingGroupLoadBalancers;
`;

const PROVIDER_JS = `"use strict";
// No-op steps with the real provider's contract: check fills the defaults, diff compares, create
// returns the inputs as outputs. Nothing else.
let region;
const LISTS = ["vserverGroups", "serverGroups", "loadBalancers"];
function state(i) {
    const s = { scalingGroupId: i.scalingGroupId, region: i.region };
    for (const k of LISTS) if (i[k] !== undefined) s[k] = i[k];
    return { ...s, forceAttach: !!i.forceAttach, forceDetach: !!i.forceDetach };
}
exports.configure = async (req) => { region = req.config.get("alicloud:region"); };
exports.check = async (olds, news) => {
    const inputs = { ...news, region: news.region || region || process.env.ALIBABA_CLOUD_REGION_ID, forceAttach: !!news.forceAttach, forceDetach: !!news.forceDetach };
    return { inputs };
};
exports.diff = async (id, olds, news) => {
    const replaces = ["region", "scalingGroupId"].filter((k) => olds[k] !== news[k]);
    const changes = replaces.length > 0 || JSON.stringify(state(olds)) !== JSON.stringify(state(news));
    return { changes, replaces, deleteBeforeReplace: false };
};
exports.create = async (inputs) => ({ id: inputs.scalingGroupId + ":noop", outs: state(inputs) });
exports.read = async (id, props) => ({ id, props: state(props) });
exports.update = async (id, olds, news) => ({ outs: state(news) });
exports.delete = async () => {};
`;

/** Writes the stand-in package to a temp dir; returns the dir (packageSource for E2EHarness). */
export function makeStandin(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-standin-"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: STANDIN_NAME, version: "0.0.0", main: "dist/index.js" }));
    fs.mkdirSync(path.join(dir, "dist"));
    fs.writeFileSync(path.join(dir, "dist", "index.js"), INDEX_JS);
    fs.writeFileSync(path.join(dir, "dist", "provider.js"), PROVIDER_JS);
    return dir;
}
