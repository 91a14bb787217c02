// A scaling group behind a classic load balancer's default server group. ForceAttach registers the
// group's running instances now (a scaling activity `pulumi up` waits for); a new weight detaches
// and re-attaches the load balancer; ForceDetach deregisters the instances on destroy.
import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupLoadBalancers } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
// Set `weight: 80` to see an update that re-weights the instances.
const weight = config.getNumber("weight") ?? 50;

const classic = new ScalingGroupLoadBalancers("classic", {
    scalingGroupId: config.get("scalingGroupId") ?? "asg-demo",
    loadBalancers: [{ loadBalancerId: "lb-classic", weight }],
    forceAttach: true,
    forceDetach: true,
});

export const scalingGroupId = classic.scalingGroupId;
export const attached = classic.loadBalancers;
