import { describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { IndexType } from '../../../chaincode/src/model/keys';
import * as id from './support/identities';
import { World } from './support/world';

/** Each getState key and each partial-key range the transaction asks the peer for, with how often. */
function countAsks(ctx: Context): Map<string, number> {
    const asks = new Map<string, number>();
    const count = (what: string): void => {
        asks.set(what, (asks.get(what) ?? 0) + 1);
    };
    const stub = ctx.stub;
    const getState = stub.getState.bind(stub);
    const getRange = stub.getStateByPartialCompositeKey.bind(stub);
    stub.getState = (key): ReturnType<typeof getState> => {
        count(`state ${key}`);
        return getState(key);
    };
    stub.getStateByPartialCompositeKey = (objectType, attributes): ReturnType<typeof getRange> => {
        count(`range ${stub.createCompositeKey(objectType, attributes)}`);
        return getRange(objectType, attributes);
    };
    return asks;
}

describe('bulk registration reads', () => {
    /** What a bulk of `rows` trades asks the peer, apart from each row's own trade key. */
    async function sharedAsks(w: World, prefix: string, rows: number): Promise<Map<string, number>> {
        const trades = Array.from({ length: rows }, (_, i) =>
            w.tradeInput(`${prefix}-${i}`, [
                { goods: 'G1', qty: 1 + i, unitPrice: 500 },
                { goods: 'G2', qty: 2, unitPrice: 1000 },
            ]),
        );
        let asks = new Map<string, number>();
        const out = await w.json<{ registered: number }>(id.vendor('V1'), (ctx) => {
            asks = countAsks(ctx);
            return w.trade.RegisterTrades(ctx, JSON.stringify(trades));
        });
        expect(out.registered).toBe(rows);
        const own = [...asks].filter(([what]) => what.startsWith('state ') && what.includes(`${prefix}-`));
        expect(own).toEqual(trades.map((t) => [expect.stringContaining(String(t.tradeNo)) as unknown, 1]));
        return new Map([...asks].filter(([what]) => !what.includes(`${prefix}-`)));
    }

    it('asks for the parties, goods, cluster, agreements and negative list once a request, not once a row', async () => {
        const w = await World.market();

        const one = await sharedAsks(w, 'ONE', 1);
        const fifty = await sharedAsks(w, 'FIFTY', 50);

        expect(fifty).toEqual(one);
        expect([...one.keys()].filter((what) => what.includes(IndexType.agreementByPair))).toHaveLength(1);
    });
});

describe('bulk registration writes', () => {
    it('writes each row’s record and list indexes, and marks each goods used once a request', async () => {
        const w = await World.market();
        const trades = Array.from({ length: 20 }, (_, i) =>
            w.tradeInput(`W-${i}`, [
                { goods: 'G1', qty: 1 + i, unitPrice: 500 },
                { goods: 'G2', qty: 2, unitPrice: 1000 },
            ]),
        );
        const writes: string[] = [];
        const out = await w.json<{ registered: number }>(id.vendor('V1'), (ctx) => {
            const putState = ctx.stub.putState.bind(ctx.stub);
            ctx.stub.putState = (key, value): ReturnType<typeof putState> => {
                writes.push(key);
                return putState(key, value);
            };
            return w.trade.RegisterTrades(ctx, JSON.stringify(trades));
        });

        expect(out.registered).toBe(20);
        const goodsMarks = writes.filter((key) => key.startsWith(`\u0000${IndexType.tradeByGoods}\u0000`));
        expect(goodsMarks.sort()).toEqual([
            `\u0000${IndexType.tradeByGoods}\u0000G1\u0000`,
            `\u0000${IndexType.tradeByGoods}\u0000G2\u0000`,
        ]);
        expect(writes.length - goodsMarks.length).toBe(20 * 5);
        await expect(
            w.submit(id.vendor('V1'), (ctx) =>
                w.goods.AmendGoods(ctx, 'G2', JSON.stringify({ unit: 'KG' }), 'unit mistyped'),
            ),
        ).rejects.toThrow(/^AMEND_AFTER_USE: goods G2 is used by trades/);
    });
});
