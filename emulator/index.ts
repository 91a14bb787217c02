export { startEmulator, generateKey, type Emulator, type EmulatorOptions } from "./server";
export type { EmulatorControl, CallRecord, CallFilter, ScalingGroupPatch, LoadBalancerPatch } from "./core";
export type { FaultRule, FaultKind, ActiveFaultRule, BusyWindow, BusyCode, ActiveBusyWindow } from "./faults";
export type { Hold } from "./holds";
export type { FlowLimit } from "./flow-control";
export type { ScalingActivity, ActivityFault, ActivityStatus } from "./activities";
export { DEFAULT_ACTIVITY_DELAY_MS } from "./activities";
export type { AccessKey } from "./signature";
export type { PolicyDocument, PolicyStatement, RoleConfig, OidcProviderConfig } from "./ram";
export { EMULATOR_ACCOUNT_ID } from "./ram";
export type { StsSession } from "./identities";
export type { AccessDeniedDetail } from "./errors";
export { STS_VERSION } from "./sts";
export type {
    StateSeed,
    ScalingGroupSeed,
    LoadBalancerSeed,
    VServerGroupSeed,
    EmulatorState,
    ScalingGroup,
    LoadBalancer,
    SlbVServerGroup,
    BackendServer,
    DefaultBackendServer,
    ServerGroup,
    ServerGroupSeed,
    ServerGroupAttachment,
    ServerGroupType,
    Attachment,
    Instance,
    InstanceState,
    LifecycleState,
    LoadBalancerStatus,
} from "./state";
export { DEMO_FIXTURE, DEMO_REGION } from "./fixtures";
export { ADMIN_PREFIX } from "./admin";
