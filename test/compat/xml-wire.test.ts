/**
 * `Format=XML` on the wire, byte for byte: the layout of the XML response examples on
 * https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-attachvservergroups and
 * https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-describescalinggroups
 * (root element `<ActionResponse>`, a list as repeated elements inside its wrapper).
 */
import { randomUUID } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator";
import { percentEncode, rpcSignature } from "../../emulator/signature";
import { COMPAT_SEED, KEY, REGION } from "../../harness/compat";

let emu: Emulator;
beforeEach(async () => {
    emu = await startEmulator({ state: COMPAT_SEED, keys: [KEY] });
});
afterEach(() => emu.close());

/** A signed HMAC-SHA1 GET, as any classic RPC client sends it. */
async function get(params: Record<string, string>): Promise<{ status: number; type: string; text: string }> {
    const all: Record<string, string> = {
        ...params,
        Format: "XML",
        AccessKeyId: KEY.accessKeyId,
        SignatureMethod: "HMAC-SHA1",
        SignatureVersion: "1.0",
        SignatureNonce: randomUUID(),
        Timestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    };
    all.Signature = rpcSignature("GET", all, KEY.accessKeySecret);
    const query = Object.entries(all)
        .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
        .join("&");
    const res = await fetch(`${emu.endpoint}/?${query}`);
    return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

it("AttachVServerGroups answers <AttachVServerGroupsResponse><RequestId>", async () => {
    const res = await get({
        Action: "AttachVServerGroups",
        Version: "2014-08-28",
        RegionId: REGION,
        ScalingGroupId: "asg-web",
        "VServerGroup.1.LoadBalancerId": "lb-web",
        "VServerGroup.1.VServerGroupAttribute.1.VServerGroupId": "rsp-web-80",
        "VServerGroup.1.VServerGroupAttribute.1.Port": "80",
    });
    expect([res.status, res.type]).toEqual([200, "text/xml;charset=utf-8"]);
    expect(res.text).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?><AttachVServerGroupsResponse><RequestId>[0-9A-F-]{36}<\/RequestId><\/AttachVServerGroupsResponse>$/,
    );
});

it("DescribeScalingGroups nests lists as repeated elements in their wrappers", async () => {
    emu.control.seed({
        ...COMPAT_SEED,
        scalingGroups: COMPAT_SEED.scalingGroups?.map((g) => ({
            ...g,
            vServerGroups: [{ loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port: 80 }],
        })),
    });
    const res = await get({ Action: "DescribeScalingGroups", Version: "2014-08-28", RegionId: REGION, "ScalingGroupId.1": "asg-web" });
    expect(res.status).toBe(200);
    expect(res.text).toContain(
        "<TotalCount>1</TotalCount><PageNumber>1</PageNumber><PageSize>10</PageSize><ScalingGroups><ScalingGroup><ScalingGroupId>asg-web</ScalingGroupId>",
    );
    expect(res.text).toContain("<VSwitchIds><VSwitchId>vsw-a</VSwitchId><VSwitchId>vsw-b</VSwitchId></VSwitchIds>");
    expect(res.text).toContain(
        "<VServerGroups><VServerGroup><LoadBalancerId>lb-web</LoadBalancerId><VServerGroupAttributes><VServerGroupAttribute><VServerGroupId>rsp-web-80</VServerGroupId><Port>80</Port><Weight>50</Weight></VServerGroupAttribute></VServerGroupAttributes></VServerGroup></VServerGroups>",
    );
    expect(res.text).toMatch(/<\/ScalingGroup><\/ScalingGroups><\/DescribeScalingGroupsResponse>$/);
});
