import { beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { go, heading, PHONE, scrollsSideways, SHOTS, text } from '../unit/console/chromium';
import { consoleSuite } from './console-support';
import { exportShipment, ok, str, today, tradeBody } from './gateway-support';

/**
 * The console on the real network, in Chromium, with a market of its own: a vendor sees the trade it registered and
 * its history with the block that committed it, customs traces the exported declaration line as a graph, the bank
 * checks its receipt, and another vendor and a wrong role are refused in Chinese.
 */
const { gw, m, signIn } = consoleSuite();
const SLOW = 3 * 60_000;

describe('console on the real network', () => {
    const tradeNo = `TC-${Date.now().toString(36).toUpperCase()}`;
    let declNo: string;
    let receiptId: string;

    beforeAll(async () => {
        ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
        declNo = (await exportShipment(m, [tradeNo])).declNo;
        const filed = ok(
            await m.bank.api.post('/v1/receipts', {
                receiptRef: `RC-${Date.now().toString(36).toUpperCase()}`,
                payeePartyId: m.ids.vendor,
                amountMinor: 120_000,
                currency: 'USD',
                valueDate: today(),
                channel: 'SWIFT',
                allocations: [{ tradeNo, amountMinor: 120_000 }],
            }),
            201,
        );
        receiptId = str(filed, 'result.receiptId');
    }, SLOW);

    it(
        'shows the vendor its exported trade and the history with the block of each transaction',
        async () => {
            const { context, page } = await signIn(m.vendor, PHONE);
            await go(page, page.getByRole('link', { name: '我的交易' }).click());
            expect(await text(page.getByRole('row', { name: new RegExp(tradeNo) }))).toContain('已出口');
            expect(await scrollsSideways(page)).toBe(false);
            await go(page, page.getByRole('link', { name: tradeNo }).click());
            expect(await heading(page)).toBe(`交易 ${tradeNo}`);
            await go(page, page.locator('a.tx').first().click());
            expect(await text(page.locator('main'))).toMatch(/已写入第 \d+ 号区块 账本上的有效交易/);
            await context.close();
        },
        SLOW,
    );

    it(
        'draws the customs trace of the declaration line back to the vendor',
        async () => {
            const { context, page } = await signIn(m.customs);
            await page.goto(`${gw.url}/trace?declNo=${declNo}&gNo=1`);
            await page.locator('#trace-graph[data-ready]').waitFor();
            expect(await text(page.locator('details.node-vendor summary'))).toContain('经营户');
            expect(await page.locator('details.node').count()).toBeGreaterThanOrEqual(4);
            await page.screenshot({ path: path.join(SHOTS, 'network-customs-trace.png'), fullPage: true });
            await context.close();
        },
        SLOW,
    );

    it(
        'checks the bank’s receipt: a verdict with every BK check in plain words and links to the facts',
        async () => {
            const { context, page } = await signIn(m.bank, PHONE);
            await go(page, page.getByRole('link', { name: '核验收汇' }).click());
            await page.getByLabel('收汇编号').fill(receiptId);
            await go(page, page.getByRole('button', { name: '核验' }).click());
            expect(await text(page.locator('#verdict-title'))).toMatch(/^核验结论: (通过|需人工复核|不通过)$/);
            expect(await page.locator('ul.checks > li').count()).toBe(10); // BK-01..BK-10 (BK-10: financing by any bank, V33)
            expect(await text(page.locator('ul.checks'))).toContain('海关已确认货物出境。');
            expect(await page.locator('.facts-list a.tx').count()).toBeGreaterThan(0);
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'network-bank-check.png'), fullPage: true });
            await context.close();
        },
        SLOW,
    );

    it(
        'shows another vendor nothing of the trade, and refuses a bank the trades page, in Chinese',
        async () => {
            const other = await signIn(m.vendor2);
            // the ledger does not even confirm that another owner's trade exists
            const refused = await other.page.goto(`${gw.url}/trades/${tradeNo}`);
            expect(refused?.status()).toBe(404);
            expect(await text(other.page.getByRole('alert'))).toContain('账本上没有找到。');
            expect(await other.page.content()).not.toContain(m.ids.buyer);
            await other.context.close();

            const bank = await signIn(m.bank);
            const page = await bank.page.goto(`${gw.url}/trades`);
            expect(page?.status()).toBe(403);
            expect(await text(bank.page.getByRole('alert'))).toContain('无权打开此页面');
            await bank.context.close();
        },
        SLOW,
    );
});
