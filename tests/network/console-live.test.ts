import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { text } from '../unit/console/chromium';
import { consoleSuite } from './console-support';
import { BUYER_COUNTRY, BUYER_NAME, consolidateAndPack, ok, str, today, tradeBody } from './gateway-support';

/**
 * Live list pages on the real network, in Chromium: a customs officer's open queue shows a declaration an agent files
 * through REST, and a bank's open receipts list a receipt filed through REST, both without a reload (a marker set on
 * the page's window survives) and announced in the page's live region.
 */
// the list pages read the orgs' read models, and their event streams come out of them
const { gw, m, signIn } = consoleSuite({ MPT_PROJECTION: 'on' });
const SLOW = 4 * 60_000;
/** How long a write may take to reach an open page: commit, the org's read model, the stream's poll, the refresh. */
const ARRIVAL_MS = 60_000;

/** Opens a live list page and waits until its event stream is open; marks its window to tell a reload. */
async function openLive(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.locator('#live-list[data-live-state="open"]').waitFor({ timeout: ARRIVAL_MS });
    await page.evaluate('window.liveMarker = "not reloaded"');
}

describe('console live list pages on the real network', () => {
    const run = Date.now().toString(36).toUpperCase();

    it(
        'a declaration an agent files appears in the customs officer’s open queue without a reload',
        async () => {
            const tradeNo = `TL-${run}`;
            ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
            const { declaration } = await consolidateAndPack(m, [tradeNo]);
            const declNo = declaration.declNo as string;
            const { context, page } = await signIn(m.customs);
            await openLive(page, `${gw.url}/customs/queue?status=SUBMITTED`);
            expect(await page.locator('#live-list').textContent()).not.toContain(declNo);

            ok(await m.agent.api.post('/v1/declarations', declaration), 201);

            const row = page.locator('#live-list tbody tr.live-new', { hasText: declNo });
            await row.waitFor({ timeout: ARRIVAL_MS });
            expect(await text(row)).toContain('已申报');
            expect(await page.evaluate('window.liveMarker')).toBe('not reloaded');
            expect(await text(page.locator('#live-status'))).toMatch(/^列表已更新：新增 1 条，变更 \d+ 条。$/);
            await context.close();
        },
        SLOW,
    );

    it(
        'a receipt filed through REST appears in the bank’s open receipts without a reload',
        async () => {
            const { context, page } = await signIn(m.bank);
            await openLive(page, `${gw.url}/bank/receipts?stage=allocation&lang=en`);

            const filed = ok(
                await m.bank.api.post('/v1/receipts', {
                    receiptRef: `RL-${run}`,
                    payeePartyId: m.ids.vendor,
                    amountMinor: 120_000,
                    currency: 'USD',
                    valueDate: today(),
                    channel: 'SWIFT',
                    allocations: [],
                    payer: { name: BUYER_NAME, country: BUYER_COUNTRY, bank: 'Emirates NBD' },
                }),
                201,
            );
            const receiptId = str(filed, 'result.receiptId');

            const row = page.locator('#live-list tbody tr.live-new', { hasText: receiptId });
            await row.waitFor({ timeout: ARRIVAL_MS });
            expect(await page.evaluate('window.liveMarker')).toBe('not reloaded');
            expect(await text(page.locator('#live-status'))).toMatch(/^List updated: 1 new, \d+ changed\.$/);
            await context.close();
        },
        SLOW,
    );
});
