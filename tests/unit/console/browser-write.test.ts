/**
 * The vendor's and agent's write pages in Debian's Chromium (playwright-core) against the gateway app on the unit
 * tests' fake ledger: each role's main path and one refusal per role with its rule, in Chinese, at 360 px.
 * Screenshots go to .ci/out/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { harness, type Harness } from '../gateway/harness';
import {
    go,
    heading,
    PHONE,
    serveInChromium,
    scrollsSideways,
    SHOTS,
    signInWith,
    text,
    type ServedConsole,
} from './chromium';
import { answerConsolePages, answerWritePages, gb18030, UNREGISTERED_GOODS } from './support';

const TX = '7'.repeat(64);
const SLOW = 90_000;

describe('console write pages in Chromium', () => {
    let h: Harness;
    let site: ServedConsole;
    let base: string;
    let browser: Browser;
    const keys: Record<'vendor' | 'agent', string> = { vendor: '', agent: '' };

    beforeAll(async () => {
        h = harness();
        keys.vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        keys.agent = h.user('MarketOrg', 'agent1', 'agent', 'A-0001');
        answerConsolePages(h.ledger, TX);
        answerWritePages(h.ledger);
        site = await serveInChromium(h.app);
        ({ base, browser } = site);
    }, 5 * 60_000);

    afterAll(async () => {
        await site.close();
        h.cleanup();
    });

    const signedIn = (who: keyof typeof keys): Promise<{ context: BrowserContext; page: Page }> =>
        signInWith(browser, base, keys[who], PHONE);

    it(
        'a vendor registers a trade with goods from its registry; goods not registered are refused under V03 at the field',
        async () => {
            const { context, page } = await signedIn('vendor');
            await go(page, page.getByRole('link', { name: '登记交易' }).click());
            expect(await heading(page)).toBe('登记交易');
            await page.getByLabel('交易单号', { exact: true }).fill('T-WEB-1');
            await page.getByLabel('代理商', { exact: true }).fill('A-0001');
            await page.getByLabel('采购商', { exact: true }).fill('B-0001');
            await page.getByLabel('商品编码（第 1 行）', { exact: true }).fill(UNREGISTERED_GOODS);
            await page.getByLabel('数量', { exact: true }).fill('1200');
            await page.getByLabel('单价', { exact: true }).fill('2.50');
            await go(page, page.getByRole('button', { name: '登记交易', exact: true }).click());
            const goods = page.getByLabel('商品编码（第 1 行）', { exact: true });
            expect(await goods.getAttribute('aria-invalid')).toBe('true');
            expect(await text(page.locator('#line-0-goodsCode-error'))).toBe(
                '违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品',
            );
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'vendor-register-refused-360.png'), fullPage: true });

            await goods.fill('G-1');
            await go(page, page.getByRole('button', { name: '登记交易', exact: true }).click());
            expect(await heading(page)).toBe('交易 T-WEB-1');
            expect(h.ledger.submits('TradeContract:RegisterTrade').at(-1)?.args[0]).toContain('"goodsCode":"G-1"');
            await context.close();
        },
        SLOW,
    );

    it(
        'a vendor imports 500 GB18030 rows: progress, then each row’s result with the refused rows’ reasons',
        async () => {
            const { context, page } = await signedIn('vendor');
            await go(page, page.getByRole('link', { name: '批量导入交易' }).click());
            const rows = Array.from({ length: 500 }, (_row, i) => {
                const goods = i % 25 === 24 ? UNREGISTERED_GOODS : 'G-1';
                return `T-B-${String(i + 1).padStart(4, '0')},2026-03-01,A-0001,B-0001,USD,${goods},10,1.25,PREPAID,BANK`;
            });
            const csv = ['交易单号,交易日期,代理商,采购商,币种,商品编码,数量,单价,付款方式,收款渠道', ...rows].join(
                '\r\n',
            );
            await page.getByLabel('CSV 文件', { exact: true }).setInputFiles({
                name: '三月交易.csv',
                mimeType: 'text/csv',
                buffer: gb18030(csv),
            });
            await go(page, page.getByRole('button', { name: '导入', exact: true }).click());
            // the progress page reloads itself until every chunk is answered, then shows the results
            await page.locator('#import-results').waitFor();
            const progress = page.locator('#import-progress');
            expect(await progress.getAttribute('max')).toBe('500');
            expect(await progress.getAttribute('value')).toBe('500');
            expect(await text(page.locator('#import-status'))).toBe('完成：共 500 行，480 行已登记，20 行被拒绝。');
            expect(await text(page.getByRole('row', { name: /T-B-0025/ }))).toContain(
                '违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品',
            );
            expect(await text(page.getByRole('row', { name: /T-B-0001/ }))).toContain('已登记');
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'vendor-import-360.png') });
            const download = await Promise.all([
                page.waitForEvent('download'),
                page.getByRole('link', { name: '下载结果（CSV）' }).click(),
            ]);
            expect(download[0].suggestedFilename()).toMatch(/^import-results-[0-9a-f]{8}\.csv$/);
            await context.close();
        },
        SLOW,
    );

    it(
        'an agent previews a declaration with its V01 headroom and files it; over the cap it is refused under V01',
        async () => {
            const { context, page } = await signedIn('agent');
            await go(page, page.getByRole('link', { name: '制作报关单' }).click());
            await page.getByLabel(/^T-P1/).check();
            await page.getByLabel('报关企业', { exact: true }).fill('K-0001');
            await page.getByLabel('申报海关', { exact: true }).fill('2901');
            await page.getByLabel('出境口岸', { exact: true }).fill('YIWU');
            await page.getByLabel('运抵国', { exact: true }).fill('KZ');
            await page.getByLabel('贸易国', { exact: true }).fill('KZ');
            await go(page, page.getByRole('button', { name: '预览', exact: true }).click());
            expect(await text(page.locator('#headroom'))).toBe('US$98,150.00');
            expect(await text(page.locator('#preview'))).toContain('第 61 章（归并）');
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'agent-preview-360.png'), fullPage: true });

            await page.getByLabel(/^T-BIG/).check();
            await go(page, page.getByRole('button', { name: '预览', exact: true }).click());
            expect(await text(page.locator('#headroom'))).toBe('超出限额 US$19,850.00');
            await page.getByLabel('报关单号（申报时填写）', { exact: true }).fill('290120260000000077');
            await go(page, page.getByRole('button', { name: '申报', exact: true }).click());
            expect(await text(page.getByRole('alert').last())).toContain(
                '违反规则 V01：一份报关单的货值不得超过 15 万美元',
            );
            await page.screenshot({ path: path.join(SHOTS, 'agent-file-refused-360.png'), fullPage: true });

            await page.getByLabel(/^T-BIG/).uncheck();
            await go(page, page.getByRole('button', { name: '申报', exact: true }).click());
            expect(page.url()).toBe(`${base}/declarations?filed=290120260000000077`);
            expect(await text(page.getByRole('status'))).toBe('报关单 290120260000000077 已申报。');
            await context.close();
        },
        SLOW,
    );
});
