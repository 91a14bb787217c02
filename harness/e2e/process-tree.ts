// Linux process-tree killing: a killed `up` must take the runner, the pulumi CLI and every
// plugin with it, even those that set their own process group.
import * as fs from "fs";

/** All descendants of `pid` (Linux /proc), deepest last. */
function descendants(pid: number): number[] {
    let entries: string[];
    try {
        entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
    } catch {
        return [];
    }
    const children = new Map<number, number[]>();
    for (const e of entries) {
        try {
            const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            const list = children.get(ppid) ?? [];
            list.push(Number(e));
            children.set(ppid, list);
        } catch {
            /* process gone */
        }
    }
    const out: number[] = [];
    const queue = [pid];
    while (queue.length) {
        const p = queue.shift()!;
        for (const c of children.get(p) ?? []) {
            out.push(c);
            queue.push(c);
        }
    }
    return out;
}

/** SIGKILL a process group leader, its group, and every descendant (plugins may set their own pgid). */
export function killTree(pid: number): void {
    const all = descendants(pid);
    const groups = new Set<number>([pid]);
    for (const p of all) {
        try {
            const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
            groups.add(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]));
        } catch {
            /* gone */
        }
    }
    // Stop the tree first so nothing spawns more children while we kill.
    for (const p of [pid, ...all]) {
        try {
            process.kill(p, "SIGSTOP");
        } catch {
            /* gone */
        }
    }
    for (const g of groups) {
        if (g <= 1 || g === process.pid) continue;
        try {
            process.kill(-g, "SIGKILL");
        } catch {
            /* gone */
        }
    }
    for (const p of [pid, ...all]) {
        try {
            process.kill(p, "SIGKILL");
        } catch {
            /* gone */
        }
    }
}
