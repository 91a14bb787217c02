// The bad-input table, shared by the unit tests (validateInputs) and the e2e preview tests.

export interface BadInput {
    name: string;
    args: Record<string, unknown>;
    /** The field path the message must name. */
    field: string;
    /** How the bad value appears in the message. */
    valueShown: string;
    rule: RegExp;
    /** No region in config or environment either. */
    noRegion?: boolean;
}

export function validArgs() {
    return {
        scalingGroupId: "asg-demo",
        vserverGroups: [
            {
                loadbalancerId: "lb-web",
                vserverAttributes: [
                    { vserverGroupId: "rsp-web-80", port: 80, weight: 50 } as Record<string, unknown>,
                    { vserverGroupId: "rsp-web-443", port: 443 } as Record<string, unknown>,
                ],
            } as Record<string, unknown> & { vserverAttributes: Record<string, unknown>[] },
        ],
    };
}

type Args = ReturnType<typeof validArgs>;

function withAttr(patch: Record<string, unknown>, index = 0): Args {
    const args = validArgs();
    args.vserverGroups[0].vserverAttributes[index] = { ...args.vserverGroups[0].vserverAttributes[index], ...patch };
    return args;
}

function withGroup(patch: Record<string, unknown>): Args {
    const args = validArgs();
    args.vserverGroups[0] = { ...args.vserverGroups[0], ...patch } as Args["vserverGroups"][0];
    return args;
}

function without<T extends Record<string, unknown>>(obj: T, key: string): T {
    const copy = { ...obj };
    delete copy[key];
    return copy;
}

const port = "vserverGroups[0].vserverAttributes[0].port";
const weight = "vserverGroups[0].vserverAttributes[0].weight";
const vsg = "vserverGroups[0].vserverAttributes[0].vserverGroupId";
const lb = "vserverGroups[0].loadbalancerId";
const PORT_RULE = /integer from 1 to 65535/;
const WEIGHT_RULE = /integer from 0 to 100/;
const ID_RULE = /non-empty string|resource ID/;
const BOOL_RULE = /must be a boolean/;
const LIST_RULE = /non-empty list/;

export const BAD_INPUTS: BadInput[] = [
    { name: "port 70000", args: withAttr({ port: 70000 }), field: port, valueShown: "70000", rule: PORT_RULE },
    { name: "port 0", args: withAttr({ port: 0 }), field: port, valueShown: "0", rule: PORT_RULE },
    { name: "port -1", args: withAttr({ port: -1 }), field: port, valueShown: "-1", rule: PORT_RULE },
    { name: "port 80.5", args: withAttr({ port: 80.5 }), field: port, valueShown: "80.5", rule: PORT_RULE },
    { name: "port as string", args: withAttr({ port: "80" }), field: port, valueShown: '"80"', rule: PORT_RULE },
    { name: "port missing", args: withAttr({ port: undefined }), field: port, valueShown: "undefined", rule: PORT_RULE },
    { name: "port null", args: withAttr({ port: null }), field: port, valueShown: "null", rule: PORT_RULE },
    {
        name: "port 65536 on second attribute",
        args: withAttr({ port: 65536 }, 1),
        field: "vserverGroups[0].vserverAttributes[1].port",
        valueShown: "65536",
        rule: PORT_RULE,
    },
    { name: "weight 101", args: withAttr({ weight: 101 }), field: weight, valueShown: "101", rule: WEIGHT_RULE },
    { name: "weight -5", args: withAttr({ weight: -5 }), field: weight, valueShown: "-5", rule: WEIGHT_RULE },
    { name: "weight 12.5", args: withAttr({ weight: 12.5 }), field: weight, valueShown: "12.5", rule: WEIGHT_RULE },
    { name: "weight as string", args: withAttr({ weight: "50" }), field: weight, valueShown: '"50"', rule: WEIGHT_RULE },
    { name: "vserverGroupId empty", args: withAttr({ vserverGroupId: "" }), field: vsg, valueShown: '""', rule: ID_RULE },
    { name: "vserverGroupId missing", args: withAttr({ vserverGroupId: undefined }), field: vsg, valueShown: "undefined", rule: ID_RULE },
    { name: "vserverGroupId a number", args: withAttr({ vserverGroupId: 42 }), field: vsg, valueShown: "42", rule: ID_RULE },
    {
        name: "vserverGroupId with a space",
        args: withAttr({ vserverGroupId: "rsp web" }),
        field: vsg,
        valueShown: '"rsp web"',
        rule: ID_RULE,
    },
    {
        name: "unknown attribute field",
        args: withAttr({ wieght: 10 }),
        field: "vserverGroups[0].vserverAttributes[0].wieght",
        valueShown: "10",
        rule: /unknown field/,
    },
    {
        name: "attribute not an object",
        args: withGroup({ vserverAttributes: ["rsp-web-80"] }),
        field: "vserverGroups[0].vserverAttributes[0]",
        valueShown: '"rsp-web-80"',
        rule: /must be an object/,
    },
    {
        name: "vserverAttributes empty",
        args: withGroup({ vserverAttributes: [] }),
        field: "vserverGroups[0].vserverAttributes",
        valueShown: "[]",
        rule: LIST_RULE,
    },
    {
        name: "vserverAttributes missing",
        args: withGroup({ vserverAttributes: undefined }),
        field: "vserverGroups[0].vserverAttributes",
        valueShown: "undefined",
        rule: LIST_RULE,
    },
    {
        name: "vserverAttributes an object",
        args: withGroup({ vserverAttributes: { vserverGroupId: "rsp-1", port: 80 } }),
        field: "vserverGroups[0].vserverAttributes",
        valueShown: '{"vserverGroupId":"rsp-1","port":80}',
        rule: LIST_RULE,
    },
    { name: "loadbalancerId empty", args: withGroup({ loadbalancerId: "" }), field: lb, valueShown: '""', rule: ID_RULE },
    { name: "loadbalancerId missing", args: withGroup({ loadbalancerId: undefined }), field: lb, valueShown: "undefined", rule: ID_RULE },
    { name: "loadbalancerId a boolean", args: withGroup({ loadbalancerId: true }), field: lb, valueShown: "true", rule: ID_RULE },
    {
        name: "unknown group field (Terraform spelling)",
        args: withGroup({ loadBalancerId: "lb-web" }),
        field: "vserverGroups[0].loadBalancerId",
        valueShown: '"lb-web"',
        rule: /unknown field/,
    },
    {
        name: "group not an object",
        args: { ...validArgs(), vserverGroups: ["lb-web"] },
        field: "vserverGroups[0]",
        valueShown: '"lb-web"',
        rule: /must be an object/,
    },
    { name: "vserverGroups empty", args: { ...validArgs(), vserverGroups: [] }, field: "vserverGroups", valueShown: "[]", rule: LIST_RULE },
    {
        name: "vserverGroups missing",
        args: without(validArgs(), "vserverGroups"),
        field: "vserverGroups",
        valueShown: "undefined",
        rule: LIST_RULE,
    },
    {
        name: "scalingGroupId empty",
        args: { ...validArgs(), scalingGroupId: "" },
        field: "scalingGroupId",
        valueShown: '""',
        rule: ID_RULE,
    },
    {
        name: "scalingGroupId missing",
        args: without(validArgs(), "scalingGroupId"),
        field: "scalingGroupId",
        valueShown: "undefined",
        rule: ID_RULE,
    },
    {
        name: "scalingGroupId a number",
        args: { ...validArgs(), scalingGroupId: 7 },
        field: "scalingGroupId",
        valueShown: "7",
        rule: ID_RULE,
    },
    {
        name: "scalingGroupId with trailing space",
        args: { ...validArgs(), scalingGroupId: "asg-demo " },
        field: "scalingGroupId",
        valueShown: '"asg-demo "',
        rule: ID_RULE,
    },
    {
        name: "region malformed",
        args: { ...validArgs(), region: "Hangzhou" },
        field: "region",
        valueShown: '"Hangzhou"',
        rule: /region ID such as cn-hangzhou/,
    },
    { name: "region a number", args: { ...validArgs(), region: 1 }, field: "region", valueShown: "1", rule: /region ID/ },
    {
        name: "region absent everywhere",
        args: validArgs(),
        field: "region",
        valueShown: "undefined",
        rule: /no region is set/,
        noRegion: true,
    },
    {
        name: "forceAttach as string",
        args: { ...validArgs(), forceAttach: "true" },
        field: "forceAttach",
        valueShown: '"true"',
        rule: BOOL_RULE,
    },
    { name: "forceDetach as number", args: { ...validArgs(), forceDetach: 1 }, field: "forceDetach", valueShown: "1", rule: BOOL_RULE },
    {
        name: "unknown top-level field force (from @pulumi/alicloud)",
        args: { ...validArgs(), force: true },
        field: "force",
        valueShown: "true",
        rule: /unknown field/,
    },
    {
        name: "duplicate triple",
        args: withAttr({ vserverGroupId: "rsp-web-443", port: 443 }),
        field: "vserverGroups[0].vserverAttributes[1]",
        valueShown: '"vserverGroupId":"rsp-web-443","port":443',
        rule: /duplicates vserverGroups\[0\]\.vserverAttributes\[0\]/,
    },
    {
        name: "duplicate triple across two blocks of one load balancer",
        args: {
            ...validArgs(),
            vserverGroups: [
                ...validArgs().vserverGroups,
                { loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: "rsp-web-80", port: 80 }] },
            ],
        },
        field: "vserverGroups[1].vserverAttributes[0]",
        valueShown: '"vserverGroupId":"rsp-web-80"',
        rule: /each \(loadbalancerId, vserverGroupId, port\) may appear once/,
    },
    {
        name: "one VServer group under two load balancers",
        args: {
            ...validArgs(),
            vserverGroups: [
                ...validArgs().vserverGroups,
                { loadbalancerId: "lb-api", vserverAttributes: [{ vserverGroupId: "rsp-web-80", port: 8080 }] },
            ],
        },
        field: "vserverGroups[1].vserverAttributes[0].vserverGroupId",
        valueShown: '"rsp-web-80"',
        rule: /belongs to one load balancer/,
    },
];
