import { defaultRegion, essEndpoint, retryPolicy, staticAccessKey, type StackConfig } from "../../provider/config";

const config = (values: Record<string, string>): StackConfig => ({ get: (k) => values[k] });

describe("run-time configuration", () => {
    it("region: config alicloud:region, then ALIBABA_CLOUD_REGION_ID, then ALICLOUD_REGION", () => {
        expect(defaultRegion(config({ "alicloud:region": "cn-beijing" }), { ALIBABA_CLOUD_REGION_ID: "cn-shanghai" })).toBe("cn-beijing");
        expect(defaultRegion(undefined, { ALIBABA_CLOUD_REGION_ID: "cn-shanghai", ALICLOUD_REGION: "cn-shenzhen" })).toBe("cn-shanghai");
        expect(defaultRegion(undefined, { ALICLOUD_REGION: "cn-shenzhen" })).toBe("cn-shenzhen");
        expect(defaultRegion(undefined, {})).toBeUndefined();
    });
    it("credentials: stack config first, then either env spelling, else the default chain", () => {
        const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: "env-id", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "env-secret" };
        expect(
            staticAccessKey(
                config({ "alicloud:accessKey": "cfg-id", "alicloud:secretKey": "cfg-secret", "alicloud:securityToken": "tok" }),
                env,
            ),
        ).toEqual({ accessKeyId: "cfg-id", accessKeySecret: "cfg-secret", securityToken: "tok" });
        expect(staticAccessKey(undefined, env)).toEqual({ accessKeyId: "env-id", accessKeySecret: "env-secret", securityToken: undefined });
        expect(staticAccessKey(undefined, { ALICLOUD_ACCESS_KEY: "a", ALICLOUD_SECRET_KEY: "b", ALICLOUD_SECURITY_TOKEN: "t" })).toEqual({
            accessKeyId: "a",
            accessKeySecret: "b",
            securityToken: "t",
        });
        expect(staticAccessKey(undefined, {})).toBeUndefined();
    });
    it("a config access key without its secret is an error that names both keys", () => {
        expect(() => staticAccessKey(config({ "alicloud:accessKey": "id" }), {})).toThrow(
            /alicloud:accessKey is set but alicloud:secretKey is not/,
        );
    });
    it("endpoint: the override (http allowed), else the public endpoint of the region", () => {
        expect(essEndpoint("cn-hangzhou", { ALIBABA_CLOUD_ESS_ENDPOINT: "http://127.0.0.1:8080" })).toEqual({
            protocol: "http",
            host: "127.0.0.1:8080",
        });
        expect(essEndpoint("cn-hangzhou", { ALIBABA_CLOUD_ESS_ENDPOINT: "ess-vpc.cn-hangzhou.aliyuncs.com" })).toEqual({
            protocol: "https",
            host: "ess-vpc.cn-hangzhou.aliyuncs.com",
        });
        expect(essEndpoint("cn-hangzhou", {})).toEqual({ protocol: "https", host: "ess.aliyuncs.com" });
        expect(essEndpoint("eu-central-1", {})).toEqual({ protocol: "https", host: "ess.eu-central-1.aliyuncs.com" });
        expect(() => essEndpoint("cn-hangzhou", { ALIBABA_CLOUD_ESS_ENDPOINT: "ftp://x/y" })).toThrow(
            /ALIBABA_CLOUD_ESS_ENDPOINT is "ftp:\/\/x\/y"/,
        );
    });
    it("retry timeout from ALIBABA_CLOUD_ESS_RETRY_TIMEOUT seconds", () => {
        expect(retryPolicy({}).totalTimeoutMs).toBe(300_000);
        expect(retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "2.5" }).totalTimeoutMs).toBe(2500);
        expect(() => retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "soon" })).toThrow(/ALIBABA_CLOUD_ESS_RETRY_TIMEOUT is "soon"/);
        expect(retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY: "20" })).toEqual({
            totalTimeoutMs: 300_000,
            baseDelayMs: 20,
            maxDelayMs: 20_000,
        });
        expect(() => retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY: "-1" })).toThrow(
            /ALIBABA_CLOUD_ESS_RETRY_BASE_DELAY is "-1": must be a number of milliseconds/,
        );
    });
});
