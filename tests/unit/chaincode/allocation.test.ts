import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
    convertMinor,
    evaluateAllocation,
    minorUnitExponent,
    parseRate,
    summariseReceipt,
    summariseTrade,
    toleranceCap,
} from '../../../chaincode/src/rules/allocation';

const usd = (amountMinor: number): { amountMinor: number; currency: string } => ({ amountMinor, currency: 'USD' });

describe('tolerance cap (V25)', () => {
    it('allows 5 % over the trade value, rounded down', () => {
        expect(toleranceCap(100_000)).toBe(105_000);
        expect(toleranceCap(99)).toBe(103); // 103.95 → 103
        expect(toleranceCap(1)).toBe(1); // 1.05 → 1: a one-cent trade takes exactly one cent
    });

    it('accepts another tolerance in basis points and rejects nonsense', () => {
        expect(toleranceCap(10_000, 0)).toBe(10_000);
        expect(() => toleranceCap(10_000, -1)).toThrow(/^INVALID:/);
        expect(() => toleranceCap(0)).toThrow(/^INVALID:/);
        expect(() => toleranceCap(1.5)).toThrow(/^INVALID:/);
    });
});

describe('currency conversion', () => {
    it('returns the amount unchanged between equal currencies and refuses a rate there', () => {
        expect(convertMinor(12_345, 'USD', 'USD', null)).toBe(12_345);
        expect(() => convertMinor(12_345, 'USD', 'USD', '1')).toThrow(/^INVALID: no rate/);
    });

    it('requires an explicit rate between different currencies', () => {
        expect(() => convertMinor(100, 'USD', 'CNY', null)).toThrow(/^INVALID: a rate is required/);
    });

    it('converts at the recorded rate and rounds up to the target minor unit', () => {
        expect(convertMinor(100_00, 'USD', 'CNY', '7.1234')).toBe(712_34);
        expect(convertMinor(1, 'USD', 'CNY', '7.1234')).toBe(8); // 7.1234 fen → 8 fen
        expect(convertMinor(1_000, 'JPY', 'USD', '0.0067')).toBe(670); // ¥1000 → $6.70
        expect(convertMinor(1, 'JPY', 'USD', '0.0067')).toBe(1); // 0.67 cent → 1 cent, never 0
        expect(convertMinor(1_000, 'KWD', 'USD', '3.25')).toBe(325); // 1.000 KWD → $3.25
    });

    it('knows the minor units of zero- and three-decimal currencies', () => {
        expect(minorUnitExponent('JPY')).toBe(0);
        expect(minorUnitExponent('KWD')).toBe(3);
        expect(minorUnitExponent('CNY')).toBe(2);
        expect(() => minorUnitExponent('usd')).toThrow(/^INVALID:/);
    });

    it('parses decimal rates exactly and rejects everything else', () => {
        expect(parseRate('7.1234')).toEqual({ text: '7.1234', numerator: 71234n, denominator: 10000n });
        for (const bad of ['0', '0.000', '-1', '1e3', '7,12', '', ' 7', '07.1', '1.1234567890123']) {
            expect(() => parseRate(bad)).toThrow(/^INVALID:/);
        }
    });

    it('refuses a result JavaScript numbers cannot carry exactly', () => {
        expect(() => convertMinor(Number.MAX_SAFE_INTEGER, 'USD', 'CNY', '7.2')).toThrow(/^INVALID:.*largest/);
    });
});

describe('evaluateAllocation', () => {
    it('accepts an allocation within the value and reports what remains', () => {
        const decision = evaluateAllocation(usd(100_000), [30_000], {
            amountMinor: 50_000,
            currency: 'USD',
            rate: null,
        });
        expect(decision.accepted).toBe(true);
        if (!decision.accepted) return;
        expect(decision.after.allocatedMinor).toBe(80_000);
        expect(decision.after.remainingMinor).toBe(20_000);
        expect(decision.after.headroomMinor).toBe(25_000);
        expect(decision.overValue).toBe(false);
    });

    it('accepts up to exactly value × 1.05 and marks it over value', () => {
        const decision = evaluateAllocation(usd(100_000), [100_000], {
            amountMinor: 5_000,
            currency: 'USD',
            rate: null,
        });
        expect(decision).toMatchObject({
            accepted: true,
            overValue: true,
            after: { allocatedMinor: 105_000, deltaBps: 500 },
        });
    });

    it('rejects one minor unit beyond the cap with RULE V25', () => {
        const decision = evaluateAllocation(usd(100_000), [100_000], {
            amountMinor: 5_001,
            currency: 'USD',
            rate: null,
        });
        expect(decision).toMatchObject({ accepted: false, rule: 'V25', tradeAmountMinor: 5_001 });
    });

    it('checks the converted amount against the trade value in the trade currency', () => {
        const cny = { amountMinor: 712_340, currency: 'CNY' };
        const ok = evaluateAllocation(cny, [], { amountMinor: 100_00, currency: 'USD', rate: '7.1234' });
        expect(ok).toMatchObject({ accepted: true, tradeAmountMinor: 71_234 });
        const over = evaluateAllocation(cny, [700_000], { amountMinor: 100_00, currency: 'USD', rate: '7.1234' });
        expect(over.accepted).toBe(false);
    });
});

describe('summaries', () => {
    it('never reports negative remaining value', () => {
        const summary = summariseTrade(usd(100), [104]);
        expect(summary).toMatchObject({ remainingMinor: 0, headroomMinor: 1, deltaBps: 400 });
    });

    it('says when a receipt is fully allocated, and refuses allocations above its amount', () => {
        expect(summariseReceipt(1_000, [400, 600])).toEqual({
            amountMinor: 1_000,
            allocatedMinor: 1_000,
            unallocatedMinor: 0,
            complete: true,
        });
        expect(summariseReceipt(1_000, [400])).toMatchObject({ complete: false, unallocatedMinor: 600 });
        expect(summariseReceipt(1_000, [400, 601])).toBeNull();
    });
});

describe('allocation properties', () => {
    const proposals = fc.array(
        fc.record({
            amountMinor: fc.integer({ min: 1, max: 5_000_000 }),
            usesRate: fc.boolean(),
            rateMilli: fc.integer({ min: 1, max: 20_000 }),
        }),
        { maxLength: 40 },
    );

    it('never allocates more than value × 1.05 whatever the sequence of proposals', () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 50_000_000 }), proposals, (value, steps) => {
                const trade = usd(value);
                const accepted: number[] = [];
                for (const step of steps) {
                    const proposal = step.usesRate
                        ? { amountMinor: step.amountMinor, currency: 'CNY', rate: (step.rateMilli / 1000).toFixed(3) }
                        : { amountMinor: step.amountMinor, currency: 'USD', rate: null };
                    const decision = evaluateAllocation(trade, accepted, proposal);
                    if (decision.accepted) accepted.push(decision.tradeAmountMinor);
                    const total = accepted.reduce((a, b) => a + b, 0);
                    expect(total).toBeLessThanOrEqual(toleranceCap(value));
                }
            }),
        );
    });

    it('keeps totals: allocated + remaining = value while under value, and the summary adds the accepted amounts', () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 50_000_000 }),
                fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 30 }),
                (value, amounts) => {
                    const accepted: number[] = [];
                    for (const amountMinor of amounts) {
                        const decision = evaluateAllocation(usd(value), accepted, {
                            amountMinor,
                            currency: 'USD',
                            rate: null,
                        });
                        if (decision.accepted) {
                            expect(decision.after.allocatedMinor).toBe(decision.before.allocatedMinor + amountMinor);
                            accepted.push(decision.tradeAmountMinor);
                        } else {
                            expect(amountMinor).toBeGreaterThan(decision.before.headroomMinor);
                        }
                    }
                    const summary = summariseTrade(usd(value), accepted);
                    expect(summary.allocatedMinor).toBe(accepted.reduce((a, b) => a + b, 0));
                    if (summary.allocatedMinor <= value) {
                        expect(summary.allocatedMinor + summary.remainingMinor).toBe(value);
                    }
                },
            ),
        );
    });

    it('never credits a trade less than the exact converted value, so splitting a receipt cannot save value', () => {
        fc.assert(
            fc.property(
                fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
                fc.integer({ min: 1, max: 99_999 }),
                (parts, rateTenThousandths) => {
                    const rate = (rateTenThousandths / 10_000).toFixed(4);
                    const whole = parts.reduce((a, b) => a + b, 0);
                    const split = parts.reduce((sum, p) => sum + convertMinor(p, 'JPY', 'USD', rate), 0);
                    expect(split).toBeGreaterThanOrEqual(convertMinor(whole, 'JPY', 'USD', rate));
                    // exact value in cents × 10 000 = whole × rateTenThousandths × 100; the rounded-up credit is ≥ it
                    expect(BigInt(split) * 10_000n).toBeGreaterThanOrEqual(
                        BigInt(whole) * BigInt(rateTenThousandths) * 100n,
                    );
                },
            ),
        );
    });

    it('keeps a receipt total: allocations either sum to at most the amount or are refused', () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 10_000_000 }),
                fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 20 }),
                (amount, parts) => {
                    const summary = summariseReceipt(amount, parts);
                    const total = parts.reduce((a, b) => a + b, 0);
                    if (total > amount) expect(summary).toBeNull();
                    else
                        expect(summary).toEqual({
                            amountMinor: amount,
                            allocatedMinor: total,
                            unallocatedMinor: amount - total,
                            complete: total === amount,
                        });
                },
            ),
        );
    });
});
