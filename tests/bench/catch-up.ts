import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newLogger } from '../../gateway/src/ops/logger';
import { startProjections } from '../../gateway/src/projection';
import { FabricBlockSource } from '../../gateway/src/projection/fabric-source';
import { transactionsIn } from '../../gateway/src/projection/groups';
import type { Fixture } from './fixture';

export interface CatchUp {
    /** Blocks 0..last, as many as the ledger had when the run began. */
    readonly blocks: number;
    /** The transactions in those blocks (every envelope, configuration and invalid ones included). */
    readonly transactions: number;
    /** A fresh MarketOrg read model projecting them (the gateway's read side: `startProjections`). */
    readonly projectedMs: number;
    /** The same blocks with their private data, only streamed from the same peer by the same identity. */
    readonly streamedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Streams blocks 0..`last` from MarketOrg's peer and drops them: what the projection reads, without applying it.
 * Answers the time taken and the transactions in those blocks.
 */
async function stream(source: FabricBlockSource, last: number): Promise<{ ms: number; transactions: number }> {
    const started = performance.now();
    const blocks = await source.open(0);
    let transactions = 0;
    try {
        for await (const item of blocks) {
            transactions += transactionsIn(item);
            if ((item.getBlock()?.getHeader()?.getNumber() ?? -1) >= last) {
                break;
            }
        }
    } finally {
        blocks.close();
    }
    return { ms: performance.now() - started, transactions };
}

/** A new MarketOrg read model, from block 0 until it holds block `last`; fails after `timeoutMs`. */
async function project(fixture: Fixture, last: number, timeoutMs: number): Promise<number> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-bench-projection-'));
    const started = performance.now();
    const projections = startProjections({
        profile: { ...fixture.profile, orgs: [fixture.marketOrg] },
        readers: new Map([[fixture.marketOrg.mspId, fixture.registrar]]),
        dataDir,
        databaseUrl: undefined,
        logger: newLogger('silent'),
    });
    try {
        for (;;) {
            const [status] = await projections.statuses();
            if ((status?.lastBlock ?? -1) >= last) {
                return performance.now() - started;
            }
            if (performance.now() - started > timeoutMs) {
                throw new Error(
                    `projection at block ${status?.lastBlock ?? 'none'} of ${last} after ${timeoutMs} ms` +
                        (status?.error === undefined ? '' : `: ${status.error}`),
                );
            }
            await sleep(20);
        }
    } finally {
        await projections.stop();
        rmSync(dataDir, { recursive: true, force: true });
    }
}

/** Projection catch-up of the whole ledger against only streaming it, both from MarketOrg's peer as its registrar. */
export async function catchUp(fixture: Fixture, timeoutMs: number): Promise<CatchUp> {
    const source = new FabricBlockSource(fixture.marketOrg, fixture.registrar, fixture.profile.channel);
    try {
        const last = (await source.height()) - 1;
        const streamed = await stream(source, last);
        const projectedMs = await project(fixture, last, timeoutMs);
        return { blocks: last + 1, transactions: streamed.transactions, projectedMs, streamedMs: streamed.ms };
    } finally {
        source.close();
    }
}
