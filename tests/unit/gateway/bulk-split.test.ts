import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { LedgerUnavailable } from '../../../gateway/src/ledger/errors';
import { ROWS_PER_TRANSACTION } from '../../../gateway/src/routes/trades/bulk';
import { bearer, harness, idem, type Harness, tradeRequest } from './harness';

/** A chaincode that registers every row, except tradeNos starting with TAKEN (CONFLICT), answering per row. */
function registerEach([json = '']: readonly string[]): unknown {
    const rows = JSON.parse(json) as { tradeNo: string }[];
    const results = rows.map((row, index) =>
        row.tradeNo.startsWith('TAKEN')
            ? { index, tradeNo: row.tradeNo, ok: false, code: 'CONFLICT', message: 'already registered' }
            : { index, tradeNo: row.tradeNo, ok: true, status: 'CONFIRMED', riskFlags: [] },
    );
    const registered = results.filter((r) => r.ok).length;
    return { results, registered, failed: results.length - registered };
}

const rowsOf = (call: { args: readonly string[] }): string[] =>
    (JSON.parse(call.args[0] ?? '[]') as { tradeNo: string }[]).map((row) => row.tradeNo);

describe('a bulk registration split into transactions', () => {
    let h: Harness;
    let vendor: string;

    beforeEach(() => {
        h = harness({ bodyLimitBytes: 1024 * 1024 });
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        h.ledger.on('TradeContract:RegisterTrades', registerEach);
    });
    afterEach(() => {
        h.cleanup();
    });

    const post = (body: object, key = idem()): request.Test =>
        request(h.app).post('/v1/trades/bulk').set(bearer(vendor)).set('Idempotency-Key', key).send(body);

    it('submits consecutive rows in transactions of 50 and answers every row at its place in the request', async () => {
        const tradeNos = Array.from({ length: 120 }, (_, i) => (i === 60 ? 'TAKEN-60' : `T-${i}`));

        const res = await post({ trades: tradeNos.map((no) => tradeRequest(no)) });

        expect(res.status).toBe(201);
        const submits = h.ledger.submits('TradeContract:RegisterTrades');
        expect(submits.map(rowsOf)).toEqual([tradeNos.slice(0, 50), tradeNos.slice(50, 100), tradeNos.slice(100)]);
        const body = res.body as {
            result: {
                results: { index: number; tradeNo: string; ok: boolean; code?: string }[];
                registered: number;
                failed: number;
                transactions: { txId: string; blockNumber: string; firstIndex: number; rows: number }[];
            };
            txId: string;
            blockNumber: string;
        };
        expect(body.result.results.map((row) => [row.index, row.tradeNo])).toEqual(tradeNos.map((no, i) => [i, no]));
        expect(body.result.results[60]).toMatchObject({ ok: false, code: 'CONFLICT' });
        expect([body.result.registered, body.result.failed]).toEqual([119, 1]);
        expect(body.result.transactions.map((t) => [t.firstIndex, t.rows])).toEqual([
            [0, 50],
            [50, 50],
            [100, 20],
        ]);
        expect(new Set(body.result.transactions.map((t) => t.txId)).size).toBe(3);
        expect(body).toMatchObject({ txId: body.result.transactions[0]?.txId });
        expect(ROWS_PER_TRANSACTION).toBe(50);
    });

    it('sends a request in which a tradeNo repeats as one transaction, so the chaincode refuses the repeat', async () => {
        const tradeNos = Array.from({ length: 80 }, (_, i) => (i === 79 ? 'T-0' : `T-${i}`));

        const res = await post({ trades: tradeNos.map((no) => tradeRequest(no)) });

        expect(res.status).toBe(201);
        expect(h.ledger.submits('TradeContract:RegisterTrades').map(rowsOf)).toEqual([tradeNos]);
    });

    it('fails the request when one transaction fails; the retry submits only that one and answers every row', async () => {
        const trades = Array.from({ length: 150 }, (_, i) => tradeRequest(`T-${i}`));
        let failOnce = true;
        h.ledger.on('TradeContract:RegisterTrades', (args) => {
            if (failOnce && rowsOf({ args }).includes('T-75')) {
                failOnce = false;
                throw new LedgerUnavailable('peer unreachable');
            }
            return registerEach(args);
        });
        const key = idem();

        const first = await post({ trades }, key);
        const retry = await post({ trades }, key);

        expect(first.status).toBe(503);
        expect(retry.status).toBe(201);
        const submitted = h.ledger.submits('TradeContract:RegisterTrades').map((call) => rowsOf(call)[0]);
        // three at once, then only the one that failed
        expect(submitted).toEqual(['T-0', 'T-50', 'T-100', 'T-50']);
        const result = (retry.body as { result: { results: { index: number }[]; registered: number } }).result;
        expect(result.registered).toBe(150);
        expect(result.results.map((row) => row.index)).toEqual(trades.map((_, i) => i));
    });
});
