import { essEndpoint } from "../../provider/client/config";
import { ESS_ENDPOINT_MAP, essHost } from "../../provider/client/endpoints";

// Written out by hand from aliyun/alibaba-cloud-sdk-go services/ess/endpoint.go (commit cd941e9) and
// checked against @alicloud/ess20220222 1.8.15's `_endpointMap` (all but cn-beijing-finance-1 are in
// both): never computed from ESS_ENDPOINT_MAP, so a wrong entry there fails here.
const OFFICIAL: [region: string, host: string][] = [
    ["ap-northeast-2-pop", "ess.aliyuncs.com"],
    ["ap-southeast-1", "ess.aliyuncs.com"],
    ["cn-beijing", "ess.aliyuncs.com"],
    ["cn-beijing-finance-1", "ess.aliyuncs.com"],
    ["cn-beijing-finance-pop", "ess.aliyuncs.com"],
    ["cn-beijing-gov-1", "ess.aliyuncs.com"],
    ["cn-beijing-nu16-b01", "ess.aliyuncs.com"],
    ["cn-edge-1", "ess.aliyuncs.com"],
    ["cn-fujian", "ess.aliyuncs.com"],
    ["cn-haidian-cm12-c01", "ess.aliyuncs.com"],
    ["cn-hangzhou", "ess.aliyuncs.com"],
    ["cn-hangzhou-bj-b01", "ess.aliyuncs.com"],
    ["cn-hangzhou-finance", "ess.aliyuncs.com"],
    ["cn-hangzhou-internal-prod-1", "ess.aliyuncs.com"],
    ["cn-hangzhou-internal-test-1", "ess.aliyuncs.com"],
    ["cn-hangzhou-internal-test-2", "ess.aliyuncs.com"],
    ["cn-hangzhou-internal-test-3", "ess.aliyuncs.com"],
    ["cn-hangzhou-test-306", "ess.aliyuncs.com"],
    ["cn-hongkong", "ess.aliyuncs.com"],
    ["cn-hongkong-finance-pop", "ess.aliyuncs.com"],
    ["cn-huhehaote-nebula-1", "ess.aliyuncs.com"],
    ["cn-north-2-gov-1", "ess.aliyuncs.com"],
    ["cn-qingdao", "ess.aliyuncs.com"],
    ["cn-qingdao-nebula", "ess.aliyuncs.com"],
    ["cn-shanghai", "ess.aliyuncs.com"],
    ["cn-shanghai-et15-b01", "ess.aliyuncs.com"],
    ["cn-shanghai-et2-b01", "ess.aliyuncs.com"],
    ["cn-shanghai-finance-1", "ess.aliyuncs.com"],
    ["cn-shanghai-inner", "ess.aliyuncs.com"],
    ["cn-shanghai-internal-test-1", "ess.aliyuncs.com"],
    ["cn-shenzhen", "ess.aliyuncs.com"],
    ["cn-shenzhen-finance-1", "ess.aliyuncs.com"],
    ["cn-shenzhen-inner", "ess.aliyuncs.com"],
    ["cn-shenzhen-st4-d01", "ess.aliyuncs.com"],
    ["cn-shenzhen-su18-b01", "ess.aliyuncs.com"],
    ["cn-wuhan", "ess.aliyuncs.com"],
    ["cn-yushanfang", "ess.aliyuncs.com"],
    ["cn-zhangbei", "ess.aliyuncs.com"],
    ["cn-zhangbei-na61-b01", "ess.aliyuncs.com"],
    ["cn-zhangjiakou-na62-a01", "ess.aliyuncs.com"],
    ["cn-zhengzhou-nebula-1", "ess.aliyuncs.com"],
    ["eu-west-1-oxs", "ess.aliyuncs.com"],
    ["rus-west-1-pop", "ess.aliyuncs.com"],
    ["us-east-1", "ess.aliyuncs.com"],
    ["us-west-1", "ess.aliyuncs.com"],
];

describe("ESS endpoint of each region (the official SDKs' map, else the regional rule)", () => {
    it.each(OFFICIAL)("%s → %s", (region, host) => {
        expect(essHost(region)).toBe(host);
        expect(essEndpoint(region, {})).toEqual({ protocol: "https", host });
    });

    it("the table names exactly the map's 45 regions (none added or dropped unnoticed)", () => {
        expect(OFFICIAL).toHaveLength(45);
        expect([...ESS_ENDPOINT_MAP.keys()].sort()).toEqual(OFFICIAL.map(([region]) => region).sort());
    });

    it.each([
        ["cn-hangzhou-finance", "ess.aliyuncs.com"],
        ["cn-shanghai-finance-1", "ess.aliyuncs.com"],
        ["cn-shenzhen-finance-1", "ess.aliyuncs.com"],
        ["cn-beijing-finance-1", "ess.aliyuncs.com"],
        ["cn-beijing-finance-pop", "ess.aliyuncs.com"],
        ["cn-hongkong-finance-pop", "ess.aliyuncs.com"],
        ["cn-north-2-gov-1", "ess.aliyuncs.com"],
        ["cn-beijing-gov-1", "ess.aliyuncs.com"],
    ])("finance and gov region %s → %s", (region, host) => {
        expect(essHost(region)).toBe(host);
    });

    it.each([
        ["eu-central-1", "ess.eu-central-1.aliyuncs.com"],
        ["ap-northeast-1", "ess.ap-northeast-1.aliyuncs.com"],
        ["cn-zhangjiakou", "ess.cn-zhangjiakou.aliyuncs.com"],
        ["cn-huhehaote", "ess.cn-huhehaote.aliyuncs.com"],
        ["me-east-1", "ess.me-east-1.aliyuncs.com"],
    ])("a region not in the map gets the regional rule: %s → %s", (region, host) => {
        expect(essHost(region)).toBe(host);
        expect(essEndpoint(region, {})).toEqual({ protocol: "https", host });
    });

    it("a name an object has by inheritance is no entry of the map", () => {
        expect(essHost("constructor")).toBe("ess.constructor.aliyuncs.com");
        expect(essHost("__proto__")).toBe("ess.__proto__.aliyuncs.com");
    });

    it("an empty region is an error, as in the SDKs", () => {
        expect(() => essHost("")).toThrow(/RegionId is empty/);
    });

    it("ALIBABA_CLOUD_ESS_ENDPOINT still wins over the map", () => {
        expect(essEndpoint("cn-hangzhou", { ALIBABA_CLOUD_ESS_ENDPOINT: "ess-vpc.cn-hangzhou.aliyuncs.com" })).toEqual({
            protocol: "https",
            host: "ess-vpc.cn-hangzhou.aliyuncs.com",
        });
        expect(essEndpoint("eu-central-1", { ALIBABA_CLOUD_ESS_ENDPOINT: "http://127.0.0.1:8080/" })).toEqual({
            protocol: "http",
            host: "127.0.0.1:8080",
        });
    });
});
