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
        expect(overCap).toHaveLength(1);
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
            if (r.expect !== undefined) continue;
            for (const a of r.input.allocations)
                allocated.set(a.tradeNo, (allocated.get(a.tradeNo) ?? 0) + a.amountMinor);
            expect(r.input.valueDate).toBe(AS_OF);
        }
        for (const [tradeNo, sum] of allocated) {
            const t = trades.get(tradeNo);
            expect(sum).toBeLessThanOrEqual(t?.input.lines.reduce((s, l) => s + l.amount, 0) ?? 0);
        }
        expect(m.receipts.filter((r) => r.expect?.outcome === 'REJECTED')).toHaveLength(2);
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
        expect(m.exemptions).toHaveLength(1);
        for (const e of m.exemptions) {
            expect(e).toMatchObject({ filedBy: 'V-0001', input: { period: '2026-12' } });
            expect(e.expect).toEqual({ outcome: 'REJECTED', code: 'RULE_V28' });
        }
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
        for (const d of m.declarations) expect(d.input.declNo).toMatch(/^2920\d{4}0\d{9}$/);
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
        const expected = m.fraudCases
            .map(
                (f) =>
                    `${f.pattern} ${f.expected.outcome === 'REJECTED' ? f.expected.code : `flag ${f.expected.ruleId}`}`,
            )
            .sort();
        expect(expected).toEqual([
            'F10 RULE_V28',
            'F11 flag F11',
            'F2 RULE_V25',
            'F2 RULE_V33',
            'F3 flag F3',
            'F4 flag F4',
            'OWN FORBIDDEN',
            'V01 RULE_V01',
            'V05 RULE_V05',
            'V25 RULE_V25',
        ]);
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
        const vendors = full.parties.filter((p) => p.input.type === 'MERCHANT');
        expect(vendors.length).toBeGreaterThanOrEqual(300);
        expect(new Set(vendors.map((v) => v.input.stallNo?.slice(0, 2))).size).toBe(5);
        const countries = new Set(full.parties.filter((p) => p.input.type === 'BUYER').map((p) => p.input.nationality));
        expect(countries.size).toBeGreaterThanOrEqual(30);
        expect(full.trades.length).toBeGreaterThan(2000);
        expect(new Set(vendors.map((v) => v.category)).size).toBe(CATEGORIES.length);
    });
});

describe('any seed', () => {
    it('yields all ten fraud cases and data for every demo user, whatever the seed and the as-of date', () => {
        const problems: string[] = [];
        for (let seed = 0; seed < 60; seed++) {
            const asOf = ['2027-01-01', '2026-03-31', '2028-02-29'][seed % 3] ?? '';
            const m = generateMarket({ seed, size: 'small', asOf });
            const has = {
                cases: m.fraudCases.length === 10,
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
