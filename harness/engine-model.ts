// What the Pulumi engine does with a program of several resources and the provider's answers, for
// the provider-level reliability model (test/reliability/model.test.ts). The rules it follows:
// - every `up`, `refresh` and `destroy` is a new plugin process (`configure` first);
// - deletes still pending from a failed replacement run first;
// - resources register in program order; each one's check and diff run when it registers; its
//   create/update runs any time after that, interleaved with the others' in either order, except
//   that a resource with dependsOn registers only once that resource's step is done;
// - a replacement is created when its resource registers; the replaced original, and every resource
//   that left the program (renamed without alias too), are deleted after all registrations;
// - a failed step stops the run: no new step starts; an error carrying id + properties
//   (ErrorResourceInitFailed) records those properties (after a failed replacement the original
//   becomes a pending delete); a plain error leaves that resource's state as it was.
import * as steps from "../provider/steps";
import { toEntries, type Entry } from "../provider/model";
import { resetProviderClients } from "./provider-env";
import type { Rng } from "./reliability-model";
import type { Declared, StackDesired } from "./reliability-programs";

export type Res = { id: string; outs: Record<string, unknown> };
export type Outcome = "ok" | "no-op" | "partial" | "failed";

export const entriesOf = (res: Res): Entry[] => toEntries((res.outs.vserverGroups ?? []) as never);

class StepFailed extends Error {
    constructor(readonly partial: boolean) {
        super("step failed");
    }
}

type Op = "create" | "update" | "replace" | "same";

interface Registered {
    d: Declared;
    inputs: Record<string, unknown>;
    old?: Res;
    op: Op;
}

export class EngineModel {
    /** The resources in state, by name. */
    state = new Map<string, Res>();
    /** Originals of replacements whose delete has not happened yet. */
    pendingDeletes: Res[] = [];
    readonly errors: string[] = [];

    private fail(err: unknown, partial = false): never {
        this.errors.push(err instanceof Error ? err.message : String(err));
        throw new StepFailed(partial);
    }

    private async create(inputs: Record<string, unknown>): Promise<Res> {
        try {
            const r = await steps.create(inputs as never);
            return { id: r.id, outs: r.outs as never };
        } catch (err) {
            const e = err as { id?: string; properties?: Record<string, unknown> };
            if (e.id && e.properties) {
                this.errors.push((err as Error).message);
                throw Object.assign(new StepFailed(true), { res: { id: e.id, outs: e.properties } });
            }
            return this.fail(err);
        }
    }

    private async register(p: StackDesired, d: Declared, taken: Set<string>): Promise<Registered> {
        const oldName = this.state.has(d.name) ? d.name : d.alias;
        const old = oldName ? this.state.get(oldName) : undefined;
        if (old && oldName !== d.name) {
            this.state.delete(oldName!);
            this.state.set(d.name, old); // the engine follows the alias
        }
        taken.add(d.name);
        const checked = await steps.check(old?.outs ?? {}, JSON.parse(JSON.stringify(d.desired.args)));
        if (!checked.inputs) throw new Error(`generator produced invalid inputs: ${JSON.stringify(checked.failures)}`);
        const inputs = checked.inputs as unknown as Record<string, unknown>;
        if (!old) return { d, inputs, op: "create" };
        const diff = await steps.diff(old.id, old.outs as never, inputs as never);
        const op: Op = p.replace.includes(d.name) || (diff.replaces ?? []).length > 0 ? "replace" : diff.changes ? "update" : "same";
        return { d, inputs, old, op };
    }

    private async execute(reg: Registered, replaced: Res[]): Promise<void> {
        const { d, inputs, old, op } = reg;
        if (op === "same") return;
        if (op === "update") {
            try {
                const r = await steps.update(old!.id, old!.outs as never, inputs as never);
                this.state.set(d.name, { id: old!.id, outs: r.outs as never });
            } catch (err) {
                const e = err as { id?: string; properties?: Record<string, unknown> };
                if (e.id && e.properties) this.state.set(d.name, { id: e.id, outs: e.properties });
                this.fail(err, Boolean(e.id && e.properties));
            }
            return;
        }
        try {
            this.state.set(d.name, await this.create(inputs));
            if (old) replaced.push(old);
        } catch (err) {
            const res = (err as { res?: Res }).res;
            if (res) {
                this.state.set(d.name, res);
                if (old) this.pendingDeletes.push(old);
            }
            throw err;
        }
    }

    private async remove(res: Res): Promise<void> {
        try {
            await steps.delete(res.id, res.outs as never);
        } catch (err) {
            this.fail(err);
        }
    }

    /** `pulumi up` of program `p`; `r` picks the order of the steps the engine may run either way. */
    async up(p: StackDesired, r: Rng): Promise<Outcome> {
        await resetProviderClients();
        let changed = false;
        try {
            for (const pd of [...this.pendingDeletes]) {
                await this.remove(pd);
                this.pendingDeletes = this.pendingDeletes.filter((x) => x !== pd);
                changed = true;
            }
            const taken = new Set<string>();
            const replaced: Res[] = [];
            const waiting: Registered[] = [];
            const done = new Set<string>();
            let next = 0;
            while (next < p.resources.length || waiting.length > 0) {
                const d = p.resources[next];
                const canRegister = d !== undefined && (d.dependsOn === undefined || done.has(d.dependsOn));
                const pick = Math.floor(r() * (waiting.length + (canRegister ? 1 : 0)));
                if (pick === waiting.length) {
                    waiting.push(await this.register(p, d, taken));
                    next++;
                } else {
                    const [reg] = waiting.splice(pick, 1);
                    if (reg.op !== "same") changed = true;
                    await this.execute(reg, replaced);
                    done.add(reg.d.name);
                }
            }
            const gone = [...this.state].filter(([name]) => !taken.has(name));
            const deletes = [...gone.map(([name, res]) => ({ name, res })), ...replaced.map((res) => ({ name: undefined, res }))];
            for (const { name, res } of deletes.sort(() => r() - 0.5)) {
                changed = true;
                if (name === undefined) this.pendingDeletes.push(res); // marked delete until it is gone
                await this.remove(res);
                if (name === undefined) this.pendingDeletes = this.pendingDeletes.filter((x) => x !== res);
                else this.state.delete(name);
            }
        } catch (err) {
            if (err instanceof StepFailed) return err.partial ? "partial" : "failed";
            throw err;
        }
        return changed ? "ok" : "no-op";
    }

    /** `pulumi refresh`: read every resource in the state; id "" means it is gone. */
    async refresh(): Promise<void> {
        await resetProviderClients();
        const readOne = async (res: Res): Promise<Res | undefined> => {
            const out = await steps.read(res.id, res.outs as never);
            return out.id ? { id: out.id, outs: out.props as never } : undefined;
        };
        for (const [name, res] of [...this.state]) {
            const now = await readOne(res);
            if (now) this.state.set(name, now);
            else this.state.delete(name);
        }
        const kept: Res[] = [];
        for (const pd of this.pendingDeletes) {
            const now = await readOne(pd);
            if (now) kept.push(now);
        }
        this.pendingDeletes = kept;
    }

    /** `pulumi destroy`: pending deletes, then every resource, in an order `r` picks. */
    async destroy(r: Rng): Promise<boolean> {
        await resetProviderClients();
        try {
            for (const pd of [...this.pendingDeletes]) {
                await this.remove(pd);
                this.pendingDeletes = this.pendingDeletes.filter((x) => x !== pd);
            }
            for (const [name, res] of [...this.state].sort(() => r() - 0.5)) {
                await this.remove(res);
                this.state.delete(name);
            }
        } catch (err) {
            if (err instanceof StepFailed) return false;
            throw err;
        }
        return true;
    }
}
