/**
 * A tiny HTTP proxy between the client and the emulator that records every raw request and can
 * rewrite it in flight, to test tampering and replay of correctly signed requests.
 */
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RawRequest {
    method: string;
    /** Path and query, as sent. */
    url: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
}

export interface RawResponse {
    status: number;
    body: Record<string, unknown>;
}

export interface Proxy {
    /** host:port to give the client as its endpoint. */
    host: string;
    captured: RawRequest[];
    close(): Promise<void>;
}

/** Sends a raw request to 127.0.0.1:port, keeping its Host header (which is signed). */
export function send(port: number, raw: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const headers = { ...raw.headers, "content-length": String(raw.body.length) };
        delete headers["transfer-encoding"];
        const req = request({ host: "127.0.0.1", port, method: raw.method, path: raw.url, headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
                resolve({
                    status: res.statusCode ?? 0,
                    body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
                }),
            );
        });
        req.on("error", reject);
        req.end(raw.body);
    });
}

export async function startProxy(targetPort: number, rewrite: (raw: RawRequest) => RawRequest = (raw) => raw): Promise<Proxy> {
    const captured: RawRequest[] = [];
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const raw: RawRequest = {
                method: req.method ?? "GET",
                url: req.url ?? "/",
                headers: { ...req.headers },
                body: Buffer.concat(chunks),
            };
            captured.push(raw);
            const out = rewrite({ ...raw, headers: { ...raw.headers } });
            send(targetPort, out).then(
                (r) => {
                    const text = JSON.stringify(r.body);
                    res.writeHead(r.status, { "content-type": "application/json;charset=utf-8" });
                    res.end(text);
                },
                () => res.destroy(),
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    return {
        host: `127.0.0.1:${port}`,
        captured,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
