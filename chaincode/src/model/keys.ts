import type { Context } from 'fabric-contract-api';
import type { RecordType } from '../vocabulary';

/**
 * The key catalogue. Every record type (vocabulary's RecordType, plus the settlement and document types below) is its
 * own composite-key object type; every lookup a transaction or list makes has an index object type whose attributes
 * end with the record ID, so a partial-key scan with pagination lists it. No `getStateByRange('', '')`, no counters.
 * Object types are data on existing ledgers: never rename one.
 */

/** Index object types; the attribute list documents what each one is keyed by (last attribute = record ID). */
export const IndexType = {
    partyByType: 'idx~party~type', // [type, partyId]
    agreementByPair: 'idx~agreement~pair', // [merchantId, agentId, agreementNo]
    tradeByVendor: 'idx~trade~vendor', // [vendorId, tradeDate, tradeNo]
    tradeByAgent: 'idx~trade~agent', // [agentId, tradeDate, tradeNo]
    // [goodsCode]: some trade used the goods, written once a transaction (older ledgers also hold [goodsCode, tradeNo])
    tradeByGoods: 'idx~trade~goods',
    declarationByDate: 'idx~decl~date', // [declDate, declNo]
    declarationByConsignor: 'idx~decl~consignor', // [consignorId, declDate, declNo]
    declarationByBuyer: 'idx~decl~buyer', // [buyerId, declDate, declNo]
    riskBySubject: 'idx~risk~subject', // [subjectType, subjectId, ruleId, flagId]
} as const;
export type IndexType = (typeof IndexType)[keyof typeof IndexType];

/** Index keys hold a one-byte value: Fabric treats an empty value as a delete. */
export const INDEX_VALUE = Uint8Array.from([0x01]);

export function indexKey(ctx: Context, index: IndexType, attributes: readonly string[]): string {
    return ctx.stub.createCompositeKey(index, [...attributes]);
}

/** Record and index object types of the settlement side (receipts, allocations, VAT-exemption filings). */
export const SettlementType = {
    /** [bankMspId, receiptRef] → ReceiptRecord. */
    receipt: 'receipt',
    /** [tradeNo, bankMspId, receiptRef] → AllocationRecord: one key per (trade, receipt), summed by range. */
    allocation: 'allocation',
    /** [payeePartyId, year, bankMspId, receiptRef] → ReceiptByPayee (carries the USD equivalent for BK-08). */
    receiptByPayee: 'idx~receipt~payee',
    /**
     * [payeePartyId, bankMspId, year, receiptRef] → ReceiptByPayee: a bank lists a payee's receipts within its own
     * range, so no bookmark or count of the scan ever names another bank's receipt.
     */
    receiptByPayeeBank: 'idx~receipt~payeebank',
    /** [bankMspId, financingRef] → FinancingRecord (V33). */
    financing: 'financing',
    /** [tradeNo, bankMspId, financingRef] → FinancedShare: one key per (trade, financing), summed by range. */
    financedShare: 'financedShare',
    /**
     * [partyId, bankMspId, bankPartyId] → index byte: a bank's receipt or financing relies on the party (V34), so the
     * bank may read it. Written blind (no read), so concurrent receipts of one bank never conflict on it.
     */
    partySeenByBank: 'idx~party~bank',
    /** [filingNo] → ExemptionRecord. */
    exemption: 'exemption',
    /** [tradeNo] → ExemptionByTrade: existence means the trade is exempted (V29, once per trade). */
    exemptionByTrade: 'idx~exemption~trade',
    /** [merchantId, period, filingNo] → index byte. */
    exemptionByMerchant: 'idx~exemption~merchant',
} as const;

/** Anchored document hashes: [sha256] → DocumentRecord. */
const DOCUMENT = 'document';

/** Private index of identity documents (collection marketPrivate only): which buyers share one document (F11). */
const ID_DOCUMENT_INDEX = 'idDocument';

export function receiptKey(ctx: Context, bankMspId: string, receiptRef: string): string {
    return ctx.stub.createCompositeKey(SettlementType.receipt, [bankMspId, receiptRef]);
}

export function allocationKey(ctx: Context, tradeNo: string, bankMspId: string, receiptRef: string): string {
    return ctx.stub.createCompositeKey(SettlementType.allocation, [tradeNo, bankMspId, receiptRef]);
}

export function receiptByPayeeKey(
    ctx: Context,
    payeePartyId: string,
    year: string,
    bankMspId: string,
    receiptRef: string,
): string {
    return ctx.stub.createCompositeKey(SettlementType.receiptByPayee, [payeePartyId, year, bankMspId, receiptRef]);
}

export function receiptByPayeeBankKey(
    ctx: Context,
    payeePartyId: string,
    bankMspId: string,
    year: string,
    receiptRef: string,
): string {
    return ctx.stub.createCompositeKey(SettlementType.receiptByPayeeBank, [payeePartyId, bankMspId, year, receiptRef]);
}

export function financingKey(ctx: Context, bankMspId: string, financingRef: string): string {
    return ctx.stub.createCompositeKey(SettlementType.financing, [bankMspId, financingRef]);
}

export function financedShareKey(ctx: Context, tradeNo: string, bankMspId: string, financingRef: string): string {
    return ctx.stub.createCompositeKey(SettlementType.financedShare, [tradeNo, bankMspId, financingRef]);
}

export function partySeenByBankKey(ctx: Context, partyId: string, bankMspId: string, bankPartyId: string): string {
    return ctx.stub.createCompositeKey(SettlementType.partySeenByBank, [partyId, bankMspId, bankPartyId]);
}

export function exemptionKey(ctx: Context, filingNo: string): string {
    return ctx.stub.createCompositeKey(SettlementType.exemption, [filingNo]);
}

export function exemptionByTradeKey(ctx: Context, tradeNo: string): string {
    return ctx.stub.createCompositeKey(SettlementType.exemptionByTrade, [tradeNo]);
}

export function exemptionByMerchantKey(ctx: Context, merchantId: string, period: string, filingNo: string): string {
    return ctx.stub.createCompositeKey(SettlementType.exemptionByMerchant, [merchantId, period, filingNo]);
}

export function documentKey(ctx: Context, sha256: string): string {
    return ctx.stub.createCompositeKey(DOCUMENT, [sha256]);
}

export function idDocumentKey(ctx: Context, digest: string): string {
    return ctx.stub.createCompositeKey(ID_DOCUMENT_INDEX, [digest]);
}

export function recordKey(ctx: Context, type: RecordType, ...ids: string[]): string {
    return ctx.stub.createCompositeKey(type, ids);
}

export function orderKey(ctx: Context, orderCode: string): string {
    return recordKey(ctx, 'consolidation', orderCode);
}

export function declarationKey(ctx: Context, declNo: string): string {
    return recordKey(ctx, 'declaration', declNo);
}

/**
 * A versioned list's version as a record ID attribute (negative list, qualified suppliers, rates): 6 digits, so
 * versions sort in key order.
 */
export function versionId(version: number): string {
    return String(version).padStart(6, '0');
}

/** A cluster's qualified supplier list (V11) of one version; versions sort as 6 digits, as the negative list's. */
export function qualifiedSuppliersKey(ctx: Context, clusterId: string, version: number): string {
    return recordKey(ctx, 'qualifiedSuppliers', clusterId, versionId(version));
}

/** Collection names; the definitions (members, policies) are in chaincode/collections_config.json. */
export const Collection = {
    /** Buyer identity documents, vendor bank accounts: MarketOrg + CustomsOrg. */
    marketPrivate: 'marketPrivate',
} as const;
export type Collection = (typeof Collection)[keyof typeof Collection];

/** Name of a bank's implicit private data collection (exists for every org, needs no configuration). */
export function implicitCollection(mspId: string): string {
    return `_implicit_org_${mspId}`;
}
