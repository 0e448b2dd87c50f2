import { describe, expect, it } from '@jest/globals';
import { at, exportTrades, failed, list, marketSuite, ok, omit, str, today, tradeBody } from './gateway-support';
import { uniqueId } from './support';

/**
 * Issue #8 part 5 through the REST API on the real network: prepackaged food from a supplier not on the cluster's
 * qualified list is refused (V11); one trade line cannot be paid beyond its value (V25 per line); customs and banks
 * reconcile trade lines, declaration lines and receipts in one query; the customs check is recorded on the ledger.
 */
const { m } = marketSuite();

const receipt = (allocations: Record<string, unknown>[]): Record<string, unknown> => ({
    receiptRef: uniqueId('R'),
    payeePartyId: m.ids.vendor,
    amountMinor: allocations.reduce((sum, a) => sum + Number(a.amountMinor), 0),
    currency: 'USD',
    valueDate: today(),
    channel: 'SWIFT',
    allocations,
});

describe('trade lines: V11 prepackaged food, per-line over-receipt, reconciliation, recorded customs check', () => {
    it('V11: prepackaged food is refused until its producer is on the cluster’s qualified list in force', async () => {
        const food = `F-${m.run}`;
        ok(
            await m.vendor.api.post('/v1/goods', {
                goodsCode: food,
                ownerId: m.ids.vendor,
                nameCn: '固体饮料',
                nameEn: 'Instant drink powder',
                hsCode: '2106909090',
                unit: 'PCS',
                producerId: m.ids.producer,
                priceRange: { currency: 'USD', minUnitPrice: 50, maxUnitPrice: 20_000 },
            }),
            201,
        );
        const foodTrade = (): Record<string, unknown> =>
            tradeBody(m, uniqueId('T'), {
                lines: [{ lineId: 'L1', goodsCode: food, qty: 100, unitPrice: 500, amount: 50_000 }],
            });
        const suppliers = `/v1/clusters/${m.ids.cluster}/suppliers`;

        const noList = foodTrade();
        failed(await m.vendor.api.post('/v1/trades', noList), 422, 'RULE_V11_NO_QUALIFIED_LIST');
        failed(await m.vendor.api.get(`/v1/trades/${str(noList, 'tradeNo')}`), 404, 'NOT_FOUND');

        failed(
            await m.vendor.api.post(suppliers, { version: 1, validFrom: '2026-01-01', suppliers: [] }),
            403,
            'FORBIDDEN',
        );
        ok(await m.operator.api.post(suppliers, { version: 1, validFrom: '2026-01-01', suppliers: [] }), 201);
        const unlisted = foodTrade();
        const refused = failed(await m.vendor.api.post('/v1/trades', unlisted), 422, 'RULE_V11_SUPPLIER_NOT_QUALIFIED');
        expect(refused.message).toContain(m.ids.producer);
        failed(await m.vendor.api.get(`/v1/trades/${str(unlisted, 'tradeNo')}`), 404, 'NOT_FOUND');

        const published = ok(
            await m.operator.api.post(suppliers, {
                version: 2,
                validFrom: today(),
                suppliers: [{ partyId: m.ids.producer, remark: 'food production licence checked' }],
            }),
            201,
        );
        expect(at(published, 'result')).toMatchObject({ clusterId: m.ids.cluster, version: 2 });
        const inForce = ok(await m.bank.api.get(`${suppliers}?asOf=${today()}`));
        expect(at(inForce, 'list.suppliers.0.partyId')).toBe(m.ids.producer);
        ok(await m.vendor.api.post('/v1/trades', foodTrade()), 201);
    });

    it('one trade line cannot be paid beyond its value + 5 %, reconciliation shows each line, and the customs check is recorded', async () => {
        const tradeNo = uniqueId('T');
        ok(
            await m.vendor.api.post(
                '/v1/trades',
                tradeBody(m, tradeNo, {
                    lines: [
                        { lineId: 'L1', goodsCode: m.goodsCode, qty: 1000, unitPrice: 120, amount: 120_000 },
                        { lineId: 'L2', goodsCode: m.goodsCode2, qty: 1000, unitPrice: 60, amount: 60_000 },
                    ],
                }),
            ),
            201,
        );
        const declNo = await exportTrades(m, [tradeNo]);

        // L1 paid to its cap (120,000 × 1.05), then a second bank tries to take one more cent of L1
        ok(await m.bank.api.post('/v1/receipts', receipt([{ tradeNo, lineId: 'L1', amountMinor: 126_000 }])), 201);
        const over = receipt([{ tradeNo, lineId: 'L1', amountMinor: 100 }]);
        const checked = ok(
            await m.bank2.api.post('/v1/receipts/check', { receipt: omit(over, 'receiptRef', 'channel', 'payer') }),
        );
        expect(at(checked, 'result.verdict')).toBe('FAIL');
        expect(list(checked, 'result.checks').find((c) => str(c, 'id') === 'BK-04')).toMatchObject({
            reason: 'BK04_LINE_EXCEEDS_REMAINING',
        });
        const refused = failed(await m.bank2.api.post('/v1/receipts', over), 422, 'RULE_V25_LINE_OVER_RECEIPT');
        expect(refused.message).toContain(`line L1`);
        failed(await m.bank2.api.get(`/v1/receipts/BankOrgMSP:${str(over, 'receiptRef')}`), 404, 'NOT_FOUND');
        const settlement = ok(await m.bank.api.get(`/v1/trades/${tradeNo}/settlement`));
        expect(settlement).toMatchObject({ allocatedMinor: 126_000, allocationCount: 1 });

        // customs: every trade line against its declaration line and its receipts
        const byDecl = ok(await m.customs.api.get(`/v1/declarations/${declNo}/reconciliation`));
        expect(
            list(byDecl, 'lines').map((l) => [
                at(l, 'lineId'),
                at(l, 'declared.declNo'),
                at(l, 'creditedMinor'),
                at(l, 'remainingMinor'),
            ]),
        ).toEqual([
            ['L1', declNo, 126_000, -6_000],
            ['L2', declNo, 0, 60_000],
        ]);
        expect(at(byDecl, 'mismatches')).toBe(0);
        // a bank reconciles the trade; a vendor may not
        const byTrade = ok(await m.bank.api.get(`/v1/trades/${tradeNo}/reconciliation`));
        expect(list(byTrade, 'lines').map((l) => at(l, 'ownCreditedMinor'))).toEqual([126_000, 0]);
        failed(await m.vendor.api.get(`/v1/trades/${tradeNo}/reconciliation`), 403, 'FORBIDDEN');
        failed(await m.bank.api.get(`/v1/declarations/${declNo}/reconciliation`), 403, 'FORBIDDEN');

        // the customs check recorded on the ledger, twice, with its history and the blocks of the facts it relied on
        failed(await m.agent.api.post(`/v1/declarations/${declNo}/customs-checks`), 403, 'FORBIDDEN');
        const first = ok(await m.customs.api.post(`/v1/declarations/${declNo}/customs-checks`), 201);
        expect(at(first, 'result.record')).toMatchObject({ declNo, seq: 1 });
        expect(list(first, 'result.record.reliedOn')).toContainEqual(
            expect.objectContaining({ recordType: 'declaration', recordId: declNo }),
        );
        ok(await m.customs.api.post(`/v1/declarations/${declNo}/customs-checks`), 201);
        const stored = ok(await m.agent.api.get(`/v1/declarations/${declNo}/customs-checks`));
        expect(at(stored, 'result.latest.seq')).toBe(2);
        expect(at(stored, 'result.latest.verdict')).toBe(at(first, 'result.record.verdict'));
        expect(list(stored, 'result.history')).toHaveLength(2);
        const evidence = list(stored, 'evidence');
        expect(evidence.length).toBeGreaterThan(2);
        for (const e of evidence) expect([at(e, 'valid'), Number(at(e, 'blockNumber')) > 0]).toEqual([true, true]);
    });
});
