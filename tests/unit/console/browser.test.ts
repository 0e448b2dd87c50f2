/**
 * The console in a real browser: Debian's Chromium (installed by scripts/ensure-chromium.js when missing) driven by
 * playwright-core, against the gateway app on the unit tests' fake ledger, listening on 127.0.0.1. Screenshots of the
 * pages go to .ci/out/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ChaincodeRejection } from '../../../gateway/src/ledger/errors';
import { harness, type Harness } from '../gateway/harness';
import {
    DESKTOP,
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
import { answerConsolePages } from './support';

const TX = '7'.repeat(64);
const SLOW = 60_000;

describe('console in Chromium', () => {
    let h: Harness;
    let site: ServedConsole;
    let base: string;
    let browser: Browser;
    const keys: Record<'vendor' | 'bank' | 'customs', string> = { vendor: '', bank: '', customs: '' };

    beforeAll(async () => {
        h = harness();
        keys.vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        keys.bank = h.user('BankOrg', 'officer1', 'bank', 'BANK-0001');
        keys.customs = h.user('CustomsOrg', 'officer1', 'customs', null);
        h.ledger.committed.set(TX, { valid: true, code: 'VALID', blockNumber: '42' });
        answerConsolePages(h.ledger, TX);
        site = await serveInChromium(h.app);
        ({ base, browser } = site);
    }, 5 * 60_000);

    afterAll(async () => {
        await site.close();
        h.cleanup();
    });

    const signedIn = (who: keyof typeof keys, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> =>
        signInWith(browser, base, keys[who], viewport);

    it(
        'signs in, switches to English and back, and keeps the key out of page storage',
        async () => {
            const { context, page } = await signedIn('vendor');
            expect(await heading(page)).toBe('您可以办理的业务');
            await go(page, page.getByRole('link', { name: 'English' }).click());
            expect(await heading(page)).toBe('What you can do');
            await go(page, page.getByRole('link', { name: 'My trades' }).click());
            expect(await heading(page)).toBe('My trades');
            expect(await page.evaluate<number>('localStorage.length + sessionStorage.length')).toBe(0);
            // the session cookie is httpOnly: no script on the page can read it
            expect(await page.evaluate<string>('document.cookie')).not.toContain('mpt_session');
            expect(await page.content()).not.toContain(keys.vendor.slice(-24));
            await go(page, page.getByRole('link', { name: '中文' }).click());
            expect(await heading(page)).toBe('我的交易');
            await context.close();
        },
        SLOW,
    );

    it(
        'shows the vendor’s trades and a trade’s history at 360 px without sideways scrolling',
        async () => {
            const { context, page } = await signedIn('vendor', PHONE);
            await go(page, page.getByRole('link', { name: '我的交易' }).click());
            expect(await text(page.getByRole('cell', { name: 'US$1,234,567.89' }))).toBe('US$1,234,567.89');
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'vendor-trades-360.png'), fullPage: true });
            await go(page, page.getByRole('link', { name: 'T-1' }).click());
            expect(await heading(page)).toBe('交易 T-1');
            expect(await text(page.getByRole('heading', { name: '变更历史' }))).toBe('变更历史');
            expect(await scrollsSideways(page)).toBe(false);
            await go(page, page.getByRole('link', { name: /^7{12}/ }).click());
            expect(await text(page.locator('main'))).toContain('已写入第 42 号区块');
            await context.close();
        },
        SLOW,
    );

    it(
        'checks a receipt for a bank and shows a refused check’s error in Chinese at the field',
        async () => {
            const { context, page } = await signedIn('bank', PHONE);
            await go(page, page.getByRole('link', { name: '核验收汇' }).click());
            await page.getByLabel('收汇编号').fill('BankOrgMSP:R-1');
            await go(page, page.getByRole('button', { name: '核验' }).click());
            expect(await text(page.locator('#verdict-title'))).toBe('核验结论: 不通过');
            expect(await page.getByText('金额超过交易的剩余可用额。').first().isVisible()).toBe(true);
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'bank-check-360.png'), fullPage: true });

            h.ledger.failNext('ReceiptContract:CheckReceipt', new ChaincodeRejection('RULE_V25', 'allocations exceed'));
            await go(page, page.getByRole('button', { name: '核验' }).click());
            expect(await text(page.getByRole('alert'))).toContain('违反规则 V25：分配金额不得超过交易货值 5% 以上');
            expect(await page.getByLabel('收汇编号').getAttribute('aria-invalid')).toBe('true');
            await page.screenshot({ path: path.join(SHOTS, 'bank-check-refused.png'), fullPage: true });
            await context.close();
        },
        SLOW,
    );

    it(
        'refuses a role’s page it may not see, in the user’s language',
        async () => {
            const { context, page } = await signedIn('bank');
            const response = await page.goto(`${base}/trace?declNo=D1&gNo=1`);
            expect(response?.status()).toBe(403);
            expect(await text(page.getByRole('alert'))).toBe('您的角色（银行经办人）无权打开此页面。');
            await context.close();
        },
        SLOW,
    );

    it(
        'draws a declaration line’s trace as a graph; clicking a node or pressing Enter on its entry shows its record',
        async () => {
            const { context, page } = await signedIn('customs');
            await go(page, page.getByRole('link', { name: '追溯报关单商品项' }).click());
            await page.getByLabel('报关单号').fill('290120260000000001');
            await page.getByLabel('商品项号').fill('1');
            await go(page, page.getByRole('button', { name: '追溯' }).click());
            await page.locator('#trace-graph[data-ready="7"]').waitFor();
            await page.screenshot({ path: path.join(SHOTS, 'customs-trace.png'), fullPage: true });

            // cytoscape keeps its instance in a registry on its container: ask it where the container node is drawn
            const box = await page.locator('#trace-graph').boundingBox();
            const at = await page.evaluate<{ x: number; y: number }>(
                `document.getElementById('trace-graph')._cyreg.cy.nodes('[kind = "container"]').renderedPosition()`,
            );
            await page.mouse.click((box?.x ?? 0) + at.x, (box?.y ?? 0) + at.y);
            const container = page.locator('details.node-container');
            await page.locator('details.node-container[open]').waitFor();
            expect(await text(container.locator('pre'))).toContain('PK-0001');

            const line = page.locator('details.node-line summary');
            await line.focus();
            await page.keyboard.press('Enter');
            await page.locator('details.node-line[open]').waitFor();
            expect(await text(page.locator('details.node-line pre'))).toContain('290120260000000001');
            // the page selects the node on the entry's toggle event, which the browser fires after [open] is set
            await page.waitForFunction(
                `document.getElementById('trace-graph')._cyreg.cy.nodes('[kind = "line"]').selected()`,
            );
            await page.setViewportSize(PHONE);
            expect(await scrollsSideways(page)).toBe(false);
            await context.close();
        },
        SLOW,
    );
});
