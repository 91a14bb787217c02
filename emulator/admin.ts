/**
 * The unsigned admin API (JSON over HTTP) for CLI mode: the same operations as EmulatorControl.
 *
 *   GET    /__emulator/state                                   current state
 *   PUT    /__emulator/state                  StateSeed        replace state
 *   POST   /__emulator/reset                                   back to the initial seed
 *   GET    /__emulator/calls[?action=X&ok=true|false]          call log
 *   DELETE /__emulator/calls                                   clear the call log
 *   GET    /__emulator/faults                                  {rules, busyWindows}
 *   POST   /__emulator/faults                 FaultRule        -> {id}
 *   POST   /__emulator/busy                   BusyWindow       -> {id}
 *   DELETE /__emulator/faults[/ID]                             clear all (holds released), or one rule/window
 *   POST   /__emulator/holds                  {action}         hold the next call of action -> {id}
 *   GET    /__emulator/holds/ID/arrived                        answers once the held call has arrived
 *   DELETE /__emulator/holds/ID                                release: the held call goes on
 *   PATCH  /__emulator/scaling-groups/SG      ScalingGroupPatch
 *   POST   /__emulator/scaling-groups/SG/instances  {instanceId, lifecycleState?}
 *   DELETE /__emulator/scaling-groups/SG/instances/ID
 *   PATCH  /__emulator/load-balancers/LB      LoadBalancerPatch
 *   GET    /__emulator/vserver-groups/ID/backend-servers         rsp-, sgp- or lb- (its default group)
 *   GET    /__emulator/activities[?scalingGroupId=SG]           scaling activities, oldest first
 *   GET    /__emulator/activities/ID/done                       answers once the activity has ended
 *   POST   /__emulator/activities/delay        {ms}
 *   POST   /__emulator/activities/faults       ActivityFault    -> {id}  (the next activity ends Failed/Rejected)
 *   POST   /__emulator/activities/pause                         activities stay InProgress
 *   POST   /__emulator/activities/resume
 *   POST   /__emulator/clock                  {offsetMs}
 *   POST   /__emulator/random-seed            {seed}
 *   GET    /__emulator/flow-control                            {limits}  ([] when off)
 *   POST   /__emulator/flow-control           {limits: FlowLimit[]}  replace the limits (buckets start full)
 *   DELETE /__emulator/flow-control                            turn flow control off
 *   POST   /__emulator/keys                   AccessKey   (with an optional RAM `policy`; GET lists the access key ids only)
 *   GET    /__emulator/roles                                   RAM roles
 *   POST   /__emulator/roles                  RoleConfig       add or replace (same arn)
 *   DELETE /__emulator/roles/ARN                               (ARN URL-encoded)
 *   GET    /__emulator/oidc-providers                          OIDC providers
 *   POST   /__emulator/oidc-providers         OidcProviderConfig  add or replace (same arn)
 *   DELETE /__emulator/oidc-providers/ARN                      (ARN URL-encoded)
 *   GET    /__emulator/sts/sessions                            STS sessions issued (no secrets)
 *   POST   /__emulator/sts/expire             {accessKeyId?}   expire one STS key, or all -> {expired}
 *   POST   /__emulator/sts/lifetime           {seconds}        Expiration of new STS credentials ({} or null: DurationSeconds)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActivityFault } from "./activities";
import type { CallFilter, EmulatorControl, LoadBalancerPatch, ScalingGroupPatch } from "./core";
import type { BusyWindow, FaultRule } from "./faults";
import { type FlowLimit, invalidFlowLimit } from "./flow-control";
import type { Hold } from "./holds";
import type { AccessKey } from "./signature";
import type { OidcProviderConfig, PolicyDocument, RoleConfig } from "./ram";
import type { InstanceState, StateSeed } from "./state";

/** The path under which the emulator serves its control API over HTTP (e.g. `POST /__emulator/faults`). */
export const ADMIN_PREFIX = "/__emulator/";

class AdminError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

type Json = Record<string, unknown>;

function object(body: Buffer): Json {
    let value: unknown;
    try {
        value = body.length ? JSON.parse(body.toString("utf8")) : {};
    } catch {
        throw new AdminError(400, "body is not JSON");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new AdminError(400, "body must be a JSON object");
    }
    return value as Json;
}

function field<T extends "string" | "number" | "boolean">(
    o: Json,
    name: string,
    type: T,
    optional = false,
): (T extends "string" ? string : T extends "number" ? number : boolean) | undefined {
    const v = o[name];
    if (v === undefined && optional) return undefined;
    if (typeof v !== type) throw new AdminError(400, `"${name}" must be a ${type}`);
    return v as T extends "string" ? string : T extends "number" ? number : boolean;
}

type Route = [method: string, pattern: RegExp, run: (m: string[], body: Buffer, url: URL) => unknown];

function routes(control: EmulatorControl): Route[] {
    return [
        ["GET", /^state$/, () => control.state()],
        ["PUT", /^state$/, (_, b) => control.seed(object(b) as StateSeed)],
        ["POST", /^reset$/, () => control.reset()],
        [
            "GET",
            /^calls$/,
            (_, __, url) => {
                const filter: CallFilter = {};
                const action = url.searchParams.get("action");
                const ok = url.searchParams.get("ok");
                if (action) filter.action = action;
                if (ok) filter.ok = ok === "true";
                return control.calls(filter);
            },
        ],
        ["DELETE", /^calls$/, () => control.clearCalls()],
        ["GET", /^faults$/, () => control.faults()],
        ["POST", /^faults$/, (_, b) => ({ id: control.addFault(faultRule(object(b))) })],
        ["POST", /^busy$/, (_, b) => ({ id: control.busy(busyWindow(object(b))) })],
        ["DELETE", /^faults$/, () => control.clearFaults()],
        ["DELETE", /^faults\/(\d+)$/, (m) => control.removeFault(Number(m[1]))],
        ["POST", /^holds$/, (_, b) => ({ id: control.hold(field(object(b), "action", "string") as string).id })],
        ["GET", /^holds\/(\d+)\/arrived$/, (m) => holdOf(control, m[1]).arrived.then(() => ({ arrived: true }))],
        ["DELETE", /^holds\/(\d+)$/, (m) => holdOf(control, m[1]).release()],
        ["PATCH", /^scaling-groups\/([^/]+)$/, (m, b) => control.updateScalingGroup(m[1], object(b) as ScalingGroupPatch)],
        [
            "POST",
            /^scaling-groups\/([^/]+)\/instances$/,
            (m, b) => {
                const o = object(b);
                control.addInstance(
                    m[1],
                    field(o, "instanceId", "string") as string,
                    field(o, "lifecycleState", "string", true) as InstanceState | undefined,
                );
            },
        ],
        ["DELETE", /^scaling-groups\/([^/]+)\/instances\/([^/]+)$/, (m) => control.removeInstance(m[1], m[2])],
        ["PATCH", /^load-balancers\/([^/]+)$/, (m, b) => control.updateLoadBalancer(m[1], object(b) as LoadBalancerPatch)],
        ["GET", /^vserver-groups\/([^/]+)\/backend-servers$/, (m) => control.backendServers(m[1])],
        ["GET", /^activities$/, (_, __, url) => control.activities(url.searchParams.get("scalingGroupId") ?? undefined)],
        ["GET", /^activities\/(asa-[^/]+)\/done$/, (m) => control.activityDone(m[1])],
        ["POST", /^activities\/delay$/, (_, b) => control.setActivityDelay(field(object(b), "ms", "number") as number)],
        ["POST", /^activities\/faults$/, (_, b) => ({ id: control.failNextActivity(activityFault(object(b))) })],
        ["POST", /^activities\/pause$/, () => control.pauseActivities()],
        ["POST", /^activities\/resume$/, () => control.resumeActivities()],
        ["POST", /^clock$/, (_, b) => control.setClockOffset(field(object(b), "offsetMs", "number") as number)],
        ["POST", /^random-seed$/, (_, b) => control.setRandomSeed(field(object(b), "seed", "number") as number)],
        ["GET", /^flow-control$/, () => ({ limits: control.flowControl() })],
        ["POST", /^flow-control$/, (_, b) => control.setFlowControl(flowLimits(object(b)))],
        ["DELETE", /^flow-control$/, () => control.setFlowControl([])],
        ["GET", /^keys$/, () => control.keys().map((k) => ({ accessKeyId: k.accessKeyId }))],
        ["POST", /^keys$/, (_, b) => control.addKey(accessKey(object(b)))],
        ["GET", /^roles$/, () => control.roles()],
        ["POST", /^roles$/, (_, b) => control.addRole(object(b) as unknown as RoleConfig)],
        ["DELETE", /^roles\/(.+)$/, (m) => control.removeRole(m[1])],
        ["GET", /^oidc-providers$/, () => control.oidcProviders()],
        ["POST", /^oidc-providers$/, (_, b) => control.addOidcProvider(object(b) as unknown as OidcProviderConfig)],
        ["DELETE", /^oidc-providers\/(.+)$/, (m) => control.removeOidcProvider(m[1])],
        ["GET", /^sts\/sessions$/, () => control.stsSessions()],
        ["POST", /^sts\/expire$/, (_, b) => ({ expired: control.expireCredentials(field(object(b), "accessKeyId", "string", true)) })],
        ["POST", /^sts\/lifetime$/, (_, b) => control.setStsLifetime(optionalNumber(object(b), "seconds"))],
    ];
}

/** A number, or undefined when absent or null. */
function optionalNumber(o: Json, name: string): number | undefined {
    return o[name] === null ? undefined : field(o, name, "number", true);
}

function holdOf(control: EmulatorControl, id: string): Hold {
    const hold = control.holds().find((h) => h.id === Number(id));
    if (!hold) throw new AdminError(404, `no hold ${id} (released, or never added)`);
    return hold;
}

function faultRule(o: Json): FaultRule {
    const kind = field(o, "kind", "string") as string;
    if (!["throttling", "internalError", "serviceUnavailable", "connectionReset", "latency"].includes(kind)) {
        throw new AdminError(400, `unknown fault kind "${kind}"`);
    }
    return {
        kind: kind as FaultRule["kind"],
        actions: stringArray(o, "actions"),
        probability: field(o, "probability", "number", true),
        times: field(o, "times", "number", true),
        latencyMs: field(o, "latencyMs", "number", true),
    };
}

function stringArray(o: Json, name: string): string[] | undefined {
    const v = o[name];
    if (v !== undefined && !(Array.isArray(v) && v.every((a) => typeof a === "string"))) {
        throw new AdminError(400, `"${name}" must be an array of strings`);
    }
    return v as string[] | undefined;
}

function flowLimits(o: Json): FlowLimit[] {
    if (!Array.isArray(o.limits)) throw new AdminError(400, '"limits" must be an array of {rate, burst, actions?}');
    return o.limits.map((item: unknown) => {
        if (typeof item !== "object" || item === null || Array.isArray(item)) throw new AdminError(400, "each limit must be a JSON object");
        const l = item as Json;
        const limit: FlowLimit = {
            rate: field(l, "rate", "number") as number,
            burst: field(l, "burst", "number") as number,
            actions: stringArray(l, "actions"),
        };
        const problem = invalidFlowLimit(limit);
        if (problem) throw new AdminError(400, problem);
        return limit;
    });
}

function activityFault(o: Json): ActivityFault {
    const status = field(o, "status", "string") as string;
    if (status !== "Failed" && status !== "Rejected") throw new AdminError(400, `"status" must be "Failed" or "Rejected", got "${status}"`);
    return {
        scalingGroupId: field(o, "scalingGroupId", "string", true),
        status,
        statusMessage: field(o, "statusMessage", "string") as string,
    };
}

function busyWindow(o: Json): BusyWindow {
    const code = field(o, "code", "string", true);
    if (code !== undefined && code !== "IncorrectScalingGroupStatus" && code !== "ScalingActivityInProgress") {
        throw new AdminError(400, `unknown busy code "${code}"`);
    }
    return {
        scalingGroupId: field(o, "scalingGroupId", "string") as string,
        code,
        calls: field(o, "calls", "number", true),
        durationMs: field(o, "durationMs", "number", true),
    };
}

function accessKey(o: Json): AccessKey {
    const expires = o.tokenExpiresAt;
    if (expires !== undefined && typeof expires !== "number" && typeof expires !== "string") {
        throw new AdminError(400, '"tokenExpiresAt" must be a number or a string');
    }
    return {
        accessKeyId: field(o, "accessKeyId", "string") as string,
        accessKeySecret: field(o, "accessKeySecret", "string") as string,
        securityToken: field(o, "securityToken", "string", true),
        tokenExpiresAt: expires,
        // Checked by addKey (it names what is wrong).
        policy: o.policy as PolicyDocument | undefined,
    };
}

export function handleAdmin(control: EmulatorControl, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? "/", "http://emulator");
    const rest = url.pathname.slice(ADMIN_PREFIX.length).replace(/\/$/, "");
    let answer: Promise<unknown>;
    try {
        const route = routes(control)
            .map(([method, pattern, run]) => ({ method, match: pattern.exec(rest), run }))
            .find((r) => r.match && r.method === req.method);
        if (!route?.match) throw new AdminError(404, `no admin route ${req.method} ${url.pathname}`);
        const params = route.match.map((s) => decodeURIComponent(s));
        // A route may answer later (holds/ID/arrived waits for the call).
        answer = Promise.resolve(route.run(params, body, url));
    } catch (e) {
        answer = Promise.reject(e);
    }
    const send = (status: number, result: unknown) => {
        const text = JSON.stringify(result);
        res.writeHead(status, { "content-type": "application/json;charset=utf-8", "content-length": Buffer.byteLength(text) });
        res.end(text);
    };
    answer.then(
        (result) => send(200, result ?? { ok: true }),
        (e: unknown) => send(e instanceof AdminError ? e.status : 400, { error: e instanceof Error ? e.message : String(e) }),
    );
}
