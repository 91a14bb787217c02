/**
 * The demo fixture, embedded so that the compiled CLI needs no JSON file next to it.
 * `emulator/fixtures/demo.json` holds the same data for `--state` and for other tools.
 */
import type { StateSeed } from "./state";

/** The region of every object in DEMO_FIXTURE. */
export const DEMO_REGION = "cn-hangzhou";

/** The demo cloud: the scaling groups and load balancers the examples and the emulator CLI start with. */
export const DEMO_FIXTURE: StateSeed = {
    scalingGroups: [
        {
            scalingGroupId: "asg-demo",
            scalingGroupName: "demo",
            regionId: DEMO_REGION,
            vServerGroupQuota: 5,
            instances: ["i-demo-1", "i-demo-2"],
        },
        {
            scalingGroupId: "asg-demo-2",
            scalingGroupName: "demo-2",
            regionId: DEMO_REGION,
            vServerGroupQuota: 5,
            instances: ["i-demo-3"],
        },
    ],
    loadBalancers: [
        {
            loadBalancerId: "lb-web",
            regionId: DEMO_REGION,
            vServerGroups: [
                { vServerGroupId: "rsp-web-80", vServerGroupName: "web-80" },
                { vServerGroupId: "rsp-web-443", vServerGroupName: "web-443" },
                { vServerGroupId: "rsp-web-8443", vServerGroupName: "web-8443" },
            ],
        },
        {
            loadBalancerId: "lb-api",
            regionId: DEMO_REGION,
            vServerGroups: [
                { vServerGroupId: "rsp-api-8080", vServerGroupName: "api-8080" },
                { vServerGroupId: "rsp-api-9090", vServerGroupName: "api-9090" },
            ],
        },
        // A classic load balancer attached whole (AttachLoadBalancers): its default server group.
        { loadBalancerId: "lb-classic", loadBalancerName: "classic", regionId: DEMO_REGION },
    ],
    serverGroups: [
        { serverGroupId: "sgp-alb-web", serverGroupName: "alb-web", type: "ALB", regionId: DEMO_REGION },
        { serverGroupId: "sgp-alb-api", serverGroupName: "alb-api", type: "ALB", regionId: DEMO_REGION },
        { serverGroupId: "sgp-nlb-tcp", serverGroupName: "nlb-tcp", type: "NLB", regionId: DEMO_REGION },
        { serverGroupId: "sgp-gwlb-fw", serverGroupName: "gwlb-fw", type: "GWLB", regionId: DEMO_REGION },
    ],
};
