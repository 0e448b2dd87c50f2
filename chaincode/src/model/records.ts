import {
    type CustomsEventType,
    type DeclarationStatus,
    type FlagRule,
    type PartyStatus,
    type PartyType,
    type PaymentChannel,
    type PaymentTerms,
    type RiskSeverity,
    type RiskStatus,
    type RiskSubject,
    type ReceiptChannel,
    type ReceiptStatus,
    type FinancingStatus,
    type TradeStatus,
    type Verdict,
} from '../vocabulary';

/**
 * Record types stored on the channel (canonical JSON under composite keys, see keys.ts; the settlement records at the end). Money is always
 * integer minor units with an ISO 4217 currency; dates are YYYY-MM-DD; times are ISO-8601 from the tx timestamp.
 */

export interface Party {
    readonly docType: 'party';
    readonly partyId: string;
    readonly type: PartyType;
    readonly legalName: string;
    readonly nameEn?: string;
    /** Unified social credit code (entities). */
    readonly uscc?: string;
    readonly countryCode: string;
    /** Buyers: nationality (ISO alpha-2) and ID document type; the number itself is private (V08). */
    readonly nationality?: string;
    readonly idType?: 'PASSPORT' | 'ID_CARD' | 'OTHER';
    /** sha256(salt:idNumber); the number and salt are in the marketPrivate collection. */
    readonly idNumberHash?: string;
    /** sha256(salt:bankAccount) for merchants that filed a settlement account. */
    readonly bankAccountHash?: string;
    readonly customsRegNo?: string;
    readonly commerceFilingNo?: string;
    readonly clusterId?: string;
    readonly stallNo?: string;
    readonly businessScope?: string;
    /** Banks: the MSP whose identities act for this bank. */
    readonly orgMspId?: string;
    readonly status: PartyStatus;
    readonly statusReason?: string;
    readonly filedBy: Signature;
    readonly updatedBy: Signature;
}

/** Private part of a party (collection marketPrivate, key = party composite key). */
export interface PartyPrivate {
    readonly docType: 'partyPrivate';
    readonly partyId: string;
    readonly salt: string;
    readonly idNumber?: string;
    readonly bankAccount?: string;
}

/**
 * The last correction of a record (amend, void, terminate, withdraw): why, and who and when (the signature's txId and
 * tx time). Earlier versions stay in the key's history; `amendments` on the record counts the corrections.
 */
export interface Correction {
    readonly reason: string;
    readonly by: Signature;
}

/** What a correctable record carries; absent on records never corrected. */
export interface Corrections {
    readonly amendments?: number;
    readonly correction?: Correction;
}

export interface Street {
    readonly streetId: string;
    readonly name: string;
    readonly stalls: string[];
}

export interface MarketCluster extends Corrections {
    readonly docType: 'cluster';
    readonly clusterId: string;
    readonly name: string;
    readonly city: string;
    readonly customsOffice: string;
    /** V12: trades dated before the platform acceptance are refused. */
    readonly acceptanceDate: string;
    readonly streets: Street[];
    readonly filedBy: Signature;
}

export interface AgencyAgreement extends Corrections {
    readonly docType: 'agreement';
    readonly agreementNo: string;
    readonly merchantId: string;
    readonly agentId: string;
    readonly validFrom: string;
    readonly validTo: string;
    readonly documentHash: string;
    /** TERMINATED: ended early by a party (the reason is in `correction`); covers no new trade or filing. */
    readonly status: 'PENDING' | 'SIGNED' | 'TERMINATED';
    readonly filedBy: Signature;
    readonly signedBy?: Signature;
}

export interface PriceRange {
    readonly currency: string;
    readonly minUnitPrice: number;
    readonly maxUnitPrice: number;
}

export interface Goods extends Corrections {
    readonly docType: 'goods';
    readonly goodsCode: string;
    readonly ownerId: string;
    readonly ownerSku?: string;
    readonly nameCn: string;
    readonly nameEn: string;
    readonly hsCode: string;
    readonly unit: string;
    readonly producerId: string;
    readonly brand?: string;
    /** V16: liable to export duty or statutory inspection, so never merged into a chapter line. */
    readonly itemiseAlways?: boolean;
    /** V11: the owner declares the goods prepackaged food (HS chapters 16–22 are prepackaged food whatever it says). */
    readonly prepackagedFood?: boolean;
    readonly priceRange: PriceRange;
    /** Absent = ACTIVE. VOID goods take no new or amended trade (V03); trades that used them keep their copy. */
    readonly status?: 'ACTIVE' | 'VOID';
    readonly filedBy: Signature;
}

export interface NegativeListEntry {
    /** 2..10 leading digits of the HS code. */
    readonly hsPrefix?: string;
    readonly goodsCode?: string;
    readonly reason: string;
}

export interface NegativeList {
    readonly docType: 'negativeList';
    readonly version: number;
    readonly validFrom: string;
    readonly entries: NegativeListEntry[];
    readonly publishedBy: Signature;
}

export interface QualifiedSupplier {
    readonly partyId: string;
    readonly remark?: string;
}

/** V11: a cluster's dated, versioned list of the producers whose prepackaged food it admits. */
export interface QualifiedSupplierList {
    readonly docType: 'qualifiedSuppliers';
    readonly clusterId: string;
    readonly version: number;
    readonly validFrom: string;
    readonly suppliers: QualifiedSupplier[];
    readonly publishedBy: Signature;
}

/**
 * Customs' conversion rates for one month (V31), one version: `rates` are USD per one unit of each currency, the
 * rate for the month's declarations and the reference for banks' dealing rates. A month may be re-published as a
 * new version; the version in force at a moment is the latest published by then, so earlier uses keep theirs.
 */
export interface ExchangeRates {
    readonly docType: 'exchangeRates';
    /** YYYY-MM. */
    readonly month: string;
    readonly version: number;
    /** One per currency, sorted by currency; never USD (1 by definition). */
    readonly rates: FxRate[];
    /** Why this version replaces the previous one (re-publication). */
    readonly reason?: string;
    readonly publishedBy: Signature;
}

export interface TradeLine {
    readonly lineId: string;
    readonly goodsCode: string;
    /** Copied from the goods registry at registration. */
    readonly hsCode: string;
    readonly nameEn: string;
    readonly unit: string;
    readonly qty: number;
    /** Minor units of the trade currency. */
    readonly unitPrice: number;
    /** qty × unitPrice, minor units. */
    readonly amount: number;
    readonly cartons?: number;
    readonly grossWeightG?: number;
}

export interface Trade {
    readonly docType: 'trade';
    readonly tradeNo: string;
    readonly vendorId: string;
    readonly agentId: string;
    readonly buyerId: string;
    readonly clusterId: string;
    readonly stallNo: string;
    readonly tradeDate: string;
    readonly currency: string;
    readonly lines: TradeLine[];
    readonly totalAmount: number;
    /** V24: the agent collects the proceeds when true, otherwise the vendor. */
    readonly agencyReceipt: boolean;
    readonly paymentTerms: PaymentTerms;
    readonly paymentChannel: PaymentChannel;
    readonly documents: string[];
    readonly remark?: string;
    readonly status: TradeStatus;
    readonly statusReason?: string;
    readonly riskFlags: string[];
    readonly consolidationOrder?: string;
    readonly packingNo?: string;
    readonly declNo?: string;
    readonly amendments: number;
    readonly registeredBy: Signature;
    readonly updatedBy: Signature;
}

export interface ConsolidationOrder extends Corrections {
    readonly docType: 'consolidation';
    readonly orderCode: string;
    readonly consolidatorId: string;
    readonly agentId: string;
    readonly destCountry: string;
    readonly site: string;
    readonly truckPlate?: string;
    readonly tradeNos: string[];
    /** VOID: the order was voided before packing; its trades went back to CONFIRMED. */
    readonly status: 'OPEN' | 'PACKED' | 'VOID';
    readonly packingNo?: string;
    readonly createdBy: Signature;
    readonly updatedBy: Signature;
}

export interface Container {
    readonly containerNo: string;
    readonly type: string;
    readonly sealNo: string;
    readonly tareKg: number;
    readonly orderCodes: string[];
}

export interface PackingList extends Corrections {
    readonly docType: 'packing';
    readonly packingNo: string;
    readonly consolidatorId: string;
    readonly brokerId: string;
    readonly agentId: string;
    readonly packDate: string;
    readonly site: string;
    readonly destCountry: string;
    readonly billOfLading?: string;
    readonly containers: Container[];
    readonly orderCodes: string[];
    readonly tradeNos: string[];
    /** Absent = PACKED. VOID: voided before declaration; its orders are OPEN and their trades CONSOLIDATED again. */
    readonly status?: 'PACKED' | 'VOID';
    readonly createdBy: Signature;
}

/** One trade line's contribution to a declaration line. */
export interface LineSource {
    readonly tradeNo: string;
    readonly lineId: string;
    readonly goodsCode: string;
    readonly hsCode: string;
    readonly qty: number;
    readonly amount: number;
    readonly currency: string;
    readonly valueUsd: number;
}

export interface DeclarationLine {
    readonly gNo: number;
    readonly hsCode: string;
    readonly name: string;
    readonly qty: number;
    readonly unit: string;
    /** USD cents. */
    readonly valueUsd: number;
    /** HS chapter (2 digits) when this line merges several kinds, else null. */
    readonly mergedChapter: string | null;
    readonly isItemised: boolean;
    readonly sources: LineSource[];
}

/** A recorded conversion rate: `rate` USD per one unit of `currency`, as a decimal string. */
export interface FxRate {
    readonly currency: string;
    readonly rate: string;
}

export interface PurchaserRemark {
    readonly buyerId: string;
    readonly name: string;
    readonly nationality: string;
    readonly idType: string;
    readonly idNumberHash: string;
}

export interface Declaration {
    readonly docType: 'declaration';
    readonly declNo: string;
    readonly packingNo: string;
    readonly consignorId: string;
    readonly brokerId: string;
    readonly customsOffice: string;
    readonly exitPort: string;
    readonly declDate: string;
    readonly destCountry: string;
    readonly tradeCountry: string;
    readonly transportMode: string;
    readonly billOfLading?: string;
    readonly tradeNos: string[];
    /** V31: the customs rates the conversion used (copied from the month's published version). */
    readonly rates: FxRate[];
    /** V31: that version of the declDate month's rates; absent when every trade is in USD. */
    readonly ratesVersion?: number;
    readonly totalValueUsd: number;
    readonly simplified: boolean;
    readonly lines: DeclarationLine[];
    readonly remarkPurchaser: PurchaserRemark;
    readonly status: DeclarationStatus;
    readonly heldFrom?: DeclarationStatus;
    readonly statusReason?: string;
    readonly releaseDate?: string;
    readonly exitDate?: string;
    readonly customsEvents: number;
    readonly filedBy: Signature;
    readonly updatedBy: Signature;
}

export interface CustomsEvent {
    readonly docType: 'customsEvent';
    readonly declNo: string;
    readonly seq: number;
    readonly type: CustomsEventType;
    readonly fromStatus: DeclarationStatus;
    readonly toStatus: DeclarationStatus;
    readonly reason?: string;
    readonly detail?: Record<string, unknown>;
    readonly by: Signature;
}

/** A customs check (CU-01..CU-08) customs recorded for a declaration: its verdict and the facts it relied on. */
export interface CustomsCheckRecord {
    readonly docType: 'customsCheck';
    readonly declNo: string;
    /** 1 for the first check recorded for this declaration, and so on. */
    readonly seq: number;
    readonly verdict: Verdict;
    readonly negativeListVersion: number | null;
    readonly checks: readonly {
        readonly id: string;
        readonly result: string;
        readonly reasons: readonly { readonly code: string; readonly severity: string }[];
    }[];
    /** The records the verdict relied on, each with the transaction that last changed it. */
    readonly reliedOn: readonly { readonly recordType: string; readonly recordId: string; readonly txId: string }[];
    readonly recordedBy: Signature;
}

export interface RiskFlag {
    readonly docType: 'risk';
    readonly flagId: string;
    readonly subjectType: RiskSubject;
    readonly subjectId: string;
    /** Fraud pattern or rule: F1..F11, Vnn. */
    readonly ruleId: string;
    readonly severity: RiskSeverity;
    readonly evidence: Record<string, unknown>;
    readonly status: RiskStatus;
    readonly raisedBy: Signature;
    readonly resolvedBy?: Signature;
    readonly resolution?: string;
}

/** What raising a risk flag takes (see store/risk-flags.ts). */
export interface RaiseInput {
    readonly subjectType: RiskSubject;
    readonly subjectId: string;
    /** F1..F11 or V01..V34 (vocabulary.ts FLAG_RULES). */
    readonly ruleId: FlagRule;
    readonly severity: RiskSeverity;
    readonly evidence: Record<string, unknown>;
}

/**
 * A person an onboarding official registered at their org's CA: what the person may act as, and who vouched for
 * it. Written before the person can enrol, so every certificate of a ledger role traces back to its onboarder.
 */
export interface Onboarding {
    readonly docType: 'onboarding';
    readonly mspId: string;
    readonly username: string;
    readonly role: string;
    readonly party: string;
    readonly onboardedBy: Signature;
}

/** Every record on the channel carries its record type, so a value read back can be checked before use. */
export interface StoredRecord {
    readonly docType: string;
}

/** Stamp written on every change: who (cert ID + MSP + role + party) and when (txId + tx timestamp). */
export interface Signature {
    readonly mspId: string;
    readonly id: string;
    readonly role: string;
    readonly party: string | null;
    readonly txId: string;
    readonly at: string;
}

/** The anchor of an off-chain document's hash. */
export interface DocumentRecord {
    readonly docType: 'document';
    readonly sha256: string;
    readonly kind: string;
    readonly registeredBy: { mspId: string; id: string; role: string; party: string | null };
    readonly registeredAt: string;
    readonly txId: string;
}

// Settlement --------------------------------------------------------------------------------------------------

export interface ReceiptAllocationEntry {
    readonly tradeNo: string;
    /** The trade line paid; absent when the allocation pays the whole trade (spread pro rata over its lines). */
    readonly lineId?: string;
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

export interface ReceiptRecord extends StoredRecord, Corrections {
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
    /** Allocations the bank voided, each with why and who; they count nowhere (see VoidAllocation). */
    readonly voidedAllocations?: readonly VoidedAllocation[];
    readonly allocatedMinor: number;
    readonly unallocatedMinor: number;
    readonly status: ReceiptStatus;
    readonly verification?: VerificationSummary;
    readonly settlementNote?: string;
    readonly flags: readonly string[];
    readonly filedBy: Signature;
    readonly updatedBy: Signature;
}

export interface VoidedAllocation extends ReceiptAllocationEntry {
    readonly voided: Correction;
}

export interface AllocationRecord extends StoredRecord, Corrections {
    readonly docType: 'allocation';
    readonly tradeNo: string;
    /** As in {@link ReceiptAllocationEntry.lineId}. */
    readonly lineId?: string;
    readonly receiptId: string;
    readonly bankMspId: string;
    readonly receiptAmountMinor: number;
    readonly receiptCurrency: string;
    readonly rate: string | null;
    readonly tradeAmountMinor: number;
    readonly tradeCurrency: string;
    readonly valueDate: string;
    readonly allocatedBy: Signature;
    /** Absent = ACTIVE. A VOID allocation counts for no trade (V25, BK-04); a new allocation of the pair replaces it. */
    readonly status?: 'ACTIVE' | 'VOID';
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

export interface ExemptionRecord extends StoredRecord, Corrections {
    readonly docType: 'exemption';
    readonly filingNo: string;
    readonly merchantId: string;
    readonly filerPartyId: string;
    readonly filerRole: 'vendor' | 'agent';
    readonly period: string;
    readonly exportMonth: string;
    readonly tradeNos: readonly string[];
    readonly declNos: readonly string[];
    /** WITHDRAWN by its filer before the tax bureau acted; its trades may be claimed again. */
    readonly status: 'FILED' | 'WITHDRAWN';
    readonly filedBy: Signature;
}

export interface ExemptionByTrade extends StoredRecord {
    readonly docType: 'exemptionByTrade';
    readonly tradeNo: string;
    readonly filingNo: string;
    /** The filing was withdrawn: the trade is no longer claimed (the key stays, so history shows the claim). */
    readonly withdrawn?: boolean;
}

/** One trade of a financing, in the trade's currency. */
export interface FinancedItem {
    readonly tradeNo: string;
    readonly amountMinor: number;
    readonly currency: string;
}

/** A bank's financing against exported trades (V33); written and read by that bank only. */
export interface FinancingRecord extends StoredRecord {
    readonly docType: 'financing';
    /** `<bankMspId>:<financingRef>`, like a receipt ID. */
    readonly financingId: string;
    readonly financingRef: string;
    readonly bankMspId: string;
    readonly bankPartyId: string;
    /** The financed party: the one the trades' income goes to (V24). */
    readonly borrowerPartyId: string;
    /** Set when the bank financed a whole declaration. */
    readonly declNo: string | null;
    readonly items: readonly FinancedItem[];
    /** sha256(salt:canonical terms); the terms (loan account, rate, contract) are in the bank's implicit collection. */
    readonly termsHash: string | null;
    readonly status: FinancingStatus;
    /** The bank's receipt whose allocations settled the financing (status SETTLED). */
    readonly settledByReceiptId?: string;
    readonly closeNote?: string;
    readonly filedBy: Signature;
    readonly updatedBy: Signature;
}

/**
 * One key per (trade, financing), owned by the financing bank: the trade's financed total across all banks is the
 * sum of these keys, read by partial-key range (phantom-read protected), so two banks can never both finance it.
 */
export interface FinancedShare extends StoredRecord {
    readonly docType: 'financedShare';
    readonly tradeNo: string;
    readonly financingId: string;
    readonly bankMspId: string;
    readonly bankPartyId: string;
    readonly amountMinor: number;
    readonly currency: string;
    readonly status: FinancingStatus;
}

/** The financing terms the bank keeps in its implicit private collection (key = financingId). */
export interface FinancingTermsPrivate extends StoredRecord {
    readonly docType: 'financingTerms';
    readonly financingId: string;
    readonly salt: string;
    readonly loanAccount?: string;
    readonly contractRef?: string;
    readonly annualRateBps?: number;
    readonly dueDate?: string;
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
