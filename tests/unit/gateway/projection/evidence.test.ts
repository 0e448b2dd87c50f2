import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { peer } from '@hyperledger/fabric-protos';
import request from 'supertest';
import type { LedgerIdentity } from '../../../../gateway/src/ledger/ledger';
import { TxLocator, type ReadModelBlocks } from '../../../../gateway/src/ledger/tx-locator';
import { applyBlock, blocksOfTransactions, parseBlock } from '../../../../gateway/src/projection';
import { FakeLedger } from '../fake-ledger';
import { bearer, harness, type Harness } from '../harness';
import { customsCheck } from '../ledger-answers';
import { buildBlock, CHAINCODE } from './blocks';
import { party, partyWrite } from './records';
import { DIALECTS, newTestModel, type TestModel } from './support';

const hex = (c: string): string => c.repeat(64);
const customsOfficer: LedgerIdentity = { key: 'k', mspId: 'CustomsOrgMSP', certificate: 'c', privateKey: 'p' };

/** A read model that knows the given txIds' blocks for one org, and counts the questions it was asked. */
function readModelOf(mspId: string, blocks: Record<string, number>): ReadModelBlocks & { asked: string[][] } {
    const asked: string[][] = [];
    return {
        asked,
        blocksOf: (askedMsp, txIds): Promise<ReadonlyMap<string, number>> => {
            asked.push([...txIds]);
            const known = askedMsp === mspId ? Object.entries(blocks).filter(([txId]) => txIds.includes(txId)) : [];
            return Promise.resolve(new Map(known));
        },
    };
}

describe.each(DIALECTS)('blocksOfTransactions (%s)', (dialect) => {
    let model: TestModel | undefined;
    afterEach(async () => {
        await model?.cleanup();
        model = undefined;
    });

    test('answers the block of each VALID transaction the read model applied, and nothing for the rest', async () => {
        model = await newTestModel(dialect);
        const { db } = model.database;
        await applyBlock(db, parseBlock(buildBlock(0, [], { config: true }), CHAINCODE));
        await applyBlock(
            db,
            parseBlock(
                buildBlock(1, [
                    { txId: hex('1'), writes: [partyWrite(party('V-1', hex('1')))] },
                    {
                        txId: hex('2'),
                        code: peer.TxValidationCode.MVCC_READ_CONFLICT,
                        writes: [partyWrite(party('V-2', hex('2')))],
                    },
                ]),
                CHAINCODE,
            ),
        );
        await applyBlock(
            db,
            parseBlock(buildBlock(2, [{ txId: hex('3'), writes: [partyWrite(party('V-3', hex('3')))] }]), CHAINCODE),
        );

        const found = await blocksOfTransactions(db, [hex('1'), hex('2'), hex('3'), hex('4')]);

        expect(found).toEqual(
            new Map([
                [hex('1'), 1],
                [hex('3'), 2],
            ]),
        );
        expect(await blocksOfTransactions(db, [])).toEqual(new Map());
    });
});

describe('TxLocator', () => {
    test('takes a projected transaction’s block from the read model, without asking the ledger', async () => {
        const ledger = new FakeLedger();
        const status = jest.spyOn(ledger, 'status');
        const locator = new TxLocator(ledger, { readModel: readModelOf('CustomsOrgMSP', { [hex('a')]: 7 }) });

        const found = await locator.locate(customsOfficer, [hex('a')]);

        expect(found.get(hex('a'))).toEqual({ valid: true, code: 'VALID', blockNumber: '7' });
        expect(status).not.toHaveBeenCalled();
    });

    test('asks the ledger for what the read model has not seen, with the ledger’s own answer', async () => {
        const ledger = new FakeLedger();
        ledger.committed.set(hex('b'), { valid: false, code: 'MVCC_READ_CONFLICT', blockNumber: '9' });
        const status = jest.spyOn(ledger, 'status');
        const readModel = readModelOf('CustomsOrgMSP', { [hex('a')]: 7 });
        const locator = new TxLocator(ledger, { readModel });

        const found = await locator.locate(customsOfficer, [hex('a'), hex('b'), hex('c')]);

        expect([...found]).toEqual([
            [hex('a'), { valid: true, code: 'VALID', blockNumber: '7' }],
            [hex('b'), { valid: false, code: 'MVCC_READ_CONFLICT', blockNumber: '9' }],
        ]);
        expect(status.mock.calls.map(([, txId]) => txId)).toEqual([hex('b'), hex('c')]);
        expect(readModel.asked).toEqual([[hex('a'), hex('b'), hex('c')]]);
    });

    test('asks only the caller’s own org’s read model', async () => {
        const ledger = new FakeLedger();
        const status = jest.spyOn(ledger, 'status');
        const locator = new TxLocator(ledger, { readModel: readModelOf('MarketOrgMSP', { [hex('a')]: 7 }) });

        expect((await locator.locate(customsOfficer, [hex('a')])).get(hex('a'))).toBeUndefined();
        expect(status).toHaveBeenCalledTimes(1);
    });

    test('keeps what it found: a committed transaction is asked for once; "not found" is asked again', async () => {
        const ledger = new FakeLedger();
        ledger.committed.set(hex('b'), { valid: true, code: 'VALID', blockNumber: '9' });
        const status = jest.spyOn(ledger, 'status');
        const readModel = readModelOf('CustomsOrgMSP', { [hex('a')]: 7 });
        const locator = new TxLocator(ledger, { readModel });
        await locator.locate(customsOfficer, [hex('a'), hex('b'), hex('c')]);
        ledger.committed.set(hex('c'), { valid: true, code: 'VALID', blockNumber: '12' });

        const again = await locator.locate(customsOfficer, [hex('a'), hex('b'), hex('c')]);

        expect([...again.values()].map((s) => s.blockNumber)).toEqual(['7', '9', '12']);
        expect(status.mock.calls.map(([, txId]) => txId)).toEqual([hex('b'), hex('c'), hex('c')]);
        expect(readModel.asked).toEqual([[hex('a'), hex('b'), hex('c')], [hex('c')]]);
    });

    test('keeps at most maxCached statuses, dropping the least recently used', async () => {
        const ledger = new FakeLedger();
        for (const c of ['a', 'b', 'c']) ledger.committed.set(hex(c), { valid: true, code: 'VALID', blockNumber: '1' });
        const status = jest.spyOn(ledger, 'status');
        const locator = new TxLocator(ledger, { maxCached: 2 });
        await locator.locate(customsOfficer, [hex('a'), hex('b')]);
        await locator.locate(customsOfficer, [hex('a')]); // a is now the most recently used
        await locator.locate(customsOfficer, [hex('c')]); // drops b
        status.mockClear();

        await locator.locate(customsOfficer, [hex('a'), hex('b'), hex('c')]);

        expect(status.mock.calls.map(([, txId]) => txId)).toEqual([hex('b')]);
    });

    test('falls back to the ledger when the read model fails, and says so', async () => {
        const ledger = new FakeLedger();
        ledger.committed.set(hex('a'), { valid: true, code: 'VALID', blockNumber: '7' });
        const failures: unknown[] = [];
        const locator = new TxLocator(ledger, {
            readModel: { blocksOf: (): Promise<never> => Promise.reject(new Error('SQLITE_BUSY')) },
            onReadModelError: (error): void => {
                failures.push(error);
            },
        });

        const found = await locator.locate(customsOfficer, [hex('a')]);

        expect(found.get(hex('a'))?.blockNumber).toBe('7');
        expect(failures).toEqual([new Error('SQLITE_BUSY')]);
    });
});

describe('verdict evidence through the API', () => {
    let h: Harness | undefined;
    afterEach(() => {
        h?.cleanup();
    });

    test('a customs check cites the read model’s blocks, the ledger’s for the rest, and none for its own read', async () => {
        const declNo = '123456789012345678';
        const readModel = readModelOf('CustomsOrgMSP', { [hex('1')]: 41 });
        h = harness({
            projections: {
                statuses: () => Promise.resolve([]),
                blocksOf: (mspId, txIds) => readModel.blocksOf(mspId, txIds),
            },
        });
        const customs = h.user('CustomsOrg', 'officer1', 'customs', 'CUSTOMS-YIWU');
        h.ledger.committed.set(hex('2'), { valid: true, code: 'VALID', blockNumber: '43' });
        const status = jest.spyOn(h.ledger, 'status');
        h.ledger.on('CustomsContract:CheckDeclaration', () =>
            customsCheck({
                declNo,
                reliedOn: [
                    { recordType: 'declaration', recordId: declNo, txId: hex('1') },
                    { recordType: 'trade', recordId: 'T-1', txId: hex('2') },
                ],
                txId: hex('f'),
            }),
        );

        const res = await request(h.app).get(`/v1/declarations/${declNo}/check`).set(bearer(customs));

        expect(res.status).toBe(200);
        expect((res.body as { evidence: unknown }).evidence).toEqual([
            { txId: hex('1'), blockNumber: '41', valid: true },
            { txId: hex('2'), blockNumber: '43', valid: true },
            { txId: hex('f'), blockNumber: null, valid: false },
        ]);
        expect(status.mock.calls.map(([, txId]) => txId)).toEqual([hex('2'), hex('f')]);
    });
});
