import { describe, expect, it } from '@jest/globals';
import {
    at,
    BUYER_COUNTRY,
    BUYER_NAME,
    consolidateAndPack,
    failed,
    list,
    marketSuite,
    ok,
    omit,
    STALL,
    str,
    today,
    tradeBody,
} from './gateway-support';

/**
 * The whole main path through the REST API only, on the real network, with a market of its own: trades (single
 * and bulk) → consolidation and packing → declaration (preview, file) → customs (accept, release, exit) → bank
 * receipt (file, allocate, verify) → bank check PASS → customs check PASS → trace of line 1 to every party. Every
 * verdict cites ledger transactions; the test looks each one up again through the history endpoint.
 */
const { m } = marketSuite();

interface Evidence {
    txId: string;
    blockNumber: string | null;
    valid: boolean;
}

const evidenceOf = (body: unknown): Evidence[] => list(body, 'evidence') as Evidence[];

/** Every evidence entry is a committed, valid transaction in a real block (reads cite their own txId: skip it). */
function expectCommitted(evidence: Evidence[], ownReadTxId?: string): void {
    const cited = evidence.filter((e) => e.txId !== ownReadTxId);
    expect(cited.length).toBeGreaterThan(0);
    for (const e of cited) {
        expect({ txId: e.txId, valid: e.valid }).toEqual({ txId: e.txId, valid: true });
        expect(Number(e.blockNumber)).toBeGreaterThan(0);
    }
}

describe('main path through the gateway on the real network', () => {
    const t1 = `T1-${Date.now().toString(36).toUpperCase()}`;
    const t2 = `T2-${Date.now().toString(36).toUpperCase()}`;
    let declNo: string;
    let receiptId: string;

    it('a vendor registers one trade, then a bulk of two answered per row (the duplicate is refused alone)', async () => {
        const single = ok(await m.vendor.api.post('/v1/trades', tradeBody(m, t1)), 201);
        const bulk = ok(
            await m.vendor.api.post('/v1/trades/bulk', {
                trades: [
                    tradeBody(m, t2, {
                        lines: [{ lineId: 'L1', goodsCode: m.goodsCode2, qty: 500, unitPrice: 200, amount: 100_000 }],
                    }),
                    tradeBody(m, t1),
                ],
            }),
            201,
        );

        expect(single).toMatchObject({
            result: {
                tradeNo: t1,
                status: 'CONFIRMED',
                totalAmount: 120_000,
                stallNo: STALL,
                clusterId: m.ids.cluster,
            },
        });
        expect(bulk).toMatchObject({
            result: {
                registered: 1,
                failed: 1,
                results: [
                    { index: 0, tradeNo: t2, ok: true, status: 'CONFIRMED' },
                    { index: 1, tradeNo: t1, ok: false, code: 'CONFLICT' },
                ],
            },
        });
        expect(Number(str(bulk, 'blockNumber'))).toBeGreaterThan(Number(str(single, 'blockNumber')));
        const listed = ok(await m.vendor.api.get(`/v1/trades?vendorId=${m.ids.vendor}`));
        expect(list(listed, 'items').map((t) => at(t, 'tradeNo'))).toEqual(expect.arrayContaining([t1, t2]));
    });

    it('trades by buyer are not a ledger list any more: 400 naming the work list, not the vendor list', async () => {
        const byBuyer = failed(await m.operator.api.get(`/v1/trades?buyerId=${m.ids.buyer}`), 400, 'INVALID');

        expect(byBuyer.message).toContain('use GET /v1/worklists/trades?party=<buyerId>');
        expect(byBuyer.message).toContain('请改用 GET /v1/worklists/trades?party=<buyerId>');
    });

    it('the consolidator packs them, the broker previews then files the simplified declaration', async () => {
        const shipment = await consolidateAndPack(m, [t1, t2]);
        const previewBody = omit(shipment.declaration, 'declNo');
        declNo = str(shipment.declaration, 'declNo');

        const preview = ok(await m.broker.api.post('/v1/declarations/preview', previewBody));
        const filed = ok(await m.broker.api.post('/v1/declarations', shipment.declaration), 201);
        const packed = ok(await m.broker.api.get(`/v1/packing-lists/${shipment.packingNo}`));

        expect(preview).toMatchObject({ totalValueUsd: 220_000, withinCap: true, violations: [] });
        expect(list(preview, 'lines')).toHaveLength(2);
        expect(filed).toMatchObject({
            result: { declNo, status: 'SUBMITTED', totalValueUsd: 220_000, consignorId: m.ids.agent },
        });
        expect(at(filed, 'result.lines')).toEqual(at(preview, 'lines'));
        expect(packed).toMatchObject({ packingNo: shipment.packingNo, tradeNos: expect.arrayContaining([t1, t2]) });
    });

    it('customs accepts, releases and confirms exit; the trades become EXPORTED', async () => {
        const accepted = ok(await m.customs.api.post(`/v1/declarations/${declNo}/accept`));
        const released = ok(await m.customs.api.post(`/v1/declarations/${declNo}/release`));
        const exited = ok(await m.customs.api.post(`/v1/declarations/${declNo}/exit`, { exitDate: today() }));
        const events = ok(await m.broker.api.get(`/v1/declarations/${declNo}/events`));
        const trade = ok(await m.vendor.api.get(`/v1/trades/${t1}`));

        expect([accepted, released, exited].map((r) => at(r, 'result.status'))).toEqual([
            'ACCEPTED',
            'RELEASED',
            'EXITED',
        ]);
        expect(list(events, 'events').map((e) => at(e, 'type'))).toEqual(['ACCEPTED', 'RELEASED', 'EXITED']);
        expect(trade).toMatchObject({ tradeNo: t1, status: 'EXPORTED', declNo });
    });

    it('the bank files a receipt, allocates it to both trades and its recorded verdict is PASS', async () => {
        const receiptRef = `R-${m.run}`;
        const payer = { name: BUYER_NAME, country: BUYER_COUNTRY, bank: 'Emirates NBD' };
        const filed = ok(
            await m.bank.api.post('/v1/receipts', {
                receiptRef,
                payeePartyId: m.ids.vendor,
                amountMinor: 220_000,
                currency: 'USD',
                valueDate: today(),
                channel: 'SWIFT',
                allocations: [],
                payer,
            }),
            201,
        );
        receiptId = str(filed, 'result.receiptId');
        const allocated = ok(
            await m.bank.api.post(`/v1/receipts/${receiptId}/allocations`, {
                allocations: [
                    { tradeNo: t1, amountMinor: 120_000 },
                    { tradeNo: t2, amountMinor: 100_000 },
                ],
            }),
        );
        const verified = ok(await m.bank.api.post(`/v1/receipts/${receiptId}/verify`, { payer }));

        expect(receiptId).toBe(`BankOrgMSP:${receiptRef}`);
        expect(filed).toMatchObject({ result: { status: 'RECEIVED', allocatedMinor: 0 } });
        expect(allocated).toMatchObject({ result: { allocatedMinor: 220_000, unallocatedMinor: 0 } });
        expect(verified).toMatchObject({ result: { receipt: { status: 'VERIFIED' }, check: { verdict: 'PASS' } } });
        expectCommitted(evidenceOf(verified));
        const settlement = ok(await m.vendor.api.get(`/v1/trades/${t1}/settlement`));
        expect(settlement).toMatchObject({ allocatedMinor: 120_000, remainingMinor: 0, settlementStatus: 'SETTLED' });
    });

    it('the bank check passes every BK check with its reason code and cites committed blocks', async () => {
        const check = ok(await m.bank.api.post('/v1/receipts/check', { receiptId }));

        expect(at(check, 'result.verdict')).toBe('PASS');
        expect(list(check, 'result.checks').map((c) => [at(c, 'id'), at(c, 'outcome'), at(c, 'reason')])).toEqual([
            ['BK-01', 'PASS', 'BK01_PAYEE_ACTIVE'],
            ['BK-02', 'PASS', 'BK02_TRADE_BACKED'],
            ['BK-03', 'PASS', 'BK03_EXPORTED'],
            ['BK-04', 'PASS', 'BK04_NO_PRIOR_USE'],
            ['BK-05', 'PASS', 'BK05_PAYER_IS_BUYER'],
            ['BK-06', 'PASS', 'BK06_PAYEE_IS_VENDOR'],
            ['BK-07', 'PASS', 'BK07_WITHIN_VALUE'],
            ['BK-08', 'PASS', 'BK08_BELOW_THRESHOLD'],
            ['BK-09', 'PASS', 'BK09_NO_FLAGS'],
            ['BK-10', 'PASS', 'BK10_NOT_FINANCED'],
        ]);
        expect(at(check, 'result.reliedOn')).toMatchObject({ tradeNos: [t1, t2], declNos: [declNo] });
        expectCommitted(evidenceOf(check));
    });

    it('the customs check passes CU-01..CU-08 and every fact it relied on is in a committed block', async () => {
        const check = ok(await m.customs.api.get(`/v1/declarations/${declNo}/check`));

        expect(at(check, 'result.verdict')).toBe('PASS');
        expect(list(check, 'result.checks').map((c) => [at(c, 'id'), at(c, 'result')])).toEqual(
            ['CU-01', 'CU-02', 'CU-03', 'CU-04', 'CU-05', 'CU-06', 'CU-07', 'CU-08'].map((id) => [id, 'PASS']),
        );
        expectCommitted(evidenceOf(check), str(check, 'result.txId'));
    });

    it('the trace of line 1 names vendor, stall, agent, consolidator, broker, buyer and producer, each fact on the ledger', async () => {
        const trace = ok(await m.customs.api.get(`/v1/declarations/${declNo}/lines/1/trace`));
        const history = ok(await m.customs.api.get(`/v1/history/trade/${t1}`));

        expect(trace).toMatchObject({
            result: {
                declNo,
                gNo: 1,
                consignor: { partyId: m.ids.agent },
                broker: { partyId: m.ids.broker },
                contributions: [
                    {
                        tradeNo: t1,
                        stall: expect.objectContaining({ stallNo: STALL }) as unknown,
                        vendor: { partyId: m.ids.vendor, type: 'MERCHANT' },
                        agent: { partyId: m.ids.agent, type: 'AGENT' },
                        buyer: { partyId: m.ids.buyer, type: 'BUYER', legalName: BUYER_NAME },
                        producer: { partyId: m.ids.producer, type: 'PRODUCER' },
                        consolidator: { partyId: m.ids.consolidator, type: 'CONSOLIDATOR' },
                    },
                ],
            },
        });
        const evidence = evidenceOf(trace);
        expectCommitted(evidence);
        // the trade's registration, as the trace cites it, is a version in the trade's own history, same block
        const registered = str(trace, 'result.contributions.0.tradeRegisteredBy.txId');
        const versions = list(history, 'result.history').map((v) => str(v, 'txId'));
        expect(versions).toContain(registered);
        const inTrace = evidence.find((e) => e.txId === registered);
        const inHistory = evidenceOf(history).find((e) => e.txId === registered);
        expect(inTrace).toEqual(inHistory);
        expect(inTrace?.valid).toBe(true);
    });
});
