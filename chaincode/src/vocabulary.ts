/**
 * The ledger's words: roles, record kinds, statuses, reason codes, transaction names and events with their payloads.
 * This module imports nothing, so the chaincode, the gateway and the read side can all share it without pulling in
 * Fabric or each other.
 */

// Roles ---------------------------------------------------------------------------------------------------------

export const ROLES = ['operator', 'vendor', 'agent', 'consolidator', 'broker', 'customs', 'bank', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The two organisations every network has; banks join as `Bank…MSP`. */
export const MARKET_MSP = 'MarketOrgMSP';
export const CUSTOMS_MSP = 'CustomsOrgMSP';

// Record kinds ----------------------------------------------------------------------------------------------------

/** The kinds of record on the channel; each is also the object type of its composite key. */
export const RecordType = {
    party: 'party',
    cluster: 'cluster',
    agreement: 'agreement',
    goods: 'goods',
    negativeList: 'negativeList',
    /** A cluster's qualified supplier list for prepackaged food (V11): [clusterId, version]. */
    qualifiedSuppliers: 'qualifiedSuppliers',
    trade: 'trade',
    consolidation: 'consolidation',
    packing: 'packing',
    declaration: 'declaration',
    customsEvent: 'customsEvent',
    risk: 'risk',
    /** The customs check customs recorded for a declaration (one key per declaration; its history is every check). */
    customsCheck: 'customsCheck',
    /** Who onboarded whom: [mspId, username]. */
    onboarding: 'onboarding',
    /** Customs' conversion rates to USD of one month, one version: [month, version]. */
    exchangeRates: 'exchangeRates',
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

// Statuses and codes ----------------------------------------------------------------------------------------------

export const PARTY_TYPES = ['MERCHANT', 'AGENT', 'BUYER', 'PRODUCER', 'CONSOLIDATOR', 'BROKER', 'BANK'] as const;
export type PartyType = (typeof PARTY_TYPES)[number];
export const PARTY_STATUSES = ['SUBMITTED', 'VERIFIED', 'ACTIVE', 'SUSPENDED', 'REVOKED'] as const;
export type PartyStatus = (typeof PARTY_STATUSES)[number];

/** Every status a transaction sets on a trade; how much of it is paid is computed, never stored. */
export const TRADE_STATUSES = [
    'FLAGGED',
    'CONFIRMED',
    'CANCELLED',
    'CONSOLIDATED',
    'PACKED',
    'DECLARED',
    'RELEASED',
    'EXPORTED',
] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];
/** V01: one declaration carries at most USD 150,000 (inclusive), in cents. */
export const VALUE_CAP_USD_CENTS = 15_000_000;

export const PAYMENT_TERMS = ['PREPAID', 'ON_DELIVERY', 'DEFERRED'] as const;
export type PaymentTerms = (typeof PAYMENT_TERMS)[number];
export const PAYMENT_CHANNELS = ['BANK', 'CIPS', 'PAYMENT_INSTITUTION', 'CASH'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

export const DECLARATION_STATUSES = [
    'SUBMITTED',
    'ACCEPTED',
    'INSPECTION_ORDERED',
    'INSPECTED',
    'RELEASED',
    'EXITED',
    'RETURNED',
    'WITHDRAWN',
    'ON_HOLD',
] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

export const CUSTOMS_EVENT_TYPES = [
    'ACCEPTED',
    'INSPECTION_ORDERED',
    'INSPECTED',
    'RELEASED',
    'EXITED',
    'RETURNED',
    'AMENDED',
    'WITHDRAWN',
    'HELD',
    'HOLD_LIFTED',
] as const;
export type CustomsEventType = (typeof CUSTOMS_EVENT_TYPES)[number];

export const RISK_STATUSES = ['OPEN', 'CLEARED', 'CONFIRMED'] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];
export const RISK_SUBJECTS = ['party', 'trade', 'declaration', 'receipt'] as const;
export type RiskSubject = (typeof RISK_SUBJECTS)[number];
export const RISK_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type RiskSeverity = (typeof RISK_SEVERITIES)[number];
/** The fraud patterns of domain.md §7; the rules raise F2, F3, F4, F9 and F11 themselves, the others are raised by hand. */
export const FRAUD_PATTERNS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11'] as const;
/** The validation rules of domain.md §5 (docs/rules.md), V01..V34. */
export const DOMAIN_RULES = Array.from({ length: 34 }, (_, i) => `V${String(i + 1).padStart(2, '0')}` as const);
/** What a risk flag names as its reason: a fraud pattern, or (raised by hand) a domain rule. */
export const FLAG_RULES = [...FRAUD_PATTERNS, ...DOMAIN_RULES] as const;
export type FlagRule = (typeof FLAG_RULES)[number];

export const RECEIPT_STATUSES = ['RECEIVED', 'PENDING_EXPORT', 'ALLOCATED', 'VERIFIED', 'SETTLED', 'CREDITED'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];
export const RECEIPT_CHANNELS = ['SWIFT', 'CIPS', 'PAYMENT_INSTITUTION'] as const;
export type ReceiptChannel = (typeof RECEIPT_CHANNELS)[number];

/** A bank's financing against exported trades (V33): OPEN until repaid, or settled by the financed income. */
export const FINANCING_STATUSES = ['OPEN', 'REPAID', 'SETTLED'] as const;
export type FinancingStatus = (typeof FINANCING_STATUSES)[number];
/**
 * A trade's financing usage, derived from the financings of every bank (never stored on the trade, which is
 * MarketOrg's and customs' record): FINANCED while any financing of it is OPEN.
 */
export const TRADE_FINANCING_STATUSES = ['NOT_FINANCED', 'FINANCED', 'FINANCING_CLOSED'] as const;
export type TradeFinancingStatus = (typeof TRADE_FINANCING_STATUSES)[number];

/** The outcome of one check, and the verdict over several (the worst outcome). */
export type Verdict = 'PASS' | 'REFER' | 'FAIL';

/** Bank-check reasons (BK-01..BK-10), each with its fixed outcome: the table in docs/settlement.md is this object. */
export const BANK_CHECK_REASONS = {
    BK01_PAYEE_ACTIVE: 'PASS',
    BK01_PAYEE_NOT_FILED: 'FAIL',
    BK01_PAYEE_NOT_ACTIVE: 'FAIL',
    BK02_TRADE_BACKED: 'PASS',
    BK02_NO_TRADES: 'FAIL',
    BK02_TRADE_NOT_FOUND: 'FAIL',
    BK02_TRADE_CANCELLED: 'FAIL',
    BK02_TRADE_NOT_CONFIRMED: 'REFER',
    BK02_RECEIPT_BEFORE_TRADE: 'REFER',
    BK03_EXPORTED: 'PASS',
    BK03_PENDING_EXPORT: 'REFER',
    BK03_EXPORT_EVIDENCE_MISSING: 'REFER',
    BK03_NOT_EVALUATED: 'REFER',
    BK04_NO_PRIOR_USE: 'PASS',
    BK04_WITHIN_REMAINING: 'PASS',
    BK04_TRADE_FULLY_USED: 'REFER',
    BK04_AMOUNT_EXCEEDS_REMAINING: 'FAIL',
    BK04_LINE_EXCEEDS_REMAINING: 'FAIL',
    BK04_LINE_NOT_ON_TRADE: 'FAIL',
    BK04_NOT_EVALUATED: 'REFER',
    BK05_PAYER_IS_BUYER: 'PASS',
    BK05_PAYER_COUNTRY_MISMATCH: 'REFER',
    BK05_THIRD_PARTY_PAYER: 'REFER',
    BK05_PAYER_NOT_PROVIDED: 'REFER',
    BK05_BUYER_NOT_FILED: 'REFER',
    BK05_PAYER_MISMATCH: 'FAIL',
    BK05_NOT_EVALUATED: 'REFER',
    BK06_PAYEE_IS_AGENT: 'PASS',
    BK06_PAYEE_IS_VENDOR: 'PASS',
    BK06_AGENT_MISSING: 'FAIL',
    BK06_WRONG_PAYEE: 'FAIL',
    BK06_NOT_EVALUATED: 'REFER',
    BK07_WITHIN_VALUE: 'PASS',
    BK07_WITHIN_TOLERANCE: 'PASS',
    BK07_RECEIPT_NOT_FULLY_ALLOCATED: 'REFER',
    BK07_RATE_MISSING: 'FAIL',
    BK07_EXCEEDS_TOLERANCE: 'FAIL',
    BK07_RATE_OUTSIDE_TOLERANCE: 'FAIL',
    BK07_RATE_NOT_PUBLISHED: 'REFER',
    BK07_ALLOCATIONS_EXCEED_RECEIPT: 'FAIL',
    BK07_NOT_EVALUATED: 'REFER',
    BK08_BELOW_THRESHOLD: 'PASS',
    BK08_IN_DIRECTORY: 'PASS',
    BK08_DIRECTORY_REQUIRED: 'REFER',
    BK08_USD_EQUIVALENT_UNKNOWN: 'REFER',
    BK09_NO_FLAGS: 'PASS',
    BK09_OPEN_FLAGS: 'REFER',
    BK09_CONFIRMED_FLAGS: 'FAIL',
    BK10_NOT_FINANCED: 'PASS',
    BK10_FINANCED_BY_THIS_BANK: 'PASS',
    BK10_FINANCED_BY_OTHER_BANK: 'REFER',
    BK10_NOT_EVALUATED: 'REFER',
} as const satisfies Record<string, Verdict>;
export type BankCheckReason = keyof typeof BANK_CHECK_REASONS;

/** CU-09 ExemptionGuard reasons, each with what it means. */
export const EXEMPTION_REASONS = {
    CU09_OK: 'exported, right period, not exempted before',
    CU09_TRADE_NOT_FOUND: 'no such trade',
    CU09_NOT_MERCHANT_TRADE: 'the trade belongs to another vendor',
    CU09_NOT_EXPORTED: 'the trade is not EXPORTED (V29; premature claim F10)',
    CU09_NO_EXIT_DATE: 'no declaration of the trade records an exit date (V29)',
    CU09_ALREADY_EXEMPTED: 'the trade is already claimed in another filing (V29; double claim F10)',
    CU09_WRONG_PERIOD: 'the period is not the month after the export month (V28)',
    CU09_PERIOD_NOT_OPEN: 'the filing is made before its period starts (V28; premature claim F10)',
    CU09_PERIOD_CLOSED: 'the filing is made after its period ended (V28)',
} as const;
export type ExemptionReason = keyof typeof EXEMPTION_REASONS;

/**
 * V11 refusals: the error code is `RULE_V11_<reason>` (docs/rules.md). Prepackaged food goes through mode 1039 only in
 * a cluster whose qualified supplier list is in force on the trade (or declaration) date, and only from a producer on it.
 */
export const PREPACKAGED_FOOD_REASONS = {
    V11_NO_QUALIFIED_LIST: 'the cluster has no qualified supplier list in force: it does not admit prepackaged food',
    V11_SUPPLIER_NOT_QUALIFIED: 'the producer of the prepackaged food is not on the cluster’s qualified supplier list',
} as const;
export type PrepackagedFoodReason = keyof typeof PREPACKAGED_FOOD_REASONS;

/** Over-receipt of one trade line (V25 per line): the error code is `RULE_V25_<reason>`. */
export const LINE_ALLOCATION_REASONS = {
    V25_LINE_OVER_RECEIPT: 'the allocations credited to one trade line would pass its value plus the V25 tolerance',
} as const;
export type LineAllocationReason = keyof typeof LINE_ALLOCATION_REASONS;

/** Three-way reconciliation (trade line ↔ declaration line ↔ receipts): each mismatch a line may show. */
export const RECONCILIATION_REASONS = {
    RC_EXPORTED_UNPAID: 'the line left the country more than 90 days ago and is paid less than its value less 5 %',
    RC_PAID_OVER_DECLARED: 'the line is paid more than its declared value (USD, at the declaration’s rate) plus 5 %',
    RC_DECLARED_NOT_TRADED: 'the declaration line names a trade line that does not exist or has another amount',
    RC_TRADED_NOT_DECLARED: 'the trade is declared but this line is on no line of its declaration',
    RC_PAID_NOT_EXPORTED: 'the line is paid but has not left the country 90 days after the first payment',
} as const;
export type ReconciliationReason = keyof typeof RECONCILIATION_REASONS;

/** V31 refusals: the code a transaction fails with (`RULE_V31_…:`), each with what it means. */
export const RATE_RULE_CODES = {
    RULE_V31_RATE_MISSING: 'customs has published no rate for that month and currency',
    RULE_V31_RATE_OUTSIDE_TOLERANCE:
        "the bank's dealing rate is more than the V31 tolerance away from the customs rate",
} as const;
export type RateRuleCode = keyof typeof RATE_RULE_CODES;

/**
 * Why an amendment, void or withdrawal is refused: each is the error code of the refusal (HTTP 409), so a caller can
 * tell what to do next. docs/rules.md "Corrections" is this table.
 */
export const CORRECTION_REFUSALS = {
    AMEND_AFTER_USE: 'trades use the goods: their HS code and unit stay as the trades copied them',
    AMEND_AFTER_PACKING: 'the consolidation order is packed: void the packing list first',
    AMEND_AFTER_DECLARATION: 'a declaration references the record: it can no longer change',
    VOID_AFTER_SETTLEMENT: 'the receipt is settled or credited: its allocations can no longer change',
    EXTENSION_NEEDS_AGREEMENT: 'an agency agreement is extended by filing and signing a new one',
    ALREADY_VOID: 'the record is void, terminated or withdrawn: nothing changes it any more',
} as const;
export type CorrectionRefusal = keyof typeof CORRECTION_REFUSALS;

// Transactions ----------------------------------------------------------------------------------------------------

/** Every transaction, by contract. A transaction is called as `<Contract>.<Transaction>`. */
export const TRANSACTIONS = {
    ConsolidationContract: [
        'AmendConsolidationOrder',
        'AmendPackingList',
        'CreateConsolidationOrder',
        'GetConsolidationOrder',
        'GetPackingList',
        'RecordPackingList',
        'VoidConsolidationOrder',
        'VoidPackingList',
    ],
    CustomsContract: [
        'AcceptDeclaration',
        'AmendDeclaration',
        'CheckDeclaration',
        'ConfirmExit',
        'GetCustomsCheck',
        'GetCustomsEvents',
        'HoldDeclaration',
        'LiftHold',
        'OrderInspection',
        'RecordCustomsCheck',
        'RecordInspectionResult',
        'ReleaseDeclaration',
        'ReturnDeclaration',
        'TraceDeclarationLine',
        'WithdrawDeclaration',
    ],
    DeclarationContract: ['FileDeclaration', 'GetDeclaration', 'ListDeclarationsByDate', 'PreviewDeclaration'],
    DocumentContract: ['GetDocument', 'GetDocumentHistory', 'RegisterDocument'],
    FinancingContract: ['CloseFinancing', 'FinanceTrades', 'GetFinancing', 'ListFinancingsByTrade'],
    ExemptionContract: [
        'CheckExemption',
        'ExemptionGuard',
        'FileExemption',
        'GetExemption',
        'GetExemptionByTrade',
        'GetExemptionHistory',
        'ListExemptionsByMerchant',
        'WithdrawExemption',
    ],
    GoodsContract: [
        'AmendGoods',
        'GetGoods',
        'GetNegativeList',
        'GetQualifiedSuppliers',
        'PublishNegativeList',
        'PublishQualifiedSuppliers',
        'RegisterGoods',
        'VoidGoods',
    ],
    HistoryContract: ['GetHistory'],
    IdentityContract: ['RecordOnboarding'],
    PartyContract: [
        'ActivateParty',
        'AmendAgencyAgreement',
        'AmendCluster',
        'FileAgencyAgreement',
        'GetAgencyAgreement',
        'GetCluster',
        'GetParty',
        'GetPartyPrivate',
        'ListPartiesByType',
        'RegisterCluster',
        'RegisterParty',
        'ReinstateParty',
        'RevokeParty',
        'SignAgencyAgreement',
        'SuspendParty',
        'TerminateAgencyAgreement',
        'VerifyParty',
    ],
    RatesContract: ['GetRates', 'PublishRates'],
    ReceiptContract: [
        'AllocateReceipt',
        'CheckReceipt',
        'FileReceipt',
        'GetReceipt',
        'GetReceiptHistory',
        'GetReceiptPayer',
        'GetTradeSettlement',
        'ListReceiptsByPayee',
        'ListReceiptsByTrade',
        'SettleReceipt',
        'VerifyReceipt',
        'VoidAllocation',
    ],
    ReconciliationContract: ['ReconcileDeclaration', 'ReconcileTrade'],
    RiskContract: ['ClearFlag', 'ConfirmFlag', 'GetFlag', 'ListFlagsBySubject', 'RaiseFlag'],
    TradeContract: [
        'AmendTrade',
        'CancelTrade',
        'GetTrade',
        'GetTradeHistory',
        'ListTradesByAgent',
        'ListTradesByVendor',
        'RegisterTrade',
        'RegisterTrades',
        'ResolveTradeFlag',
    ],
} as const;
export type ContractName = keyof typeof TRANSACTIONS;
export type TransactionOf<C extends ContractName> = (typeof TRANSACTIONS)[C][number];
export type TransactionName = { [C in ContractName]: `${C}.${TransactionOf<C>}` }[ContractName];

// Events ----------------------------------------------------------------------------------------------------------

interface PartyTransitioned {
    readonly partyId: string;
    readonly from: PartyStatus;
    readonly to: PartyStatus;
}

/** What every amendment, void, termination or withdrawal tells: which version it made and why. */
interface Corrected {
    readonly amendments: number;
    readonly reason: string;
}

interface RiskFlagResolved {
    readonly flagId: string;
    readonly status: RiskStatus;
}

/** Every chaincode event by name, with the payload its transaction sets (each write emits exactly one). */
export interface EventPayloads {
    readonly ClusterRegistered: { readonly clusterId: string; readonly stalls: number };
    readonly PartyRegistered: {
        readonly partyId: string;
        readonly type: PartyType;
        readonly riskFlags: readonly string[];
    };
    readonly PartyVerified: PartyTransitioned;
    readonly PartyActivated: PartyTransitioned;
    readonly PartySuspended: PartyTransitioned;
    readonly PartyReinstated: PartyTransitioned;
    readonly PartyRevoked: PartyTransitioned;
    readonly AgencyAgreementFiled: {
        readonly agreementNo: string;
        readonly merchantId: string;
        readonly agentId: string;
    };
    readonly AgencyAgreementSigned: { readonly agreementNo: string };
    readonly DocumentRegistered: { readonly sha256: string; readonly kind: string };
    readonly GoodsRegistered: { readonly goodsCode: string; readonly ownerId: string; readonly hsCode: string };
    /** `entries` is how many entries the list has. */
    readonly NegativeListPublished: { readonly version: number; readonly validFrom: string; readonly entries: number };
    /** `suppliers` is how many producers the list admits. */
    readonly QualifiedSuppliersPublished: {
        readonly clusterId: string;
        readonly version: number;
        readonly validFrom: string;
        readonly suppliers: number;
    };
    /** `currencies`: the currencies the version gives a rate for. */
    readonly RatesPublished: {
        readonly month: string;
        readonly version: number;
        readonly currencies: readonly string[];
    };
    readonly OnboardingRecorded: { readonly mspId: string; readonly username: string; readonly role: string };
    readonly TradeRegistered: {
        readonly tradeNo: string;
        readonly status: TradeStatus;
        readonly riskFlags: readonly string[];
    };
    readonly TradesRegistered: { readonly registered: readonly string[]; readonly failed: number };
    readonly TradeAmended: {
        readonly tradeNo: string;
        readonly status: TradeStatus;
        readonly amendments: number;
        readonly reason: string;
    };
    readonly TradeCancelled: { readonly tradeNo: string; readonly reason: string };
    readonly TradeFlagResolved: { readonly tradeNo: string };
    readonly ConsolidationOrderCreated: { readonly orderCode: string; readonly tradeNos: readonly string[] };
    readonly PackingListRecorded: {
        readonly packingNo: string;
        readonly containers: readonly string[];
        readonly tradeNos: readonly string[];
    };
    readonly DeclarationFiled: {
        readonly declNo: string;
        readonly tradeNos: readonly string[];
        readonly totalValueUsd: number;
        readonly riskFlags: readonly string[];
    };
    readonly CustomsEventRecorded: {
        readonly declNo: string;
        readonly seq: number;
        readonly type: CustomsEventType;
        readonly from: DeclarationStatus;
        readonly to: DeclarationStatus;
        readonly tradeNos: readonly string[];
    };
    /** `checks` is how many customs checks this declaration has had recorded, this one included. */
    readonly CustomsCheckRecorded: { readonly declNo: string; readonly verdict: Verdict; readonly checks: number };
    readonly RiskFlagRaised: {
        readonly flagId: string;
        readonly subjectType: RiskSubject;
        readonly subjectId: string;
        readonly ruleId: string;
    };
    readonly RiskFlagCleared: RiskFlagResolved;
    readonly RiskFlagConfirmed: RiskFlagResolved;
    readonly ReceiptFiled: {
        readonly receiptId: string;
        readonly payeePartyId: string;
        readonly status: ReceiptStatus;
        readonly tradeNos: readonly string[];
        readonly flags: readonly string[];
    };
    readonly ReceiptAllocated: {
        readonly receiptId: string;
        readonly status: ReceiptStatus;
        readonly tradeNos: readonly string[];
        readonly flags: readonly string[];
    };
    readonly ReceiptVerified: { readonly receiptId: string; readonly verdict: Verdict; readonly status: ReceiptStatus };
    readonly ReceiptSettled: { readonly receiptId: string; readonly status: ReceiptStatus };
    readonly TradesFinanced: {
        readonly financingId: string;
        readonly status: FinancingStatus;
        readonly tradeNos: readonly string[];
    };
    readonly FinancingClosed: {
        readonly financingId: string;
        readonly status: FinancingStatus;
        readonly tradeNos: readonly string[];
    };
    readonly ExemptionFiled: {
        readonly filingNo: string;
        readonly merchantId: string;
        readonly period: string;
        readonly tradeNos: readonly string[];
    };
    readonly GoodsAmended: Corrected & { readonly goodsCode: string; readonly fields: readonly string[] };
    readonly GoodsVoided: Corrected & { readonly goodsCode: string };
    readonly ClusterAmended: Corrected & { readonly clusterId: string; readonly stalls: number };
    readonly AgencyAgreementAmended: Corrected & { readonly agreementNo: string; readonly validTo: string };
    readonly AgencyAgreementTerminated: Corrected & { readonly agreementNo: string };
    readonly ConsolidationOrderAmended: Corrected & {
        readonly orderCode: string;
        readonly tradeNos: readonly string[];
        /** Trades taken out of the order: CONFIRMED again, free to be consolidated. */
        readonly released: readonly string[];
    };
    readonly ConsolidationOrderVoided: Corrected & { readonly orderCode: string; readonly released: readonly string[] };
    readonly PackingListAmended: Corrected & { readonly packingNo: string; readonly fields: readonly string[] };
    /** `reopened`: the orders OPEN again; their trades CONSOLIDATED again. */
    readonly PackingListVoided: Corrected & { readonly packingNo: string; readonly reopened: readonly string[] };
    readonly AllocationVoided: Corrected & {
        readonly receiptId: string;
        readonly tradeNo: string;
        readonly status: ReceiptStatus;
        readonly unallocatedMinor: number;
    };
    readonly ExemptionWithdrawn: Corrected & { readonly filingNo: string; readonly tradeNos: readonly string[] };
}
export type EventName = keyof EventPayloads;

/** Every event name at run time (webhook subscription filters); the check below keeps it equal to EventPayloads. */
export const EVENT_NAMES = [
    'ClusterRegistered',
    'PartyRegistered',
    'PartyVerified',
    'PartyActivated',
    'PartySuspended',
    'PartyReinstated',
    'PartyRevoked',
    'AgencyAgreementFiled',
    'AgencyAgreementSigned',
    'DocumentRegistered',
    'GoodsRegistered',
    'NegativeListPublished',
    'QualifiedSuppliersPublished',
    'RatesPublished',
    'OnboardingRecorded',
    'TradeRegistered',
    'TradesRegistered',
    'TradeAmended',
    'TradeCancelled',
    'TradeFlagResolved',
    'ConsolidationOrderCreated',
    'PackingListRecorded',
    'DeclarationFiled',
    'CustomsEventRecorded',
    'CustomsCheckRecorded',
    'RiskFlagRaised',
    'RiskFlagCleared',
    'RiskFlagConfirmed',
    'ReceiptFiled',
    'ReceiptAllocated',
    'ReceiptVerified',
    'ReceiptSettled',
    'TradesFinanced',
    'FinancingClosed',
    'ExemptionFiled',
    'GoodsAmended',
    'GoodsVoided',
    'ClusterAmended',
    'AgencyAgreementAmended',
    'AgencyAgreementTerminated',
    'ConsolidationOrderAmended',
    'ConsolidationOrderVoided',
    'PackingListAmended',
    'PackingListVoided',
    'AllocationVoided',
    'ExemptionWithdrawn',
] as const satisfies readonly EventName[];
/** Does not compile while an event of EventPayloads is missing from EVENT_NAMES. */
export const EVENT_NAMES_COMPLETE: [Exclude<EventName, (typeof EVENT_NAMES)[number]>] extends [never] ? true : false =
    true;

/** What the chaincode adds to every payload: the transaction and its timestamp (ISO-8601). */
export interface EventStamp {
    readonly txId: string;
    readonly at: string;
}
