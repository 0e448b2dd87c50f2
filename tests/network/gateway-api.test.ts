import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { bootstrap } from '../../gateway/src/cli/bootstrap';
import { loadConfig } from '../../gateway/src/config';
import { newLogger } from '../../gateway/src/ops/logger';
import { startGateway, type RunningGateway } from '../../gateway/src/server';
import { repoRoot } from '../../network/client';
import { sha256Hex, uniqueId } from './support';

/** The gateway in-process on an ephemeral port, over the real network, with a fresh data dir per run. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-gateway-e2e-'));
const connectionProfile = path.join(repoRoot(), '.fabric/net/connection.json');
let gateway: RunningGateway;
const keys = new Map<string, string>();

const key = (org: string, username: string): string => {
    const found = keys.get(`${org}/${username}`);
    if (found === undefined) throw new Error(`no bootstrap key for ${org}/${username}`);
    return found;
};
const auth = (apiKey: string): { Authorization: string } => ({ Authorization: `Bearer ${apiKey}` });
const idem = (): string => uniqueId('idem');

beforeAll(async () => {
    for (const issued of bootstrap({ connectionProfile, dataDir })) {
        if (issued.apiKey !== undefined) keys.set(`${issued.org}/${issued.username}`, issued.apiKey);
    }
    const config = loadConfig({
        MPT_GATEWAY_PORT: '0',
        MPT_CONNECTION_PROFILE: connectionProfile,
        MPT_GATEWAY_DATA_DIR: dataDir,
        MPT_LOG_LEVEL: 'silent',
    });
    gateway = await startGateway(config, newLogger('silent'));
});

afterAll(async () => {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
});

describe('gateway on the real network', () => {
    it('is ready when every org peer answers, and says who the caller is on the ledger', async () => {
        const ready = await request(gateway.url).get('/readyz');
        const me = await request(gateway.url)
            .get('/v1/me')
            .set(auth(key('MarketOrg', 'vendor1')));

        expect(ready.status).toBe(200);
        expect(me.body).toMatchObject({
            username: 'vendor1',
            role: 'vendor',
            ledger: { mspId: 'MarketOrgMSP', role: 'vendor', party: 'V-0001' },
        });
    });

    it('anchors a document signed by the caller, replays a retry, refuses a second registration', async () => {
        const hash = sha256Hex();
        const idempotencyKey = idem();
        const post = (k: string): request.Test =>
            request(gateway.url)
                .post('/v1/documents')
                .set(auth(key('MarketOrg', 'operator1')))
                .set('Idempotency-Key', k)
                .send({ sha256: hash, kind: 'INVOICE' });

        const first = await post(idempotencyKey);
        const retry = await post(idempotencyKey);
        const again = await post(idem());
        const verified = await request(gateway.url)
            .get(`/v1/documents/${hash}`)
            .set(auth(key('CustomsOrg', 'officer1')));

        expect(first.status).toBe(201);
        expect(first.body).toMatchObject({
            document: { sha256: hash, registeredBy: { role: 'operator', party: 'OP-YIWU' } },
        });
        expect(Number((first.body as { blockNumber: string }).blockNumber)).toBeGreaterThan(0);
        expect(retry.body).toEqual(first.body);
        expect(again.status).toBe(409);
        expect(verified.body).toMatchObject({ registered: true, document: { sha256: hash, kind: 'INVOICE' } });
    });

    it('bad input gets a 4xx and writes nothing', async () => {
        const hash = sha256Hex();
        const bad = await request(gateway.url)
            .post('/v1/documents')
            .set(auth(key('MarketOrg', 'vendor1')))
            .set('Idempotency-Key', idem())
            .send({ sha256: hash, kind: 'INVOICE', extra: "'; DROP TABLE" });
        const lookup = await request(gateway.url)
            .get(`/v1/documents/${hash}`)
            .set(auth(key('MarketOrg', 'operator1')));

        expect(bad.status).toBe(400);
        expect(lookup.status).toBe(404);
    });

    it('maps a chaincode FORBIDDEN to 403: customs may not file parties', async () => {
        const res = await request(gateway.url)
            .post('/v1/parties')
            .set(auth(key('CustomsOrg', 'officer1')))
            .set('Idempotency-Key', idem())
            .send({ partyId: uniqueId('A'), type: 'AGENT', legalName: 'Nope Ltd', countryCode: 'CN' });

        expect(res.status).toBe(403);
        expect((res.body as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    });

    it('onboards a person for an active party: the ledger records who, the person redeems their own key, then is revoked', async () => {
        const operator = key('MarketOrg', 'operator1');
        const customs = key('CustomsOrg', 'officer1');
        const username = uniqueId('agent').toLowerCase();
        const party = uniqueId('A');
        const refused = await request(gateway.url)
            .post('/v1/onboarding')
            .set(auth(operator))
            .set('Idempotency-Key', idem())
            .send({ username, role: 'agent', party });
        for (const step of ['', '/verify', '/activate']) {
            const filed = await request(gateway.url)
                .post(`/v1/parties${step === '' ? '' : `/${party}${step}`}`)
                .set(auth(operator))
                .set('Idempotency-Key', idem())
                .send(
                    step === ''
                        ? {
                              partyId: party,
                              type: 'AGENT',
                              legalName: 'Agent Ltd',
                              countryCode: 'CN',
                              commerceFilingNo: `CF-${party}`,
                              customsRegNo: `CR-${party}`,
                          }
                        : { reason: 'end-to-end test' },
                );
            expect(filed.status).toBeLessThan(300);
        }

        const onboarded = await request(gateway.url)
            .post('/v1/onboarding')
            .set(auth(operator))
            .set('Idempotency-Key', idem())
            .send({ username, role: 'agent', party });
        const code = (onboarded.body as { enrolmentCode: string }).enrolmentCode;
        const enrolled = await request(gateway.url).post('/v1/enrolment').send({ enrolmentCode: code });
        const again = await request(gateway.url).post('/v1/enrolment').send({ enrolmentCode: code });
        const apiKey = (enrolled.body as { apiKey: string }).apiKey;
        const me = await request(gateway.url).get('/v1/me').set(auth(apiKey));
        const record = await request(gateway.url)
            .get(`/v1/history/onboarding/MarketOrgMSP:${username}`)
            .set(auth(customs));
        const revoked = await request(gateway.url)
            .post(`/v1/identities/${username}/revoke`)
            .set(auth(operator))
            .set('Idempotency-Key', idem())
            .send({ reason: 'end-to-end test' });
        const after = await request(gateway.url).get('/v1/me').set(auth(apiKey));

        expect(refused.status).toBe(404);
        expect(onboarded.status).toBe(201);
        expect(onboarded.body).not.toHaveProperty('apiKey');
        expect(enrolled.status).toBe(201);
        expect(again.status).toBe(400);
        expect(me.body).toMatchObject({ username, ledger: { mspId: 'MarketOrgMSP', role: 'agent', party } });
        expect(revoked.body).toMatchObject({ username, revokedAtCa: true });
        expect(after.status).toBe(401);
        expect(record.status).toBe(200);
    });

    it('a history answer cites the block of every version it shows', async () => {
        const operator = key('MarketOrg', 'operator1');
        const partyId = uniqueId('P');
        const filed = await request(gateway.url)
            .post('/v1/parties')
            .set(auth(operator))
            .set('Idempotency-Key', idem())
            .send({ partyId, type: 'PRODUCER', legalName: 'Yiwu Toys Factory', countryCode: 'CN' });
        expect(filed.status).toBe(201);

        const res = await request(gateway.url).get(`/v1/history/party/${partyId}`).set(auth(operator));
        const body = res.body as {
            result: { history: { txId: string }[] };
            evidence: { txId: string; blockNumber: string | null; valid: boolean }[];
        };

        expect(res.status).toBe(200);
        expect(body.result.history.length).toBeGreaterThan(0);
        for (const version of body.result.history) {
            const cited = body.evidence.find((e) => e.txId === version.txId);
            expect(cited?.valid).toBe(true);
            expect(Number(cited?.blockNumber)).toBeGreaterThan(0);
        }
    });
});
