import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootstrap } from '../../gateway/src/cli/bootstrap';
import { csrfOf } from '../../gateway/src/console/session';
import { dropStateSchema } from '../../gateway/src/state';
import { Client, connectionProfile, failed, idem, ok, str } from './gateway-support';

/**
 * Two gateway processes of one deployment on one PostgreSQL, each with a data directory of its own (their wallets
 * only): what one instance was told, the other honours — a replayed Idempotency-Key, a revoked key, a console
 * session, one rate-limit budget.
 */
const repo = path.resolve(__dirname, '../..');
const SLOW = 5 * 60_000;
const BURST = 30;

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => {
                if (address === null || typeof address === 'string') reject(new Error('no port'));
                else resolve(address.port);
            });
        });
    });
}

async function healthy(url: string): Promise<void> {
    for (let tries = 0; tries < 240; tries++) {
        try {
            if ((await fetch(`${url}/healthz`)).ok) return;
        } catch {
            // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`gateway at ${url} did not become healthy`);
}

interface Instance {
    readonly url: string;
    readonly dataDir: string;
    readonly process: ChildProcess;
}

describe('two gateway instances on one PostgreSQL', () => {
    let postgresStartedHere = false;
    let databaseUrl: string;
    const schema = `state_e2e_${process.pid}_${Date.now()}`;
    const instances: Instance[] = [];
    const keys = new Map<string, string>();
    let a: Instance;
    let b: Instance;
    const as = (instance: Instance, apiKey: string | undefined): Client => new Client(instance.url, apiKey);
    const key = (org: string, username: string): string => {
        const found = keys.get(`${org}/${username}`);
        if (found === undefined) throw new Error(`no bootstrap key for ${org}/${username}`);
        return found;
    };

    async function start(): Promise<Instance> {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-gateway-two-'));
        const env = { databaseUrl, stateSchema: schema };
        // the first bootstrap issues the keys (into PostgreSQL); the second finds them and copies the wallets only
        for (const issued of await bootstrap({ connectionProfile, dataDir, ...env })) {
            if (issued.apiKey !== undefined) keys.set(`${issued.org}/${issued.username}`, issued.apiKey);
        }
        const port = await freePort();
        const child = spawn(process.execPath, [path.join(repo, 'dist', 'gateway', 'src', 'server.js')], {
            env: {
                ...process.env,
                MPT_GATEWAY_HOST: '127.0.0.1',
                MPT_GATEWAY_PORT: String(port),
                MPT_CONNECTION_PROFILE: connectionProfile,
                MPT_GATEWAY_DATA_DIR: dataDir,
                MPT_DATABASE_URL: databaseUrl,
                MPT_GATEWAY_STATE_SCHEMA: schema,
                MPT_PROJECTION: 'off',
                MPT_LOG_LEVEL: process.env.MPT_TEST_GATEWAY_LOG ?? 'silent',
                MPT_RATE_LIMIT_PER_SECOND: '1',
                MPT_RATE_LIMIT_BURST: String(BURST),
                MPT_IP_RATE_LIMIT_PER_SECOND: '1000',
            },
            stdio: ['ignore', 'inherit', 'inherit'],
        });
        const instance = { url: `http://127.0.0.1:${port}`, dataDir, process: child };
        instances.push(instance);
        await healthy(instance.url);
        return instance;
    }

    beforeAll(async () => {
        const script = path.join(repo, 'scripts', 'ensure-postgres.js');
        try {
            execFileSync(process.execPath, [script, 'url'], { stdio: 'ignore' });
        } catch {
            postgresStartedHere = true;
        }
        const out = execFileSync(process.execPath, [script, 'start'], { stdio: ['ignore', 'pipe', 'inherit'] });
        databaseUrl = out.toString('utf8').trim().split('\n').pop() ?? '';
        a = await start();
        b = await start();
    }, SLOW);

    afterAll(async () => {
        await Promise.all(
            instances.map(
                (instance) =>
                    new Promise<void>((resolve) => {
                        if (instance.process.exitCode !== null) {
                            resolve();
                            return;
                        }
                        instance.process.once('exit', () => {
                            resolve();
                        });
                        instance.process.kill('SIGTERM');
                    }),
            ),
        );
        for (const instance of instances) rmSync(instance.dataDir, { recursive: true, force: true });
        if (databaseUrl !== '') await dropStateSchema(databaseUrl, schema);
        if (postgresStartedHere) {
            execFileSync(process.execPath, [path.join(repo, 'scripts', 'ensure-postgres.js'), 'stop'], {
                stdio: ['ignore', 'ignore', 'inherit'],
            });
        }
    }, SLOW);

    it('keeps no state in the data directories: only the wallets are there', () => {
        for (const instance of instances) {
            expect(readdirSync(instance.dataDir).sort()).toEqual(['wallets']);
        }
    });

    it(
        'answers a write retried at the other instance with the first answer, without writing again',
        async () => {
            const admin = key('MarketOrg', 'registrar');
            const idempotencyKey = idem();
            const person = { username: `op-two-${Date.now().toString(36)}`, role: 'operator', party: 'MARKET' };

            const first = await as(a, admin).post('/v1/onboarding', person, idempotencyKey);
            const retried = await as(b, admin).post('/v1/onboarding', person, idempotencyKey);

            const written = ok(first, 201);
            expect(first.headers['idempotent-replayed']).toBe('false');
            expect(ok(retried, 201)).toMatchObject({ txId: str(written, 'txId'), username: person.username });
            expect(retried.headers['idempotent-replayed']).toBe('true');
            // the one-time code is not kept for replays
            expect(retried.body).not.toHaveProperty('enrolmentCode');
            failed(
                await as(b, admin).post('/v1/onboarding', { ...person, role: 'vendor' }, idempotencyKey),
                422,
                /IDEMPOTENCY/,
            );

            // the code issued by A is redeemed at B, once
            const code = str(written, 'enrolmentCode');
            const enrolled = ok(await as(b, undefined).post('/v1/enrolment', { enrolmentCode: code }), 201);
            expect(enrolled).toMatchObject({ username: person.username, role: 'operator' });
            failed(await as(a, undefined).post('/v1/enrolment', { enrolmentCode: code }), 400, 'INVALID');
        },
        SLOW,
    );

    it(
        'refuses at once at the other instance a key rotated away at one',
        async () => {
            const old = key('MarketOrg', 'vendor1');
            ok(await as(b, old).get('/v1/me'));

            const rotated = ok(await as(a, old).post('/v1/keys/rotate', {}), 201);

            failed(await as(b, old).get('/v1/me'), 401, 'UNAUTHENTICATED');
            expect(ok(await as(b, str(rotated, 'apiKey')).get('/v1/me'))).toMatchObject({ username: 'vendor1' });
        },
        SLOW,
    );

    it(
        'keeps a console session opened at one instance signed in at the other, and signed out everywhere',
        async () => {
            const signInToken = 'two-instances-sign-in-token';
            const signedIn = await fetch(`${a.url}/sign-in`, {
                method: 'POST',
                redirect: 'manual',
                headers: {
                    'content-type': 'application/x-www-form-urlencoded',
                    cookie: `mpt_signin=${signInToken}`,
                },
                body: new URLSearchParams({ _csrf: signInToken, apiKey: key('MarketOrg', 'agent1') }).toString(),
            });
            expect(signedIn.status).toBe(303);
            const session = /mpt_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1];
            expect(session).toBeDefined();
            const page = (instance: Instance, cookie: string): Promise<Response> =>
                fetch(`${instance.url}/`, { redirect: 'manual', headers: { cookie } });

            const cookie = `mpt_session=${session ?? ''}`;
            expect((await page(b, cookie)).status).toBe(200);
            expect((await page(b, 'mpt_session=not-a-session')).status).toBe(303);

            const signedOut = await fetch(`${b.url}/sign-out`, {
                method: 'POST',
                redirect: 'manual',
                headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
                body: new URLSearchParams({ _csrf: csrfOf(session ?? '') }).toString(),
            });
            expect(signedOut.headers.get('location')).toBe('/sign-in?out=1');
            expect((await page(a, cookie)).headers.get('location')).toBe('/sign-in?ended=1');
        },
        SLOW,
    );

    it(
        'gives an API key one rate-limit budget across both instances',
        async () => {
            const auditor = key('CustomsOrg', 'officer1');
            const started = Date.now();
            // 2 × 20 requests: each instance alone would allow all of them (burst 30)
            const answers = await Promise.all(
                Array.from({ length: 40 }, (_, i) => as(i % 2 === 0 ? a : b, auditor).get('/v1/me')),
            );
            const refilled = Math.ceil((Date.now() - started) / 1000) + 1;

            const limited = answers.filter((answer) => answer.status === 429);
            const served = answers.filter((answer) => answer.status === 200);
            expect(served.length + limited.length).toBe(40);
            expect(served.length).toBeLessThanOrEqual(BURST + refilled);
            expect(limited.length).toBeGreaterThanOrEqual(40 - BURST - refilled);
            expect(limited.length).toBeGreaterThan(0);
            expect(limited[0]?.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
        },
        SLOW,
    );
});
