/** Calls the emulator (or any endpoint) the way a real user does: the unmodified @alicloud/openapi-client. */
import OpenApi, * as $OpenApi from "@alicloud/openapi-client";
import * as $Util from "@alicloud/tea-util";

export const ESS_VERSION = "2014-08-28";
export const SLB_VERSION = "2014-05-15";

export interface Credentials {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
}

export interface RpcOptions {
    /** 'v2' = the HMAC-SHA1 RPC signature; default the client's ACS3-HMAC-SHA256. */
    signatureAlgorithm?: "v2";
    /** Default the ESS version. */
    version?: string;
    regionId?: string;
    readTimeout?: number;
    /** Send the parameters as a form body instead of the query string. */
    inBody?: boolean;
}

export type Flat = Record<string, string | number | boolean>;
export type Body = Record<string, unknown>;

export interface RpcFailure {
    code: string;
    statusCode: number;
    message: string;
    data: Body;
}

export function makeClient(host: string, credentials: Credentials, options: RpcOptions = {}): OpenApi {
    return new OpenApi(
        new $OpenApi.Config({
            ...credentials,
            endpoint: host,
            protocol: "http",
            regionId: options.regionId ?? "cn-hangzhou",
            signatureAlgorithm: options.signatureAlgorithm,
            readTimeout: options.readTimeout ?? 10_000,
        }),
    );
}

export async function rpc(host: string, credentials: Credentials, action: string, params: Flat, options: RpcOptions = {}): Promise<Body> {
    const response = (await makeClient(host, credentials, options).callApi(
        new $OpenApi.Params({
            action,
            version: options.version ?? ESS_VERSION,
            protocol: "HTTP",
            pathname: "/",
            method: "POST",
            authType: "AK",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        }),
        new $OpenApi.OpenApiRequest(options.inBody ? { body: params } : { query: params }),
        new $Util.RuntimeOptions({}),
    )) as { body: Body };
    return response.body;
}

/** Runs a call that must fail and returns how it failed. */
export async function rpcError(
    host: string,
    credentials: Credentials,
    action: string,
    params: Flat,
    options: RpcOptions = {},
): Promise<RpcFailure> {
    try {
        await rpc(host, credentials, action, params, options);
    } catch (e) {
        const err = e as { code?: string; statusCode?: number; message?: string; data?: Body };
        return { code: String(err.code), statusCode: Number(err.statusCode), message: String(err.message), data: err.data ?? {} };
    }
    throw new Error(`${action} was expected to fail but succeeded`);
}

/** Flat AttachVServerGroups/DetachVServerGroups parameters for a list of entries. */
export function vServerGroupParams(
    entries: Array<{ loadBalancerId: string; vServerGroupId: string; port: number; weight?: number }>,
): Flat {
    const params: Flat = {};
    const byLb = new Map<string, typeof entries>();
    for (const e of entries) byLb.set(e.loadBalancerId, [...(byLb.get(e.loadBalancerId) ?? []), e]);
    [...byLb].forEach(([lb, list], i) => {
        params[`VServerGroup.${i + 1}.LoadBalancerId`] = lb;
        list.forEach((e, j) => {
            const p = `VServerGroup.${i + 1}.VServerGroupAttribute.${j + 1}`;
            params[`${p}.VServerGroupId`] = e.vServerGroupId;
            params[`${p}.Port`] = e.port;
            if (e.weight !== undefined) params[`${p}.Weight`] = e.weight;
        });
    });
    return params;
}
