// The public ESS endpoint of each region, as Alibaba Cloud's own SDKs resolve it.
//
// Source of the map (45 regions): aliyun/alibaba-cloud-sdk-go, services/ess/endpoint.go
// (`EndpointMap`, `EndpointType = "regional"`) at commit cd941e9050026e6648413894593b065de77c39a4:
// the SDK of ESS API 2014-08-28, the version this package calls.
// Cross-checked with @alicloud/ess20220222 1.8.15 (aliyun/alibabacloud-typescript-sdk,
// ess-20220222/src/client.ts at commit d05151262d52ec3dfc47b3d813fb7b04dc420afa, `this._endpointMap`,
// `_endpointRule = "regional"`): the same host for each of its 44 regions; it only lacks
// cn-beijing-finance-1, which every other map that lists it (the Go SDK above, the older
// ess20140828 SDKs) sends to ess.aliyuncs.com. The older @alicloud/ess20140828 1.0.1 sent
// ap-northeast-2-pop, eu-west-1-oxs and rus-west-1-pop to ess.ap-northeast-1.aliyuncs.com; both
// newer maps above send them to ess.aliyuncs.com, and so does this one.
//
// A region not in the map gets the "regional" rule of the SDKs' getEndpointRules
// (@alicloud/endpoint-util 0.0.2, @alicloud/openapi-core 1.0.8): `${product}.${regionId}.aliyuncs.com`
// for the public network and no suffix, i.e. ess.<region>.aliyuncs.com; an empty region is an error.

const CENTRAL = "ess.aliyuncs.com";

/** Region → ESS host, for the regions the official map names (every one of them is central). */
export const ESS_ENDPOINT_MAP: ReadonlyMap<string, string> = new Map([
    ["ap-northeast-2-pop", CENTRAL],
    ["ap-southeast-1", CENTRAL],
    ["cn-beijing", CENTRAL],
    ["cn-beijing-finance-1", CENTRAL],
    ["cn-beijing-finance-pop", CENTRAL],
    ["cn-beijing-gov-1", CENTRAL],
    ["cn-beijing-nu16-b01", CENTRAL],
    ["cn-edge-1", CENTRAL],
    ["cn-fujian", CENTRAL],
    ["cn-haidian-cm12-c01", CENTRAL],
    ["cn-hangzhou", CENTRAL],
    ["cn-hangzhou-bj-b01", CENTRAL],
    ["cn-hangzhou-finance", CENTRAL],
    ["cn-hangzhou-internal-prod-1", CENTRAL],
    ["cn-hangzhou-internal-test-1", CENTRAL],
    ["cn-hangzhou-internal-test-2", CENTRAL],
    ["cn-hangzhou-internal-test-3", CENTRAL],
    ["cn-hangzhou-test-306", CENTRAL],
    ["cn-hongkong", CENTRAL],
    ["cn-hongkong-finance-pop", CENTRAL],
    ["cn-huhehaote-nebula-1", CENTRAL],
    ["cn-north-2-gov-1", CENTRAL],
    ["cn-qingdao", CENTRAL],
    ["cn-qingdao-nebula", CENTRAL],
    ["cn-shanghai", CENTRAL],
    ["cn-shanghai-et15-b01", CENTRAL],
    ["cn-shanghai-et2-b01", CENTRAL],
    ["cn-shanghai-finance-1", CENTRAL],
    ["cn-shanghai-inner", CENTRAL],
    ["cn-shanghai-internal-test-1", CENTRAL],
    ["cn-shenzhen", CENTRAL],
    ["cn-shenzhen-finance-1", CENTRAL],
    ["cn-shenzhen-inner", CENTRAL],
    ["cn-shenzhen-st4-d01", CENTRAL],
    ["cn-shenzhen-su18-b01", CENTRAL],
    ["cn-wuhan", CENTRAL],
    ["cn-yushanfang", CENTRAL],
    ["cn-zhangbei", CENTRAL],
    ["cn-zhangbei-na61-b01", CENTRAL],
    ["cn-zhangjiakou-na62-a01", CENTRAL],
    ["cn-zhengzhou-nebula-1", CENTRAL],
    ["eu-west-1-oxs", CENTRAL],
    ["rus-west-1-pop", CENTRAL],
    ["us-east-1", CENTRAL],
    ["us-west-1", CENTRAL],
]);

/** The public ESS host of `region`: the official map's entry, else ess.<region>.aliyuncs.com. */
export function essHost(region: string): string {
    if (!region) throw new Error("RegionId is empty, please set a valid RegionId");
    return ESS_ENDPOINT_MAP.get(region) ?? `ess.${region}.aliyuncs.com`;
}
