import { afterAll, beforeAll } from '@jest/globals';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, launchChromium, PHONE, SHOTS, signInWith } from '../unit/console/chromium';
import { marketSuite, type Actor, type Market, type TestGateway } from './gateway-support';

/**
 * Shared set-up of the console suites on the real network: a gateway and a market of the suite's own
 * ({@link marketSuite}), Debian's Chromium, and a signed-in browser profile per actor.
 */
export interface ConsoleSuite {
    readonly gw: TestGateway;
    readonly m: Market;
    /** The suite's Chromium (launched by beforeAll). */
    readonly browser: () => Browser;
    /** A fresh browser profile signed in with the actor's API key through the (Chinese) sign-in form. */
    readonly signIn: (
        actor: Actor,
        viewport?: { width: number; height: number },
    ) => Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * Registers beforeAll/afterAll that start the gateway (with `env`), onboard a market and launch Chromium, and close
 * both after. Use the returned objects inside hooks and tests, not at the top level of the file.
 */
export function consoleSuite(env: Record<string, string> = {}): ConsoleSuite {
    const { gw, m } = marketSuite(env);
    let launched: Browser | undefined;
    beforeAll(async () => {
        launched = await launchChromium();
    });
    afterAll(async () => {
        await launched?.close();
    });
    const browser = (): Browser => {
        if (launched === undefined) throw new Error('Chromium is launched in beforeAll');
        return launched;
    };
    return {
        gw,
        m,
        browser,
        signIn: (actor, viewport) => signInWith(browser(), gw.url, actor.api.apiKey ?? '', viewport),
    };
}

/**
 * Reloads `url` until `ready` holds (at most a minute): the work lists and the dashboard read the org's read model,
 * a block or two behind the ledger.
 */
export async function openWhen(page: Page, url: string, ready: () => Promise<boolean>): Promise<void> {
    for (let tries = 0; tries < 60; tries++) {
        await page.goto(url);
        if (await ready()) return;
        await page.waitForTimeout(1000);
    }
    throw new Error(`${url} never showed what the test waits for`);
}

/**
 * Screenshots of the page as it is at 360 px (`<name>-360.png`) and on a desktop (`<name>.png`), full length unless
 * `fullPage` is false (a page of 500 rows: its first screen is the picture).
 */
export async function screenshots(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
    const before = page.viewportSize();
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(SHOTS, `${name}-360.png`), fullPage });
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
    if (before !== null) await page.setViewportSize(before);
}
