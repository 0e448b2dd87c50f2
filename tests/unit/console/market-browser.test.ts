/**
 * The market dashboard in Debian's Chromium (playwright-core) over a real SQLite read model: the operator sees the
 * month's figures at phone width and a figure opens exactly the records it counts; a vendor is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { MarketCluster } from '../../../chaincode/src/model/records';
import { applyBlock, parseBlock, type OrgReadModel } from '../../../gateway/src/projection';
import { harness, type Harness } from '../gateway/harness';
import { buildBlock, CHAINCODE, compositeKey, type TxSpec } from '../gateway/projection/blocks';
import {
    declaration,
    declarationWrite,
    party,
    partyWrite,
    signature,
    trade,
    tradeWrite,
} from '../gateway/projection/records';
import { newTestModel, type TestModel } from '../gateway/projection/support';
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

const SLOW = 60_000;

function market(): TxSpec[] {
    const cluster: MarketCluster = {
        docType: 'cluster',
        clusterId: 'YW-FUTIAN',
        name: '福田市场',
        city: 'Yiwu',
        customsOffice: '2901',
        acceptanceDate: '2025-01-01',
        streets: [{ streetId: 'S1', name: 'Street 1', stalls: ['A-1-001'] }],
        filedBy: signature('tx-C'),
    };
    const exited = declaration('D-1', 'tx-D-1', {
        status: 'EXITED',
        declDate: '2026-10-01',
        releaseDate: '2026-10-03',
        exitDate: '2026-10-05',
    });
    return [
        { txId: 'tx-C', writes: [{ key: compositeKey('cluster', 'YW-FUTIAN'), value: cluster }] },
        { txId: 'tx-M001', writes: [partyWrite(party('M001', 'tx-M001', { status: 'ACTIVE' }))] },
        { txId: 'tx-T-1', writes: [tradeWrite(trade('T-1', 'tx-T-1', { tradeDate: '2026-10-02', declNo: 'D-1' }))] },
        { txId: 'tx-D-1', writes: [declarationWrite(exited)] },
    ];
}

describe('market dashboard in Chromium', () => {
    let model: TestModel;
    let h: Harness;
    let site: ServedConsole;
    let base: string;
    let browser: Browser;
    const keys: Record<'operator' | 'vendor', string> = { operator: '', vendor: '' };

    beforeAll(async () => {
        model = await newTestModel('sqlite');
        const { database } = model;
        await applyBlock(database.db, parseBlock(buildBlock(0, [{ txId: 'genesis', writes: [] }]), CHAINCODE));
        await applyBlock(database.db, parseBlock(buildBlock(1, market()), CHAINCODE));
        const readModel: OrgReadModel = {
            database,
            status: () =>
                Promise.resolve({
                    org: 'MarketOrg',
                    state: 'following',
                    lastBlock: 1,
                    peerHeight: 2,
                    lagBlocks: 0,
                    transactions: 0,
                    database: 'test',
                }),
        };
        h = harness({ readModels: { readModel: () => readModel } });
        keys.operator = h.user('MarketOrg', 'operator1', 'operator', null);
        keys.vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'M001');
        site = await serveInChromium(h.app);
        ({ base, browser } = site);
    }, 5 * 60_000);

    afterAll(async () => {
        await site.close();
        h.cleanup();
        await model.cleanup();
    });

    it(
        'shows the operator the month’s figures at 360 px, and a figure opens the records it counts',
        async () => {
            const { context, page } = await signInWith(browser, base, keys.operator, PHONE);
            await go(page, page.getByRole('link', { name: '市场看板' }).click());
            expect(await heading(page)).toBe('市场看板');
            await page.goto(`${base}/market?cluster=YW-FUTIAN&from=2026-09&to=2026-10`);

            const value = page.locator('a[data-indicator="exportValueUsd"][data-month="2026-10"]');
            expect(await text(value)).toBe('US$217.00');
            expect(await text(page.locator('a[data-indicator="exportCount"][data-month="2026-10"]'))).toBe('1');
            expect(await text(page.locator('a[data-indicator="exportCount"][data-month="2026-09"]'))).toBe('0');
            expect(await page.locator('svg rect.bar').count()).toBe(3 * 2);
            expect(await scrollsSideways(page)).toBe(false);
            await page.screenshot({ path: path.join(SHOTS, 'market-phone.png'), fullPage: true });

            await go(page, page.locator('a[data-indicator="exportCount"][data-month="2026-10"]').click());
            expect(await heading(page)).toBe('指标对应的记录');
            expect(await text(page.getByRole('cell', { name: 'D-1' }))).toBe('D-1');
            expect(await page.locator('tbody tr').count()).toBe(1);
            await context.close();
        },
        SLOW,
    );

    it(
        'refuses a vendor the dashboard (403) in its language',
        async () => {
            const { context, page } = await signInWith(browser, base, keys.vendor, PHONE);
            const response = await page.goto(`${base}/market?lang=en`);
            expect(response?.status()).toBe(403);
            expect(await page.content()).toContain('may not open this page');
            await context.close();
        },
        SLOW,
    );
});
