/**
 * Verifies the two signatures @alicloud/openapi-client sends: the V3 `ACS3-HMAC-SHA256`
 * Authorization header (its default) and the classic RPC `HMAC-SHA1` Signature parameter
 * (signatureAlgorithm 'v2'). The canonical forms mirror @alicloud/openapi-util exactly.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError, errors } from "./errors";
import type { PolicyDocument } from "./ram";

export type Params = Record<string, string>;

/** An access key pair the emulator accepts (optionally bound to an STS token). */
export interface AccessKey {
    /** The AccessKey ID callers send. */
    accessKeyId: string;
    /** The secret that signs requests; never sent. */
    accessKeySecret: string;
    /** STS token this key must be used with. */
    securityToken?: string;
    /** When the STS token expires: epoch ms or an ISO date. */
    tokenExpiresAt?: number | string;
    /** What the key may do (emulator/ram.ts). Absent: everything, as before RAM was modelled. */
    policy?: PolicyDocument;
}

/** How STS AccessKey IDs start: the gateway asks such a key for its SecurityToken. */
export const STS_ACCESS_KEY_PREFIX = "STS.";
/** The shape of the SecurityTokens STS issues (a base64 blob starting CAIS); another string sent with an STS key is malformed. */
const STS_TOKEN_SHAPE = /^CAIS[A-Za-z0-9+/=]+$/;

export interface SignedRequest {
    method: string;
    /** Path without the query string, as received. */
    path: string;
    /** URL query parameters, decoded. */
    query: Params;
    /** Form body parameters, decoded (empty when the body is not a form). */
    form: Params;
    body: Buffer;
    headers: IncomingHttpHeaders;
}

export type SignatureAlgorithm = "v1" | "v3";

export interface Verified {
    accessKeyId: string;
    algorithm: SignatureAlgorithm;
}

/** A timestamp this far from the server clock (either way) is refused. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const V1_SIGNING_PARAMS = [
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "AccessKeyId",
    "Timestamp",
    "SecurityToken",
    "Format",
    "Action",
    "Version",
];

/** Parameters that belong to the transport (signing, format), not to the action. */
export function isCommonParam(name: string): boolean {
    return V1_SIGNING_PARAMS.includes(name);
}

/** openapi-util's percent encoding (RFC 3986: also ! ' ( ) *). */
export function percentEncode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

export function rpcStringToSign(method: string, params: Params): string {
    const canonical = Object.keys(params)
        .sort()
        .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
        .join("&");
    return `${method}&${percentEncode("/")}&${percentEncode(canonical)}`;
}

export function rpcSignature(method: string, params: Params, secret: string): string {
    return createHmac("sha1", secret + "&")
        .update(rpcStringToSign(method, params))
        .digest("base64");
}

export function v3CanonicalRequest(req: SignedRequest, signedHeaders: readonly string[], payloadHash: string): string {
    const uri = req.path.replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    // openapi-util leaves query keys unencoded and encodes values only.
    const query = Object.keys(req.query)
        .sort()
        .map((k) => `${k}=${percentEncode(req.query[k])}`)
        .join("&");
    const headers = signedHeaders.map((h) => `${h}:${headerValue(req.headers, h).trim()}\n`).join("");
    return [req.method, uri, query, headers, signedHeaders.join(";"), payloadHash].join("\n");
}

export function v3Signature(canonicalRequest: string, secret: string): string {
    const hashed = createHash("sha256").update(canonicalRequest).digest("hex");
    return createHmac("sha256", secret).update(`ACS3-HMAC-SHA256\n${hashed}`).digest("hex");
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
    const v = headers[name];
    return Array.isArray(v) ? v.join(",") : (v ?? "");
}

function safeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}

/** Signature nonces seen within the timestamp window, per access key. */
class NonceCache {
    private readonly seen = new Map<string, number>();

    /** Returns false when the nonce was already used. */
    use(accessKeyId: string, nonce: string, now: number): boolean {
        if (this.seen.size > 10_000) {
            for (const [k, expires] of this.seen) if (expires <= now) this.seen.delete(k);
        }
        const key = `${accessKeyId}\n${nonce}`;
        const expires = this.seen.get(key);
        if (expires !== undefined && expires > now) return false;
        this.seen.set(key, now + 2 * MAX_CLOCK_SKEW_MS);
        return true;
    }

    clear(): void {
        this.seen.clear();
    }
}

const V3_REQUIRED_SIGNED = ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];

export class SignatureVerifier {
    private readonly nonces = new NonceCache();

    constructor(
        private readonly lookup: (accessKeyId: string) => AccessKey | undefined,
        private readonly now: () => number,
    ) {}

    static algorithmOf(req: SignedRequest): SignatureAlgorithm {
        return headerValue(req.headers, "authorization").startsWith("ACS3-") ? "v3" : "v1";
    }

    /** Throws an ApiError when the request is not properly signed; never mentions a secret. */
    verify(req: SignedRequest): Verified {
        return SignatureVerifier.algorithmOf(req) === "v3" ? this.verifyV3(req) : this.verifyV1(req);
    }

    clearNonces(): void {
        this.nonces.clear();
    }

    private verifyV1(req: SignedRequest): Verified {
        const params: Params = { ...req.query, ...req.form };
        const signature = params.Signature;
        if (!signature || !params.AccessKeyId) throw errors.incompleteSignature();
        for (const name of ["SignatureMethod", "SignatureVersion", "Timestamp", "SignatureNonce"]) {
            if (!params[name]) throw errors.missingParameter(name);
        }
        if (params.SignatureMethod !== "HMAC-SHA1") throw errors.invalidParameter("SignatureMethod");
        if (params.SignatureVersion !== "1.0") throw errors.invalidParameter("SignatureVersion");
        const key = this.key(params.AccessKeyId);
        this.checkTimestamp(params.Timestamp);
        const signed = { ...params };
        delete signed.Signature;
        if (!safeEqual(rpcSignature(req.method, signed, key.accessKeySecret), signature)) {
            throw errors.signatureMismatch(rpcStringToSign(req.method, signed));
        }
        this.checkToken(key, params.SecurityToken);
        this.useNonce(key, params.SignatureNonce);
        return { accessKeyId: key.accessKeyId, algorithm: "v1" };
    }

    private verifyV3(req: SignedRequest): Verified {
        const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]*),Signature=([0-9a-f]+)$/.exec(
            headerValue(req.headers, "authorization").trim(),
        );
        if (!m) throw errors.incompleteSignature();
        const [, accessKeyId, signedList, signature] = m;
        const signedHeaders = signedList.split(";");
        const sortedUnique = [...new Set(signedHeaders)].sort();
        if (sortedUnique.join(";") !== signedList) throw errors.incompleteSignature();
        // Every x-acs-* header and the host must be covered, or they could be altered freely.
        const presentAcs = Object.keys(req.headers).filter((h) => h.startsWith("x-acs-"));
        for (const h of [...V3_REQUIRED_SIGNED, ...presentAcs]) {
            if (!signedHeaders.includes(h)) throw errors.incompleteSignature();
        }
        const key = this.key(accessKeyId);
        this.checkTimestamp(headerValue(req.headers, "x-acs-date"));
        const payloadHash = createHash("sha256").update(req.body).digest("hex");
        const expected = v3Signature(v3CanonicalRequest(req, signedHeaders, payloadHash), key.accessKeySecret);
        if (headerValue(req.headers, "x-acs-content-sha256") !== payloadHash || !safeEqual(expected, signature)) {
            throw errors.signatureMismatch();
        }
        const tokenKeyId = req.headers["x-acs-accesskey-id"];
        if (tokenKeyId !== undefined && tokenKeyId !== accessKeyId) throw errors.tokenMismatch();
        this.checkToken(key, req.headers["x-acs-security-token"] as string | undefined);
        this.useNonce(key, headerValue(req.headers, "x-acs-signature-nonce"));
        return { accessKeyId, algorithm: "v3" };
    }

    private key(accessKeyId: string): AccessKey {
        const key = this.lookup(accessKeyId);
        if (!key) throw errors.accessKeyNotFound();
        return key;
    }

    private checkTimestamp(timestamp: string): void {
        if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
            throw errors.timestampFormat();
        }
        if (Math.abs(this.now() - Date.parse(timestamp)) > MAX_CLOCK_SKEW_MS) throw errors.timestampExpired();
    }

    private checkToken(key: AccessKey, token: string | undefined): void {
        if (key.accessKeyId.startsWith(STS_ACCESS_KEY_PREFIX)) {
            if (!token) throw errors.missingSecurityToken();
            if (!STS_TOKEN_SHAPE.test(token)) throw errors.tokenMalformed();
        }
        if (!safeEqual(key.securityToken ?? "", token ?? "")) throw errors.tokenMismatch();
        if (key.securityToken !== undefined && key.tokenExpiresAt !== undefined) {
            const expiresAt = typeof key.tokenExpiresAt === "number" ? key.tokenExpiresAt : Date.parse(key.tokenExpiresAt);
            if (expiresAt <= this.now()) throw errors.tokenExpired();
        }
    }

    private useNonce(key: AccessKey, nonce: string): void {
        if (!nonce) throw errors.missingParameter("SignatureNonce");
        if (!this.nonces.use(key.accessKeyId, nonce, this.now())) throw errors.nonceUsed();
    }
}

export { ApiError };
