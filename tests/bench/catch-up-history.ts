import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { peer } from '@hyperledger/fabric-protos';
import { newLogger } from '../../gateway/src/ops/logger';
import {
    applyBlocks,
    dropPostgresReadModel,
    openReadModel,
    parseBlock,
    Projector,
    type BlockSource,
    type BlockStream,
    type ParsedBlock,
    type ReadModelDatabase,
} from '../../gateway/src/projection';
import { GROUP_LIMITS } from '../../gateway/src/projection/groups';
import { genesisBlock, marketHistory } from './history';

/**
 * Projection catch-up over a generated market history (tests/bench/history.ts), no network: the blocks are real
 * Fabric protobufs in memory, so what is timed is the projection alone. Three passes, each on a new read model:
 * decode (parseBlock only), apply (the parsed blocks through applyBlocks in the projector's groups, timed as writing
 * the rows, with mapping them, and committing) and
 * the whole projector (Projector over an in-memory peer: decode, apply and commit as the gateway runs them).
 * BENCH_DATABASE_URL (postgres://…) measures PostgreSQL instead of SQLite.
 */

const CHAINCODE = 'mpt';
const DATABASE_URL = process.env.BENCH_DATABASE_URL;

/** A peer holding `blocks`: a stream delivers them from any block on, then stays open as the deliver service does. */
function memoryPeer(blocks: readonly peer.BlockAndPrivateData[]): BlockSource {
    return {
        height: () => Promise.resolve(blocks.length),
        open: (start: number): Promise<BlockStream> => {
            let closed = false;
            let wake: (() => void) | undefined;
            const stream: BlockStream = {
                close: (): void => {
                    closed = true;
                    wake?.();
                },
                [Symbol.asyncIterator]: async function* (): AsyncGenerator<peer.BlockAndPrivateData> {
                    for (const block of blocks.slice(start)) {
                        if (closed) return;
                        yield block;
                    }
                    if (!closed) await new Promise<void>((resolve) => (wake = resolve));
                },
            };
            return Promise.resolve(stream);
        },
        close: (): void => undefined,
    };
}

async function withReadModel<T>(run: (model: ReadModelDatabase) => Promise<T>): Promise<T> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-bench-catch-up-'));
    const name = `bench_catch_up_${process.pid}`;
    const model = await openReadModel({ databaseUrl: DATABASE_URL, dataDir, name });
    try {
        return await run(model);
    } finally {
        await model.close();
        if (DATABASE_URL !== undefined) await dropPostgresReadModel(DATABASE_URL, name);
        rmSync(dataDir, { recursive: true, force: true });
    }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole projector from block 0 to the last block: ms. */
function project(blocks: readonly peer.BlockAndPrivateData[]): Promise<number> {
    return withReadModel(async (model) => {
        const started = performance.now();
        const projector = new Projector({
            org: 'MarketOrg',
            open: (): Promise<ReadModelDatabase> => Promise.resolve(model),
            source: memoryPeer(blocks),
            chaincode: CHAINCODE,
            logger: newLogger('silent'),
        });
        projector.start();
        try {
            for (;;) {
                const status = await projector.status();
                if ((status.lastBlock ?? -1) >= blocks.length - 1) return performance.now() - started;
                if (status.error !== undefined) throw new Error(status.error);
                await sleep(5);
            }
        } finally {
            await projector.stop();
        }
    });
}

/** The parsed blocks in the groups the projector makes of blocks already delivered (all of them, catching up). */
function groups(blocks: readonly ParsedBlock[]): ParsedBlock[][] {
    const out: ParsedBlock[][] = [];
    let group: ParsedBlock[] = [];
    let size = 0;
    for (const block of blocks) {
        group.push(block);
        size += block.transactions.length;
        if (group.length >= GROUP_LIMITS.blocks || size >= GROUP_LIMITS.transactions) {
            out.push(group);
            group = [];
            size = 0;
        }
    }
    return group.length > 0 ? [...out, group] : out;
}

/** CPU time of this process (SQLite runs on its thread): on a shared machine, steadier than the wall clock. */
const cpuMs = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
};

const rate = (count: number, ms: number): string => `${Math.round((count * 1000) / ms).toLocaleString('en')}/s`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Runs the three passes over a history of `transactions` transactions and answers the report. */
export async function catchUpHistory(transactions: number): Promise<string> {
    const blocks = [genesisBlock(), ...marketHistory(transactions)];

    let started = performance.now();
    let cpu = cpuMs();
    const parsed = blocks.map((block) => parseBlock(block, CHAINCODE));
    const decodeMs = performance.now() - started;
    const decodeCpuMs = cpuMs() - cpu;
    const txs = parsed.reduce((sum, block) => sum + block.transactions.length, 0);

    const applied = await withReadModel(async (model) => {
        let rows = 0;
        let writeMs = 0;
        let commitMs = 0;
        started = performance.now();
        const cpuStarted = cpuMs();
        for (const group of groups(parsed)) {
            const { timings, ...done } = await applyBlocks(model.db, group);
            rows += done.rows;
            writeMs += timings.writeMs;
            commitMs += timings.commitMs;
        }
        return { rows, ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted, writeMs, commitMs };
    });

    cpu = cpuMs();
    const projectedMs = await project(blocks);
    const projectedCpuMs = cpuMs() - cpu;

    const line = (name: string, ms: number, cpu: number, rows?: number): string =>
        `  ${name.padEnd(28)} ${seconds(ms).padStart(9)} ${rate(txs, ms).padStart(8)} tx` +
        (rows === undefined ? '' : `, ${rate(rows, ms)} rows`) +
        `; CPU ${seconds(cpu)}: ${rate(txs, cpu)} tx per CPU-second`;
    return [
        `catch-up of a market history (${DATABASE_URL === undefined ? 'SQLite' : 'PostgreSQL'}): ${txs} transactions in ${blocks.length} blocks, ${applied.rows} rows`,
        line('decode (parseBlock)', decodeMs, decodeCpuMs),
        line('apply (applyBlocks, parsed)', applied.ms, applied.cpuMs, applied.rows),
        `    of which rows and SQL      ${seconds(applied.writeMs).padStart(9)}`,
        `    of which commit            ${seconds(applied.commitMs).padStart(9)}`,
        line('projector (decode + apply)', projectedMs, projectedCpuMs, applied.rows),
        '',
    ].join('\n');
}
