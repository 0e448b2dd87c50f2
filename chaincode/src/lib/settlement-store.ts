import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { invalid } from './errors';
import { INDEX_VALUE, IndexType, recordKey, scanAll } from './keys';
import type { RiskFlag } from './records';
import { getRecord, putRecord, type Signature, type StoredRecord } from './store';
import { type ReceiptChannel, type ReceiptStatus, type Verdict, RecordType, type RiskSubject } from '../vocabulary';

/**
 * Keys and records of the settlement side (receipts, allocations, VAT-exemption filings). Kept apart from keys.ts so
 * the two halves of the chaincode can grow independently; the conventions are the same (record types, index types
 * whose last attributes identify the record, no counters, no running totals).
 */
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
    /** [filingNo] → ExemptionRecord. */
    exemption: 'exemption',
    /** [tradeNo] → ExemptionByTrade: existence means the trade is exempted (V29, once per trade). */
    exemptionByTrade: 'idx~exemption~trade',
    /** [merchantId, period, filingNo] → index byte. */
    exemptionByMerchant: 'idx~exemption~merchant',
} as const;

export interface ReceiptAllocationEntry {
    readonly tradeNo: string;
    /** In the receipt's currency. */
    readonly amountMinor: number;
    readonly rate: string | null;
    /** Credited to the trade, in the trade's currency (converted at `rate`, rounded up). */
    readonly tradeAmountMinor: number;
    readonly tradeCurrency: string;
    readonly allocatedAt: string;
}

/** The outcome of a recorded bank check, without the details a second bank must not see. */
export interface VerificationSummary {
    readonly verdict: Verdict;
    readonly checks: readonly { readonly id: string; readonly outcome: string; readonly reason: string }[];
    readonly tradeNos: readonly string[];
    readonly declNos: readonly string[];
    readonly by: Signature;
}

export interface ReceiptRecord extends StoredRecord {
    readonly docType: 'receipt';
    /** `<bankMspId>:<receiptRef>`: the bank's own reference, unique per bank. */
    readonly receiptId: string;
    readonly receiptRef: string;
    readonly bankMspId: string;
    readonly bankPartyId: string;
    readonly payeePartyId: string;
    readonly amountMinor: number;
    readonly currency: string;
    readonly valueDate: string;
    readonly channel: ReceiptChannel;
    readonly declaredPurpose?: string;
    /** USD per one unit of the receipt currency, recorded when the currency is not USD. */
    readonly usdRate: string | null;
    readonly usdEquivalentMinor: number | null;
    /** sha256(salt:canonical payer details); the details are in the bank's implicit private collection. */
    readonly payerHash: string | null;
    readonly allocations: readonly ReceiptAllocationEntry[];
    readonly allocatedMinor: number;
    readonly unallocatedMinor: number;
    readonly status: ReceiptStatus;
    readonly verification?: VerificationSummary;
    readonly settlementNote?: string;
    readonly flags: readonly string[];
    readonly filedBy: Signature;
    readonly updatedBy: Signature;
}

export interface AllocationRecord extends StoredRecord {
    readonly docType: 'allocation';
    readonly tradeNo: string;
    readonly receiptId: string;
    readonly bankMspId: string;
    readonly receiptAmountMinor: number;
    readonly receiptCurrency: string;
    readonly rate: string | null;
    readonly tradeAmountMinor: number;
    readonly tradeCurrency: string;
    readonly valueDate: string;
    readonly allocatedBy: Signature;
}

export interface ReceiptByPayee extends StoredRecord {
    readonly docType: 'receiptByPayee';
    readonly receiptId: string;
    readonly usdEquivalentMinor: number | null;
}

export interface PayerPrivate extends StoredRecord {
    readonly docType: 'receiptPayer';
    readonly receiptId: string;
    readonly salt: string;
    readonly name: string;
    readonly country: string;
    readonly bank?: string;
    readonly account?: string;
    readonly thirdPartyReason?: string;
}

export interface ExemptionRecord extends StoredRecord {
    readonly docType: 'exemption';
    readonly filingNo: string;
    readonly merchantId: string;
    readonly filerPartyId: string;
    readonly filerRole: 'vendor' | 'agent';
    readonly period: string;
    readonly exportMonth: string;
    readonly tradeNos: readonly string[];
    readonly declNos: readonly string[];
    readonly status: 'FILED';
    readonly filedBy: Signature;
}

export interface ExemptionByTrade extends StoredRecord {
    readonly docType: 'exemptionByTrade';
    readonly tradeNo: string;
    readonly filingNo: string;
}

export function receiptIdOf(bankMspId: string, receiptRef: string): string {
    return `${bankMspId}:${receiptRef}`;
}

/** Splits `<bankMspId>:<receiptRef>`; null when malformed. */
export function splitReceiptId(receiptId: string): { bankMspId: string; receiptRef: string } | null {
    const match = /^(Bank[A-Za-z0-9]*MSP):([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/.exec(receiptId);
    if (match === null) return null;
    return { bankMspId: match[1] ?? '', receiptRef: match[2] ?? '' };
}

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

export function exemptionKey(ctx: Context, filingNo: string): string {
    return ctx.stub.createCompositeKey(SettlementType.exemption, [filingNo]);
}

export function exemptionByTradeKey(ctx: Context, tradeNo: string): string {
    return ctx.stub.createCompositeKey(SettlementType.exemptionByTrade, [tradeNo]);
}

export async function putExemptionByMerchant(
    ctx: Context,
    merchantId: string,
    period: string,
    filingNo: string,
): Promise<void> {
    await ctx.stub.putState(
        ctx.stub.createCompositeKey(SettlementType.exemptionByMerchant, [merchantId, period, filingNo]),
        INDEX_VALUE,
    );
}

/** Name of a bank's implicit private data collection (exists for every org, needs no configuration). */
export function implicitCollection(mspId: string): string {
    return `_implicit_org_${mspId}`;
}

/**
 * Writes a record that only the given org's peer may change from now on: the key gets a state-based endorsement
 * policy "a PEER of `mspId`". The first write of a new key is still validated by the chaincode-level policy.
 */
export async function putOwnedRecord(ctx: Context, key: string, record: StoredRecord, mspId: string): Promise<void> {
    await putRecord(ctx, key, record);
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', mspId);
    await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}

/** Every allocation of a trade (one key per receipt; bounded by the receipts of one trade). */
export async function allocationsOfTrade(ctx: Context, tradeNo: string): Promise<AllocationRecord[]> {
    const entries = await scanAll(ctx, SettlementType.allocation, [tradeNo]);
    return entries.map((entry) => {
        const value = JSON.parse(Buffer.from(entry.value).toString('utf8')) as { docType?: unknown };
        if (value.docType !== 'allocation')
            throw invalid(`stored value under ${JSON.stringify(entry.key)} is not an allocation`);
        return value as AllocationRecord;
    });
}

/** The payee's receipts in a calendar year, in USD cents; receipts without a USD equivalent are counted apart. */
export async function payeeYearToDate(
    ctx: Context,
    payeePartyId: string,
    year: string,
    excludeReceiptId: string | null,
): Promise<{ usdMinor: number; unknown: number }> {
    const entries = await scanAll(ctx, SettlementType.receiptByPayee, [payeePartyId, year]);
    let usdMinor = 0;
    let unknown = 0;
    for (const entry of entries) {
        const value = JSON.parse(Buffer.from(entry.value).toString('utf8')) as ReceiptByPayee;
        if (value.receiptId === excludeReceiptId) continue;
        if (value.usdEquivalentMinor === null) unknown += 1;
        else usdMinor += value.usdEquivalentMinor;
    }
    return { usdMinor, unknown };
}

/** Every flag (any status) on one subject, through the risk module's subject index. */
export async function flagsOfSubject(ctx: Context, subjectType: RiskSubject, subjectId: string): Promise<RiskFlag[]> {
    const entries = await scanAll(ctx, IndexType.riskBySubject, [subjectType, subjectId]);
    const flags: RiskFlag[] = [];
    for (const entry of entries) {
        const flagId = entry.attributes[entry.attributes.length - 1];
        if (flagId === undefined) continue;
        const flag = await getRecord<RiskFlag>(ctx, recordKey(ctx, RecordType.risk, flagId), 'risk');
        if (flag !== undefined) flags.push(flag);
    }
    return flags;
}
