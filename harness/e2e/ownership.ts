// What the ownership suites check after every engine step: what the emulator holds on asg-1, what
// state claims (per resource) and which calls the step made. Shared by test/e2e/ownership*.e2e.test.ts.
import type { Emulator, StateSeed } from "../../emulator";
import { toEntries, type Entry, type VServerGroup } from "../../provider/kinds/vserver-groups/model";
import { attachedOf, callCounts, entry, REGION } from "../provider-env";
import type { E2EStack } from "./stack";
import type { OperationResult, ResourceOptionsSpec, ResourceSpec } from "./protocol";

/** The cloud of the ownership suites: scaling group asg-1 (instances i-1, i-2), load balancers lb-0, lb-1, lb-9 with groups rsp-<lb>-0..4. */
export function ownershipSeed(): StateSeed {
    return {
        scalingGroups: [{ scalingGroupId: "asg-1", regionId: REGION, instances: ["i-1", "i-2"], vServerGroupQuota: 20 }],
        loadBalancers: [0, 1, 9].map((lb) => ({
            loadBalancerId: `lb-${lb}`,
            regionId: REGION,
            vServerGroups: [0, 1, 2, 3, 4].map((g) => `rsp-${lb}-${g}`),
        })),
    };
}

/** Attached by someone else before every test: every step must leave it alone. */
export const OTHER = entry("lb-9", "rsp-9-0", 9000, 10);

/** A ScalingGroupVServerGroups resource of the program, declaring `entries` on asg-1. */
export function attachment(name: string, entries: Entry[], opts?: ResourceOptionsSpec, extra: Record<string, unknown> = {}): ResourceSpec {
    const groups = new Map<string, VServerGroup>();
    for (const e of entries) {
        const g = groups.get(e.loadbalancerId) ?? { loadbalancerId: e.loadbalancerId, vserverAttributes: [] };
        g.vserverAttributes.push({ vserverGroupId: e.vserverGroupId, port: e.port, weight: e.weight });
        groups.set(e.loadbalancerId, g);
    }
    return { name, args: JSON.parse(JSON.stringify({ scalingGroupId: "asg-1", vserverGroups: [...groups.values()], ...extra })), opts };
}

/**
 * What state claims: the entries of every live managed resource, by name (a `get` resource is
 * external and owns nothing); no pending operation, no resource marked for deletion, no uncertain mark.
 */
export async function claims(s: E2EStack): Promise<Record<string, Entry[]>> {
    const state = await s.export();
    expect(state.deployment.pending_operations ?? []).toEqual([]);
    const out: Record<string, Entry[]> = {};
    for (const r of state.deployment.resources ?? []) {
        if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:") || (r as { external?: boolean }).external) continue;
        expect(r.delete).toBeFalsy();
        const outputs = (r.outputs ?? {}) as { vserverGroups?: VServerGroup[]; uncertain?: boolean };
        expect(outputs.uncertain).toBeUndefined();
        out[r.urn.split("::").pop()!] = toEntries(outputs.vserverGroups ?? []);
    }
    return out;
}

/** What state claims as the up's outputs report it (one per resource of the program): no extra engine run. */
export function outputClaims(result: OperationResult): Record<string, Entry[]> {
    return Object.fromEntries(
        Object.entries(result.outputs ?? {}).map(([name, { value }]) => [
            name,
            toEntries((value as { vserverGroups?: VServerGroup[] }).vserverGroups ?? []),
        ]),
    );
}

/** The URN of a resource of the stack, by name. */
export async function urnOf(s: E2EStack, name: string): Promise<string> {
    const state = await s.export();
    const r = (state.deployment.resources ?? []).find((x) => x.urn.endsWith(`::${name}`));
    if (!r) throw new Error(`no resource ${name} in the state of ${s.name}`);
    return r.urn;
}

/** One emulator's view for a suite: steps with a clean call log, recorded for the report at the end. */
export class OwnershipBed {
    readonly callLog: string[] = [];

    constructor(readonly emulator: Emulator) {}

    /** What the emulator holds on asg-1, in canonical order. */
    attached(): Entry[] {
        return attachedOf(this.emulator, "asg-1");
    }

    /** The VServer group ids each DetachVServerGroups call of the step named. */
    detachedIds(): string[][] {
        return this.emulator.control
            .calls({ action: "DetachVServerGroups" })
            .map((c) => Object.entries(c.params).flatMap(([k, v]) => (k.endsWith(".VServerGroupId") ? [String(v)] : [])));
    }

    /** Runs one step with a clean call log; records and returns the calls it made. */
    async step<T>(
        label: string,
        run: () => Promise<T>,
        { faultsExpected = false } = {},
    ): Promise<{ result: T; calls: Record<string, number>; detached: string[][] }> {
        this.emulator.control.clearCalls();
        const result = await run();
        const calls = callCounts(this.emulator);
        const detached = this.detachedIds();
        this.callLog.push(`${label}: ${JSON.stringify(calls)}${detached.length ? ` detached ${JSON.stringify(detached)}` : ""}`);
        if (!faultsExpected) expect(this.emulator.control.calls({ ok: false })).toEqual([]);
        return { result, calls, detached };
    }

    /** `pulumi destroy`: only the others' entry is left, and state holds no resource. */
    async destroyed(s: E2EStack, options: Record<string, unknown> = {}): Promise<string[][]> {
        const { detached } = await this.step("destroy", () => s.destroy(undefined, { options }));
        expect(this.attached()).toEqual([OTHER]);
        expect(await claims(s)).toEqual({});
        return detached;
    }

    /** Prints the calls of every step, by test. */
    print(): void {
        console.log(`calls by step:\n  ${this.callLog.join("\n  ")}`);
    }
}
