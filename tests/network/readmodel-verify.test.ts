import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readConnectionProfile, REGISTRAR } from '../../network/client';
import { ledgerIdentity } from '../../gateway/src/auth/identities';
import {
    openReadModel,
    verifyOrgReadModel,
    type ReadModelDatabase,
    type VerifyReport,
} from '../../gateway/src/projection';
import { readCheckpoint } from '../../gateway/src/projection/apply';
import { channelHeight, connectionProfile, marketSuite, network, ok, tradeBody } from './gateway-support';
import { uniqueId } from './support';

/**
 * Proof that the projection equals the ledger, on the real network (issue #9 item 7 and its Faults): a gateway
 * process projecting the channel is killed with SIGKILL in the middle of its catch-up from block 0 and again while
 * writes flow; each time it is started again, it resumes from its checkpoint, and the verifier (which re-reads the
 * chain from the org's own peer) finds its MarketOrg read model equal to the ledger, row counts included. Then the
 * read model is tampered with, a row altered and a block's rows deleted, and the verifier names both; the auditor's
 * endpoint verifies CustomsOrg's read model clean.
 */
const { m } = marketSuite({ MPT_PROJECTION: 'on' });
const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-verify-faults-'));
const children: ChildProcess[] = [];
const opened: ReadModelDatabase[] = [];
let model: ReadModelDatabase;

afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(opened.map((database) => database.close()));
    rmSync(dataDir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

/** A gateway process of its own (the built server), projecting every org into `dataDir`. */
function startGatewayProcess(): ChildProcess {
    const child = spawn(process.execPath, [path.resolve('dist/gateway/src/server.js')], {
        env: {
            ...process.env,
            MPT_GATEWAY_PORT: '0',
            MPT_CONNECTION_PROFILE: connectionProfile,
            MPT_GATEWAY_DATA_DIR: dataDir,
            MPT_PROJECTION: 'on',
            MPT_LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
}

async function kill(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
}

const lastApplied = async (): Promise<number> => (await readCheckpoint(model.db))?.blockNumber ?? -1;

async function caughtUp(ms = 120_000): Promise<number> {
    const last = (await channelHeight()) - 1;
    await until(async () => (await lastApplied()) >= last, ms, `MarketOrg read model at block ${last}`);
    return last;
}

async function verifyMarketOrg(): Promise<VerifyReport> {
    const profile = readConnectionProfile(connectionProfile);
    return verifyOrgReadModel({
        profile,
        org: 'MarketOrg',
        reader: ledgerIdentity(network.wallet('MarketOrg').get(REGISTRAR)),
        dataDir,
        databaseUrl: undefined,
    });
}

/** Clean, and every table holds as many rows as the ledger rebuilt from block 0. */
function expectEqualToLedger(report: VerifyReport): void {
    expect({ divergences: report.divergences, problems: report.checkpointProblems }).toEqual({
        divergences: [],
        problems: [],
    });
    expect(report.clean).toBe(true);
    for (const table of report.tables)
        expect([table.table, table.foundRows]).toEqual([table.table, table.expectedRows]);
    expect(report.tables.find((t) => t.table === 'trades')?.foundRows).toBeGreaterThan(100);
}

const registerTrades = async (count: number, prefix: string): Promise<void> => {
    // 20 at a time: many transactions in many blocks, so a catch-up from block 0 takes long enough to be interrupted
    for (let start = 0; start < count; start += 20) {
        await Promise.all(
            Array.from({ length: Math.min(20, count - start) }, async () => {
                ok(await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId(prefix))), 201);
            }),
        );
    }
};

beforeAll(async () => {
    await registerTrades(200, 'VF');
    model = await openReadModel({ dataDir, name: 'MarketOrg' });
    opened.push(model);
}, 600_000);

describe('the read model survives SIGKILL and equals the ledger', () => {
    it('killed mid catch-up from block 0, restarted: it resumes from its checkpoint and verifies clean', async () => {
        const height = await channelHeight();
        const first = startGatewayProcess();
        await until(async () => (await lastApplied()) >= 5, 120_000, 'the catch-up under way');
        await kill(first);
        const killedAt = await lastApplied();
        expect(killedAt).toBeLessThan(height - 10);

        startGatewayProcess();
        await caughtUp();
        expectEqualToLedger(await verifyMarketOrg());
    }, 600_000);

    it('killed while writes flow, restarted: it resumes and verifies clean', async () => {
        const child = children[children.length - 1];
        if (child === undefined) throw new Error('no gateway process running');
        const writes = registerTrades(60, 'VL');
        const before = await lastApplied();
        await until(async () => (await lastApplied()) > before + 2, 120_000, 'live blocks applied');
        await kill(child);
        await writes;

        startGatewayProcess();
        await caughtUp();
        expectEqualToLedger(await verifyMarketOrg());
    }, 600_000);

    it('a row altered and a block whose rows were deleted are both reported, with their keys and blocks', async () => {
        const child = children[children.length - 1];
        if (child !== undefined) await kill(child);
        const trades = await model.db
            .selectFrom('trades')
            .select(['trade_no', 'block_number', 'tx_id'])
            .where('trade_no', 'like', 'VF-%')
            .orderBy('block_number')
            .execute();
        const altered = trades[0];
        const deleted = trades.find((t) => t.block_number !== altered?.block_number);
        if (altered === undefined || deleted === undefined) throw new Error('no trades in two blocks');
        await model.db
            .updateTable('trades')
            .set({ status: 'EXPORTED' })
            .where('trade_no', '=', altered.trade_no)
            .execute();
        for (const table of ['trades', 'transactions', 'parties', 'goods'] as const) {
            await model.db.deleteFrom(table).where('block_number', '=', deleted.block_number).execute();
        }

        const report = await verifyMarketOrg();
        expect(report.clean).toBe(false);
        expect(report.divergences).toEqual(
            expect.arrayContaining([
                {
                    table: 'trades',
                    key: { trade_no: altered.trade_no },
                    kind: 'altered',
                    expected: { blockNumber: altered.block_number, txId: altered.tx_id },
                    found: { blockNumber: altered.block_number, txId: altered.tx_id },
                    columns: ['status'],
                },
                {
                    table: 'trades',
                    key: { trade_no: deleted.trade_no },
                    kind: 'missing',
                    expected: { blockNumber: deleted.block_number, txId: deleted.tx_id },
                    found: null,
                    columns: [],
                },
            ]),
        );
        expect(report.checkpointProblems).toEqual([
            expect.objectContaining({ kind: 'block-skipped', blockNumber: deleted.block_number }),
        ]);
    }, 600_000);

    it("the auditor's endpoint verifies the auditor's own org read model; a vendor is refused", async () => {
        const answer = ok(await m.auditor.api.get('/v1/readmodel/verify?max=5')) as VerifyReport & { org: string };
        expect(answer).toMatchObject({ org: 'CustomsOrg', clean: true, divergenceCount: 0, checkpointProblems: [] });
        expect(answer.throughBlock).toBeGreaterThan(0);
        const refused = await m.vendor.api.get('/v1/readmodel/verify');
        expect(refused.status).toBe(403);
    }, 600_000);
});
