import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
    MAX_ITEMISED,
    VALUE_CAP_USD_CENTS,
    buildDeclaration,
    type BuilderLine,
} from '../../../chaincode/src/rules/declaration-builder';
import { parseRate, toUsdCents } from '../../../chaincode/src/rules/money';
import { linkFiledLines, type FiledLine } from '../../../chaincode/src/rules/filed-lines';

const line = (
    tradeNo: string,
    lineId: string,
    hsCode: string,
    amount: number,
    extra: Partial<BuilderLine> = {},
): BuilderLine => ({
    tradeNo,
    lineId,
    goodsCode: `G-${hsCode}`,
    hsCode,
    nameEn: `Goods ${hsCode}`,
    unit: 'PCS',
    qty: 1,
    amount,
    currency: 'USD',
    ...extra,
});

describe('money conversion', () => {
    it('converts minor units exactly with half-up rounding and per-currency exponents', () => {
        expect(toUsdCents(100_000, 'CNY', [{ currency: 'CNY', rate: '0.138462' }])).toBe(13_846); // 1000 CNY → 138.462 USD
        expect(toUsdCents(1, 'CNY', [{ currency: 'CNY', rate: '0.5' }])).toBe(1); // 0.5 cent rounds up
        expect(toUsdCents(1000, 'JPY', [{ currency: 'JPY', rate: '0.0067' }])).toBe(670); // JPY has no minor unit
        expect(toUsdCents(12_345, 'USD', [])).toBe(12_345);
    });

    it('refuses a missing or malformed rate', () => {
        expect(() => toUsdCents(1, 'EUR', [])).toThrow('INVALID: no conversion rate recorded for EUR');
        expect(() => parseRate('1e3')).toThrow(/INVALID/);
        expect(() => parseRate('0.000')).toThrow('INVALID: rate must be greater than zero');
    });
});

describe('simplified declaration builder (V14–V18)', () => {
    it('itemises every kind when there are at most five, in value order', () => {
        const built = buildDeclaration(
            [
                line('T1', 'L1', '6109100021', 500),
                line('T1', 'L2', '9503000090', 900),
                line('T2', 'L1', '6109100021', 700),
            ],
            [],
        );
        expect(built.simplified).toBe(false);
        expect(built.lines.map((l) => [l.gNo, l.hsCode, l.valueUsd, l.isItemised])).toEqual([
            [1, '6109100021', 1200, true],
            [2, '9503000090', 900, true],
        ]);
    });

    it('with more than five kinds itemises the top five and merges the rest by chapter under the top item HS code (V15)', () => {
        const lines = [
            line('T1', 'L1', '6109100021', 9000),
            line('T1', 'L2', '6110200011', 8000),
            line('T1', 'L3', '9503000090', 7000),
            line('T1', 'L4', '9504500000', 6000),
            line('T1', 'L5', '8516310000', 5000),
            line('T1', 'L6', '3926100000', 300),
            line('T1', 'L7', '3924100000', 400),
            line('T1', 'L8', '6307909000', 100),
        ];
        const built = buildDeclaration(lines, []);
        expect(built.simplified).toBe(true);
        expect(built.lines.filter((l) => l.isItemised)).toHaveLength(5);
        const merged = built.lines.filter((l) => !l.isItemised);
        expect(merged.map((l) => [l.mergedChapter, l.hsCode, l.valueUsd, l.sources.length])).toEqual([
            ['39', '3924100000', 700, 2],
            ['63', '6307909000', 100, 1],
        ]);
        expect(built.totalValueUsd).toBe(35_800);
    });

    it('never merges V16 goods (export duty / statutory inspection)', () => {
        const lines = [
            ...['6109100021', '6110200011', '9503000090', '9504500000', '3926100000'].map((hs, i) =>
                line('T1', `L${i}`, hs, 10_000 - i),
            ),
            line('T1', 'LX', '8516310000', 5, { itemiseAlways: true }),
            line('T1', 'LY', '3924100000', 4),
        ];
        const built = buildDeclaration(lines, []);
        expect(built.lines.find((l) => l.hsCode === '8516310000')).toMatchObject({
            isItemised: true,
            mergedChapter: null,
        });
        expect(built.lines.find((l) => l.hsCode === '3924100000')).toMatchObject({
            isItemised: false,
            mergedChapter: '39',
        });
    });

    it('reports the USD 150,000 cap inclusively (V01)', () => {
        expect(buildDeclaration([line('T1', 'L1', '6109100021', VALUE_CAP_USD_CENTS)], []).withinCap).toBe(true);
        expect(buildDeclaration([line('T1', 'L1', '6109100021', VALUE_CAP_USD_CENTS + 1)], []).withinCap).toBe(false);
    });

    it('refuses an empty declaration (V18)', () => {
        expect(() => buildDeclaration([], [])).toThrow('RULE_V18');
    });

    const HS = fc.constantFrom(
        '6109100021',
        '6110200011',
        '6109900000',
        '9503000090',
        '9504500000',
        '3926100000',
        '3924100000',
        '6307909000',
        '8516310000',
        '4202920000',
    );
    const lines = fc
        .array(
            fc.record({
                hs: HS,
                amount: fc.integer({ min: 1, max: 5_000_000 }),
                cny: fc.boolean(),
                always: fc.boolean(),
            }),
            { minLength: 1, maxLength: 60 },
        )
        .map((rows) =>
            rows.map((r, i) =>
                line(`T${i % 7}`, `L${i}`, r.hs, r.amount, {
                    currency: r.cny ? 'CNY' : 'USD',
                    itemiseAlways: r.always && i % 5 === 0,
                }),
            ),
        );
    const rates = [{ currency: 'CNY', rate: '0.138462' }];

    it('preserves the total: Σ line values = Σ converted trade lines (property)', () => {
        fc.assert(
            fc.property(lines, (ls) => {
                const built = buildDeclaration(ls, rates);
                const converted = ls.reduce((sum, l) => sum + toUsdCents(l.amount, l.currency, rates), 0);
                expect(built.totalValueUsd).toBe(converted);
                expect(built.lines.reduce((sum, l) => sum + l.valueUsd, 0)).toBe(converted);
            }),
        );
    });

    it('links every trade line amount exactly once, to a line of its own HS chapter (property)', () => {
        fc.assert(
            fc.property(lines, (ls) => {
                const built = buildDeclaration(ls, rates);
                const linked = built.lines.flatMap((l) => l.sources.map((s) => `${s.tradeNo}/${s.lineId}/${s.amount}`));
                expect(linked.sort()).toEqual(ls.map((l) => `${l.tradeNo}/${l.lineId}/${l.amount}`).sort());
                for (const dl of built.lines) {
                    expect(dl.sources.length).toBeGreaterThan(0);
                    for (const s of dl.sources) expect(s.hsCode.slice(0, 2)).toBe(dl.hsCode.slice(0, 2));
                }
            }),
        );
    });

    it('itemises at most five kinds plus V16 kinds, and merges only when there are more than five (property)', () => {
        fc.assert(
            fc.property(lines, (ls) => {
                const built = buildDeclaration(ls, rates);
                const kinds = new Set(ls.map((l) => l.hsCode)).size;
                const always = new Set(ls.filter((l) => l.itemiseAlways === true).map((l) => l.hsCode));
                const itemised = built.lines.filter((l) => l.isItemised);
                const ordinaryItemised = itemised.filter((l) => !always.has(l.hsCode));
                expect(ordinaryItemised.length).toBeLessThanOrEqual(MAX_ITEMISED);
                expect(built.simplified).toBe(kinds > MAX_ITEMISED);
                if (kinds <= MAX_ITEMISED) expect(itemised).toHaveLength(kinds);
                const chapters = built.lines.filter((l) => !l.isItemised).map((l) => l.mergedChapter);
                expect(new Set(chapters).size).toBe(chapters.length);
                // every merged kind is worth no more than the least valuable ordinary itemised kind
                const smallestItemised = Math.min(...ordinaryItemised.map((l) => l.valueUsd));
                for (const merged of built.lines.filter((l) => !l.isItemised)) {
                    const byKind = new Map<string, number>();
                    for (const s of merged.sources) byKind.set(s.hsCode, (byKind.get(s.hsCode) ?? 0) + s.valueUsd);
                    for (const value of byKind.values()) expect(value).toBeLessThanOrEqual(smallestItemised);
                }
            }),
        );
    });

    it('is deterministic whatever the order of the input lines (property)', () => {
        fc.assert(
            fc.property(lines, fc.integer(), (ls, seed) => {
                const shuffled = [...ls].sort(
                    (a, b) => ((a.lineId.length * 31 + seed) % 7) - ((b.lineId.length * 17 + seed) % 5),
                );
                expect(buildDeclaration(shuffled, rates)).toEqual(buildDeclaration(ls, rates));
            }),
        );
    });
});

describe('filed lines (V17/V18)', () => {
    const trades = [line('T1', 'L1', '6109100021', 1000), line('T1', 'L2', '9503000090', 2000)];
    const filed = (over: Partial<FiledLine>[] = []): FiledLine[] => [
        {
            gNo: 1,
            hsCode: '9503000090',
            name: 'Toys',
            qty: 1,
            unit: 'PCS',
            valueUsd: 2000,
            isItemised: true,
            sources: [{ tradeNo: 'T1', lineId: 'L2', amount: 2000 }],
            ...over[0],
        },
        {
            gNo: 2,
            hsCode: '6109100021',
            name: 'Shirts',
            qty: 1,
            unit: 'PCS',
            valueUsd: 1000,
            isItemised: true,
            sources: [{ tradeNo: 'T1', lineId: 'L1', amount: 1000 }],
            ...over[1],
        },
    ];

    it('accepts lines that link every trade line once with its full amount', () => {
        expect(linkFiledLines(filed(), trades, []).map((l) => l.sources[0]?.valueUsd)).toEqual([2000, 1000]);
    });

    it.each([
        [
            'a trade line in no declaration line',
            [{}, { sources: [{ tradeNo: 'T1', lineId: 'L2', amount: 2000 }] }],
            'RULE_V18: trade line T1/L2 is linked twice',
        ],
        [
            'a partial amount',
            [{ sources: [{ tradeNo: 'T1', lineId: 'L2', amount: 1999 }] }],
            'RULE_V18: line 1: T1/L2 links 1999',
        ],
        [
            'an unknown trade line',
            [{ sources: [{ tradeNo: 'T9', lineId: 'L2', amount: 2000 }] }],
            'RULE_V18: line 1: T9/L2 is not a line',
        ],
        ['a value beyond 0.5 %', [{ valueUsd: 2100 }], 'RULE_V17: line 1: value 2100'],
    ])('refuses %s', (_name, over, message) => {
        expect(() => linkFiledLines(filed(over as Partial<FiledLine>[]), trades, [])).toThrow(message);
    });

    it('refuses a missing trade line', () => {
        expect(() => linkFiledLines(filed().slice(0, 1), trades, [])).toThrow(
            'RULE_V18: trade line(s) T1/L1 are in no declaration line',
        );
    });
});
