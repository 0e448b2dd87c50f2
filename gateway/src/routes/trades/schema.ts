import { z } from 'zod';
import { Currency, HistoryEntry, Id, IsoDate, LedgerReceipt, PageQuery, Sha256, Signature, Text } from '../common';
import {
    PAYMENT_CHANNELS,
    PAYMENT_TERMS,
    TRADE_FINANCING_STATUSES,
    TRADE_STATUSES,
} from '../../../../chaincode/src/vocabulary';

export const TradeLine = z.strictObject({
    lineId: Id,
    goodsCode: Id,
    qty: z.number().int().min(1).max(100_000_000),
    unitPrice: z.number().int().min(1).max(10_000_000_000).describe('minor units of the trade currency'),
    amount: z.number().int().min(1).describe('qty × unitPrice, minor units'),
    cartons: z.number().int().min(0).max(1_000_000).optional(),
    grossWeightG: z.number().int().min(0).optional(),
});
const Lines = z.array(TradeLine).min(1).max(200);
const Documents = z.array(Sha256).max(20).describe('hashes of registered documents (order, receipt photos)');

export const TradeBody = z.strictObject({
    tradeNo: Id,
    vendorId: Id,
    agentId: Id,
    buyerId: Id,
    tradeDate: IsoDate,
    currency: Currency,
    agencyReceipt: z.boolean().describe('V24: the agent collects the proceeds when true'),
    paymentTerms: z.enum(PAYMENT_TERMS),
    paymentChannel: z.enum(PAYMENT_CHANNELS),
    lines: Lines,
    documents: Documents,
    remark: Text.optional(),
});

export const MAX_BULK = 500;
export const BulkTradesBody = z.strictObject({
    trades: z
        .array(TradeBody)
        .min(1)
        .max(MAX_BULK)
        .describe('rows in the shape of POST /v1/trades; one malformed row refuses the whole request (400)'),
});
export const BulkRowResult = z.looseObject({
    index: z.number().int(),
    ok: z.boolean(),
    tradeNo: z.string().nullable().describe('null when the row has no string tradeNo'),
    code: z.string().optional(),
    message: z.string().optional(),
});
export const BulkResult = z.looseObject({
    results: z.array(BulkRowResult),
    registered: z.number().int(),
    failed: z.number().int(),
});
/** What `POST /v1/trades/bulk` answers: the rows of every transaction the request was split into, in request order. */
export const BulkRegistration = BulkResult.extend({
    transactions: z
        .array(
            LedgerReceipt.extend({
                firstIndex: z.number().int().describe('index of the first row this transaction registered'),
                rows: z.number().int().describe('how many consecutive rows, from firstIndex, it carried'),
            }),
        )
        .describe('the transactions that carried the rows, in row order (one per 50 rows)'),
});

export const TradeParams = z.strictObject({ tradeNo: Id });
export const AmendBody = z.strictObject({
    amendment: z
        .strictObject({
            lines: Lines.optional(),
            documents: Documents.optional(),
            remark: Text.optional(),
            paymentTerms: z.enum(PAYMENT_TERMS).optional(),
            agencyReceipt: z.boolean().optional(),
        })
        .refine((a) => Object.keys(a).length > 0, 'amend at least one field'),
    reason: Text,
});

/**
 * Filters `GET /v1/trades` no longer takes, with the work list that serves them from the read model (same rows for the
 * same caller): the ledger stopped writing the index keys behind them. A request that sends one is told where to go,
 * rather than listed by another filter.
 */
const MOVED_TRADE_FILTERS: ReadonlyMap<PropertyKey, string> = new Map([
    ['buyerId', 'GET /v1/worklists/trades?party=<buyerId>'],
    ['tradeDate', 'GET /v1/worklists/trades?dateFrom=<tradeDate>&dateTo=<tradeDate>'],
]);

/** Names the replacement of each moved filter among unknown query keys; undefined (zod's own message) when none. */
function movedFilterMessage(keys: readonly PropertyKey[]): string | undefined {
    if (!keys.some((key) => MOVED_TRADE_FILTERS.has(key))) return undefined;
    return keys
        .map((key) => {
            const use = MOVED_TRADE_FILTERS.get(key);
            return use === undefined
                ? `unrecognized key ${JSON.stringify(String(key))}`
                : `${String(key)} is no longer a filter of GET /v1/trades: use ${use} / ` +
                      `GET /v1/trades 不再按 ${String(key)} 筛选：请改用 ${use}`;
        })
        .join('; ');
}

export const TradeListQuery = z
    .strictObject(
        { ...PageQuery.shape, vendorId: Id.optional(), agentId: Id.optional() },
        { error: (issue) => (issue.code === 'unrecognized_keys' ? movedFilterMessage(issue.keys) : undefined) },
    )
    .refine(
        (q) => [q.vendorId, q.agentId].filter((v) => v !== undefined).length === 1,
        'filter by exactly one of vendorId, agentId',
    );

/** A trade as the chaincode stores it (chaincode/src/lib/records.ts Trade). */
export const TradeRecord = z
    .looseObject({
        docType: z.literal('trade'),
        tradeNo: z.string(),
        vendorId: z.string(),
        agentId: z.string(),
        buyerId: z.string(),
        clusterId: z.string(),
        stallNo: z.string(),
        tradeDate: z.string(),
        currency: z.string(),
        lines: z.array(
            z.looseObject({
                lineId: z.string(),
                goodsCode: z.string(),
                hsCode: z.string().describe('copied from the goods registry at registration'),
                nameEn: z.string(),
                unit: z.string(),
                qty: z.number().int(),
                unitPrice: z.number().int().describe('minor units of the trade currency'),
                amount: z.number().int().describe('qty × unitPrice, minor units'),
                cartons: z.number().int().optional(),
                grossWeightG: z.number().int().optional(),
            }),
        ),
        totalAmount: z.number().int(),
        agencyReceipt: z.boolean(),
        paymentTerms: z.enum(PAYMENT_TERMS),
        paymentChannel: z.enum(PAYMENT_CHANNELS),
        documents: z.array(z.string()),
        remark: z.string().optional(),
        status: z.enum(TRADE_STATUSES),
        statusReason: z.string().optional(),
        riskFlags: z.array(z.string()).describe('IDs of the risk flags raised on the trade'),
        consolidationOrder: z.string().optional(),
        packingNo: z.string().optional(),
        declNo: z.string().optional(),
        amendments: z.number().int(),
        registeredBy: Signature,
        updatedBy: Signature,
    })
    .meta({ id: 'Trade' });

export const TradeHistory = z.looseObject({ tradeNo: z.string(), history: z.array(HistoryEntry) });

/** Receipts allocated to a trade (ReceiptContract.GetTradeSettlement); a bank also sees its own share. */
export const TradeSettlement = z.looseObject({
    tradeNo: z.string(),
    valueMinor: z.number().int(),
    currency: z.string(),
    allocatedMinor: z.number().int(),
    allocationCount: z.number().int(),
    capMinor: z.number().int(),
    remainingMinor: z.number().int(),
    headroomMinor: z.number().int(),
    deltaBps: z.number().int(),
    exported: z.boolean(),
    settlementStatus: z.enum(['UNSETTLED', 'PARTIALLY_SETTLED', 'SETTLED']),
    bankCount: z.number().int(),
    ownAllocatedMinor: z.number().int().optional().describe('bank callers only'),
    otherBanksCount: z.number().int().optional().describe('bank callers only'),
    financingStatus: z
        .enum(TRADE_FINANCING_STATUSES)
        .describe('FINANCED while any bank holds an open financing of the trade (V33)'),
    financedMinor: z.number().int().describe('open financings of every bank, in the trade currency'),
    financingCount: z.number().int(),
    financingBanksCount: z.number().int().describe('a count, never which banks (V34)'),
    ownFinancedMinor: z.number().int().optional().describe('bank callers only: its own open financings'),
});
