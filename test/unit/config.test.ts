import { defaultRegion, essEndpoint, retryPolicy, staticAccessKey, type StackConfig } from "../../provider/client/config";

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
    describe("credentials come as a pair: part of one is an error naming what is set and what is missing", () => {
        const CONFIG_FIX =
            "set both alicloud:accessKey and alicloud:secretKey (pulumi config set --secret), or neither to use the environment";
        const ENV_FIX = "set both ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or neither";
        const OLD_ENV_FIX = "set both ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY, or neither";
        const ENV_PAIR = { ALIBABA_CLOUD_ACCESS_KEY_ID: "VALUE-env-id", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "VALUE-env-secret" };
        const cases: Array<[string, Record<string, string>, Record<string, string>, string]> = [
            [
                "config accessKey alone",
                { "alicloud:accessKey": "VALUE-1" },
                {},
                `config alicloud:accessKey is set but alicloud:secretKey is not: ${CONFIG_FIX}`,
            ],
            [
                "config secretKey alone",
                { "alicloud:secretKey": "VALUE-2" },
                {},
                `config alicloud:secretKey is set but alicloud:accessKey is not: ${CONFIG_FIX}`,
            ],
            [
                "config securityToken alone",
                { "alicloud:securityToken": "VALUE-3" },
                {},
                `config alicloud:securityToken is set but alicloud:accessKey and alicloud:secretKey are not: ${CONFIG_FIX}`,
            ],
            [
                "config accessKey + securityToken",
                { "alicloud:accessKey": "VALUE-1", "alicloud:securityToken": "VALUE-3" },
                {},
                `config alicloud:accessKey and alicloud:securityToken are set but alicloud:secretKey is not: ${CONFIG_FIX}`,
            ],
            [
                "config secretKey + securityToken",
                { "alicloud:secretKey": "VALUE-2", "alicloud:securityToken": "VALUE-3" },
                {},
                `config alicloud:secretKey and alicloud:securityToken are set but alicloud:accessKey is not: ${CONFIG_FIX}`,
            ],
            [
                "config secretKey with the environment's pair (never mixed, never ignored)",
                { "alicloud:secretKey": "VALUE-2" },
                ENV_PAIR,
                `config alicloud:secretKey is set but alicloud:accessKey is not: ${CONFIG_FIX}`,
            ],
            [
                "config accessKey with the environment's pair",
                { "alicloud:accessKey": "VALUE-1" },
                ENV_PAIR,
                `config alicloud:accessKey is set but alicloud:secretKey is not: ${CONFIG_FIX}`,
            ],
            [
                "env ALIBABA_CLOUD_ACCESS_KEY_ID alone",
                {},
                { ALIBABA_CLOUD_ACCESS_KEY_ID: "VALUE-4" },
                `environment variable ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not: ${ENV_FIX}`,
            ],
            [
                "env ALIBABA_CLOUD_ACCESS_KEY_SECRET alone",
                {},
                { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "VALUE-5" },
                `environment variable ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not: ${ENV_FIX}`,
            ],
            [
                "env ALIBABA_CLOUD_SECURITY_TOKEN alone",
                {},
                { ALIBABA_CLOUD_SECURITY_TOKEN: "VALUE-6" },
                `environment variable ALIBABA_CLOUD_SECURITY_TOKEN is set but ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not: ${ENV_FIX}`,
            ],
            [
                "env ALIBABA_CLOUD_ACCESS_KEY_ID + ALIBABA_CLOUD_SECURITY_TOKEN",
                {},
                { ALIBABA_CLOUD_ACCESS_KEY_ID: "VALUE-4", ALIBABA_CLOUD_SECURITY_TOKEN: "VALUE-6" },
                `environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_SECURITY_TOKEN are set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not: ${ENV_FIX}`,
            ],
            [
                "env ALIBABA_CLOUD_ACCESS_KEY_SECRET + ALIBABA_CLOUD_SECURITY_TOKEN",
                {},
                { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "VALUE-5", ALIBABA_CLOUD_SECURITY_TOKEN: "VALUE-6" },
                `environment variables ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN are set but ALIBABA_CLOUD_ACCESS_KEY_ID is not: ${ENV_FIX}`,
            ],
            [
                "env ALICLOUD_ACCESS_KEY alone",
                {},
                { ALICLOUD_ACCESS_KEY: "VALUE-7" },
                `environment variable ALICLOUD_ACCESS_KEY is set but ALICLOUD_SECRET_KEY is not: ${OLD_ENV_FIX}`,
            ],
            [
                "env ALICLOUD_SECRET_KEY alone",
                {},
                { ALICLOUD_SECRET_KEY: "VALUE-8" },
                `environment variable ALICLOUD_SECRET_KEY is set but ALICLOUD_ACCESS_KEY is not: ${OLD_ENV_FIX}`,
            ],
            [
                "env ALICLOUD_SECURITY_TOKEN alone",
                {},
                { ALICLOUD_SECURITY_TOKEN: "VALUE-9" },
                `environment variable ALICLOUD_SECURITY_TOKEN is set but ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY are not: ${OLD_ENV_FIX}`,
            ],
            [
                "env ALICLOUD_ACCESS_KEY + ALICLOUD_SECURITY_TOKEN",
                {},
                { ALICLOUD_ACCESS_KEY: "VALUE-7", ALICLOUD_SECURITY_TOKEN: "VALUE-9" },
                `environment variables ALICLOUD_ACCESS_KEY and ALICLOUD_SECURITY_TOKEN are set but ALICLOUD_SECRET_KEY is not: ${OLD_ENV_FIX}`,
            ],
            [
                "env ALICLOUD_SECRET_KEY + ALICLOUD_SECURITY_TOKEN",
                {},
                { ALICLOUD_SECRET_KEY: "VALUE-8", ALICLOUD_SECURITY_TOKEN: "VALUE-9" },
                `environment variables ALICLOUD_SECRET_KEY and ALICLOUD_SECURITY_TOKEN are set but ALICLOUD_ACCESS_KEY is not: ${OLD_ENV_FIX}`,
            ],
            [
                "env key id of one spelling with the secret of the other",
                {},
                { ALIBABA_CLOUD_ACCESS_KEY_ID: "VALUE-4", ALICLOUD_SECRET_KEY: "VALUE-8" },
                `environment variable ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not: ${ENV_FIX}`,
            ],
            [
                "env ALICLOUD_SECRET_KEY beside a complete ALIBABA_CLOUD pair",
                {},
                { ...ENV_PAIR, ALICLOUD_SECRET_KEY: "VALUE-8" },
                `environment variable ALICLOUD_SECRET_KEY is set but ALICLOUD_ACCESS_KEY is not: ${OLD_ENV_FIX}`,
            ],
        ];
        it.each(cases)("%s", (_, stack, env, message) => {
            let thrown: unknown;
            try {
                staticAccessKey(config(stack), env);
            } catch (err) {
                thrown = err;
            }
            expect((thrown as Error | undefined)?.message).toBe(message);
            expect((thrown as Error).message).not.toMatch(/VALUE-/);
        });

        it("a complete config pair is used whole; the environment's pair or half of one is not consulted", () => {
            expect(
                staticAccessKey(config({ "alicloud:accessKey": "cfg-id", "alicloud:secretKey": "cfg-secret" }), {
                    ALIBABA_CLOUD_ACCESS_KEY_SECRET: "env-secret",
                    ALIBABA_CLOUD_SECURITY_TOKEN: "env-token",
                }),
            ).toEqual({ accessKeyId: "cfg-id", accessKeySecret: "cfg-secret", securityToken: undefined });
        });

        it("the engine's check step (preview, and every up) already refuses half a pair, before any API call", async () => {
            const steps = await import("../../provider/steps");
            const stack = { "alicloud:secretKey": "VALUE-2" } as Record<string, string>;
            await steps.configure({ config: { get: (k: string) => stack[k], require: (k: string) => stack[k] } });
            const news = { scalingGroupId: "asg-1", region: "cn-hangzhou", vserverGroups: [] };
            await expect(steps.check({}, news)).rejects.toThrow(
                `config alicloud:secretKey is set but alicloud:accessKey is not: ${CONFIG_FIX}`,
            );
        });

        it("empty values count as unset", () => {
            expect(staticAccessKey(config({ "alicloud:secretKey": "" }), { ALICLOUD_ACCESS_KEY: "" })).toBeUndefined();
        });
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
