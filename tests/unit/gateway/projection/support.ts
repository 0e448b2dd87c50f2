import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { peer } from '@hyperledger/fabric-protos';
import type { Kysely } from 'kysely';
import {
    dropPostgresReadModel,
    openReadModel,
    type BlockSource,
    type BlockStream,
    type ReadModel,
    type ReadModelDatabase,
} from '../../../../gateway/src/projection';

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

let opened = 0;

export interface TestModel {
    readonly database: ReadModelDatabase;
    /** Opens the same read model again (as a restarted gateway would). */
    reopen(): Promise<ReadModelDatabase>;
    /** Closes every handle and deletes the read model. */
    cleanup(): Promise<void>;
}

/** A new, empty read model on a real SQLite file or a real PostgreSQL server (global-setup.ts starts it). */
export async function newTestModel(dialect: DialectName): Promise<TestModel> {
    opened += 1;
    const name = `t${process.pid}_${opened}_${Date.now()}`;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mpt-read-'));
    const databaseUrl = dialect === 'postgres' ? process.env.MPT_TEST_POSTGRES_URL : undefined;
    if (dialect === 'postgres' && (databaseUrl === undefined || databaseUrl === '')) {
        throw new Error('MPT_TEST_POSTGRES_URL is not set: tests/unit/global-setup.ts starts PostgreSQL');
    }
    const handles: ReadModelDatabase[] = [];
    const open = async (): Promise<ReadModelDatabase> => {
        const database = await openReadModel({ databaseUrl, dataDir, name });
        handles.push(database);
        return database;
    };
    const database = await open();
    return {
        database,
        reopen: open,
        cleanup: async (): Promise<void> => {
            await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
            if (databaseUrl !== undefined) await dropPostgresReadModel(databaseUrl, name);
            rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

const TABLES: readonly (keyof ReadModel)[] = [
    'transactions',
    'parties',
    'party_private',
    'clusters',
    'goods',
    'trades',
    'trade_lines',
    'declarations',
    'declaration_lines',
    'declaration_line_sources',
    'customs_events',
    'receipts',
    'receipt_payers',
    'allocations',
    'exemptions',
    'risk_flags',
    'consolidation_orders',
    'consolidation_order_trades',
    'packing_lists',
    'packing_containers',
    'agreements',
    'documents',
    'financings',
    'financing_items',
    'financing_terms',
];

/** Every row of every projected table, sorted, with the checkpoint (less its wall-clock time): to compare models. */
export async function dump(db: Kysely<ReadModel>): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const table of TABLES) {
        const rows = await db.selectFrom(table).selectAll().execute();
        out[table] = rows.map((row) => JSON.stringify(row)).sort();
    }
    const checkpoint = await db.selectFrom('checkpoint').select(['block_number', 'tx_id', 'tx_count']).execute();
    out.checkpoint = checkpoint.map((row) => JSON.stringify(row));
    return out;
}

/**
 * A peer in memory: its blocks so far, a stream from any block that then waits for new ones (as the deliver
 * service does), and how many streams were opened.
 */
export class MemoryPeer implements BlockSource {
    readonly blocks: peer.BlockAndPrivateData[] = [];
    opens: number[] = [];
    #wake: (() => void) | undefined;

    append(...blocks: peer.BlockAndPrivateData[]): void {
        this.blocks.push(...blocks);
        this.#wake?.();
    }

    height(): Promise<number> {
        return Promise.resolve(this.blocks.length);
    }

    open(startBlock: number): Promise<BlockStream> {
        this.opens.push(startBlock);
        let closed = false;
        const wait = (): Promise<void> =>
            new Promise((resolve) => {
                this.#wake = resolve;
            });
        const stream: BlockStream = {
            close: (): void => {
                closed = true;
                this.#wake?.();
            },
            [Symbol.asyncIterator]: async function* (this: MemoryPeer): AsyncGenerator<peer.BlockAndPrivateData> {
                for (let next = startBlock; !closed;) {
                    const block = this.blocks[next];
                    if (block === undefined) {
                        await wait();
                        continue;
                    }
                    next += 1;
                    yield block;
                }
            }.bind(this),
        };
        return Promise.resolve(stream);
    }

    close(): void {
        this.#wake?.();
    }
}

/** Polls `check` until it holds or `ms` passes. */
export async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
