import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import request from 'supertest';
import type { ExemptionRecord } from '../../../../chaincode/src/model/records';
import {
    applyBlock,
    parseBlock,
    type OrgReadModel,
    type ProjectionStatus,
    type ReadModel,
    type ReadModelDatabase,
} from '../../../../gateway/src/projection';
import {
    escapeLike,
    listDeclarations,
    listParties,
    listReceipts,
    listRiskFlags,
    listTrades,
    type ReadModelHandle,
} from '../../../../gateway/src/worklists';
import { bearer, errorOf, harness, type Harness } from '../harness';
import { buildBlock, CHAINCODE, compositeKey, type TxSpec, type WriteSpec } from './blocks';
import {
    allocationWrite,
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
 * The work lists (GET /v1/worklists/…) over a real read model, the same suite on SQLite and PostgreSQL: scoping as
 * the ledger's permission table says whatever the filters, keyset pages that stay right while blocks arrive between
 * them, filters and sorts, search by number and by name (Chinese included, `%` and `_` literal), bad input refused.
 */

interface TradeItem {
    tradeNo: string;
    tradeDate: string;
    vendorId: string;
    status: string;
    clusterId: string;
    allocatedAmount: number;
    receiptCount: number;
    txId: string;
    blockNumber: string;
}
interface PageBody<T> {
    items: T[];
    nextCursor: string | null;
    readModel: { org: string; lastBlock: number | null; lagBlocks: number | null; current: boolean };
}

const VENDOR_A = 'M001';
const VENDOR_B = 'M002';
const A_TRADES = 45;
const B_TRADES = 12;

/** Trade i of a vendor: dates repeat (ties broken by tradeNo), statuses cycle. */
const dateOf = (i: number): string => `2026-10-${String(1 + (i % 20)).padStart(2, '0')}`;
const STATUSES = ['CONFIRMED', 'FLAGGED', 'DECLARED'] as const;

function exemptionWrite(filingNo: string, merchantId: string, period: string, txId: string): WriteSpec {
    const value: ExemptionRecord = {
        docType: 'exemption',
        filingNo,
        merchantId,
        filerPartyId: merchantId,
        filerRole: 'vendor',
        period,
        exportMonth: '2026-10',
        tradeNos: [],
        declNos: [],
        status: 'FILED',
        filedBy: signature(txId, 'MarketOrgMSP', 'vendor'),
    };
    return { key: compositeKey('exemption', filingNo), value };
}

/** The market: two vendors in two clusters, agents, a buyer, a broker, two banks, trades, declarations, receipts. */
function marketBlocks(): TxSpec[][] {
    const parties: TxSpec[] = [
        party(VENDOR_A, 'p1', { legalName: '义乌福田小商品商行', nameEn: 'Futian Small Goods', status: 'ACTIVE' }),
        party(VENDOR_B, 'p2', {
            legalName: '金华东阳五金店',
            nameEn: 'Dongyang_Hardware 100%',
            clusterId: 'JH-DONGYANG',
            stallNo: 'B-2-002',
            status: 'ACTIVE',
        }),
        party('A001', 'p3', { type: 'AGENT', legalName: '浙江外贸代理有限公司', status: 'ACTIVE' }),
        party('A002', 'p4', { type: 'AGENT', legalName: 'Ningbo Export Agent', status: 'ACTIVE' }),
        party('B001', 'p5', { type: 'BUYER', legalName: 'Gulf Trading LLC', countryCode: 'AE', status: 'ACTIVE' }),
        party('K001', 'p6', { type: 'BROKER', legalName: '义乌报关行', status: 'ACTIVE' }),
        party('BK001', 'p7', { type: 'BANK', legalName: '义乌银行', orgMspId: 'BankOrgMSP', status: 'ACTIVE' }),
        party('BK002', 'p8', { type: 'BANK', legalName: 'Second Bank', orgMspId: 'Bank2OrgMSP', status: 'ACTIVE' }),
        party('M003', 'p9', { legalName: '待核实商户', status: 'SUBMITTED' }),
    ].map((p) => ({ txId: `tx-${p.partyId}`, writes: [partyWrite(p)] }));
    const trades: TxSpec[] = [];
    for (let i = 0; i < A_TRADES; i++) {
        const tradeNo = `TA-${String(i).padStart(3, '0')}`;
        trades.push({
            txId: `tx-${tradeNo}`,
            writes: [
                tradeWrite(
                    trade(tradeNo, `tx-${tradeNo}`, {
                        vendorId: VENDOR_A,
                        agentId: i % 2 === 0 ? 'A001' : 'A002',
                        tradeDate: dateOf(i),
                        status: STATUSES[i % 3],
                    }),
                ),
            ],
        });
    }
    for (let i = 0; i < B_TRADES; i++) {
        const tradeNo = `TB-${String(i).padStart(3, '0')}`;
        trades.push({
            txId: `tx-${tradeNo}`,
            writes: [
                tradeWrite(
                    trade(tradeNo, `tx-${tradeNo}`, {
                        vendorId: VENDOR_B,
                        agentId: 'A002',
                        clusterId: 'JH-DONGYANG',
                        tradeDate: dateOf(i),
                        status: STATUSES[i % 3],
                    }),
                ),
            ],
        });
    }
    const declarations: TxSpec[] = [
        ['290120261129000001', 'A001', 'SUBMITTED', '2901', '2026-11-01'],
        ['290120261129000002', 'A001', 'RETURNED', '2901', '2026-11-02'],
        ['290120261129000003', 'A002', 'ON_HOLD', '2901', '2026-11-03'],
        ['290220261129000004', 'A002', 'RELEASED', '2902', '2026-11-04'],
    ].map(([declNo = '', consignorId = '', status, customsOffice = '', declDate = '']) => ({
        txId: `tx-${declNo}`,
        writes: [
            declarationWrite(
                declaration(declNo, `tx-${declNo}`, {
                    consignorId,
                    status: status as 'SUBMITTED',
                    customsOffice,
                    declDate,
                }),
            ),
        ],
    }));
    const money: TxSpec[] = [
        {
            txId: 'tx-R1',
            writes: [receiptWrite(receipt('R1', 'tx-R1')), allocationWrite('TA-000', 'R1', 'tx-R1')],
        },
        {
            txId: 'tx-R2',
            writes: [receiptWrite(receipt('R2', 'tx-R2', { status: 'SETTLED', valueDate: '2026-11-20' }))],
        },
        {
            txId: 'tx-R3',
            writes: [receiptWrite(receipt('R3', 'tx-R3', { status: 'ALLOCATED', currency: 'CNY', amountMinor: 500 }))],
        },
        {
            txId: 'tx-R9',
            writes: [
                receiptWrite(
                    receipt('R9', 'tx-R9', {
                        receiptId: 'Bank2OrgMSP:R9',
                        bankMspId: 'Bank2OrgMSP',
                        bankPartyId: 'BK002',
                        payeePartyId: VENDOR_B,
                    }),
                ),
            ],
        },
        { txId: 'tx-F1', writes: [riskWrite('F-1', 'tx-F1')] },
        { txId: 'tx-F2', writes: [riskWrite('F-2', 'tx-F2', { status: 'CLEARED' })] },
        { txId: 'tx-E1', writes: [exemptionWrite('EX-1', VENDOR_A, '2026-11', 'tx-E1')] },
        { txId: 'tx-E2', writes: [exemptionWrite('EX-2', VENDOR_B, '2026-11', 'tx-E2')] },
    ];
    return [parties, trades.slice(0, 30), trades.slice(30), declarations, money];
}

const following = (org: string, lastBlock: number, lagBlocks = 0): ProjectionStatus => ({
    org,
    state: 'following',
    lastBlock,
    peerHeight: lastBlock + 1 + lagBlocks,
    lagBlocks,
    transactions: 0,
    database: 'test',
});

describe.each(DIALECTS)('work lists on %s', (dialect) => {
    let model: TestModel;
    let database: ReadModelDatabase;
    let h: Harness;
    let nextBlock = 0;
    let lag = 0;
    const asked: string[] = [];
    const keys: Record<string, string> = {};

    async function append(txs: TxSpec[]): Promise<void> {
        await applyBlock(database.db, parseBlock(buildBlock(nextBlock, txs), CHAINCODE));
        nextBlock += 1;
    }

    const get = (who: string, path: string, query: Record<string, string> = {}): request.Test =>
        request(h.app)
            .get(`/v1/worklists/${path}`)
            .set(bearer(keys[who] ?? ''))
            .query(query);

    async function page<T>(who: string, path: string, query: Record<string, string> = {}): Promise<PageBody<T>> {
        const res = await get(who, path, query);
        expect([res.status, res.body]).toEqual([200, expect.anything()]);
        return res.body as PageBody<T>;
    }

    /** Every page of a list, following nextCursor; `between` runs after each page. */
    async function allPages<T>(
        who: string,
        path: string,
        query: Record<string, string>,
        between?: (pageNo: number) => Promise<void>,
    ): Promise<T[]> {
        const items: T[] = [];
        let cursor: string | null = null;
        let pageNo = 0;
        do {
            const body: PageBody<T> = await page<T>(who, path, cursor === null ? query : { ...query, cursor });
            items.push(...body.items);
            cursor = body.nextCursor;
            pageNo += 1;
            await between?.(pageNo);
        } while (cursor !== null && pageNo < 100);
        return items;
    }

    beforeAll(async () => {
        model = await newTestModel(dialect);
        database = model.database;
        await append([{ txId: 'genesis', writes: [] }]);
        for (const txs of marketBlocks()) await append(txs);
        const readModel: OrgReadModel = {
            database,
            status: () => Promise.resolve(following('MarketOrg', nextBlock - 1, lag)),
        };
        h = harness({
            readModels: {
                readModel: (org) => {
                    asked.push(org);
                    return org === 'Bank9Org' ? undefined : readModel;
                },
            },
        });
        keys.vendorA = h.user('MarketOrg', 'vendorA', 'vendor', VENDOR_A);
        keys.vendorB = h.user('MarketOrg', 'vendorB', 'vendor', VENDOR_B);
        keys.unfiledVendor = h.user('MarketOrg', 'vendorX', 'vendor', 'M404');
        keys.agent1 = h.user('MarketOrg', 'agent1', 'agent', 'A001');
        keys.operator = h.user('MarketOrg', 'operator1', 'operator', null);
        keys.customs = h.user('CustomsOrg', 'customs1', 'customs', null);
        keys.bank = h.user('BankOrg', 'bank1', 'bank', 'BK001');
        keys.bank9 = h.user('Bank9Org', 'bank9', 'bank', 'BK009');
    });

    afterAll(async () => {
        h.cleanup();
        await model.cleanup();
    });

    describe('scoping: exactly the ledger reads', () => {
        it("a vendor pages through exactly its own trades, newest first, and never another vendor's", async () => {
            const items = await allPages<TradeItem>('vendorA', 'trades', { limit: '7' });

            expect(items).toHaveLength(A_TRADES);
            expect(new Set(items.map((t) => t.tradeNo)).size).toBe(A_TRADES);
            expect(items.every((t) => t.vendorId === VENDOR_A)).toBe(true);
            const order = items.map((t) => [t.tradeDate, t.tradeNo].join(' '));
            expect(order).toEqual([...order].sort().reverse());
            expect(asked.at(-1)).toBe('MarketOrg');
        });

        it.each([
            ['party', { party: VENDOR_B }],
            ['cluster', { cluster: 'JH-DONGYANG' }],
            ['tradeNo search', { q: 'TB-' }],
            ['name search (CJK)', { q: '金华东阳' }],
            ['every filter at once', { party: VENDOR_B, cluster: 'JH-DONGYANG', status: 'CONFIRMED,FLAGGED' }],
        ])('vendor A tampering with %s still sees none of vendor B’s trades', async (_what, query) => {
            const body = await page<TradeItem>('vendorA', 'trades', query);

            expect(body.items.filter((t) => t.vendorId !== VENDOR_A)).toEqual([]);
            expect(body.items).toEqual([]);
        });

        it('the operator sees every vendor’s trades; its flagged list is status=FLAGGED', async () => {
            const all = await allPages<TradeItem>('operator', 'trades', { limit: '200' });
            const flagged = await allPages<TradeItem>('operator', 'trades', { status: 'FLAGGED', limit: '5' });

            expect(all).toHaveLength(A_TRADES + B_TRADES);
            expect(flagged.length).toBe(15 + 4);
            expect(new Set(flagged.map((t) => t.status))).toEqual(new Set(['FLAGGED']));
            expect(new Set(flagged.map((t) => t.vendorId))).toEqual(new Set([VENDOR_A, VENDOR_B]));
        });

        it('an agent lists only the declarations it is consignor of, with their customs status', async () => {
            const body = await page<{ declNo: string; consignorId: string; status: string }>('agent1', 'declarations');

            expect(body.items.map((d) => [d.declNo, d.status])).toEqual([
                ['290120261129000002', 'RETURNED'],
                ['290120261129000001', 'SUBMITTED'],
            ]);
            const tampered = await page<{ consignorId: string }>('agent1', 'declarations', { party: 'A002' });
            expect(tampered.items).toEqual([]);
        });

        it('a bank lists only its own receipts (its MSP and its party), not another bank’s', async () => {
            const items = await allPages<{ receiptId: string }>('bank', 'receipts', {});
            const tampered = await page<{ receiptId: string }>('bank', 'receipts', { party: VENDOR_B });

            expect(items.map((r) => r.receiptId).sort()).toEqual(['BankOrgMSP:R1', 'BankOrgMSP:R2', 'BankOrgMSP:R3']);
            expect(tampered.items).toEqual([]);
        });

        it('a vendor’s receipts are those paid to it', async () => {
            const mine = await page<{ receiptId: string }>('vendorB', 'receipts');

            expect(mine.items.map((r) => r.receiptId)).toEqual(['Bank2OrgMSP:R9']);
        });

        it.each([
            ['bank', 'trades'],
            ['vendorA', 'parties'],
            ['vendorA', 'declarations'],
            ['vendorA', 'risk-flags'],
            ['agent1', 'exemptions'],
        ])('%s may not read %s (403, as on the ledger)', async (who, path) => {
            const res = await get(who, path);

            expect([res.status, errorOf(res).code]).toEqual([403, 'FORBIDDEN']);
        });

        it('a vendor whose party is not filed (in this read model) reads nothing: 403', async () => {
            const res = await get('unfiledVendor', 'trades');

            expect([res.status, errorOf(res).code]).toEqual([403, 'FORBIDDEN']);
            expect(errorOf(res).message).toContain('未备案');
        });
    });

    describe('pages', () => {
        it('stay right while blocks land between them: no row twice, none lost, older inserts show up later', async () => {
            const before = (await allPages<TradeItem>('vendorA', 'trades', { limit: '200' })).map((t) => t.tradeNo);
            let inserted = 0;
            const seen = await allPages<TradeItem>('vendorA', 'trades', { limit: '10' }, async (pageNo) => {
                if (pageNo > 2) return;
                // one trade older than anything (it sorts after the cursor: the next pages show it), one newer (before it)
                const older = `TA-NEW-OLD-${pageNo}`;
                const newer = `TA-NEW-NEW-${pageNo}`;
                await append([
                    {
                        txId: `tx-${older}`,
                        writes: [tradeWrite(trade(older, `tx-${older}`, { tradeDate: '2026-01-01' }))],
                    },
                    {
                        txId: `tx-${newer}`,
                        writes: [tradeWrite(trade(newer, `tx-${newer}`, { tradeDate: '2026-12-31' }))],
                    },
                ]);
                inserted += 2;
            });
            const seenNos = seen.map((t) => t.tradeNo);

            expect(inserted).toBe(4);
            expect(new Set(seenNos).size).toBe(seenNos.length);
            expect(seenNos).toEqual(expect.arrayContaining(before));
            expect(seenNos).toEqual(expect.arrayContaining(['TA-NEW-OLD-1', 'TA-NEW-OLD-2']));
            expect(seenNos).not.toContain('TA-NEW-NEW-1');
        });

        it('sort by tradeNo ascending and descending are mirror images', async () => {
            const asc = await allPages<TradeItem>('operator', 'trades', { sort: 'tradeNo', order: 'asc', limit: '13' });
            const desc = await allPages<TradeItem>('operator', 'trades', {
                sort: 'tradeNo',
                order: 'desc',
                limit: '9',
            });

            const ascNos = asc.map((t) => t.tradeNo);
            expect(ascNos).toEqual([...ascNos].sort());
            expect(desc.map((t) => t.tradeNo)).toEqual([...ascNos].reverse());
        });

        it('each row links to the ledger fact that last changed it', async () => {
            const body = await page<TradeItem>('operator', 'trades', { q: 'TA-000' });

            expect(body.items).toEqual([
                expect.objectContaining({
                    tradeNo: 'TA-000',
                    txId: 'tx-TA-000',
                    blockNumber: '2',
                    allocatedAmount: 155000,
                }),
            ]);
            expect(body.items[0]?.receiptCount).toBe(1);
        });
    });

    describe('filters', () => {
        it('status, cluster and a trade-date range narrow the operator’s list', async () => {
            const items = await allPages<TradeItem>('operator', 'trades', {
                status: 'CONFIRMED,DECLARED',
                cluster: 'YW-FUTIAN',
                dateFrom: '2026-10-02',
                dateTo: '2026-10-05',
            });

            expect(items.length).toBeGreaterThan(0);
            expect(
                items.filter(
                    (t) =>
                        t.status === 'FLAGGED' ||
                        t.clusterId !== 'YW-FUTIAN' ||
                        t.tradeDate < '2026-10-02' ||
                        t.tradeDate > '2026-10-05',
                ),
            ).toEqual([]);
            const expected = Array.from({ length: A_TRADES }, (_, i) => i).filter(
                (i) => STATUSES[i % 3] !== 'FLAGGED' && dateOf(i) >= '2026-10-02' && dateOf(i) <= '2026-10-05',
            );
            expect(items).toHaveLength(expected.length);
        });

        it('customs: returned and held declarations of one customs office (district)', async () => {
            const body = await page<{ declNo: string; status: string }>('customs', 'declarations', {
                status: 'RETURNED,ON_HOLD',
                customsOffice: '2901',
            });

            expect(body.items.map((d) => d.declNo)).toEqual(['290120261129000003', '290120261129000002']);
        });

        it('customs: open risk flags; bank: receipts awaiting the check, and its totals', async () => {
            // this market has no financing (tests/unit/gateway/projection/gaps.test.ts has)
            const NOT_FINANCED = { financings: 0, financedMinor: 0, openFinancedMinor: 0 };
            const flags = await page<{ flagId: string }>('customs', 'risk-flags', { status: 'OPEN' });
            const awaiting = await page<{ receiptId: string }>('bank', 'receipts', { stage: 'check' });
            const totals = (await get('bank', 'receipts/totals')).body as {
                totals: { currency: string; receipts: number; settledMinor: number; allocatedMinor: number }[];
            };

            expect(flags.items.map((f) => f.flagId)).toEqual(['F-1']);
            expect(awaiting.items.map((r) => r.receiptId)).toEqual(['BankOrgMSP:R3']);
            expect(totals.totals).toEqual([
                { ...NOT_FINANCED, currency: 'CNY', receipts: 1, amountMinor: 500, allocatedMinor: 0, settledMinor: 0 },
                {
                    ...NOT_FINANCED,
                    currency: 'USD',
                    receipts: 2,
                    amountMinor: 4340000,
                    allocatedMinor: 0,
                    settledMinor: 2170000,
                },
            ]);
        });

        it('operator: parties pending verification, and the stalls of one cluster', async () => {
            const pending = await page<{ partyId: string }>('operator', 'parties', { status: 'SUBMITTED,VERIFIED' });
            const stalls = await page<{ partyId: string; stallNo: string }>('operator', 'parties', {
                type: 'MERCHANT',
                cluster: 'JH-DONGYANG',
            });

            expect(pending.items.map((p) => p.partyId)).toEqual(['M003']);
            expect(stalls.items.map((p) => [p.partyId, p.stallNo])).toEqual([[VENDOR_B, 'B-2-002']]);
        });

        it('a vendor’s exemption filings are its own', async () => {
            const body = await page<{ filingNo: string }>('vendorA', 'exemptions', { party: VENDOR_B });
            const own = await page<{ filingNo: string }>('vendorA', 'exemptions');

            expect(body.items).toEqual([]);
            expect(own.items.map((e) => e.filingNo)).toEqual(['EX-1']);
        });
    });

    describe('search', () => {
        it.each([
            ['义乌', ['BK001', 'K001', VENDOR_A]],
            ['福田小商品', [VENDOR_A]],
            ['futian', [VENDOR_A]],
            ['_Hardware', [VENDOR_B]],
            ['100%', [VENDOR_B]],
            ['%', [VENDOR_B]],
            ['_', [VENDOR_B]],
            ['M00', [VENDOR_A, VENDOR_B, 'M003']],
        ])('parties named or numbered %j', async (q, expected) => {
            const body = await page<{ partyId: string }>('operator', 'parties', { q, sort: 'partyId' });

            expect(body.items.map((p) => p.partyId)).toEqual(expected);
        });

        it('one search finds trades by tradeNo, declarations by declNo and parties by name, in the caller’s scope', async () => {
            const operator = (await get('operator', 'search', { q: '2901' })).body as Record<string, unknown>;
            const byName = (await get('operator', 'search', { q: '金华' })).body as {
                trades: { items: TradeItem[]; more: boolean };
                parties: { items: { partyId: string }[] };
            };
            const vendor = (await get('vendorA', 'search', { q: 'TB' })).body as Record<string, unknown>;

            expect(operator.declarations).toEqual({
                items: [
                    expect.objectContaining({ declNo: '290120261129000001' }),
                    expect.objectContaining({ declNo: '290120261129000002' }),
                    expect.objectContaining({ declNo: '290120261129000003' }),
                ],
                more: false,
            });
            expect(byName.parties.items.map((p) => p.partyId)).toEqual([VENDOR_B]);
            expect(byName.trades.items.map((t) => t.vendorId)).toEqual(Array(10).fill(VENDOR_B));
            expect(byName.trades.more).toBe(true);
            expect(vendor).toMatchObject({ trades: { items: [], more: false }, declarations: null, parties: null });
        });

        it('LIKE wildcards are escaped', () => {
            expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
        });
    });

    describe('bad input: 400 naming the filter, in English and Chinese; nothing read', () => {
        it.each([
            ['limit=0', { limit: '0' }, 'limit'],
            ['limit=201', { limit: '201' }, 'limit'],
            ['an unknown status', { status: 'SHIPPED' }, 'status'],
            ['an unknown sort', { sort: 'totalAmount' }, 'sort'],
            ['a bad date', { dateFrom: '2026-13-01' }, 'dateFrom'],
            ['a reversed range', { dateFrom: '2026-10-05', dateTo: '2026-10-01' }, 'dateFrom'],
            ['a forged cursor', { cursor: 'not-a-cursor' }, 'cursor'],
            ['an unknown filter', { vendorId: VENDOR_B }, 'vendorId'],
            ['a party that is no ID', { party: "M001' OR 1=1" }, 'party'],
        ])('%s', async (_what, query, named) => {
            const res = await get('vendorA', 'trades', query);

            expect([res.status, errorOf(res).code]).toEqual([400, 'INVALID']);
            expect(errorOf(res).message).toContain(named);
        });

        it('a cursor of another sort or order is refused, in both languages', async () => {
            const first = await page<TradeItem>('operator', 'trades', { limit: '2' });
            const res = await get('operator', 'trades', { cursor: first.nextCursor ?? '', order: 'asc' });

            expect([res.status, errorOf(res).code]).toEqual([400, 'INVALID']);
            expect(errorOf(res).message).toMatch(/cursor.*游标/);
        });

        it('the messages carry Chinese too', async () => {
            const res = await get('vendorA', 'trades', { limit: '500' });

            expect(errorOf(res).message).toContain('limit 必须在 1 到 200 之间');
        });
    });

    describe('never silently stale', () => {
        it('every answer says which block the rows reflect and whether the model is behind its peer', async () => {
            lag = 3;
            try {
                const body = await page<TradeItem>('vendorA', 'trades', { limit: '1' });

                expect(body.readModel).toEqual({
                    org: 'MarketOrg',
                    state: 'following',
                    lastBlock: nextBlock - 1,
                    peerHeight: nextBlock + 3,
                    lagBlocks: 3,
                    current: false,
                });
            } finally {
                lag = 0;
            }
            expect((await page<TradeItem>('vendorA', 'trades', { limit: '1' })).readModel.current).toBe(true);
        });

        it('an org whose read model is not open answers 503 READ_MODEL_UNAVAILABLE with Retry-After', async () => {
            const res = await get('bank9', 'receipts');

            expect([res.status, errorOf(res).code, res.headers['retry-after']]).toEqual([
                503,
                'READ_MODEL_UNAVAILABLE',
                '5',
            ]);
        });
    });
});

describe('a page is one index range scan (SQLite query plans)', () => {
    let model: TestModel;
    let logged: { sql: string; parameters: readonly unknown[] }[];
    let traced: Kysely<ReadModel>;
    let file: SqliteDatabase.Database;

    beforeAll(async () => {
        model = await newTestModel('sqlite');
        file = new SqliteDatabase(model.database.where, { readonly: true });
        logged = [];
        traced = new Kysely<ReadModel>({
            dialect: new SqliteDialect({ database: file }),
            log: (event): void => {
                if (event.level === 'query') logged.push(event.query);
            },
        });
    });
    afterAll(async () => {
        await traced.destroy();
        await model.cleanup();
    });

    /** The plan of the one query `run` sends. */
    async function planOf(run: (handle: ReadModelHandle) => Promise<unknown>): Promise<string> {
        logged = [];
        await run({ db: traced, dialect: 'sqlite' });
        const [query] = logged;
        if (query === undefined) throw new Error('no query was sent');
        const rows = file.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.parameters as unknown[])) as {
            detail: string;
        }[];
        return rows.map((row) => row.detail).join('\n');
    }

    const first = { direction: 'desc', limit: 50 } as const;
    it.each([
        [
            "a vendor's trades",
            (m: ReadModelHandle): Promise<unknown> =>
                listTrades(
                    m,
                    { kind: 'own', where: [['trades.vendor_id', 'M001']] },
                    {},
                    { ...first, sort: 'tradeDate' },
                ),
            'trades_by_vendor_id_trade_date_trade_no',
        ],
        [
            'flagged trades',
            (m: ReadModelHandle): Promise<unknown> =>
                listTrades(m, { kind: 'all' }, { status: ['FLAGGED'] }, { ...first, sort: 'tradeDate' }),
            'trades_by_status_trade_date_trade_no',
        ],
        [
            "an agent's declarations",
            (m: ReadModelHandle): Promise<unknown> =>
                listDeclarations(
                    m,
                    { kind: 'own', where: [['declarations.consignor_id', 'A001']] },
                    {},
                    { ...first, sort: 'declDate' },
                ),
            'declarations_by_consignor_id_decl_date_decl_no',
        ],
        [
            "a bank's receipts awaiting allocation",
            (m: ReadModelHandle): Promise<unknown> =>
                listReceipts(
                    m,
                    {
                        kind: 'own',
                        where: [
                            ['receipts.bank_msp_id', 'BankOrgMSP'],
                            ['receipts.bank_party_id', 'BK001'],
                        ],
                    },
                    { status: ['RECEIVED'] },
                    { ...first, sort: 'valueDate' },
                ),
            'receipts_by_bank_party_id_status_value_date_receipt_id',
        ],
        [
            'open risk flags',
            (m: ReadModelHandle): Promise<unknown> =>
                listRiskFlags(m, { kind: 'all' }, { status: ['OPEN'] }, { ...first, sort: 'raisedAt' }),
            'risk_flags_by_status_raised_at_flag_id',
        ],
        [
            'parties pending verification',
            (m: ReadModelHandle): Promise<unknown> =>
                listParties(m, { kind: 'all' }, { status: ['SUBMITTED'] }, { ...first, sort: 'filedAt' }),
            'parties_by_status_filed_at_party_id',
        ],
    ])('%s', async (_what, run, index) => {
        const plan = await planOf(run);

        expect(plan).toContain(`USING INDEX ${index}`);
        expect(plan).not.toContain('TEMP B-TREE');
    });
});
