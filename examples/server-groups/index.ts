// A scaling group behind ALB, NLB and GWLB server groups. ForceAttach makes each attach a scaling
// activity that puts the group's running instances behind the server groups: `pulumi up` returns
// once they are there. ForceDetach takes them out again when an entry is removed or on destroy.
import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupServerGroups } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
// Set `withNlb: false` to see an update that detaches the NLB group.
const withNlb = config.getBoolean("withNlb") ?? true;

const traffic = new ScalingGroupServerGroups("traffic", {
    scalingGroupId: config.get("scalingGroupId") ?? "asg-demo",
    serverGroups: [
        { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 50 },
        { serverGroupId: "sgp-alb-api", type: "ALB", port: 8080 },
        { serverGroupId: "sgp-gwlb-fw", type: "GWLB" }, // GWLB: no port, no weight
        ...(withNlb ? [{ serverGroupId: "sgp-nlb-tcp", type: "NLB" as const, port: 9000, weight: 30 }] : []),
    ],
    forceAttach: true,
    forceDetach: true,
});

export const scalingGroupId = traffic.scalingGroupId;
export const attached = traffic.serverGroups;
