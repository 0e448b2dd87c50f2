/**
 * V31: conversion rates are the ledger's, not the declarant's. Customs publishes, per month, the rate to USD of each
 * currency (USD per one unit); declarations convert at the version in force, and a bank's own dealing rate may differ
 * from the customs rate by at most {@link RATE_TOLERANCE_BPS}. Pure: the contract loads the month's versions.
 */
import { ChaincodeError, ruleViolation } from '../lib/errors';
import type { ExchangeRates, FxRate } from '../model/records';
import { parseRate, type Rate } from './allocation';

/** V31 tolerance: a bank's dealing rate may differ from the customs rate by at most 5 % (500 basis points), inclusive. */
export const RATE_TOLERANCE_BPS = 500;
const BPS = 10_000n;

/** The month (YYYY-MM) whose customs rates apply on a date (YYYY-MM-DD). */
export function monthOf(date: string): string {
    return date.slice(0, 7);
}

/**
 * The version in force at `at` (ISO-8601): the highest version published at or before it. A use keeps the version
 * it was made under, so a later re-publication never changes what an earlier declaration was measured at.
 */
export function ratesInForce(versions: readonly ExchangeRates[], at: string): ExchangeRates | undefined {
    let best: ExchangeRates | undefined;
    for (const version of versions) {
        if (version.publishedBy.at > at) continue;
        if (best === undefined || version.version > best.version) best = version;
    }
    return best;
}

function rateMissingMessage(month: string, currency: string, table: ExchangeRates | undefined): string {
    const published =
        table === undefined
            ? 'customs has published no rates for that month'
            : `version ${table.version} of ${month} has ${table.rates.map((r) => r.currency).join(', ') || 'no currency'}`;
    return `no customs rate for ${currency} in ${month} (${published})`;
}

function rateMissing(month: string, currency: string, table: ExchangeRates | undefined): ChaincodeError {
    return ruleViolation('V31_RATE_MISSING', rateMissingMessage(month, currency, table));
}

/** USD per one unit of `currency` as customs published it for `month`; USD is 1. `RULE_V31_RATE_MISSING:` if none. */
export function customsRate(table: ExchangeRates | undefined, month: string, currency: string): Rate {
    if (currency === 'USD') return parseRate('1');
    const published = table?.rates.find((r) => r.currency === currency);
    if (published === undefined) throw rateMissing(month, currency, table);
    return parseRate(published.rate);
}

/** The rates a declaration converts at: the published rate of every non-USD currency its trades use. */
export function declarationRates(
    table: ExchangeRates | undefined,
    month: string,
    currencies: Iterable<string>,
): FxRate[] {
    const wanted = [...new Set(currencies)].filter((c) => c !== 'USD').sort();
    return wanted.map((currency) => {
        const published = table?.rates.find((r) => r.currency === currency);
        if (published === undefined) throw rateMissing(month, currency, table);
        return { currency, rate: published.rate };
    });
}

/** Units of `to` per one unit of `from` at the customs rates, as an exact fraction. */
export function customsCrossRate(
    table: ExchangeRates | undefined,
    month: string,
    from: string,
    to: string,
): { numerator: bigint; denominator: bigint } {
    const usdPerFrom = customsRate(table, month, from);
    const usdPerTo = customsRate(table, month, to);
    return {
        numerator: usdPerFrom.numerator * usdPerTo.denominator,
        denominator: usdPerFrom.denominator * usdPerTo.numerator,
    };
}

/** What a bank's dealing rate converts: `rate` units of `to` per one unit of `from`, in `month`. */
export interface DealingRate {
    readonly from: string;
    readonly to: string;
    readonly rate: string;
    readonly month: string;
    /** Names the rate in a refusal, e.g. "allocation to T1". */
    readonly what: string;
}

/** Why a dealing rate is not acceptable under V31: the `RULE_V31_…` code and the sentence that explains it. */
export interface RateProblem {
    readonly code: 'V31_RATE_MISSING' | 'V31_RATE_OUTSIDE_TOLERANCE';
    readonly message: string;
}

function unpublished(table: ExchangeRates | undefined, dealing: DealingRate): string | undefined {
    return [dealing.from, dealing.to].find(
        (currency) => currency !== 'USD' && !(table?.rates.some((r) => r.currency === currency) ?? false),
    );
}

/**
 * V31: a bank credits at its own dealing rate, within ±{@link RATE_TOLERANCE_BPS} of the customs cross rate of the
 * month (inclusive, exact arithmetic). Null when it is; else `V31_RATE_OUTSIDE_TOLERANCE` beyond it, or
 * `V31_RATE_MISSING` when customs has not published a currency of the pair. Both the filing (which refuses) and the
 * bank check (which reports) decide by this one function.
 */
export function dealingRateProblem(table: ExchangeRates | undefined, dealing: DealingRate): RateProblem | null {
    const missing = unpublished(table, dealing);
    if (missing !== undefined) {
        return { code: 'V31_RATE_MISSING', message: rateMissingMessage(dealing.month, missing, table) };
    }
    const customs = customsCrossRate(table, dealing.month, dealing.from, dealing.to);
    const bank = parseRate(dealing.rate);
    // |bank − customs| ≤ customs × bps / 10 000, cross-multiplied by both denominators
    const bankScaled = bank.numerator * customs.denominator;
    const customsScaled = customs.numerator * bank.denominator;
    const gap = bankScaled > customsScaled ? bankScaled - customsScaled : customsScaled - bankScaled;
    if (gap * BPS <= customsScaled * BigInt(RATE_TOLERANCE_BPS)) return null;
    const customsValue = Number(customs.numerator) / Number(customs.denominator);
    const deviation = (Number(gap) / Number(customsScaled)) * 100;
    return {
        code: 'V31_RATE_OUTSIDE_TOLERANCE',
        message:
            `${dealing.what}: rate ${dealing.rate} ${dealing.to} per ${dealing.from} is ${deviation.toFixed(2)} % from the ` +
            `customs rate ${customsValue.toPrecision(6)} of ${dealing.month} (version ${table?.version ?? 0}); a bank's ` +
            `dealing rate may differ by at most ${RATE_TOLERANCE_BPS / 100} %`,
    };
}

/** {@link dealingRateProblem} as a refusal: `RULE_V31_RATE_OUTSIDE_TOLERANCE:` or `RULE_V31_RATE_MISSING:`. */
export function assertDealingRate(table: ExchangeRates | undefined, dealing: DealingRate): void {
    const problem = dealingRateProblem(table, dealing);
    if (problem !== null) throw ruleViolation(problem.code, problem.message);
}

/**
 * V31 on an allocation: the rate a receipt credits a trade in another currency at is a dealing rate of the value date.
 * Null when there is no rate to judge (same currency, or none given) or it is acceptable.
 */
export function allocationRateProblem(
    customsRates: ExchangeRates | undefined,
    receipt: { readonly currency: string; readonly valueDate: string },
    trade: { readonly tradeNo: string; readonly currency: string },
    rate: string | null,
): RateProblem | null {
    if (rate === null || receipt.currency === trade.currency) return null;
    return dealingRateProblem(customsRates, {
        from: receipt.currency,
        to: trade.currency,
        rate,
        month: monthOf(receipt.valueDate),
        what: `allocation to trade ${trade.tradeNo}`,
    });
}

/** {@link allocationRateProblem} as a refusal. */
export function assertAllocationRate(
    customsRates: ExchangeRates | undefined,
    receipt: { readonly currency: string; readonly valueDate: string },
    trade: { readonly tradeNo: string; readonly currency: string },
    rate: string | null,
): void {
    const problem = allocationRateProblem(customsRates, receipt, trade, rate);
    if (problem !== null) throw ruleViolation(problem.code, problem.message);
}
