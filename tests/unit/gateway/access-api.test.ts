import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { EnrolmentCodes } from '../../../gateway/src/auth/enrolment-codes';
import { CaRejected } from '../../../gateway/src/auth/errors';
import { bearer, errorOf, harness, idem, sha, type Harness } from './harness';

interface Onboarded {
    username: string;
    role: string;
    party: string;
    txId: string;
    enrolmentCode?: string;
    expiresAt: string;
}
interface Enrolled {
    username: string;
    role: string;
    party: string;
    keyId: string;
    apiKey: string;
}

describe('authentication, onboarding and keys', () => {
    let h: Harness;
    let operator: string;
    let vendor: string;

    beforeEach(() => {
        h = harness();
        operator = h.user('MarketOrg', 'operator1', 'operator', 'OP-YIWU');
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
    });
    afterEach(() => {
        h.cleanup();
    });

    const onboard = (key: string, body: object, idempotencyKey = idem()): request.Test =>
        request(h.app).post('/v1/onboarding').set(bearer(key)).set('Idempotency-Key', idempotencyKey).send(body);
    const redeem = (enrolmentCode: string): request.Test =>
        request(h.app).post('/v1/enrolment').send({ enrolmentCode });
    /** Onboards a person and redeems their code as they would: their own API key. */
    const newPerson = async (key: string, body: object): Promise<string> => {
        const code = ((await onboard(key, body)).body as Onboarded).enrolmentCode ?? 'missing';
        return ((await redeem(code)).body as Enrolled).apiKey;
    };

    it.each([
        ['no Authorization header', undefined],
        ['a malformed key', 'Bearer hello'],
        ['an unknown key', `Bearer mpt_0123456789abcdef_${'A'.repeat(43)}`],
        ['a Basic header', 'Basic dXNlcjpwYXNz'],
    ])('%s → 401 UNAUTHENTICATED and no ledger call', async (_name, header) => {
        const req = request(h.app).get('/v1/me');
        const res = await (header === undefined ? req : req.set('Authorization', header));

        expect(res.status).toBe(401);
        expect(errorOf(res).code).toBe('UNAUTHENTICATED');
        expect(h.ledger.calls).toHaveLength(0);
    });

    it('/v1/me answers the caller as the gateway and the ledger see it', async () => {
        const res = await request(h.app).get('/v1/me').set(bearer(vendor));

        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
            org: 'MarketOrg',
            mspId: 'MarketOrgMSP',
            username: 'vendor1',
            role: 'vendor',
            party: 'V-0001',
            ledger: { mspId: 'MarketOrgMSP', role: 'vendor', party: 'V-0001' },
        });
    });

    it("a market operator gets an enrolment code, never the vendor's key; the vendor redeems it for their own", async () => {
        const res = await onboard(operator, { username: 'stall-42', role: 'vendor', party: 'V-0042' });
        const body = res.body as Onboarded;

        expect(res.status).toBe(201);
        expect(body).toMatchObject({ org: 'MarketOrg', username: 'stall-42', role: 'vendor', party: 'V-0042' });
        expect(body).not.toHaveProperty('apiKey');
        expect(body.enrolmentCode).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
        expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(71 * 3600 * 1000);
        const recorded = h.ledger.submits('IdentityContract:RecordOnboarding');
        expect(recorded.map((c) => c.args)).toEqual([
            [JSON.stringify({ username: 'stall-42', role: 'vendor', party: 'V-0042' })],
        ]);
        expect(recorded[0]?.certificate).toContain('|operator1|operator|');
        expect(body.txId).toMatch(/^[0-9a-f]{64}$/);
        expect(h.cas.enrolled).toEqual([]);

        const enrolled = await redeem((body.enrolmentCode ?? '').toLowerCase());
        expect(enrolled.status).toBe(201);
        expect(h.cas.enrolled).toEqual([{ org: 'MarketOrg', username: 'stall-42' }]);
        const me = await request(h.app)
            .get('/v1/me')
            .set(bearer((enrolled.body as Enrolled).apiKey));
        expect(me.body).toMatchObject({ username: 'stall-42', role: 'vendor', party: 'V-0042' });
    });

    it('a wrong method on the enrolment path is 405 with Allow, key or no key', async () => {
        const res = await request(h.app).get('/v1/enrolment');

        expect(res.status).toBe(405);
        expect(res.get('allow')).toBe('POST');
    });

    it('an enrolment code works once', async () => {
        const code = ((await onboard(operator, { username: 'once', role: 'agent', party: 'A-1' })).body as Onboarded)
            .enrolmentCode;
        expect((await redeem(code ?? '')).status).toBe(201);

        const again = await redeem(code ?? '');
        expect(again.status).toBe(400);
        expect(errorOf(again)).toMatchObject({ code: 'INVALID', message: expect.stringContaining('already used') });
        expect(h.cas.enrolled).toHaveLength(1);
    });

    it('two redemptions of one code at once: one key, one refusal, one enrolment', async () => {
        const code = ((await onboard(operator, { username: 'twice', role: 'agent', party: 'A-1' })).body as Onboarded)
            .enrolmentCode;
        const answers = await Promise.all([redeem(code ?? ''), redeem(code ?? '')]);

        expect(answers.map((a) => a.status).sort()).toEqual([201, 400]);
        expect(h.cas.enrolled).toHaveLength(1);
    });

    it("the code is not the person's CA secret: the CA gets a secret only this gateway can derive", async () => {
        const code =
            ((await onboard(operator, { username: 'peppered', role: 'agent', party: 'A-1' })).body as Onboarded)
                .enrolmentCode ?? '';

        await expect(h.cas.enroll('MarketOrg', 'peppered', code.replace(/-/g, ''))).rejects.toBeInstanceOf(CaRejected);
        expect((await redeem(code)).status).toBe(201);
    });

    it('revoking a person before they redeem their code ends the code and revokes them at the CA', async () => {
        const code = ((await onboard(operator, { username: 'gone', role: 'vendor', party: 'V-1' })).body as Onboarded)
            .enrolmentCode;
        const revoked = await request(h.app)
            .post('/v1/identities/gone/revoke')
            .set(bearer(operator))
            .set('Idempotency-Key', idem())
            .send({ reason: 'code handed to the wrong person' });

        expect(revoked.status).toBe(200);
        expect(revoked.body).toMatchObject({ username: 'gone', revokedKeyIds: [], revokedAtCa: true });
        expect(h.cas.revoked).toEqual([{ org: 'MarketOrg', username: 'gone' }]);
        expect((await redeem(code ?? '')).status).toBe(400);
        expect(h.cas.enrolled).toEqual([]);
    });

    it('an expired, unknown or replaced code enrols nobody', async () => {
        let now = Date.now();
        const codesDir = mkdtempSync(path.join(tmpdir(), 'mpt-codes-'));
        const app = h.restart({
            enrolmentCodes: new EnrolmentCodes(codesDir, { ttlMs: 60_000, now: (): number => now }),
        });
        const onboardIn = async (username: string): Promise<string> => {
            const res = await request(app)
                .post('/v1/onboarding')
                .set(bearer(operator))
                .set('Idempotency-Key', idem())
                .send({ username, role: 'vendor', party: 'V-1' });
            return (res.body as Onboarded).enrolmentCode ?? 'missing';
        };
        const expired = await onboardIn('late');
        const replaced = await onboardIn('twice');
        const current = await onboardIn('twice');
        now += 30_000;
        const redeemIn = (enrolmentCode: string): request.Test =>
            request(app).post('/v1/enrolment').send({ enrolmentCode });
        expect((await redeemIn(replaced)).status).toBe(400);
        expect((await redeemIn('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF')).status).toBe(400);
        now += 31_000;
        expect((await redeemIn(expired)).status).toBe(400);
        expect((await redeemIn(current)).status).toBe(400);
        expect(h.cas.enrolled).toEqual([]);
        rmSync(codesDir, { recursive: true, force: true });
    });

    it('a party the ledger refuses → its error, and nobody registered at the CA', async () => {
        const res = await onboard(operator, { username: 'ghost', role: 'vendor', party: 'NO-SUCH-PARTY' });

        expect(res.status).toBe(404);
        expect(h.cas.registered).toEqual([]);
    });

    it('a replayed onboarding returns the same result without the code and registers nobody twice', async () => {
        const key = idem();
        const first = await onboard(operator, { username: 'stall-43', role: 'vendor', party: 'V-0043' }, key);
        const again = await onboard(operator, { username: 'stall-43', role: 'vendor', party: 'V-0043' }, key);

        expect(again.status).toBe(201);
        expect(again.get('idempotent-replayed')).toBe('true');
        expect((again.body as Onboarded).txId).toBe((first.body as Onboarded).txId);
        expect((again.body as Onboarded).enrolmentCode).toBeUndefined();
        expect(h.cas.registered).toHaveLength(1);
    });

    it('keeps only hashes of API keys and enrolment codes on disk, in private (0700/0600) files', async () => {
        const res = await onboard(operator, { username: 'stall-44', role: 'vendor', party: 'V-0044' });
        const code = (res.body as Onboarded).enrolmentCode ?? 'missing';
        const pendingFiles = readdirSync(h.dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
        for (const file of pendingFiles) {
            expect(readFileSync(path.join(file.parentPath, file.name), 'utf8')).not.toContain(code);
        }
        const apiKey = ((await redeem(code)).body as Enrolled).apiKey;

        const files = readdirSync(h.dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
        for (const file of files) {
            const full = path.join(file.parentPath, file.name);
            expect(readFileSync(full, 'utf8')).not.toContain(apiKey);
            expect(statSync(full).mode & 0o077).toBe(0);
        }
        expect(statSync(h.dataDir).mode & 0o077).toBe(0);
    });

    it.each([
        ['a vendor onboarding anyone', 'vendor', { role: 'vendor' }],
        ['an operator onboarding a customs officer', 'operator', { role: 'customs' }],
        ['an operator onboarding another operator', 'operator', { role: 'operator' }],
    ])('%s → 403, nothing recorded and nothing registered', async (_name, who, extra) => {
        const res = await onboard(who === 'vendor' ? vendor : operator, {
            username: 'someone',
            party: 'P-1',
            ...extra,
        });

        expect(res.status).toBe(403);
        expect(h.ledger.submits()).toHaveLength(0);
        expect(h.cas.registered).toHaveLength(0);
    });

    it('a customs org admin onboards an officer at the customs CA', async () => {
        const admin = h.user('CustomsOrg', 'registrar', 'admin', null);

        const res = await onboard(admin, { username: 'officer7', role: 'customs', party: 'CUSTOMS-YIWU' });

        expect(res.status).toBe(201);
        expect(h.cas.registered[0]?.org).toBe('CustomsOrg');
    });

    it('only the customs org admin onboards auditors (the chaincode accepts auditors from CustomsOrgMSP only)', async () => {
        const customsAdmin = h.user('CustomsOrg', 'registrar', 'admin', null);
        const marketAdmin = h.user('MarketOrg', 'registrar', 'admin', null);
        const bankAdmin = h.user('BankOrg', 'registrar', 'admin', null);
        const auditor = (username: string): object => ({ username, role: 'auditor', party: 'AUDIT' });

        const fromMarket = await onboard(marketAdmin, auditor('audit-m'));
        const fromBank = await onboard(bankAdmin, auditor('audit-b'));
        expect([fromMarket.status, fromBank.status]).toEqual([403, 403]);
        expect(errorOf(fromBank).code).toBe('FORBIDDEN');
        expect(h.cas.registered).toHaveLength(0);

        const fromCustoms = await onboard(customsAdmin, auditor('audit-c'));
        expect(fromCustoms.status).toBe(201);
        expect(fromCustoms.body).toMatchObject({ mspId: 'CustomsOrgMSP', role: 'auditor' });
        expect(h.cas.registered.map((e) => e.org)).toEqual(['CustomsOrg']);
    });

    it('a username already enrolled → 409 CONFLICT', async () => {
        await newPerson(operator, { username: 'dup-user', role: 'agent', party: 'A-1' });
        const res = await onboard(operator, { username: 'dup-user', role: 'agent', party: 'A-1' });

        expect(res.status).toBe(409);
        expect(errorOf(res).code).toBe('CONFLICT');
    });

    it('rotating a key hands out a new key and the old one stops working', async () => {
        const res = await request(h.app).post('/v1/keys/rotate').set(bearer(vendor)).set('Idempotency-Key', idem());
        const rotated = res.body as { apiKey: string; revokedKeyId: string };

        expect(res.status).toBe(201);
        expect((await request(h.app).get('/v1/me').set(bearer(vendor))).status).toBe(401);
        const me = await request(h.app).get('/v1/me').set(bearer(rotated.apiKey));
        expect(me.body).toMatchObject({ username: 'vendor1', role: 'vendor' });
    });

    it('revoking a person kills their keys and revokes them at the CA', async () => {
        const leaverKey = await newPerson(operator, { username: 'leaver', role: 'agent', party: 'A-9' });

        const res = await request(h.app)
            .post('/v1/identities/leaver/revoke')
            .set(bearer(operator))
            .set('Idempotency-Key', idem())
            .send({ reason: 'left the market' });

        expect(res.status).toBe(200);
        expect(h.cas.revoked).toEqual([{ org: 'MarketOrg', username: 'leaver' }]);
        expect((await request(h.app).get('/v1/me').set(bearer(leaverKey))).status).toBe(401);
    });

    it('an operator may not revoke an operator whose keys are all revoked already: the certificate decides', async () => {
        const admin = h.user('MarketOrg', 'registrar', 'admin', null);
        await newPerson(admin, { username: 'op3', role: 'operator', party: 'OP-3' });
        for (const record of h.keys.activeFor('MarketOrg', 'op3')) {
            h.keys.revoke(record.keyId, 'rotated by bootstrap');
        }

        const res = await request(h.app)
            .post('/v1/identities/op3/revoke')
            .set(bearer(operator))
            .set('Idempotency-Key', idem())
            .send({ reason: 'no keys left to check' });

        expect(res.status).toBe(403);
        expect(h.cas.revoked).toEqual([]);
    });

    it('an operator may not revoke another operator and a vendor may not revoke anyone', async () => {
        const admin = h.user('MarketOrg', 'registrar', 'admin', null);
        await newPerson(admin, { username: 'op2', role: 'operator', party: 'OP-2' });

        const byOperator = await request(h.app)
            .post('/v1/identities/op2/revoke')
            .set(bearer(operator))
            .set('Idempotency-Key', idem())
            .send({ reason: 'x' });
        const byVendor = await request(h.app)
            .post('/v1/identities/operator1/revoke')
            .set(bearer(vendor))
            .set('Idempotency-Key', idem())
            .send({ reason: 'x' });

        expect(byOperator.status).toBe(403);
        expect(byVendor.status).toBe(403);
        expect(h.cas.revoked).toHaveLength(0);
    });

    it('never logs API keys or Authorization headers', async () => {
        const made = await onboard(operator, { username: 'quiet', role: 'vendor', party: 'V-7' });
        const code = (made.body as Onboarded).enrolmentCode ?? 'missing';
        const newKey = ((await redeem(code)).body as Enrolled).apiKey;
        await request(h.app).get('/v1/me').set(bearer(newKey));
        await request(h.app).get('/v1/me').set('Authorization', 'Bearer wrong-key-value');

        expect(h.logs.lines.length).toBeGreaterThan(2);
        expect(h.logs.text).not.toContain(newKey);
        expect(h.logs.text).not.toContain(code);
        expect(h.logs.text).not.toContain(operator);
        expect(h.logs.text).not.toContain('wrong-key-value');
        expect(h.logs.text).toContain('"requestId"');
    });
});

describe('rate limit per API key', () => {
    it('refuses requests past the burst with 429 and Retry-After, per key', async () => {
        const h = harness({ rateLimit: { perSecond: 1, burst: 3 } });
        try {
            const a = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
            const b = h.user('MarketOrg', 'agent1', 'agent', 'A-0001');
            const statuses: number[] = [];
            for (let i = 0; i < 5; i++) {
                statuses.push(
                    (
                        await request(h.app)
                            .get(`/v1/documents/${sha('x')}`)
                            .set(bearer(a))
                    ).status,
                );
            }
            const limited = await request(h.app).get('/v1/me').set(bearer(a));
            const other = await request(h.app).get('/v1/me').set(bearer(b));

            expect(statuses.filter((s) => s === 429)).toHaveLength(2);
            expect(errorOf(limited).code).toBe('RATE_LIMITED');
            expect(Number(limited.get('retry-after'))).toBeGreaterThan(0);
            expect(other.status).toBe(200);
            expect(h.ledger.calls.filter((c) => c.fn === 'DocumentContract:GetDocument')).toHaveLength(3);
        } finally {
            h.cleanup();
        }
    });
});
