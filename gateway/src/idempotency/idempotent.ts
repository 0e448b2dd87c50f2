import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { CommitUnknown } from '../ledger/errors';
import type { Ledger, SubmitResult, TxRequest } from '../ledger/ledger';
import type { Awaitable } from '../store/awaitable';
import { IdempotencyInProgress, IdempotencyKeyReused } from './errors';
import type { IdempotencyJournal, IdempotencyRecord } from './store';

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** How a write route reaches the ledger: submissions are journalled under the request's Idempotency-Key. */
export interface Submitter {
    submit(request: TxRequest): Promise<SubmitResult>;
    /** A record ID derived from the caller and the Idempotency-Key: the same on every retry. */
    derivedId(prefix: string): string;
}

export interface Reply {
    readonly status: number;
    readonly body: unknown;
    /** What to keep for replays instead of `body` (e.g. without a one-time secret). */
    readonly stored?: unknown;
}

interface JournalInput {
    readonly fn: string;
    readonly txId: string;
    readonly payload: string;
    readonly blockNumber?: string;
    readonly state: 'committed' | 'unknown';
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** JSON with sorted object keys, so equal bodies hash equally whatever the key order. */
export function canonical(value: unknown): string {
    if (Array.isArray(value)) {
        return `[${value.map(canonical).join(',')}]`;
    }
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
    }
    return value === undefined ? 'null' : JSON.stringify(value);
}

export interface IdempotencyOptions {
    /** After this long without the ledger knowing an unknown-outcome transaction, it is taken as lost. */
    readonly lostAfterMs?: number;
    readonly now?: () => number;
}

/**
 * Runs write handlers at most once per (caller identity, Idempotency-Key): a retry gets the first answer; a retry
 * after an unknown commit outcome looks the transaction up on the ledger instead of submitting it again.
 */
export class Idempotency {
    readonly #store: IdempotencyJournal;
    readonly #ledger: Ledger;
    readonly #lostAfterMs: number;
    readonly #now: () => number;

    constructor(store: IdempotencyJournal, ledger: Ledger, options: IdempotencyOptions = {}) {
        this.#store = store;
        this.#ledger = ledger;
        this.#lostAfterMs = options.lostAfterMs ?? 120_000;
        this.#now = options.now ?? Date.now;
    }

    async run(
        principal: Principal,
        key: string,
        request: { method: string; path: string; body: unknown },
        handler: (submitter: Submitter) => Promise<Reply>,
    ): Promise<Reply & { replayed: boolean }> {
        const scope = sha256(`${principal.org}/${principal.username}\n${key}`);
        const requestHash = sha256(`${request.method} ${request.path}\n${canonical(request.body)}`);
        const end = await this.#store.begin(scope);
        if (end === undefined) {
            throw new IdempotencyInProgress();
        }
        try {
            return await this.#runOnce(principal, scope, requestHash, handler);
        } finally {
            await end();
        }
    }

    async #runOnce(
        principal: Principal,
        scope: string,
        requestHash: string,
        handler: (submitter: Submitter) => Promise<Reply>,
    ): Promise<Reply & { replayed: boolean }> {
        const existing = await this.#store.get(scope);
        if (existing && existing.requestHash !== requestHash) {
            throw new IdempotencyKeyReused();
        }
        if (existing?.state === 'done' && existing.response) {
            return { ...existing.response, replayed: true };
        }
        const record: IdempotencyRecord = existing ?? {
            requestHash,
            createdAt: new Date(this.#now()).toISOString(),
            state: 'pending',
            submissions: [],
        };
        try {
            const reply = await handler(this.#submitter(principal, scope, record));
            if (reply.status < 300) {
                const response = { status: reply.status, body: 'stored' in reply ? reply.stored : reply.body };
                await this.#store.put(scope, { ...record, state: 'done', response });
            } else {
                await this.#forgetUnlessWritten(scope, record);
            }
            return { ...reply, replayed: false };
        } catch (error) {
            await this.#forgetUnlessWritten(scope, record);
            throw error;
        }
    }

    /** A failed request that wrote nothing may be retried as new; one that (may have) written is kept. */
    async #forgetUnlessWritten(scope: string, record: IdempotencyRecord): Promise<void> {
        if (record.submissions.every((entry) => entry === null)) {
            await this.#store.delete(scope);
        }
    }

    #submitter(principal: Principal, scope: string, record: IdempotencyRecord): Submitter {
        let call = 0;
        // submissions made at once (a split bulk request) journal in turn: an older copy of the record never lands last
        let journalled: Promise<void> = Promise.resolve();
        const journal = (index: number, entry: JournalInput): Promise<void> => {
            journalled = journalled.catch(() => undefined).then(() => this.#journal(scope, record, index, entry));
            return journalled;
        };
        return {
            derivedId: (prefix) => `${prefix}-${scope.slice(0, 20).toUpperCase()}`,
            submit: async (request): Promise<SubmitResult> => {
                const index = call++;
                const resolved = await this.#resolve(principal, record, index, request);
                if (resolved) {
                    return resolved;
                }
                // journalled before it is sent for ordering, so a retry after a crash looks it up instead of resending
                const endorsed = (txId: string, payload: string): Promise<void> =>
                    journal(index, { fn: request.fn, txId, payload, state: 'unknown' });
                const result = await this.#ledger.submit(principal.identity, request, { endorsed });
                await journal(index, { ...result, fn: request.fn, state: 'committed' });
                return result;
            },
        };
    }

    /** The journalled outcome of submission `index`, if it committed; undefined when it must be submitted. */
    async #resolve(
        principal: Principal,
        record: IdempotencyRecord,
        index: number,
        request: TxRequest,
    ): Promise<SubmitResult | undefined> {
        const entry = record.submissions[index];
        if (entry?.fn !== request.fn) {
            return undefined;
        }
        if (entry.state === 'committed') {
            return { payload: entry.payload, txId: entry.txId, blockNumber: entry.blockNumber ?? '', attempts: 0 };
        }
        // a peer that cannot be asked says nothing about the transaction: the outcome stays unknown, however long
        const status = await this.#ledger.status(principal.identity, entry.txId).catch((error: unknown) => {
            throw new CommitUnknown(entry.txId, entry.payload, error);
        });
        if (status?.valid) {
            Object.assign(entry, { state: 'committed', blockNumber: status.blockNumber });
            return { payload: entry.payload, txId: entry.txId, blockNumber: status.blockNumber, attempts: 0 };
        }
        if (status === undefined && this.#now() - Date.parse(entry.at) < this.#lostAfterMs) {
            throw new CommitUnknown(entry.txId, entry.payload);
        }
        // committed as invalid, or lost: nothing was written, so it is safe to submit it anew (later submissions were
        // made at once with this one, or not yet: each keeps its own entry)
        record.submissions[index] = null;
        return undefined;
    }

    #journal(scope: string, record: IdempotencyRecord, index: number, entry: JournalInput): Awaitable<void> {
        record.submissions[index] = {
            fn: entry.fn,
            txId: entry.txId,
            payload: entry.payload,
            state: entry.state,
            ...(entry.blockNumber === undefined ? {} : { blockNumber: entry.blockNumber }),
            at: new Date(this.#now()).toISOString(),
        };
        return this.#store.put(scope, record);
    }
}
