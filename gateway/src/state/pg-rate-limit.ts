import { sql, type Kysely } from 'kysely';
import type { RateLimit, RateLimitOptions } from '../ops/rate-limit';
import type { GatewayStateTables } from './schema';

/**
 * A token bucket per client in PostgreSQL, shared by every gateway instance: each take is one INSERT … ON CONFLICT
 * DO UPDATE … RETURNING, which refills the bucket for the time passed, takes a token when there is one and says
 * whether it did, under the row's lock (two instances taking at once queue on the row, never both take the last).
 */
export class PgRateLimiter implements RateLimit {
    readonly #db: Kysely<GatewayStateTables>;
    readonly #name: string;
    readonly #perSecond: number;
    readonly #burst: number;
    readonly #now: () => number;

    /** `name` keeps this limit's buckets apart from the other limits' (`key`, `ip`). */
    constructor(db: Kysely<GatewayStateTables>, name: string, options: RateLimitOptions) {
        this.#db = db;
        this.#name = name;
        this.#perSecond = options.perSecond;
        this.#burst = options.burst;
        this.#now = options.now ?? Date.now;
    }

    async take(client: string): Promise<number> {
        const now = this.#now();
        const burst = this.#burst;
        // the SET expressions all read the row as it was: `refilled` is the bucket before this take
        const refilled = sql<number>`least(${burst}::float8, b.tokens + greatest(0, ${now}::int8 - b.at_ms) / 1000.0 * ${this.#perSecond}::float8)`;
        const { rows } = await sql<{ allowed: boolean; tokens: number }>`
            INSERT INTO rate_buckets AS b (bucket, tokens, at_ms, allowed)
            VALUES (${`${this.#name}:${client}`}, ${burst - 1}::float8, ${now}::int8, true)
            ON CONFLICT (bucket) DO UPDATE SET
                tokens = ${refilled} - CASE WHEN ${refilled} >= 1 THEN 1 ELSE 0 END,
                at_ms = greatest(b.at_ms, ${now}::int8),
                allowed = ${refilled} >= 1
            RETURNING allowed, tokens`.execute(this.#db);
        const row = rows[0];
        if (row === undefined) throw new Error('rate limit bucket was not returned');
        return row.allowed ? 0 : Math.ceil((1 - row.tokens) / this.#perSecond);
    }

    /** Drops buckets that are full again (they hold what a new bucket would): the table holds active clients only. */
    async prune(): Promise<number> {
        const result = await sql`
            DELETE FROM rate_buckets
            WHERE bucket LIKE ${`${this.#name}:%`}
              AND tokens + (${this.#now()}::int8 - at_ms) / 1000.0 * ${this.#perSecond}::float8 >= ${this.#burst}::float8`.execute(
            this.#db,
        );
        return Number(result.numAffectedRows ?? 0n);
    }
}
