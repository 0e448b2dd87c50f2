import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { privateDir, readJsonIfExists, writeJsonAtomic } from '../store/files';

const JournalEntrySchema = z.object({
    fn: z.string(),
    txId: z.string(),
    payload: z.string(),
    /** committed: VALID in `blockNumber`; unknown: submitted, outcome not yet known. */
    state: z.enum(['committed', 'unknown']),
    blockNumber: z.string().optional(),
    at: z.string(),
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

const RecordSchema = z.object({
    /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
    requestHash: z.string(),
    createdAt: z.string(),
    state: z.enum(['pending', 'done']),
    response: z.object({ status: z.number().int(), body: z.unknown() }).optional(),
    /** Ledger submissions made for this request, in call order. */
    submissions: z.array(JournalEntrySchema),
});
export type IdempotencyRecord = z.infer<typeof RecordSchema>;

const SCOPE = /^[0-9a-f]{64}$/;

/**
 * Idempotency records, one file per (caller identity, Idempotency-Key) under `<dataDir>/idempotency`, so a
 * retried write is answered from here after a restart too. Records older than `ttlMs` are forgotten.
 */
export class IdempotencyStore {
    readonly #dir: string;
    readonly #ttlMs: number;
    readonly #now: () => number;

    constructor(dataDir: string, options: { ttlMs?: number; now?: () => number } = {}) {
        this.#dir = privateDir(path.join(privateDir(dataDir), 'idempotency'));
        this.#ttlMs = options.ttlMs ?? 7 * 24 * 3600 * 1000;
        this.#now = options.now ?? Date.now;
    }

    get(scope: string): IdempotencyRecord | undefined {
        const stored = readJsonIfExists(this.#file(scope));
        if (stored === undefined) {
            return undefined;
        }
        const record = RecordSchema.parse(stored);
        if (this.#now() - Date.parse(record.createdAt) > this.#ttlMs) {
            this.delete(scope);
            return undefined;
        }
        return record;
    }

    put(scope: string, record: IdempotencyRecord): void {
        writeJsonAtomic(this.#file(scope), record);
    }

    delete(scope: string): void {
        rmSync(this.#file(scope), { force: true });
    }

    /** Removes expired records; returns how many. */
    prune(): number {
        let removed = 0;
        const unreadable: unknown[] = [];
        for (const name of readdirSync(this.#dir)) {
            const scope = name.replace(/\.json$/, '');
            try {
                if (SCOPE.test(scope) && this.get(scope) === undefined) {
                    removed++;
                }
            } catch (error) {
                // one unreadable record must not keep every other expired one on disk
                unreadable.push(error);
            }
        }
        if (unreadable.length > 0) {
            throw new AggregateError(unreadable, `${unreadable.length} idempotency records could not be read`);
        }
        return removed;
    }

    /**
     * Prunes now and then every `intervalMs` until the returned function is called; the timer does not keep the
     * process alive. `onError` gets what a round threw (an unreadable file, say), and the next round runs anyway.
     */
    pruneEvery(intervalMs: number, onError: (error: unknown) => void): () => void {
        const round = (): void => {
            try {
                this.prune();
            } catch (error) {
                onError(error);
            }
        };
        round();
        const timer = setInterval(round, intervalMs);
        timer.unref();
        return () => {
            clearInterval(timer);
        };
    }

    #file(scope: string): string {
        if (!SCOPE.test(scope)) {
            throw new Error('idempotency scope must be a SHA-256 hex digest');
        }
        return path.join(this.#dir, `${scope}.json`);
    }
}
