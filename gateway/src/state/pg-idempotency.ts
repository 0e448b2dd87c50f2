import type { Kysely } from 'kysely';
import type pg from 'pg';
import {
    assertScope,
    RecordSchema,
    type EndRun,
    type IdempotencyJournal,
    type IdempotencyRecord,
} from '../idempotency/store';
import type { GatewayStateTables } from './schema';

/** The first key of the idempotency locks (PostgreSQL's two-key advisory locks): "MPTI". */
const LOCK_CLASS = 0x4d505449;

/** The second key: 32 bits of the scope (a SHA-256), as PostgreSQL's signed int4. */
const lockKeyOf = (scope: string): number => Number.parseInt(scope.slice(0, 8), 16) | 0;

/**
 * Idempotency records in PostgreSQL, shared by every gateway instance, so a retry sent to another instance is
 * answered from the first one's record. A running request holds an advisory lock on its scope on a connection of its
 * own: every instance sees it as in progress, and if the process dies the connection closes and frees it.
 */
export class PgIdempotencyJournal implements IdempotencyJournal {
    readonly #db: Kysely<GatewayStateTables>;
    readonly #locks: pg.Pool;
    readonly #ttlMs: number;
    readonly #now: () => number;

    constructor(db: Kysely<GatewayStateTables>, locks: pg.Pool, options: { ttlMs?: number; now?: () => number } = {}) {
        this.#db = db;
        this.#locks = locks;
        this.#ttlMs = options.ttlMs ?? 7 * 24 * 3600 * 1000;
        this.#now = options.now ?? Date.now;
    }

    async begin(scope: string): Promise<EndRun | undefined> {
        assertScope(scope);
        const key = lockKeyOf(scope);
        const client = await this.#locks.connect();
        // a held connection that breaks (the server restarted) takes the lock with it; the end of the run finds out
        const lost = (): void => undefined;
        client.on('error', lost);
        try {
            const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
                LOCK_CLASS,
                key,
            ]);
            if (rows[0]?.locked !== true) {
                client.off('error', lost);
                client.release();
                return undefined;
            }
        } catch (error) {
            client.off('error', lost);
            client.release(error instanceof Error ? error : true);
            throw error;
        }
        return async (): Promise<void> => {
            client.off('error', lost);
            try {
                await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, key]);
                client.release();
            } catch (error) {
                // a connection whose unlock failed is closed, which frees the lock
                client.release(error instanceof Error ? error : true);
                throw error;
            }
        };
    }

    async get(scope: string): Promise<IdempotencyRecord | undefined> {
        assertScope(scope);
        const row = await this.#db
            .selectFrom('idempotency')
            .select(['record', 'created_ms'])
            .where('scope', '=', scope)
            .executeTakeFirst();
        if (row === undefined) {
            return undefined;
        }
        if (this.#now() - row.created_ms > this.#ttlMs) {
            await this.delete(scope);
            return undefined;
        }
        return RecordSchema.parse(JSON.parse(row.record));
    }

    async put(scope: string, record: IdempotencyRecord): Promise<void> {
        assertScope(scope);
        const values = { scope, record: JSON.stringify(record), created_ms: Date.parse(record.createdAt) };
        await this.#db
            .insertInto('idempotency')
            .values(values)
            .onConflict((oc) => oc.column('scope').doUpdateSet({ record: values.record }))
            .execute();
    }

    async delete(scope: string): Promise<void> {
        assertScope(scope);
        await this.#db.deleteFrom('idempotency').where('scope', '=', scope).execute();
    }

    /** Removes expired records; returns how many. */
    async prune(): Promise<number> {
        const result = await this.#db
            .deleteFrom('idempotency')
            .where('created_ms', '<', this.#now() - this.#ttlMs)
            .executeTakeFirst();
        return Number(result.numDeletedRows);
    }

    pruneEvery(intervalMs: number, onError: (error: unknown) => void): () => void {
        const round = (): void => {
            this.prune().catch(onError);
        };
        round();
        const timer = setInterval(round, intervalMs);
        timer.unref();
        return () => {
            clearInterval(timer);
        };
    }
}
