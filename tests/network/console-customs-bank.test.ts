import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verifyVerdict } from '../../gateway/src/verdicts/signed-verdict';
import { go, heading, PHONE, scrollsSideways, SHOTS, text } from '../unit/console/chromium';
import { consoleSuite, openWhen } from './console-support';
import {
    BUYER_COUNTRY,
    BUYER_NAME,
    consolidateAndPack,
    exportShipment,
    ok,
    str,
    today,
    tradeBody,
} from './gateway-support';

/**
 * The customs and bank pages on the real network, in Chromium: customs works its queue down to a declaration and
 * accepts it, and sees an open risk flag as the CU reason it is; the bank allocates (a V25 over-allocation refused in
 * place), records its verdict, settles, and exports the verdict, whose signature a third party re-checks.
 */
// the work lists read the orgs' read models: this suite runs the projection
const { gw, m, signIn } = consoleSuite({ MPT_PROJECTION: 'on' });
const SLOW = 4 * 60_000;

describe('console customs and bank pages on the real network', () => {
    const run = Date.now().toString(36).toUpperCase();
    const declaredTrade = `TQ-${run}`;
    const exportedTrade = `TB-${run}`;
    let submittedDecl: string;
    let receiptId: string;

    beforeAll(async () => {
        ok(await m.vendor.api.post('/v1/trades', tradeBody(m, declaredTrade)), 201);
        ok(await m.vendor.api.post('/v1/trades', tradeBody(m, exportedTrade)), 201);
        const { declaration } = await consolidateAndPack(m, [declaredTrade]);
        submittedDecl = declaration.declNo as string;
        ok(await m.broker.api.post('/v1/declarations', declaration), 201);
        await exportShipment(m, [exportedTrade]);
        const filed = ok(
            await m.bank.api.post('/v1/receipts', {
                receiptRef: `RB-${run}`,
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
        receiptId = str(filed, 'result.receiptId');
    }, SLOW);

    it(
        'customs opens its queue, the submitted declaration with its CU checks, and accepts it',
        async () => {
            const { context, page } = await signIn(m.customs, PHONE);
            await go(page, page.getByRole('link', { name: '海关待办' }).click());
            const row = page.getByRole('row', { name: new RegExp(submittedDecl) });
            await openWhen(page, `${gw.url}/customs/queue?status=SUBMITTED`, async () => (await row.count()) > 0);
            expect(await text(row)).toContain('已申报');
            expect(await scrollsSideways(page)).toBe(false);
            await go(page, page.getByRole('link', { name: submittedDecl }).click());
            expect(await heading(page)).toBe(`报关单 ${submittedDecl}`);
            expect(await page.locator('#cu-title').count()).toBe(1);
            expect(await page.getByRole('link', { name: '在账本上核验（最近一笔交易）' }).count()).toBe(1);
            await page.getByLabel('接受申报').check();
            await go(page, page.getByRole('button', { name: '记入账本' }).click());
            expect(await text(page.getByRole('status'))).toBe('决定已记入账本。');
            expect(await text(page.locator('.facts dd').first())).toContain('已接受');
            expect(await text(page.locator('table').last())).toContain('接受申报');
            await page.screenshot({ path: path.join(SHOTS, 'network-customs-declaration.png'), fullPage: true });
            await context.close();
        },
        SLOW,
    );

    it(
        'customs sees an open risk flag on the declaration as its CU-07 reason, and lists it among open flags with what F4 means',
        async () => {
            ok(
                await m.customs.api.post('/v1/risk-flags', {
                    subjectType: 'declaration',
                    subjectId: submittedDecl,
                    ruleId: 'F4',
                    severity: 'HIGH',
                    evidence: { note: 'same container declared twice' },
                }),
                201,
            );
            const { context, page } = await signIn(m.customs);
            await page.goto(`${gw.url}/declarations/${submittedDecl}`);
            expect(await text(page.locator('ul.checks'))).toContain('该报关单有未处理的风险标记。');
            const flagged = page.getByRole('row', { name: new RegExp(submittedDecl) });
            await openWhen(page, `${gw.url}/risk-flags`, async () => (await flagged.count()) > 0);
            expect(await text(flagged)).toContain('F4 拆单：同一天多份接近 15 万美元上限的报关单');
            await context.close();
        },
        SLOW,
    );

    it(
        'the bank is refused an over-allocation (V25) in place, then allocates, records its verdict and settles',
        async () => {
            const { context, page } = await signIn(m.bank, PHONE);
            const row = page.getByRole('row', { name: new RegExp(receiptId) });
            await openWhen(page, `${gw.url}/bank/receipts?stage=allocation`, async () => (await row.count()) > 0);
            await go(page, page.getByRole('link', { name: receiptId }).click());
            expect(await heading(page)).toBe(`收汇 ${receiptId}`);
            const allocate = page.locator('form[action$="/allocate"]');
            await allocate.getByLabel('交易单号').fill(exportedTrade);
            await allocate.getByLabel('金额').fill('2000.00');
            await go(page, allocate.getByRole('button').click());
            expect(await text(page.locator('#allocate-error'))).toContain('违反规则 V25');
            await page.locator('form[action$="/allocate"]').getByLabel('金额').fill('1200.00');
            await go(page, page.locator('form[action$="/allocate"]').getByRole('button').click());
            expect(await text(page.getByRole('status'))).toContain('分配到交易');
            expect(await text(page.locator('.facts dd').first())).toBe('已分配');
            await go(page, page.locator('form[action$="/verify"]').getByRole('button').click());
            expect(await text(page.locator('.facts dd').first())).toBe('已核验');
            await go(page, page.locator('form[action$="/settle"]').getByRole('button').click());
            expect(await text(page.locator('.facts dd').first())).toBe('已结汇');
            expect(await page.locator('table a.tx').count()).toBeGreaterThanOrEqual(4);
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'network-bank-receipt.png'), fullPage: true });
            await context.close();
        },
        SLOW,
    );

    it(
        'the bank exports its verdict as JSON signed with its officer’s key, and a third party verifies it',
        async () => {
            const { context, page } = await signIn(m.bank);
            await page.goto(`${gw.url}/receipts/check?receiptId=${encodeURIComponent(receiptId)}`);
            await go(page, page.getByRole('button', { name: '核验' }).click());
            const [download] = await Promise.all([
                page.waitForEvent('download'),
                page.getByRole('button', { name: '下载 JSON' }).click(),
            ]);
            const file = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
                statement: { receiptId: string; result: { verdict: string }; evidence: { blockNumber: string }[] };
            };
            expect(file.statement.receiptId).toBe(receiptId);
            expect(file.statement.evidence.length).toBeGreaterThan(0);
            const check = verifyVerdict(file);
            expect(check).toMatchObject({ valid: true });
            expect(check.subject).toContain(m.bank.username);
            file.statement.result.verdict = file.statement.result.verdict === 'PASS' ? 'FAIL' : 'PASS';
            expect(verifyVerdict(file).valid).toBe(false);
            await context.close();
        },
        SLOW,
    );

    it(
        'refuses a vendor the customs queue and the bank’s receipts, in Chinese',
        async () => {
            const { context, page } = await signIn(m.vendor);
            for (const path of ['/customs/queue', '/bank/receipts']) {
                const res = await page.goto(`${gw.url}${path}`);
                expect(res?.status()).toBe(403);
                expect(await text(page.getByRole('alert'))).toContain('无权打开此页面');
            }
            await context.close();
        },
        SLOW,
    );
});
