import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootstrap } from '../../gateway/src/cli/bootstrap';
import { loadConfig } from '../../gateway/src/config';
import { newLogger } from '../../gateway/src/ops/logger';
import { startGateway, type RunningGateway } from '../../gateway/src/server';
import { defaultConnectionProfileFile } from '../../network/client';
import { Client, type Res } from './gateway-support';
import { sha256Hex, uniqueId } from './support';

/** The gateway in-process on an ephemeral port, over the real network, with a fresh data dir per run. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-gateway-e2e-'));
const connectionProfile = defaultConnectionProfileFile();
let gateway: RunningGateway;
const keys = new Map<string, string>();

const key = (org: string, username: string): string => {
    const found = keys.get(`${org}/${username}`);
    if (found === undefined) throw new Error(`no bootstrap key for ${org}/${username}`);
    return found;
};
/** The gateway's client with one API key (none for the public paths). */
const as = (apiKey: string | undefined): Client => new Client(gateway.url, apiKey);

beforeAll(async () => {
    for (const issued of await bootstrap({ connectionProfile, dataDir })) {
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
        const ready = await as(undefined).get('/readyz');
        const me = await as(key('MarketOrg', 'vendor1')).get('/v1/me');

        expect(ready.status).toBe(200);
        expect(me.body).toMatchObject({
            username: 'vendor1',
            role: 'vendor',
            ledger: { mspId: 'MarketOrgMSP', role: 'vendor', party: 'V-0001' },
        });
    });

    it('anchors a document signed by the caller, replays a retry, refuses a second registration', async () => {
        const hash = sha256Hex();
        const idempotencyKey = uniqueId('idem');
        const operator = as(key('MarketOrg', 'operator1'));
        const post = (k?: string): Promise<Res> => operator.post('/v1/documents', { sha256: hash, kind: 'INVOICE' }, k);

        const first = await post(idempotencyKey);
        const retry = await post(idempotencyKey);
        const again = await post();
        const verified = await as(key('CustomsOrg', 'officer1')).get(`/v1/documents/${hash}`);

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
        const bad = await as(key('MarketOrg', 'vendor1')).post('/v1/documents', {
            sha256: hash,
            kind: 'INVOICE',
            extra: "'; DROP TABLE",
        });
        const lookup = await as(key('MarketOrg', 'operator1')).get(`/v1/documents/${hash}`);

        expect(bad.status).toBe(400);
        expect(lookup.status).toBe(404);
    });

    it('maps a chaincode FORBIDDEN to 403: customs may not file parties', async () => {
        const res = await as(key('CustomsOrg', 'officer1')).post('/v1/parties', {
            partyId: uniqueId('A'),
            type: 'AGENT',
            legalName: 'Nope Ltd',
            countryCode: 'CN',
        });

        expect(res.status).toBe(403);
        expect((res.body as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    });

    it('onboards a person for an active party: the ledger records who, the person redeems their own key, then is revoked', async () => {
        const operator = as(key('MarketOrg', 'operator1'));
        const customs = as(key('CustomsOrg', 'officer1'));
        const username = uniqueId('agent').toLowerCase();
        const party = uniqueId('A');
        const refused = await operator.post('/v1/onboarding', { username, role: 'agent', party });
        for (const step of ['', '/verify', '/activate']) {
            const filed = await operator.post(
                `/v1/parties${step === '' ? '' : `/${party}${step}`}`,
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

        const onboarded = await operator.post('/v1/onboarding', { username, role: 'agent', party });
        const code = (onboarded.body as { enrolmentCode: string }).enrolmentCode;
        const enrolled = await as(undefined).post('/v1/enrolment', { enrolmentCode: code });
        const again = await as(undefined).post('/v1/enrolment', { enrolmentCode: code });
        const apiKey = (enrolled.body as { apiKey: string }).apiKey;
        const me = await as(apiKey).get('/v1/me');
        const record = await customs.get(`/v1/history/onboarding/MarketOrgMSP:${username}`);
        const revoked = await operator.post(`/v1/identities/${username}/revoke`, { reason: 'end-to-end test' });
        const after = await as(apiKey).get('/v1/me');

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
        const operator = as(key('MarketOrg', 'operator1'));
        const partyId = uniqueId('P');
        const filed = await operator.post('/v1/parties', {
            partyId,
            type: 'PRODUCER',
            legalName: 'Yiwu Toys Factory',
            countryCode: 'CN',
        });
        expect(filed.status).toBe(201);

        const res = await operator.get(`/v1/history/party/${partyId}`);
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
