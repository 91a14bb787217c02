// Seven load balancers with four VServer groups each: 28 entries, more than one API call may carry
// (5 load balancers × 5 groups), so the provider splits them into the fewest calls that fit.
import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupVServerGroups } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
const loadBalancers = config.getNumber("loadBalancers") ?? 7;
const groupsPerLoadBalancer = config.getNumber("groupsPerLoadBalancer") ?? 4;

const many = new ScalingGroupVServerGroups("many", {
    scalingGroupId: config.get("scalingGroupId") ?? "asg-many",
    vserverGroups: Array.from({ length: loadBalancers }, (_, lb) => ({
        loadbalancerId: `lb-many-${lb + 1}`,
        vserverAttributes: Array.from({ length: groupsPerLoadBalancer }, (_, g) => ({
            vserverGroupId: `rsp-many-${lb + 1}-${g + 1}`,
            port: 8000 + g,
        })),
    })),
    forceAttach: true,
    forceDetach: true,
});

export const attachedCount = many.vserverGroups.apply((groups) => groups.reduce((n, g) => n + g.vserverAttributes.length, 0));
