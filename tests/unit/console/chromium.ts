import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../../..');
/** Where the browser tests leave their screenshots. */
export const SHOTS = path.join(ROOT, '.ci/out/console');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

/**
 * Debian's Chromium, installed by scripts/ensure-chromium.js when missing (never skipped), launched by playwright-core
 * (browser downloads do not work here). Close it in afterAll.
 */
export async function launchChromium(): Promise<Browser> {
    const executablePath = execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-chromium.js')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    mkdirSync(SHOTS, { recursive: true });
    // the tests run as root in CI containers, where Chromium's sandbox cannot start
    return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/** Clicks (or presses) and waits for the next page to load. */
export async function go(page: Page, action: Promise<void>): Promise<void> {
    await Promise.all([page.waitForEvent('load'), action]);
}

/** The first match's text, whitespace collapsed, once it is there. */
export async function text(locator: Locator): Promise<string> {
    await locator.first().waitFor();
    return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

export const heading = (page: Page): Promise<string> => text(page.locator('h1'));

/** Whether the page scrolls sideways (it must not, even at 360 px). */
export const scrollsSideways = (page: Page): Promise<boolean> =>
    page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');

/** A fresh browser profile (no cookies) signed in with `apiKey` through the (Chinese) sign-in form. */
export async function signInWith(
    browser: Browser,
    base: string,
    apiKey: string,
    viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${base}/?lang=zh`);
    await page.getByLabel('API 密钥').fill(apiKey);
    await go(page, page.getByRole('button', { name: '登录' }).first().click());
    return { context, page };
}

/** A console app served on a free 127.0.0.1 port, with a Chromium to drive it. */
export interface ServedConsole {
    readonly base: string;
    readonly browser: Browser;
    /** Closes the browser, then the server. */
    close(): Promise<void>;
}

export async function serveInChromium(app: Express): Promise<ServedConsole> {
    const server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => {
            resolve(listening);
        });
    });
    const browser = await launchChromium();
    return {
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        browser,
        close: async (): Promise<void> => {
            await browser.close();
            await new Promise<void>((resolve) =>
                server.close(() => {
                    resolve();
                }),
            );
        },
    };
}
