import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type {
    AllocationRecord,
    CustomsEvent,
    ExemptionRecord,
    MarketCluster,
} from '../../../../chaincode/src/model/records';
import { applyBlock, parseBlock, type OrgReadModel } from '../../../../gateway/src/projection';
import { bearer, errorOf, harness, type Harness } from '../harness';
import { buildBlock, CHAINCODE, compositeKey, type TxSpec, type WriteSpec } from './blocks';
import {
    declaration,
    declarationWrite,
    party,
    partyWrite,
    receipt,
    receiptWrite,
    riskWrite,
    signature,
    trade,
    tradeWrite,
} from './records';
import { DIALECTS, newTestModel, type TestModel } from './support';

/**
 * The market views over a real read model, on SQLite and PostgreSQL: the pilot's indicators per cluster and month
 * with the figures a commerce bureau would check by hand, every figure's `records` link listing exactly the records
 * it counts, and the risk score whose every point cites its records, as the permission table allows.
 */

interface Indicator {
    value: number | null;
    count: number;
    records: string;
    base?: Indicator;
}
const NAMES = [
    'exportValueUsd',
    'exportCount',
    'growthMonthOnMonth',
    'growthYearOnYear',
    'activeVendors',
    'activeAgents',
    'activeBuyers',
    'buyerCountries',
    'flaggedOrReturnedShare',
    'incomeUsd',
    'settlementRate',
    'daysExitToIncome',
    'exemptionFilings',
    'exemptionFilingRate',
    'clearanceDays',
] as const;
type Month = Record<(typeof NAMES)[number], Indicator> & { month: string };

interface IndicatorsBody {
    clusterId: string | null;
    months: Month[];
    readModel: { org: string; current: boolean };
}
interface RiskBody {
    score: number;
    band: string;
    items: {
        reason: string;
        points: number;
        en: string;
        zh: string;
        records: { kind: string; id: string; txId: string; blockNumber: number }[];
        hiddenRecords: number;
    }[];
}

const YIWU = 'YW-FUTIAN';
const DONGYANG = 'JH-DONGYANG';

function clusterWrite(clusterId: string, txId: string): WriteSpec {
    const value: MarketCluster = {
        docType: 'cluster',
        clusterId,
        name: clusterId,
        city: 'Yiwu',
        customsOffice: '2901',
        acceptanceDate: '2025-01-01',
        streets: [{ streetId: 'S1', name: 'Street 1', stalls: ['A-1-001'] }],
        filedBy: signature(txId),
    };
    return { key: compositeKey('cluster', clusterId), value };
}

/** A declaration carrying one trade, exited: one line worth `valueUsd` cents traced to the trade. */
function exportedWrite(
    declNo: string,
    tradeNo: string,
    dates: { declDate: string; releaseDate: string; exitDate: string },
    valueUsd: number,
): WriteSpec {
    const base = declaration(declNo, `tx-${declNo}`);
    const line = base.lines[0];
    if (line === undefined) throw new Error('fixture declaration has no line');
    const source = { ...line.sources[0], tradeNo, lineId: '1', valueUsd } as (typeof line.sources)[number];
    return declarationWrite({
        ...base,
        ...dates,
        tradeNos: [tradeNo],
        totalValueUsd: valueUsd,
        status: 'EXITED',
        lines: [{ ...line, valueUsd, sources: [source] }],
    });
}

function allocation(tradeNo: string, ref: string, tradeAmountMinor: number, valueDate: string): WriteSpec {
    const value: AllocationRecord = {
        docType: 'allocation',
        tradeNo,
        receiptId: `BankOrgMSP:${ref}`,
        bankMspId: 'BankOrgMSP',
        receiptAmountMinor: tradeAmountMinor,
        receiptCurrency: 'CNY',
        rate: '1',
        tradeAmountMinor,
        tradeCurrency: 'CNY',
        valueDate,
        allocatedBy: { ...signature(`tx-${ref}`, 'BankOrgMSP', 'bank'), party: 'BK001' },
    };
    return { key: compositeKey('allocation', tradeNo, 'BankOrgMSP', ref), value };
}

function returnedEvent(declNo: string, seq: number): WriteSpec {
    const value: CustomsEvent = {
        docType: 'customsEvent',
        declNo,
        seq,
        type: 'RETURNED',
        fromStatus: 'SUBMITTED',
        toStatus: 'RETURNED',
        by: signature(`tx-ret-${declNo}`, 'CustomsOrgMSP', 'customs'),
    };
    return { key: compositeKey('customsEvent', declNo, String(seq).padStart(4, '0')), value };
}

function exemption(
    filingNo: string,
    merchantId: string,
    exportMonth: string,
    status: ExemptionRecord['status'],
): WriteSpec {
    const value: ExemptionRecord = {
        docType: 'exemption',
        filingNo,
        merchantId,
        filerPartyId: merchantId,
        filerRole: 'vendor',
        period: '2026-11',
        exportMonth,
        tradeNos: [],
        declNos: [],
        status,
        filedBy: signature(`tx-${filingNo}`, 'MarketOrgMSP', 'vendor'),
    };
    return { key: compositeKey('exemption', filingNo), value };
}

const one = (txId: string, ...writes: WriteSpec[]): TxSpec => ({ txId, writes });

/**
 * Yiwu in October 2026: D-1 (T-1, fully paid 15 days after exit) and D-2 (T-2, half paid, flagged) exit; the
 * month before D-6 (returned once, never paid), a year before D-5. Dongyang: D-3. T-4 is cancelled.
 */
function marketBlocks(): TxSpec[][] {
    const parties = [
        party('M001', 'p1', { status: 'ACTIVE' }),
        party('M002', 'p2', { clusterId: DONGYANG, status: 'ACTIVE' }),
        party('A001', 'p3', { type: 'AGENT', status: 'ACTIVE' }),
        party('A002', 'p4', { type: 'AGENT', status: 'ACTIVE' }),
        party('B001', 'p5', { type: 'BUYER', countryCode: 'AE', status: 'ACTIVE' }),
        party('B002', 'p6', { type: 'BUYER', countryCode: 'US', status: 'ACTIVE' }),
        party('B003', 'p7', { type: 'BUYER', countryCode: 'FR', status: 'ACTIVE' }),
        party('BK001', 'p8', { type: 'BANK', orgMspId: 'BankOrgMSP', status: 'ACTIVE' }),
    ].map((p) => one(`tx-${p.partyId}`, partyWrite(p)));
    const t = (tradeNo: string, overrides: Parameters<typeof trade>[2]): TxSpec =>
        one(`tx-${tradeNo}`, tradeWrite(trade(tradeNo, `tx-${tradeNo}`, overrides)));
    const trades = [
        t('T-1', { tradeDate: '2026-09-20', declNo: 'D-1', status: 'EXPORTED' }),
        t('T-2', { tradeDate: '2026-10-02', agentId: 'A002', buyerId: 'B002', declNo: 'D-2', status: 'EXPORTED' }),
        t('T-3', { tradeDate: '2026-10-03', vendorId: 'M002', clusterId: DONGYANG, declNo: 'D-3', status: 'EXPORTED' }),
        t('T-4', { tradeDate: '2026-10-04', buyerId: 'B003', status: 'CANCELLED' }),
        t('T-5', { tradeDate: '2025-10-10', declNo: 'D-5', status: 'EXPORTED' }),
        t('T-6', { tradeDate: '2026-09-01', declNo: 'D-6', status: 'EXPORTED' }),
    ];
    const exported = [
        one(
            'tx-D-1',
            exportedWrite(
                'D-1',
                'T-1',
                { declDate: '2026-10-01', releaseDate: '2026-10-03', exitDate: '2026-10-05' },
                21700,
            ),
        ),
        one(
            'tx-D-2',
            exportedWrite(
                'D-2',
                'T-2',
                { declDate: '2026-10-08', releaseDate: '2026-10-10', exitDate: '2026-10-12' },
                30000,
            ),
        ),
        one(
            'tx-D-3',
            exportedWrite(
                'D-3',
                'T-3',
                { declDate: '2026-10-09', releaseDate: '2026-10-10', exitDate: '2026-10-15' },
                5000,
            ),
        ),
        one(
            'tx-D-5',
            exportedWrite(
                'D-5',
                'T-5',
                { declDate: '2025-10-15', releaseDate: '2025-10-16', exitDate: '2025-10-20' },
                10000,
            ),
        ),
        one(
            'tx-D-6',
            exportedWrite(
                'D-6',
                'T-6',
                { declDate: '2026-09-10', releaseDate: '2026-09-12', exitDate: '2026-09-15' },
                20000,
            ),
        ),
        one('tx-ret-D-6', returnedEvent('D-6', 1)),
    ];
    const money = [
        one('tx-R1', receiptWrite(receipt('R1', 'tx-R1')), allocation('T-1', 'R1', 155000, '2026-10-20')),
        one('tx-R2', receiptWrite(receipt('R2', 'tx-R2')), allocation('T-2', 'R2', 77500, '2026-10-25')),
        one('tx-F1', riskWrite('F-1', 'tx-F1', { subjectType: 'trade', subjectId: 'T-2', severity: 'MEDIUM' })),
        one('tx-F2', riskWrite('F-2', 'tx-F2', { subjectType: 'party', subjectId: 'M001', status: 'CLEARED' })),
        one('tx-E1', exemption('EX-1', 'M001', '2026-10', 'FILED')),
        one('tx-E2', exemption('EX-2', 'M001', '2026-10', 'WITHDRAWN')),
        one('tx-E3', exemption('EX-3', 'M002', '2026-10', 'FILED')),
    ];
    return [
        [one('tx-C1', clusterWrite(YIWU, 'tx-C1'), clusterWrite(DONGYANG, 'tx-C1'))],
        parties,
        trades,
        exported,
        money,
    ];
}

describe.each(DIALECTS)('market views on %s', (dialect) => {
    let model: TestModel;
    let h: Harness;
    const keys: Record<string, string> = {};

    const get = (who: string, path: string, query: Record<string, string> = {}): request.Test =>
        request(h.app)
            .get(path)
            .set(bearer(keys[who] ?? ''))
            .query(query);

    async function body<T>(who: string, path: string, query: Record<string, string> = {}): Promise<T> {
        const res = await get(who, path, query);
        expect([res.status, res.body]).toEqual([200, expect.anything()]);
        return res.body as T;
    }

    /** Every row a work-list URL lists, following nextCursor. */
    async function listed(who: string, url: string, limit = 200): Promise<Record<string, unknown>[]> {
        const rows: Record<string, unknown>[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 50; pages++) {
            const target: string =
                cursor === null
                    ? `${url}&limit=${String(limit)}`
                    : `${url}&limit=${String(limit)}&cursor=${encodeURIComponent(cursor)}`;
            const page = await body<{ items: Record<string, unknown>[]; nextCursor: string | null }>(who, target);
            rows.push(...page.items);
            cursor = page.nextCursor;
            if (cursor === null) break;
        }
        return rows;
    }

    const october = (answer: IndicatorsBody): Month => {
        const month = answer.months.find((m) => m.month === '2026-10');
        if (month === undefined) throw new Error('no October in the answer');
        return month;
    };

    beforeAll(async () => {
        model = await newTestModel(dialect);
        const { database } = model;
        let block = 0;
        for (const txs of [[one('genesis')], ...marketBlocks()]) {
            await applyBlock(database.db, parseBlock(buildBlock(block, txs), CHAINCODE));
            block += 1;
        }
        const readModel: OrgReadModel = {
            database,
            status: () =>
                Promise.resolve({
                    org: 'MarketOrg',
                    state: 'following',
                    lastBlock: block - 1,
                    peerHeight: block,
                    lagBlocks: 0,
                    transactions: 0,
                    database: 'test',
                }),
        };
        h = harness({ readModels: { readModel: () => readModel } });
        keys.operator = h.user('MarketOrg', 'operator1', 'operator', null);
        keys.customs = h.user('CustomsOrg', 'customs1', 'customs', null);
        keys.vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'M001');
        keys.bank = h.user('BankOrg', 'bank1', 'bank', 'BK001');
    });

    afterAll(async () => {
        h.cleanup();
        await model.cleanup();
    });

    describe('indicators', () => {
        it("gives Yiwu's October the figures counted by hand", async () => {
            const answer = await body<IndicatorsBody>('operator', `/v1/views/clusters/${YIWU}/indicators`, {
                from: '2026-09',
                to: '2026-10',
            });
            const oct = october(answer);
            const figures = Object.fromEntries(NAMES.map((name) => [name, oct[name].value]));

            expect(answer.months.map((m) => m.month)).toEqual(['2026-09', '2026-10']);
            expect(figures).toEqual({
                exportValueUsd: 51700,
                exportCount: 2,
                growthMonthOnMonth: 1.585, // against D-6's 20000 in September
                growthYearOnYear: 4.17, // against D-5's 10000 in October 2025
                activeVendors: 1, // T-2 (T-1 is September's, T-4 cancelled)
                activeAgents: 1,
                activeBuyers: 1,
                buyerCountries: 1,
                flaggedOrReturnedShare: 0.5, // D-2: its trade is flagged
                incomeUsd: 36700, // D-1 in full, half of D-2
                settlementRate: 0.7099,
                daysExitToIncome: 15, // D-1: exit 10-05, paid 10-20
                exemptionFilings: 1, // EX-1 (EX-2 withdrawn, EX-3 a Dongyang merchant's)
                exemptionFilingRate: 1,
                clearanceDays: 2,
            });
            expect(answer.readModel).toMatchObject({ org: 'MarketOrg', current: true });
        });

        it('the market-wide view adds the other cluster: every cluster, distinct parties counted once', async () => {
            const answer = await body<IndicatorsBody>('customs', '/v1/views/market/indicators', {
                from: '2026-10',
                to: '2026-10',
            });
            const oct = october(answer);

            expect(answer.clusterId).toBeNull();
            expect([oct.exportCount.value, oct.exportValueUsd.value]).toEqual([3, 56700]);
            expect([oct.activeVendors.value, oct.activeAgents.value, oct.activeBuyers.value]).toEqual([2, 2, 2]);
            expect(oct.buyerCountries.value).toBe(2);
            expect([oct.exemptionFilings.value, oct.exemptionFilingRate.value]).toEqual([2, 1]);
        });

        it.each([
            ['Yiwu', `/v1/views/clusters/${YIWU}/indicators`],
            ['Dongyang', `/v1/views/clusters/${DONGYANG}/indicators`],
            ['the market', '/v1/views/market/indicators'],
        ])(
            'every figure of %s links to a work list of exactly the records it counts',
            async (_name, path) => {
                const answer = await body<IndicatorsBody>('operator', path, { from: '2026-09', to: '2026-10' });
                let checked = 0;
                let nonEmpty = 0;
                for (const month of answer.months) {
                    for (const [name, indicator] of Object.entries(month)) {
                        if (name === 'month') continue;
                        for (const figure of [indicator as Indicator, (indicator as Indicator).base]) {
                            if (figure === undefined) continue;
                            const rows = await listed('operator', figure.records);
                            expect([month.month, name, rows.length]).toEqual([month.month, name, figure.count]);
                            checked += 1;
                            if (rows.length > 0) nonEmpty += 1;
                        }
                    }
                }
                // guard: the links were followed, and many of them list something
                expect(checked).toBe(2 * 20);
                expect(nonEmpty).toBeGreaterThan(10);
            },
            60_000,
        );

        it('the records of a count are the right ones: October’s flagged-or-returned export is D-2', async () => {
            const answer = await body<IndicatorsBody>('operator', `/v1/views/clusters/${YIWU}/indicators`, {
                from: '2026-10',
                to: '2026-10',
            });
            const rows = await listed('operator', october(answer).flaggedOrReturnedShare.records, 1);
            const buyers = await listed('operator', october(answer).activeBuyers.records, 1);

            expect(rows.map((row) => row.declNo)).toEqual(['D-2']);
            expect(buyers.map((row) => row.partyId)).toEqual(['B002']);
        });

        it.each(['vendor', 'bank'])('a %s may not read the indicators (403, nothing counted)', async (who) => {
            const res = await get(who, `/v1/views/clusters/${YIWU}/indicators`, { from: '2026-10', to: '2026-10' });

            expect(res.status).toBe(403);
            expect(errorOf(res).code).toBe('FORBIDDEN');
        });

        it.each([
            [{ from: '2026-13', to: '2026-10' }, 'from'],
            [{ from: '2026-10', to: '2026-09' }, 'from'],
            [{ from: '2024-01', to: '2026-10' }, 'to'],
            [{ from: '2026-10' }, 'to'],
        ])('refuses the bad span %j naming %s', async (query, name) => {
            const res = await get('operator', '/v1/views/market/indicators', query);

            expect(res.status).toBe(400);
            expect(errorOf(res).message).toContain(name);
        });

        it('an unregistered cluster is a 404 in English and Chinese', async () => {
            const res = await get('operator', '/v1/views/clusters/NO-SUCH/indicators', {
                from: '2026-10',
                to: '2026-10',
            });

            expect(res.status).toBe(404);
            expect(errorOf(res).message).toMatch(/not registered .*未登记/);
        });
    });

    describe('risk score', () => {
        it("M001's score cites a record for every point; income overdue counts only after 90 days", async () => {
            const early = await body<RiskBody>('operator', '/v1/views/parties/M001/risk-score', { asOf: '2026-11-01' });
            const late = await body<RiskBody>('operator', '/v1/views/parties/M001/risk-score', { asOf: '2027-02-01' });
            const summary = (score: RiskBody): string[] =>
                score.items.map(
                    (item) => `${item.reason} ${String(item.points)} ${item.records.map((r) => r.id).join(',')}`,
                );

            expect(summary(early)).toEqual([
                'FLAG_OPEN_MEDIUM 15 F-1',
                'DECLARATION_RETURNED 10 D-6/1',
                'TRADE_CANCELLED 2 T-4',
                'INCOME_MISSING 15 T-5',
            ]);
            expect([early.score, early.band]).toEqual([42, 'MEDIUM']);
            expect([late.score, late.band]).toEqual([72, 'HIGH']);
            expect(late.items.filter((i) => i.reason === 'INCOME_MISSING').map((i) => i.records[0]?.id)).toEqual([
                'T-2',
                'T-5',
                'T-6',
            ]);
            for (const item of late.items) {
                expect(item.records.length).toBeGreaterThan(0);
                expect(item.records.every((r) => r.txId !== '' && r.blockNumber > 0)).toBe(true);
                expect(item.zh).not.toBe(item.en);
            }
        });

        it('a bank scores a payee of its receipts but sees cited only the trades its receipts rely on (V34)', async () => {
            const score = await body<RiskBody>('bank', '/v1/views/parties/M001/risk-score', { asOf: '2027-02-01' });
            const cited = score.items.flatMap((item) => item.records.map((r) => r.id));

            expect(score.score).toBe(72);
            expect(cited.sort()).toEqual(['F-1', 'T-2']);
            expect(score.items.reduce((n, item) => n + item.hiddenRecords, 0)).toBe(4);
        });

        it('a bank asking about a party its receipts do not rely on gets 404, like an unknown party', async () => {
            const other = await get('bank', '/v1/views/parties/M002/risk-score');
            const unknown = await get('operator', '/v1/views/parties/M404/risk-score');

            expect([other.status, unknown.status]).toEqual([404, 404]);
        });

        it('a vendor may not read risk scores, not even its own', async () => {
            const res = await get('vendor', '/v1/views/parties/M001/risk-score');

            expect(res.status).toBe(403);
        });
    });
});
