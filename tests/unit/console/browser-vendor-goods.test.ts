/**
 * The vendor's trade form and import in Debian's Chromium (playwright-core) over a real SQLite read model holding the
 * vendor's goods registry, on the unit tests' fake ledger: goods picked from the registry, each field checked while
 * typing with the rule's own message before any submit, and a 500-row .xlsx import with progress and per-row results.
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
import { registryReadModel } from './registry';
import { answerConsolePages, answerWritePages, UNREGISTERED_GOODS } from './support';
import { xlsxOf, type Cell } from './xlsx-fixture';

const TX = '7'.repeat(64);
const SLOW = 120_000;
const V03 = '违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品';

describe('vendor goods, live checks and .xlsx import in Chromium', () => {
    let h: Harness;
    let site: ServedConsole;
    let base: string;
    let browser: Browser;
    let vendor = '';
    let registry: Awaited<ReturnType<typeof registryReadModel>>;

    beforeAll(async () => {
        // the vendor has registered goods but no trade yet: its picker must still offer them
        registry = await registryReadModel(
            ['V-0001', 'V-0002'],
            [
                ['G-1', 'V-0001', { nameCn: '毛绒玩具', nameEn: 'Plush toy', hsCode: '9503006000' }],
                ['G-THEIRS', 'V-0002'],
            ],
        );
        h = harness({ readModels: registry.readModels });
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        answerConsolePages(h.ledger, TX);
        answerWritePages(h.ledger);
        site = await serveInChromium(h.app);
        ({ base, browser } = site);
    }, 5 * 60_000);

    afterAll(async () => {
        await site.close();
        h.cleanup();
        await registry.cleanup();
    });

    const signedIn = (): Promise<{ context: BrowserContext; page: Page }> => signInWith(browser, base, vendor, PHONE);

    it(
        'shows a broken rule at its field while the vendor types, before any submit, and clears it once fixed',
        async () => {
            const { context, page } = await signedIn();
            await go(page, page.getByRole('link', { name: '登记交易' }).click());
            expect(await heading(page)).toBe('登记交易');
            const offered = await page
                .locator('#my-goods option')
                .evaluateAll((options) => options.map((option) => (option as { value: string }).value));
            expect(offered).toEqual(['G-1']);

            const goods = page.getByLabel('商品编码（第 1 行）', { exact: true });
            await goods.fill('G-THEIRS');
            await goods.blur();
            const goodsError = page.locator('#line-0-goodsCode-error');
            await goodsError.waitFor();
            expect(await text(goodsError)).toBe(V03);
            expect(await goods.getAttribute('aria-invalid')).toBe('true');
            expect(await goods.getAttribute('aria-describedby')).toContain('line-0-goodsCode-error');

            const qty = page.getByLabel('数量', { exact: true });
            await qty.pressSequentially('1.5');
            await page.locator('#line-0-qty-error').waitFor();
            expect(await text(page.locator('#line-0-qty-error'))).toMatch(/^此项填写无效。/);
            // nothing was submitted: the page is still the form and the ledger saw no registration
            expect(new URL(page.url()).pathname).toBe('/trades/new');
            expect(h.ledger.submits('TradeContract:RegisterTrade')).toHaveLength(0);
            // untouched fields stay quiet although they are empty
            expect(await page.locator('#tradeNo-error').count()).toBe(0);
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'vendor-live-check-360.png'), fullPage: true });

            await goods.fill('G-1');
            await qty.fill('12');
            await goods.focus();
            await goodsError.waitFor({ state: 'detached' });
            await page.locator('#line-0-qty-error').waitFor({ state: 'detached' });
            expect(await goods.getAttribute('aria-invalid')).toBeNull();
            await context.close();
        },
        SLOW,
    );

    it(
        'imports a 500-row .xlsx workbook: progress, then each row’s result with the refused rows’ reasons',
        async () => {
            const { context, page } = await signedIn();
            await go(page, page.getByRole('link', { name: '批量导入交易' }).click());
            const header = [
                '交易单号',
                '交易日期',
                '代理商',
                '采购商',
                '币种',
                '商品编码',
                '数量',
                '单价',
                '付款方式',
                '收款渠道',
            ];
            const rows: Cell[][] = Array.from({ length: 500 }, (_row, i) => [
                `T-X-${String(i + 1).padStart(4, '0')}`,
                { number: '46082', style: 'date' },
                'A-0001',
                'B-0001',
                'USD',
                i % 25 === 24 ? UNREGISTERED_GOODS : 'G-1',
                { number: '10' },
                { number: '1.25' },
                'PREPAID',
                'BANK',
            ]);
            await page.getByLabel('CSV 文件', { exact: true }).setInputFiles({
                name: '三月交易.xlsx',
                mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
                buffer: xlsxOf([{ name: '交易', rows: [header, ...rows] }]),
            });
            await go(page, page.getByRole('button', { name: '导入', exact: true }).click());
            await page.locator('#import-results').waitFor();
            const progress = page.locator('#import-progress');
            expect(await progress.getAttribute('max')).toBe('500');
            expect(await progress.getAttribute('value')).toBe('500');
            expect(await text(page.locator('#import-status'))).toBe('完成：共 500 行，480 行已登记，20 行被拒绝。');
            expect(await text(page.getByRole('row', { name: /T-X-0025/ }))).toContain(V03);
            expect(await text(page.getByRole('row', { name: /T-X-0001/ }))).toContain('已登记');
            const sent = JSON.parse(h.ledger.submits('TradeContract:RegisterTrades')[0]?.args[0] ?? '[]') as {
                tradeDate: string;
                lines: { unitPrice: number }[];
            }[];
            expect(sent[0]).toMatchObject({ tradeDate: '2026-03-01', lines: [{ unitPrice: 125 }] });
            await page.screenshot({ path: path.join(SHOTS, 'vendor-import-xlsx-360.png') });
            await context.close();
        },
        SLOW,
    );
});
