import { describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { DATE, HS_CODE, ID, arrayOf, int, object, optional, parseJson } from '../../../chaincode/src/lib/validate';
import { FakeLedger } from './support/fake-ledger';
import { collectionsConfig } from './support/collections';
import { customs, identity, operator } from './support/identities';
import { RecordType } from '../../../chaincode/src/vocabulary';
import { emit } from '../../../chaincode/src/store/events';
import { historyOf, putRecord, getRecord, putIndex } from '../../../chaincode/src/store/records';
import { getPrivate, putPrivate } from '../../../chaincode/src/store/private';
import { Collection, IndexType, recordKey } from '../../../chaincode/src/model/keys';
import { scanPage, scanAll } from '../../../chaincode/src/store/scan';

function ledger(): FakeLedger {
    const fake = new FakeLedger();
    fake.defineCollections(collectionsConfig());
    return fake;
}

const putThing = async (ctx: Context, id: string, n: number): Promise<void> => {
    await putRecord(ctx, recordKey(ctx, RecordType.goods, id), { docType: 'thing', n } as never);
};

describe('fake ledger', () => {
    it('encodes composite keys exactly like fabric-shim', async () => {
        const fake = ledger();
        const key = await fake.evaluate(operator(), (ctx) => ctx.stub.createCompositeKey('trade', ['T1', 'L2']));
        expect(key).toBe('\u0000trade\u0000T1\u0000L2\u0000');
        const split = await fake.evaluate(operator(), (ctx) => ctx.stub.splitCompositeKey(key));
        expect(split).toEqual({ objectType: 'trade', attributes: ['T1', 'L2'] });
        await expect(
            fake.evaluate(operator(), (ctx) => ctx.stub.createCompositeKey('t', ['a\u0000b'])),
        ).rejects.toThrow(/NUL/);
    });

    it('does not let a transaction read its own writes, and commits at the end', async () => {
        const fake = ledger();
        const seen = await fake.submit(operator(), async (ctx) => {
            await ctx.stub.putState('k', Buffer.from('v1'));
            return (await ctx.stub.getState('k')).length;
        });
        expect(seen).toBe(0);
        const after = await fake.evaluate(operator(), async (ctx) =>
            Buffer.from(await ctx.stub.getState('k')).toString(),
        );
        expect(after).toBe('v1');
    });

    it('discards every write of a transaction that throws', async () => {
        const fake = ledger();
        await expect(
            fake.submit(operator(), async (ctx) => {
                await ctx.stub.putState('k', Buffer.from('v'));
                throw new Error('boom');
            }),
        ).rejects.toThrow('boom');
        expect(fake.committed('k')).toBeUndefined();
    });

    it('treats an empty value as a delete', async () => {
        const fake = ledger();
        await fake.submit(operator(), (ctx) => ctx.stub.putState('k', Buffer.from('v')));
        await fake.submit(operator(), (ctx) => ctx.stub.putState('k', Buffer.alloc(0)));
        expect(fake.committed('k')).toBeUndefined();
        expect(fake.historyOf('k').map((m) => m.isDelete)).toEqual([false, true]);
    });

    it('pages a partial composite key with bookmarks, and refuses paginated queries in write transactions', async () => {
        const fake = ledger();
        await fake.submit(operator(), async (ctx) => {
            for (let i = 0; i < 7; i += 1) await putIndex(ctx, IndexType.tradeByVendor, ['V1', '2024-03-01', `T${i}`]);
            await putIndex(ctx, IndexType.tradeByVendor, ['V2', '2024-03-01', 'TX']);
        });
        const seen: string[] = [];
        let bookmark = '';
        let pages = 0;
        do {
            const page = await fake.evaluate(operator(), (ctx) =>
                scanPage(ctx, IndexType.tradeByVendor, ['V1'], 3, bookmark),
            );
            seen.push(...page.items.map((item) => item.attributes[2] ?? ''));
            bookmark = page.bookmark;
            pages += 1;
        } while (bookmark !== '');
        expect(seen).toEqual(['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6']);
        expect(pages).toBe(3);
        await expect(
            fake.submit(operator(), async (ctx) => {
                await scanPage(ctx, IndexType.tradeByVendor, ['V1'], 3, '');
                await ctx.stub.putState('x', Buffer.from('1'));
            }),
        ).rejects.toThrow(/paginated/);
        await expect(
            fake.submit(operator(), async (ctx) => {
                await ctx.stub.putState('x', Buffer.from('1'));
                await scanPage(ctx, IndexType.tradeByVendor, ['V1'], 3, '');
            }),
        ).rejects.toThrow(/paginated/);
        const all = await fake.evaluate(operator(), (ctx) => scanAll(ctx, IndexType.tradeByVendor, ['V2']));
        expect(all.map((entry) => entry.attributes)).toEqual([['V2', '2024-03-01', 'TX']]);
    });

    it('starts a paginated scan at any bookmark, inside the range or not, and stops at its end, as a peer does', async () => {
        const fake = ledger();
        await fake.submit(operator(), async (ctx) => {
            await putIndex(ctx, IndexType.tradeByAgent, ['A1', '2024-03-01', 'TA']);
            await putIndex(ctx, IndexType.tradeByVendor, ['V1', '2024-03-01', 'TV1']);
            await putIndex(ctx, IndexType.tradeByVendor, ['V2', '2024-03-01', 'TV2']);
            await putIndex(ctx, IndexType.tradeByVendor, ['V3', '2024-03-01', 'TV3']);
        });
        const tradesFrom = (bookmark: string): Promise<string[]> =>
            fake.evaluate(operator(), async (ctx) => {
                const { iterator } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
                    IndexType.tradeByVendor,
                    ['V2'],
                    10,
                    bookmark,
                );
                const keys: string[] = [];
                for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
                    keys.push(next.value.key.split('\u0000').at(-2) ?? '');
                }
                await iterator.close();
                return keys;
            });
        expect(await tradesFrom('')).toEqual(['TV2']);
        // the peer replaces the start key with the bookmark and keeps the end key: everything in between is read
        expect(await tradesFrom('\u0000idx~trade~agent\u0000')).toEqual(['TA', 'TV1', 'TV2']);
        expect(await tradesFrom('\u0000idx~trade~vendor\u0000V3\u0000')).toEqual([]);
    });

    it('refuses a bookmark outside the scanned range (INVALID) and accepts the one the same scan returned', async () => {
        const fake = ledger();
        await fake.submit(operator(), async (ctx) => {
            for (const tradeNo of ['T1', 'T2'])
                await putIndex(ctx, IndexType.tradeByVendor, ['V1', '2024-03-01', tradeNo]);
            await putIndex(ctx, IndexType.tradeByVendor, ['V10', '2024-03-01', 'T9']);
        });
        const scanV1 = (bookmark: string): Promise<string[]> =>
            fake.evaluate(operator(), async (ctx) => {
                const page = await scanPage(ctx, IndexType.tradeByVendor, ['V1'], 1, bookmark);
                return [...page.items.map((item) => item.attributes[2] ?? ''), page.bookmark];
            });
        const [first, bookmark] = await scanV1('');
        expect(first).toBe('T1');
        await expect(scanV1(bookmark ?? '')).resolves.toEqual(['T2', '']);
        for (const foreign of [
            '\u0000idx~trade~agent\u0000',
            '\u0000idx~trade~vendor\u0000',
            '\u0000idx~trade~vendor\u0000V10\u0000',
            '\u0000',
            'T2',
        ]) {
            await expect(scanV1(foreign)).rejects.toThrow(/^INVALID: bookmark does not belong to this list/);
        }
    });

    it('detects MVCC and phantom read conflicts between concurrently endorsed transactions', async () => {
        const fake = ledger();
        await fake.submit(operator(), (ctx) => putThing(ctx, 'G1', 1));
        const bump =
            (n: number) =>
            async (ctx: Context): Promise<void> => {
                await getRecord(ctx, recordKey(ctx, RecordType.goods, 'G1'), 'thing');
                await putThing(ctx, 'G1', n);
            };
        const a = await fake.endorse(operator(), bump(2));
        const b = await fake.endorse(operator(), bump(3));
        fake.commit(a.pending);
        expect(() => fake.commit(b.pending)).toThrow(/MVCC_READ_CONFLICT/);
        const scan = await fake.endorse(operator(), async (ctx) => {
            await scanAll(ctx, RecordType.goods, []);
            await ctx.stub.putState('y', Buffer.from('1'));
        });
        await fake.submit(operator(), (ctx) => putThing(ctx, 'G2', 1));
        expect(() => fake.commit(scan.pending)).toThrow(/PHANTOM_READ_CONFLICT/);
    });

    it('keeps history per key with the tx id and timestamp of each write', async () => {
        const fake = ledger();
        fake.setTime('2024-05-01T00:00:00.000Z');
        await fake.submit(operator(), (ctx) => putThing(ctx, 'G1', 1), { txId: 'tx-a' });
        await fake.submit(operator(), (ctx) => putThing(ctx, 'G1', 2), {
            txId: 'tx-b',
            timestamp: new Date('2024-05-02T10:00:00.123Z'),
        });
        const history = await fake.evaluate(operator(), (ctx) =>
            historyOf(ctx, recordKey(ctx, RecordType.goods, 'G1')),
        );
        expect(history.map((h) => [h.txId, h.timestamp, (h.value as { n: number }).n])).toEqual([
            ['tx-a', expect.stringMatching(/^2024-05-01T00:00:0\d/), 1],
            ['tx-b', '2024-05-02T10:00:00.123Z', 2],
        ]);
    });

    it('records one event per transaction and the shared emit helper refuses a second', async () => {
        const fake = ledger();
        await fake.submit(operator(), (ctx) => {
            emit(ctx, 'TradeFlagResolved', { tradeNo: 'T1' });
        });
        expect(fake.events).toEqual([
            { name: 'TradeFlagResolved', payload: expect.objectContaining({ tradeNo: 'T1' }) },
        ]);
        await expect(
            fake.submit(operator(), (ctx) => {
                emit(ctx, 'TradeFlagResolved', { tradeNo: 'T1' });
                emit(ctx, 'TradeCancelled', { tradeNo: 'T1', reason: 'twice' });
            }),
        ).rejects.toThrow(/already emitted/);
    });

    it('passes transient data and enforces collection membership from collections_config.json', async () => {
        const fake = ledger();
        await fake.submit(
            operator(),
            async (ctx) => {
                const secret = Buffer.from(ctx.stub.getTransient().get('idNumber') ?? []).toString();
                await putPrivate(ctx, Collection.marketPrivate, 'p1', { secret });
            },
            { transient: { idNumber: 'E1234567' } },
        );
        const read = await fake.evaluate(customs(), (ctx) => getPrivate(ctx, Collection.marketPrivate, 'p1'));
        expect(read).toEqual({ secret: 'E1234567' });
        await expect(
            fake.evaluate(identity('bank', 'B1', 'BankOrgMSP'), (ctx) =>
                getPrivate(ctx, Collection.marketPrivate, 'p1'),
            ),
        ).rejects.toThrow(/read access/);
        await expect(
            fake.submit(identity('bank', 'B1', 'BankOrgMSP'), (ctx) =>
                putPrivate(ctx, Collection.marketPrivate, 'p2', {}),
            ),
        ).rejects.toThrow(/write access/);
    });

    it('enforces key-level endorsement policies at commit', async () => {
        const fake = ledger();
        await fake.submit(customs(), async (ctx) => {
            await ctx.stub.putState('decl', Buffer.from('1'));
            const policy = new KeyEndorsementPolicy();
            policy.addOrgs('PEER', 'CustomsOrgMSP');
            await ctx.stub.setStateValidationParameter('decl', policy.getPolicy());
        });
        await expect(
            fake.submit(operator(), (ctx) => ctx.stub.putState('decl', Buffer.from('2')), {
                endorsers: ['MarketOrgMSP', 'BankOrgMSP'],
            }),
        ).rejects.toThrow(/ENDORSEMENT_POLICY_FAILURE/);
        await fake.submit(customs(), (ctx) => ctx.stub.putState('decl', Buffer.from('3')), {
            endorsers: ['CustomsOrgMSP'],
        });
        expect(fake.committed('decl')?.value.toString()).toBe('3');
        await expect(
            fake.submit(operator(), (ctx) => ctx.stub.putState('other', Buffer.from('1')), {
                endorsers: ['MarketOrgMSP'],
            }),
        ).rejects.toThrow(/ENDORSEMENT_POLICY_FAILURE/);
    });
});

describe('argument validation', () => {
    const parser = object({
        id: ID,
        hs: HS_CODE,
        date: DATE,
        n: optional(int({ min: 1 })),
        xs: arrayOf(ID, { max: 2 }),
    });

    it('accepts a well-formed object', () => {
        expect(parseJson('{"id":"A1","hs":"6109100021","date":"2024-02-29","xs":["a"]}', parser, 'input')).toEqual({
            id: 'A1',
            hs: '6109100021',
            date: '2024-02-29',
            xs: ['a'],
        });
    });

    it.each([
        ['not json', 'input is not valid JSON'],
        ['[]', 'input must be an object'],
        ['{"id":"A1","hs":"6109100021","date":"2024-02-29","xs":[],"extra":1}', 'input has unknown field(s): extra'],
        ['{"id":"A 1","hs":"6109100021","date":"2024-02-29","xs":[]}', 'input.id must be'],
        ['{"id":"A1","hs":"61091000","date":"2024-02-29","xs":[]}', 'input.hs must be a 10-digit HS code'],
        ['{"id":"A1","hs":"6109100021","date":"2023-02-29","xs":[]}', 'input.date is not a calendar date'],
        ['{"id":"A1","hs":"6109100021","date":"2024-02-29","xs":[],"n":1.5}', 'input.n must be an integer'],
        ['{"id":"A1","hs":"6109100021","date":"2024-02-29","xs":["a","b","c"]}', 'input.xs must have 0..2 items'],
    ])('rejects %s', (raw, message) => {
        expect(() => parseJson(raw, parser, 'input')).toThrow(`INVALID: ${message}`);
    });
});
