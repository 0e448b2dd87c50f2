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
    let text: string;
    try {
        const res = await fetch(`http://${operationsAddress}/metrics`, { signal: AbortSignal.timeout(2000) });
        text = await res.text();
    } catch {
        return undefined;
    }
    const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) {
            continue;
        }
        const labelText = line.slice(name.length).split('}')[0] ?? '';
        if (wanted.every((pair) => labelText.includes(pair))) {
            return Number(line.slice(line.lastIndexOf(' ') + 1));
        }
    }
    return undefined;
}
