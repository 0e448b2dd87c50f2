/** Reads a node's operations endpoint: /healthz and Prometheus /metrics. */

export async function healthy(operationsAddress: string): Promise<boolean> {
    try {
        const res = await fetch(`http://${operationsAddress}/healthz`, { signal: AbortSignal.timeout(2000) });
        return res.ok;
    } catch {
        return false;
    }
}

/** Value of one metric sample whose labels include all of `labels`, or undefined. */
export async function metric(
    operationsAddress: string,
    name: string,
    labels: Record<string, string> = {},
): Promise<number | undefined> {
    return (await metrics(operationsAddress, [name], labels)).get(name);
}

/**
 * Values of several metrics from one read of /metrics: for each name, its first sample whose labels include all of
 * `labels`. A name without such a sample, or a node that does not answer, leaves it out.
 */
export async function metrics(
    operationsAddress: string,
    names: readonly string[],
    labels: Record<string, string> = {},
): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    let text: string;
    try {
        const res = await fetch(`http://${operationsAddress}/metrics`, { signal: AbortSignal.timeout(2000) });
        text = await res.text();
    } catch {
        return found;
    }
    const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    for (const line of text.split('\n')) {
        const name = names.find((n) => !found.has(n) && (line.startsWith(`${n}{`) || line.startsWith(`${n} `)));
        if (name === undefined) {
            continue;
        }
        const labelText = line.slice(name.length).split('}')[0] ?? '';
        if (wanted.every((pair) => labelText.includes(pair))) {
            found.set(name, Number(line.slice(line.lastIndexOf(' ') + 1)));
        }
    }
    return found;
}
