import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { gb18030 } from '../unit/console/support';
import { go, heading, PHONE, scrollsSideways, text } from '../unit/console/chromium';
import { consoleSuite, openWhen, screenshots } from './console-support';
import {
    BUYER_COUNTRY,
    consolidateAndPack,
    exportShipment,
    hex64,
    newDeclNo,
    ok,
    str,
    today,
    tradeBody,
    type Shipment,
} from './gateway-support';

/**
 * The vendor's, agent's and market operator's pages on the real network and gateway, in Chromium: each role's main
 * path and one fraud path refused (or shown) with its rule, in Chinese; sign-in with an enrolment code, CSRF, sign-out
 * and idle expiry of the session; a role opening another role's page refused. The suite's gateway ends a session
 * after one idle minute, and runs the read model (the declarations list and the dashboard read it).
 */
const IDLE_MINUTES = 1;
const { gw, m, browser, signIn } = consoleSuite({
    MPT_PROJECTION: 'on',
    MPT_CONSOLE_IDLE_MINUTES: String(IDLE_MINUTES),
});
const SLOW = 6 * 60_000;

/** US$ as the Chinese console writes it: `US$1,234.50`. */
const usd = (minor: number): string =>
    `US$${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Seven goods of chapter 95 (the market's two and five more), so that a declaration of all of them merges two. */
const EXTRA_HS = ['9503001000', '9503002100', '9503009000', '9504901000', '9505100000'];

describe('console vendor, agent and market pages on the real network', () => {
    const run = Date.now().toString(36).toUpperCase();
    const manyLinesTrade = `TM-${run}`;
    const overCapTrade = `TV-${run}`;
    const exportedTrade = `TE-${run}`;
    const pendingParty = `PP-${run}`;
    const otherVendorsGoods = `GO-${run}`;
    /** Value of each of the seven lines of the many-lines trade, in US cents. */
    const lineValues = [700_000, 600_000, 500_000, 400_000, 300_000, 200_000, 100_000];
    let manyLines: Shipment;
    let overCap: Shipment;
    let exportedDecl: string;
    let idle: { context: BrowserContext; page: Page; since: number };

    beforeAll(async () => {
        const extraGoods = EXTRA_HS.map((hsCode, i) => `GX${String(i)}-${run}`);
        await Promise.all(
            extraGoods.map(async (goodsCode, i) =>
                ok(
                    await m.vendor.api.post('/v1/goods', {
                        goodsCode,
                        ownerId: m.ids.vendor,
                        nameCn: '玩具配件',
                        nameEn: `Toy part ${String(i)}`,
                        hsCode: EXTRA_HS[i],
                        unit: 'PCS',
                        producerId: m.ids.producer,
                        priceRange: { currency: 'USD', minUnitPrice: 50, maxUnitPrice: 20_000 },
                    }),
                    201,
                ),
            ),
        );
        ok(
            await m.vendor2.api.post('/v1/goods', {
                goodsCode: otherVendorsGoods,
                ownerId: m.ids.vendor2,
                nameCn: '木制拼图',
                nameEn: 'Wooden puzzle',
                hsCode: '9503006000',
                unit: 'PCS',
                producerId: m.ids.producer,
                priceRange: { currency: 'USD', minUnitPrice: 50, maxUnitPrice: 20_000 },
            }),
            201,
        );
        const goods = [m.goodsCode, m.goodsCode2, ...extraGoods];
        const lines = goods.map((goodsCode, i) => {
            const amount = lineValues[i] ?? 0;
            return { lineId: `L${String(i + 1)}`, goodsCode, qty: 1000, unitPrice: amount / 1000, amount };
        });
        ok(await m.vendor.api.post('/v1/trades', tradeBody(m, manyLinesTrade, { lines })), 201);
        const big = [{ lineId: 'L1', goodsCode: m.goodsCode, qty: 1000, unitPrice: 15_001, amount: 15_001_000 }];
        ok(await m.vendor.api.post('/v1/trades', tradeBody(m, overCapTrade, { lines: big })), 201);
        ok(await m.vendor.api.post('/v1/trades', tradeBody(m, exportedTrade)), 201);
        manyLines = await consolidateAndPack(m, [manyLinesTrade]);
        overCap = await consolidateAndPack(m, [overCapTrade]);
        exportedDecl = (await exportShipment(m, [exportedTrade])).declNo;
        ok(
            await m.operator.api.post('/v1/risk-flags', {
                subjectType: 'trade',
                subjectId: exportedTrade,
                ruleId: 'F3',
                severity: 'HIGH',
                evidence: { note: 'unit price far above the goods code’s market range' },
            }),
            201,
        );
        ok(
            await m.operator.api.post('/v1/parties', {
                partyId: pendingParty,
                type: 'PRODUCER',
                legalName: '待核实工厂',
                countryCode: 'CN',
            }),
            201,
        );
        // a browser that signs in now and then waits: the last test finds its session ended
        idle = { ...(await signIn(m.vendor)), since: Date.now() };
        expect(await heading(idle.page)).toBe('您可以办理的业务');
    }, SLOW);

    describe('vendor', () => {
        it(
            'signs in with an enrolment code, registers a trade and sees it in its trades with its status',
            async () => {
                const onboarded = ok(
                    await m.operator.api.post('/v1/onboarding', {
                        username: `vendor-web-${run.toLowerCase()}`,
                        role: 'vendor',
                        party: m.ids.vendor,
                    }),
                    201,
                );
                const context = await browser().newContext({ viewport: PHONE });
                const page = await context.newPage();
                await page.goto(`${gw.url}/?lang=zh`);
                await page.getByLabel('注册码', { exact: true }).fill(str(onboarded, 'enrolmentCode'));
                const codeForm = page.locator('form').filter({ has: page.getByLabel('注册码', { exact: true }) });
                await go(page, codeForm.getByRole('button', { name: '登录' }).click());
                expect(await heading(page)).toBe('您可以办理的业务');
                expect(await text(page.locator('.who'))).toContain(`vendor-web-${run.toLowerCase()}`);

                const tradeNo = `TW-${run}`;
                await go(page, page.getByRole('link', { name: '登记交易' }).click());
                await page.getByLabel('交易单号', { exact: true }).fill(tradeNo);
                await page.getByLabel('代理商', { exact: true }).fill(m.ids.agent);
                await page.getByLabel('采购商', { exact: true }).fill(m.ids.buyer);
                await page.getByLabel('商品编码（第 1 行）', { exact: true }).fill(m.goodsCode);
                await page.getByLabel('数量', { exact: true }).fill('800');
                await page.getByLabel('单价', { exact: true }).fill('1.50');
                await go(page, page.getByRole('button', { name: '登记交易', exact: true }).click());
                expect(await heading(page)).toBe(`交易 ${tradeNo}`);

                await page.goto(`${gw.url}/trades`);
                expect(await text(page.getByRole('row', { name: new RegExp(tradeNo) }))).toContain('已登记');
                expect(await scrollsSideways(page)).toBe(false);
                await screenshots(page, 'network-vendor-trades');
                const onLedger = ok(await m.vendor.api.get(`/v1/trades/${tradeNo}`));
                expect(onLedger).toMatchObject({ status: 'CONFIRMED', totalAmount: 120_000 });
                await context.close();
            },
            SLOW,
        );

        it(
            'is refused another vendor’s goods under V03 at the goods field, in Chinese, and nothing is registered',
            async () => {
                const { context, page } = await signIn(m.vendor, PHONE);
                const tradeNo = `TR-${run}`;
                await page.goto(`${gw.url}/trades/new`);
                await page.getByLabel('交易单号', { exact: true }).fill(tradeNo);
                await page.getByLabel('代理商', { exact: true }).fill(m.ids.agent);
                await page.getByLabel('采购商', { exact: true }).fill(m.ids.buyer);
                const goods = page.getByLabel('商品编码（第 1 行）', { exact: true });
                await goods.fill(otherVendorsGoods);
                await page.getByLabel('数量', { exact: true }).fill('100');
                await page.getByLabel('单价', { exact: true }).fill('2.00');
                await go(page, page.getByRole('button', { name: '登记交易', exact: true }).click());
                expect(await goods.getAttribute('aria-invalid')).toBe('true');
                expect(await text(page.locator('#line-0-goodsCode-error'))).toBe(
                    '违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品',
                );
                expect((await m.vendor.api.get(`/v1/trades/${tradeNo}`)).status).toBe(404);
                await context.close();
            },
            SLOW,
        );

        it(
            'imports 500 GB18030 rows: progress, each row’s result with the refused rows’ V03, the CSV of results, the trades on the ledger',
            async () => {
                const { context, page } = await signIn(m.vendor);
                await go(page, page.getByRole('link', { name: '批量导入交易' }).click());
                const tradeNoOf = (i: number): string => `TI-${run}-${String(i + 1).padStart(4, '0')}`;
                const refused = (i: number): boolean => i % 25 === 24;
                const rows = Array.from({ length: 500 }, (_row, i) => {
                    const goods = refused(i) ? otherVendorsGoods : m.goodsCode;
                    return `${tradeNoOf(i)},${today()},${m.ids.agent},${m.ids.buyer},USD,${goods},10,1.25,PREPAID,BANK`;
                });
                const header = '交易单号,交易日期,代理商,采购商,币种,商品编码,数量,单价,付款方式,收款渠道';
                await page.getByLabel('CSV 文件', { exact: true }).setInputFiles({
                    name: '三月交易.csv',
                    mimeType: 'text/csv',
                    buffer: gb18030([header, ...rows].join('\r\n')),
                });
                await go(page, page.getByRole('button', { name: '导入', exact: true }).click());
                const progress = page.locator('#import-progress');
                expect(await progress.getAttribute('max')).toBe('500');
                // the progress page reloads itself every second until every chunk has the ledger's answer
                await page.locator('#import-results').waitFor({ timeout: 5 * 60_000 });
                expect(await progress.getAttribute('value')).toBe('500');
                expect(await text(page.locator('#import-status'))).toBe('完成：共 500 行，480 行已登记，20 行被拒绝。');
                expect(await text(page.getByRole('row', { name: new RegExp(tradeNoOf(24)) }))).toContain(
                    '违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品',
                );
                expect(await text(page.getByRole('row', { name: new RegExp(tradeNoOf(0)) }))).toContain('已登记');
                await screenshots(page, 'network-vendor-import', { fullPage: false });

                const [download] = await Promise.all([
                    page.waitForEvent('download'),
                    page.getByRole('link', { name: '下载结果（CSV）' }).click(),
                ]);
                const lines = readFileSync(await download.path(), 'utf8')
                    .replace(/^\uFEFF/, '')
                    .trim()
                    .split(/\r?\n/);
                expect(lines).toHaveLength(501);
                const byTradeNo = new Map(lines.slice(1).map((line) => [line.split(',')[1], line.split(',')[3]]));
                expect([...byTradeNo.values()].filter((code) => code === 'OK')).toHaveLength(480);
                expect(byTradeNo.get(tradeNoOf(24))).toBe('RULE_V03');
                expect(byTradeNo.get(tradeNoOf(499))).toBe('RULE_V03');
                expect(byTradeNo.get(tradeNoOf(250))).toBe('OK');

                for (const i of [0, 250, 498]) {
                    const trade = ok(await m.vendor.api.get(`/v1/trades/${tradeNoOf(i)}`));
                    expect(trade).toMatchObject({ vendorId: m.ids.vendor, status: 'CONFIRMED', totalAmount: 1250 });
                }
                expect((await m.vendor.api.get(`/v1/trades/${tradeNoOf(24)}`)).status).toBe(404);
                await context.close();
            },
            SLOW,
        );
    });

    describe('agent', () => {
        /** The declaration form filled for one packed trade of `shipment`. */
        async function fillDeclaration(page: Page, tradeNo: string, shipment: Shipment): Promise<void> {
            for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
            await page.getByLabel(new RegExp(`^${tradeNo}`)).check();
            await page.getByLabel('装箱单号', { exact: true }).fill(shipment.packingNo);
            await page.getByLabel('报关企业', { exact: true }).fill(m.ids.broker);
            await page.getByLabel('申报海关', { exact: true }).fill('2920');
            await page.getByLabel('出境口岸', { exact: true }).fill('CNNGB');
            await page.getByLabel('运抵国', { exact: true }).fill(BUYER_COUNTRY);
            await page.getByLabel('贸易国', { exact: true }).fill(BUYER_COUNTRY);
            await page.getByLabel('运输方式', { exact: true }).selectOption('SEA');
        }

        it(
            'is refused a declaration over USD 150,000 under V01, then previews its packed trade (top five, merged chapter, headroom), files it and sees its customs status',
            async () => {
                const { context, page } = await signIn(m.agent, PHONE);
                await go(page, page.getByRole('link', { name: '制作报关单' }).click());
                await fillDeclaration(page, overCapTrade, overCap);
                await go(page, page.getByRole('button', { name: '预览', exact: true }).click());
                expect(await text(page.locator('#headroom'))).toBe(`超出限额 ${usd(1000)}`);
                const refusedDecl = newDeclNo();
                await page.getByLabel('报关单号（申报时填写）', { exact: true }).fill(refusedDecl);
                await go(page, page.getByRole('button', { name: '申报', exact: true }).click());
                expect(await text(page.getByRole('alert').last())).toContain(
                    '违反规则 V01：一份报关单的货值不得超过 15 万美元',
                );
                expect((await m.agent.api.get(`/v1/declarations/${refusedDecl}`)).status).toBe(404);

                await fillDeclaration(page, manyLinesTrade, manyLines);
                await go(page, page.getByRole('button', { name: '预览', exact: true }).click());
                const total = lineValues.reduce((sum, value) => sum + value, 0);
                expect(await text(page.locator('#headroom'))).toBe(usd(15_000_000 - total));
                const itemised = page.getByRole('table', { name: '单列商品项（货值最高的五类）' });
                const merged = page.getByRole('table', { name: '归并商品项（按税则章）' });
                expect(await itemised.locator('tbody tr').count()).toBe(5);
                expect(await text(merged.locator('tbody tr'))).toContain('第 95 章（归并）');
                expect(await text(merged.locator('tbody tr'))).toContain(usd(300_000));
                expect(await scrollsSideways(page)).toBe(false);
                await screenshots(page, 'network-agent-preview');

                const declNo = str(manyLines.declaration, 'declNo');
                await page.getByLabel('报关单号（申报时填写）', { exact: true }).fill(declNo);
                await go(page, page.getByRole('button', { name: '申报', exact: true }).click());
                expect(await text(page.getByRole('status'))).toBe(`报关单 ${declNo} 已申报。`);
                const row = page.getByRole('row', { name: new RegExp(declNo) });
                await openWhen(page, `${gw.url}/declarations`, async () => (await row.count()) > 0);
                expect(await text(row)).toContain('已申报');
                expect(ok(await m.customs.api.get(`/v1/declarations/${declNo}`))).toMatchObject({
                    status: 'SUBMITTED',
                    consignorId: m.ids.agent,
                });
                await context.close();
            },
            SLOW,
        );
    });

    describe('market operator', () => {
        it(
            'sees the cluster’s month on the dashboard with its charts, and the export figure opens its declaration',
            async () => {
                const { context, page } = await signIn(m.operator);
                await go(page, page.getByRole('link', { name: '市场看板' }).click());
                expect(await heading(page)).toBe('市场看板');
                const month = today().slice(0, 7);
                const [year = 0, monthNo = 0] = month.split('-').map(Number);
                // six months, this one the last: the only one with an export (the market is the suite's own)
                const from = new Date(Date.UTC(year, monthNo - 6, 1)).toISOString().slice(0, 7);
                const count = page.locator(`a[data-indicator="exportCount"][data-month="${month}"]`);
                await openWhen(
                    page,
                    `${gw.url}/market?cluster=${m.ids.cluster}&from=${from}&to=${month}`,
                    async () => (await count.count()) > 0 && (await text(count)) === '1',
                );
                expect(await text(page.locator(`a[data-indicator="exportValueUsd"][data-month="${month}"]`))).toBe(
                    usd(120_000),
                );
                expect(await page.getByRole('img', { name: '出口额（美元）', exact: true }).count()).toBe(1);
                expect(await page.locator('svg rect.bar').count()).toBe(3 * 6);
                expect(await text(page.locator(`a[data-indicator="exportCount"][data-month="${from}"]`))).toBe('0');
                await screenshots(page, 'network-market-dashboard');

                await go(page, count.click());
                expect(await heading(page)).toBe('指标对应的记录');
                expect(await page.locator('tbody tr').count()).toBe(1);
                expect(await text(page.getByRole('row', { name: new RegExp(exportedDecl) }))).toContain('EXITED');
                await context.close();
            },
            SLOW,
        );

        it(
            'sees a flagged trade with its fraud pattern, and a party pending verification',
            async () => {
                const { context, page } = await signIn(m.operator, PHONE);
                const flagged = page.getByRole('row', { name: new RegExp(exportedTrade) });
                await openWhen(page, `${gw.url}/risk-flags`, async () => (await flagged.count()) > 0);
                expect(await text(flagged)).toContain('F3 高报低报：单价远超出该商品备案的价格区间');
                expect(await text(flagged)).toContain('交易');
                await go(page, flagged.getByRole('link', { name: exportedTrade }).click());
                expect(await heading(page)).toBe(`交易 ${exportedTrade}`);

                const pending = page.getByRole('row', { name: new RegExp(pendingParty) });
                await openWhen(
                    page,
                    `${gw.url}/market/records?list=parties&status=SUBMITTED,VERIFIED&q=${pendingParty}`,
                    async () => (await pending.count()) > 0,
                );
                expect(await text(pending)).toContain('待核实工厂');
                await context.close();
            },
            SLOW,
        );
    });

    describe('sessions', () => {
        it(
            'refuses a form posted without or with a wrong CSRF token, and registers nothing',
            async () => {
                const { context, page } = await signIn(m.vendor);
                for (const [tradeNo, tamper] of [
                    [`TX1-${run}`, 'remove'],
                    [`TX2-${run}`, 'replace'],
                ] as const) {
                    await page.goto(`${gw.url}/trades/new`);
                    await page.getByLabel('交易单号', { exact: true }).fill(tradeNo);
                    await page.getByLabel('代理商', { exact: true }).fill(m.ids.agent);
                    await page.getByLabel('采购商', { exact: true }).fill(m.ids.buyer);
                    await page.getByLabel('商品编码（第 1 行）', { exact: true }).fill(m.goodsCode);
                    await page.getByLabel('数量', { exact: true }).fill('10');
                    await page.getByLabel('单价', { exact: true }).fill('1.00');
                    // what a forged or stale form sends: no token, or one that is not the session's
                    const token = 'document.querySelector(\'main form input[name="_csrf"]\')';
                    await page.evaluate(
                        tamper === 'remove' ? `${token}.remove()` : `${token}.value = ${JSON.stringify(hex64())}`,
                    );
                    // the form's own submit, not the live check's POST to /trades/new/validate, which may answer meanwhile
                    const [response] = await Promise.all([
                        page.waitForResponse(
                            (res) => res.request().method() === 'POST' && res.request().isNavigationRequest(),
                        ),
                        page.getByRole('button', { name: '登记交易', exact: true }).click(),
                    ]);
                    expect(response.status()).toBe(403);
                    expect(await text(page.getByRole('alert'))).toContain('此表单已过期或并非来自本网站');
                    expect((await m.vendor.api.get(`/v1/trades/${tradeNo}`)).status).toBe(404);
                }
                await context.close();
            },
            SLOW,
        );

        it(
            'keeps the API key out of page storage and script-readable cookies',
            async () => {
                const key = m.vendor.api.apiKey ?? '';
                const { context, page } = await signIn(m.vendor);
                await go(page, page.getByRole('link', { name: '我的交易' }).click());
                const storage = await page.evaluate<Record<string, string>>(
                    '({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), cookies: document.cookie })',
                );
                expect(storage).toEqual({ local: '{}', session: '{}', cookies: '' });
                const cookies = await context.cookies();
                expect(cookies.map((cookie) => cookie.name)).toContain('mpt_session');
                for (const cookie of cookies) {
                    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
                    expect(cookie.value).not.toContain(key);
                }
                expect(await page.content()).not.toContain(key);
                await context.close();
            },
            SLOW,
        );

        it(
            'ends the session on sign-out: the old cookie no longer opens a page',
            async () => {
                const { context, page } = await signIn(m.vendor);
                const session = (await context.cookies()).find((cookie) => cookie.name === 'mpt_session');
                await go(page, page.getByRole('button', { name: '退出登录' }).click());
                expect(await text(page.getByRole('status'))).toBe('您已退出登录。');
                expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('mpt_session');
                if (session === undefined) throw new Error('signed in without a session cookie');
                await context.addCookies([session]);
                await page.goto(`${gw.url}/trades`);
                expect(new URL(page.url()).pathname).toBe('/sign-in');
                expect(await page.getByLabel('API 密钥').count()).toBe(1);
                await context.close();
            },
            SLOW,
        );
    });

    describe('pages of other roles', () => {
        it(
            'refuses a vendor the customs queue and the bank’s pages, and an agent the bank’s pages (403)',
            async () => {
                for (const [actor, paths] of [
                    [m.vendor, ['/customs/queue', '/bank/receipts', '/receipts/check']],
                    [m.agent, ['/bank/receipts', '/receipts/check']],
                ] as const) {
                    const { context, page } = await signIn(actor);
                    for (const path of paths) {
                        const res = await page.goto(`${gw.url}${path}`);
                        expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
                        expect(await text(page.getByRole('alert'))).toContain('无权打开此页面');
                    }
                    await context.close();
                }
            },
            SLOW,
        );
    });

    // last: the browser signed in by beforeAll has been idle for longer than the gateway's idle timeout by now
    it(
        'sends a browser idle longer than the timeout to sign in again, saying why',
        async () => {
            const { context, page, since } = idle;
            const remaining = since + IDLE_MINUTES * 60_000 + 2000 - Date.now();
            if (remaining > 0) await page.waitForTimeout(remaining);
            await page.goto(`${gw.url}/trades`);
            expect(new URL(page.url()).pathname).toBe('/sign-in');
            expect(await text(page.getByRole('status'))).toBe('您长时间未操作，会话已结束。请重新登录。');
            await context.close();
        },
        SLOW,
    );
});
