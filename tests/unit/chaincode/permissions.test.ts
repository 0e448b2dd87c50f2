import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { permissionTable } from '../../../chaincode/src/lib/auth';
import { declaration, payerJson, seed, trade } from './receipt-fixtures';
import { identity } from './support/identities';
import * as id from './support/identities';
import { TODAY, World } from './support/world';
import { ROLES, type Role } from '../../../chaincode/src/vocabulary';

/**
 * Every cell of the permission matrix, generated from the table in chaincode/src/lib/auth.ts and checked by
 * actually calling the transaction (simulated, not committed, so one world serves all cells):
 * allowed cells must succeed, denied cells must fail with FORBIDDEN; OWN cells also fail for a non-owner.
 */
type Invoke = (ctx: Context) => Promise<string>;
interface Scenario {
    /** The call; `role` picks the record the role owns where one record cannot belong to every role. */
    readonly invoke: (w: World, role: Role) => Invoke;
    /** Party the caller acts for, per role, for the allowed (owner) call. */
    readonly owner?: Partial<Record<Role, string>>;
}

const D = {
    submitted: '292020240000000001',
    accepted: '292020240000000003',
    inspecting: '292020240000000004',
    released: '292020240000000005',
    held: '292020240000000006',
    unfiled: '292020240000000009',
};
const DEFAULT_PARTY: Partial<Record<Role, string>> = {
    vendor: 'V1',
    agent: 'A1',
    consolidator: 'C1',
    broker: 'K1',
    bank: 'BK1',
};
const OTHER_PARTY: Partial<Record<Role, string>> = {
    vendor: 'V2',
    agent: 'A2',
    consolidator: 'C2',
    broker: 'K2',
    bank: 'BK2',
};
const j = JSON.stringify;
const ANCHORED = 'e'.repeat(64);
let flagId = '';
/** Receipts of BK1: R-FILED paid to V1 for T-EXP (allocated, verified REFER), R-AGENT paid to A1, R-OPEN unallocated. */
const R = { filed: 'BankOrgMSP:R-FILED', agent: 'BankOrgMSP:R-AGENT', open: 'BankOrgMSP:R-OPEN' };
/** BK1's open financing of T-EXP2 (V33). */
const F_OPEN = 'BankOrgMSP:F-OPEN';
/** T-EXP and T-EXP2 exited in February (exemption period 2024-03); EX-FILED claims T-EXP, filed by agent A1. */
const filingJson = j({ filingNo: 'EX-NEW', merchantId: 'V1', period: '2024-03', tradeNos: ['T-EXP2'] });
const receiptJson = (receiptRef: string, payeePartyId: string, amountMinor: number, tradeNo?: string): string =>
    j({
        receiptRef,
        payeePartyId,
        amountMinor,
        currency: 'USD',
        valueDate: '2024-03-20',
        channel: 'SWIFT',
        allocations: tradeNo === undefined ? [] : [{ tradeNo, amountMinor }],
    });

const SCENARIOS: Record<string, Scenario> = {
    'PartyContract.RegisterCluster': {
        invoke: (w) => (ctx) =>
            w.party.RegisterCluster(
                ctx,
                j({
                    clusterId: 'NEW',
                    name: 'New',
                    city: 'X',
                    customsOffice: '1',
                    acceptanceDate: '2020-01-01',
                    streets: [{ streetId: 'A', name: 'A', stalls: ['1'] }],
                }),
            ),
    },
    'IdentityContract.RecordOnboarding': {
        invoke: (w) => (ctx) =>
            w.identity.RecordOnboarding(ctx, j({ username: 'vendor-v1', role: 'vendor', party: 'V1' })),
    },
    'PartyContract.GetCluster': { invoke: (w) => (ctx) => w.party.GetCluster(ctx, 'YIWU') },
    'PartyContract.RegisterParty': {
        invoke: (w) => (ctx) =>
            w.party.RegisterParty(ctx, j({ partyId: 'P9', type: 'PRODUCER', legalName: 'P9', countryCode: 'CN' })),
    },
    'PartyContract.VerifyParty': { invoke: (w) => (ctx) => w.party.VerifyParty(ctx, 'X-SUB', 'ok') },
    'PartyContract.ActivateParty': { invoke: (w) => (ctx) => w.party.ActivateParty(ctx, 'X-VER', 'ok') },
    'PartyContract.SuspendParty': { invoke: (w) => (ctx) => w.party.SuspendParty(ctx, 'P1', 'audit') },
    'PartyContract.ReinstateParty': { invoke: (w) => (ctx) => w.party.ReinstateParty(ctx, 'X-SUS', 'cleared') },
    'PartyContract.RevokeParty': { invoke: (w) => (ctx) => w.party.RevokeParty(ctx, 'X-SUS', 'fraud') },
    'PartyContract.GetParty': { invoke: (w) => (ctx) => w.party.GetParty(ctx, 'B1') },
    'PartyContract.GetPartyPrivate': { invoke: (w) => (ctx) => w.party.GetPartyPrivate(ctx, 'B1') },
    'PartyContract.ListPartiesByType': { invoke: (w) => (ctx) => w.party.ListPartiesByType(ctx, 'BUYER', '10', '') },
    'PartyContract.FileAgencyAgreement': {
        invoke: (w) => (ctx) =>
            w.party.FileAgencyAgreement(
                ctx,
                j({
                    agreementNo: 'AG9',
                    merchantId: 'V1',
                    agentId: 'A1',
                    validFrom: '2024-01-01',
                    validTo: '2024-12-31',
                    documentHash: 'c'.repeat(64),
                }),
            ),
    },
    'PartyContract.SignAgencyAgreement': { invoke: (w) => (ctx) => w.party.SignAgencyAgreement(ctx, 'AG-PENDING') },
    'PartyContract.GetAgencyAgreement': { invoke: (w) => (ctx) => w.party.GetAgencyAgreement(ctx, 'AG1') },
    'GoodsContract.RegisterGoods': {
        invoke: (w) => (ctx) =>
            w.goods.RegisterGoods(
                ctx,
                j({
                    goodsCode: 'G99',
                    ownerId: 'V1',
                    nameCn: '新',
                    nameEn: 'New',
                    hsCode: '6109100021',
                    unit: 'PCS',
                    producerId: 'P1',
                    priceRange: { currency: 'USD', minUnitPrice: 1, maxUnitPrice: 9 },
                }),
            ),
    },
    'GoodsContract.GetGoods': { invoke: (w) => (ctx) => w.goods.GetGoods(ctx, 'G1') },
    'GoodsContract.PublishNegativeList': {
        invoke: (w) => (ctx) =>
            w.goods.PublishNegativeList(
                ctx,
                j({ version: 1, validFrom: '2020-05-10', entries: [{ hsPrefix: '630790', reason: 'masks' }] }),
            ),
    },
    'GoodsContract.GetNegativeList': { invoke: (w) => (ctx) => w.goods.GetNegativeList(ctx, '2024-03-01') },
    'GoodsContract.PublishQualifiedSuppliers': {
        invoke: (w) => (ctx) =>
            w.goods.PublishQualifiedSuppliers(ctx, 'YIWU', j({ version: 1, validFrom: '2024-01-01', suppliers: [] })),
    },
    'GoodsContract.GetQualifiedSuppliers': {
        invoke: (w) => (ctx) => w.goods.GetQualifiedSuppliers(ctx, 'YIWU', '2024-03-01'),
    },
    'RatesContract.PublishRates': {
        invoke: (w) => (ctx) =>
            w.rates.PublishRates(
                ctx,
                j({ month: '2024-04', version: 1, rates: [{ currency: 'CNY', rate: '0.1385' }] }),
            ),
    },
    'RatesContract.GetRates': { invoke: (w) => (ctx) => w.rates.GetRates(ctx, '2024-03') },
    'TradeContract.RegisterTrade': {
        invoke: (w) => (ctx) =>
            w.trade.RegisterTrade(ctx, j(w.tradeInput('TN', [{ goods: 'G1', qty: 1, unitPrice: 500 }]))),
    },
    'TradeContract.RegisterTrades': {
        invoke: (w) => async (ctx) => {
            const out = await w.trade.RegisterTrades(
                ctx,
                j([w.tradeInput('TN', [{ goods: 'G1', qty: 1, unitPrice: 500 }])]),
            );
            const row = (JSON.parse(out) as { results: { code?: string; message?: string }[] }).results[0];
            if (row?.code !== undefined) throw new Error(row.message);
            return out;
        },
    },
    'TradeContract.AmendTrade': {
        invoke: (w) => (ctx) => w.trade.AmendTrade(ctx, 'T-OPEN', j({ remark: 'fix' }), 'typo'),
    },
    'TradeContract.CancelTrade': { invoke: (w) => (ctx) => w.trade.CancelTrade(ctx, 'T-OPEN', 'buyer withdrew') },
    'TradeContract.ResolveTradeFlag': {
        invoke: (w) => (ctx) => w.trade.ResolveTradeFlag(ctx, 'T-FLAG', 'price checked'),
    },
    // a bank reads only trades its own receipts rely on (V34): BK1's receipt pays T-EXP
    'TradeContract.GetTrade': {
        invoke: (w, role) => (ctx) => w.trade.GetTrade(ctx, role === 'bank' ? 'T-EXP' : 'T-OPEN'),
    },
    'TradeContract.GetTradeHistory': { invoke: (w) => (ctx) => w.trade.GetTradeHistory(ctx, 'T-OPEN') },
    'TradeContract.ListTradesByVendor': { invoke: (w) => (ctx) => w.trade.ListTradesByVendor(ctx, 'V1', '5', '') },
    'TradeContract.ListTradesByAgent': { invoke: (w) => (ctx) => w.trade.ListTradesByAgent(ctx, 'A1', '5', '') },
    'ConsolidationContract.CreateConsolidationOrder': {
        invoke: (w) => (ctx) =>
            w.consolidation.CreateConsolidationOrder(
                ctx,
                j({
                    orderCode: 'O-NEW',
                    consolidatorId: 'C1',
                    agentId: 'A1',
                    destCountry: 'AE',
                    site: 'CSP',
                    tradeNos: ['T-OPEN'],
                }),
            ),
    },
    'ConsolidationContract.RecordPackingList': {
        invoke: (w) => (ctx) =>
            w.consolidation.RecordPackingList(
                ctx,
                j({
                    packingNo: 'PK-NEW',
                    consolidatorId: 'C1',
                    brokerId: 'K1',
                    packDate: '2024-03-15',
                    site: 'CSP',
                    destCountry: 'AE',
                    containers: [
                        {
                            containerNo: 'TGHU7654321',
                            type: '22G1',
                            sealNo: 'S9',
                            tareKg: 2200,
                            orderCodes: ['O-OPEN'],
                        },
                    ],
                }),
            ),
    },
    'ConsolidationContract.GetConsolidationOrder': {
        invoke: (w) => (ctx) => w.consolidation.GetConsolidationOrder(ctx, 'O-OPEN'),
    },
    'ConsolidationContract.GetPackingList': { invoke: (w) => (ctx) => w.consolidation.GetPackingList(ctx, 'PK-0001') },
    'DeclarationContract.PreviewDeclaration': {
        invoke: (w) => (ctx) => {
            const input = w.declarationInput(D.unfiled, 'PK-PACK', ['T-PACK']);
            return w.declaration.PreviewDeclaration(ctx, j({ ...input, declNo: undefined }));
        },
    },
    'DeclarationContract.FileDeclaration': {
        invoke: (w) => (ctx) =>
            w.declaration.FileDeclaration(ctx, j(w.declarationInput(D.unfiled, 'PK-PACK', ['T-PACK']))),
    },
    'DeclarationContract.GetDeclaration': {
        invoke: (w, role) => (ctx) => w.declaration.GetDeclaration(ctx, role === 'bank' ? D.released : D.submitted),
    },
    'DeclarationContract.ListDeclarationsByDate': {
        invoke: (w) => (ctx) => w.declaration.ListDeclarationsByDate(ctx, '2024-03-20', '5', ''),
    },
    'CustomsContract.AcceptDeclaration': { invoke: (w) => (ctx) => w.customs.AcceptDeclaration(ctx, D.submitted) },
    'CustomsContract.OrderInspection': { invoke: (w) => (ctx) => w.customs.OrderInspection(ctx, D.accepted, 'random') },
    'CustomsContract.RecordInspectionResult': {
        invoke: (w) => (ctx) => w.customs.RecordInspectionResult(ctx, D.inspecting, j({ passed: true, remark: 'ok' })),
    },
    'CustomsContract.ReleaseDeclaration': { invoke: (w) => (ctx) => w.customs.ReleaseDeclaration(ctx, D.accepted) },
    'CustomsContract.ConfirmExit': { invoke: (w) => (ctx) => w.customs.ConfirmExit(ctx, D.released, TODAY) },
    'CustomsContract.ReturnDeclaration': {
        invoke: (w) => (ctx) => w.customs.ReturnDeclaration(ctx, D.submitted, 'wrong HS'),
    },
    'CustomsContract.AmendDeclaration': {
        invoke: (w) => (ctx) => w.customs.AmendDeclaration(ctx, D.submitted, j({ exitPort: 'CNSHA' }), 'port change'),
    },
    'CustomsContract.WithdrawDeclaration': {
        invoke: (w) => (ctx) => w.customs.WithdrawDeclaration(ctx, D.accepted, 'withdrawn'),
    },
    'CustomsContract.HoldDeclaration': {
        invoke: (w) => (ctx) => w.customs.HoldDeclaration(ctx, D.submitted, 'investigation'),
    },
    'CustomsContract.LiftHold': { invoke: (w) => (ctx) => w.customs.LiftHold(ctx, D.held, 'cleared') },
    'CustomsContract.GetCustomsEvents': { invoke: (w) => (ctx) => w.customs.GetCustomsEvents(ctx, D.submitted) },
    'CustomsContract.CheckDeclaration': { invoke: (w) => (ctx) => w.customs.CheckDeclaration(ctx, D.submitted) },
    'CustomsContract.RecordCustomsCheck': {
        invoke: (w) => (ctx) => w.customs.RecordCustomsCheck(ctx, D.submitted),
    },
    'CustomsContract.GetCustomsCheck': { invoke: (w) => (ctx) => w.customs.GetCustomsCheck(ctx, D.submitted) },
    'ReconciliationContract.ReconcileDeclaration': {
        invoke: (w) => (ctx) => w.reconciliation.ReconcileDeclaration(ctx, D.submitted),
    },
    'ReconciliationContract.ReconcileTrade': {
        invoke: (w) => (ctx) => w.reconciliation.ReconcileTrade(ctx, 'T-EXP'),
    },
    'CustomsContract.TraceDeclarationLine': {
        invoke: (w) => (ctx) => w.customs.TraceDeclarationLine(ctx, D.submitted, '1'),
    },
    'DocumentContract.RegisterDocument': {
        invoke: (w) => (ctx) => w.document.RegisterDocument(ctx, 'f'.repeat(64), 'INVOICE'),
    },
    'DocumentContract.GetDocument': { invoke: (w) => (ctx) => w.document.GetDocument(ctx, ANCHORED) },
    'HistoryContract.GetHistory': { invoke: (w) => (ctx) => w.history.GetHistory(ctx, 'trade', 'T-OPEN') },
    'RiskContract.RaiseFlag': {
        invoke: (w) => (ctx) =>
            w.risk.RaiseFlag(
                ctx,
                j({
                    subjectType: 'party',
                    subjectId: 'V1',
                    ruleId: 'F6',
                    severity: 'LOW',
                    evidence: { note: 'stall turnover' },
                }),
            ),
    },
    'RiskContract.ClearFlag': { invoke: (w) => (ctx) => w.risk.ClearFlag(ctx, flagId, 'explained') },
    'RiskContract.ConfirmFlag': { invoke: (w) => (ctx) => w.risk.ConfirmFlag(ctx, flagId, 'confirmed') },
    'RiskContract.GetFlag': { invoke: (w) => (ctx) => w.risk.GetFlag(ctx, flagId) },
    'RiskContract.ListFlagsBySubject': {
        invoke: (w) => (ctx) => w.risk.ListFlagsBySubject(ctx, 'trade', 'T-FLAG', '5', ''),
    },
    'ReceiptContract.FileReceipt': {
        invoke: (w) => (ctx) => w.receipt.FileReceipt(ctx, receiptJson('R-NEW', 'V1', 500)),
    },
    'ReceiptContract.AllocateReceipt': {
        invoke: (w) => (ctx) =>
            w.receipt.AllocateReceipt(ctx, R.open, j([{ tradeNo: 'T-EXP2', amountMinor: 100_000 }])),
    },
    'ReceiptContract.VerifyReceipt': { invoke: (w) => (ctx) => w.receipt.VerifyReceipt(ctx, R.filed) },
    'ReceiptContract.SettleReceipt': {
        invoke: (w) => (ctx) =>
            w.receipt.SettleReceipt(ctx, R.filed, j({ outcome: 'SETTLED', reviewNote: 'payer confirmed by phone' })),
    },
    'ReceiptContract.GetReceipt': {
        invoke: (w, role) => (ctx) => w.receipt.GetReceipt(ctx, role === 'agent' ? R.agent : R.filed),
    },
    'ReceiptContract.GetReceiptPayer': { invoke: (w) => (ctx) => w.receipt.GetReceiptPayer(ctx, R.filed) },
    'ReceiptContract.ListReceiptsByTrade': {
        invoke: (w) => (ctx) => w.receipt.ListReceiptsByTrade(ctx, 'T-EXP', '10', ''),
    },
    'ReceiptContract.ListReceiptsByPayee': {
        invoke: (w, role) => (ctx) => w.receipt.ListReceiptsByPayee(ctx, role === 'agent' ? 'A1' : 'V1', '10', ''),
    },
    'ReceiptContract.CheckReceipt': { invoke: (w) => (ctx) => w.receipt.CheckReceipt(ctx, j({ receiptId: R.filed })) },
    'ReceiptContract.GetTradeSettlement': { invoke: (w) => (ctx) => w.receipt.GetTradeSettlement(ctx, 'T-EXP') },
    'FinancingContract.FinanceTrades': {
        invoke: (w) => (ctx) =>
            w.financing.FinanceTrades(
                ctx,
                j({ financingRef: 'F-NEW', borrowerPartyId: 'V1', items: [{ tradeNo: 'T-EXP2', amountMinor: 1_000 }] }),
            ),
    },
    'FinancingContract.CloseFinancing': {
        invoke: (w) => (ctx) => w.financing.CloseFinancing(ctx, F_OPEN, j({ outcome: 'REPAID' })),
    },
    'FinancingContract.GetFinancing': { invoke: (w) => (ctx) => w.financing.GetFinancing(ctx, F_OPEN) },
    'FinancingContract.ListFinancingsByTrade': {
        invoke: (w) => (ctx) => w.financing.ListFinancingsByTrade(ctx, 'T-EXP2', '10', ''),
    },
    'ExemptionContract.FileExemption': { invoke: (w) => (ctx) => w.exemption.FileExemption(ctx, filingJson) },
    'ExemptionContract.CheckExemption': { invoke: (w) => (ctx) => w.exemption.CheckExemption(ctx, filingJson) },
    'ExemptionContract.ExemptionGuard': { invoke: (w) => (ctx) => w.exemption.ExemptionGuard(ctx, 'EX-FILED') },
    'ExemptionContract.GetExemption': { invoke: (w) => (ctx) => w.exemption.GetExemption(ctx, 'EX-FILED') },
    'ExemptionContract.GetExemptionByTrade': {
        invoke: (w) => (ctx) => w.exemption.GetExemptionByTrade(ctx, 'T-EXP'),
    },
    'ExemptionContract.ListExemptionsByMerchant': {
        invoke: (w) => (ctx) => w.exemption.ListExemptionsByMerchant(ctx, 'V1', '10', ''),
    },
    'GoodsContract.AmendGoods': {
        invoke: (w) => (ctx) => w.goods.AmendGoods(ctx, 'G1', j({ nameEn: 'Cotton tee' }), 'name mistyped'),
    },
    'GoodsContract.VoidGoods': { invoke: (w) => (ctx) => w.goods.VoidGoods(ctx, 'G2', 'registered twice') },
    'PartyContract.AmendCluster': {
        invoke: (w) => (ctx) => w.party.AmendCluster(ctx, 'YIWU', j({ name: 'Yiwu ITC' }), 'renamed'),
    },
    'PartyContract.AmendAgencyAgreement': {
        invoke: (w) => (ctx) => w.party.AmendAgencyAgreement(ctx, 'AG1', j({ validTo: '2024-06-30' }), 'shortened'),
    },
    'PartyContract.TerminateAgencyAgreement': {
        invoke: (w) => (ctx) => w.party.TerminateAgencyAgreement(ctx, 'AG1', 'agent closed'),
    },
    'ConsolidationContract.AmendConsolidationOrder': {
        invoke: (w) => (ctx) =>
            w.consolidation.AmendConsolidationOrder(ctx, 'O-OPEN', j({ truckPlate: 'ZJ-1' }), 'plate mistyped'),
    },
    'ConsolidationContract.VoidConsolidationOrder': {
        invoke: (w) => (ctx) => w.consolidation.VoidConsolidationOrder(ctx, 'O-OPEN', 'wrong truck'),
    },
    'ConsolidationContract.AmendPackingList': {
        invoke: (w) => (ctx) =>
            w.consolidation.AmendPackingList(ctx, 'PK-PACK', j({ billOfLading: 'BL-1' }), 'bill of lading added'),
    },
    'ConsolidationContract.VoidPackingList': {
        invoke: (w) => (ctx) => w.consolidation.VoidPackingList(ctx, 'PK-PACK', 'wrong container'),
    },
    'ReceiptContract.VoidAllocation': {
        invoke: (w) => (ctx) => w.receipt.VoidAllocation(ctx, R.filed, 'T-EXP', 'wrong trade'),
    },
    'ReceiptContract.GetReceiptHistory': {
        invoke: (w, role) => (ctx) => w.receipt.GetReceiptHistory(ctx, role === 'agent' ? R.agent : R.filed),
    },
    'ExemptionContract.WithdrawExemption': {
        invoke: (w, role) => (ctx) =>
            w.exemption.WithdrawExemption(ctx, role === 'vendor' ? 'EX-VENDOR' : 'EX-FILED', 'wrong period'),
    },
    'ExemptionContract.GetExemptionHistory': {
        invoke: (w) => (ctx) => w.exemption.GetExemptionHistory(ctx, 'EX-FILED'),
    },
    'DocumentContract.GetDocumentHistory': { invoke: (w) => (ctx) => w.document.GetDocumentHistory(ctx, ANCHORED) },
};

/**
 * OWN cells where a non-owner is not refused with FORBIDDEN, each with the reason; every other OWN cell is.
 * `rejects` absent: the non-owner's call succeeds (on its own records only).
 */
const NON_OWNER: Record<string, { readonly rejects?: RegExp; readonly reason: string }> = {
    'ReceiptContract.FileReceipt × bank': { reason: 'the caller files as itself; there is no other bank to name' },
    'ReceiptContract.ListReceiptsByTrade × bank': { reason: 'another bank gets the list filtered to its own receipts' },
    'ReceiptContract.ListReceiptsByTrade × vendor': {
        rejects: /^NOT_FOUND: trade .* does not exist$/,
        reason: 'someone else’s trade is answered like a missing one',
    },
    'ReceiptContract.ListReceiptsByTrade × agent': {
        rejects: /^NOT_FOUND: trade .* does not exist$/,
        reason: 'someone else’s trade is answered like a missing one',
    },
    'ReceiptContract.ListReceiptsByPayee × bank': { reason: 'another bank gets the list filtered to its own receipts' },
    'PartyContract.ListPartiesByType × bank': {
        reason: 'another bank gets the list filtered to the parties its receipts rely on (V34)',
    },
    'FinancingContract.FinanceTrades × bank': {
        reason: 'the caller finances as itself; there is no other bank to name',
    },
    'FinancingContract.CloseFinancing × bank': {
        rejects: /^NOT_FOUND: financing .* does not exist$/,
        reason: 'another bank’s financing is answered like a missing one',
    },
    'FinancingContract.ListFinancingsByTrade × bank': {
        reason: 'another bank gets the list filtered to its own financings',
    },
    'ExemptionContract.FileExemption × agent': {
        rejects: /^RULE_V28: agent A2 has no signed agency agreement with V1/,
        reason: 'another agent’s trade is hidden like a missing one; without an agreement the agent may not file (V28)',
    },
};

/** Owner party for OWN cells where the default (V1, A1, C1, K1) is not the owner. */
const OWNERS: Record<string, Partial<Record<Role, string>>> = {
    'PartyContract.SignAgencyAgreement': { vendor: 'V2' },
};

async function buildWorld(): Promise<World> {
    const w = await World.market();
    const op = id.operator();
    await w.fileParty({ partyId: 'C2', type: 'CONSOLIDATOR', legalName: 'C2', countryCode: 'CN' });
    await w.fileParty({ partyId: 'K2', type: 'BROKER', legalName: 'K2', countryCode: 'CN' });
    await w.submit(op, (ctx) =>
        w.party.RegisterParty(ctx, j({ partyId: 'X-SUB', type: 'PRODUCER', legalName: 'x', countryCode: 'CN' })),
    );
    await w.submit(op, (ctx) =>
        w.party.RegisterParty(ctx, j({ partyId: 'X-VER', type: 'PRODUCER', legalName: 'x', countryCode: 'CN' })),
    );
    await w.submit(op, (ctx) => w.party.VerifyParty(ctx, 'X-VER', 'ok'));
    await w.fileParty({ partyId: 'X-SUS', type: 'PRODUCER', legalName: 'x', countryCode: 'CN' });
    await w.submit(op, (ctx) => w.party.SuspendParty(ctx, 'X-SUS', 'audit'));
    await w.submit(id.agent('A2'), (ctx) =>
        w.party.FileAgencyAgreement(
            ctx,
            j({
                agreementNo: 'AG-PENDING',
                merchantId: 'V2',
                agentId: 'A2',
                validFrom: '2024-01-01',
                validTo: '2024-12-31',
                documentHash: 'd'.repeat(64),
            }),
        ),
    );
    await w.declared(D.submitted, { T1: [{ goods: 'G1', qty: 10, unitPrice: 500 }] });
    await w.declared(D.accepted, { T3: [{ goods: 'G2', qty: 10, unitPrice: 500 }] });
    await w.declared(D.inspecting, { T4: [{ goods: 'G3', qty: 10, unitPrice: 500 }] });
    await w.declared(D.released, { T5: [{ goods: 'G4', qty: 10, unitPrice: 500 }] });
    await w.declared(D.held, { T6: [{ goods: 'G5', qty: 10, unitPrice: 50 }] });
    const c = id.customs();
    for (const d of [D.accepted, D.inspecting, D.released])
        await w.submit(c, (ctx) => w.customs.AcceptDeclaration(ctx, d));
    await w.submit(c, (ctx) => w.customs.OrderInspection(ctx, D.inspecting, 'random'));
    await w.submit(c, (ctx) => w.customs.ReleaseDeclaration(ctx, D.released));
    await w.submit(c, (ctx) => w.customs.HoldDeclaration(ctx, D.held, 'investigation'));
    await w.registerTrade('T-PACK', [{ goods: 'G6', qty: 10, unitPrice: 50 }]);
    await w.consolidate('O-PACK', ['T-PACK']);
    await w.pack('PK-PACK', ['O-PACK'], 'TGHU1111111');
    await w.registerTrade('T-ORDER', [{ goods: 'G7', qty: 10, unitPrice: 50 }]);
    await w.consolidate('O-OPEN', ['T-ORDER']);
    await w.registerTrade('T-OPEN', [{ goods: 'G1', qty: 3, unitPrice: 500 }]);
    await w.submit(op, (ctx) => w.document.RegisterDocument(ctx, ANCHORED, 'PACKING_LIST'));
    const flagged = await w.registerTrade('T-FLAG', [{ goods: 'G1', qty: 1, unitPrice: 9000 }]);
    flagId = (flagged.riskFlags as string[])[0] ?? '';
    await settlementWorld(w);
    return w;
}

/** Bank parties BK1/BK2 (both BankOrgMSP), exported trades, BK1's receipts and an exemption filing. */
async function settlementWorld(w: World): Promise<void> {
    w.ledger.defineCollections([
        { name: '_implicit_org_BankOrgMSP', policy: "OR('BankOrgMSP.member')", memberOnlyRead: true },
    ]);
    await w.fileParty({ partyId: 'BK2', type: 'BANK', legalName: 'BK2', countryCode: 'CN', orgMspId: 'BankOrgMSP' });
    await seed(w.ledger, [
        trade('T-EXP', { declNo: 'D-EXP', stallNo: 'S1' }),
        trade('T-EXP2', { declNo: 'D-EXP', stallNo: 'S1' }),
        trade('T-EXP3', { declNo: 'D-EXP', stallNo: 'S1' }),
        declaration('D-EXP', ['T-EXP', 'T-EXP2', 'T-EXP3'], { exitDate: '2024-02-20', releaseDate: '2024-02-18' }),
    ]);
    const bk = id.bank('BK1');
    await w.submit(bk, (ctx) => w.receipt.FileReceipt(ctx, receiptJson('R-FILED', 'V1', 100_000, 'T-EXP')), {
        transient: { payer: payerJson() },
    });
    await w.submit(bk, (ctx) => w.receipt.VerifyReceipt(ctx, R.filed));
    await w.submit(bk, (ctx) => w.receipt.FileReceipt(ctx, receiptJson('R-AGENT', 'A1', 1_000)));
    await w.submit(bk, (ctx) => w.receipt.FileReceipt(ctx, receiptJson('R-OPEN', 'V1', 200_000)));
    // a prepayment on T5, so BK1 may read T5's declaration (V34)
    await w.submit(bk, (ctx) => w.receipt.FileReceipt(ctx, receiptJson('R-T5', 'V1', 1_000, 'T5')));
    await w.submit(bk, (ctx) =>
        w.financing.FinanceTrades(
            ctx,
            j({ financingRef: 'F-OPEN', borrowerPartyId: 'V1', items: [{ tradeNo: 'T-EXP2', amountMinor: 10_000 }] }),
        ),
    );
    await w.submit(id.agent('A1'), (ctx) =>
        w.exemption.FileExemption(
            ctx,
            j({ filingNo: 'EX-FILED', merchantId: 'V1', period: '2024-03', tradeNos: ['T-EXP'] }),
        ),
    );
    await w.submit(id.vendor('V1'), (ctx) =>
        w.exemption.FileExemption(
            ctx,
            j({ filingNo: 'EX-VENDOR', merchantId: 'V1', period: '2024-03', tradeNos: ['T-EXP3'] }),
        ),
    );
}

/**
 * Reads that take a list filter or the caller's own proposal rather than one stored record's ID. Every other read
 * answers a non-owner exactly like a missing record (`NOT_FOUND: <record> does not exist`), so that reads do not
 * tell a caller which IDs exist; writes (and these) answer FORBIDDEN.
 */
const LISTS_OR_INPUT_CHECKS = /\.(List|CheckExemption|CheckReceipt|PreviewDeclaration)/;
/** Writes on a stored record its non-owners cannot read either: hidden like a read, so a write does not probe IDs. */
const WRITES_ON_HIDDEN_RECORDS = new Set([
    'TradeContract.AmendTrade',
    'TradeContract.CancelTrade',
    'PartyContract.SignAgencyAgreement',
    'PartyContract.AmendAgencyAgreement',
    'PartyContract.TerminateAgencyAgreement',
    'ConsolidationContract.AmendConsolidationOrder',
    'ConsolidationContract.VoidConsolidationOrder',
    'ConsolidationContract.AmendPackingList',
    'ConsolidationContract.VoidPackingList',
    'ExemptionContract.WithdrawExemption',
]);

const cells = permissionTable()
    .filter(([tx]) => Object.hasOwn(SCENARIOS, tx))
    .flatMap(([tx, permission]) =>
        ROLES.map((role) => ({
            tx,
            role,
            scope: permission.roles[role] ?? null,
            hidesFromNonOwners:
                (permission.access === 'read' && !LISTS_OR_INPUT_CHECKS.test(tx)) || WRITES_ON_HIDDEN_RECORDS.has(tx),
        })),
    );

describe('permission matrix (every cell called for real)', () => {
    let w: World;
    beforeAll(async () => {
        w = await buildWorld();
    }, 60_000);

    it('has a scenario for every transaction of every contract', () => {
        const all = permissionTable().map(([tx]) => tx);
        expect(all.filter((tx) => !Object.hasOwn(SCENARIOS, tx))).toEqual([]);
        expect(all.filter((tx) => /^(ReceiptContract|ExemptionContract)\./.test(tx))).toHaveLength(20);
        expect(flagId).toMatch(/^[0-9a-f]{32}$/);
    });

    it.each(cells)('$tx × $role → $scope', async ({ tx, role, scope, hidesFromNonOwners }) => {
        const scenario = SCENARIOS[tx];
        if (scenario === undefined) throw new Error(`no scenario for ${tx}`);
        const party = OWNERS[tx]?.[role] ?? DEFAULT_PARTY[role];
        const call = w.ledger.endorse(identity(role, party), scenario.invoke(w, role));
        if (scope === null) {
            await expect(call).rejects.toThrow(/^FORBIDDEN: /);
            return;
        }
        await expect(call).resolves.toBeDefined();
        if (scope === 'OWN') {
            const other = OTHER_PARTY[role] === party ? DEFAULT_PARTY[role] : OTHER_PARTY[role];
            const byOther = w.ledger.endorse(identity(role, other), scenario.invoke(w, role));
            const exception = NON_OWNER[`${tx} × ${role}`];
            if (exception === undefined) {
                await expect(byOther).rejects.toThrow(
                    hidesFromNonOwners ? /^NOT_FOUND: .* does not exist$/ : /^FORBIDDEN: /,
                );
            } else if (exception.rejects === undefined) await expect(byOther).resolves.toBeDefined();
            else await expect(byOther).rejects.toThrow(exception.rejects);
        }
    });

    /** A record of V1 (or paid to V1), read by vendor V2, next to an ID that does not exist at all. */
    const READS: [string, string, (w: World, no: string) => Invoke, string][] = [
        ['trade', 'T-EXP', (w, no) => (ctx) => w.trade.GetTrade(ctx, no), 'trade'],
        ['receipt', R.filed, (w, no) => (ctx) => w.receipt.GetReceipt(ctx, no), 'receipt'],
        ['filing', 'EX-FILED', (w, no) => (ctx) => w.exemption.GetExemption(ctx, no), 'exemption filing'],
    ];
    it.each(READS)('answers a %s the caller may not see word for word as a missing one', async (_, no, read, label) => {
        const missingNo = no.replace(/[A-Z]+$/, 'MISSING');
        const answer = (n: string): Promise<unknown> => w.ledger.endorse(id.vendor('V2'), read(w, n));
        await expect(answer(missingNo)).rejects.toThrow(new Error(`NOT_FOUND: ${label} ${missingNo} does not exist`));
        await expect(answer(no)).rejects.toThrow(new Error(`NOT_FOUND: ${label} ${no} does not exist`));
    });

    it.each(ROLES)('refuses role %s from a foreign MSP', async (role) => {
        const foreign =
            role === 'customs' || role === 'auditor'
                ? 'MarketOrgMSP'
                : role === 'bank'
                  ? 'CustomsOrgMSP'
                  : 'BankOrgMSP';
        const call = w.ledger.endorse(identity(role, DEFAULT_PARTY[role], foreign), (ctx) =>
            w.party.GetParty(ctx, 'B1'),
        );
        await expect(call).rejects.toThrow(/^FORBIDDEN: role .* is not accepted from/);
    });

    it('refuses callers without a ledger role, without a party, or acting for a party of another type', async () => {
        const get: Invoke = (ctx) => w.party.GetParty(ctx, 'B1');
        await expect(w.ledger.endorse(identity(null), get)).rejects.toThrow(/^FORBIDDEN: certificate role null/);
        await expect(w.ledger.endorse(identity('vendor'), get)).rejects.toThrow(/needs the mpt.party/);
        await expect(w.ledger.endorse(identity('vendor', 'A1'), get)).rejects.toThrow(
            /is a AGENT, role vendor needs MERCHANT/,
        );
        await expect(w.ledger.endorse(identity('vendor', 'NOPE'), get)).rejects.toThrow(/is not filed/);
        await expect(w.ledger.endorse(identity('bank', 'BK1', 'Bank2OrgMSP'), get)).rejects.toThrow(
            /belongs to BankOrgMSP/,
        );
    });

    it('lets a suspended party read but do nothing new, and a revoked party nothing at all', async () => {
        await w.submit(id.operator(), (ctx) => w.party.SuspendParty(ctx, 'V2', 'investigation'));
        const register: Invoke = (ctx) =>
            w.trade.RegisterTrade(
                ctx,
                j(w.tradeInput('TS', [{ goods: 'G9', qty: 1, unitPrice: 500 }], { vendorId: 'V2' })),
            );
        await expect(w.ledger.endorse(id.vendor('V2'), register)).rejects.toThrow(
            'FORBIDDEN: caller party V2 is SUSPENDED',
        );
        await expect(w.ledger.endorse(id.vendor('V2'), (ctx) => w.party.GetParty(ctx, 'V2'))).resolves.toBeDefined();
        await w.submit(id.operator(), (ctx) => w.party.RevokeParty(ctx, 'V2', 'fraud'));
        await expect(w.ledger.endorse(id.vendor('V2'), (ctx) => w.party.GetParty(ctx, 'V2'))).rejects.toThrow(
            'FORBIDDEN: caller party V2 is REVOKED',
        );
    });
});
