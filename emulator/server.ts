/**
 * One request handler for the three products: the ESS/SLB/STS API on `/` (RPC style, dispatched on
 * version + action, signed unless the action is anonymous, answering JSON or `Format=XML`) and the
 * unsigned admin API under `/__emulator/`. It listens on HTTP, and also on HTTPS when given a
 * certificate (`@alicloud/credentials` calls STS over https only).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { ActionHandler } from "./actions";
import { ADMIN_PREFIX, handleAdmin } from "./admin";
import { type CallRecord, EmulatorCore, type EmulatorControl } from "./core";
import { type AccessDeniedDetail, ApiError, errors } from "./errors";
import { ESS_VERSION, ESS_VERSION_2022, essActions, essActions2022 } from "./ess";
import type { ErrorFault } from "./faults";
import type { FlowLimit } from "./flow-control";
import type { Caller } from "./identities";
import { type OidcProviderConfig, requestResource, type RoleConfig } from "./ram";
import { type AccessKey, isCommonParam, type Params, type SignedRequest, SignatureVerifier } from "./signature";
import { SLB_VERSION, slbActions } from "./slb";
import type { StateSeed } from "./state";
import { STS_ANONYMOUS_ACTIONS, STS_VERSION, stsActions } from "./sts";
import { toXml } from "./xml";

/** How `startEmulator` starts the emulated ESS + SLB + STS API. */
export interface EmulatorOptions {
    /** Default 0: an ephemeral port. */
    port?: number;
    /** Default 127.0.0.1. */
    hostname?: string;
    /** Accepted key pairs; default one generated pair. */
    keys?: AccessKey[];
    /** Initial cloud state (also what reset() returns to); default empty. */
    state?: StateSeed;
    /** Default MaxNumberOfVServerGroups for seeded scaling groups without their own (default 5). */
    vServerGroupQuota?: number;
    /** PRNG seed for fault probabilities (default 1). */
    randomSeed?: number;
    /** How long a scaling activity (Attach/Detach calls with Force*) stays InProgress (default 50 ms; 0 allowed). */
    activityDelayMs?: number;
    /** Larger request bodies are refused with 413 RequestEntityTooLarge (default 8 MiB). */
    maxRequestBytes?: number;
    /** Flow control per AccessKey and action, in force from the start and after reset() (default none: off). */
    flowControl?: FlowLimit[];
    /**
     * Also listen on HTTPS with this certificate (PEM), same handler and state as the HTTP port:
     * `emulator.https`. `port` defaults to an ephemeral one.
     * @example { key: readFileSync("test/fixtures/tls/server-key.pem"), cert: readFileSync("test/fixtures/tls/server.pem") }
     */
    tls?: { key: string | Buffer; cert: string | Buffer; port?: number };
    /** RAM roles STS can assume, from the start and after reset() (besides `state.roles`). */
    roles?: RoleConfig[];
    /** OIDC providers for AssumeRoleWithOIDC, from the start and after reset() (besides `state.oidcProviders`). */
    oidcProviders?: OidcProviderConfig[];
    /**
     * Seconds from issue to the Expiration STS reports, and enforces, for new credentials (default:
     * the request's DurationSeconds). 900 or less makes `@alicloud/credentials` assume the role again
     * on every `getCredential()`: it counts a session stale 15 minutes before its Expiration.
     */
    stsLifetimeSeconds?: number;
}

/** The default `maxRequestBytes`: 8 MiB. */
export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/** A running emulator: where it listens, the keys it accepts, and its in-process control API. */
export interface Emulator {
    /** e.g. http://127.0.0.1:41234 */
    endpoint: string;
    /** e.g. 127.0.0.1:41234 (what @alicloud/openapi-client takes as Config.endpoint) */
    host: string;
    /** The TCP port it listens on. */
    port: number;
    /** The HTTPS listener, when started with `tls`: e.g. `{ endpoint: "https://127.0.0.1:41235", host: "127.0.0.1:41235", port: 41235 }`. */
    https?: { endpoint: string; host: string; port: number };
    /** The key pairs accepted at start (control.keys() for the current list). */
    keys: AccessKey[];
    /** Read and change the emulated cloud, its call log, faults and keys from the test process. */
    control: EmulatorControl;
    /** Stop listening and drop open connections. */
    close(): Promise<void>;
}

interface Product {
    host: string;
    /** The RAM service prefix of its actions (`ess:DetachVServerGroups`). */
    service: string;
    actions: Record<string, ActionHandler>;
    /** Actions answered without a signature (and without a RAM check). */
    anonymous?: readonly string[];
    /** How it answers a caller without the permission. */
    denied: (detail: AccessDeniedDetail) => ApiError;
}

/** Keyed by API version: each version belongs to one product. */
const PRODUCTS: Record<string, Product> = {
    [ESS_VERSION]: { host: "ess.aliyuncs.com", service: "ess", actions: essActions, denied: errors.essUnauthorized },
    [ESS_VERSION_2022]: { host: "ess.aliyuncs.com", service: "ess", actions: essActions2022, denied: errors.essUnauthorized },
    [SLB_VERSION]: { host: "slb.aliyuncs.com", service: "slb", actions: slbActions, denied: errors.slbForbidden },
    [STS_VERSION]: {
        host: "sts.aliyuncs.com",
        service: "sts",
        actions: stsActions,
        anonymous: STS_ANONYMOUS_ACTIONS,
        denied: errors.stsNoPermission,
    },
};

/** Parameters that are credentials themselves: the call log shows them redacted. */
const SECRET_PARAMS = ["OIDCToken"];

const FAULT_ERRORS: Record<Exclude<ErrorFault, "connectionReset">, () => ApiError> = {
    throttling: errors.throttling,
    internalError: errors.internalError,
    serviceUnavailable: errors.serviceUnavailable,
};

/** A new random key pair (`EMUKEY...` ID) for `EmulatorOptions.keys` or `control.addKey`. */
export function generateKey(): AccessKey {
    return {
        accessKeyId: "EMUKEY" + randomBytes(9).toString("hex").toUpperCase(),
        // Letters and digits, as Alibaba Cloud's are (30 of them): a secret that starts with "-" would
        // read as a flag to `pulumi config set --secret alicloud:secretKey <secret>`.
        accessKeySecret: randomBytes(30)
            .toString("base64")
            .replace(/[^A-Za-z0-9]/g, "")
            .slice(0, 30)
            .padEnd(30, "0"),
    };
}

/** First occurrence wins, so signature checking and the action see the same value. */
function parseParams(text: string): Params {
    const params: Params = {};
    for (const [k, v] of new URLSearchParams(text)) if (!(k in params)) params[k] = v;
    return params;
}

/** The body, or undefined when it is larger than the limit (the rest is read and dropped). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (c: Buffer) => {
            size += c.length;
            if (size <= limit) chunks.push(c);
        });
        req.on("end", () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
        req.on("error", reject);
    });
}

function sendJson(res: ServerResponse, status: number, body: unknown, requestId?: string): void {
    send(res, status, "application/json;charset=utf-8", JSON.stringify(body), requestId);
}

function send(res: ServerResponse, status: number, contentType: string, text: string, requestId?: string): void {
    res.writeHead(status, {
        "content-type": contentType,
        "content-length": Buffer.byteLength(text),
        ...(requestId ? { "x-acs-request-id": requestId } : {}),
    });
    res.end(text);
}

/** Answers in the format the request asked for: `Format=XML` (any case) or JSON. */
function sendApi(res: ServerResponse, xml: boolean, status: number, root: string, body: Record<string, unknown>, requestId: string) {
    if (xml) send(res, status, "text/xml;charset=utf-8", toXml(root, body), requestId);
    else sendJson(res, status, body, requestId);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `received` is undefined when the body went over `limit`. */
async function handleApi(
    core: EmulatorCore,
    req: IncomingMessage,
    res: ServerResponse,
    received: Buffer | undefined,
    limit: number,
): Promise<void> {
    const [path, rawQuery = ""] = (req.url ?? "/").split(/\?(.*)/s);
    const query = parseParams(rawQuery);
    const body = received ?? Buffer.alloc(0);
    const contentType = String(req.headers["content-type"] ?? "");
    const form = contentType.startsWith("application/x-www-form-urlencoded") ? parseParams(body.toString("utf8")) : {};
    const signed: SignedRequest = { method: req.method ?? "GET", path, query, form, body, headers: req.headers };
    const algorithm = SignatureVerifier.algorithmOf(signed);
    const all: Params = { ...query, ...form };
    const header = (name: string) => String(req.headers[name] ?? "");
    const action = algorithm === "v3" ? header("x-acs-action") : (all.Action ?? "");
    const version = algorithm === "v3" ? header("x-acs-version") : (all.Version ?? "");
    const params = Object.fromEntries(Object.entries(all).filter(([k]) => !isCommonParam(k)));
    const requestId = randomUUID().toUpperCase();
    const product = PRODUCTS[version];
    const logged = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, SECRET_PARAMS.includes(k) ? "(redacted)" : v]));
    const call: Omit<CallRecord, "seq" | "time" | "status"> = { action, version, params: logged, requestId };
    const xml = algorithm === "v1" && (all.Format ?? "").toUpperCase() === "XML";

    const fail = (error: ApiError, extra: Partial<CallRecord> = {}) => {
        core.record({ ...call, ...extra, status: error.status, code: error.code });
        const answer = {
            RequestId: requestId,
            HostId: product?.host ?? header("host"),
            Code: error.code,
            Message: error.message,
            Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}`,
            ...error.extra,
        };
        sendApi(res, xml, error.status, "Error", answer, requestId);
    };

    try {
        if (!received) throw errors.requestTooLarge(limit);
        if (!version) throw errors.missingParameter("Version");
        if (!product) throw errors.invalidVersion();
        const handler = product.actions[action];
        if (!handler) throw errors.invalidAction();
        const caller = product.anonymous?.includes(action) ? undefined : identify(core, signed, call);
        // Flow control comes first, as at the gateway: a throttled call reaches no hold, fault, RAM check or action.
        if (!core.flowLimiter.take(caller?.accessKeyId ?? "(anonymous)", action)) throw errors.throttling();
        if (caller) authorize(core, product, caller, action, params);
        const decision = core.faultInjector.decide(action);
        if (decision.held) await decision.held;
        if (decision.latencyMs > 0) {
            call.latencyMs = decision.latencyMs;
            await sleep(decision.latencyMs);
        }
        // From here on everything is synchronous: the change and its log entry are atomic.
        if (decision.fault === "connectionReset") {
            core.record({ ...call, status: 0, fault: "connectionReset" });
            req.socket.destroy();
            return;
        }
        if (decision.fault) {
            fail(FAULT_ERRORS[decision.fault](), { fault: decision.fault });
            return;
        }
        const outcome = core.run(handler, params, caller);
        if (!outcome.ok) {
            fail(outcome.error, outcome.busy ? { fault: "busy" } : {});
            return;
        }
        core.record({ ...call, status: 200 });
        sendApi(res, xml, 200, `${action}Response`, { RequestId: requestId, ...outcome.body }, requestId);
    } catch (e) {
        if (e instanceof ApiError) fail(e);
        else fail(errors.internalError());
    }
}

/** Verifies the signature and says who signed (logging the key, and the role and session of an STS key). */
function identify(core: EmulatorCore, signed: SignedRequest, call: Partial<CallRecord>): Caller {
    const verified = core.verifier.verify(signed);
    call.signatureAlgorithm = verified.algorithm;
    call.accessKeyId = verified.accessKeyId;
    const caller = core.identities.caller(verified.accessKeyId);
    if (caller.roleArn) Object.assign(call, { roleArn: caller.roleArn, roleSessionName: caller.roleSessionName });
    return caller;
}

/** Throws the product's own refusal unless the caller's policies allow `<service>:<action>`. */
function authorize(core: EmulatorCore, product: Product, caller: Caller, action: string, params: Params): void {
    const ramAction = `${product.service}:${action}`;
    const resource = requestResource(product.service, action, params);
    const decision = core.identities.authorize(caller, ramAction, resource);
    if (!decision.allowed) throw product.denied(core.identities.deniedDetail(caller, ramAction, resource, decision));
}

/**
 * Start the emulated ESS + SLB + STS RPC API on a local HTTP port: real signature checks, the real
 * error codes, the state from `options.state`.
 * @example
 *   const emu = await startEmulator({ state: DEMO_FIXTURE });
 *   // point the provider at it: ALIBABA_CLOUD_ESS_ENDPOINT=emu.endpoint, emu.keys[0] as credentials
 *   await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const keys = options.keys ?? [generateKey()];
    const core = new EmulatorCore({
        keys,
        state: options.state,
        vServerGroupQuota: options.vServerGroupQuota,
        randomSeed: options.randomSeed,
        activityDelayMs: options.activityDelayMs,
        flowControl: options.flowControl,
        roles: options.roles,
        oidcProviders: options.oidcProviders,
        stsLifetimeSeconds: options.stsLifetimeSeconds,
    });
    const limit = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    const handle = (req: IncomingMessage, res: ServerResponse) => {
        readBody(req, limit)
            .then(async (body) => {
                if (!(req.url ?? "").startsWith(ADMIN_PREFIX)) await handleApi(core, req, res, body, limit);
                else if (body) handleAdmin(core, req, res, body);
                else sendJson(res, 413, { error: `body larger than ${limit} bytes` });
            })
            .catch((e: unknown) => {
                if (!res.headersSent) sendJson(res, 500, { Code: "InternalError", Message: String(e) });
            });
    };
    const hostname = options.hostname ?? "127.0.0.1";
    const servers: Server[] = [];
    try {
        const http = await listen(createServer(handle), options.port ?? 0, hostname, servers);
        const https = options.tls
            ? await listen(
                  createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle),
                  options.tls.port ?? 0,
                  hostname,
                  servers,
              )
            : undefined;
        return {
            endpoint: `http://${http.host}`,
            ...http,
            ...(https ? { https: { endpoint: `https://${https.host}`, ...https } } : {}),
            keys: keys.map((k) => ({ ...k })),
            control: core,
            close: () => closeAll(servers),
        };
    } catch (e) {
        await closeAll(servers);
        throw e;
    }
}

/** Listens (adding the server to `servers` once it does) and says where. */
async function listen(server: Server, port: number, hostname: string, servers: Server[]): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, hostname, () => resolve());
    });
    servers.push(server);
    const bound = (server.address() as AddressInfo).port;
    return { host: `${hostname.includes(":") ? `[${hostname}]` : hostname}:${bound}`, port: bound };
}

function closeAll(servers: Server[]): Promise<void> {
    return Promise.all(
        servers.map(
            (server) =>
                new Promise<void>((resolve, reject) => {
                    server.close((err) => (err ? reject(err) : resolve()));
                    server.closeAllConnections();
                }),
        ),
    ).then(() => undefined);
}
