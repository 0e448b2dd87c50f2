import type { Ledger, LedgerIdentity, TxStatus } from './ledger';

/** The read side's view of where transactions were committed (the projections' `blocksOf`). */
export interface ReadModelBlocks {
    /** The block of each txId the org's read model has applied; a txId it has not seen is absent. */
    blocksOf(mspId: string, txIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

export interface TxLocatorOptions {
    /** The org's read model, asked first; without it every look-up goes to the ledger. */
    readonly readModel?: ReadModelBlocks;
    /** Called when the read model could not answer: the ledger answers instead. */
    readonly onReadModelError?: (error: unknown) => void;
    /** How many committed transactions' statuses are kept (least recently used dropped first). */
    readonly maxCached?: number;
}

/**
 * Where the transactions a verdict cites were committed, without a ledger round trip for each: the caller's org's read
 * model first (it holds every VALID transaction it has applied), then the statuses the ledger already answered, and
 * the ledger (qscc) only for what neither has seen. A committed transaction's block and validation code never change,
 * so what was found once is cached; "not found (yet)" is never cached.
 */
export class TxLocator {
    readonly #ledger: Ledger;
    readonly #options: TxLocatorOptions;
    /** Map keeps insertion order: re-inserting on each hit makes the first entry the least recently used. */
    readonly #cache = new Map<string, TxStatus>();

    constructor(ledger: Ledger, options: TxLocatorOptions = {}) {
        this.#ledger = ledger;
        this.#options = options;
    }

    /** The status of each of `txIds`; absent: the caller's peer does not know it. Rejects only when the ledger cannot be asked. */
    async locate(identity: LedgerIdentity, txIds: readonly string[]): Promise<Map<string, TxStatus>> {
        const found = new Map<string, TxStatus>();
        const unknown = txIds.filter((txId) => {
            const cached = this.#cache.get(txId);
            if (cached === undefined) return true;
            this.#remember(txId, cached);
            found.set(txId, cached);
            return false;
        });
        const projected = unknown.length === 0 ? new Map<string, number>() : await this.#projected(identity, unknown);
        const asked = await Promise.all(
            unknown.map(async (txId) => {
                const block = projected.get(txId);
                if (block !== undefined)
                    return [txId, { valid: true, code: 'VALID', blockNumber: String(block) }] as const;
                return [txId, await this.#ledger.status(identity, txId)] as const;
            }),
        );
        for (const [txId, status] of asked) {
            if (status === undefined) continue;
            this.#remember(txId, status);
            found.set(txId, status);
        }
        return found;
    }

    async #projected(identity: LedgerIdentity, txIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
        if (this.#options.readModel === undefined) return new Map();
        try {
            return await this.#options.readModel.blocksOf(identity.mspId, txIds);
        } catch (error) {
            this.#options.onReadModelError?.(error);
            return new Map();
        }
    }

    #remember(txId: string, status: TxStatus): void {
        this.#cache.delete(txId);
        this.#cache.set(txId, status);
        const max = this.#options.maxCached ?? 10_000;
        for (const oldest of this.#cache.keys()) {
            if (this.#cache.size <= max) break;
            this.#cache.delete(oldest);
        }
    }
}
