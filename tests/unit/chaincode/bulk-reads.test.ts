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
