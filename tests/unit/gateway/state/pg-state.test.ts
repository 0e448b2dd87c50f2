import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { ApiKeyStore, type NewKey } from '../../../../gateway/src/auth/key-store';
import { csrfOf } from '../../../../gateway/src/console/session';
import { dropStateSchema, openStateDatabase, type StateDatabase } from '../../../../gateway/src/state/database';
import { PgApiKeys } from '../../../../gateway/src/state/pg-api-keys';
import { PgEnrolmentCodes, sharedPepper } from '../../../../gateway/src/state/pg-enrolment-codes';
import { PgIdempotencyJournal } from '../../../../gateway/src/state/pg-idempotency';
import { PgRateLimiter } from '../../../../gateway/src/state/pg-rate-limit';
import { PgSessions } from '../../../../gateway/src/state/pg-sessions';

const VENDOR: NewKey = { org: 'MarketOrg', username: 'vendor1', role: 'vendor', party: 'V-1', createdBy: 'test' };
const scope = (seed: string): string => createHash('sha256').update(seed).digest('hex');

function postgresUrl(): string {
    const url = process.env.MPT_TEST_POSTGRES_URL;
    if (url === undefined || url === '') throw new Error('MPT_TEST_POSTGRES_URL is not set: global-setup.ts starts it');
    return url;
}

let schemas = 0;

/** Two gateway instances' handles on one fresh state schema of the real PostgreSQL, and a clock they share. */
describe('gateway state in PostgreSQL, shared by two instances', () => {
    let url: string;
    let schema: string;
    let a: StateDatabase;
    let b: StateDatabase;
    let clock: number;
    const now = (): number => clock;

    beforeEach(async () => {
        url = postgresUrl();
        schemas += 1;
        schema = `state_t${process.pid}_${schemas}`;
        // both at once, as two instances starting together: the migration runs once
        [a, b] = await Promise.all([openStateDatabase(url, schema), openStateDatabase(url, schema)]);
        clock = Date.parse('2026-03-01T00:00:00Z');
    }, 60_000);
    afterEach(async () => {
        await Promise.all([a.close(), b.close()]);
        await dropStateSchema(url, schema);
    }, 60_000);

    describe('API keys', () => {
        it('a key issued on one instance works on the other, and once revoked there is refused here at once', async () => {
            const keysA = new PgApiKeys(a.db);
            const keysB = new PgApiKeys(b.db);
            const { apiKey, record } = await keysA.issue(VENDOR);

            expect(await keysB.verify(apiKey)).toMatchObject({ keyId: record.keyId, username: 'vendor1' });
            expect(await keysB.revoke(record.keyId, 'stolen')).toBe(true);

            expect(await keysA.verify(apiKey)).toBeUndefined();
            expect(await keysA.get(record.keyId)).toMatchObject({ revokedReason: 'stolen' });
            expect(await keysA.revoke(record.keyId, 'again')).toBe(false);
            expect(await keysA.activeFor('MarketOrg', 'vendor1')).toEqual([]);
        });

        it('refuses a key whose secret part is wrong, though its key ID exists', async () => {
            const keys = new PgApiKeys(a.db);
            const { apiKey } = await keys.issue(VENDOR);
            const forged = `${apiKey.slice(0, -4)}AAAA`;
            expect(forged).not.toBe(apiKey);
            expect(await keys.verify(forged)).toBeUndefined();
            expect(await keys.verify('not-a-key')).toBeUndefined();
        });

        it("copies the data directory's file keys in once, revoked ones revoked, and never again", async () => {
            const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-state-'));
            try {
                const file = new ApiKeyStore(dataDir);
                const kept = file.issue(VENDOR);
                const dropped = file.issue({ ...VENDOR, username: 'vendor2' });
                file.revoke(dropped.record.keyId, 'left');
                const keys = new PgApiKeys(a.db);

                expect(await keys.importOnce(file.all())).toBe(2);
                const late = file.issue({ ...VENDOR, username: 'vendor3' });
                expect(await new PgApiKeys(b.db).importOnce(file.all())).toBe(0);

                expect(await keys.verify(kept.apiKey)).toMatchObject({ username: 'vendor1' });
                expect(await keys.verify(dropped.apiKey)).toBeUndefined();
                expect(await keys.verify(late.apiKey)).toBeUndefined();
            } finally {
                rmSync(dataDir, { recursive: true, force: true });
            }
        });
    });

    describe('enrolment codes', () => {
        const person = {
            org: 'MarketOrg',
            username: 'vendor9',
            role: 'vendor',
            party: 'V-9',
            createdBy: 'MarketOrg/op',
        };

        it('a code presented to both instances at once is claimed by exactly one, with the CA secret it was issued with', async () => {
            const [pepperA, pepperB] = await Promise.all([
                sharedPepper(a.db, undefined),
                sharedPepper(b.db, undefined),
            ]);
            expect(pepperB.equals(pepperA)).toBe(true);
            const codesA = new PgEnrolmentCodes(a.db, pepperA, { now });
            const codesB = new PgEnrolmentCodes(b.db, pepperB, { now });
            const { code, secret } = await codesA.issue(person);

            const claims = await Promise.all([
                ...Array.from({ length: 5 }, () => codesA.claim(code)),
                ...Array.from({ length: 5 }, () => codesB.claim(code.toLowerCase())),
            ]);

            const won = claims.filter((c) => c !== undefined);
            expect(won).toHaveLength(1);
            expect(won[0]).toMatchObject({ username: 'vendor9', secret });
        });

        it('a released code can be claimed again; a consumed, replaced or expired one cannot', async () => {
            const pepper = await sharedPepper(a.db, undefined);
            const codes = new PgEnrolmentCodes(a.db, pepper, { now, ttlMs: 60_000 });
            const first = await codes.issue(person);
            expect(await codes.claim(first.code)).toBeDefined();
            expect(await codes.claim(first.code)).toBeUndefined();
            await codes.release(first.code);
            expect(await codes.claim(first.code)).toBeDefined();

            const second = await codes.issue(person);
            expect(await codes.claim(first.code)).toBeUndefined();
            expect(await codes.pendingFor('MarketOrg', 'vendor9')).toMatchObject({ role: 'vendor', party: 'V-9' });
            clock += 60_001;
            expect(await codes.claim(second.code)).toBeUndefined();
            expect(await codes.pendingFor('MarketOrg', 'vendor9')).toBeUndefined();

            const third = await codes.issue(person);
            await codes.consume(third.code);
            expect(await codes.claim(third.code)).toBeUndefined();
            const fourth = await codes.issue(person);
            await codes.cancel('MarketOrg', 'vendor9');
            expect(await codes.claim(fourth.code)).toBeUndefined();
        });

        it("keeps the data directory's pepper when it is the first to store one", async () => {
            const filePepper = Buffer.alloc(32, 7);
            expect((await sharedPepper(a.db, filePepper)).equals(filePepper)).toBe(true);
            expect((await sharedPepper(b.db, Buffer.alloc(32, 9))).equals(filePepper)).toBe(true);
        });
    });

    describe('idempotency journal', () => {
        const record = {
            requestHash: 'h1',
            createdAt: '2026-03-01T00:00:00.000Z',
            state: 'pending' as const,
            submissions: [{ fn: 'F', txId: 'tx1', payload: '{}', state: 'unknown' as const, at: 'now' }],
        };

        it('a scope running on one instance is in progress on the other until it ends', async () => {
            const journalA = new PgIdempotencyJournal(a.db, a.locks, { now });
            const journalB = new PgIdempotencyJournal(b.db, b.locks, { now });
            const end = await journalA.begin(scope('k1'));
            expect(end).toBeDefined();

            expect(await journalB.begin(scope('k1'))).toBeUndefined();
            expect(await journalA.begin(scope('k1'))).toBeUndefined();
            const other = await journalB.begin(scope('k2'));
            expect(other).toBeDefined();

            await end?.();
            await other?.();
            const again = await journalB.begin(scope('k1'));
            expect(again).toBeDefined();
            await again?.();
        });

        it('a run whose process died (its connection closed) leaves the scope free', async () => {
            const journalB = new PgIdempotencyJournal(b.db, b.locks, { now });
            const end = await new PgIdempotencyJournal(a.db, a.locks, { now }).begin(scope('k3'));
            expect(end).toBeDefined();
            expect(await journalB.begin(scope('k3'))).toBeUndefined();

            // what the server sees when a gateway process dies: its connection goes away
            const killed = await sql<{ gone: boolean }>`
                SELECT pg_terminate_backend(pid) AS gone FROM pg_locks
                WHERE locktype = 'advisory' AND classid = ${0x4d505449} AND granted`.execute(b.db);
            expect(killed.rows).toEqual([{ gone: true }]);

            let retried: Awaited<ReturnType<typeof journalB.begin>>;
            for (let tries = 0; (retried = await journalB.begin(scope('k3'))) === undefined && tries < 50; tries++) {
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            expect(retried).toBeDefined();
            await retried?.();
            await expect(end?.()).rejects.toThrow();
        });

        it('a record written by one instance is read by the other, replaced in place and forgotten after its TTL', async () => {
            const journalA = new PgIdempotencyJournal(a.db, a.locks, { now, ttlMs: 1000 });
            const journalB = new PgIdempotencyJournal(b.db, b.locks, { now, ttlMs: 1000 });
            await journalA.put(scope('k4'), record);
            expect(await journalB.get(scope('k4'))).toEqual(record);

            const done = { ...record, state: 'done' as const, response: { status: 201, body: { txId: 'tx1' } } };
            await journalB.put(scope('k4'), done);
            expect(await journalA.get(scope('k4'))).toEqual(done);

            clock += 1001;
            expect(await journalA.get(scope('k4'))).toBeUndefined();
            await journalA.put(scope('k5'), record);
            expect(await journalB.prune()).toBe(1);
            await expect(journalA.get('../etc/passwd')).rejects.toThrow('SHA-256');
        });
    });

    describe('rate limits', () => {
        it('one bucket per client across both instances: the burst is shared, then refilled with time', async () => {
            const options = { perSecond: 1, burst: 3, now };
            const limitA = new PgRateLimiter(a.db, 'key', options);
            const limitB = new PgRateLimiter(b.db, 'key', options);

            const answers = [
                await limitA.take('k'),
                await limitB.take('k'),
                await limitA.take('k'),
                await limitB.take('k'),
            ];
            expect(answers).toEqual([0, 0, 0, 1]);
            expect(await new PgRateLimiter(a.db, 'ip', options).take('k')).toBe(0);

            clock += 2000;
            expect([await limitB.take('k'), await limitA.take('k'), await limitA.take('k')]).toEqual([0, 0, 1]);
        });

        it('under concurrent takes from both instances exactly the burst is allowed', async () => {
            const options = { perSecond: 1, burst: 10, now };
            const limiters = [new PgRateLimiter(a.db, 'key', options), new PgRateLimiter(b.db, 'key', options)];

            const answers = await Promise.all(
                Array.from({ length: 40 }, (_, i) => limiters[i % 2]?.take('busy') ?? Promise.resolve(-1)),
            );

            expect(answers.filter((wait) => wait === 0)).toHaveLength(10);
            expect(answers.filter((wait) => wait > 0)).toHaveLength(30);
        });

        it('prunes buckets that are full again and keeps the others', async () => {
            const limiter = new PgRateLimiter(a.db, 'key', { perSecond: 1, burst: 2, now });
            await limiter.take('idle');
            clock += 500;
            await limiter.take('busy');
            clock += 600;
            expect(await limiter.prune()).toBe(1);
            const left = await sql<{ bucket: string }>`SELECT bucket FROM rate_buckets`.execute(a.db);
            expect(left.rows).toEqual([{ bucket: 'key:busy' }]);
        });
    });

    describe('console sessions', () => {
        it('a session opened on one instance works on the other, ends idle, and stores no cookie or CSRF token', async () => {
            const sessionsA = new PgSessions(a.db, 60_000, now);
            const sessionsB = new PgSessions(b.db, 60_000, now);
            const id = await sessionsA.open('key-1');

            clock += 59_000;
            expect(await sessionsB.touch(id)).toEqual({ keyId: 'key-1', csrf: csrfOf(id) });
            clock += 59_000;
            expect(await sessionsA.touch(id)).toEqual({ keyId: 'key-1', csrf: csrfOf(id) });
            const stored = await sql<Record<string, unknown>>`SELECT * FROM console_sessions`.execute(a.db);
            expect(JSON.stringify(stored.rows)).not.toContain(id);
            expect(JSON.stringify(stored.rows)).not.toContain(csrfOf(id));

            clock += 60_001;
            expect(await sessionsB.touch(id)).toBeUndefined();
            expect(await sessionsA.touch(id)).toBeUndefined();
        });

        it('signing out on one instance ends the session on the other', async () => {
            const sessionsA = new PgSessions(a.db, 60_000, now);
            const id = await sessionsA.open('key-2');
            await new PgSessions(b.db, 60_000, now).close(id);
            expect(await sessionsA.touch(id)).toBeUndefined();
            expect(await sessionsA.touch(undefined)).toBeUndefined();
        });
    });
});
