/**
 * Bank checks BK-01..BK-09 (domain.md §6) over facts already loaded from the ledger. Pure: no stub, no context.
 *
 * The contract loads the facts (payee, trades, declarations, buyers, risk flags, the other allocations of each trade
 * summarised as an amount and a count of other banks, and the payee's year-to-date receipts) and this module decides.
 * Every check always appears in the result, with the worst of its findings as its outcome and reason; the verdict is
 * FAIL if any check fails, else REFER if any check refers, else PASS.
 *
 * FAIL = the receipt must not be accepted on this trade background (a hard rule: V20, V24, V25).
 * REFER = the receipt may stand but a person at the bank must review it (prepayment before export, third-party payer,
 * open risk flags, directory threshold, data that cannot be evaluated).
 */
import {
    BANK_CHECK_REASONS,
    type BankCheckReason,
    type DeclarationStatus,
    type PartyStatus,
    type RiskSeverity,
    type RiskStatus,
    type TradeStatus,
    type Verdict,
} from '../vocabulary';
import { convertMinor, DEFAULT_TOLERANCE_BPS, summariseReceipt, toleranceCap } from './allocation';
import { type ExchangeRates, type ReceiptRecord, type Signature, type VerificationSummary } from '../model/records';
import { lineAllocationProblem, type LineCredit } from './line-allocation';
import { allocationRateProblem } from './rates';

export type CheckId = 'BK-01' | 'BK-02' | 'BK-03' | 'BK-04' | 'BK-05' | 'BK-06' | 'BK-07' | 'BK-08' | 'BK-09' | 'BK-10';

const CHECK_NAMES: Readonly<Record<CheckId, string>> = {
    'BK-01': 'PayeeFiled',
    'BK-02': 'TradeBackingExists',
    'BK-03': 'ExportEvidence',
    'BK-04': 'NoReuse',
    'BK-05': 'PayerConsistency',
    'BK-06': 'ReceivingPartyRule',
    'BK-07': 'AmountTolerance',
    'BK-08': 'VolumeThreshold',
    'BK-09': 'RiskFlags',
    'BK-10': 'FinancingUse',
};

/** V23: yearly goods-trade receipts above USD 200 000 need a SAFE directory entry (in USD cents). */
export const DIRECTORY_THRESHOLD_USD_MINOR = 20_000_000;

/** True once customs confirmed the trade's exit; `null` (no trade) is not exported. */
export function isExported(status: TradeStatus | null): boolean {
    return status === 'EXPORTED';
}

/** BK-02 by trade status: a cancelled trade backs nothing, a flagged one waits for the operator's review. */
const BACKING_BY_STATUS: Readonly<Record<TradeStatus, BankCheckReason>> = {
    FLAGGED: 'BK02_TRADE_NOT_CONFIRMED',
    CONFIRMED: 'BK02_TRADE_BACKED',
    CANCELLED: 'BK02_TRADE_CANCELLED',
    CONSOLIDATED: 'BK02_TRADE_BACKED',
    PACKED: 'BK02_TRADE_BACKED',
    DECLARED: 'BK02_TRADE_BACKED',
    RELEASED: 'BK02_TRADE_BACKED',
    EXPORTED: 'BK02_TRADE_BACKED',
};

export interface PayeeFacts {
    readonly partyId: string;
    /** null when no party record exists. */
    readonly status: PartyStatus | null;
    /** Whether the payee is in SAFE's goods-trade directory; null when unknown (treated as not listed). */
    readonly inSafeDirectory: boolean | null;
}

export interface TradeFacts {
    readonly tradeNo: string;
    /** null when no trade record exists; the other fields are then ignored. */
    readonly state: TradeStatus | null;
    readonly merchantId: string;
    readonly agentId: string | null;
    readonly buyerId: string | null;
    readonly agencyReceipt: boolean;
    readonly valueMinor: number;
    readonly currency: string;
    /** YYYY-MM-DD on which the trade was registered on the ledger. */
    readonly registeredOn: string | null;
    /** Allocations to this trade by other receipts (this receipt's own excluded), in the trade's currency. */
    readonly allocatedByOthersMinor: number;
    /** How many other receipts are allocated to the trade. */
    readonly otherReceiptCount: number;
    /** How many banks other than the checking bank have allocated to the trade: a count, never a name. */
    readonly otherBanksCount: number;
    /** OPEN financings of the trade by other banks, in the trade's currency (V33): a total, never a name. */
    readonly financedByOthersMinor: number;
    /** How many other banks hold an OPEN financing of the trade. */
    readonly otherFinancingBanksCount: number;
    /** OPEN financings of the trade by the checking bank, in the trade's currency. */
    readonly financedByThisBankMinor: number;
    /** The trade's lines (empty when no trade record exists), for over-receipt per line. */
    readonly lines: readonly { readonly lineId: string; readonly amount: number }[];
    /** The other receipts' allocations to the trade, each with the line it names, if any. */
    readonly otherLineCredits: readonly LineCredit[];
}

export interface DeclarationFacts {
    readonly declNo: string;
    readonly status: DeclarationStatus;
    readonly tradeNos: readonly string[];
    readonly releaseDate: string | null;
    readonly exitDate: string | null;
}

export interface BuyerFacts {
    readonly partyId: string;
    readonly names: readonly string[];
    readonly countryCodes: readonly string[];
}

export interface RiskFlagFacts {
    readonly flagId: string;
    readonly subjectId: string;
    readonly ruleId: string;
    readonly severity: RiskSeverity;
    readonly status: RiskStatus;
}

export interface ReceiptAllocationInput {
    readonly tradeNo: string;
    /** In the receipt's currency. */
    readonly amountMinor: number;
    /** Trade-currency units per receipt-currency unit; null when equal. */
    readonly rate: string | null;
    /** The trade line paid; absent = the whole trade. */
    readonly lineId?: string | undefined;
}

export interface PayerFacts {
    readonly name: string;
    readonly country: string;
    readonly thirdPartyReason: string | null;
}

export interface ReceiptUnderCheck {
    readonly receiptRef: string | null;
    readonly payeePartyId: string;
    readonly amountMinor: number;
    readonly currency: string;
    readonly valueDate: string;
    /** The receipt's value in USD cents at its recorded USD rate; null when unknown. */
    readonly usdEquivalentMinor: number | null;
    readonly allocations: readonly ReceiptAllocationInput[];
    /** null when payer details are not available to this check (then BK-05 refers). */
    readonly payer: PayerFacts | null;
}

export interface BankCheckFacts {
    readonly payee: PayeeFacts;
    readonly trades: readonly TradeFacts[];
    readonly declarations: readonly DeclarationFacts[];
    readonly buyers: readonly BuyerFacts[];
    readonly flags: readonly RiskFlagFacts[];
    /** The payee's receipts this calendar year before this one, in USD cents. */
    readonly payeeYtdUsdMinor: number;
    /** V31: customs' rates in force for the value-date month; undefined when customs has published none. */
    readonly customsRates: ExchangeRates | undefined;
    readonly toleranceBps?: number;
}

export type Detail = Readonly<Record<string, string | number | boolean | null>>;

export interface Finding {
    readonly subject: string;
    readonly outcome: Verdict;
    readonly reason: BankCheckReason;
    readonly detail: Detail;
}

export interface CheckResult {
    readonly id: CheckId;
    readonly name: string;
    readonly outcome: Verdict;
    readonly reason: BankCheckReason;
    readonly findings: readonly Finding[];
}

export interface TradeSettlementView {
    readonly tradeNo: string;
    readonly currency: string;
    readonly valueMinor: number;
    readonly capMinor: number;
    readonly allocatedBeforeMinor: number;
    /** What this receipt credits to the trade, in the trade's currency (null when it cannot be converted). */
    readonly thisReceiptMinor: number | null;
    readonly allocatedAfterMinor: number;
    /** Unallocated value after this receipt: max(0, value − allocated after). */
    readonly remainingMinor: number;
    readonly otherBanksCount: number;
    readonly exported: boolean;
    /** OPEN financings of the trade by every bank (V33), and how many other banks hold one. */
    readonly financedMinor: number;
    readonly otherFinancingBanksCount: number;
}

export interface BankCheckResult {
    readonly receiptRef: string | null;
    readonly verdict: Verdict;
    readonly checks: readonly CheckResult[];
    readonly trades: readonly TradeSettlementView[];
    readonly reliedOn: { readonly tradeNos: readonly string[]; readonly declNos: readonly string[] };
}

const RANK: Readonly<Record<Verdict, number>> = { PASS: 0, REFER: 1, FAIL: 2 };

export function worst(outcomes: readonly Verdict[]): Verdict {
    return outcomes.reduce<Verdict>((acc, o) => (RANK[o] > RANK[acc] ? o : acc), 'PASS');
}

function finding(subject: string, reason: BankCheckReason, detail: Detail = {}): Finding {
    return { subject, outcome: BANK_CHECK_REASONS[reason], reason, detail };
}

function check(id: CheckId, findings: readonly Finding[], whenEmpty: BankCheckReason): CheckResult {
    const all = findings.length > 0 ? findings : [finding('receipt', whenEmpty)];
    const outcome = worst(all.map((f) => f.outcome));
    const first = all.find((f) => f.outcome === outcome) ?? all[0];
    return { id, name: CHECK_NAMES[id], outcome, reason: first?.reason ?? whenEmpty, findings: all };
}

/** A trade together with the part of the receipt allocated to it. */
interface Pair {
    readonly trade: TradeFacts;
    readonly allocation: ReceiptAllocationInput;
}

function pairs(receipt: ReceiptUnderCheck, trades: readonly TradeFacts[]): Pair[] {
    const byNo = new Map(trades.map((t) => [t.tradeNo, t]));
    const out: Pair[] = [];
    for (const allocation of receipt.allocations) {
        const trade = byNo.get(allocation.tradeNo);
        if (trade?.state !== null && trade !== undefined) out.push({ trade, allocation });
    }
    return out;
}

// BK-01 ----------------------------------------------------------------------------------------------------

export function checkPayee(payee: PayeeFacts): CheckResult {
    let reason: BankCheckReason = 'BK01_PAYEE_ACTIVE';
    if (payee.status === null) reason = 'BK01_PAYEE_NOT_FILED';
    else if (payee.status !== 'ACTIVE') reason = 'BK01_PAYEE_NOT_ACTIVE';
    return check('BK-01', [finding(payee.partyId, reason, { status: payee.status })], reason);
}

// BK-02 ----------------------------------------------------------------------------------------------------

export function checkTradeBacking(receipt: ReceiptUnderCheck, trades: readonly TradeFacts[]): CheckResult {
    const byNo = new Map(trades.map((t) => [t.tradeNo, t]));
    const findings: Finding[] = [];
    for (const { tradeNo } of receipt.allocations) {
        const trade = byNo.get(tradeNo);
        if (trade?.state == null) {
            findings.push(finding(tradeNo, 'BK02_TRADE_NOT_FOUND'));
            continue;
        }
        findings.push(finding(tradeNo, BACKING_BY_STATUS[trade.state], { state: trade.state }));
        // F9 signal: money that arrived before the trade it is said to pay for was registered.
        if (trade.registeredOn !== null && receipt.valueDate < trade.registeredOn) {
            findings.push(
                finding(tradeNo, 'BK02_RECEIPT_BEFORE_TRADE', {
                    valueDate: receipt.valueDate,
                    registeredOn: trade.registeredOn,
                }),
            );
        }
    }
    return check('BK-02', findings, 'BK02_NO_TRADES');
}

// BK-03 ----------------------------------------------------------------------------------------------------

function exitEvidence(tradeNo: string, declarations: readonly DeclarationFacts[]): DeclarationFacts | undefined {
    return declarations.find((d) => d.tradeNos.includes(tradeNo) && d.exitDate !== null);
}

export function checkExportEvidence(
    receipt: ReceiptUnderCheck,
    trades: readonly TradeFacts[],
    declarations: readonly DeclarationFacts[],
): CheckResult {
    const findings = pairs(receipt, trades).map(({ trade }): Finding => {
        const evidence = exitEvidence(trade.tradeNo, declarations);
        const declNos = declarations
            .filter((d) => d.tradeNos.includes(trade.tradeNo))
            .map((d) => d.declNo)
            .join(',');
        if (!isExported(trade.state)) {
            return finding(trade.tradeNo, 'BK03_PENDING_EXPORT', { state: trade.state, declNos });
        }
        if (evidence === undefined) {
            return finding(trade.tradeNo, 'BK03_EXPORT_EVIDENCE_MISSING', { state: trade.state, declNos });
        }
        return finding(trade.tradeNo, 'BK03_EXPORTED', { declNo: evidence.declNo, exitDate: evidence.exitDate });
    });
    return check('BK-03', findings, 'BK03_NOT_EVALUATED');
}

// BK-04 and BK-07 -------------------------------------------------------------------------------------------

/** Trade-currency amount this receipt credits to the trade; null when a needed rate is missing. */
function creditedMinor(receipt: ReceiptUnderCheck, pair: Pair): number | null {
    if (receipt.currency !== pair.trade.currency && pair.allocation.rate === null) return null;
    const rate = receipt.currency === pair.trade.currency ? null : pair.allocation.rate;
    return convertMinor(pair.allocation.amountMinor, receipt.currency, pair.trade.currency, rate);
}

function reuseFinding(pair: Pair, credited: number | null, toleranceBps: number): Finding {
    const { trade } = pair;
    const cap = toleranceCap(trade.valueMinor, toleranceBps);
    const before = trade.allocatedByOthersMinor;
    const detail: Detail = {
        alreadyAllocatedMinor: before,
        remainingMinor: Math.max(0, trade.valueMinor - before),
        otherReceipts: trade.otherReceiptCount,
        otherBanks: trade.otherBanksCount,
        currency: trade.currency,
    };
    if (trade.otherReceiptCount === 0) return finding(trade.tradeNo, 'BK04_NO_PRIOR_USE', detail);
    if (credited !== null && before + credited > cap) {
        return finding(trade.tradeNo, 'BK04_AMOUNT_EXCEEDS_REMAINING', { ...detail, requestedMinor: credited });
    }
    if (before >= trade.valueMinor) return finding(trade.tradeNo, 'BK04_TRADE_FULLY_USED', detail);
    return finding(trade.tradeNo, 'BK04_WITHIN_REMAINING', detail);
}

/** Over-receipt per line (V25 per line), by the rule the filing refuses with; null when the lines take it. */
function lineFinding(pair: Pair, credited: number | null, toleranceBps: number): Finding | null {
    const { trade, allocation } = pair;
    if (credited === null) return null;
    const problem = lineAllocationProblem(
        { tradeNo: trade.tradeNo, currency: trade.currency, totalAmount: trade.valueMinor, lines: trade.lines },
        trade.otherLineCredits,
        { lineId: allocation.lineId, tradeAmountMinor: credited },
        toleranceBps,
    );
    if (problem === null) return null;
    if (problem.kind === 'NO_SUCH_LINE')
        return finding(trade.tradeNo, 'BK04_LINE_NOT_ON_TRADE', { lineId: problem.lineId });
    return finding(trade.tradeNo, 'BK04_LINE_EXCEEDS_REMAINING', {
        lineId: problem.lineId,
        lineValueMinor: problem.lineAmountMinor,
        creditedAfterMinor: problem.creditedMinor,
        currency: trade.currency,
    });
}

export function checkNoReuse(
    receipt: ReceiptUnderCheck,
    trades: readonly TradeFacts[],
    toleranceBps: number = DEFAULT_TOLERANCE_BPS,
): CheckResult {
    const findings = pairs(receipt, trades).flatMap((pair) => {
        const credited = creditedMinor(receipt, pair);
        const line = lineFinding(pair, credited, toleranceBps);
        const reuse = reuseFinding(pair, credited, toleranceBps);
        return line === null ? [reuse] : [reuse, line];
    });
    return check('BK-04', findings, 'BK04_NOT_EVALUATED');
}

function toleranceFinding(receipt: ReceiptUnderCheck, pair: Pair, toleranceBps: number): Finding {
    const { trade } = pair;
    const credited = creditedMinor(receipt, pair);
    if (credited === null) {
        return finding(trade.tradeNo, 'BK07_RATE_MISSING', { from: receipt.currency, to: trade.currency });
    }
    const cap = toleranceCap(trade.valueMinor, toleranceBps);
    const after = trade.allocatedByOthersMinor + credited;
    const deltaBps = Math.trunc(((after - trade.valueMinor) * 10_000) / trade.valueMinor);
    const detail: Detail = { creditedMinor: credited, allocatedAfterMinor: after, capMinor: cap, deltaBps };
    if (after > cap) return finding(trade.tradeNo, 'BK07_EXCEEDS_TOLERANCE', detail);
    if (after > trade.valueMinor) return finding(trade.tradeNo, 'BK07_WITHIN_TOLERANCE', detail);
    return finding(trade.tradeNo, 'BK07_WITHIN_VALUE', detail);
}

/** V31 on the allocation's dealing rate, by the rule the filing refuses with; null when there is nothing to report. */
function rateFinding(receipt: ReceiptUnderCheck, pair: Pair, customsRates: ExchangeRates | undefined): Finding | null {
    const { trade, allocation } = pair;
    const problem = allocationRateProblem(customsRates, receipt, trade, allocation.rate);
    if (problem === null) return null;
    const detail: Detail = {
        from: receipt.currency,
        to: trade.currency,
        rate: allocation.rate,
        message: problem.message,
    };
    return problem.code === 'V31_RATE_MISSING'
        ? finding(trade.tradeNo, 'BK07_RATE_NOT_PUBLISHED', detail)
        : finding(trade.tradeNo, 'BK07_RATE_OUTSIDE_TOLERANCE', detail);
}

export function checkAmountTolerance(
    receipt: ReceiptUnderCheck,
    trades: readonly TradeFacts[],
    customsRates: ExchangeRates | undefined,
    toleranceBps: number = DEFAULT_TOLERANCE_BPS,
): CheckResult {
    const findings = pairs(receipt, trades).flatMap((pair) => {
        const amount = toleranceFinding(receipt, pair, toleranceBps);
        const rate = rateFinding(receipt, pair, customsRates);
        return rate === null ? [amount] : [amount, rate];
    });
    const totals = summariseReceipt(
        receipt.amountMinor,
        receipt.allocations.map((a) => a.amountMinor),
    );
    if (totals === null) {
        findings.push(finding('receipt', 'BK07_ALLOCATIONS_EXCEED_RECEIPT', { amountMinor: receipt.amountMinor }));
    } else if (!totals.complete) {
        findings.push(
            finding('receipt', 'BK07_RECEIPT_NOT_FULLY_ALLOCATED', { unallocatedMinor: totals.unallocatedMinor }),
        );
    }
    return check('BK-07', findings, 'BK07_NOT_EVALUATED');
}

// BK-05 ----------------------------------------------------------------------------------------------------

/** Names compare case-insensitively, ignoring punctuation and repeated spaces. */
export function normaliseName(name: string): string {
    return name
        .normalize('NFKC')
        .toUpperCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
}

function payerFinding(tradeNo: string, payer: PayerFacts, buyer: BuyerFacts | undefined): Finding {
    if (buyer === undefined) return finding(tradeNo, 'BK05_BUYER_NOT_FILED');
    const nameMatches = buyer.names.some((n) => normaliseName(n) === normaliseName(payer.name));
    if (!nameMatches) {
        return payer.thirdPartyReason === null
            ? finding(tradeNo, 'BK05_PAYER_MISMATCH', { buyerId: buyer.partyId })
            : finding(tradeNo, 'BK05_THIRD_PARTY_PAYER', { buyerId: buyer.partyId });
    }
    if (!buyer.countryCodes.includes(payer.country)) {
        return finding(tradeNo, 'BK05_PAYER_COUNTRY_MISMATCH', { buyerId: buyer.partyId, payerCountry: payer.country });
    }
    return finding(tradeNo, 'BK05_PAYER_IS_BUYER', { buyerId: buyer.partyId });
}

export function checkPayer(
    receipt: ReceiptUnderCheck,
    trades: readonly TradeFacts[],
    buyers: readonly BuyerFacts[],
): CheckResult {
    const { payer } = receipt;
    if (payer === null) return check('BK-05', [finding('receipt', 'BK05_PAYER_NOT_PROVIDED')], 'BK05_NOT_EVALUATED');
    const byId = new Map(buyers.map((b) => [b.partyId, b]));
    const findings = pairs(receipt, trades).map(({ trade }) =>
        payerFinding(trade.tradeNo, payer, trade.buyerId === null ? undefined : byId.get(trade.buyerId)),
    );
    return check('BK-05', findings, 'BK05_NOT_EVALUATED');
}

// BK-06 ----------------------------------------------------------------------------------------------------

/** V24: the agent receives when the trade says `agencyReceipt`, the vendor otherwise. null when no agent is set. */
export function expectedPayee(trade: Pick<TradeFacts, 'agencyReceipt' | 'agentId' | 'merchantId'>): string | null {
    return trade.agencyReceipt ? trade.agentId : trade.merchantId;
}

function receivingFinding(payeePartyId: string, trade: TradeFacts): Finding {
    const expected = expectedPayee(trade);
    if (expected === null) return finding(trade.tradeNo, 'BK06_AGENT_MISSING');
    if (expected !== payeePartyId) {
        return finding(trade.tradeNo, 'BK06_WRONG_PAYEE', { agencyReceipt: trade.agencyReceipt });
    }
    return finding(trade.tradeNo, trade.agencyReceipt ? 'BK06_PAYEE_IS_AGENT' : 'BK06_PAYEE_IS_VENDOR');
}

export function checkReceivingParty(receipt: ReceiptUnderCheck, trades: readonly TradeFacts[]): CheckResult {
    const findings = pairs(receipt, trades).map(({ trade }) => receivingFinding(receipt.payeePartyId, trade));
    return check('BK-06', findings, 'BK06_NOT_EVALUATED');
}

// BK-08 ----------------------------------------------------------------------------------------------------

export function checkVolume(receipt: ReceiptUnderCheck, payee: PayeeFacts, ytdUsdMinor: number): CheckResult {
    const subject = receipt.payeePartyId;
    if (receipt.usdEquivalentMinor === null) {
        return check(
            'BK-08',
            [finding(subject, 'BK08_USD_EQUIVALENT_UNKNOWN', { ytdUsdMinor })],
            'BK08_BELOW_THRESHOLD',
        );
    }
    const total = ytdUsdMinor + receipt.usdEquivalentMinor;
    const detail: Detail = { ytdUsdMinor: total, thresholdUsdMinor: DIRECTORY_THRESHOLD_USD_MINOR };
    let reason: BankCheckReason = 'BK08_BELOW_THRESHOLD';
    if (payee.inSafeDirectory === true) reason = 'BK08_IN_DIRECTORY';
    else if (total > DIRECTORY_THRESHOLD_USD_MINOR) reason = 'BK08_DIRECTORY_REQUIRED';
    return check('BK-08', [finding(subject, reason, detail)], reason);
}

// BK-09 ----------------------------------------------------------------------------------------------------

export function checkRiskFlags(subjects: readonly string[], flags: readonly RiskFlagFacts[]): CheckResult {
    const relevant = new Set(subjects);
    const findings = flags
        .filter((f) => relevant.has(f.subjectId) && (f.status === 'OPEN' || f.status === 'CONFIRMED'))
        .map((f) =>
            finding(f.subjectId, f.status === 'CONFIRMED' ? 'BK09_CONFIRMED_FLAGS' : 'BK09_OPEN_FLAGS', {
                flagId: f.flagId,
                ruleId: f.ruleId,
                severity: f.severity,
            }),
        );
    return check('BK-09', findings, 'BK09_NO_FLAGS');
}

// BK-10 ----------------------------------------------------------------------------------------------------

/**
 * V33: income financed by another bank is being received here, so that bank's financing would not be repaid by it:
 * a person reviews (the other bank stays unnamed). Financed by this bank: the receipt settles its own financing.
 */
function financingFinding(trade: TradeFacts): Finding {
    const detail: Detail = {
        financedByOthersMinor: trade.financedByOthersMinor,
        otherFinancingBanks: trade.otherFinancingBanksCount,
        financedByThisBankMinor: trade.financedByThisBankMinor,
        currency: trade.currency,
    };
    if (trade.financedByOthersMinor > 0) return finding(trade.tradeNo, 'BK10_FINANCED_BY_OTHER_BANK', detail);
    if (trade.financedByThisBankMinor > 0) return finding(trade.tradeNo, 'BK10_FINANCED_BY_THIS_BANK', detail);
    return finding(trade.tradeNo, 'BK10_NOT_FINANCED', detail);
}

export function checkFinancing(receipt: ReceiptUnderCheck, trades: readonly TradeFacts[]): CheckResult {
    const findings = pairs(receipt, trades).map(({ trade }) => financingFinding(trade));
    return check('BK-10', findings, 'BK10_NOT_EVALUATED');
}

// All checks -----------------------------------------------------------------------------------------------

function settlementViews(
    receipt: ReceiptUnderCheck,
    facts: BankCheckFacts,
    toleranceBps: number,
): TradeSettlementView[] {
    return pairs(receipt, facts.trades).map((pair): TradeSettlementView => {
        const { trade } = pair;
        const credited = creditedMinor(receipt, pair);
        const after = trade.allocatedByOthersMinor + (credited ?? 0);
        return {
            tradeNo: trade.tradeNo,
            currency: trade.currency,
            valueMinor: trade.valueMinor,
            capMinor: toleranceCap(trade.valueMinor, toleranceBps),
            allocatedBeforeMinor: trade.allocatedByOthersMinor,
            thisReceiptMinor: credited,
            allocatedAfterMinor: after,
            remainingMinor: Math.max(0, trade.valueMinor - after),
            otherBanksCount: trade.otherBanksCount,
            exported: isExported(trade.state),
            financedMinor: trade.financedByOthersMinor + trade.financedByThisBankMinor,
            otherFinancingBanksCount: trade.otherFinancingBanksCount,
        };
    });
}

function reliedOn(receipt: ReceiptUnderCheck, facts: BankCheckFacts): BankCheckResult['reliedOn'] {
    const tradeNos = pairs(receipt, facts.trades).map((p) => p.trade.tradeNo);
    const declNos = facts.declarations.filter((d) => d.tradeNos.some((t) => tradeNos.includes(t))).map((d) => d.declNo);
    return { tradeNos: [...new Set(tradeNos)].sort(), declNos: [...new Set(declNos)].sort() };
}

/** Runs BK-01..BK-10 and combines them into a verdict. */
export function runBankCheck(receipt: ReceiptUnderCheck, facts: BankCheckFacts): BankCheckResult {
    const toleranceBps = facts.toleranceBps ?? DEFAULT_TOLERANCE_BPS;
    const relied = reliedOn(receipt, facts);
    const subjects = [receipt.payeePartyId, ...relied.tradeNos, ...relied.declNos];
    if (receipt.receiptRef !== null) subjects.push(receipt.receiptRef);
    const checks = [
        checkPayee(facts.payee),
        checkTradeBacking(receipt, facts.trades),
        checkExportEvidence(receipt, facts.trades, facts.declarations),
        checkNoReuse(receipt, facts.trades, toleranceBps),
        checkPayer(receipt, facts.trades, facts.buyers),
        checkReceivingParty(receipt, facts.trades),
        checkAmountTolerance(receipt, facts.trades, facts.customsRates, toleranceBps),
        checkVolume(receipt, facts.payee, facts.payeeYtdUsdMinor),
        checkRiskFlags(subjects, facts.flags),
        checkFinancing(receipt, facts.trades),
    ];
    return {
        receiptRef: receipt.receiptRef,
        verdict: worst(checks.map((c) => c.outcome)),
        checks,
        trades: settlementViews(receipt, facts, toleranceBps),
        reliedOn: relied,
    };
}

// From records -----------------------------------------------------------------------------------------------

/** A filed receipt as the checks take it. */
export function receiptUnderCheck(receipt: ReceiptRecord, payer: PayerFacts | null): ReceiptUnderCheck {
    return {
        receiptRef: receipt.receiptId,
        payeePartyId: receipt.payeePartyId,
        amountMinor: receipt.amountMinor,
        currency: receipt.currency,
        valueDate: receipt.valueDate,
        usdEquivalentMinor: receipt.usdEquivalentMinor,
        allocations: receipt.allocations.map((a) => ({
            tradeNo: a.tradeNo,
            amountMinor: a.amountMinor,
            rate: a.rate,
            lineId: a.lineId,
        })),
        payer,
    };
}

/** The payer details BK-05 compares with the buyer; null when none were given. */
export function payerFacts(
    payer: { name: string; country: string; thirdPartyReason?: string } | null,
): PayerFacts | null {
    return payer === null
        ? null
        : { name: payer.name, country: payer.country, thirdPartyReason: payer.thirdPartyReason ?? null };
}

/** The outcome kept on the receipt: verdict and per-check reasons, without the facts a second bank must not see. */
export function verificationSummary(result: BankCheckResult, by: Signature): VerificationSummary {
    return {
        verdict: result.verdict,
        checks: result.checks.map((c) => ({ id: c.id, outcome: c.outcome, reason: c.reason })),
        tradeNos: result.reliedOn.tradeNos,
        declNos: result.reliedOn.declNos,
        by,
    };
}
