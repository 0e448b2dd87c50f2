import { beforeAll, describe, expect, it } from '@jest/globals';
import { Facts } from '../../../chaincode/src/facts/facts';
import {
    REASON_CODES,
    checkDeclaration,
    type CheckSnapshot,
    type ReasonCode,
    type Severity,
} from '../../../chaincode/src/rules/customs-check';
import * as id from './support/identities';
import { DECL1, World } from './support/world';
import {
    type Declaration,
    type ExchangeRates,
    type NegativeList,
    type Party,
    type Trade,
} from '../../../chaincode/src/model/records';
import { loadDeclaration } from '../../../chaincode/src/store/loaders';

/** Every reason code of CU-01..CU-08: a clean snapshot from a real declaration, then one defect at a time. */
let base: CheckSnapshot;

type Mutation = (s: CheckSnapshot) => CheckSnapshot;
const m = (mutate: Mutation, severity: Severity): [Mutation, Severity] => [mutate, severity];
const decl = (s: CheckSnapshot, patch: Partial<Declaration>): CheckSnapshot => ({
    ...s,
    declaration: { ...s.declaration, ...patch },
});
const trade = (s: CheckSnapshot, tradeNo: string, patch: Partial<Trade> | undefined): CheckSnapshot => {
    const trades = new Map(s.trades);
    const current = trades.get(tradeNo);
    trades.set(tradeNo, patch === undefined || current === undefined ? undefined : { ...current, ...patch });
    return { ...s, trades };
};
const party = (s: CheckSnapshot, partyId: string, patch: Partial<Party> | undefined): CheckSnapshot => {
    const parties = new Map(s.parties);
    const current = parties.get(partyId);
    parties.set(partyId, patch === undefined || current === undefined ? undefined : { ...current, ...patch });
    return { ...s, parties };
};
const line0 = (s: CheckSnapshot): Declaration['lines'][number] => {
    const l = s.declaration.lines[0];
    if (l === undefined) throw new Error('no line');
    return l;
};
const withLine0 = (s: CheckSnapshot, patch: Partial<Declaration['lines'][number]>): CheckSnapshot =>
    decl(s, { lines: [{ ...line0(s), ...patch }, ...s.declaration.lines.slice(1)] });
const list = (entries: NegativeList['entries']): NegativeList => ({
    docType: 'negativeList',
    version: 7,
    validFrom: '2020-01-01',
    entries,
    publishedBy: line0(base) as never,
});

/** The declared trades in CNY, customs' CNY rate for the month at `customsRate`, the declaration's record at `declared`. */
const inCny = (s: CheckSnapshot, customsRate: string, declared: string): CheckSnapshot => {
    const customsRates: ExchangeRates = {
        docType: 'exchangeRates',
        month: '2024-03',
        version: 1,
        rates: [{ currency: 'CNY', rate: customsRate }],
        publishedBy: s.declaration.filedBy,
    };
    return {
        ...decl(s, { rates: [{ currency: 'CNY', rate: declared }] }),
        customsRates,
        builderLines: s.builderLines.map((l) => ({ ...l, currency: 'CNY' })),
    };
};

/** The snapshot as of `days` after an exit on 2024-03-20, each trade allocated `share` of its value (rounded up). */
const settledShare = (s: CheckSnapshot, share: number, days: number): CheckSnapshot => ({
    ...s,
    declaration: { ...s.declaration, status: 'EXITED', exitDate: '2024-03-20' },
    asOf: new Date(Date.parse('2024-03-20') + days * 86_400_000).toISOString().slice(0, 10),
    allocations: new Map(
        [...s.trades].map(([tradeNo, t]) => [tradeNo, [Math.ceil(((t?.totalAmount ?? 0) * share) / 100)]]),
    ),
});

const MUTATIONS: Record<ReasonCode, [Mutation, Severity]> = {
    CU01_OVER_CAP: m((s) => decl(s, { totalValueUsd: 15_000_001 }), 'FAIL'),
    // V31: a CNY 1 = USD 1 declaration measured at customs' CNY 1 = USD 1000
    CU01_OVER_CAP_AT_CUSTOMS_RATES: m((s) => inCny(s, '1000', '1'), 'FAIL'),
    CU01_TOTAL_MISMATCH: m((s) => decl(s, { totalValueUsd: s.declaration.totalValueUsd + 1 }), 'FAIL'),
    CU02_TRADE_MISSING: m((s) => trade(s, 'T2', undefined), 'FAIL'),
    CU02_TRADE_NOT_CONFIRMED: m((s) => trade(s, 'T1', { status: 'CANCELLED' }), 'FAIL'),
    CU02_PARTY_NOT_FILED: m((s) => party(s, 'V1', undefined), 'FAIL'),
    CU02_PARTY_REVOKED: m((s) => party(s, 'A1', { status: 'REVOKED' }), 'FAIL'),
    CU02_PARTY_SUSPENDED: m((s) => party(s, 'A1', { status: 'SUSPENDED' }), 'REFER'),
    CU02_STALL_NOT_IN_CLUSTER: m((s) => trade(s, 'T1', { stallNo: 'S99' }), 'FAIL'),
    CU02_GOODS_NOT_REGISTERED: m(
        (s) => ({ ...s, goods: new Map([...s.goods].map(([k, g]) => [k, k === 'G1' ? undefined : g])) }),
        'FAIL',
    ),
    CU02_PRODUCER_NOT_ACTIVE: m((s) => party(s, 'P1', { status: 'SUSPENDED' }), 'FAIL'),
    CU03_NEGATIVE_LIST: m((s) => ({ ...s, negativeList: list([{ hsPrefix: '9503', reason: 'toys barred' }]) }), 'FAIL'),
    CU04_RECOMPUTE_FAILED: m((s) => ({ ...s, builderLines: [] }), 'FAIL'),
    CU04_RATE_NOT_PUBLISHED: m(
        (s) => ({ ...s, builderLines: s.builderLines.map((l) => ({ ...l, currency: 'EUR' })) }),
        'FAIL',
    ),
    // the cheat: converted at a rate of the declarant's choosing (the values agree with it, not with customs)
    CU04_RATE_NOT_CUSTOMS: m((s) => inCny(s, '1', '0.1'), 'FAIL'),
    CU04_LINE_COUNT: m((s) => decl(s, { lines: s.declaration.lines.slice(1) }), 'FAIL'),
    CU04_HS_MISMATCH: m((s) => withLine0(s, { hsCode: '6109100099' }), 'FAIL'),
    CU04_ITEMISATION_MISMATCH: m((s) => withLine0(s, { isItemised: false, mergedChapter: '61' }), 'FAIL'),
    CU04_VALUE_MISMATCH: m((s) => withLine0(s, { valueUsd: line0(s).valueUsd * 2 }), 'FAIL'),
    CU04_VALUE_ROUNDING: m((s) => withLine0(s, { valueUsd: line0(s).valueUsd + 1 }), 'REFER'),
    CU04_SOURCES_MISMATCH: m((s) => withLine0(s, { sources: [] }), 'FAIL'),
    CU05_PACKING_MISSING: m((s) => ({ ...s, packing: undefined }), 'FAIL'),
    CU05_TRADE_NOT_IN_PACKING: m((s) => trade(s, 'T1', { packingNo: 'PK-OTHER' }), 'FAIL'),
    CU05_ORDER_MISMATCH: m((s) => trade(s, 'T1', { consolidationOrder: 'O-OTHER' }), 'FAIL'),
    CU05_ORDER_NOT_IN_CONTAINER: m(
        (s) =>
            s.packing === undefined
                ? s
                : { ...s, packing: { ...s.packing, containers: [...s.packing.containers, ...s.packing.containers] } },
        'FAIL',
    ),
    CU05_TRADE_IN_OTHER_DECLARATION: m((s) => trade(s, 'T1', { declNo: '292020240000000077' }), 'FAIL'),
    CU05_LINE_LINK_MISMATCH: m((s) => withLine0(s, { sources: [...line0(s).sources, ...line0(s).sources] }), 'FAIL'),
    CU06_BUYER_MISMATCH: m((s) => trade(s, 'T2', { buyerId: 'B2' }), 'FAIL'),
    CU06_BUYER_NOT_FILED: m((s) => party(s, 'B1', undefined), 'FAIL'),
    CU06_REMARK_MISMATCH: m((s) => party(s, 'B1', { nationality: 'RU' }), 'FAIL'),
    CU07_UNTRACEABLE_LINE: m((s) => withLine0(s, { sources: [] }), 'FAIL'),
    CU07_OPEN_RISK_FLAGS: m((s) => ({ ...s, openFlags: [{ ruleId: 'F3' } as never] }), 'REFER'),
    CU08_SETTLED: m((s) => settledShare(s, 95, 400), 'INFO'),
    CU08_AWAITING_RECEIPTS: m((s) => settledShare(s, 94, 90), 'INFO'),
    CU08_UNSETTLED_90_DAYS: m((s) => settledShare(s, 94, 91), 'REFER'),
};
const RESULT: Record<Severity, string> = { INFO: 'PASS', REFER: 'REFER', FAIL: 'FAIL' };

describe('customs declaration check (CU-01..CU-08)', () => {
    beforeAll(async () => {
        const w = await World.market();
        await w.declared(DECL1, {
            T1: [
                { goods: 'G1', qty: 100, unitPrice: 500 },
                { goods: 'G3', qty: 10, unitPrice: 700 },
            ],
            T2: [{ goods: 'G2', qty: 10, unitPrice: 3000 }],
        });
        base = await w.ledger.evaluate(id.customs(), async (ctx) =>
            new Facts(ctx).forCustomsCheck(await loadDeclaration(ctx, DECL1)),
        );
    }, 30_000);

    it('passes every check on a clean declaration', () => {
        const report = checkDeclaration(base);
        expect(report.verdict).toBe('PASS');
        expect(report.checks.map((c) => c.id)).toEqual([
            'CU-01',
            'CU-02',
            'CU-03',
            'CU-04',
            'CU-05',
            'CU-06',
            'CU-07',
            'CU-08',
        ]);
        expect(report.checks.at(-1)?.reasons.map((r) => r.code)).toEqual(['CU08_AWAITING_RECEIPTS']);
    });

    it('reports CU-08 in amounts only: value and allocated per trade, and the days unsettled after exit', () => {
        const report = checkDeclaration({ ...settledShare(base, 50, 30), asOf: '2024-04-19' });
        expect(report.verdict).toBe('PASS');
        expect(report.settlement).toEqual({
            trades: [
                {
                    tradeNo: 'T1',
                    currency: 'USD',
                    valueMinor: 57_000,
                    allocatedMinor: 28_500,
                    allocationCount: 1,
                    settled: false,
                },
                {
                    tradeNo: 'T2',
                    currency: 'USD',
                    valueMinor: 30_000,
                    allocatedMinor: 15_000,
                    allocationCount: 1,
                    settled: false,
                },
            ],
            unsettledDays: 30,
        });
        expect(JSON.stringify(report.settlement)).not.toMatch(/Bank|MSP|receipt/i);
    });

    it('settles a trade at its value less 5 %, not one minor unit below', () => {
        const at = (allocated: number): string | undefined =>
            checkDeclaration({
                ...settledShare(base, 100, 200),
                allocations: new Map([
                    ['T1', [57_000]],
                    ['T2', [allocated]],
                ]),
            }).checks.at(-1)?.reasons[0]?.code;
        expect(at(28_500)).toBe('CU08_SETTLED');
        expect(at(28_499)).toBe('CU08_UNSETTLED_90_DAYS');
    });

    it('has a test case for every reason code', () => {
        expect(Object.keys(MUTATIONS).sort()).toEqual([...REASON_CODES].sort());
    });

    it.each(Object.entries(MUTATIONS))('%s', (code, [mutate, severity]) => {
        const report = checkDeclaration(mutate(base));
        const reasons = report.checks.flatMap((c) => c.reasons);
        expect(reasons).toContainEqual(expect.objectContaining({ code, severity }));
        expect(report.checks.find((c) => c.id === `CU-${code.slice(2, 4)}`)?.result).toBe(RESULT[severity]);
        const worst = reasons.some((r) => r.severity === 'FAIL')
            ? 'FAIL'
            : reasons.some((r) => r.severity === 'REFER')
              ? 'REFER'
              : 'PASS';
        expect(report.verdict).toBe(worst);
    });
});
