/**
 * `Format=XML` answers in the gateway's layout: `<?xml ...?>` then one root element
 * (`<ActionResponse>`, or `<Error>` for a failure) with a child per field. An array under a key
 * repeats that key's element, so 2014-08-28's `{ScalingGroups: {ScalingGroup: [a, b]}}` reads
 * `<ScalingGroups><ScalingGroup>a</ScalingGroup><ScalingGroup>b</ScalingGroup></ScalingGroups>`.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

function escape(text: string): string {
    return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function element(name: string, value: unknown): string {
    if (Array.isArray(value)) return value.map((item) => element(name, item)).join("");
    if (value !== null && typeof value === "object") {
        const children = Object.entries(value as Record<string, unknown>).map(([k, v]) => element(k, v));
        return `<${name}>${children.join("")}</${name}>`;
    }
    return `<${name}>${escape(String(value ?? ""))}</${name}>`;
}

export function toXml(root: string, body: Record<string, unknown>): string {
    return `<?xml version="1.0" encoding="UTF-8"?>${element(root, body)}`;
}
