import { describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { IndexType } from '../../../chaincode/src/model/keys';
import { RecordType } from '../../../chaincode/src/vocabulary';
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
    it('writes each row’s record and its vendor and agent list indexes, and marks each goods used once a request', async () => {
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
        const key = (type: string, ...attributes: string[]): string =>
            `\u0000${[type, ...attributes].join('\u0000')}\u0000`;
        const goodsMarks = writes.filter((k) => k.startsWith(key(IndexType.tradeByGoods).slice(0, -1)));
        expect(goodsMarks.sort()).toEqual([key(IndexType.tradeByGoods, 'G1'), key(IndexType.tradeByGoods, 'G2')]);
        const rowWrites = writes.filter((k) => !goodsMarks.includes(k));
        expect(rowWrites).toEqual(
            trades.flatMap((t) => {
                const { tradeNo, vendorId, agentId, tradeDate } = t as Record<
                    'tradeNo' | 'vendorId' | 'agentId' | 'tradeDate',
                    string
                >;
                return [
                    key(RecordType.trade, tradeNo),
                    key(IndexType.tradeByVendor, vendorId, tradeDate, tradeNo),
                    key(IndexType.tradeByAgent, agentId, tradeDate, tradeNo),
                ];
            }),
        );
        await expect(
            w.submit(id.vendor('V1'), (ctx) =>
                w.goods.AmendGoods(ctx, 'G2', JSON.stringify({ unit: 'KG' }), 'unit mistyped'),
            ),
        ).rejects.toThrow(/^AMEND_AFTER_USE: goods G2 is used by trades/);
    });
});

/** The stub calls that are a round trip to the peer in the real shim (setEvent and key building are local). */
const PEER_CALLS = [
    'getState',
    'putState',
    'deleteState',
    'getStateByRange',
    'getStateByPartialCompositeKey',
    'getHistoryForKey',
    'getPrivateData',
    'getPrivateDataHash',
    'putPrivateData',
    'deletePrivateData',
    'getStateValidationParameter',
    'setStateValidationParameter',
] as const;

function countRoundTrips(ctx: Context): { calls: number } {
    const counter = { calls: 0 };
    const stub = ctx.stub as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of PEER_CALLS) {
        const call = stub[name]?.bind(stub);
        if (call === undefined) continue;
        stub[name] = (...args: unknown[]): unknown => {
            counter.calls++;
            return call(...args);
        };
    }
    return counter;
}

describe('bulk registration round trips', () => {
    /** Peer round trips of one bulk request of `rows` one-goods trades. */
    async function roundTrips(w: World, prefix: string, rows: number): Promise<number> {
        const trades = Array.from({ length: rows }, (_, i) =>
            w.tradeInput(`${prefix}-${i}`, [{ goods: 'G1', qty: 1 + (i % 50), unitPrice: 500 }]),
        );
        let counter = { calls: 0 };
        const out = await w.json<{ registered: number }>(id.vendor('V1'), (ctx) => {
            counter = countRoundTrips(ctx);
            return w.trade.RegisterTrades(ctx, JSON.stringify(trades));
        });
        expect(out.registered).toBe(rows);
        return counter.calls;
    }

    it('costs four a row (the duplicate check, the record, two list indexes); the shared reads are asked once', async () => {
        const w = await World.market();

        const one = await roundTrips(w, 'RT1', 1);
        const many = await roundTrips(w, 'RT500', 500);

        expect(many - one).toBe(4 * 499);
        expect(one).toBeGreaterThan(4);
    });
});
