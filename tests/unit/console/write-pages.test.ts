import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { Translator } from '../../../gateway/src/console/i18n';
import {
    decodeSpreadsheetText,
    ImportJobs,
    parseCsv,
    tradesFromRows,
    type BulkAnswer,
} from '../../../gateway/src/console/trade-import';
import { importJobPage } from '../../../gateway/src/console/views/trade-import';
import { tradeList, type TradePage } from '../../../gateway/src/console/views/trades';
import { trade } from '../gateway/ledger-answers';
import { harness, type Harness } from '../gateway/harness';
import { registryReadModel } from './registry';
import { xlsxOf, type Cell } from './xlsx-fixture';
import { answerConsolePages, answerWritePages, browser, csrfOf, gb18030, signIn, UNREGISTERED_GOODS } from './support';

const TX = '7'.repeat(64);

/** Ledger trades as the listTrades route answers them. */
const tradePageOf = (items: unknown[]): TradePage => ({ items, bookmark: '' }) as TradePage;
const ZH_HEADER = '交易单号,交易日期,代理商,采购商,币种,商品编码,数量,单价,付款方式,收款渠道,代理收汇';

/** `count` rows of one-line trades; every tenth names unregistered goods, row 7 has no valid date. */
function importRows(count: number): string {
    const rows = Array.from({ length: count }, (_row, i) => {
        const goods = i % 10 === 9 ? UNREGISTERED_GOODS : 'G-1';
        const date = i === 5 ? '2026-02-30' : '2026-03-01';
        return `T-IMP-${String(i + 1).padStart(4, '0')},${date},A-0001,B-0001,USD,${goods},12,"1,234.50",PREPAID,BANK,否`;
    });
    return [ZH_HEADER, ...rows].join('\r\n');
}

describe('console write pages: register, import, declare', () => {
    let h: Harness;
    let vendor: string;
    let agent: string;
    let registry: Awaited<ReturnType<typeof registryReadModel>>;

    beforeAll(async () => {
        // V-0001 keeps two goods (one voided); another vendor's goods are never offered to it
        registry = await registryReadModel(
            ['V-0001', 'V-0002'],
            [
                ['G-1', 'V-0001', { nameCn: '毛绒玩具', nameEn: 'Plush toy', hsCode: '9503006000' }],
                ['G-OLD', 'V-0001', { status: 'VOID' }],
                ['G-THEIRS', 'V-0002'],
            ],
        );
    }, 60_000);
    afterAll(async () => {
        await registry.cleanup();
    });

    beforeEach(() => {
        h = harness({ readModels: registry.readModels });
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        agent = h.user('MarketOrg', 'agent1', 'agent', 'A-0001');
        answerConsolePages(h.ledger, TX);
        answerWritePages(h.ledger);
    });
    afterEach(() => {
        h.cleanup();
    });

    async function signedIn(key: string): Promise<request.Agent> {
        const agentClient = browser(h.app);
        await signIn(agentClient, key);
        return agentClient;
    }

    const registerForm = (csrf: string, over: Record<string, string> = {}): Record<string, string> => ({
        _csrf: csrf,
        _idem: 'console-trade-test-0001-0123456789abcdef',
        op: 'register',
        tradeNo: 'T-NEW-1',
        tradeDate: '2026-03-01',
        agentId: 'A-0001',
        buyerId: 'B-0001',
        currency: 'USD',
        paymentTerms: 'PREPAID',
        paymentChannel: 'BANK',
        lineCount: '1',
        'line-0-goodsCode': 'G-1',
        'line-0-qty': '1200',
        'line-0-unitPrice': '2.50',
        ...over,
    });

    describe('register a trade', () => {
        it('offers the goods of the vendor’s registry and registers as the vendor, in minor units, once', async () => {
            const client = await signedIn(vendor);
            const page = await client.get('/trades/new');
            expect(page.status).toBe(200);
            const offered = [...page.text.matchAll(/<option value="(G-[^"]*)">([^<]*)</g)].map((m) => [m[1], m[2]]);
            expect(offered).toEqual([['G-1', 'G-1 · 毛绒玩具 · 9503006000 · PCS']]);
            expect((await client.get('/trades/new?lang=en')).text).toContain('G-1 · Plush toy · 9503006000 · PCS');
            const form = registerForm(csrfOf(page.text));
            const res = await client.post('/trades/new').type('form').send(form);
            expect(res.status).toBe(303);
            expect(res.headers.location).toBe('/trades/T-NEW-1?registered=1');
            // the same form sent twice (a double click) registers once
            await client.post('/trades/new').type('form').send(form);
            const submits = h.ledger.submits('TradeContract:RegisterTrade');
            expect(submits).toHaveLength(1);
            const body = JSON.parse(submits[0]?.args[0] ?? '{}') as Record<string, unknown>;
            expect(body).toMatchObject({
                tradeNo: 'T-NEW-1',
                vendorId: 'V-0001',
                lines: [{ lineId: 'L1', goodsCode: 'G-1', qty: 1200, unitPrice: 250, amount: 300_000 }],
            });
            expect(submits[0]?.certificate).toContain('|vendor1|vendor|V-0001');
        });

        it('still lets the vendor type goods codes when its registry cannot be read (read model not open)', async () => {
            const bare = harness();
            try {
                const client = browser(bare.app);
                await signIn(client, bare.user('MarketOrg', 'vendor1', 'vendor', 'V-0001'));
                const page = await client.get('/trades/new');

                expect(page.status).toBe(200);
                expect(page.text).toContain('暂时无法读取您的商品清单');
                expect(page.text).toContain('id="line-0-goodsCode"');
            } finally {
                bare.cleanup();
            }
        });

        it('shows goods not in the registry refused under V03, in Chinese, at the goods field', async () => {
            const client = await signedIn(vendor);
            const page = await client.get('/trades/new');
            const res = await client
                .post('/trades/new')
                .type('form')
                .send(registerForm(csrfOf(page.text), { 'line-0-goodsCode': UNREGISTERED_GOODS }));
            expect(res.status).toBe(422);
            expect(res.text).toContain(
                '<p class="error field-error" id="line-0-goodsCode-error" role="alert">违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品</p>',
            );
            expect(res.text).toMatch(/id="line-0-goodsCode"[^>]*aria-describedby="line-0-goodsCode-error"/);
            expect(res.text).toContain(`value="${UNREGISTERED_GOODS}"`);
        });

        it('checks the form with the route’s own schema: a bad quantity and date at their fields, nothing sent', async () => {
            const client = await signedIn(vendor);
            const page = await client.get('/trades/new?lang=en');
            const res = await client
                .post('/trades/new')
                .type('form')
                .send(registerForm(csrfOf(page.text), { 'line-0-qty': '', tradeDate: '2026-13-01' }));
            expect(res.status).toBe(400);
            expect(res.text).toContain('id="line-0-qty-error"');
            expect(res.text).toContain('id="tradeDate-error"');
            expect(res.text).toContain('2 field(s) need your attention; nothing was registered.');
            expect(h.ledger.submits('TradeContract:RegisterTrade')).toHaveLength(0);
        });

        it('adds and removes goods lines without registering anything', async () => {
            const client = await signedIn(vendor);
            const page = await client.get('/trades/new');
            const added = await client
                .post('/trades/new')
                .type('form')
                .send(registerForm(csrfOf(page.text), { op: 'add' }));
            expect(added.text).toContain('id="line-1-goodsCode"');
            const removed = await client
                .post('/trades/new')
                .type('form')
                .send(registerForm(csrfOf(page.text), { op: 'remove-0', lineCount: '2', 'line-1-goodsCode': 'G-2' }));
            expect(removed.text).not.toContain('id="line-1-goodsCode"');
            expect(removed.text).toMatch(/id="line-0-goodsCode"[^>]*value="G-2"/);
            expect(h.ledger.submits()).toHaveLength(0);
        });

        it('refuses a form without its CSRF token, and an agent the vendor’s page', async () => {
            const client = await signedIn(vendor);
            const res = await client.post('/trades/new').type('form').send(registerForm('forged'));
            expect(res.status).toBe(403);
            expect(h.ledger.submits()).toHaveLength(0);
            const asAgent = await (await signedIn(agent)).get('/trades/new');
            expect(asAgent.status).toBe(403);
            expect(asAgent.text).toContain('您的角色（外贸代理商）无权打开此页面。');
        });
    });

    describe('import trades', () => {
        async function upload(client: request.Agent, file: Buffer, name = 'trades.csv'): Promise<request.Response> {
            const page = await client.get('/trades/import');
            return client.post('/trades/import').field('_csrf', csrfOf(page.text)).attach('file', file, name);
        }

        async function finished(client: request.Agent, location: string): Promise<request.Response> {
            for (let i = 0; i < 100; i++) {
                const page = await client.get(location);
                if (!page.text.includes('http-equiv="refresh"')) return page;
                await new Promise((resolve) => setTimeout(resolve, 20));
            }
            throw new Error('import did not finish');
        }

        it('imports 500 rows of a GB18030 file in chunks, with each row’s result, downloadable as CSV', async () => {
            const client = await signedIn(vendor);
            const res = await upload(client, gb18030(importRows(500)));
            expect(res.status).toBe(303);
            const page = await finished(client, String(res.headers.location));
            expect(page.text).toContain('<progress id="import-progress" value="500" max="500">');
            expect(page.text).toContain('完成：共 500 行，449 行已登记，51 行被拒绝。');
            // row 2 + i: the tenth trade (row 11) names unregistered goods; row 7 has 30 February
            expect(page.text).toMatch(
                /<td class="num">11<\/td>\s*<th scope="row">T-IMP-0010<\/th>\s*<td>\s*违反规则 V03/,
            );
            expect(page.text).toMatch(/<td class="num">7<\/td>\s*<th scope="row">T-IMP-0006<\/th>\s*<td>\s*输入无效。/);
            const chunks = h.ledger.submits('TradeContract:RegisterTrades');
            // the console sends chunks of 100 rows; the bulk route splits each into ledger transactions of 50
            expect(chunks.map((c) => (JSON.parse(c.args[0] ?? '[]') as unknown[]).length)).toEqual([
                50, 50, 50, 50, 50, 50, 50, 50, 50, 49,
            ]);
            const first = (
                JSON.parse(chunks[0]?.args[0] ?? '[]') as { vendorId: string; lines: { unitPrice: number }[] }[]
            )[0];
            expect(first).toMatchObject({ vendorId: 'V-0001', lines: [{ unitPrice: 123_450 }] });

            const csv = await client.get(`${String(res.headers.location)}/results.csv`).buffer(true);
            expect(csv.headers['content-type']).toContain('text/csv');
            const text = csv.text;
            expect(text.startsWith('\uFEFF行号,交易单号,结果,code,')).toBe(true);
            expect(text).toContain('\r\n2,T-IMP-0001,已登记,OK,\r\n');
            expect(text).toContain(
                `11,T-IMP-0010,违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品,RULE_V03,goods ${UNREGISTERED_GOODS} is not registered`,
            );
            expect(text.trim().split('\r\n')).toHaveLength(501);
        });

        it('imports an .xlsx workbook as it imports the same rows in CSV: dates and prices from cells, per-row results', async () => {
            const client = await signedIn(vendor);
            const csv = parseCsv(importRows(500));
            // as Excel saves it: the date a date-styled serial (46082 is 2026-03-01), quantities and prices numbers
            const rows: Cell[][] = csv.map((row, i) =>
                i === 0
                    ? row
                    : row.map((value, column) =>
                          column === 1 && value === '2026-03-01'
                              ? { number: '46082', style: 'date' }
                              : column === 6 || column === 7
                                ? { number: value.replace(/,/g, '') }
                                : value,
                      ),
            );
            const res = await upload(client, xlsxOf([{ name: '交易', rows }]), 'trades.xlsx');
            expect(res.status).toBe(303);
            const page = await finished(client, String(res.headers.location));
            expect(page.text).toContain('完成：共 500 行，449 行已登记，51 行被拒绝。');
            expect(page.text).toMatch(/<td class="num">7<\/td>\s*<th scope="row">T-IMP-0006<\/th>\s*<td>\s*输入无效。/);
            const chunks = h.ledger.submits('TradeContract:RegisterTrades');
            const first = (
                JSON.parse(chunks[0]?.args[0] ?? '[]') as { tradeDate: string; lines: { unitPrice: number }[] }[]
            )[0];
            expect(first).toMatchObject({ tradeDate: '2026-03-01', lines: [{ unitPrice: 123_450 }] });
        });

        it('refuses a damaged workbook whole, saying so in the person’s language, and sends nothing', async () => {
            const client = await signedIn(vendor);
            const workbook = xlsxOf([{ name: 'S', rows: [['交易单号']] }]);
            const res = await upload(client, workbook.subarray(0, workbook.length - 40), 'trades.xlsx');
            const old = await upload(
                client,
                Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]),
                'trades.xls',
            );

            expect([res.status, old.status]).toEqual([400, 400]);
            expect(res.text).toContain('无法按 Excel 工作簿读取此文件');
            expect(old.text).toContain('这是旧版（.xls）或设有密码的工作簿');
            expect(h.ledger.submits('TradeContract:RegisterTrades')).toHaveLength(0);
        });

        it('reads UTF-8 with a BOM and English headers; one trade’s lines on several rows', async () => {
            const client = await signedIn(vendor);
            const file =
                '\uFEFFtradeNo,tradeDate,agentId,buyerId,currency,goodsCode,qty,unitPrice,paymentTerms,paymentChannel\n' +
                'T-A,2026-03-01,A-0001,B-0001,USD,G-1,10,1.00,PREPAID,BANK\n' +
                'T-A,2026-03-01,A-0001,B-0001,USD,G-2,20,2.00,PREPAID,BANK\n';
            const res = await upload(client, Buffer.from(file, 'utf8'));
            const page = await finished(client, String(res.headers.location));
            expect(page.text).toContain('完成：共 2 行，2 行已登记，0 行被拒绝。');
            const sent = JSON.parse(h.ledger.submits('TradeContract:RegisterTrades')[0]?.args[0] ?? '[]') as unknown[];
            expect(sent).toEqual([
                expect.objectContaining({
                    tradeNo: 'T-A',
                    lines: [
                        expect.objectContaining({ lineId: 'L1', goodsCode: 'G-1', amount: 1000 }),
                        expect.objectContaining({ lineId: 'L2', goodsCode: 'G-2', amount: 4000 }),
                    ],
                }),
            ]);
        });

        it('refuses a file without the columns, naming them, and sends nothing', async () => {
            const client = await signedIn(vendor);
            const res = await upload(client, Buffer.from('name,price\nx,1\n', 'utf8'));
            expect(res.status).toBe(400);
            expect(res.text).toContain('第一行须为列名；缺少：交易单号 / tradeNo');
            expect(res.text).toContain('aria-invalid="true"');
            expect(h.ledger.submits()).toHaveLength(0);
        });

        it('refuses an upload without the CSRF token; another vendor cannot see the import', async () => {
            const client = await signedIn(vendor);
            const forged = await client
                .post('/trades/import')
                .field('_csrf', 'forged')
                .attach('file', Buffer.from(importRows(2)), 'a.csv');
            expect(forged.status).toBe(403);
            expect(h.ledger.submits()).toHaveLength(0);
            const res = await upload(client, Buffer.from(importRows(2)));
            const otherVendor = h.user('MarketOrg', 'vendor2', 'vendor', 'V-0002');
            const other = await (await signedIn(otherVendor)).get(String(res.headers.location));
            expect(other.status).toBe(404);
        });

        it('offers a template with Chinese headers and a BOM', async () => {
            const client = await signedIn(vendor);
            const template = await client.get('/trades/import/template.csv').buffer(true);
            expect(template.text.startsWith('\uFEFF交易单号,交易日期,代理商,采购商,币种,商品编码,数量,单价,箱数')).toBe(
                true,
            );
            const rows = parseCsv(decodeSpreadsheetText(Buffer.from(template.text, 'utf8')));
            expect(tradesFromRows(rows, 'vendor', 'V-0001').refused).toEqual([]);
        });
    });

    describe('declarations', () => {
        const declForm = (
            csrf: string,
            over: Record<string, string | string[]> = {},
        ): Record<string, string | string[]> => ({
            _csrf: csrf,
            _idem: 'console-decl-test-0001-0123456789abcdefgh',
            op: 'preview',
            packingNo: 'PK-7',
            brokerId: 'K-0001',
            customsOffice: '2901',
            exitPort: 'YIWU',
            destCountry: 'kz',
            tradeCountry: 'KZ',
            transportMode: 'ROAD',
            tradeNos: ['T-P1'],
            declNo: '290120260000000099',
            ...over,
        });

        it('lets the agent pick its packed trades, preview itemised and merged lines with the V01 headroom, and file', async () => {
            const client = await signedIn(agent);
            const page = await client.get('/declarations/new');
            expect(page.status).toBe(200);
            expect(page.text).toContain('value="T-P1"');
            expect(page.text).not.toContain('value="T-DONE"');
            expect(page.text).toMatch(/id="packingNo"[^>]*value="PK-7"/);
            const preview = await client
                .post('/declarations/new')
                .type('form')
                .send(declForm(csrfOf(page.text)));
            expect(preview.status).toBe(200);
            expect(preview.text).toContain('单列商品项（货值最高的五类）');
            expect(preview.text).toContain('第 61 章（归并）');
            // 5 itemised lines (4,985,000 cents) + 200,000 merged = US$51,850.00; cap US$150,000.00
            expect(preview.text).toMatch(/id="headroom" class="verdict-pass">\s*US\$98,150\.00/);
            const previewed = h.ledger.calls.find((c) => c.fn === 'DeclarationContract:PreviewDeclaration');
            expect(JSON.parse(previewed?.args[0] ?? '{}')).toMatchObject({ consignorId: 'A-0001', destCountry: 'KZ' });

            const filed = await client
                .post('/declarations/new')
                .type('form')
                .send(declForm(csrfOf(page.text), { op: 'file' }));
            expect(filed.status).toBe(303);
            expect(filed.headers.location).toBe('/declarations?filed=290120260000000099');
            expect(h.ledger.submits('DeclarationContract:FileDeclaration')).toHaveLength(1);
        });

        it('shows a declaration over the USD cap refused under V01, in the preview and at filing', async () => {
            const client = await signedIn(agent);
            const page = await client.get('/declarations/new');
            const tradeNos = ['T-P1', 'T-BIG'];
            const preview = await client
                .post('/declarations/new')
                .type('form')
                .send(declForm(csrfOf(page.text), { tradeNos }));
            expect(preview.text).toMatch(/id="headroom" class="verdict-fail">\s*超出限额 US\$19,850\.00/);
            expect(preview.text).toContain('违反规则 V01：一份报关单的货值不得超过 15 万美元');
            const filed = await client
                .post('/declarations/new')
                .type('form')
                .send(declForm(csrfOf(page.text), { tradeNos, op: 'file' }));
            expect(filed.status).toBe(422);
            expect(filed.text).toContain('违反规则 V01：一份报关单的货值不得超过 15 万美元');
            expect(filed.text).toMatch(/value="T-BIG"\s+checked/);
        });

        it('offers a packed trade the ledger lists on a later page of the agent’s trades', async () => {
            // the ledger lists an agent's trades oldest first: a busy agent's packed trades come after its first page
            h.ledger.on('TradeContract:ListTradesByAgent', ([agentId = '', , bookmark = '']) =>
                bookmark === ''
                    ? { items: [trade('T-OLD', { agentId, status: 'EXPORTED', declNo: 'D-OLD' })], bookmark: 'next' }
                    : {
                          items: [trade('T-NEW', { agentId, status: 'PACKED', packingNo: 'PK-9', declNo: undefined })],
                          bookmark: '',
                      },
            );
            const page = await (await signedIn(agent)).get('/declarations/new');
            expect(page.text).toContain('value="T-NEW"');
            expect(page.text).not.toContain('value="T-OLD"');
        });

        it('keeps the declaration pages to the agent', async () => {
            const client = await signedIn(vendor);
            expect((await client.get('/declarations/new')).status).toBe(403);
            expect((await client.get('/declarations')).status).toBe(403);
            const home = await (await signedIn(agent)).get('/');
            expect(home.text).toContain('href="/declarations/new"');
            expect(home.text).toContain('href="/trades/import"');
            expect(home.text).not.toContain('href="/trades/new"');
        });
    });

    describe('progress and income', () => {
        it('shows an import’s progress chunk by chunk while the ledger answers', async () => {
            const parsed = tradesFromRows(parseCsv(importRows(250)), 'vendor', 'V-0001');
            const answers: ((answer: BulkAnswer) => void)[] = [];
            const { job, finished } = new ImportJobs().start(
                'key-1',
                'a.csv',
                parsed,
                (trades) =>
                    new Promise<BulkAnswer>((resolve) => {
                        answers.push(resolve);
                        expect(trades.length).toBeLessThanOrEqual(100);
                    }),
                () => ({ code: 'INTERNAL', message: '' }),
            );
            const t = new Translator('zh');
            const chunk = async (n: number): Promise<void> => {
                while (answers.length < n) await new Promise((resolve) => setImmediate(resolve));
                const rows = Array.from({ length: 100 }, (_row, index) => ({ index, ok: true }));
                answers[n - 1]?.({ results: rows });
            };
            await chunk(1);
            await new Promise((resolve) => setImmediate(resolve));
            // the bad date (row 7) is answered at once; then a chunk of 100 trades
            expect(importJobPage(t, job).text).toContain('<progress id="import-progress" value="101" max="250">');
            expect(importJobPage(t, job).text).toContain('已向账本提交 101 / 250 行……');
            await chunk(2);
            await chunk(3);
            await finished;
            expect(job.state).toBe('done');
            expect(importJobPage(t, job).text).toContain('<progress id="import-progress" value="250" max="250">');
        });

        it('lists the vendor’s trades with the income allocated to each, where the read model has it', () => {
            const t = new Translator('zh');
            const page = tradeList(
                t,
                'V-0001',
                tradePageOf([trade('T-1', { totalAmount: 100_000 }), trade('T-2')]),
                new Map([['T-1', { tradeNo: 'T-1', currency: 'USD', allocatedAmount: 95_000, receiptCount: 2 }]]),
            ).text;
            expect(page).toContain('<th scope="col" class="num">已收汇</th>');
            expect(page).toContain('<td class="num">US$950.00（2 笔收汇）</td>');
            expect(page).toContain('<td class="num">—</td>');
        });
    });
});
