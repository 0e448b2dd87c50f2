/** The gateway's Prometheus metrics, kept by prom-client. */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProjectionStatus } from '../projection';

/** Latency buckets in seconds: a cached read takes milliseconds, a submit waits for the commit. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

let processMetrics: Registry | undefined;

/**
 * prom-client's default process and Node.js metrics (CPU, memory, file descriptors, event-loop lag, GC), collected
 * once per process: every collection starts an event-loop monitor and a GC observer that are never stopped, so
 * one per Metrics instance would pile up in tests that build many apps. They describe the process, not an app.
 */
function processRegistry(): Registry {
    if (processMetrics === undefined) {
        processMetrics = new Registry();
        collectDefaultMetrics({ register: processMetrics });
    }
    return processMetrics;
}

/** The gateway's metrics in a registry of their own (never prom-client's global one), plus the process metrics. */
export class Metrics {
    // a new registry holding the shared process metrics; the gateway's own metrics are added to it below
    readonly #registry = Registry.merge([processRegistry()]);
    readonly #httpRequests = new Counter({
        name: 'mpt_http_requests_total',
        help: 'HTTP requests by method, route and status',
        labelNames: ['method', 'route', 'status'] as const,
        registers: [this.#registry],
    });
    readonly #httpDuration = new Histogram({
        name: 'mpt_http_request_duration_seconds',
        help: 'HTTP request latency',
        labelNames: ['method', 'route'] as const,
        buckets: BUCKETS,
        registers: [this.#registry],
    });
    readonly #fabricDuration = new Histogram({
        name: 'mpt_fabric_call_duration_seconds',
        help: 'Fabric evaluate/submit latency by transaction and outcome',
        labelNames: ['fn', 'kind', 'outcome'] as const,
        buckets: BUCKETS,
        registers: [this.#registry],
    });
    readonly #rateLimited = new Counter({
        name: 'mpt_rate_limited_total',
        help: 'requests refused by the per-key rate limit',
        registers: [this.#registry],
    });

    readonly #projectionBlock = this.#orgGauge(
        'mpt_projection_last_block',
        'last block applied to the org read model (-1 before block 0)',
    );
    readonly #projectionHeight = this.#orgGauge(
        'mpt_projection_peer_height',
        "height of the org peer's ledger (last block + 1), as last seen",
    );
    readonly #projectionLag = this.#orgGauge(
        'mpt_projection_lag_blocks',
        'blocks the org peer has that its read model has not applied yet',
    );
    readonly #projectionFailing = this.#orgGauge(
        'mpt_projection_failing',
        '1 while the org projection is failing (peer unreachable, database refusing writes) and retrying',
    );
    #projections: (() => Promise<readonly ProjectionStatus[]>) | undefined;

    #orgGauge(name: string, help: string): Gauge<'org'> {
        return new Gauge({ name, help, labelNames: ['org'] as const, registers: [this.#registry] });
    }

    /** Reports the projections' progress with every scrape. */
    watchProjections(statuses: () => Promise<readonly ProjectionStatus[]>): void {
        this.#projections = statuses;
    }

    /** One answered HTTP request; `route` is a route pattern or `unmatched`, never the raw path. */
    request(method: string, route: string, status: number, seconds: number): void {
        this.#httpRequests.inc({ method, route, status: String(status) });
        this.#httpDuration.observe({ method, route }, seconds);
    }

    /** One ledger call: `kind` evaluate/submit/status, `fn` the transaction, `outcome` ok or the failure. */
    fabricCall(kind: string, fn: string, outcome: string, seconds: number): void {
        this.#fabricDuration.observe({ fn, kind, outcome }, seconds);
    }

    /** One request refused by a rate limit. */
    rateLimited(): void {
        this.#rateLimited.inc();
    }

    /** The Content-Type of `render()`'s text, as prom-client gives it. */
    get contentType(): string {
        return this.#registry.contentType;
    }

    /** Every metric in the Prometheus text exposition format. */
    async render(): Promise<string> {
        for (const status of (await this.#projections?.()) ?? []) {
            const labels = { org: status.org };
            this.#projectionBlock.set(labels, status.lastBlock ?? -1);
            if (status.peerHeight !== null) this.#projectionHeight.set(labels, status.peerHeight);
            if (status.lagBlocks !== null) this.#projectionLag.set(labels, status.lagBlocks);
            this.#projectionFailing.set(labels, status.state === 'failing' ? 1 : 0);
        }
        return this.#registry.metrics();
    }
}
