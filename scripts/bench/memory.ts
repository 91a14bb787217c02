// Peak memory of the dynamic-provider plugin (`pulumi-resource-pulumi-nodejs` runs
// `node …/@pulumi/pulumi/cmd/dynamic-provider`): found in /proc among this process's descendants
// (so other work on the machine is never counted), its VmHWM (the kernel's peak RSS) and VmRSS
// read every 100 ms while an operation runs. VmHWM only grows, so the last sample before the
// plugin exits holds its peak (up to what it gained in its last 100 ms).
import * as fs from "node:fs";

const EVERY_MS = 100;
/** The plugin's script argument (the wrapper's `node -e "…require.resolve('…/cmd/dynamic-provider')"` is not it). */
const PLUGIN = /^\/.*\/@pulumi\/pulumi\/cmd\/dynamic-provider(\/index\.js)?$/;

export interface PluginPeak {
    /** Largest VmHWM seen over the plugin processes (kB); 0 when none was seen. */
    hwmKb: number;
    /** Largest VmRSS sampled (kB): a cross-check of hwmKb. */
    rssKb: number;
    /** Plugin processes seen. */
    processes: number;
    samples: number;
}

/** Parent pid → children, from /proc/<pid>/stat. */
function childrenMap(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const e of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(e)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            out.set(ppid, [...(out.get(ppid) ?? []), Number(e)]);
        } catch {
            /* gone */
        }
    }
    return out;
}

function descendants(root: number): number[] {
    const children = childrenMap();
    const out: number[] = [];
    const queue = [root];
    while (queue.length) {
        for (const c of children.get(queue.shift()!) ?? []) {
            out.push(c);
            queue.push(c);
        }
    }
    return out;
}

function statusKb(pid: number): { hwm: number; rss: number } | undefined {
    try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        if (!argv.slice(1).some((a) => PLUGIN.test(a))) return undefined;
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = (field: string) => Number(new RegExp(`${field}:\\s*(\\d+)`).exec(status)?.[1] ?? 0);
        return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
    } catch {
        return undefined;
    }
}

/** Samples the plugin processes under this process until the returned function is called; it answers the peaks. */
export function samplePluginMemory(): () => PluginPeak {
    const peak: PluginPeak = { hwmKb: 0, rssKb: 0, processes: 0, samples: 0 };
    const seen = new Set<number>();
    // A plugin of the operation before may still be exiting: not this operation's.
    const before = new Set(descendants(process.pid));
    const sample = () => {
        peak.samples++;
        for (const pid of descendants(process.pid)) {
            if (before.has(pid)) continue;
            const s = statusKb(pid);
            if (!s) continue;
            seen.add(pid);
            peak.hwmKb = Math.max(peak.hwmKb, s.hwm);
            peak.rssKb = Math.max(peak.rssKb, s.rss);
        }
    };
    const timer = setInterval(sample, EVERY_MS);
    return () => {
        clearInterval(timer);
        peak.processes = seen.size;
        return peak;
    };
}

export const mib = (kb: number) => (kb / 1024).toFixed(0);
