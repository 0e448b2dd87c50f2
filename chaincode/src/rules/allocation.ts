/**
 * Allocation of foreign-exchange receipts to trades (domain rule V25). Pure functions: no stub, no context.
 *
 * - Σ allocations of a trade ≤ trade value × (1 + tolerance); the default tolerance is 5 % (500 basis points).
 * - Σ allocations of a receipt ≤ receipt amount while it is being allocated, and = receipt amount once complete.
 * - An allocation is recorded in the receipt's currency (what the receipt gives up) and in the trade's currency
 *   (what the trade is credited). When the currencies differ an explicit rate is required and recorded.
 *
 * Integer arithmetic only: amounts are safe integers in ISO 4217 minor units; every product and quotient is computed
 * with BigInt. Rounding, chosen so that a trade can never be under-charged and the cap never over-stated:
 * - a converted amount is rounded UP (ceiling) to the trade currency's minor unit, so splitting one receipt into many
 *   small allocations can never credit a trade with less than the exact value that was spent on it;
 * - the tolerance cap value × (10 000 + bps) / 10 000 is rounded DOWN (floor).
 */
import { invalid } from '../lib/errors';

export const DEFAULT_TOLERANCE_BPS = 500;
const BPS = 10_000n;

/** ISO 4217 currencies whose minor unit is not 1/100 (all others have two decimals). */
const MINOR_UNIT_EXPONENTS: Readonly<Record<string, number>> = {
    BIF: 0,
    CLP: 0,
    DJF: 0,
    GNF: 0,
    ISK: 0,
    JPY: 0,
    KMF: 0,
    KRW: 0,
    PYG: 0,
    RWF: 0,
    UGX: 0,
    UYI: 0,
    VND: 0,
    VUV: 0,
    XAF: 0,
    XOF: 0,
    XPF: 0,
    BHD: 3,
    IQD: 3,
    JOD: 3,
    KWD: 3,
    LYD: 3,
    OMR: 3,
    TND: 3,
};

const CURRENCY = /^[A-Z]{3}$/;
/** Units of the target currency per one unit of the source currency (major units), as a plain decimal. */
const RATE = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/;

export interface Money {
    readonly amountMinor: number;
    readonly currency: string;
}

/** A decimal rate as an exact fraction. */
export interface Rate {
    readonly text: string;
    readonly numerator: bigint;
    readonly denominator: bigint;
}

export function minorUnitExponent(currency: string): number {
    assertCurrency(currency);
    return MINOR_UNIT_EXPONENTS[currency] ?? 2;
}

export function assertCurrency(currency: string): void {
    if (!CURRENCY.test(currency)) {
        throw invalid(`currency must be an ISO 4217 code of three capital letters, got ${JSON.stringify(currency)}`);
    }
}

/** A positive amount in minor units that JSON and JavaScript numbers carry exactly. */
export function assertAmount(amountMinor: number, what: string): void {
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
        throw invalid(`${what} must be a positive safe integer in minor units`);
    }
}

export function parseRate(text: string): Rate {
    const match = RATE.exec(text);
    if (match === null) {
        throw invalid(
            `rate must be a positive decimal such as "7.1234" (at most 12 decimals), got ${JSON.stringify(text)}`,
        );
    }
    const fraction = (match[2] ?? '').slice(1);
    const numerator = BigInt((match[1] ?? '0') + fraction);
    if (numerator === 0n) {
        throw invalid('rate must be greater than zero');
    }
    return { text, numerator, denominator: 10n ** BigInt(fraction.length) };
}

function ceilDiv(a: bigint, b: bigint): bigint {
    return (a + b - 1n) / b;
}

function toSafeNumber(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw invalid(`${what} exceeds the largest amount the ledger can carry`);
    }
    return Number(value);
}

/**
 * Converts an amount between currencies at an explicit rate (target major units per source major unit), rounding up
 * to the target's minor unit. Without a rate the currencies must be equal and the amount is returned unchanged.
 */
export function convertMinor(amountMinor: number, from: string, to: string, rate: string | null): number {
    assertAmount(amountMinor, 'amount');
    const fromExp = minorUnitExponent(from);
    const toExp = minorUnitExponent(to);
    if (from === to) {
        if (rate !== null) {
            throw invalid(`no rate may be given between equal currencies (${from})`);
        }
        return amountMinor;
    }
    if (rate === null) {
        throw invalid(`a rate is required to convert ${from} into ${to}`);
    }
    const parsed = parseRate(rate);
    // target minor = amount × rate × 10^toExp / 10^fromExp
    const numerator = BigInt(amountMinor) * parsed.numerator * 10n ** BigInt(toExp);
    const denominator = parsed.denominator * 10n ** BigInt(fromExp);
    return toSafeNumber(ceilDiv(numerator, denominator), 'converted amount');
}

/** Largest total that may be allocated to a trade: value × (10 000 + bps) / 10 000, rounded down. */
export function toleranceCap(valueMinor: number, toleranceBps: number = DEFAULT_TOLERANCE_BPS): number {
    assertAmount(valueMinor, 'trade value');
    if (!Number.isSafeInteger(toleranceBps) || toleranceBps < 0 || toleranceBps > 10_000) {
        throw invalid('tolerance must be an integer number of basis points between 0 and 10000');
    }
    return toSafeNumber((BigInt(valueMinor) * (BPS + BigInt(toleranceBps))) / BPS, 'tolerance cap');
}

/** What a trade has received so far, in the trade's currency. */
export interface TradeAllocationSummary {
    readonly valueMinor: number;
    readonly currency: string;
    readonly allocatedMinor: number;
    readonly allocationCount: number;
    readonly capMinor: number;
    /** value − allocated, never below zero: what the trade can still legitimately receive. */
    readonly remainingMinor: number;
    /** cap − allocated, never below zero: the most any further allocation may add (V25). */
    readonly headroomMinor: number;
    /** Signed (allocated − value) × 10 000 / value, truncated toward zero. */
    readonly deltaBps: number;
}

export function summariseTrade(
    trade: Money,
    allocatedMinors: readonly number[],
    toleranceBps: number = DEFAULT_TOLERANCE_BPS,
): TradeAllocationSummary {
    assertCurrency(trade.currency);
    const capMinor = toleranceCap(trade.amountMinor, toleranceBps);
    let total = 0n;
    for (const amount of allocatedMinors) {
        assertAmount(amount, 'existing allocation');
        total += BigInt(amount);
    }
    const allocatedMinor = toSafeNumber(total, 'allocated total');
    const value = BigInt(trade.amountMinor);
    return {
        valueMinor: trade.amountMinor,
        currency: trade.currency,
        allocatedMinor,
        allocationCount: allocatedMinors.length,
        capMinor,
        remainingMinor: Math.max(0, trade.amountMinor - allocatedMinor),
        headroomMinor: Math.max(0, capMinor - allocatedMinor),
        deltaBps: Number(((total - value) * BPS) / value),
    };
}

export interface AllocationProposal {
    /** Amount taken from the receipt, in the receipt's currency. */
    readonly amountMinor: number;
    readonly currency: string;
    /** Trade-currency major units per receipt-currency major unit; null when the currencies are equal. */
    readonly rate: string | null;
}

export type AllocationDecision =
    | {
          readonly accepted: true;
          /** Amount credited to the trade, in the trade's currency (converted, rounded up). */
          readonly tradeAmountMinor: number;
          readonly before: TradeAllocationSummary;
          readonly after: TradeAllocationSummary;
          /** The trade has now received more than its value (but no more than the tolerance allows). */
          readonly overValue: boolean;
      }
    | {
          readonly accepted: false;
          readonly rule: 'V25';
          readonly tradeAmountMinor: number;
          readonly before: TradeAllocationSummary;
          readonly message: string;
      };

/**
 * Decides whether a proposed allocation fits a trade: accepted when the trade's total after it stays within the
 * tolerance cap (V25), rejected otherwise. Malformed input (bad amounts, a missing or superfluous rate) throws INVALID.
 */
export function evaluateAllocation(
    trade: Money,
    existingMinors: readonly number[],
    proposal: AllocationProposal,
    toleranceBps: number = DEFAULT_TOLERANCE_BPS,
): AllocationDecision {
    const before = summariseTrade(trade, existingMinors, toleranceBps);
    const tradeAmountMinor = convertMinor(proposal.amountMinor, proposal.currency, trade.currency, proposal.rate);
    if (tradeAmountMinor > before.headroomMinor) {
        return {
            accepted: false,
            rule: 'V25',
            tradeAmountMinor,
            before,
            message:
                `allocation of ${tradeAmountMinor} ${trade.currency} minor units exceeds the ${before.headroomMinor} ` +
                `still allowed (value ${trade.amountMinor}, cap ${before.capMinor}, already allocated ${before.allocatedMinor})`,
        };
    }
    const after = summariseTrade(trade, [...existingMinors, tradeAmountMinor], toleranceBps);
    return { accepted: true, tradeAmountMinor, before, after, overValue: after.allocatedMinor > trade.amountMinor };
}

/** How much of a receipt has been allocated, in the receipt's currency. */
export interface ReceiptAllocationSummary {
    readonly amountMinor: number;
    readonly allocatedMinor: number;
    readonly unallocatedMinor: number;
    /** Σ allocations = receipt amount (V25): the receipt is fully backed by trades. */
    readonly complete: boolean;
}

/** Σ allocations of a receipt may never exceed its amount (V25); returns null in that case. */
export function summariseReceipt(
    amountMinor: number,
    allocationMinors: readonly number[],
): ReceiptAllocationSummary | null {
    assertAmount(amountMinor, 'receipt amount');
    let total = 0n;
    for (const amount of allocationMinors) {
        assertAmount(amount, 'allocation amount');
        total += BigInt(amount);
    }
    if (total > BigInt(amountMinor)) {
        return null;
    }
    const allocatedMinor = Number(total);
    return {
        amountMinor,
        allocatedMinor,
        unallocatedMinor: amountMinor - allocatedMinor,
        complete: allocatedMinor === amountMinor,
    };
}

export type TradeSettlementStatus = 'UNSETTLED' | 'PARTIALLY_SETTLED' | 'SETTLED';

/**
 * Settlement status of a trade, derived from its allocations (never stored on the trade, so banks never contend on
 * the trade key): SETTLED once exported and allocated ≥ value × (1 − tolerance), rounded up; UNSETTLED with nothing
 * allocated; PARTIALLY_SETTLED otherwise (including a fully paid trade that has not been exported yet).
 */
export function tradeSettlementStatus(
    summary: TradeAllocationSummary,
    exported: boolean,
    toleranceBps: number = DEFAULT_TOLERANCE_BPS,
): TradeSettlementStatus {
    if (summary.allocatedMinor === 0) return 'UNSETTLED';
    const floorMinor = ceilDiv(BigInt(summary.valueMinor) * (BPS - BigInt(toleranceBps)), BPS);
    return exported && BigInt(summary.allocatedMinor) >= floorMinor ? 'SETTLED' : 'PARTIALLY_SETTLED';
}

export type AllocationStatus = 'RECEIVED' | 'PENDING_EXPORT' | 'ALLOCATED';

/**
 * Status of a receipt from its allocations: RECEIVED while part of it is unallocated; once Σ allocations = amount
 * (V25) PENDING_EXPORT until every trade it pays has been exported, then ALLOCATED.
 */
export function receiptAllocationStatus(
    summary: ReceiptAllocationSummary,
    allTradesExported: boolean,
): AllocationStatus {
    if (!summary.complete) return 'RECEIVED';
    return allTradesExported ? 'ALLOCATED' : 'PENDING_EXPORT';
}

/** USD cents at the recorded rate; USD receipts need no rate, other currencies without one stay unknown. */
export function usdEquivalent(amountMinor: number, currency: string, usdRate: string | undefined): number | null {
    if (currency === 'USD') {
        if (usdRate !== undefined) throw invalid('usdRate must be omitted for a USD receipt');
        return amountMinor;
    }
    return usdRate === undefined ? null : convertMinor(amountMinor, currency, 'USD', usdRate);
}
