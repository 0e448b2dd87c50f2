import { describe, expect, it } from '@jest/globals';
import {
    at,
    BUYER_COUNTRY,
    BUYER_NAME,
    consolidateAndPack,
    exportTrades,
    failed,
    hex64,
    list,
    marketSuite,
    ok,
    today,
    tradeBody,
} from './gateway-support';
import { uniqueId } from './support';

/**
 * Corrections through the REST API on the real network (docs/rules.md "Corrections"): a voided allocation frees its
 * amount for a new allocation and stays in the receipt's history; a packing list is amended before its declaration
 * and refused after it (AMEND_AFTER_DECLARATION); the receipt and document histories.
 */
const { m } = marketSuite();

const newTrade = async (): Promise<string> => {
    const tradeNo = uniqueId('T');
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
    return tradeNo;
};

describe('corrections through the gateway on the real network', () => {
    it('voids an allocation: the amount is free again, re-allocated, and the history shows both', async () => {
        const tradeNo = await newTrade();
        await exportTrades(m, [tradeNo]);
        const receiptId = `BankOrgMSP:${uniqueId('R')}`;
        ok(
            await m.bank.api.post('/v1/receipts', {
                receiptRef: receiptId.split(':')[1],
                payeePartyId: m.ids.vendor,
                amountMinor: 100_000,
                currency: 'USD',
                valueDate: today(),
                channel: 'SWIFT',
                allocations: [{ tradeNo, amountMinor: 60_000 }],
                payer: { name: BUYER_NAME, country: BUYER_COUNTRY },
            }),
            201,
        );

        const noReason = await m.bank.api.post(`/v1/receipts/${receiptId}/allocations/${tradeNo}/void`, {});
        const byOtherBank = await m.bank2.api.post(`/v1/receipts/${receiptId}/allocations/${tradeNo}/void`, {
            reason: 'not mine',
        });
        const voided = ok(
            await m.bank.api.post(`/v1/receipts/${receiptId}/allocations/${tradeNo}/void`, {
                reason: 'allocated to the wrong trade amount',
            }),
        );
        const settlementAfterVoid = ok(await m.bank.api.get(`/v1/trades/${tradeNo}/settlement`));
        const again = ok(
            await m.bank.api.post(`/v1/receipts/${receiptId}/allocations`, {
                allocations: [{ tradeNo, amountMinor: 100_000 }],
            }),
        );
        const history = ok(await m.bank.api.get(`/v1/receipts/${receiptId}/history`));
        const byPayee = ok(await m.vendor.api.get(`/v1/receipts/${receiptId}/history`));
        const byOther = await m.vendor2.api.get(`/v1/receipts/${receiptId}/history`);

        failed(noReason, 400, 'INVALID');
        expect(failed(byOtherBank, 403, 'FORBIDDEN').message).toBeDefined();
        expect(at(voided, 'result')).toMatchObject({
            allocatedMinor: 0,
            unallocatedMinor: 100_000,
            status: 'RECEIVED',
            allocations: [],
            voidedAllocations: [
                { tradeNo, amountMinor: 60_000, voided: { reason: 'allocated to the wrong trade amount' } },
            ],
        });
        expect(settlementAfterVoid).toMatchObject({ allocatedMinor: 0 });
        expect(at(again, 'result')).toMatchObject({ allocatedMinor: 100_000, unallocatedMinor: 0 });
        const versions = list(history, 'history').map((entry) => at(entry, 'value'));
        const allocated = versions.map((v) => list(v, 'allocations').map((a) => at(a, 'amountMinor')));
        expect(allocated).toEqual(expect.arrayContaining([[60_000], [], [100_000]]));
        for (const entry of list(history, 'history')) expect(at(entry, 'txId')).toMatch(/^[0-9a-f]{64}$/);
        expect(list(byPayee, 'history')).toHaveLength(versions.length);
        failed(byOther, 404, 'NOT_FOUND');
    });

    it('amends a packing list before its declaration and refuses it after (AMEND_AFTER_DECLARATION)', async () => {
        const tradeNo = await newTrade();
        const shipment = await consolidateAndPack(m, [tradeNo]);
        const path = `/v1/packing-lists/${shipment.packingNo}`;

        const amended = ok(
            await m.consolidator.api.post(`${path}/amend`, {
                amendment: { billOfLading: 'BL-FIXED-1' },
                reason: 'bill of lading number mistyped',
            }),
        );
        const byBroker = await m.broker.api.post(`${path}/amend`, {
            amendment: { billOfLading: 'BL-X' },
            reason: 'not mine to change',
        });
        ok(await m.broker.api.post('/v1/declarations', shipment.declaration), 201);
        const afterDeclaration = await m.consolidator.api.post(`${path}/amend`, {
            amendment: { billOfLading: 'BL-TOO-LATE' },
            reason: 'too late',
        });
        const voidAfter = await m.consolidator.api.post(`${path}/void`, { reason: 'too late' });
        const stored = ok(await m.consolidator.api.get(path));

        expect(at(amended, 'result')).toMatchObject({
            billOfLading: 'BL-FIXED-1',
            amendments: 1,
            correction: { reason: 'bill of lading number mistyped' },
        });
        failed(byBroker, 403, 'FORBIDDEN');
        expect(failed(afterDeclaration, 409, 'AMEND_AFTER_DECLARATION').message).toContain(tradeNo);
        failed(voidAfter, 409, 'AMEND_AFTER_DECLARATION');
        expect(stored).toMatchObject({ billOfLading: 'BL-FIXED-1', amendments: 1 });
    });

    it('answers a document’s and a filing’s history; a filing nobody filed is not found', async () => {
        const sha256 = hex64();
        ok(await m.vendor.api.post('/v1/documents', { sha256, kind: 'INVOICE' }), 201);

        const history = ok(await m.customs.api.get(`/v1/documents/${sha256}/history`));
        const missing = await m.vendor.api.get(`/v1/exemptions/${uniqueId('EX')}/history`);

        expect(list(history, 'history')).toHaveLength(1);
        expect(at(history, 'history.0.value')).toMatchObject({ sha256, kind: 'INVOICE' });
        failed(missing, 404, 'NOT_FOUND');
    });
});
