import { afterEach, describe, expect, test } from '@jest/globals';
import type { peer } from '@hyperledger/fabric-protos';
import { sql } from 'kysely';
import { applyBlock, parseBlock, verifyReadModel, type VerifyReport } from '../../../../gateway/src/projection';
import { buildBlock, CHAINCODE } from './blocks';
import {
    customsEventWrite,
    declaration,
    declarationWrite,
    party,
    partyPrivateWrite,
    partyWrite,
    trade,
    tradeWrite,
} from './records';
import { DIALECTS, MemoryPeer, newTestModel, type TestModel } from './support';

/** Blocks 0 (configuration) to 5: parties, two trades, a declaration of the first and its acceptance. */
function ledger(): peer.BlockAndPrivateData[] {
    const decl = declaration('290120261129000001', 'tx5');
    return [
        buildBlock(0, [], { config: true }),
        buildBlock(1, [
            {
                txId: 'tx1',
                writes: [partyWrite(party('M001', 'tx1'))],
                privateWrites: [partyPrivateWrite('M001', 'ID-330782-1')],
            },
            { txId: 'tx2', writes: [partyWrite(party('B001', 'tx2', { type: 'BUYER', countryCode: 'AE' }))] },
        ]),
        buildBlock(2, [{ txId: 'tx3', writes: [tradeWrite(trade('T-1', 'tx3'))] }]),
        buildBlock(3, [{ txId: 'tx4', writes: [tradeWrite(trade('T-2', 'tx4'))] }]),
        buildBlock(4, [
            {
                txId: 'tx5',
                writes: [
                    declarationWrite(decl),
                    tradeWrite(trade('T-1', 'tx5', { status: 'DECLARED', declNo: decl.declNo, packingNo: 'PK-1' })),
                ],
            },
        ]),
        buildBlock(5, [
            {
                txId: 'tx6',
                creatorMsp: 'CustomsOrgMSP',
                writes: [
                    declarationWrite({ ...decl, status: 'ACCEPTED', customsEvents: 1 }),
                    customsEventWrite(decl.declNo, 1, 'tx6'),
                ],
            },
        ]),
    ];
}

describe.each(DIALECTS)('verifying the read model on %s', (dialect) => {
    let model: TestModel | undefined;
    afterEach(async () => {
        await model?.cleanup();
        model = undefined;
    });

    /** A read model projected from the whole ledger, and a verify of it through a handle of its own. */
    async function projected(): Promise<{ model: TestModel; verify: () => Promise<VerifyReport> }> {
        const opened = await newTestModel(dialect);
        model = opened;
        const peer = new MemoryPeer();
        peer.append(...ledger());
        for (const block of peer.blocks) await applyBlock(opened.database.db, parseBlock(block, CHAINCODE));
        const live = await opened.reopen();
        return { model: opened, verify: () => verifyReadModel({ live, source: peer, chaincode: CHAINCODE }) };
    }

    test('a read model equal to its ledger verifies clean, every table compared', async () => {
        const { verify } = await projected();
        const report = await verify();
        expect(report).toMatchObject({ clean: true, divergenceCount: 0, divergences: [], checkpointProblems: [] });
        expect(report.throughBlock).toBe(5);
        const rows = Object.fromEntries(report.tables.map((t) => [t.table, [t.expectedRows, t.foundRows]]));
        expect(rows).toMatchObject({ transactions: [6, 6], parties: [2, 2], trades: [2, 2], customs_events: [1, 1] });
        expect(rows.trade_lines?.[0]).toBeGreaterThan(0);
    });

    test('an altered row and a block whose rows were deleted are both found, with their keys and blocks', async () => {
        const { model: opened, verify } = await projected();
        const { db } = opened.database;
        await db.updateTable('trades').set({ total_amount: 1 }).where('trade_no', '=', 'T-1').execute();
        await db.updateTable('trade_lines').set({ qty: 999 }).where('trade_no', '=', 'T-1').execute();
        await db.deleteFrom('trades').where('block_number', '=', 3).execute();
        await db.deleteFrom('transactions').where('block_number', '=', 3).execute();

        const report = await verify();
        expect(report.clean).toBe(false);
        expect(report.divergences).toEqual(
            expect.arrayContaining([
                {
                    table: 'trades',
                    key: { trade_no: 'T-1' },
                    kind: 'altered',
                    expected: { blockNumber: 4, txId: 'tx5' },
                    found: { blockNumber: 4, txId: 'tx5' },
                    columns: ['total_amount'],
                },
                expect.objectContaining({
                    table: 'trade_lines',
                    key: expect.objectContaining({ trade_no: 'T-1' }) as unknown,
                    kind: 'altered',
                    expected: { blockNumber: 4, txId: 'tx5' },
                    columns: ['qty'],
                }),
                {
                    table: 'trades',
                    key: { trade_no: 'T-2' },
                    kind: 'missing',
                    expected: { blockNumber: 3, txId: 'tx4' },
                    found: null,
                    columns: [],
                },
                {
                    table: 'transactions',
                    key: { tx_id: 'tx4' },
                    kind: 'missing',
                    expected: { blockNumber: 3, txId: 'tx4' },
                    found: null,
                    columns: [],
                },
            ]),
        );
        expect(report.divergenceCount).toBe(report.divergences.length);
        expect(report.checkpointProblems).toEqual([
            expect.objectContaining({ kind: 'block-skipped', blockNumber: 3, txIds: ['tx4'] }),
        ]);
    });

    test('a row the ledger never wrote, a transaction moved and a repeated one are reported', async () => {
        const { model: opened, verify } = await projected();
        const { db } = opened.database;
        await db
            .insertInto('transactions')
            .values({
                tx_id: 'forged',
                block_number: 2,
                tx_index: 0,
                timestamp: '2026-11-29T00:00:00.000Z',
                creator_msp: 'MarketOrgMSP',
                event_name: null,
                event_payload: null,
            })
            .execute();
        await db.updateTable('transactions').set({ block_number: 4 }).where('tx_id', '=', 'tx6').execute();

        const report = await verify();
        expect(report.divergences).toEqual(
            expect.arrayContaining([
                expect.objectContaining({ table: 'transactions', key: { tx_id: 'forged' }, kind: 'extra' }),
                expect.objectContaining({
                    table: 'transactions',
                    key: { tx_id: 'tx6' },
                    kind: 'altered',
                    expected: { blockNumber: 5, txId: 'tx6' },
                    found: { blockNumber: 4, txId: 'tx6' },
                }),
            ]),
        );
        expect(report.checkpointProblems.map((p) => [p.kind, p.blockNumber])).toEqual(
            expect.arrayContaining([
                ['tx-unknown', 2],
                ['tx-repeated', 2],
                ['tx-wrong-block', 4],
            ]),
        );
    });

    test('a checkpoint past the peer’s last block is reported, and the rows up to that block still compared', async () => {
        const { model: opened, verify } = await projected();
        await sql`update checkpoint set block_number = 9`.execute(opened.database.db);
        const report = await verify();
        expect(report.checkpointProblems).toEqual([
            expect.objectContaining({ kind: 'checkpoint-ahead', blockNumber: 9 }),
        ]);
        expect(report.divergenceCount).toBe(0);
    });
});
