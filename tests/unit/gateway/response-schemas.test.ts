import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { ConsolidationOrderRecord, PackingListRecord } from '../../../gateway/src/routes/consolidation/schema';
import {
    CustomsCheckReport,
    CustomsEvents,
    DeclarationRecord,
    LineTrace,
} from '../../../gateway/src/routes/declarations/schema';
import { ExemptionGuardResult, ExemptionRecord, TradeExemption } from '../../../gateway/src/routes/exemptions/schema';
import { GoodsRecord, NegativeListInForce, NegativeListRecord } from '../../../gateway/src/routes/goods/schema';
import { RecordHistory } from '../../../gateway/src/routes/history/schema';
import {
    AgreementRecord,
    ClusterRecord,
    PartyPrivateRecord,
    PartyRecord,
} from '../../../gateway/src/routes/parties/schema';
import {
    BankCheckResult,
    ReceiptListItem,
    ReceiptRecord,
    StoredPayer,
    VerifiedResponse,
} from '../../../gateway/src/routes/receipts/schema';
import { page } from '../../../gateway/src/routes/common';
import { ExchangeRatesRecord, RatesOfMonth } from '../../../gateway/src/routes/rates/schema';
import { RiskFlagRecord } from '../../../gateway/src/routes/risk/schema';
import { TradeHistory, TradeRecord, TradeSettlement } from '../../../gateway/src/routes/trades/schema';
import * as id from '../chaincode/support/identities';
import { DECL1, World } from '../chaincode/support/world';

/** What a schema finds wrong with an answer (an empty list: the gateway would pass it on). */
function issues(schema: z.ZodType, answer: unknown): string[] {
    return (schema.safeParse(answer).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

/**
 * The gateway validates every answer against its response schema and answers 500 when it does not match, so the
 * schemas must accept what the real chaincode returns: this runs the contracts on the in-memory ledger through
 * trade → declaration → customs → receipt → exemption and checks each answer the typed routes pass on.
 */
describe('response schemas accept the chaincode’s real answers', () => {
    it('records and verdicts from trade to exemption', async () => {
        const w = await World.market();
        w.ledger.defineCollections([
            { name: '_implicit_org_BankOrgMSP', policy: "OR('BankOrgMSP.member')", memberOnlyRead: true },
        ]);
        const bank = id.bank('BK1');
        const customs = id.customs();
        const payer = JSON.stringify({ salt: 'salt-schema-0123456789', name: 'Buyer B1', country: 'AE' });
        const answers: [string, z.ZodType, unknown][] = [];
        const record = (name: string, schema: z.ZodType, answer: unknown): void => {
            answers.push([name, schema, answer]);
        };

        record(
            'FileDeclaration',
            DeclarationRecord,
            await w.declared(DECL1, { T1: [{ goods: 'G1', qty: 100, unitPrice: 500 }] }),
        );
        const receipt = {
            receiptRef: 'R1',
            payeePartyId: 'V1',
            amountMinor: 50_000,
            currency: 'USD',
            valueDate: '2024-03-25',
            channel: 'SWIFT',
            allocations: [{ tradeNo: 'T1', amountMinor: 50_000 }],
        };
        record(
            'FileReceipt',
            ReceiptRecord,
            await w.json(bank, (ctx) => w.receipt.FileReceipt(ctx, JSON.stringify(receipt)), { transient: { payer } }),
        );
        const proposed = {
            receiptRef: 'R2',
            payeePartyId: receipt.payeePartyId,
            amountMinor: receipt.amountMinor,
            currency: receipt.currency,
            valueDate: receipt.valueDate,
            allocations: receipt.allocations,
        };
        record(
            'CheckReceipt (proposed)',
            BankCheckResult,
            await w.query(bank, (ctx) => w.receipt.CheckReceipt(ctx, JSON.stringify({ receipt: proposed }))),
        );
        record(
            'AcceptDeclaration',
            DeclarationRecord,
            await w.json(customs, (ctx) => w.customs.AcceptDeclaration(ctx, DECL1)),
        );
        await w.submit(customs, (ctx) => w.customs.ReleaseDeclaration(ctx, DECL1));
        record(
            'ConfirmExit',
            DeclarationRecord,
            await w.json(customs, (ctx) => w.customs.ConfirmExit(ctx, DECL1, '2024-03-25')),
        );
        const verified = await w.json<{ check: { verdict: string } }>(
            bank,
            (ctx) => w.receipt.VerifyReceipt(ctx, 'BankOrgMSP:R1'),
            { transient: { payer } },
        );
        record('VerifyReceipt', VerifiedResponse.shape.result, verified);
        record(
            'CheckReceipt (filed)',
            BankCheckResult,
            await w.query(bank, (ctx) => w.receipt.CheckReceipt(ctx, JSON.stringify({ receiptId: 'BankOrgMSP:R1' }))),
        );
        record(
            'SettleReceipt',
            ReceiptRecord,
            await w.json(bank, (ctx) =>
                w.receipt.SettleReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify({ outcome: 'SETTLED' })),
            ),
        );
        record('GetTrade', TradeRecord, await w.query(customs, (ctx) => w.trade.GetTrade(ctx, 'T1')));
        record('GetTradeHistory', TradeHistory, await w.query(customs, (ctx) => w.trade.GetTradeHistory(ctx, 'T1')));
        record(
            'GetDeclaration',
            DeclarationRecord,
            await w.query(customs, (ctx) => w.declaration.GetDeclaration(ctx, DECL1)),
        );
        record(
            'GetCustomsEvents',
            CustomsEvents,
            await w.query(customs, (ctx) => w.customs.GetCustomsEvents(ctx, DECL1)),
        );
        const check = await w.query<{ verdict: string }>(customs, (ctx) => w.customs.CheckDeclaration(ctx, DECL1));
        record('CheckDeclaration', CustomsCheckReport, check);
        record(
            'TraceDeclarationLine',
            LineTrace,
            await w.query(customs, (ctx) => w.customs.TraceDeclarationLine(ctx, DECL1, '1')),
        );

        w.ledger.setTime('2024-04-03T02:00:00.000Z');
        const filing = { filingNo: 'EX1', merchantId: 'V1', period: '2024-04', tradeNos: ['T1'] };
        const vendor = id.vendor('V1');
        record(
            'CheckExemption',
            ExemptionGuardResult,
            await w.query(vendor, (ctx) => w.exemption.CheckExemption(ctx, JSON.stringify(filing))),
        );
        record(
            'FileExemption',
            ExemptionRecord,
            await w.json(vendor, (ctx) => w.exemption.FileExemption(ctx, JSON.stringify(filing))),
        );
        const guard = await w.query<{ verdict: string }>(customs, (ctx) => w.exemption.ExemptionGuard(ctx, 'EX1'));
        record('ExemptionGuard', ExemptionGuardResult, guard);
        record('GetExemption', ExemptionRecord, await w.query(customs, (ctx) => w.exemption.GetExemption(ctx, 'EX1')));
        record(
            'GetExemptionByTrade',
            TradeExemption,
            await w.query(customs, (ctx) => w.exemption.GetExemptionByTrade(ctx, 'T1')),
        );

        const operator = id.operator();
        record('GetParty', PartyRecord, await w.query(customs, (ctx) => w.party.GetParty(ctx, 'B1')));
        record(
            'GetPartyPrivate',
            PartyPrivateRecord,
            await w.query(customs, (ctx) => w.party.GetPartyPrivate(ctx, 'B1')),
        );
        record(
            'SuspendParty',
            PartyRecord,
            await w.json(operator, (ctx) => w.party.SuspendParty(ctx, 'V2', 'stall closed')),
        );
        record('GetCluster', ClusterRecord, await w.query(customs, (ctx) => w.party.GetCluster(ctx, 'YIWU')));
        record(
            'GetAgencyAgreement',
            AgreementRecord,
            await w.query(customs, (ctx) => w.party.GetAgencyAgreement(ctx, 'AG1')),
        );
        record('GetGoods', GoodsRecord, await w.query(customs, (ctx) => w.goods.GetGoods(ctx, 'G1')));
        const negativeList = { version: 1, validFrom: '2024-01-01', entries: [{ hsPrefix: '93', reason: 'arms' }] };
        record(
            'PublishNegativeList',
            NegativeListRecord,
            await w.json(customs, (ctx) => w.goods.PublishNegativeList(ctx, JSON.stringify(negativeList))),
        );
        record(
            'GetNegativeList',
            NegativeListInForce,
            await w.query(customs, (ctx) => w.goods.GetNegativeList(ctx, '2024-04-03')),
        );
        const cny = { month: '2024-03', version: 1, rates: [{ currency: 'CNY', rate: '0.14' }] };
        record(
            'PublishRates',
            ExchangeRatesRecord,
            await w.json(customs, (ctx) => w.rates.PublishRates(ctx, JSON.stringify(cny))),
        );
        record('GetRates', RatesOfMonth, await w.query(customs, (ctx) => w.rates.GetRates(ctx, '2024-03')));
        record(
            'GetConsolidationOrder',
            ConsolidationOrderRecord,
            await w.query(customs, (ctx) => w.consolidation.GetConsolidationOrder(ctx, 'O-0001')),
        );
        record(
            'GetPackingList',
            PackingListRecord,
            await w.query(customs, (ctx) => w.consolidation.GetPackingList(ctx, 'PK-0001')),
        );
        const flag = { subjectType: 'trade', subjectId: 'T1', ruleId: 'F1', severity: 'LOW', evidence: { note: 'x' } };
        const raised = await w.json<{ flagId: string }>(customs, (ctx) => w.risk.RaiseFlag(ctx, JSON.stringify(flag)));
        record('RaiseFlag', RiskFlagRecord, raised);
        record(
            'ClearFlag',
            RiskFlagRecord,
            await w.json(customs, (ctx) => w.risk.ClearFlag(ctx, raised.flagId, 'checked')),
        );
        record(
            'GetHistory',
            RecordHistory,
            await w.query(customs, (ctx) => w.history.GetHistory(ctx, 'declaration', DECL1)),
        );
        record(
            'GetTradeSettlement',
            TradeSettlement,
            await w.query(bank, (ctx) => w.receipt.GetTradeSettlement(ctx, 'T1')),
        );
        record(
            'ListReceiptsByTrade',
            page(ReceiptListItem),
            await w.query(bank, (ctx) => w.receipt.ListReceiptsByTrade(ctx, 'T1', '10', '')),
        );
        record(
            'ListReceiptsByPayee',
            page(ReceiptListItem),
            await w.query(bank, (ctx) => w.receipt.ListReceiptsByPayee(ctx, 'V1', '10', '')),
        );
        record(
            'GetReceiptPayer',
            StoredPayer,
            await w.query(bank, (ctx) => w.receipt.GetReceiptPayer(ctx, 'BankOrgMSP:R1')),
        );

        // the flow went where the verdicts say it did, so the schemas saw passing verdicts with their evidence
        expect([verified.check.verdict, check.verdict, guard.verdict]).toEqual(['PASS', 'PASS', 'PASS']);
        expect(answers.map(([name, schema, answer]) => [name, issues(schema, answer)])).toEqual(
            answers.map(([name]) => [name, []]),
        );
    });

    it('refuses an answer the chaincode would never give', () => {
        expect(
            issues(ExemptionGuardResult, { filingNo: null, period: '2024-04', verdict: 'MAYBE', findings: [] }),
        ).toEqual(['verdict: Invalid option: expected one of "PASS"|"FAIL"']);
    });
});
