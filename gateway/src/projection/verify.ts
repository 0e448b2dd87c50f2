import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { applyBlocks, readCheckpoint, type Checkpoint } from './apply';
import { parseBlock } from './blocks';
import { openReadModel, type ReadModelDatabase } from './database';
import { deliveredGroups, transactionsIn } from './groups';
import { PROJECTED_TABLE_KEYS } from './migrations';
import type { BlockSource } from './projector';
import type { ReadModel } from './schema';

/**
 * Proof that a read model equals its ledger (issue #9 item 7): the chain is read again from block 0 from the org's
 * own peer, applied with the projector's own code (applyBlocks) into a scratch SQLite read model, and every table is
 * compared with the live one, row by row, by primary key. The live model is read in one snapshot (a read transaction)
 * so a projector still following cannot make a row look altered; the scratch model is built up to that snapshot's
 * checkpoint. Memory stays bounded: both models are read in pages of PAGE rows.
 */

/** `missing`: the ledger has the row, the read model not; `extra`: the reverse; `altered`: both, with other values. */
export type DivergenceKind = 'missing' | 'extra' | 'altered';

/** The transaction (and its block) that last wrote a row: for a line of a trade or declaration, its parent's. */
export interface RowOrigin {
    readonly blockNumber: number;
    readonly txId: string;
}

export interface Divergence {
    readonly table: string;
    /** The row's primary key, column by column. */
    readonly key: Readonly<Record<string, string | number>>;
    readonly kind: DivergenceKind;
    /** Where the ledger says the row comes from; null when the ledger has no such row. */
    readonly expected: RowOrigin | null;
    /** Where the read model says it comes from; null when it has no such row. */
    readonly found: RowOrigin | null;
    /** The columns whose values differ (altered rows only). */
    readonly columns: readonly string[];
}

/**
 * What is wrong with the record of applied blocks (the transactions table and the checkpoint):
 * `block-skipped` every transaction of a block is missing, `tx-missing` some are; `tx-unknown` a transaction the chain
 * does not have up to the checkpoint; `tx-wrong-block` one recorded under another block; `tx-repeated` one position
 * of a block held by two transactions; `checkpoint-ahead` a checkpoint past the peer's last block;
 * `checkpoint-mismatch` a checkpoint whose last transaction or count differs from the ledger's.
 */
export type CheckpointProblemKind =
    | 'block-skipped'
    | 'tx-missing'
    | 'tx-unknown'
    | 'tx-wrong-block'
    | 'tx-repeated'
    | 'checkpoint-ahead'
    | 'checkpoint-mismatch';

export interface CheckpointProblem {
    readonly kind: CheckpointProblemKind;
    readonly blockNumber: number;
    /** The transactions concerned (at most ten). */
    readonly txIds: readonly string[];
    readonly detail: string;
}

export interface TableResult {
    readonly table: string;
    /** Rows of the ledger (the rebuilt model) and of the read model. */
    readonly expectedRows: number;
    readonly foundRows: number;
    readonly divergences: number;
}

export interface VerifyReport {
    /** The read model's checkpoint when its snapshot was taken: what was verified (null: an empty read model). */
    readonly throughBlock: number | null;
    readonly peerHeight: number;
    readonly tables: readonly TableResult[];
    /** The first `maxReported` divergences, in table order then key order. */
    readonly divergences: readonly Divergence[];
    /** All divergences, reported or not. */
    readonly divergenceCount: number;
    readonly checkpointProblems: readonly CheckpointProblem[];
    readonly clean: boolean;
    readonly elapsedMs: number;
}

export type VerifyProgress =
    | { readonly phase: 'replay'; readonly blockNumber: number; readonly lastBlock: number }
    | { readonly phase: 'compare'; readonly table: string; readonly rows: number };

export interface VerifyOptions {
    /**
     * The read model to verify, on a handle of its own: the whole comparison holds one of its connections in a read
     * transaction (on SQLite, sharing the projector's handle would stop the projector until the end).
     */
    readonly live: ReadModelDatabase;
    /** The org's own peer: the projector's block source. */
    readonly source: BlockSource;
    readonly chaincode: string;
    /** Divergences listed in full (default 1000); the rest are counted. */
    readonly maxReported?: number;
    readonly onProgress?: (progress: VerifyProgress) => void;
}

const PAGE = 500;
const TX_IDS_SHOWN = 10;

/** Lines of a record carry no txId: their origin is their parent's (the record the ledger writes them with). */
const PARENTS: Readonly<Record<string, { readonly table: string; readonly column: string }>> = {
    trade_lines: { table: 'trades', column: 'trade_no' },
    declaration_lines: { table: 'declarations', column: 'decl_no' },
    declaration_line_sources: { table: 'declarations', column: 'decl_no' },
};

type Value = string | number | null;
type Row = Record<string, Value>;
/** The tables seen without their types: the verifier walks them by name. */
type Untyped = Kysely<Record<string, Row>>;

const keyOf = (row: Row, key: readonly string[]): string => JSON.stringify(key.map((column) => row[column]));
const tuple = (values: readonly RawBuilder<unknown>[]): RawBuilder<unknown> => sql`(${sql.join(values)})`;
const columnsTuple = (key: readonly string[]): RawBuilder<unknown> => tuple(key.map((column) => sql.ref(column)));
const valuesTuple = (row: Row, key: readonly string[]): RawBuilder<unknown> =>
    tuple(key.map((column) => sql`${row[column]}`));

/** One page of `table` in key order, after the row `after` (keyset paging: no OFFSET, so each page costs the same). */
async function page(db: Untyped, table: string, key: readonly string[], after: Row | undefined): Promise<Row[]> {
    let query = db.selectFrom(table).selectAll();
    if (after !== undefined) query = query.where(sql<boolean>`${columnsTuple(key)} > ${valuesTuple(after, key)}`);
    for (const column of key) query = query.orderBy(column);
    return query.limit(PAGE).execute();
}

/** The rows of `table` with the keys of `rows`, by key. */
async function rowsWithKeys(
    db: Untyped,
    table: string,
    key: readonly string[],
    rows: readonly Row[],
): Promise<Map<string, Row>> {
    if (rows.length === 0) return new Map();
    const found = await db
        .selectFrom(table)
        .selectAll()
        // OR of ANDs, not a row-value IN list: SQLite takes row values in IN only from a subquery
        .where((eb) => eb.or(rows.map((row) => eb.and(key.map((column) => eb(column, '=', row[column] ?? null))))))
        .execute();
    return new Map(found.map((row) => [keyOf(row, key), row]));
}

async function* pages(db: Untyped, table: string, key: readonly string[]): AsyncGenerator<Row[]> {
    let after: Row | undefined;
    for (;;) {
        const rows = await page(db, table, key, after);
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1];
    }
}

const same = (a: Value | undefined, b: Value | undefined): boolean => (a ?? null) === (b ?? null);

function differingColumns(expected: Row, found: Row): string[] {
    const columns = new Set([...Object.keys(expected), ...Object.keys(found)]);
    return [...columns].filter((column) => !same(expected[column], found[column]));
}

async function originOf(db: Untyped, table: string, row: Row | undefined): Promise<RowOrigin | null> {
    if (row === undefined) return null;
    const parent = PARENTS[table];
    const source =
        parent === undefined
            ? row
            : await db
                  .selectFrom(parent.table)
                  .select(['tx_id', 'block_number'])
                  .where(parent.column, '=', row[parent.column] ?? null)
                  .executeTakeFirst();
    if (source === undefined || typeof source.tx_id !== 'string' || typeof source.block_number !== 'number') {
        return null;
    }
    return { blockNumber: source.block_number, txId: source.tx_id };
}

/** Transactions by block, with how many there are: the checkpoint problems are told per block. */
class ByBlock {
    readonly #blocks = new Map<number, { count: number; txIds: string[] }>();

    add(blockNumber: number, txId: string): void {
        const entry = this.#blocks.get(blockNumber) ?? { count: 0, txIds: [] };
        entry.count += 1;
        if (entry.txIds.length < TX_IDS_SHOWN) entry.txIds.push(txId);
        this.#blocks.set(blockNumber, entry);
    }

    entries(): [number, { count: number; txIds: string[] }][] {
        return [...this.#blocks.entries()].sort(([a], [b]) => a - b);
    }
}

/** Collects divergences: every one counted, the first `max` kept, and the transactions table's read per block. */
class Findings {
    readonly divergences: Divergence[] = [];
    count = 0;
    readonly missingTx = new ByBlock();
    readonly unknownTx = new ByBlock();
    readonly movedTx: { txId: string; expected: number; found: number }[] = [];

    constructor(readonly max: number) {}

    add(divergence: Divergence): void {
        this.count += 1;
        if (this.divergences.length < this.max) this.divergences.push(divergence);
        if (divergence.table !== 'transactions') return;
        const txId = String(divergence.key.tx_id);
        const { expected, found } = divergence;
        if (divergence.kind === 'missing' && expected !== null) this.missingTx.add(expected.blockNumber, txId);
        if (divergence.kind === 'extra' && found !== null) this.unknownTx.add(found.blockNumber, txId);
        if (divergence.kind === 'altered' && expected !== null && found !== null) {
            if (expected.blockNumber !== found.blockNumber) {
                this.movedTx.push({ txId, expected: expected.blockNumber, found: found.blockNumber });
            }
        }
    }
}

interface Models {
    readonly expected: Untyped;
    readonly found: Untyped;
}

/** One table both ways: the read model's rows against the ledger's (extra, altered), then the ledger's (missing). */
async function compareTable(
    models: Models,
    table: string,
    key: readonly string[],
    findings: Findings,
    onProgress: ((progress: VerifyProgress) => void) | undefined,
): Promise<TableResult> {
    const { expected, found } = models;
    const before = findings.count;
    let foundRows = 0;
    for await (const rows of pages(found, table, key)) {
        const ledgerRows = await rowsWithKeys(expected, table, key, rows);
        for (const row of rows) {
            const ledgerRow = ledgerRows.get(keyOf(row, key));
            const columns = ledgerRow === undefined ? [] : differingColumns(ledgerRow, row);
            if (ledgerRow !== undefined && columns.length === 0) continue;
            findings.add({
                table,
                key: Object.fromEntries(key.map((column) => [column, row[column] ?? ''])),
                kind: ledgerRow === undefined ? 'extra' : 'altered',
                expected: await originOf(expected, table, ledgerRow),
                found: await originOf(found, table, row),
                columns,
            });
        }
        foundRows += rows.length;
        onProgress?.({ phase: 'compare', table, rows: foundRows });
    }
    let expectedRows = 0;
    for await (const rows of pages(expected, table, key)) {
        const modelRows = await rowsWithKeys(found, table, key, rows);
        for (const row of rows) {
            if (modelRows.has(keyOf(row, key))) continue;
            findings.add({
                table,
                key: Object.fromEntries(key.map((column) => [column, row[column] ?? ''])),
                kind: 'missing',
                expected: await originOf(expected, table, row),
                found: null,
                columns: [],
            });
        }
        expectedRows += rows.length;
    }
    return { table, expectedRows, foundRows, divergences: findings.count - before };
}

/** Missing, unknown and moved transactions, from the transactions table's divergences. */
async function transactionProblems(models: Models, findings: Findings): Promise<CheckpointProblem[]> {
    const perBlock = await models.expected
        .selectFrom('transactions')
        .select(['block_number', sql<number>`count(*)`.as('count')])
        .groupBy('block_number')
        .execute();
    const ledgerCount = new Map(perBlock.map((row) => [row.block_number, row.count]));
    const missing = findings.missingTx.entries().map(([blockNumber, { count, txIds }]): CheckpointProblem => {
        const all = count === ledgerCount.get(blockNumber);
        return {
            kind: all ? 'block-skipped' : 'tx-missing',
            blockNumber,
            txIds,
            detail: all
                ? `block ${blockNumber} was skipped: none of its ${count} transactions is in the read model`
                : `${count} of the ${ledgerCount.get(blockNumber) ?? 0} transactions of block ${blockNumber} are missing`,
        };
    });
    const unknown = findings.unknownTx.entries().map(([blockNumber, { count, txIds }]): CheckpointProblem => ({
        kind: 'tx-unknown',
        blockNumber,
        txIds,
        detail: `${count} transactions recorded under block ${blockNumber} are not the ledger's`,
    }));
    const moved = findings.movedTx.map(({ txId, expected, found }): CheckpointProblem => ({
        kind: 'tx-wrong-block',
        blockNumber: found,
        txIds: [txId],
        detail: `transaction ${txId} of block ${expected} is recorded under block ${found}`,
    }));
    return [...missing, ...unknown, ...moved];
}

/** Positions of a block held by more than one transaction (a transaction applied twice under two IDs). */
async function repeatedPositions(found: Untyped): Promise<CheckpointProblem[]> {
    const repeated = await found
        .selectFrom('transactions')
        .select(['block_number', 'tx_index', sql<string>`min(tx_id)`.as('first'), sql<string>`max(tx_id)`.as('last')])
        .groupBy(['block_number', 'tx_index'])
        .having(sql<number>`count(*)`, '>', 1)
        .execute();
    return repeated.map((row) => ({
        kind: 'tx-repeated',
        blockNumber: Number(row.block_number),
        txIds: [row.first, row.last],
        detail: `position ${String(row.tx_index)} of block ${String(row.block_number)} is held by more than one transaction`,
    }));
}

function checkpointMismatch(expected: Checkpoint | undefined, found: Checkpoint | undefined): CheckpointProblem[] {
    if (found === undefined) return [];
    const ledger = { txId: expected?.txId ?? null, txCount: expected?.txCount ?? 0 };
    if (found.txId === ledger.txId && found.txCount === ledger.txCount) return [];
    const last = (txId: string | null): string => txId ?? 'none';
    return [
        {
            kind: 'checkpoint-mismatch',
            blockNumber: found.blockNumber,
            txIds: found.txId === null ? [] : [found.txId],
            detail:
                `the checkpoint says ${found.txCount} transactions, last ${last(found.txId)}; the ledger up to ` +
                `block ${found.blockNumber} has ${ledger.txCount}, last ${last(ledger.txId)}`,
        },
    ];
}

/** The checkpoint problems the transactions table's divergences and the checkpoint rows show. */
async function checkpointProblems(
    models: Models,
    findings: Findings,
    checkpoints: { readonly expected: Checkpoint | undefined; readonly found: Checkpoint | undefined },
): Promise<CheckpointProblem[]> {
    const problems = [
        ...(await transactionProblems(models, findings)),
        ...(await repeatedPositions(models.found)),
        ...checkpointMismatch(checkpoints.expected, checkpoints.found),
    ];
    return problems.sort((a, b) => a.blockNumber - b.blockNumber);
}

/** Applies blocks 0..`lastBlock` from `source` to the scratch read model with the projector's own code, grouped alike. */
async function replay(scratch: Kysely<ReadModel>, options: VerifyOptions, lastBlock: number): Promise<void> {
    if (lastBlock < 0) return;
    const stream = await options.source.open(0);
    try {
        for await (const delivered of deliveredGroups(stream, transactionsIn)) {
            const blocks = delivered
                .map((block) => parseBlock(block, options.chaincode))
                .filter((block) => block.number <= lastBlock);
            const applied = await applyBlocks(scratch, blocks);
            options.onProgress?.({ phase: 'replay', blockNumber: applied.blockNumber, lastBlock });
            if (applied.blockNumber >= lastBlock) return;
        }
    } finally {
        stream.close();
    }
    throw new Error(`the peer ended the block stream before block ${lastBlock}`);
}

/** Starts a read-only snapshot on one connection: every read after sees the same committed state. */
async function beginSnapshot(db: Kysely<ReadModel>, dialect: ReadModelDatabase['dialect']): Promise<void> {
    await (dialect === 'postgres'
        ? sql`begin isolation level repeatable read read only`.execute(db)
        : sql`begin`.execute(db));
}

/** Rebuilds the ledger's read model from block 0 and compares it with `options.live`; see the file comment. */
export async function verifyReadModel(options: VerifyOptions): Promise<VerifyReport> {
    const started = performance.now();
    const scratchDir = mkdtempSync(path.join(tmpdir(), 'mpt-verify-'));
    const scratch = await openReadModel({ dataDir: scratchDir, name: 'ledger' });
    try {
        return await options.live.db.connection().execute(async (live) => {
            await beginSnapshot(live, options.live.dialect);
            try {
                // the first read fixes the snapshot: the checkpoint and every row after are of the same moment
                const found = await readCheckpoint(live);
                const peerHeight = await options.source.height();
                const problems: CheckpointProblem[] = [];
                let lastBlock = found?.blockNumber ?? -1;
                if (lastBlock >= peerHeight) {
                    problems.push({
                        kind: 'checkpoint-ahead',
                        blockNumber: lastBlock,
                        txIds: [],
                        detail: `the checkpoint is block ${lastBlock}; the peer's last block is ${peerHeight - 1}`,
                    });
                    lastBlock = peerHeight - 1;
                }
                await replay(scratch.db, options, lastBlock);
                const models: Models = {
                    expected: scratch.db as unknown as Untyped,
                    found: live as unknown as Untyped,
                };
                const findings = new Findings(options.maxReported ?? 1000);
                const tables: TableResult[] = [];
                for (const [table, key] of Object.entries(PROJECTED_TABLE_KEYS)) {
                    tables.push(await compareTable(models, table, key, findings, options.onProgress));
                }
                problems.push(
                    ...(await checkpointProblems(models, findings, {
                        expected: await readCheckpoint(scratch.db),
                        found,
                    })),
                );
                return {
                    throughBlock: found?.blockNumber ?? null,
                    peerHeight,
                    tables,
                    divergences: findings.divergences,
                    divergenceCount: findings.count,
                    checkpointProblems: problems,
                    clean: findings.count === 0 && problems.length === 0,
                    elapsedMs: Math.round(performance.now() - started),
                };
            } finally {
                await sql`rollback`.execute(live);
            }
        });
    } finally {
        await scratch.close();
        rmSync(scratchDir, { recursive: true, force: true });
    }
}
