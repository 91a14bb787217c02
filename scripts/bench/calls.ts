// Table 1 (API calls per operation against the minimum), its concurrency table, and table 2
// (the size of the serialized provider taken from the same stack).
import type { OperationResult } from "../../harness/e2e";
import { callLb, callRsp, count, entries, minChunks, res, type Groups } from "./setup";
import { countBy, fmtCounts, mark, meets, op, sgOf, table, type Counts, type Ctx } from "./measure";

/** 1. API calls per operation, by action, against the minimum. */
export async function callsSection(ctx: Ctx): Promise<{ md: string; providerText: string }> {
    const rows: (string | number)[][] = [];
    let allOk = true;
    const row = (operation: string, measured: Counts, min: Counts, minText: string, maxDescribe?: number) => {
        const ok = meets(measured, min, maxDescribe);
        allOk &&= ok;
        if (!ok) ctx.failed.push({ operation, min: minText, measured: fmtCounts(measured) });
        rows.push([operation, minText, fmtCounts(measured), mark(ok)]);
    };
    const s = await ctx.real.stack({ name: "calls", env: ctx.env });

    const big = entries(30, 5); // 6 LBs × 5 groups: 2 calls
    const mid = entries(7, 7); // 1 LB × 7 groups: 2 calls
    const one = entries(1, 1);
    const v1 = [res("big", "asg-c1", big), res("mid", "asg-c3", mid), res("one", "asg-c2", one)];
    const sgs: Array<[string, Groups]> = [
        ["asg-c1", big],
        ["asg-c3", mid],
        ["asg-c2", one],
    ];

    let r = await op(ctx, () => s.preview(v1));
    row("`preview` of a new stack (3 resources, 38 entries)", countBy(r.calls), {}, "0");

    r = await op(ctx, () => s.up(v1));
    for (const [sg, g] of sgs) {
        const k = count(g);
        const c = minChunks(g);
        row(
            `create, k = ${k} (${g.length} LB × ${g[0].vserverAttributes.length})`,
            countBy(r.calls, sg),
            { Describe: 1, Attach: c },
            `1 Describe + ${c} Attach`,
        );
    }
    const exported = await s.export();
    const provider = exported.deployment.resources!.find((x) => x.urn.endsWith("::big"))!;
    const providerText = String(provider.inputs!.__provider);

    r = await op(ctx, () => s.preview(v1));
    row("`preview`, nothing changed", countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.up(v1));
    row("`up`, nothing changed", countBy(r.calls), {}, "0 (0 Attach/Detach)");

    // One entry changed per resource: re-weight one of big, remove one of mid, add one to one.
    const big2 = JSON.parse(JSON.stringify(big)) as Groups;
    big2[0].vserverAttributes[0].weight = 80;
    const mid2 = entries(6, 7);
    const one2: Groups = [
        { loadbalancerId: callLb(1), vserverAttributes: [one[0].vserverAttributes[0], { vserverGroupId: callRsp(1, 2), port: 80 }] },
    ];
    const v2 = [res("big", "asg-c1", big2), res("mid", "asg-c3", mid2), res("one", "asg-c2", one2)];
    r = await op(ctx, () => s.preview(v2));
    row("`preview` of the update below", countBy(r.calls), {}, "0");
    r = await op(ctx, () => s.up(v2));
    row("update: add 1 entry (k 1 → 2)", countBy(r.calls, "asg-c2"), { Attach: 1 }, "1 Attach + ≤ 1 Describe", 1);
    row("update: remove 1 entry (k 7 → 6)", countBy(r.calls, "asg-c3"), { Detach: 1 }, "1 Detach + ≤ 1 Describe", 1);
    row(
        "update: re-weight 1 entry (k = 30)",
        countBy(r.calls, "asg-c1"),
        { Detach: 1, Attach: 1 },
        "1 Detach + 1 Attach + ≤ 1 Describe",
        1,
    );

    const v3 = [res("big", "asg-c1", big2), res("mid", "asg-c3", mid2, { forceDetach: true }), res("one", "asg-c2", one2)];
    r = await op(ctx, () => s.up(v3));
    row("update: only `forceDetach` changed", countBy(r.calls), {}, "0");

    r = await op(ctx, () => s.refresh());
    row("`refresh`, 3 resources on 3 scaling groups", countBy(r.calls), { Describe: 3 }, "3 Describe (1 per scaling group)");

    r = await op(ctx, () => s.destroy());
    for (const [sg, g] of [
        ["asg-c1", big2],
        ["asg-c3", mid2],
        ["asg-c2", one2],
    ] as Array<[string, Groups]>) {
        const c = minChunks(g);
        row(`destroy, k = ${count(g)}`, countBy(r.calls, sg), { Detach: c }, `${c} Detach`);
    }

    // Two resources on one scaling group (plus two on their own): refresh's minimum is per scaling group.
    const shared = await ctx.real.stack({ name: "calls-shared", env: ctx.env });
    const sp = [
        res("s1a", "asg-s1", [{ loadbalancerId: callLb(1), vserverAttributes: [{ vserverGroupId: callRsp(1, 1), port: 80 }] }]),
        res("s1b", "asg-s1", [{ loadbalancerId: callLb(2), vserverAttributes: [{ vserverGroupId: callRsp(2, 1), port: 80 }] }]),
        res("s2", "asg-s2", one),
        res("s3", "asg-s3", one),
    ];
    await shared.up(sp);
    r = await op(ctx, () => shared.refresh());
    row("`refresh`, 4 resources on 3 scaling groups (2 share one)", countBy(r.calls), { Describe: 3 }, "3 Describe (1 per scaling group)");
    await shared.destroy();

    ctx.goals.push({
        goal: "API calls equal to the minimum in every row",
        met: allOk,
        detail: allOk ? "all rows" : "see ❌ rows in table 1",
    });
    return { md: table(["operation", "minimum", "measured", "= min"], rows), providerText };
}

/** 2. Size of the serialized provider. */
export function sizeSection(ctx: Ctx, providerText: string, baselineText?: string): string {
    const bytes = Buffer.byteLength(providerText, "utf8");
    const ok = bytes <= 16 * 1024;
    ctx.goals.push({ goal: "`__provider` ≤ 16 KB", met: ok, detail: `${bytes} B` });
    const rows: (string | number)[][] = [["ScalingGroupVServerGroups", bytes, (bytes / 1024).toFixed(2), "≤ 16 KB", mark(ok)]];
    if (baselineText)
        rows.push([
            "no-op stand-in (baseline)",
            Buffer.byteLength(baselineText, "utf8"),
            (Buffer.byteLength(baselineText, "utf8") / 1024).toFixed(2),
            "",
            "",
        ]);
    return table(["resource", "`__provider` bytes", "KB", "goal", "met"], rows);
}

/** Parallelism: per-scaling-group serialization and cross-group parallelism, from the call log (150 ms latency per call). */
export async function parallelSection(ctx: Ctx): Promise<string> {
    const LAT = 150;
    const s = await ctx.real.stack({ name: "parallel", env: ctx.env });
    const prog = [
        res("p1a", "asg-s1", [{ loadbalancerId: callLb(1), vserverAttributes: [{ vserverGroupId: callRsp(1, 1), port: 80 }] }]),
        res("p1b", "asg-s1", [{ loadbalancerId: callLb(2), vserverAttributes: [{ vserverGroupId: callRsp(2, 1), port: 80 }] }]),
        res("p1c", "asg-s1", [{ loadbalancerId: callLb(3), vserverAttributes: [{ vserverGroupId: callRsp(3, 1), port: 80 }] }]),
        res("p2", "asg-s2", entries(1, 1)),
        res("p3", "asg-s3", entries(1, 1)),
    ];
    const fault = ctx.emulator.control.addFault({ kind: "latency", latencyMs: LAT });
    const rows: (string | number)[][] = [];
    let ok = true;
    try {
        for (const [name, run] of [
            ["up", () => s.up(prog)],
            ["destroy", () => s.destroy()],
        ] as Array<[string, () => Promise<OperationResult>]>) {
            const { calls } = await op(ctx, run);
            const iv = calls.map((c) => ({ sg: sgOf(c), end: Date.parse(c.time), start: Date.parse(c.time) - (c.latencyMs ?? 0) }));
            const overlap = (xs: typeof iv) => {
                let best = 0;
                for (const x of xs) best = Math.max(best, xs.filter((y) => y.start < x.end - 5 && y.end > x.start + 5).length);
                return best;
            };
            const sameSg = Math.max(0, ...["asg-s1", "asg-s2", "asg-s3"].map((sg) => overlap(iv.filter((x) => x.sg === sg))));
            const all = overlap(iv);
            const rowOk = sameSg === 1 && all >= 3;
            ok &&= rowOk;
            rows.push([`\`${name}\`: 3 resources on asg-s1, 1 each on asg-s2, asg-s3`, calls.length, sameSg, all, mark(rowOk)]);
        }
    } finally {
        ctx.emulator.control.removeFault(fault);
    }
    ctx.goals.push({
        goal: "calls on different scaling groups in parallel, on one scaling group serialized",
        met: ok,
        detail: "max in flight: 1 per group, ≥ 3 across groups",
    });
    return table(
        ["operation (150 ms per call)", "calls", "max in flight on one scaling group (goal 1)", "max in flight overall (goal ≥ 3)", "met"],
        rows,
    );
}
