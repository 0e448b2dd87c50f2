import { invalid } from '../lib/errors';
import { type FxRate } from '../model/records';

/** ISO 4217 minor-unit exponents that are not 2. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
    BHD: 3,
    CLP: 0,
    IQD: 3,
    ISK: 0,
    JOD: 3,
    JPY: 0,
    KRW: 0,
    KWD: 3,
    LYD: 3,
    OMR: 3,
    TND: 3,
    UGX: 0,
    VND: 0,
};

export function minorUnits(currency: string): number {
    return MINOR_UNITS[currency] ?? 2;
}

const RATE = /^(\d{1,9})(?:\.(\d{1,12}))?$/;

/** A decimal rate string as an exact fraction numerator / 10^scale; must be > 0. */
export function parseRate(rate: string): { numerator: bigint; scale: number } {
    const match = RATE.exec(rate);
    if (match === null) throw invalid(`rate ${JSON.stringify(rate)} must be a decimal such as 0.138462`);
    const fraction = match[2] ?? '';
    const numerator = BigInt(`${match[1] ?? '0'}${fraction}`);
    if (numerator === 0n) throw invalid('rate must be greater than zero');
    return { numerator, scale: fraction.length };
}

/**
 * Converts integer minor units of `currency` into USD cents at `rate` (USD per one unit of currency),
 * exactly, rounding half up. USD converts at 1 whatever the table says.
 */
export function toUsdCents(amount: number, currency: string, rates: readonly FxRate[]): number {
    if (currency === 'USD') return amount;
    const rate = rates.find((r) => r.currency === currency);
    if (rate === undefined) throw invalid(`no conversion rate recorded for ${currency}`);
    const { numerator, scale } = parseRate(rate.rate);
    const num = BigInt(amount) * numerator * 100n;
    const den = 10n ** BigInt(minorUnits(currency) + scale);
    const cents = (num * 2n + den) / (den * 2n);
    return Number(cents);
}
