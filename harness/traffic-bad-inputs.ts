// The bad-input tables of ScalingGroupServerGroups and ScalingGroupLoadBalancers (shape as in
// bad-inputs.ts): each names the field path the message must name, how the value shows, the rule.
import type { BadInput } from "./bad-inputs";

type Item = Record<string, unknown>;

export function validServerGroupArgs(): { scalingGroupId: unknown; serverGroups: Item[]; [k: string]: unknown } {
    return {
        scalingGroupId: "asg-demo",
        serverGroups: [
            { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 },
            { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 8080 },
            { serverGroupId: "sgp-gwlb-fw", type: "GWLB" },
        ],
    };
}

export function validLoadBalancerArgs(): { scalingGroupId: unknown; loadBalancers: Item[]; [k: string]: unknown } {
    return { scalingGroupId: "asg-demo", loadBalancers: [{ loadBalancerId: "lb-classic", weight: 20 }, { loadBalancerId: "lb-other" }] };
}

function sg(patch: Item, index = 0) {
    const args = validServerGroupArgs();
    args.serverGroups[index] = { ...args.serverGroups[index], ...patch };
    return args;
}
function lb(patch: Item, index = 0) {
    const args = validLoadBalancerArgs();
    args.loadBalancers[index] = { ...args.loadBalancers[index], ...patch };
    return args;
}
const top = <T extends Item>(args: T, patch: Item): T => ({ ...args, ...patch });

const PORT_RULE = /integer from 1 to 65535/;
const WEIGHT_RULE = /integer from 0 to 100/;
const ID_RULE = /non-empty string|resource ID/;
const BOOL_RULE = /must be a boolean/;
const LIST_RULE = /non-empty list/;
const GWLB_RULE = /must not be set for a GWLB server group: ESS registers GWLB backends on port 6081 with no weight/;

export const SERVER_GROUP_BAD_INPUTS: BadInput[] = [
    { name: "port 70000", args: sg({ port: 70000 }), field: "serverGroups[0].port", valueShown: "70000", rule: PORT_RULE },
    { name: "port 0", args: sg({ port: 0 }), field: "serverGroups[0].port", valueShown: "0", rule: PORT_RULE },
    { name: "port 80.5", args: sg({ port: 80.5 }), field: "serverGroups[0].port", valueShown: "80.5", rule: PORT_RULE },
    { name: "port as string", args: sg({ port: "80" }), field: "serverGroups[0].port", valueShown: '"80"', rule: PORT_RULE },
    {
        name: "ALB without port",
        args: sg({ port: undefined }),
        field: "serverGroups[0].port",
        valueShown: "undefined",
        rule: /is required for an ALB server group/,
    },
    {
        name: "NLB without port",
        args: sg({ port: undefined }, 1),
        field: "serverGroups[1].port",
        valueShown: "undefined",
        rule: /is required for an NLB server group/,
    },
    { name: "weight 101", args: sg({ weight: 101 }), field: "serverGroups[0].weight", valueShown: "101", rule: WEIGHT_RULE },
    { name: "weight -1", args: sg({ weight: -1 }), field: "serverGroups[0].weight", valueShown: "-1", rule: WEIGHT_RULE },
    { name: "weight as string", args: sg({ weight: "50" }), field: "serverGroups[0].weight", valueShown: '"50"', rule: WEIGHT_RULE },
    { name: "GWLB with a port", args: sg({ port: 6081 }, 2), field: "serverGroups[2].port", valueShown: "6081", rule: GWLB_RULE },
    { name: "GWLB with a weight", args: sg({ weight: 10 }, 2), field: "serverGroups[2].weight", valueShown: "10", rule: GWLB_RULE },
    {
        name: "type CLB",
        args: sg({ type: "CLB" }),
        field: "serverGroups[0].type",
        valueShown: '"CLB"',
        rule: /must be one of ALB, NLB, GWLB/,
    },
    {
        name: "type lowercase",
        args: sg({ type: "alb" }),
        field: "serverGroups[0].type",
        valueShown: '"alb"',
        rule: /must be one of ALB, NLB, GWLB/,
    },
    { name: "type missing", args: sg({ type: undefined }), field: "serverGroups[0].type", valueShown: "undefined", rule: /must be one of/ },
    {
        name: "serverGroupId empty",
        args: sg({ serverGroupId: "" }),
        field: "serverGroups[0].serverGroupId",
        valueShown: '""',
        rule: ID_RULE,
    },
    {
        name: "serverGroupId with a space",
        args: sg({ serverGroupId: "sgp web" }),
        field: "serverGroups[0].serverGroupId",
        valueShown: '"sgp web"',
        rule: ID_RULE,
    },
    {
        name: "serverGroupId a number",
        args: sg({ serverGroupId: 7 }),
        field: "serverGroups[0].serverGroupId",
        valueShown: "7",
        rule: ID_RULE,
    },
    {
        name: "unknown field",
        args: sg({ vserverGroupId: "rsp-1" }),
        field: "serverGroups[0].vserverGroupId",
        valueShown: '"rsp-1"',
        rule: /unknown field; allowed fields are serverGroupId, type, port, weight/,
    },
    {
        name: "duplicate entry",
        args: sg({ serverGroupId: "sgp-alb-web", type: "ALB", port: 80 }, 1),
        field: "serverGroups[1]",
        valueShown: '"sgp-alb-web"',
        rule: /duplicates serverGroups\[0\]; each \(serverGroupId, type, port\) may appear once/,
    },
    {
        name: "one server group with two types",
        args: sg({ serverGroupId: "sgp-alb-web", type: "NLB", port: 81 }, 1),
        field: "serverGroups[1].type",
        valueShown: '"NLB"',
        rule: /sgp-alb-web is listed as ALB at serverGroups\[0\]; a server group has one type/,
    },
    {
        name: "entry not an object",
        args: top(validServerGroupArgs(), { serverGroups: ["sgp-alb-web"] }),
        field: "serverGroups[0]",
        valueShown: '"sgp-alb-web"',
        rule: /must be an object/,
    },
    {
        name: "empty list",
        args: top(validServerGroupArgs(), { serverGroups: [] }),
        field: "serverGroups",
        valueShown: "[]",
        rule: LIST_RULE,
    },
    {
        name: "list missing",
        args: top(validServerGroupArgs(), { serverGroups: undefined }),
        field: "serverGroups",
        valueShown: "undefined",
        rule: LIST_RULE,
    },
    {
        name: "scalingGroupId empty",
        args: top(validServerGroupArgs(), { scalingGroupId: "" }),
        field: "scalingGroupId",
        valueShown: '""',
        rule: ID_RULE,
    },
    {
        name: "forceAttach a string",
        args: top(validServerGroupArgs(), { forceAttach: "yes" }),
        field: "forceAttach",
        valueShown: '"yes"',
        rule: BOOL_RULE,
    },
    {
        name: "forceDetach a number",
        args: top(validServerGroupArgs(), { forceDetach: 1 }),
        field: "forceDetach",
        valueShown: "1",
        rule: BOOL_RULE,
    },
    {
        name: "bad region",
        args: top(validServerGroupArgs(), { region: "Hangzhou" }),
        field: "region",
        valueShown: '"Hangzhou"',
        rule: /region ID such as cn-hangzhou/,
    },
    {
        name: "no region anywhere",
        args: validServerGroupArgs(),
        field: "region",
        valueShown: "undefined",
        rule: /no region is set/,
        noRegion: true,
    },
    {
        name: "vserverGroups given to the server-group resource",
        args: top(validServerGroupArgs(), { vserverGroups: [] }),
        field: "vserverGroups",
        valueShown: "[]",
        rule: /unknown field; allowed fields are scalingGroupId, region, serverGroups, forceAttach, forceDetach/,
    },
];

export const LOAD_BALANCER_BAD_INPUTS: BadInput[] = [
    { name: "weight 101", args: lb({ weight: 101 }), field: "loadBalancers[0].weight", valueShown: "101", rule: WEIGHT_RULE },
    { name: "weight -5", args: lb({ weight: -5 }), field: "loadBalancers[0].weight", valueShown: "-5", rule: WEIGHT_RULE },
    { name: "weight 2.5", args: lb({ weight: 2.5 }), field: "loadBalancers[0].weight", valueShown: "2.5", rule: WEIGHT_RULE },
    { name: "weight as string", args: lb({ weight: "20" }), field: "loadBalancers[0].weight", valueShown: '"20"', rule: WEIGHT_RULE },
    { name: "weight null", args: lb({ weight: null }), field: "loadBalancers[0].weight", valueShown: "null", rule: WEIGHT_RULE },
    {
        name: "weight on the second entry",
        args: lb({ weight: 1000 }, 1),
        field: "loadBalancers[1].weight",
        valueShown: "1000",
        rule: WEIGHT_RULE,
    },
    {
        name: "loadBalancerId empty",
        args: lb({ loadBalancerId: "" }),
        field: "loadBalancers[0].loadBalancerId",
        valueShown: '""',
        rule: ID_RULE,
    },
    {
        name: "loadBalancerId missing",
        args: lb({ loadBalancerId: undefined }),
        field: "loadBalancers[0].loadBalancerId",
        valueShown: "undefined",
        rule: ID_RULE,
    },
    {
        name: "loadBalancerId with a slash",
        args: lb({ loadBalancerId: "lb/1" }),
        field: "loadBalancers[0].loadBalancerId",
        valueShown: '"lb/1"',
        rule: ID_RULE,
    },
    {
        name: "loadBalancerId a number",
        args: lb({ loadBalancerId: 12 }),
        field: "loadBalancers[0].loadBalancerId",
        valueShown: "12",
        rule: ID_RULE,
    },
    {
        name: "loadbalancerId spelled as in vserverGroups",
        args: lb({ loadbalancerId: "lb-x" }),
        field: "loadBalancers[0].loadbalancerId",
        valueShown: '"lb-x"',
        rule: /unknown field; allowed fields are loadBalancerId, weight/,
    },
    {
        name: "duplicate load balancer",
        args: lb({ loadBalancerId: "lb-classic", weight: 40 }, 1),
        field: "loadBalancers[1].loadBalancerId",
        valueShown: '"lb-classic"',
        rule: /duplicates loadBalancers\[0\]; each load balancer may appear once/,
    },
    {
        name: "entry not an object",
        args: top(validLoadBalancerArgs(), { loadBalancers: ["lb-classic"] }),
        field: "loadBalancers[0]",
        valueShown: '"lb-classic"',
        rule: /must be an object/,
    },
    {
        name: "entry null",
        args: top(validLoadBalancerArgs(), { loadBalancers: [null] }),
        field: "loadBalancers[0]",
        valueShown: "null",
        rule: /must be an object/,
    },
    {
        name: "empty list",
        args: top(validLoadBalancerArgs(), { loadBalancers: [] }),
        field: "loadBalancers",
        valueShown: "[]",
        rule: LIST_RULE,
    },
    {
        name: "list a string",
        args: top(validLoadBalancerArgs(), { loadBalancers: "lb-classic" }),
        field: "loadBalancers",
        valueShown: '"lb-classic"',
        rule: LIST_RULE,
    },
    {
        name: "scalingGroupId missing",
        args: top(validLoadBalancerArgs(), { scalingGroupId: undefined }),
        field: "scalingGroupId",
        valueShown: "undefined",
        rule: ID_RULE,
    },
    {
        name: "scalingGroupId with spaces",
        args: top(validLoadBalancerArgs(), { scalingGroupId: "asg 1" }),
        field: "scalingGroupId",
        valueShown: '"asg 1"',
        rule: ID_RULE,
    },
    {
        name: "forceAttach a string",
        args: top(validLoadBalancerArgs(), { forceAttach: "true" }),
        field: "forceAttach",
        valueShown: '"true"',
        rule: BOOL_RULE,
    },
    {
        name: "forceDetach null",
        args: top(validLoadBalancerArgs(), { forceDetach: null }),
        field: "forceDetach",
        valueShown: "null",
        rule: BOOL_RULE,
    },
    {
        name: "bad region",
        args: top(validLoadBalancerArgs(), { region: "cn_hangzhou" }),
        field: "region",
        valueShown: '"cn_hangzhou"',
        rule: /region ID such as cn-hangzhou/,
    },
    {
        name: "no region anywhere",
        args: validLoadBalancerArgs(),
        field: "region",
        valueShown: "undefined",
        rule: /no region is set/,
        noRegion: true,
    },
    {
        name: "unknown top-level field",
        args: top(validLoadBalancerArgs(), { async: true }),
        field: "async",
        valueShown: "true",
        rule: /unknown field; allowed fields are scalingGroupId, region, loadBalancers, forceAttach, forceDetach/,
    },
];
