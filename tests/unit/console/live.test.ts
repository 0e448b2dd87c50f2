import { get, type ClientRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import type request from 'supertest';
import type { Locator, Page } from 'playwright-core';
import { applyBlock, parseBlock, type OrgReadModel } from '../../../gateway/src/projection';
import { dropStateSchema, openGatewayState, type GatewayState } from '../../../gateway/src/state';
import { harness, idem, listen, bearer, type Harness } from '../gateway/harness';
import { buildBlock, CHAINCODE, type TxSpec } from '../gateway/projection/blocks';
import { declaration, declarationWrite, party, partyWrite } from '../gateway/projection/records';
import { eventually, newTestModel, type TestModel } from '../gateway/projection/support';
import { serveInChromium, signInWith, text, type ServedConsole } from './chromium';
import { browser, csrfOf, signIn } from './support';

/**
 * Live list pages and the end of event streams, on a real read model (SQLite) and the gateway's real state: in files
 * and in PostgreSQL. The browser part runs the page's own script in Chromium.
 */

const IDLE_MS = 60_000;

const filed = (declNo: string): TxSpec => ({
    txId: `tx-${declNo}`,
    writes: [declarationWrite(declaration(declNo, `tx-${declNo}`))],
    event: { name: 'DeclarationFiled', payload: { declNo, status: 'SUBMITTED' } },
});

/** An SSE response read as it comes: its frames, and whether the server ended it. */
interface OpenStream {
    readonly frames: string[];
    readonly ended: Promise<void>;
    close(): void;
}

function openStream(base: string, path: string, headers: Record<string, string>): Promise<OpenStream> {
    return new Promise((resolve, reject) => {
        let request: ClientRequest | undefined = undefined;
        request = get(`${base}${path}`, { headers }, (res) => {
            if (res.statusCode !== 200) {
                reject(new Error(`stream answered ${String(res.statusCode)}`));
                return;
            }
            const frames: string[] = [];
            let buffered = '';
            res.on('data', (chunk: Buffer) => {
                buffered += chunk.toString('utf8');
                const parts = buffered.split('\n\n');
                buffered = parts.pop() ?? '';
                frames.push(...parts);
            });
            const ended = new Promise<void>((done) => res.on('end', done));
            resolve({ frames, ended, close: () => request?.destroy() });
        });
        request.on('error', reject);
    });
}

/** Waits (bounded) for the server to end the stream; its last frame. */
async function endOf(stream: OpenStream): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            reject(new Error('the stream was not ended'));
        }, 5000);
    });
    try {
        await Promise.race([stream.ended, timeout]);
    } finally {
        clearTimeout(timer);
    }
    return stream.frames.at(-1);
}

const sessionCookie = (signedIn: { headers: Record<string, unknown> }): string =>
    (signedIn.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');

describe.each(['files', 'postgres'] as const)('live pages and streams, gateway state in %s', (where) => {
    let h: Harness;
    let model: TestModel;
    let state: GatewayState;
    let app: Express;
    let clock: number;
    let block: number;
    const schema = `state_live${String(process.pid)}`;
    const databaseUrl = where === 'postgres' ? process.env.MPT_TEST_POSTGRES_URL : undefined;

    const append = async (txs: TxSpec[]): Promise<void> => {
        await applyBlock(model.database.db, parseBlock(buildBlock(block, txs), CHAINCODE));
        block += 1;
    };

    /** A person with a wallet identity and an API key in the gateway state under test. */
    const person = async (
        org: string,
        username: string,
        role: 'customs' | 'agent',
        party: string | null,
    ): Promise<string> => {
        h.user(org, username, role, party);
        return (await state.keys.issue({ org, username, role, party, createdBy: 'test' })).apiKey;
    };

    beforeEach(async () => {
        if (where === 'postgres' && (databaseUrl === undefined || databaseUrl === '')) {
            throw new Error('MPT_TEST_POSTGRES_URL is not set: tests/unit/global-setup.ts starts PostgreSQL');
        }
        clock = Date.parse('2026-11-30T02:00:00.000Z');
        const now = (): number => clock;
        block = 0;
        h = harness();
        model = await newTestModel('sqlite');
        state = await openGatewayState({ dataDir: h.dataDir, databaseUrl, schema, consoleIdleMs: IDLE_MS, now });
        const readModel: OrgReadModel = {
            database: model.database,
            status: () =>
                Promise.resolve({
                    org: 'CustomsOrg',
                    state: 'following',
                    lastBlock: block - 1,
                    peerHeight: block,
                    lagBlocks: 0,
                    transactions: 0,
                    database: 'test',
                }),
        };
        app = h.restart({
            keys: state.keys,
            ...(state.sessions === undefined ? {} : { sessions: state.sessions }),
            now,
            readModels: { readModel: (org) => (org === 'CustomsOrg' || org === 'MarketOrg' ? readModel : undefined) },
            eventStream: { pollMs: 20, heartbeatMs: 1000, recheckMs: 50 },
            console: { idleMs: IDLE_MS, cookies: { secure: 'never' } },
        });
        await append([
            { txId: 'tx-agent', writes: [partyWrite(party('A001', 'tx-agent', { type: 'AGENT', status: 'ACTIVE' }))] },
            filed('290120260000000001'),
        ]);
    }, 60_000);

    afterEach(async () => {
        await state.close();
        if (databaseUrl !== undefined) await dropStateSchema(databaseUrl, schema);
        await model.cleanup();
        h.cleanup();
    }, 60_000);

    describe('the list pages', () => {
        it('render the list inside the live region with the events of its records, the announcer and the script', async () => {
            const officer = browser(app);
            await signIn(officer, await person('CustomsOrg', 'officer1', 'customs', null));
            const page = (await officer.get('/customs/queue')).text;

            const live =
                /<div id="live-list" data-live-events="([^"]*)">([\s\S]*?)<\/div>\s*<p\s+id="live-status"/.exec(page);
            expect(live?.[1]?.split(' ')).toEqual(['DeclarationFiled', 'CustomsEventRecorded', 'CustomsCheckRecorded']);
            // the rows (and only the list: the filter form stays outside, so typing in it is never lost)
            expect(live?.[2]).toContain('<tbody data-live-rows>');
            expect(live?.[2]).toContain('290120260000000001');
            expect(live?.[2]).not.toContain('<form');
            expect(page).toContain('aria-live="polite"');
            expect(page).toContain('data-updated="列表已更新：新增 {added} 条，变更 {changed} 条。"');
            expect(page).toContain('<script src="/console/assets/live.js"></script>');

            const english = (await officer.get('/customs/queue?lang=en')).text;
            expect(english).toContain('data-updated="List updated: {added} new, {changed} changed."');
            expect(english).toContain('data-ended="Your session ended, so this list no longer updates itself.');

            const script = await officer.get('/console/assets/live.js');
            expect([script.status, script.type]).toEqual([200, 'text/javascript']);
            expect(script.text).toContain("new EventSource('/console/events/stream')");

            const agent = browser(app);
            await signIn(agent, await person('MarketOrg', 'agent1', 'agent', 'A001'));
            const own = (await agent.get('/declarations')).text;
            expect(own).toContain('data-live-events="DeclarationFiled CustomsEventRecorded CustomsCheckRecorded"');
            expect(own).toContain('<tbody data-live-rows>');
        });

        it('a refresh the page makes itself does not keep the session alive; a person’s request does', async () => {
            const officer = browser(app);
            await signIn(officer, await person('CustomsOrg', 'officer1', 'customs', null));

            clock += IDLE_MS - 1000;
            const refreshed = await officer.get('/customs/queue').set('x-console-live', '1');
            expect(refreshed.status).toBe(200);
            clock += 2000;
            const late = await officer.get('/customs/queue').set('x-console-live', '1');
            expect([late.status, late.headers.location]).toEqual([303, '/sign-in?ended=1']);

            const other = browser(app);
            await signIn(other, await person('CustomsOrg', 'officer2', 'customs', null));
            clock += IDLE_MS - 1000;
            expect((await other.get('/customs/queue')).status).toBe(200);
            clock += 2000;
            expect((await other.get('/customs/queue')).status).toBe(200);
        });
    });

    describe('an open stream ends with its grant', () => {
        let server: { url: string; close(): Promise<void> };
        const streams: OpenStream[] = [];

        beforeEach(async () => {
            server = await listen(app);
        });
        afterEach(async () => {
            for (const stream of streams.splice(0)) stream.close();
            await server.close();
        });

        /** A console stream of a freshly signed-in officer, shown to be live by `declNo`'s filing reaching it. */
        async function liveConsoleStream(
            declNo: string,
        ): Promise<{ stream: OpenStream; agent: request.Agent; key: string }> {
            const key = await person('CustomsOrg', 'officer1', 'customs', null);
            const agent = browser(app);
            const cookie = sessionCookie(await signIn(agent, key));
            const stream = await openStream(server.url, '/console/events/stream', { Cookie: cookie });
            streams.push(stream);
            await append([filed(declNo)]);
            await eventually(() => Promise.resolve(stream.frames.some((f) => f.includes(declNo))));
            return { stream, agent, key };
        }

        it('a console stream ends when its person signs out', async () => {
            const { stream, agent } = await liveConsoleStream('290120260000000002');

            const csrf = csrfOf((await agent.get('/customs/queue')).text);
            const out = await agent.post('/sign-out').type('form').send({ _csrf: csrf });
            expect(out.headers.location).toBe('/sign-in?out=1');

            expect(await endOf(stream)).toBe('event: stream-ended\ndata: {"reason":"session-ended"}');
        });

        it('a console stream ends when its session idles out: the stream’s own checks do not keep it alive', async () => {
            const { stream } = await liveConsoleStream('290120260000000002');
            clock += IDLE_MS - 1000;
            // checked before it went out, this event found the session live, and must not have touched it
            await append([filed('290120260000000003')]);
            await eventually(() => Promise.resolve(stream.frames.some((f) => f.includes('290120260000000003'))));

            clock += 2000;
            expect(await endOf(stream)).toBe('event: stream-ended\ndata: {"reason":"session-ended"}');
        });

        it('a console stream ends when the key behind its session is revoked', async () => {
            const { stream, key } = await liveConsoleStream('290120260000000002');

            const record = await state.keys.verify(key);
            expect(await state.keys.revoke(record?.keyId ?? '', 'left the office')).toBe(true);

            expect(await endOf(stream)).toBe('event: stream-ended\ndata: {"reason":"key-revoked"}');
        });

        it('an API stream ends when its key is rotated or revoked, and a reconnect is refused', async () => {
            const rotated = await person('CustomsOrg', 'officer1', 'customs', null);
            const revoked = await person('CustomsOrg', 'officer2', 'customs', null);
            const kept = await person('CustomsOrg', 'officer3', 'customs', null);
            const open = async (key: string): Promise<OpenStream> => {
                const stream = await openStream(server.url, '/v1/events/stream', bearer(key));
                streams.push(stream);
                return stream;
            };
            const [a, b, c] = [await open(rotated), await open(revoked), await open(kept)];
            await append([filed('290120260000000004')]);
            for (const stream of [a, b, c]) {
                await eventually(() => Promise.resolve(stream.frames.some((f) => f.includes('290120260000000004'))));
            }

            const rotation = await fetch(`${server.url}/v1/keys/rotate`, {
                method: 'POST',
                headers: { ...bearer(rotated), 'Idempotency-Key': idem(), 'content-type': 'application/json' },
                body: '{}',
            });
            expect(rotation.status).toBe(201);
            const record = await state.keys.verify(revoked);
            expect(await state.keys.revoke(record?.keyId ?? '', 'stolen')).toBe(true);

            expect(await endOf(a)).toBe('event: stream-ended\ndata: {"reason":"key-revoked"}');
            expect(await endOf(b)).toBe('event: stream-ended\ndata: {"reason":"key-revoked"}');
            await expect(openStream(server.url, '/v1/events/stream', bearer(rotated))).rejects.toThrow('401');

            // the stream of a key still active carries on: the next event reaches it
            await append([filed('290120260000000005')]);
            await eventually(() => Promise.resolve(c.frames.some((f) => f.includes('290120260000000005'))));
            expect(c.frames.some((f) => f.includes('stream-ended'))).toBe(false);
        });
    });

    if (where === 'files') {
        describe('in Chromium', () => {
            let served: ServedConsole;
            beforeEach(async () => {
                served = await serveInChromium(app);
            }, 60_000);
            afterEach(async () => {
                await served.close();
            });

            const liveRow = (page: Page, declNo: string): Locator =>
                page.locator('#live-list tbody tr.live-new', { hasText: declNo });

            it('a new declaration appears in the open queue without a reload, marked and announced', async () => {
                const key = await person('CustomsOrg', 'officer1', 'customs', null);
                const { context, page } = await signInWith(served.browser, served.base, key);
                await page.goto(`${served.base}/customs/queue`);
                await page.locator('#live-list[data-live-state="open"]').waitFor();
                await page.evaluate('window.liveMarker = "kept"');

                await append([filed('290120260000000009')]);

                await liveRow(page, '290120260000000009').waitFor({ timeout: 10_000 });
                expect(await page.evaluate('window.liveMarker')).toBe('kept');
                expect(await text(page.locator('#live-status'))).toBe('列表已更新：新增 1 条，变更 0 条。');
                expect(await page.locator('#live-list tbody tr').count()).toBe(2);
                await context.close();
            }, 60_000);

            it('the page stops listening and says so when the session ends', async () => {
                const key = await person('CustomsOrg', 'officer1', 'customs', null);
                const { context, page } = await signInWith(served.browser, served.base, key);
                await page.goto(`${served.base}/customs/queue?lang=en`);
                await page.locator('#live-list[data-live-state="open"]').waitFor();
                await page.evaluate('window.liveMarker = "kept"');

                const record = await state.keys.verify(key);
                await state.keys.revoke(record?.keyId ?? '', 'left the office');

                await page.locator('#live-list[data-live-state="ended"]').waitFor({ timeout: 10_000 });
                expect(await text(page.locator('#live-status'))).toBe(
                    'Your session ended, so this list no longer updates itself. Sign in again to carry on.',
                );
                expect(await page.evaluate('window.liveMarker')).toBe('kept');
                await context.close();
            }, 60_000);
        });
    }
});
