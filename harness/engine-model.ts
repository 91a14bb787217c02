// What the Pulumi engine does with a program of several resources and the provider's answers, for
// the provider-level reliability model (test/reliability/model.test.ts). The rules it follows:
// - every `up`, `refresh` and `destroy` is a new plugin process (`configure` first);
// - `up --refresh` first reads every resource in state (a managed one with its state, a `get` one
//   with its last outputs, pending deletes too) in that same process, then runs the up;
// - a second provider text in one run (state written by another release) configures the plugin
//   again, in the same process: what it knows of ownership stays;
// - deletes still pending from a failed replacement run first;
// - resources register in program order; each one's check and diff run when it registers; its
//   create/update runs any time after that, interleaved with the others' in either order, except
//   that a resource with dependsOn registers only once that resource's step is done;
// - each managed resource's raw inputs carry `declaredByOthers`, as the resource class computes it
//   from the program (see reliability-programs.ts);
// - a `get` resource is read when it registers (with the props its program gives it); it has no
//   step of its own, and leaving the program drops it from state without a delete;
// - a replacement is created when its resource registers; the replaced original, and every resource
//   that left the program (renamed without alias too), are deleted after all registrations;
// - a targeted run (`--target`, `--exclude`, resources `--continue-on-error` skipped) calls
//   check/diff/create/update/delete only for the targeted resources (names in the program, or in
//   state for a delete); the others, `get` ones too, keep their state untouched;
// - a failed step stops the run: no new step starts; an error carrying id + properties
//   (ErrorResourceInitFailed) records those properties with init errors (after a failed replacement
//   the original becomes a pending delete); a plain error leaves that resource's state as it was;
// - a resource with init errors gets an update on the next `up` even if its diff says no change;
//   a successful update, create or read clears them.
import * as steps from "../provider/steps";
import { toEntries, type Entry } from "../provider/kinds/vserver-groups/model";
import { configureAgain, freshPluginProcess, REGION } from "./provider-env";
import type { Rng } from "./reliability-model";
import { declaredByOthers, type Declared, type Observed, type StackDesired } from "./reliability-programs";

export type Res = { id: string; outs: Record<string, unknown> };
export type Outcome = "ok" | "no-op" | "partial" | "failed";

/** The original of a replacement whose delete has not happened yet, under its resource's name. */
export interface PendingDelete {
    name: string;
    res: Res;
}

export const entriesOf = (res: Res): Entry[] => toEntries((res.outs.vserverGroups ?? []) as never);

/** A `get` resource's state: it lists every entry attached to its scaling group and owns none of them. */
export const isGet = (res: Res): boolean => res.outs.managed === false;

/** How one `pulumi up` runs. */
export interface UpOptions {
    /** `up --refresh`: read every resource in state first, in the same plugin process. */
    refresh?: boolean;
    /** A targeted run: only these resources get steps. Undefined: every resource. */
    targets?: ReadonlySet<string>;
    /**
     * A second provider text: `configure` again (ownership kept) before this action of the run (0 =
     * the first: pending deletes, registrations and steps count), or right before its deletes.
     */
    reconfigureAt?: number | "deletes";
}

class StepFailed extends Error {
    constructor(readonly partial: boolean) {
        super("step failed");
    }
}

type Op = "create" | "update" | "replace" | "same" | "untargeted";

interface Registered {
    d: Declared;
    inputs: Record<string, unknown>;
    old?: Res;
    op: Op;
}

export class EngineModel {
    /** The resources in state, by name (`get` ones too). */
    state = new Map<string, Res>();
    /** Originals of replacements whose delete has not happened yet. */
    pendingDeletes: PendingDelete[] = [];
    /** Resources whose last step failed with their properties: the next `up` updates them. */
    readonly initErrors = new Set<string>();
    readonly errors: string[] = [];
    /** How many times a run configured the plugin a second time. */
    reconfigured = 0;
    /** `get` resources read when they registered. */
    observed = 0;
    private action = 0;
    private reconfigureAt: number | "deletes" | undefined;

    private fail(err: unknown, partial = false): never {
        this.errors.push(err instanceof Error ? err.message : String(err));
        throw new StepFailed(partial);
    }

    /** Before each action of a run: the second provider text arrives at the action chosen. */
    private async tick(at: "deletes" | undefined = undefined): Promise<void> {
        if ((at ?? this.action++) !== this.reconfigureAt) return;
        await configureAgain();
        this.reconfigured++;
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

    private rename(from: string, to: string): void {
        const res = this.state.get(from)!;
        this.state.delete(from);
        this.state.set(to, res); // the engine follows the alias
        if (this.initErrors.delete(from)) this.initErrors.add(to);
    }

    private async register(p: StackDesired, d: Declared, taken: Set<string>, targeted: boolean): Promise<Registered> {
        const oldName = this.state.has(d.name) ? d.name : d.alias;
        const old = oldName ? this.state.get(oldName) : undefined;
        if (old && oldName !== d.name) this.rename(oldName!, d.name);
        taken.add(d.name);
        if (!targeted) return { d, inputs: {}, old, op: "untargeted" };
        const raw = { ...JSON.parse(JSON.stringify(d.desired.args)), resourceName: d.name, declaredByOthers: declaredByOthers(p, d) };
        const checked = await steps.check(old?.outs ?? {}, raw);
        if (!checked.inputs) throw new Error(`generator produced invalid inputs: ${JSON.stringify(checked.failures)}`);
        const inputs = checked.inputs as unknown as Record<string, unknown>;
        if (!old) return { d, inputs, op: "create" };
        const diff = await steps.diff(old.id, old.outs as never, inputs as never);
        const op: Op =
            p.replace.includes(d.name) || (diff.replaces ?? []).length > 0
                ? "replace"
                : diff.changes || this.initErrors.has(d.name)
                  ? "update"
                  : "same";
        return { d, inputs, old, op };
    }

    /** A `get` resource registers: the engine reads it with the props its program gives. */
    private async observe(g: Observed): Promise<void> {
        const props = g.props === "none" ? {} : { scalingGroupId: g.scalingGroupId, region: REGION };
        let out: Awaited<ReturnType<typeof steps.read>>;
        try {
            out = await steps.read(g.scalingGroupId, props);
        } catch (err) {
            return this.fail(err);
        }
        if (!out.id) this.fail(new Error(`get ${g.name}: resource ${g.scalingGroupId} does not exist`));
        this.state.set(g.name, { id: out.id, outs: out.props as never });
        this.observed++;
    }

    private async execute(reg: Registered, replaced: PendingDelete[]): Promise<void> {
        const { d, inputs, old, op } = reg;
        if (op === "same" || op === "untargeted") return;
        if (op === "update") {
            try {
                const r = await steps.update(old!.id, old!.outs as never, inputs as never);
                this.state.set(d.name, { id: old!.id, outs: r.outs as never });
                this.initErrors.delete(d.name);
            } catch (err) {
                const e = err as { id?: string; properties?: Record<string, unknown> };
                if (e.id && e.properties) {
                    this.state.set(d.name, { id: e.id, outs: e.properties });
                    this.initErrors.add(d.name);
                }
                this.fail(err, Boolean(e.id && e.properties));
            }
            return;
        }
        try {
            this.state.set(d.name, await this.create(inputs));
            this.initErrors.delete(d.name);
            if (old) replaced.push({ name: d.name, res: old });
        } catch (err) {
            const res = (err as { res?: Res }).res;
            if (res) {
                this.state.set(d.name, res);
                this.initErrors.add(d.name);
                if (old) this.pendingDeletes.push({ name: d.name, res: old });
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

    /** What a targeted run may name: the program's managed resources, and those in state it deletes. */
    targetable(p: StackDesired): string[] {
        const inProgram = new Set(p.resources.map((d) => d.name));
        const aliased = new Set(p.resources.filter((d) => !this.state.has(d.name) && d.alias).map((d) => d.alias!));
        const gone = [...this.state]
            .filter(([name, res]) => !isGet(res) && !inProgram.has(name) && !aliased.has(name))
            .map(([name]) => name);
        const pending = this.pendingDeletes.map((pd) => pd.name).filter((name) => !inProgram.has(name));
        return [...new Set([...inProgram, ...gone, ...pending])];
    }

    /** `pulumi up` of program `p`; `r` picks the order of the steps the engine may run either way. */
    async up(p: StackDesired, r: Rng, opts: UpOptions = {}): Promise<Outcome> {
        await freshPluginProcess();
        this.action = 0;
        this.reconfigureAt = opts.reconfigureAt;
        const targeted = (name: string) => opts.targets === undefined || opts.targets.has(name);
        let changed = false;
        try {
            if (opts.refresh) {
                try {
                    await this.readAll();
                } catch (err) {
                    this.fail(err);
                }
            }
            for (const pd of [...this.pendingDeletes]) {
                if (!targeted(pd.name)) continue;
                await this.tick();
                await this.remove(pd.res);
                this.pendingDeletes = this.pendingDeletes.filter((x) => x !== pd);
                changed = true;
            }
            // Registration order: the managed resources in program order, `get` ones anywhere among them.
            const items: Array<{ d: Declared } | { g: Observed }> = p.resources.map((d) => ({ d }));
            for (const g of p.gets) items.splice(Math.floor(r() * (items.length + 1)), 0, { g });
            const taken = new Set<string>();
            const replaced: PendingDelete[] = [];
            const waiting: Registered[] = [];
            const done = new Set<string>();
            let next = 0;
            while (next < items.length || waiting.length > 0) {
                await this.tick();
                const item = items[next];
                const canRegister = item !== undefined && ("g" in item || item.d.dependsOn === undefined || done.has(item.d.dependsOn));
                const pick = Math.floor(r() * (waiting.length + (canRegister ? 1 : 0)));
                if (pick === waiting.length) {
                    if ("g" in item) {
                        taken.add(item.g.name);
                        if (opts.targets === undefined) await this.observe(item.g);
                    } else {
                        waiting.push(await this.register(p, item.d, taken, targeted(item.d.name)));
                    }
                    next++;
                } else {
                    const [reg] = waiting.splice(pick, 1);
                    if (reg.op !== "same" && reg.op !== "untargeted") changed = true;
                    await this.execute(reg, replaced);
                    done.add(reg.d.name);
                }
            }
            const gone = [...this.state].filter(([name]) => !taken.has(name) && targeted(name));
            for (const [name, res] of gone) {
                if (!isGet(res)) continue;
                this.state.delete(name); // no step: a `get` resource owns nothing
                changed = true;
            }
            const deletes = [
                ...gone.filter(([, res]) => !isGet(res)).map(([name, res]) => ({ name, res, original: false })),
                ...replaced.map((pd) => ({ ...pd, original: true })),
            ];
            await this.tick("deletes");
            for (const { name, res, original } of deletes.sort(() => r() - 0.5)) {
                await this.tick();
                changed = true;
                const pd = { name, res };
                if (original) this.pendingDeletes.push(pd); // marked delete until it is gone
                await this.remove(res);
                if (original) this.pendingDeletes = this.pendingDeletes.filter((x) => x !== pd);
                else {
                    this.state.delete(name);
                    this.initErrors.delete(name);
                }
            }
        } catch (err) {
            if (err instanceof StepFailed) return err.partial ? "partial" : "failed";
            throw err;
        } finally {
            this.reconfigureAt = undefined;
        }
        return changed ? "ok" : "no-op";
    }

    /** Reads every resource in state, pending deletes too; id "" means it is gone. */
    private async readAll(): Promise<void> {
        const readOne = async (res: Res): Promise<Res | undefined> => {
            const out = await steps.read(res.id, res.outs as never);
            return out.id ? { id: out.id, outs: out.props as never } : undefined;
        };
        for (const [name, res] of [...this.state]) {
            const now = await readOne(res);
            if (now) this.state.set(name, now);
            else this.state.delete(name);
            this.initErrors.delete(name);
        }
        const kept: PendingDelete[] = [];
        for (const pd of this.pendingDeletes) {
            const now = await readOne(pd.res);
            if (now) kept.push({ name: pd.name, res: now });
        }
        this.pendingDeletes = kept;
    }

    /** `pulumi refresh`: read every resource in the state. */
    async refresh(): Promise<void> {
        await freshPluginProcess();
        await this.readAll();
    }

    /** `pulumi destroy`: pending deletes, then every resource, in an order `r` picks (`get` ones just leave state). */
    async destroy(r: Rng): Promise<boolean> {
        await freshPluginProcess();
        try {
            for (const pd of [...this.pendingDeletes]) {
                await this.remove(pd.res);
                this.pendingDeletes = this.pendingDeletes.filter((x) => x !== pd);
            }
            for (const [name, res] of [...this.state].sort(() => r() - 0.5)) {
                if (!isGet(res)) await this.remove(res);
                this.state.delete(name);
                this.initErrors.delete(name);
            }
        } catch (err) {
            if (err instanceof StepFailed) return false;
            throw err;
        }
        return true;
    }
}
