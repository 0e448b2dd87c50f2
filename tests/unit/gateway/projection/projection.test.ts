import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { peer } from '@hyperledger/fabric-protos';
import pino from 'pino';
import {
    applyBlock,
    applyBlocks,
    BlockGap,
    openReadModel,
    parseBlock,
    Projector,
    readCheckpoint,
    type ReadModelDatabase,
} from '../../../../gateway/src/projection';
import { buildBlock, CHAINCODE, compositeKey, type TxSpec } from './blocks';
import {
    allocationWrite,
    customsEventWrite,
    declaration,
    declarationWrite,
    indexWrite,
    party,
    partyPrivateWrite,
    partyWrite,
    payerWrite,
    receipt,
    receiptWrite,
    riskWrite,
    trade,
    tradeWrite,
} from './records';
import { DIALECTS, dump, eventually, MemoryPeer, newTestModel, type TestModel } from './support';

const MVCC_READ_CONFLICT = peer.TxValidationCode.MVCC_READ_CONFLICT;

/** A small market's ledger: a party with private data, trades, a declaration through customs, a receipt. */
function market(): peer.BlockAndPrivateData[] {
    const declared = trade('T-1', 'tx5', { status: 'DECLARED', declNo: '290120261129000001', packingNo: 'PK-1' });
    const decl = declaration('290120261129000001', 'tx5');
    const txs: TxSpec[][] = [
        [
            {
                txId: 'tx1',
                writes: [partyWrite(party('M001', 'tx1')), indexWrite('idx~party~type', 'MERCHANT', 'M001')],
                privateWrites: [partyPrivateWrite('M001', 'ID-330782-1')],
                event: { name: 'PartyRegistered', payload: { partyId: 'M001', type: 'MERCHANT', riskFlags: [] } },
            },
            { txId: 'tx2', writes: [partyWrite(party('B001', 'tx2', { type: 'BUYER', countryCode: 'AE' }))] },
        ],
        [
            {
                txId: 'tx3',
                writes: [tradeWrite(trade('T-1', 'tx3')), indexWrite('idx~trade~date', '2026-11-28', 'T-1')],
                event: { name: 'TradeRegistered', payload: { tradeNo: 'T-1', status: 'CONFIRMED', riskFlags: [] } },
            },
            { txId: 'tx4', code: MVCC_READ_CONFLICT, writes: [tradeWrite(trade('T-2', 'tx4'))] },
        ],
        [{ txId: 'tx5', writes: [declarationWrite(decl), tradeWrite(declared)] }],
        [
            {
                txId: 'tx6',
                creatorMsp: 'CustomsOrgMSP',
                writes: [
                    declarationWrite({ ...decl, status: 'ACCEPTED', customsEvents: 1 }),
                    customsEventWrite(decl.declNo, 1, 'tx6'),
                ],
            },
        ],
        [
            {
                txId: 'tx7',
                creatorMsp: 'BankOrgMSP',
                writes: [receiptWrite(receipt('R1', 'tx7'))],
                privateWrites: [payerWrite('BankOrgMSP:R1')],
            },
            {
                txId: 'tx8',
                creatorMsp: 'BankOrgMSP',
                writes: [
                    receiptWrite(
                        receipt('R1', 'tx7', { status: 'ALLOCATED', allocatedMinor: 2170000, unallocatedMinor: 0 }),
                    ),
                    allocationWrite('T-1', 'R1', 'tx8'),
                    riskWrite('FLAG-1', 'tx8', { subjectType: 'receipt', subjectId: 'BankOrgMSP:R1', ruleId: 'F7' }),
                ],
            },
        ],
        [{ txId: 'tx9', writes: [partyWrite(party('M001', 'tx1', { status: 'ACTIVE' }))] }],
    ];
    return [buildBlock(0, [], { config: true }), ...txs.map((block, index) => buildBlock(index + 1, block))];
}

const logger = pino({ level: 'silent' });

describe('parseBlock', () => {
    test('reads the chaincode writes, event, creator and validation code of each endorser transaction', () => {
        const block = parseBlock(market()[2] ?? buildBlock(0, []), CHAINCODE);
        expect(block.number).toBe(2);
        expect(block.transactions.map((tx) => [tx.txId, tx.valid, tx.validationCode])).toEqual([
            ['tx3', true, 0],
            ['tx4', false, MVCC_READ_CONFLICT],
        ]);
        const [registered] = block.transactions;
        expect(registered?.event?.name).toBe('TradeRegistered');
        expect(registered?.writes.map((write) => write.key)).toEqual([
            compositeKey('trade', 'T-1'),
            compositeKey('idx~trade~date', '2026-11-28', 'T-1'),
        ]);
        expect(registered?.creatorMsp).toBe('MarketOrgMSP');
    });

    test('leaves out configuration transactions and other chaincodes’ namespaces', () => {
        expect(parseBlock(market()[0] ?? buildBlock(0, []), CHAINCODE).transactions).toEqual([]);
        const other = buildBlock(1, [
            {
                txId: 'lc',
                writes: [{ key: 'namespaces/fields/mpt/Sequence', value: { v: 1 }, namespace: '_lifecycle' }],
            },
        ]);
        expect(parseBlock(other, CHAINCODE).transactions[0]).toMatchObject({
            valid: true,
            ofChaincode: false,
            writes: [],
        });
    });
});

describe.each(DIALECTS)('the read model on %s', (dialect) => {
    let model: TestModel | undefined;
    const open = async (): Promise<ReadModelDatabase> => {
        model = await newTestModel(dialect);
        return model.database;
    };
    afterEach(async () => {
        await model?.cleanup();
        model = undefined;
    });

    async function applyAll(database: ReadModelDatabase, blocks: peer.BlockAndPrivateData[]): Promise<void> {
        for (const block of blocks) await applyBlock(database.db, parseBlock(block, CHAINCODE));
    }

    test('applies blocks in order: each record as last written, with the txId and block of that change', async () => {
        const { db } = await open();
        await applyAll({ db } as ReadModelDatabase, market());

        const trades = await db.selectFrom('trades').selectAll().execute();
        expect(trades.map((t) => [t.trade_no, t.status, t.decl_no, t.tx_id, t.block_number])).toEqual([
            ['T-1', 'DECLARED', '290120261129000001', 'tx5', 3],
        ]);
        expect(trades[0]?.cluster_id).toBe('YW-FUTIAN');
        expect(trades[0]?.total_amount).toBe(155000);
        const lines = await db.selectFrom('trade_lines').select(['line_id', 'amount']).orderBy('line_id').execute();
        expect(lines).toEqual([
            { line_id: '1', amount: 125000 },
            { line_id: '2', amount: 30000 },
        ]);
        const decl = await db.selectFrom('declarations').selectAll().executeTakeFirstOrThrow();
        expect([decl.status, decl.customs_events, decl.customs_office, decl.tx_id, decl.block_number]).toEqual([
            'ACCEPTED',
            1,
            '2901',
            'tx6',
            4,
        ]);
        expect(
            await db.selectFrom('declaration_lines').select(['g_no', 'is_itemised']).orderBy('g_no').execute(),
        ).toEqual([
            { g_no: 1, is_itemised: 1 },
            { g_no: 2, is_itemised: 0 },
        ]);
        const sources = await db
            .selectFrom('declaration_line_sources')
            .select(['g_no', 'trade_no', 'line_id'])
            .orderBy('g_no')
            .execute();
        expect(sources).toEqual([
            { g_no: 1, trade_no: 'T-1', line_id: '1' },
            { g_no: 2, trade_no: 'T-1', line_id: '2' },
        ]);
        expect(await db.selectFrom('customs_events').select(['seq', 'type', 'by_msp', 'tx_id']).execute()).toEqual([
            { seq: 1, type: 'ACCEPTED', by_msp: 'CustomsOrgMSP', tx_id: 'tx6' },
        ]);
        const receipts = await db
            .selectFrom('receipts')
            .select(['receipt_id', 'status', 'unallocated_minor', 'tx_id'])
            .execute();
        expect(receipts).toEqual([
            { receipt_id: 'BankOrgMSP:R1', status: 'ALLOCATED', unallocated_minor: 0, tx_id: 'tx8' },
        ]);
        expect(
            await db.selectFrom('allocations').select(['trade_no', 'receipt_id', 'trade_amount_minor']).execute(),
        ).toEqual([{ trade_no: 'T-1', receipt_id: 'BankOrgMSP:R1', trade_amount_minor: 155000 }]);
        expect(await db.selectFrom('receipt_payers').select(['receipt_id', 'name', 'block_number']).execute()).toEqual([
            { receipt_id: 'BankOrgMSP:R1', name: 'Gulf Trading LLC', block_number: 5 },
        ]);
        expect(await db.selectFrom('risk_flags').select(['flag_id', 'status', 'subject_id']).execute()).toEqual([
            { flag_id: 'FLAG-1', status: 'OPEN', subject_id: 'BankOrgMSP:R1' },
        ]);
        const parties = await db
            .selectFrom('parties')
            .select(['party_id', 'status', 'legal_name', 'tx_id', 'block_number'])
            .orderBy('party_id')
            .execute();
        expect(parties).toEqual([
            { party_id: 'B001', status: 'SUBMITTED', legal_name: '义乌 B001 商行', tx_id: 'tx2', block_number: 1 },
            { party_id: 'M001', status: 'ACTIVE', legal_name: '义乌 M001 商行', tx_id: 'tx9', block_number: 6 },
        ]);
        expect(await db.selectFrom('party_private').select(['party_id', 'id_number', 'tx_id']).execute()).toEqual([
            { party_id: 'M001', id_number: 'ID-330782-1', tx_id: 'tx1' },
        ]);
        const transactions = await db
            .selectFrom('transactions')
            .select(['tx_id', 'block_number', 'event_name'])
            .orderBy('block_number')
            .orderBy('tx_index')
            .execute();
        expect(transactions.map((tx) => tx.tx_id)).toEqual(['tx1', 'tx2', 'tx3', 'tx5', 'tx6', 'tx7', 'tx8', 'tx9']);
        expect(transactions[2]).toEqual({ tx_id: 'tx3', block_number: 2, event_name: 'TradeRegistered' });
        expect(await readCheckpoint(db)).toEqual({ blockNumber: 6, txId: 'tx9', txCount: 8 });
    });

    test("a record's doc is the JSON text the ledger holds, byte for byte", async () => {
        const { db } = await open();
        const text = JSON.stringify(party('M007', 'd1', { legalName: '义乌 "七" 商行' }), null, 1);
        await applyAll({ db } as ReadModelDatabase, [
            buildBlock(0, [], { config: true }),
            buildBlock(1, [{ txId: 'd1', writes: [{ key: compositeKey('party', 'M007'), value: Buffer.from(text) }] }]),
        ]);
        const row = await db.selectFrom('parties').select(['legal_name', 'doc']).executeTakeFirstOrThrow();
        expect(row).toEqual({ legal_name: '义乌 "七" 商行', doc: text });
    });

    test('an invalid transaction changes nothing: neither its records nor the transactions table', async () => {
        const { db } = await open();
        await applyAll({ db } as ReadModelDatabase, market().slice(0, 3));
        expect(await db.selectFrom('trades').select('trade_no').execute()).toEqual([{ trade_no: 'T-1' }]);
        expect(await db.selectFrom('transactions').select('tx_id').where('tx_id', '=', 'tx4').execute()).toEqual([]);
        expect(await readCheckpoint(db)).toEqual({ blockNumber: 2, txId: 'tx3', txCount: 3 });
    });

    test('private data is applied only when the peer delivered it (a peer outside the collection has none)', async () => {
        const { db } = await open();
        const registration: TxSpec = {
            txId: 'p1',
            writes: [partyWrite(party('M002', 'p1'))],
            privateWrites: [partyPrivateWrite('M002', 'ID-1')],
            privateDelivered: false,
        };
        await applyAll({ db } as ReadModelDatabase, [
            buildBlock(0, [], { config: true }),
            buildBlock(1, [registration]),
        ]);
        expect(await db.selectFrom('parties').select('party_id').execute()).toEqual([{ party_id: 'M002' }]);
        expect(await db.selectFrom('party_private').selectAll().execute()).toEqual([]);

        await applyBlock(
            db,
            parseBlock(buildBlock(2, [{ ...registration, txId: 'p2', privateDelivered: true }]), CHAINCODE),
        );
        expect(await db.selectFrom('party_private').select(['party_id', 'id_number']).execute()).toEqual([
            { party_id: 'M002', id_number: 'ID-1' },
        ]);
    });

    test('a failure in the middle of a block leaves nothing of it; applying it again applies it exactly once', async () => {
        const { db } = await open();
        const blocks = market();
        await applyAll({ db } as ReadModelDatabase, blocks.slice(0, 5));
        const before = await dump(db);
        const block5 = parseBlock(blocks[5] ?? buildBlock(0, []), CHAINCODE);
        let seen = 0;
        const crash = (): void => {
            seen += 1;
            throw new Error('process killed');
        };
        await expect(applyBlock(db, block5, { afterTransaction: crash })).rejects.toThrow('process killed');
        expect(seen).toBe(1);
        // tx7 was written before the failure, and is gone with the rest of its block
        expect(await dump(db)).toEqual(before);

        expect(await applyBlock(db, block5)).toMatchObject({ applied: true, transactions: 2 });
        expect(await applyBlock(db, block5)).toMatchObject({ applied: false, transactions: 0 });
        expect(
            await db.selectFrom('transactions').select('tx_id').where('block_number', '=', 5).execute(),
        ).toHaveLength(2);
        expect(await readCheckpoint(db)).toEqual({ blockNumber: 5, txId: 'tx8', txCount: 7 });
    });

    test('blocks applied together give the read model blocks applied one by one give, in one transaction', async () => {
        const blocks = market();
        const { db } = await open();
        const oneByOne = await newTestModel(dialect);
        await applyAll(oneByOne.database, blocks);
        await applyBlock(db, parseBlock(blocks[0] ?? buildBlock(0, []), CHAINCODE));
        const rest = blocks.map((block) => parseBlock(block, CHAINCODE));
        // the first block again is skipped as a redelivery; the failure in the last block leaves none of them
        const crash = (): void => {
            throw new Error('process killed');
        };
        await expect(applyBlocks(db, rest, { afterTransaction: crash })).rejects.toThrow('process killed');
        expect(await readCheckpoint(db)).toMatchObject({ blockNumber: 0 });

        expect(await applyBlocks(db, rest)).toMatchObject({ blockNumber: 6, applied: true, transactions: 8 });
        expect(await dump(db)).toEqual(await dump(oneByOne.database.db));
        await oneByOne.cleanup();
        expect(await applyBlocks(db, rest)).toMatchObject({ applied: false, transactions: 0 });
        await expect(applyBlocks(db, [...rest.slice(0, 2), ...rest.slice(3)])).resolves.toMatchObject({
            applied: false,
        });
    });

    test('blocks with a gap among them are refused whole', async () => {
        const { db } = await open();
        const blocks = market().map((block) => parseBlock(block, CHAINCODE));
        await expect(applyBlocks(db, [...blocks.slice(0, 2), ...blocks.slice(3)])).rejects.toThrow(BlockGap);
        expect(await readCheckpoint(db)).toBeUndefined();
    });

    test('a lifecycle transaction is no transaction of the chaincode: not in the transactions table', async () => {
        const { db } = await open();
        const lifecycle: TxSpec = {
            txId: 'lc1',
            writes: [{ key: 'namespaces/fields/mpt/Sequence', value: { v: 1 }, namespace: '_lifecycle' }],
        };
        await applyAll({ db } as ReadModelDatabase, [buildBlock(0, [], { config: true }), buildBlock(1, [lifecycle])]);
        expect(await db.selectFrom('transactions').selectAll().execute()).toEqual([]);
        expect(await readCheckpoint(db)).toEqual({ blockNumber: 1, txId: null, txCount: 0 });
    });

    test('a block after a gap is refused', async () => {
        const { db } = await open();
        const blocks = market();
        await applyAll({ db } as ReadModelDatabase, blocks.slice(0, 2));
        await expect(applyBlock(db, parseBlock(blocks[3] ?? buildBlock(0, []), CHAINCODE))).rejects.toThrow(BlockGap);
        expect(await readCheckpoint(db)).toMatchObject({ blockNumber: 1 });
    });

    test('catching up from block 0 gives the same read model as following live through a restart', async () => {
        const blocks = market();
        const caughtUp = await open();
        const history = new MemoryPeer();
        history.append(...blocks);
        const catchUp = new Projector({
            org: 'MarketOrg',
            open: (): Promise<ReadModelDatabase> => Promise.resolve(caughtUp),
            source: history,
            chaincode: CHAINCODE,
            logger,
        });
        catchUp.start();
        await eventually(async () => (await readCheckpoint(caughtUp.db))?.blockNumber === 6);
        expect(await catchUp.status()).toMatchObject({ state: 'following', lastBlock: 6, peerHeight: 7, lagBlocks: 0 });
        await catchUp.stop();

        const live = await newTestModel(dialect);
        try {
            const peerLive = new MemoryPeer();
            const follower = (database: ReadModelDatabase): Projector =>
                new Projector({
                    org: 'MarketOrg',
                    open: (): Promise<ReadModelDatabase> => Promise.resolve(database),
                    source: peerLive,
                    chaincode: CHAINCODE,
                    logger,
                });
            let projector = follower(live.database);
            projector.start();
            for (const block of blocks.slice(0, 4)) {
                peerLive.append(block);
                const expected = peerLive.blocks.length - 1;
                await eventually(async () => (await readCheckpoint(live.database.db))?.blockNumber === expected);
            }
            await projector.stop();
            // a restarted gateway: a new connection, resuming after the checkpoint
            projector = follower(await live.reopen());
            peerLive.append(...blocks.slice(4));
            projector.start();
            await eventually(async () => (await readCheckpoint(live.database.db))?.blockNumber === 6);
            await projector.stop();
            expect(peerLive.opens).toEqual([0, 4]);
            expect(await dump(live.database.db)).toEqual(await dump(caughtUp.db));
        } finally {
            await live.cleanup();
        }
    });

    test('after a failure the projector reconnects and resumes from its checkpoint', async () => {
        const database = await open();
        const source = new MemoryPeer();
        const blocks = market();
        // the first blocks committed before the failing one arrives (blocks delivered together share a transaction)
        source.append(...blocks.slice(0, 4));
        let failures = 1;
        const projector = new Projector({
            org: 'MarketOrg',
            open: (): Promise<ReadModelDatabase> => Promise.resolve(database),
            source,
            chaincode: CHAINCODE,
            logger,
            retryMs: { first: 10, max: 10 },
            apply: {
                afterTransaction: (tx): void => {
                    if (tx.txId === 'tx6' && failures > 0) {
                        failures -= 1;
                        throw new Error('disk full');
                    }
                },
            },
        });
        projector.start();
        await eventually(async () => (await readCheckpoint(database.db))?.blockNumber === 3);
        source.append(...blocks.slice(4));
        await eventually(async () => (await readCheckpoint(database.db))?.blockNumber === 6);
        await projector.stop();
        expect(source.opens).toEqual([0, 4]);
        expect(await readCheckpoint(database.db)).toEqual({ blockNumber: 6, txId: 'tx9', txCount: 8 });
    });

    test('a read model that cannot be opened at first is retried: the projector reports failing, then projects', async () => {
        const database = await open();
        const source = new MemoryPeer();
        source.append(...market());
        let refusals = 2;
        const projector = new Projector({
            org: 'MarketOrg',
            open: (): Promise<ReadModelDatabase> => {
                if (refusals === 0) return Promise.resolve(database);
                refusals -= 1;
                return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
            },
            source,
            chaincode: CHAINCODE,
            logger,
            retryMs: { first: 50, max: 50 },
        });
        projector.start();
        await eventually(async () => (await projector.status()).state === 'failing');
        expect(await projector.status()).toMatchObject({
            lastBlock: null,
            database: undefined,
            error: expect.stringContaining('ECONNREFUSED'),
        });
        await eventually(async () => (await readCheckpoint(database.db))?.blockNumber === 6);
        await projector.stop();
        expect(refusals).toBe(0);
        expect(projector.database).toBe(database);
    });
});

describe('opening a read model', () => {
    test('two handles creating the same new SQLite read model at once both get a migrated one', async () => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-read-race-'));
        try {
            const handles = await Promise.all([1, 2, 3].map(() => openReadModel({ dataDir, name: 'MarketOrg' })));
            for (const { db } of handles) expect(await readCheckpoint(db)).toBeUndefined();
            await Promise.all(handles.map((handle) => handle.close()));
        } finally {
            rmSync(dataDir, { recursive: true, force: true });
        }
    });
});
