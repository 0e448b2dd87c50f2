/** Canonical JSON: object keys sorted at every level, so equal records always serialise to equal bytes. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
    }
    return value;
}

export function toBytes(value: unknown): Uint8Array {
    return Buffer.from(canonicalJson(value), 'utf8');
}

/** A transaction's result: canonical JSON. */
export function jsonResult(value: unknown): string {
    return canonicalJson(value);
}
