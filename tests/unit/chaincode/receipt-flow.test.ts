import { describe, expect, it } from '@jest/globals';
import { ExemptionContract } from '../../../chaincode/src/contracts/exemption';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import { DECL1, World } from './support/world';
import * as id from './support/identities';

/** Settlement on top of the real main path: records written by the core contracts, read by receipts and exemptions. */
describe('settlement end to end on the core contracts', () => {
    it('prepayment pending until exit, verified and settled after; exemption filed once in the month after export', async () => {
        const w = await World.market();
        w.ledger.defineCollections([
            { name: '_implicit_org_BankOrgMSP', policy: "OR('BankOrgMSP.member')", memberOnlyRead: true },
        ]);
        const receipts = new ReceiptContract();
        const exemptions = new ExemptionContract();
        const bank = id.bank('BK1');
        const payer = JSON.stringify({ salt: 'salt-flow-0123456789', name: 'Buyer B1', country: 'AE' });
        await w.declared(DECL1, { T1: [{ goods: 'G1', qty: 100, unitPrice: 500 }] });

        const filed = await w.json<{ receiptId: string; status: string }>(
            bank,
            (ctx) =>
                receipts.FileReceipt(
                    ctx,
                    JSON.stringify({
                        receiptRef: 'R1',
                        payeePartyId: 'V1',
                        amountMinor: 50_000,
                        currency: 'USD',
                        valueDate: '2024-03-25',
                        channel: 'SWIFT',
                        allocations: [{ tradeNo: 'T1', amountMinor: 50_000 }],
                    }),
                ),
            { transient: { payer } },
        );
        expect(filed).toMatchObject({ receiptId: 'BankOrgMSP:R1', status: 'PENDING_EXPORT' });

        const c = id.customs();
        await w.submit(c, (ctx) => w.customs.AcceptDeclaration(ctx, DECL1));
        await w.submit(c, (ctx) => w.customs.ReleaseDeclaration(ctx, DECL1));
        await w.submit(c, (ctx) => w.customs.ConfirmExit(ctx, DECL1, '2024-03-25'));

        const verified = await w.json<{ receipt: { status: string }; check: { verdict: string } }>(
            bank,
            (ctx) => receipts.VerifyReceipt(ctx, 'BankOrgMSP:R1'),
            { transient: { payer } },
        );
        expect(verified).toMatchObject({ receipt: { status: 'VERIFIED' }, check: { verdict: 'PASS' } });
        await w.submit(bank, (ctx) =>
            receipts.SettleReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify({ outcome: 'SETTLED' })),
        );
        const settlement = await w.query<{ settlementStatus: string; remainingMinor: number }>(c, (ctx) =>
            receipts.GetTradeSettlement(ctx, 'T1'),
        );
        expect(settlement).toEqual(expect.objectContaining({ settlementStatus: 'SETTLED', remainingMinor: 0 }));

        w.ledger.setTime('2024-04-03T02:00:00.000Z');
        const filing = { filingNo: 'EX1', merchantId: 'V1', period: '2024-04', tradeNos: ['T1'] };
        const exemption = await w.json<{ status: string; declNos: string[] }>(id.vendor('V1'), (ctx) =>
            exemptions.FileExemption(ctx, JSON.stringify(filing)),
        );
        expect(exemption).toMatchObject({ status: 'FILED', declNos: [DECL1] });
        await expect(
            w.submit(id.agent('A1'), (ctx) =>
                exemptions.FileExemption(ctx, JSON.stringify({ ...filing, filingNo: 'EX2' })),
            ),
        ).rejects.toThrow(/^RULE_V29: trade T1: CU09_ALREADY_EXEMPTED/);
    });
});
