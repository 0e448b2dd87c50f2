/** Per-client token buckets in memory: `perSecond` tokens refill each second up to `burst`. */
export class RateLimiter {
    readonly #buckets = new Map<string, { tokens: number; at: number }>();
    readonly #perSecond: number;
    readonly #burst: number;
    readonly #now: () => number;

    constructor(options: { perSecond: number; burst: number; now?: () => number }) {
        this.#perSecond = options.perSecond;
        this.#burst = options.burst;
        this.#now = options.now ?? Date.now;
    }

    /** Takes one token; returns 0 when allowed, else the seconds until a token is available. */
    take(client: string): number {
        const now = this.#now();
        const bucket = this.#buckets.get(client) ?? { tokens: this.#burst, at: now };
        bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond);
        bucket.at = now;
        this.#buckets.set(client, bucket);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return 0;
        }
        if (this.#buckets.size > 10_000) {
            this.#sweep(now);
        }
        return Math.ceil((1 - bucket.tokens) / this.#perSecond);
    }

    /** Drops buckets that are full again, so the map does not grow with every client ever seen. */
    #sweep(now: number): void {
        for (const [client, bucket] of this.#buckets) {
            if (bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond >= this.#burst) {
                this.#buckets.delete(client);
            }
        }
    }
}
