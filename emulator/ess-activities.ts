/**
 * DescribeScalingActivities, in both API versions (fields as in the reference text carried by the
 * SDK models aliyun/alibabacloud-csharp-sdk ess-20220222/core/Models/DescribeScalingActivities*.cs;
 * facts in docs/ess-traffic-sources.md).
 * Newest first; ScalingActivityId.N (ScalingActivityIds.N) or ScalingGroupId names what to list.
 */
import { type ActionHandler, indices, integer, required } from "./actions";
import type { ActivityStatus, ScalingActivity } from "./activities";
import type { Dialect } from "./dialect";
import { errors } from "./errors";
import { findScalingGroup } from "./state";

export const MAX_SCALING_ACTIVITY_IDS = 20;
export const MAX_ACTIVITIES_PAGE_SIZE = 50;
const STATUS_CODES: readonly ActivityStatus[] = ["Successful", "Warning", "Failed", "InProgress", "Rejected"];

/** As ESS prints activity times: minute precision, UTC. */
function activityTime(ms: number): string {
    return new Date(ms).toISOString().slice(0, 16) + "Z";
}

function describe(a: ScalingActivity): Record<string, unknown> {
    const done = a.statusCode === "Successful" ? a.instanceCount : 0;
    return {
        ScalingActivityId: a.scalingActivityId,
        ScalingGroupId: a.scalingGroupId,
        Description: a.description,
        Cause: a.cause,
        StartTime: activityTime(a.startTime),
        ...(a.endTime === undefined ? {} : { EndTime: activityTime(a.endTime) }),
        Progress: a.progress,
        StatusCode: a.statusCode,
        StatusMessage: a.statusMessage,
        TotalCapacity: String(a.instanceCount),
        ScalingInstanceNumber: done,
        AttachedCapacity: "0",
        AutoCreatedCapacity: "0",
        CreatedCapacity: 0,
        DestroyedCapacity: 0,
        StartedCapacity: 0,
        StoppedCapacity: 0,
        ErrorCode: a.statusCode === "Failed" || a.statusCode === "Rejected" ? a.statusCode : "",
        ErrorMessage: a.statusCode === "Failed" || a.statusCode === "Rejected" ? a.statusMessage : "",
        Detail: a.statusMessage,
    };
}

export const describeScalingActivities =
    (dialect: Dialect): ActionHandler =>
    (ctx) => {
        const regionId = required(ctx.params, "RegionId");
        const name = dialect.scalingActivityIds;
        const ids = indices(ctx.params, name, MAX_SCALING_ACTIVITY_IDS).map((n) => required(ctx.params, `${name}.${n}`));
        const scalingGroupId = ids.length === 0 ? required(ctx.params, "ScalingGroupId") : ctx.params.ScalingGroupId;
        const statusCode = ctx.params.StatusCode;
        if (statusCode && !STATUS_CODES.includes(statusCode as ActivityStatus)) throw errors.invalidParameter("StatusCode");
        const pageNumber = integer(ctx.params, "PageNumber", 1, Number.MAX_SAFE_INTEGER) ?? 1;
        const pageSize = integer(ctx.params, "PageSize", 1, MAX_ACTIVITIES_PAGE_SIZE) ?? 10;
        if (scalingGroupId) {
            const group = findScalingGroup(ctx.state, scalingGroupId);
            if (!group || group.regionId !== regionId) throw errors.scalingGroupNotFound();
        }
        const inRegion = (id: string) => findScalingGroup(ctx.state, id)?.regionId === regionId;
        const matching = ctx.activities
            .list(
                (a) =>
                    (!scalingGroupId || a.scalingGroupId === scalingGroupId) &&
                    (ids.length === 0 || ids.includes(a.scalingActivityId)) &&
                    (!statusCode || a.statusCode === statusCode) &&
                    inRegion(a.scalingGroupId),
            )
            .reverse();
        const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
        return {
            TotalCount: matching.length,
            PageNumber: pageNumber,
            PageSize: pageSize,
            ScalingActivities: dialect.list("ScalingActivity", page.map(describe)),
        };
    };
