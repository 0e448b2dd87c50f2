import type { Compilable, Kysely, Transaction } from 'kysely';
import { chunks } from './batches';
import type { LedgerTransaction, ParsedBlock } from './blocks';
import { outboxEntryOf, writeOutbox } from './outbox';
import { changesOf, type Row, type RowChange } from './records';
import type { ReadModel } from './schema';
import { executeShaped, rowParameters } from './shapes';

/** The last block applied in full, and its last transaction (the checkpoint row). */
export interface Checkpoint {
    readonly blockNumber: number;
    readonly txId: string | null;
    /** VALID chaincode transactions applied since block 0. */
    readonly txCount: number;
}

export interface Applied {
    /** The last block given. */
    readonly blockNumber: number;
    /** False when every block was applied before (a redelivery after a reconnect): nothing changed. */
    readonly applied: boolean;
    readonly transactions: number;
    readonly rows: number;
    /** Where the time went: mapping and writing the rows (with the checkpoint), then the commit. */
    readonly timings: { readonly writeMs: number; readonly commitMs: number };
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

/** Writes one VALID transaction's row and its row changes, one statement each. */
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
}

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
        for (const rows of chunks(this.transactions)) await insertRows(trx, 'transactions', rows);
        for (const [table, { key, rows }] of this.#upserts) {
            for (const batch of chunks([...rows.values()])) await upsertRows(trx, table, key, batch);
        }
        for (const [table, { column, rows }] of this.#replaces) {
            for (const parents of chunks([...rows.keys()])) {
                await executeShaped(
                    trx,
                    `delete ${table} where ${column} in ${parents.length}`,
                    () => trx.deleteFrom(table).where(column, 'in', parents),
                    parents,
                );
            }
            for (const batch of chunks([...rows.values()].flat())) await insertRows(trx, table, batch);
        }
    }
}

/** One multi-row INSERT (its SQL compiled once per table, columns and row count: {@link executeShaped}). */
async function insertRows(trx: Untyped, table: string, rows: readonly Row[]): Promise<void> {
    const columns = Object.keys(rows[0] ?? {});
    const build = (): Compilable => trx.insertInto(table).values([...rows]);
    const parameters = rowParameters(rows, columns);
    if (parameters === undefined) await trx.executeQuery(build().compile());
    else await executeShaped(trx, `insert ${table} (${columns.join()}) ${rows.length}`, build, parameters);
}

/** One multi-row INSERT … ON CONFLICT (key) DO UPDATE of every other column, compiled once per shape likewise. */
async function upsertRows(trx: Untyped, table: string, key: readonly string[], rows: readonly Row[]): Promise<void> {
    const columns = Object.keys(rows[0] ?? {});
    const updated = columns.filter((column) => !key.includes(column));
    const build = (): Compilable =>
        trx
            .insertInto(table)
            .values([...rows])
            .onConflict((conflict) =>
                conflict
                    .columns([...key])
                    .doUpdateSet((eb) =>
                        Object.fromEntries(updated.map((column) => [column, eb.ref(`excluded.${column}`)])),
                    ),
            );
    const parameters = rowParameters(rows, columns);
    if (parameters === undefined) await trx.executeQuery(build().compile());
    else
        await executeShaped(
            trx,
            `upsert ${table} (${columns.join()}) on (${key.join()}) ${rows.length}`,
            build,
            parameters,
        );
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

/** A VALID chaincode transaction of a group of blocks, with its block and its row changes. */
interface Applying {
    readonly tx: LedgerTransaction;
    readonly blockNumber: number;
    readonly changes: readonly RowChange[];
}

/**
 * The rows of the VALID chaincode transactions of consecutive blocks: merged into a few multi-row statements per
 * table (one statement per record was ~15 % of the gateway's CPU, and a statement per block the most of a catch-up
 * over small blocks), or one change at a time when the blocks hold a change that cannot be merged (a record deleted:
 * the chaincode never does). Their events go to the outbox in one statement too.
 */
async function applyTransactions(
    trx: Transaction<ReadModel>,
    applying: readonly Applying[],
    options: ApplyOptions,
): Promise<number> {
    const merged = new BlockWrites();
    let rows = 0;
    let mergeable = true;
    for (const { tx, blockNumber, changes } of applying) {
        merged.transactions.push(transactionRow(tx, blockNumber));
        rows += 1;
        for (const change of changes) {
            mergeable = merged.add(change) && mergeable;
            rows += change.kind === 'replace' ? change.rows.length : 1;
        }
    }
    if (mergeable) {
        await merged.write(trx as unknown as Untyped);
    } else {
        for (const { tx, blockNumber, changes } of applying) {
            await applyTransaction(trx, tx, blockNumber, changes);
        }
    }
    const events = applying.flatMap(({ tx, blockNumber, changes }) => outboxEntryOf(tx, blockNumber, changes) ?? []);
    await writeOutbox(trx, events);
    for (const { tx } of applying) options.afterTransaction?.(tx);
    return rows;
}

/** The blocks of `blocks` after the checkpoint; a block after a gap is refused ({@link BlockGap}). */
function blocksAfter(blocks: readonly ParsedBlock[], checkpoint: Checkpoint | undefined): ParsedBlock[] {
    const fresh = blocks.filter((block) => block.number >= nextBlock(checkpoint));
    fresh.forEach((block, i) => {
        const expected = nextBlock(checkpoint) + i;
        if (block.number !== expected) throw new BlockGap(expected, block.number);
    });
    return fresh;
}

/**
 * Applies consecutive blocks in one database transaction: the rows of their VALID transactions of the chaincode, in
 * block order, and the checkpoint at the last of them. Either all of it is visible afterwards or none of it; blocks at
 * or below the checkpoint are skipped, a block after a gap is refused ({@link BlockGap}). The projector gives it the
 * blocks already delivered when it is free (many during a catch-up, one when following), so a catch-up pays one
 * commit per group rather than per block.
 */
export async function applyBlocks(
    db: Kysely<ReadModel>,
    blocks: readonly ParsedBlock[],
    options: ApplyOptions = {},
): Promise<Applied> {
    const started = performance.now();
    let written = started;
    const applied = await db.transaction().execute(async (trx): Promise<Omit<Applied, 'timings'>> => {
        const checkpoint = await readCheckpoint(trx);
        const fresh = blocksAfter(blocks, checkpoint);
        const last = fresh[fresh.length - 1];
        if (last === undefined) {
            return { blockNumber: blocks[blocks.length - 1]?.number ?? -1, applied: false, transactions: 0, rows: 0 };
        }
        const applying = fresh.flatMap((block) =>
            block.transactions
                .filter((tx) => tx.valid && tx.ofChaincode)
                .map((tx) => ({ tx, blockNumber: block.number, changes: changesOf(tx, block.number) })),
        );
        const rows = await applyTransactions(trx, applying, options);
        const row = {
            block_number: last.number,
            tx_id: applying[applying.length - 1]?.tx.txId ?? checkpoint?.txId ?? null,
            tx_count: (checkpoint?.txCount ?? 0) + applying.length,
            applied_at: new Date().toISOString(),
        };
        await trx
            .insertInto('checkpoint')
            .values({ id: 1, ...row })
            .onConflict((conflict) => conflict.column('id').doUpdateSet(row))
            .execute();
        written = performance.now();
        return { blockNumber: last.number, applied: true, transactions: applying.length, rows };
    });
    const committed = performance.now();
    return { ...applied, timings: { writeMs: written - started, commitMs: committed - written } };
}

/** Applies one block in one database transaction with the checkpoint ({@link applyBlocks} of that block alone). */
export const applyBlock = (db: Kysely<ReadModel>, block: ParsedBlock, options: ApplyOptions = {}): Promise<Applied> =>
    applyBlocks(db, [block], options);
