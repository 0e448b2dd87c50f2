import type { Kysely } from 'kysely';
import type { ReadModel } from './schema';

/** SQLite allows 999 bound parameters in one statement (older builds): ask in chunks well below that. */
const CHUNK = 500;

/**
 * The block of each of `txIds` the read model has applied (VALID transactions of the chaincode only); a txId it has
 * not seen is absent from the answer. A committed transaction's block never changes, so any answer stays true.
 */
export async function blocksOfTransactions(
    db: Kysely<ReadModel>,
    txIds: readonly string[],
): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let start = 0; start < txIds.length; start += CHUNK) {
        const rows = await db
            .selectFrom('transactions')
            .select(['tx_id', 'block_number'])
            .where('tx_id', 'in', txIds.slice(start, start + CHUNK))
            .execute();
        for (const row of rows) found.set(row.tx_id, row.block_number);
    }
    return found;
}
