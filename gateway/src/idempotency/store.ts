import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Awaitable } from '../store/awaitable';
import { privateDir, readJsonIfExists, writeJsonAtomicAsync } from '../store/files';

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

export const RecordSchema = z.object({
    /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
    requestHash: z.string(),
    createdAt: z.string(),
    state: z.enum(['pending', 'done']),
    response: z.object({ status: z.number().int(), body: z.unknown() }).optional(),
    /**
     * Ledger submissions made for this request, by call order; null where a submission made at once with later ones
     * (a split bulk request) has not been journalled yet, or was lost and is to be submitted anew.
     */
    submissions: z.array(JournalEntrySchema.nullable()),
});
export type IdempotencyRecord = z.infer<typeof RecordSchema>;

const SCOPE = /^[0-9a-f]{64}$/;

/** Ends the run that {@link IdempotencyJournal.begin} let start. */
export type EndRun = () => Awaitable<void>;

/**
 * Where idempotency records live: files beside the wallets (one process, {@link IdempotencyStore}) or PostgreSQL
 * (several gateway instances, `state/pg-idempotency.ts`), keyed by a scope (SHA-256 of caller and Idempotency-Key).
 */
export interface IdempotencyJournal {
    /**
     * Marks a scope as running, on every instance that shares the journal; undefined when it already runs (then the
     * request is answered "in progress"). A process that dies mid-run leaves the scope free for the retry.
     */
    begin(scope: string): Awaitable<EndRun | undefined>;
    get(scope: string): Awaitable<IdempotencyRecord | undefined>;
    put(scope: string, record: IdempotencyRecord): Awaitable<void>;
    delete(scope: string): Awaitable<void>;
    /**
     * Prunes expired records now and then every `intervalMs` until the returned function is called; the timer does
     * not keep the process alive. `onError` gets what a round threw, and the next round runs anyway.
     */
    pruneEvery(intervalMs: number, onError: (error: unknown) => void): () => void;
}

/** Throws unless `scope` is a SHA-256 hex digest: it names a file or a row, so nothing else may pass. */
export function assertScope(scope: string): void {
    if (!SCOPE.test(scope)) {
        throw new Error('idempotency scope must be a SHA-256 hex digest');
    }
}

/**
 * Idempotency records, one file per (caller identity, Idempotency-Key) under `<dataDir>/idempotency`, so a
 * retried write is answered from here after a restart too. Records older than `ttlMs` are forgotten.
 */
export class IdempotencyStore implements IdempotencyJournal {
    readonly #dir: string;
    /** Scopes running in this process: the file store serves one process only. */
    readonly #running = new Set<string>();
    readonly #ttlMs: number;
    readonly #now: () => number;

    constructor(dataDir: string, options: { ttlMs?: number; now?: () => number } = {}) {
        this.#dir = privateDir(path.join(privateDir(dataDir), 'idempotency'));
        this.#ttlMs = options.ttlMs ?? 7 * 24 * 3600 * 1000;
        this.#now = options.now ?? Date.now;
    }

    begin(scope: string): EndRun | undefined {
        if (this.#running.has(scope)) {
            return undefined;
        }
        this.#running.add(scope);
        return () => {
            this.#running.delete(scope);
        };
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

    /** Three writes a write request (submitted, committed, answered): off the event loop, which serves the others. */
    put(scope: string, record: IdempotencyRecord): Promise<void> {
        return writeJsonAtomicAsync(this.#file(scope), record);
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
        assertScope(scope);
        return path.join(this.#dir, `${scope}.json`);
    }
}
