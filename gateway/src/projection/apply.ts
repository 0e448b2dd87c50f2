import type { Kysely, Transaction } from 'kysely';
import type { LedgerTransaction, ParsedBlock } from './blocks';
import { outboxEntryOf, writeOutbox } from './outbox';
import { changesOf, type Row, type RowChange } from './records';
import type { ReadModel } from './schema';

/** The last block applied in full, and its last transaction (the checkpoint row). */
export interface Checkpoint {
    readonly blockNumber: number;
    readonly txId: string | null;
    /** VALID chaincode transactions applied since block 0. */
    readonly txCount: number;
}

export interface Applied {
    readonly blockNumber: number;
    /** False when the block was applied before (a redelivery after a reconnect): nothing changed. */
    readonly applied: boolean;
    readonly transactions: number;
    readonly rows: number;
}

export interface ApplyOptions {
    /** Seam for tests: runs after each transaction's rows are written, inside the block's database transaction. */
    readonly afterTransaction?: (tx: LedgerTransaction) => void;
}

/** Thrown when a block does not follow the checkpoint: the projection never applies out of order. */
export class BlockGap extends Error {
    constructor(
        readonly expected: number,
        readonly got: number,
    ) {
        super(`read model expects block ${expected} next, got block ${got}`);
        this.name = 'BlockGap';
    }
}

/** The tables seen without their types: a row change names its table at run time. */
type Untyped = Transaction<Record<string, Record<string, string | number | null>>>;

export async function readCheckpoint(db: Kysely<ReadModel>): Promise<Checkpoint | undefined> {
    const row = await db.selectFrom('checkpoint').selectAll().where('id', '=', 1).executeTakeFirst();
    return row === undefined ? undefined : { blockNumber: row.block_number, txId: row.tx_id, txCount: row.tx_count };
}

/** The first block the read model needs: 0 on a new one, else the one after the checkpoint. */
export const nextBlock = (checkpoint: Checkpoint | undefined): number =>
    checkpoint === undefined ? 0 : checkpoint.blockNumber + 1;

function whereAll<Q extends { where: (column: string, op: '=', value: string | number | null) => Q }>(
    query: Q,
    where: Row,
): Q {
    return Object.entries(where).reduce((q, [column, value]) => q.where(column, '=', value), query);
}

async function execute(trx: Untyped, change: RowChange): Promise<void> {
    switch (change.kind) {
        case 'upsert': {
            const update = Object.fromEntries(
                Object.entries(change.row).filter(([name]) => !change.key.includes(name)),
            );
            await trx
                .insertInto(change.table)
                .values(change.row)
                .onConflict((conflict) => conflict.columns([...change.key]).doUpdateSet(update))
                .execute();
            return;
        }
        case 'replace':
            await whereAll(trx.deleteFrom(change.table), change.parent).execute();
            if (change.rows.length > 0) {
                await trx
                    .insertInto(change.table)
                    .values([...change.rows])
                    .execute();
            }
            return;
        case 'delete':
            await whereAll(trx.deleteFrom(change.table), change.where).execute();
            return;
    }
}

/** Writes one VALID transaction's row, its row changes and its event's outbox row; answers how many rows it wrote. */
async function applyTransaction(
    trx: Transaction<ReadModel>,
    tx: LedgerTransaction,
    blockNumber: number,
): Promise<number> {
    await trx
        .insertInto('transactions')
        .values({
            tx_id: tx.txId,
            block_number: blockNumber,
            tx_index: tx.index,
            timestamp: tx.timestamp,
            creator_msp: tx.creatorMsp,
            event_name: tx.event?.name ?? null,
            event_payload: tx.event?.payload ?? null,
        })
        .execute();
    let rows = 1;
    const changes = changesOf(tx, blockNumber);
    for (const change of changes) {
        await execute(trx as unknown as Untyped, change);
        rows += change.kind === 'replace' ? change.rows.length : 1;
    }
    const event = outboxEntryOf(tx, blockNumber, changes);
    if (event !== undefined) await writeOutbox(trx, event);
    return rows;
}

/**
 * Applies one block in one database transaction: the rows of its VALID transactions of the chaincode, in block
 * order, and the checkpoint. Either all of it is visible afterwards or none of it; a block at or below the checkpoint is skipped, a
 * block after a gap is refused ({@link BlockGap}).
 */
export async function applyBlock(
    db: Kysely<ReadModel>,
    block: ParsedBlock,
    options: ApplyOptions = {},
): Promise<Applied> {
    return db.transaction().execute(async (trx) => {
        const checkpoint = await readCheckpoint(trx);
        const expected = nextBlock(checkpoint);
        if (block.number < expected) {
            return { blockNumber: block.number, applied: false, transactions: 0, rows: 0 };
        }
        if (block.number > expected) throw new BlockGap(expected, block.number);
        let transactions = 0;
        let rows = 0;
        let lastTxId = checkpoint?.txId ?? null;
        for (const tx of block.transactions) {
            if (!tx.valid || !tx.ofChaincode) continue;
            rows += await applyTransaction(trx, tx, block.number);
            transactions += 1;
            lastTxId = tx.txId;
            options.afterTransaction?.(tx);
        }
        const row = {
            block_number: block.number,
            tx_id: lastTxId,
            tx_count: (checkpoint?.txCount ?? 0) + transactions,
            applied_at: new Date().toISOString(),
        };
        await trx
            .insertInto('checkpoint')
            .values({ id: 1, ...row })
            .onConflict((conflict) => conflict.column('id').doUpdateSet(row))
            .execute();
        return { blockNumber: block.number, applied: true, transactions, rows };
    });
}
