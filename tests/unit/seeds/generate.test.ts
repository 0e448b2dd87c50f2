import { describe, expect, it } from '@jest/globals';
import { buildDeclaration } from '../../../chaincode/src/rules/declaration-builder';
import { CATEGORIES, HS_TABLE } from '../../../seeds/src/catalog';
import { RATES } from '../../../seeds/src/flow';
import { generateMarket } from '../../../seeds/src/generate';
import { containerCheckDigit, usccCheck } from '../../../seeds/src/ids';
import type { Market } from '../../../seeds/src/model';

const AS_OF = '2026-11-27';
const CAP = 15_000_000;
const small = generateMarket({ seed: 1, size: 'small', asOf: AS_OF });
const full = generateMarket({ seed: 7, size: 'full', asOf: AS_OF });

/** Every case of the catalogue and the answer it must get (docs/fraud-cases.md). */
const EXPECTED_ANSWERS: Readonly<Record<string, string>> = {
    'FRAUD-F2-DOUBLE-FINANCING': 'RULE_V33',
    // V31: at customs' rate the declaration is over the cap; a bank's rate 10× customs' is refused
    'FRAUD-V31-DECLARANT-RATE': 'RULE_V01',
    'FRAUD-V31-BANK-RATE-10X': 'RULE_V31_RATE_OUTSIDE_TOLERANCE',
    'FRAUD-V11-UNQUALIFIED-FOOD-SUPPLIER': 'RULE_V11_SUPPLIER_NOT_QUALIFIED',
    'FRAUD-V25-LINE-OVER-RECEIPT': 'RULE_V25_LINE_OVER_RECEIPT',
    'FRAUD-F11-SHARED-PASSPORT': 'flag F11',
    'FRAUD-F11-PASSPORT-RETYPED': 'flag F11',
    'NEAR-F11-NAMESAKE-OWN-PASSPORT': 'accepted, no F11',
    'FRAUD-F3-PRICE-OUTLIER': 'flag F3',
    'FRAUD-V05-NEGATIVE-LIST': 'RULE_V05',
    'FRAUD-OWN-OTHER-VENDORS-TRADE': 'FORBIDDEN',
    'FRAUD-F4-SPLITTING': 'flag F4',
    'FRAUD-V01-OVER-CAP': 'RULE_V01',
    'FRAUD-F3-UNDER-INVOICING': 'flag F3',
    'NEAR-F3-PRICES-ON-THE-BAND-EDGES': 'accepted, no F3',
    'FRAUD-F6-GOODS-OF-ANOTHER-STALL': 'RULE_V03',
    'FRAUD-F6-UNREGISTERED-GOODS': 'RULE_V03',
    'FRAUD-F7-BRAND-NOT-AUTHORISED': 'RULE_V03',
    'FRAUD-F4-ONE-CONSIGNOR-TWO-BUYERS': 'flag F4',
    'NEAR-V01-JUST-UNDER-CAP': 'accepted, no F4',
    'FRAUD-F8-RECALLED-BATCH-MERGED': 'RULE_V05',
    'FRAUD-F8-BARRED-HS-MERGED': 'RULE_V05',
    'FRAUD-V02-CROSS-CLUSTER': 'RULE_V02',
    'FRAUD-F2-SECOND-BANK': 'RULE_V25',
    'FRAUD-V25-OVER-RECEIPT': 'RULE_V25',
    'FRAUD-F10-PREMATURE-EXEMPTION': 'RULE_V28',
    'FRAUD-F1-RECEIPT-WITHOUT-EXPORT': 'accepted, no flag',
    'FRAUD-F1-PAYER-IN-ANOTHER-COUNTRY': 'accepted, no flag',
    'FRAUD-F1-OFFSHORE-PAYER': 'accepted, no flag',
    'FRAUD-F2-SAME-BANK-TOP-UP': 'flag F2',
    'NEAR-F2-SECOND-BANK-TAKES-THE-REMAINDER': 'accepted, no F2',
    'FRAUD-F5-PROCEEDS-TO-ANOTHER-VENDOR': 'RULE_V24',
    'FRAUD-F5-PROCEEDS-TO-AGENT': 'RULE_V24',
    'FRAUD-F9-MONEY-BEFORE-TRADE': 'flag F9',
    'FRAUD-F9-DOMESTIC-PERSONAL-PAYERS': 'accepted, no flag',
    'NEAR-F9-PAID-ON-THE-DAY-OF-REGISTRATION': 'accepted, no F9',
    'FRAUD-F7-CUSTOMS-IPR-HIT': 'flag F7',
    'FRAUD-F10-CLAIM-IN-EXPORT-MONTH': 'RULE_V28',
    'FRAUD-F10-CLAIM-BEFORE-EXIT': 'RULE_V29',
};

/** Refused receipts write nothing; the F2 top-up is the one accepted receipt beyond a trade's value. */
const allocates = (r: Market['receipts'][number]): boolean =>
    r.expect?.outcome !== 'REJECTED' && !(r.expect?.outcome === 'FLAGGED' && r.expect.ruleId === 'F2');

const labelledDeclaration = (m: Market, code: string): string[] =>
    m.declarations.filter((d) => d.expect?.outcome === 'REJECTED' && d.expect.code === code).map((d) => d.input.declNo);

describe('determinism', () => {
    it('gives byte-identical markets for the same seed, size and date', () => {
        const again = generateMarket({ seed: 1, size: 'small', asOf: AS_OF });
        expect(JSON.stringify(again)).toBe(JSON.stringify(small));
        expect(JSON.stringify(generateMarket({ seed: 7, size: 'full', asOf: AS_OF }))).toBe(JSON.stringify(full));
    });

    it('gives a different market for a different seed, with the same demo IDs', () => {
        const other = generateMarket({ seed: 2, size: 'small', asOf: AS_OF });
        expect(JSON.stringify(other)).not.toBe(JSON.stringify(small));
        expect(other.trades.map((t) => t.input.lines)).not.toEqual(small.trades.map((t) => t.input.lines));
        expect(other.parties.map((p) => p.input.partyId)).toContain('V-0001');
    });

    it('refuses options it cannot honour', () => {
        expect(() => generateMarket({ seed: -1, size: 'small', asOf: AS_OF })).toThrow(/seed/);
        expect(() => generateMarket({ seed: 1, size: 'huge' as 'small', asOf: AS_OF })).toThrow(/size/);
        expect(() => generateMarket({ seed: 1, size: 'small', asOf: '2026-02-30' })).toThrow(/asOf/);
    });
});

describe.each([
    ['small', small],
    ['full', full],
])('realism of the %s market', (_name, m) => {
    const goods = new Map(m.goods.map((g) => [g.goodsCode, g]));
    const trades = new Map(m.trades.map((t) => [t.input.tradeNo, t]));

    it('uses only 10-digit commodity codes from the catalogue, with sane price ranges', () => {
        expect(m.goods.length).toBeGreaterThan(0);
        for (const g of m.goods) {
            expect(g.hsCode).toMatch(/^\d{10}$/);
            expect(HS_TABLE.has(g.hsCode)).toBe(true);
            expect(g.priceRange.minUnitPrice).toBeLessThan(g.priceRange.maxUnitPrice);
        }
        const chapters = new Set(m.goods.map((g) => g.hsCode.slice(0, 2)));
        expect(chapters.size).toBeGreaterThanOrEqual(m === full ? 12 : 8);
    });

    it('prices every trade line as qty × unit price in integer minor units of USD or CNY', () => {
        for (const t of m.trades) {
            expect(['USD', 'CNY']).toContain(t.input.currency);
            for (const l of t.input.lines) {
                expect(Number.isSafeInteger(l.amount) && l.amount > 0).toBe(true);
                expect(l.amount).toBe(l.qty * l.unitPrice);
                // the F6/F7 cases sell goods registered to no one or to another stall (refused, V03)
                if (t.expect?.outcome !== 'REJECTED' || t.expect.code !== 'RULE_V03')
                    expect(goods.get(l.goodsCode)?.ownerId).toBe(t.input.vendorId);
            }
            expect(t.input.tradeNo).toBe(`T-${t.input.tradeDate.replaceAll('-', '')}-${t.input.tradeNo.slice(-4)}`);
            expect(t.input.tradeDate <= AS_OF).toBe(true);
        }
        const usd = m.trades.filter((t) => t.input.currency === 'USD').length;
        expect(usd / m.trades.length).toBeGreaterThan(0.6);
        if (m === full) expect(m.trades.some((t) => t.input.currency === 'CNY')).toBe(true);
    });

    it('keeps every declaration within USD 150,000 except the labelled over-cap one, as the chaincode computes it', () => {
        const overCap = labelledDeclaration(m, 'RULE_V01');
        // FRAUD-V01-OVER-CAP, and FRAUD-V31-DECLARANT-RATE: over the cap at customs' rate
        expect(overCap).toHaveLength(2);
        for (const d of m.declarations) {
            const lines = d.input.tradeNos.flatMap((no) => {
                const t = trades.get(no);
                return (t?.input.lines ?? []).map((l) => ({
                    ...l,
                    tradeNo: no,
                    currency: t?.input.currency ?? '',
                    hsCode: goods.get(l.goodsCode)?.hsCode ?? '',
                    nameEn: '',
                    unit: '',
                }));
            });
            expect(buildDeclaration(lines, RATES).totalValueUsd).toBe(d.totalValueUsd);
            if (overCap.includes(d.input.declNo)) expect(d.totalValueUsd).toBeGreaterThan(CAP);
            else expect(d.totalValueUsd).toBeLessThanOrEqual(CAP);
        }
    });

    it('publishes customs rates for the months its declarations and receipts use, at the rates it values them at', () => {
        const month = AS_OF.slice(0, 7);
        const published = new Map(m.exchangeRates.map((r) => [r.month, r.rates]));
        expect(published.get(month)).toEqual(RATES);
        for (const r of m.receipts) expect(published.has(r.input.valueDate.slice(0, 7))).toBe(true);
    });

    it('puts every consolidated trade line in exactly one declaration, one buyer and one agent each', () => {
        const declared = m.declarations.flatMap((d) => d.input.tradeNos);
        expect(new Set(declared).size).toBe(declared.length);
        const ordered = m.consolidationOrders.flatMap((o) => o.tradeNos);
        expect([...ordered].sort()).toEqual([...declared].sort());
        const outside = m.trades.filter((t) => !declared.includes(t.input.tradeNo));
        expect(outside.every((t) => t.expect !== undefined)).toBe(true);
        for (const d of m.declarations) {
            const ts = d.input.tradeNos.map((no) => trades.get(no));
            expect(new Set(ts.map((t) => t?.input.buyerId)).size).toBe(1);
            expect(ts.every((t) => t?.input.agentId === d.input.consignorId)).toBe(true);
        }
    });

    it('never allocates more than a trade is worth or a receipt holds, except the labelled over-receipts', () => {
        const allocated = new Map<string, number>();
        for (const r of m.receipts) {
            const sum = r.input.allocations.reduce((s, a) => s + a.amountMinor, 0);
            expect(sum).toBe(r.input.amountMinor);
            if (r.expect === undefined) expect(r.input.valueDate).toBe(AS_OF);
            if (!allocates(r)) continue;
            for (const a of r.input.allocations)
                allocated.set(a.tradeNo, (allocated.get(a.tradeNo) ?? 0) + a.amountMinor);
        }
        for (const [tradeNo, sum] of allocated) {
            const t = trades.get(tradeNo);
            expect(sum).toBeLessThanOrEqual(t?.input.lines.reduce((s, l) => s + l.amount, 0) ?? 0);
        }
        const refused = m.receipts.filter((r) => r.expect?.outcome === 'REJECTED').map((r) => r.expect);
        expect(refused).toEqual([
            { outcome: 'REJECTED', code: 'RULE_V25' },
            { outcome: 'REJECTED', code: 'RULE_V25' },
            { outcome: 'REJECTED', code: 'RULE_V31_RATE_OUTSIDE_TOLERANCE' },
            { outcome: 'REJECTED', code: 'RULE_V25_LINE_OVER_RECEIPT' },
            { outcome: 'REJECTED', code: 'RULE_V24' },
            { outcome: 'REJECTED', code: 'RULE_V24' },
        ]);
    });

    it('finances exported trades at both banks within what receipts left, and labels the double financing (F2, V33)', () => {
        const uses = [
            ...m.receipts.filter((r) => r.expect === undefined).flatMap((r) => r.input.allocations),
            ...m.financings.filter((f) => f.expect === undefined).flatMap((f) => f.input.items ?? []),
        ];
        const used = new Map<string, number>();
        for (const u of uses) used.set(u.tradeNo, (used.get(u.tradeNo) ?? 0) + u.amountMinor);
        const valueOf = (tradeNo: string): number =>
            (trades.get(tradeNo)?.input.lines ?? []).reduce((sum, l) => sum + l.amount, 0);
        expect([...used].filter(([tradeNo, sum]) => sum > valueOf(tradeNo))).toEqual([]);
        const banks = new Set(m.financings.filter((f) => f.expect === undefined).map((f) => f.bankMspId));
        expect([...banks].sort()).toEqual(['Bank2OrgMSP', 'BankOrgMSP']);
        const refused = m.financings.filter((f) => f.expect !== undefined);
        expect(refused.map((f) => f.expect)).toEqual([{ outcome: 'REJECTED', code: 'RULE_V33' }]);
        const tradeOf = (f: (typeof m.financings)[number]): string | undefined => f.input.items?.[0]?.tradeNo;
        const twice = refused.map(tradeOf)[0];
        expect(m.financings.filter((f) => tradeOf(f) === twice).map((f) => f.bankMspId)).toEqual([
            'BankOrgMSP',
            'Bank2OrgMSP',
        ]);
        expect(m.fraudCases.map((f) => f.caseId)).toContain('FRAUD-F2-DOUBLE-FINANCING');
    });

    it('dates every exit on the as-of day and claims exemption only for the next period, labelled premature (F10)', () => {
        const exits = m.customsEvents.filter((e) => e.kind === 'EXIT');
        expect(exits.length).toBeGreaterThan(0);
        for (const e of exits) expect(e.exitDate).toBe(AS_OF);
        const [premature, exportMonth, beforeExit] = m.exemptions;
        expect(m.exemptions).toHaveLength(3);
        expect(premature).toMatchObject({ filedBy: 'V-0001', input: { period: '2026-12' } });
        expect(premature?.expect).toEqual({ outcome: 'REJECTED', code: 'RULE_V28', onlyBefore: '2026-12' });
        expect(exportMonth).toMatchObject({ filedBy: 'V-0001', input: { period: '2026-11' } });
        expect(exportMonth?.expect).toEqual({ outcome: 'REJECTED', code: 'RULE_V28' });
        expect(beforeExit?.expect).toEqual({ outcome: 'REJECTED', code: 'RULE_V29' });
        const claimed = new Set(beforeExit?.input.tradeNos);
        expect(
            exits.some((e) =>
                m.declarations.find((d) => d.input.declNo === e.declNo)?.input.tradeNos.some((t) => claimed.has(t)),
            ),
        ).toBe(false);
    });

    it('has valid check characters on USCCs and container numbers, and 18-digit entry numbers', () => {
        for (const p of m.parties.filter((x) => x.input.uscc !== undefined)) {
            const code = p.input.uscc ?? '';
            expect(code).toMatch(/^9[12]\d{6}[0-9A-Z]{10}$/);
            expect(code.slice(17)).toBe(usccCheck(code.slice(0, 17)));
        }
        for (const c of m.packingLists.flatMap((p) => p.containers)) {
            expect(c.containerNo).toMatch(/^[A-Z]{3}U\d{7}$/);
            expect(Number(c.containerNo.slice(10))).toBe(containerCheckDigit(c.containerNo.slice(0, 10)));
        }
        for (const d of m.declarations) expect(d.input.declNo).toMatch(/^(2920|2305)\d{4}0\d{9}$/);
    });

    it('contains the parties the demo users act for, each with data of its own', () => {
        const party = (id: string): string | undefined => m.parties.find((p) => p.input.partyId === id)?.input.type;
        expect([party('V-0001'), party('A-0001'), party('BANK-0001')]).toEqual(['MERCHANT', 'AGENT', 'BANK']);
        expect(m.parties.find((p) => p.input.partyId === 'BANK-0001')?.input.orgMspId).toBe('BankOrgMSP');
        expect(m.authorities).toEqual({ operatorId: 'OP-YIWU', customsId: 'CUSTOMS-YIWU' });
        expect(m.trades.some((t) => t.input.vendorId === 'V-0001' && t.expect === undefined)).toBe(true);
        expect(m.declarations.some((d) => d.filedBy === 'A-0001')).toBe(true);
        expect(m.receipts.some((r) => r.bankPartyId === 'BANK-0001' && r.input.payeePartyId === 'V-0001')).toBe(true);
        expect(m.exemptions.some((e) => e.filedBy === 'V-0001')).toBe(true);
    });

    it('labels every fraud case with the code or flag the ledger answers with', () => {
        const answer = (f: Market['fraudCases'][number]): string => {
            const e = f.expected;
            if (e.outcome === 'REJECTED') return e.code;
            if (e.outcome === 'FLAGGED') return `flag ${e.ruleId}`;
            return `accepted, no ${e.unflagged?.ruleId ?? 'flag'}`;
        };
        expect(Object.fromEntries(m.fraudCases.map((f) => [f.caseId, answer(f)]))).toEqual(EXPECTED_ANSWERS);
        const ids = new Set([
            ...m.parties.map((p) => p.input.partyId),
            ...m.trades.map((t) => t.input.tradeNo),
            ...m.declarations.map((d) => d.input.declNo),
            ...m.receipts.map((r) => r.input.receiptRef),
            ...m.financings.map((f) => f.input.financingRef),
            ...m.exemptions.map((e) => e.input.filingNo),
        ]);
        for (const f of m.fraudCases) for (const r of f.records) expect(ids.has(r.id)).toBe(true);
    });
});

describe('the full market', () => {
    it('has hundreds of vendors in every district and buyers from dozens of countries', () => {
        const vendors = full.parties.filter((p) => p.input.type === 'MERCHANT' && p.input.clusterId === 'YIWU-ITC');
        expect(vendors.length).toBeGreaterThanOrEqual(300);
        expect(new Set(vendors.map((v) => v.input.stallNo?.slice(0, 2))).size).toBe(5);
        const countries = new Set(full.parties.filter((p) => p.input.type === 'BUYER').map((p) => p.input.nationality));
        expect(countries.size).toBeGreaterThanOrEqual(30);
        expect(full.trades.length).toBeGreaterThan(2000);
        expect(new Set(vendors.map((v) => v.category)).size).toBe(CATEGORIES.length);
    });
});

describe('the fraud catalogue', () => {
    const PATTERNS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11'];

    it('has at least two cases of every pattern F1–F11, each of its own shape', () => {
        for (const pattern of PATTERNS) {
            const cases = small.fraudCases.filter((f) => f.pattern === pattern && f.nearMiss !== true);
            expect({ pattern, count: cases.length >= 2 }).toEqual({ pattern, count: true });
            // two cases of one pattern never rest on the same records
            const records = cases.map((f) => f.records.map((r) => r.id).join(','));
            expect(new Set(records).size).toBe(records.length);
        }
    });

    it('has a near-miss that must pass wherever a pattern has a threshold', () => {
        const near = small.fraudCases.filter((f) => f.nearMiss === true);
        expect(near.map((f) => f.pattern).sort()).toEqual(['F11', 'F2', 'F3', 'F9', 'V01']);
        for (const f of near) expect(f.expected.outcome).toBe('ACCEPTED');
    });

    it('names what catches every case, and every record it rests on carries the same label', () => {
        const labels = new Map<string, unknown>([
            ...small.parties.map((p) => [p.input.partyId, p.expect] as const),
            ...small.trades.map((t) => [t.input.tradeNo, t.expect] as const),
            ...small.declarations.map((d) => [d.input.declNo, d.expect] as const),
            ...small.receipts.map((r) => [r.input.receiptRef, r.expect] as const),
            ...small.exemptions.map((e) => [e.input.filingNo, e.expect] as const),
            ...small.financings.map((f) => [f.input.financingRef, f.expect] as const),
        ]);
        for (const f of small.fraudCases) {
            const carried = f.records.map(
                (r) => labels.get(r.id) ?? small.riskFlags.find((x) => x.input.subjectId === r.id)?.expect,
            );
            const expected: Record<string, unknown> = { ...f.expected };
            delete expected.bankCheck;
            delete expected.customsCheck;
            expect({ caseId: f.caseId, carried }).toEqual({
                caseId: f.caseId,
                carried: expect.arrayContaining([expected]),
            });
        }
        expect(small.fraudCases.filter((f) => f.caughtBy === undefined)).toEqual([]);
    });
});

describe('two clusters', () => {
    const second = small.otherClusters[0];
    const stalls = new Set(second?.streets.flatMap((s) => s.stalls));
    const vendors = new Set(
        small.parties.filter((p) => p.input.clusterId === second?.clusterId).map((p) => p.input.partyId),
    );

    it('files a second cluster with its own customs office, stalls and vendors', () => {
        expect(second).toMatchObject({ clusterId: 'CHANGSHU-CSFZ', customsOffice: '2305' });
        expect(vendors.size).toBe(3);
        for (const p of small.parties.filter((x) => vendors.has(x.input.partyId)))
            expect(stalls.has(p.input.stallNo ?? '')).toBe(true);
    });

    it('declares its goods at its own office, apart from the home market, and has the cross-cluster case', () => {
        const byTrade = new Map(small.trades.map((t) => [t.input.tradeNo, t.input.vendorId]));
        const its = small.declarations.filter((d) => d.input.tradeNos.some((t) => vendors.has(byTrade.get(t) ?? '')));
        for (const d of its) expect(d.input.tradeNos.every((t) => vendors.has(byTrade.get(t) ?? ''))).toBe(true);
        const own = its.filter((d) => d.input.customsOffice === '2305');
        expect(own).toHaveLength(1);
        expect(own[0]?.expect).toBeUndefined();
        expect(small.customsEvents.some((e) => e.declNo === own[0]?.input.declNo && e.kind === 'EXIT')).toBe(true);
        const cross = its.filter((d) => d.input.customsOffice === '2920');
        expect(cross.map((d) => d.expect)).toEqual([{ outcome: 'REJECTED', code: 'RULE_V02' }]);
        const home = small.declarations.filter((d) => !its.includes(d));
        expect(home.every((d) => d.input.customsOffice === '2920')).toBe(true);
    });
});

describe('any seed', () => {
    it('yields every fraud case and data for every demo user, whatever the seed and the as-of date', () => {
        const problems: string[] = [];
        for (let seed = 0; seed < 60; seed++) {
            const asOf = ['2027-01-01', '2026-03-31', '2028-02-29'][seed % 3] ?? '';
            const m = generateMarket({ seed, size: 'small', asOf });
            const has = {
                cases: m.fraudCases.length === Object.keys(EXPECTED_ANSWERS).length,
                financingsAtBothBanks: new Set(m.financings.map((f) => f.bankMspId)).size === 2,
                vendorReceipt: m.receipts.some((r) => r.input.payeePartyId === 'V-0001' && r.expect === undefined),
                vendorExemption: m.exemptions.some((e) => e.filedBy === 'V-0001'),
                agentDeclaration: m.declarations.some((d) => d.filedBy === 'A-0001' && d.expect === undefined),
            };
            for (const [what, ok] of Object.entries(has)) if (!ok) problems.push(`seed ${seed} as of ${asOf}: ${what}`);
        }
        expect(problems).toEqual([]);
    });
});
