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

/** Writes one VALID transaction's row, its row changes one statement each, and its event's outbox row. */
async function applyTransaction(
    trx: Transaction<ReadModel>,
    tx: LedgerTransaction,
    blockNumber: number,
    changes: readonly RowChange[],
): Promise<void> {
    const untyped = trx as unknown as Untyped;
    await untyped.insertInto('transactions').values(transactionRow(tx, blockNumber)).execute();
    for (const change of changes) {
        await execute(untyped, change);
    }
    await writeEvent(trx, tx, blockNumber, changes);
}

/** The outbox row of a transaction's chaincode event, in the block's own database transaction (docs/events.md). */
async function writeEvent(
    trx: Transaction<ReadModel>,
    tx: LedgerTransaction,
    blockNumber: number,
    changes: readonly RowChange[],
): Promise<void> {
    const event = outboxEntryOf(tx, blockNumber, changes);
    if (event !== undefined) await writeOutbox(trx, event);
}

/** Rows of one multi-row statement: well below SQLite's and PostgreSQL's bound-parameter limits at 20 columns. */
const BATCH_ROWS = 500;

const chunks = <T>(items: readonly T[]): T[][] =>
    Array.from({ length: Math.ceil(items.length / BATCH_ROWS) }, (_, i) =>
        items.slice(i * BATCH_ROWS, (i + 1) * BATCH_ROWS),
    );

/**
 * A block's row changes merged per table: the last row of each key, the last rows of each parent. Equal to applying
 * them one by one because an upsert writes every column and a replace every line of its parent, and changes to
 * different keys or tables never touch the same row.
 */
class BlockWrites {
    readonly transactions: Row[] = [];
    readonly #upserts = new Map<string, { key: readonly string[]; rows: Map<string, Row> }>();
    readonly #replaces = new Map<string, { column: string; rows: Map<string | number | null, readonly Row[]> }>();

    /** False for a change it cannot merge (a delete, or a replace under a composite parent). */
    add(change: RowChange): boolean {
        if (change.kind === 'upsert') {
            const table = this.#upserts.get(change.table) ?? { key: change.key, rows: new Map<string, Row>() };
            table.rows.set(JSON.stringify(change.key.map((column) => change.row[column])), change.row);
            this.#upserts.set(change.table, table);
            return true;
        }
        const parent = change.kind === 'replace' ? Object.entries(change.parent) : [];
        const [only] = parent;
        if (change.kind !== 'replace' || parent.length !== 1 || only === undefined) return false;
        const table = this.#replaces.get(change.table) ?? { column: only[0], rows: new Map() };
        if (table.column !== only[0]) return false;
        table.rows.set(only[1], change.rows);
        this.#replaces.set(change.table, table);
        return true;
    }

    /** The merged changes as multi-row statements: a few per table instead of a few per record. */
    async write(trx: Untyped): Promise<void> {
        for (const rows of chunks(this.transactions)) await trx.insertInto('transactions').values(rows).execute();
        for (const [table, { key, rows }] of this.#upserts) {
            for (const batch of chunks([...rows.values()])) {
                const columns = Object.keys(batch[0] ?? {}).filter((column) => !key.includes(column));
                await trx
                    .insertInto(table)
                    .values(batch)
                    .onConflict((conflict) =>
                        conflict
                            .columns([...key])
                            .doUpdateSet((eb) =>
                                Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}`)])),
                            ),
                    )
                    .execute();
            }
        }
        for (const [table, { column, rows }] of this.#replaces) {
            for (const parents of chunks([...rows.keys()])) {
                await trx.deleteFrom(table).where(column, 'in', parents).execute();
            }
            for (const batch of chunks([...rows.values()].flat())) {
                await trx.insertInto(table).values(batch).execute();
            }
        }
    }
}

/** The transactions row of one VALID transaction. */
const transactionRow = (tx: LedgerTransaction, blockNumber: number): Row => ({
    tx_id: tx.txId,
    block_number: blockNumber,
    tx_index: tx.index,
    timestamp: tx.timestamp,
    creator_msp: tx.creatorMsp,
    event_name: tx.event?.name ?? null,
    event_payload: tx.event?.payload ?? null,
});

/**
 * The rows of a block's VALID chaincode transactions: merged into a few multi-row statements per table (the
 * projector's writes were ~15 % of the gateway's CPU one statement at a time), or one change at a time when the
 * block holds a change that cannot be merged (a record deleted: the chaincode never does). Answers the transactions
 * applied, the rows written and the last txId.
 */
async function applyTransactions(
    trx: Transaction<ReadModel>,
    block: ParsedBlock,
    options: ApplyOptions,
): Promise<{ transactions: number; rows: number; lastTxId: string | undefined }> {
    const applied = block.transactions
        .filter((tx) => tx.valid && tx.ofChaincode)
        .map((tx) => ({ tx, changes: changesOf(tx, block.number) }));
    const merged = new BlockWrites();
    let rows = 0;
    let mergeable = true;
    for (const { tx, changes } of applied) {
        merged.transactions.push(transactionRow(tx, block.number));
        rows += 1;
        for (const change of changes) {
            mergeable = merged.add(change) && mergeable;
            rows += change.kind === 'replace' ? change.rows.length : 1;
        }
    }
    if (mergeable) {
        await merged.write(trx as unknown as Untyped);
        for (const { tx, changes } of applied) {
            await writeEvent(trx, tx, block.number, changes);
            options.afterTransaction?.(tx);
        }
    } else {
        for (const { tx, changes } of applied) {
            await applyTransaction(trx, tx, block.number, changes);
            options.afterTransaction?.(tx);
        }
    }
    return { transactions: applied.length, rows, lastTxId: applied[applied.length - 1]?.tx.txId };
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
        const { transactions, rows, lastTxId } = await applyTransactions(trx, block, options);
        const row = {
            block_number: block.number,
            tx_id: lastTxId ?? checkpoint?.txId ?? null,
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
