/**
 * What the compat suites send and expect, from the official API reference pages cited in each
 * suite: the documented DescribeScalingGroups item, and each documented error the emulator claims.
 */
import type { EmulatorControl } from "../../emulator";
import { CREATED, REGION } from "../../harness/compat";

/** rsp-web-80 on port 80, weight 30, in 2014-08-28's parameter names. */
export const WEB80 = {
    "VServerGroup.1.LoadBalancerId": "lb-web",
    "VServerGroup.1.VServerGroupAttribute.1.VServerGroupId": "rsp-web-80",
    "VServerGroup.1.VServerGroupAttribute.1.Port": 80,
    "VServerGroup.1.VServerGroupAttribute.1.Weight": 30,
};

/** asg-web of COMPAT_SEED with WEB80 attached, shaped by `list` (wrapped in 2014-08-28, bare in 2022-02-22). */
function describedGroup(list: (item: string, values: unknown[]) => unknown): Record<string, unknown> {
    return {
        ScalingGroupId: "asg-web",
        ScalingGroupName: "web",
        RegionId: REGION,
        LifecycleState: "Active",
        MinSize: 1,
        MaxSize: 4,
        DefaultCooldown: 300,
        ActiveCapacity: 2,
        PendingCapacity: 0,
        RemovingCapacity: 0,
        StandbyCapacity: 0,
        ProtectedCapacity: 0,
        PendingWaitCapacity: 0,
        RemovingWaitCapacity: 0,
        StoppedCapacity: 0,
        TotalCapacity: 2,
        TotalInstanceCount: 2,
        CreationTime: CREATED,
        VpcId: "vpc-compat",
        VSwitchId: "vsw-a",
        VSwitchIds: list("VSwitchId", ["vsw-a", "vsw-b"]),
        LoadBalancerIds: list("LoadBalancerId", ["lb-classic"]),
        LoadBalancerConfigs: list("LoadBalancerConfig", [{ LoadBalancerId: "lb-classic", Weight: 50 }]),
        ServerGroups: list("ServerGroup", []),
        DBInstanceIds: list("DBInstanceId", []),
        RemovalPolicies: list("RemovalPolicy", ["OldestScalingConfiguration", "OldestInstance"]),
        MultiAZPolicy: "PRIORITY",
        HealthCheckType: "ECS",
        GroupType: "ECS",
        ScalingPolicy: "release",
        GroupDeletionProtection: false,
        VServerGroups: list("VServerGroup", [
            {
                LoadBalancerId: "lb-web",
                VServerGroupAttributes: list("VServerGroupAttribute", [{ VServerGroupId: "rsp-web-80", Port: 80, Weight: 30 }]),
            },
        ]),
    };
}

export const describedGroup2014 = () => describedGroup((item, values) => ({ [item]: values }));
export const describedGroup2022 = () => describedGroup((_item, values) => values);

export interface ErrorCase {
    name: string;
    version: string;
    action: string;
    params: Record<string, unknown>;
    status: number;
    code: string;
    /** The exact message, where the reference documents one. */
    message?: string;
    setup?: (control: EmulatorControl) => void;
}

const ESS = "2014-08-28";
const SLB = "2014-05-15";
const change = (scalingGroupId: string, extra: Record<string, unknown> = WEB80) => ({
    RegionId: REGION,
    ScalingGroupId: scalingGroupId,
    ...extra,
});
const entry = (loadBalancerId: string, vServerGroupId: string) => ({
    "VServerGroup.1.LoadBalancerId": loadBalancerId,
    "VServerGroup.1.VServerGroupAttribute.1.VServerGroupId": vServerGroupId,
    "VServerGroup.1.VServerGroupAttribute.1.Port": 80,
});

export const ERROR_CASES: ErrorCase[] = [
    {
        name: "RegionId missing",
        version: ESS,
        action: "AttachVServerGroups",
        params: { ScalingGroupId: "asg-web", ...WEB80 },
        status: 400,
        code: "MissingParameter",
        message: 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.',
    },
    {
        name: "Port out of 1..65535",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-web", { ...WEB80, "VServerGroup.1.VServerGroupAttribute.1.Port": 0 }),
        status: 400,
        code: "InvalidParameter",
        message: 'The specified value of parameter "VServerGroup.1.VServerGroupAttribute.1.Port" is not valid.',
    },
    {
        name: "unknown scaling group (checked before the optional VServerGroup.N.*)",
        version: ESS,
        action: "DetachVServerGroups",
        params: change("asg-nope", { "VServerGroup.1.VServerGroupAttribute.1.Port": 80 }),
        status: 404,
        code: "InvalidScalingGroupId.NotFound",
        message: "The specified scaling group does not exist.",
    },
    {
        name: "scaling group not Active",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-inactive"),
        status: 403,
        code: "IncorrectScalingGroupStatus",
    },
    {
        name: "a scaling activity is running",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-web"),
        status: 403,
        code: "ScalingActivityInProgress",
        setup: (control) => control.busy({ scalingGroupId: "asg-web", code: "ScalingActivityInProgress", calls: 1 }),
    },
    {
        name: "unknown load balancer",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-web", entry("lb-nope", "rsp-web-80")),
        status: 404,
        code: "InvalidLoadBalancerId.NotFound",
    },
    {
        name: "load balancer in another region",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-web", entry("lb-beijing", "rsp-bj")),
        status: 400,
        code: "InvalidLoadBalancerId.RegionMismatch",
    },
    {
        name: "load balancer not active",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-web", entry("lb-stopped", "rsp-stopped")),
        status: 400,
        code: "IncorrectLoadBalancerStatus",
    },
    {
        name: "no listener with health check",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-web", entry("lb-nohc", "rsp-nohc")),
        status: 400,
        code: "IncorrectLoadBalancerHealthCheck",
    },
    {
        name: "VServer group of another load balancer",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-web", entry("lb-web", "rsp-nohc")),
        status: 400,
        code: "InvalidVServerGroupId.ForLoadBalancer",
    },
    {
        name: "quota of attached VServer groups",
        version: ESS,
        action: "AttachVServerGroups",
        params: change("asg-quota-1", {
            ...WEB80,
            "VServerGroup.1.VServerGroupAttribute.2.VServerGroupId": "rsp-web-443",
            "VServerGroup.1.VServerGroupAttribute.2.Port": 443,
        }),
        status: 400,
        code: "QuotaExceeded.VServerGroup",
    },
    {
        name: "throttled",
        version: ESS,
        action: "DescribeScalingGroups",
        params: { RegionId: REGION },
        status: 400,
        code: "Throttling.User",
        message: "Request was denied due to user flow control.",
        setup: (control) => void control.addFault({ kind: "throttling", times: 1 }),
    },
    {
        name: "unknown API version",
        version: "2099-01-01",
        action: "DescribeScalingGroups",
        params: { RegionId: REGION },
        status: 400,
        code: "InvalidVersion",
        message: "Specified parameter Version is not valid.",
    },
    {
        name: "unknown action",
        version: ESS,
        action: "DescribeNothing",
        params: { RegionId: REGION },
        status: 404,
        code: "InvalidAction.NotFound",
        message: "Specified api is not found, please check your url and method.",
    },
    {
        name: "SLB: unknown load balancer",
        version: SLB,
        action: "DescribeLoadBalancerAttribute",
        params: { RegionId: REGION, LoadBalancerId: "lb-nope" },
        status: 400,
        code: "InvalidLoadBalancerId.NotFound",
    },
    {
        name: "SLB: LoadBalancerId missing",
        version: SLB,
        action: "DescribeVServerGroups",
        params: { RegionId: REGION },
        status: 400,
        code: "MissingParameter",
    },
    {
        name: "SLB: unknown VServer group",
        version: SLB,
        action: "DescribeVServerGroupAttribute",
        params: { RegionId: REGION, VServerGroupId: "rsp-nope" },
        status: 404,
        code: "InvalidVServerGroupId.NotFound",
    },
];
