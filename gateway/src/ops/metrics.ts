/** A small Prometheus registry: labelled counters and histograms, rendered in the text exposition format. */

type Labels = Readonly<Record<string, string>>;

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels, extra: Labels = {}): string {
    const all = { ...labels, ...extra };
    const parts = Object.keys(all)
        .sort()
        .map((name) => `${name}="${escapeLabel(all[name] ?? '')}"`);
    return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

const keyOf = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

interface Metric {
    render(): string;
}

export class Counter implements Metric {
    readonly #values = new Map<string, { labels: Labels; value: number }>();

    constructor(
        readonly name: string,
        readonly help: string,
    ) {}

    inc(labels: Labels = {}, by = 1): void {
        const key = keyOf(labels);
        const entry = this.#values.get(key) ?? { labels, value: 0 };
        entry.value += by;
        this.#values.set(key, entry);
    }

    value(labels: Labels = {}): number {
        return this.#values.get(keyOf(labels))?.value ?? 0;
    }

    render(): string {
        const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
        for (const { labels, value } of this.#values.values()) {
            lines.push(`${this.name}${labelText(labels)} ${value}`);
        }
        return lines.join('\n');
    }
}

export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Histogram implements Metric {
    readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

    constructor(
        readonly name: string,
        readonly help: string,
        readonly buckets: readonly number[] = DEFAULT_BUCKETS,
    ) {}

    observe(labels: Labels, seconds: number): void {
        const key = keyOf(labels);
        const series = this.#series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
        this.buckets.forEach((bound, i) => {
            if (seconds <= bound) {
                series.counts[i] = (series.counts[i] ?? 0) + 1;
            }
        });
        series.sum += seconds;
        series.count += 1;
        this.#series.set(key, series);
    }

    count(labels: Labels): number {
        return this.#series.get(keyOf(labels))?.count ?? 0;
    }

    render(): string {
        const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
        for (const { labels, counts, sum, count } of this.#series.values()) {
            this.buckets.forEach((bound, i) => {
                lines.push(`${this.name}_bucket${labelText(labels, { le: String(bound) })} ${counts[i] ?? 0}`);
            });
            lines.push(`${this.name}_bucket${labelText(labels, { le: '+Inf' })} ${count}`);
            lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
            lines.push(`${this.name}_count${labelText(labels)} ${count}`);
        }
        return lines.join('\n');
    }
}

/** The gateway's metrics. */
export class Metrics {
    readonly httpRequests = new Counter('mpt_http_requests_total', 'HTTP requests by method, route and status');
    readonly httpDuration = new Histogram('mpt_http_request_duration_seconds', 'HTTP request latency');
    readonly fabricDuration = new Histogram(
        'mpt_fabric_call_duration_seconds',
        'Fabric evaluate/submit latency by transaction and outcome',
    );
    readonly rateLimited = new Counter('mpt_rate_limited_total', 'requests refused by the per-key rate limit');

    render(): string {
        const metrics: Metric[] = [this.httpRequests, this.httpDuration, this.fabricDuration, this.rateLimited];
        return `${metrics.map((m) => m.render()).join('\n')}\n`;
    }
}
