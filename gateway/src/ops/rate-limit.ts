import type { Awaitable } from '../store/awaitable';

/**
 * Token buckets per client: in this process ({@link RateLimiter}) or shared by every gateway instance on one
 * PostgreSQL (`state/pg-rate-limit.ts`), so a client spreading requests over instances gets one budget.
 */
export interface RateLimit {
    take(client: string): Awaitable<number>;
}

export interface RateLimitOptions {
    /** Tokens refilled each second. */
    readonly perSecond: number;
    /** Most tokens a bucket holds: the requests a client may make at once. */
    readonly burst: number;
    readonly now?: () => number;
}

/** Most clients tracked at once. */
export const MAX_CLIENTS = 10_000;

/** Per-client token buckets in memory: `perSecond` tokens refill each second up to `burst`. */
export class RateLimiter implements RateLimit {
    readonly #buckets = new Map<string, { tokens: number; at: number }>();
    readonly #perSecond: number;
    readonly #burst: number;
    readonly #now: () => number;

    constructor(options: RateLimitOptions) {
        this.#perSecond = options.perSecond;
        this.#burst = options.burst;
        this.#now = options.now ?? Date.now;
    }

    take(client: string): number {
        const now = this.#now();
        if (!this.#buckets.has(client) && this.#buckets.size >= MAX_CLIENTS) {
            this.#makeRoom(now);
        }
        const bucket = this.#buckets.get(client) ?? { tokens: this.#burst, at: now };
        bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond);
        bucket.at = now;
        this.#buckets.set(client, bucket);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return 0;
        }
        return Math.ceil((1 - bucket.tokens) / this.#perSecond);
    }

    /** How many clients are tracked (bounded by {@link MAX_CLIENTS}). */
    get size(): number {
        return this.#buckets.size;
    }

    /**
     * Keeps the map bounded whoever asks (a client rotating addresses is never refused, so it must not grow the map):
     * drops buckets that are full again, then, if still at the cap, the oldest tenth.
     */
    #makeRoom(now: number): void {
        for (const [client, bucket] of this.#buckets) {
            if (bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond >= this.#burst) {
                this.#buckets.delete(client);
            }
        }
        let excess = this.#buckets.size - Math.floor(MAX_CLIENTS * 0.9);
        for (const client of this.#buckets.keys()) {
            if (excess-- <= 0) break;
            this.#buckets.delete(client);
        }
    }
}
