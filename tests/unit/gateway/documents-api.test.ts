import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
    ChaincodeRejection,
    CommitUnknown,
    LedgerFailure,
    LedgerUnavailable,
} from '../../../gateway/src/ledger/errors';
import { bearer, errorOf, harness, idem, sha, type Harness } from './harness';

describe('documents API on a fake ledger', () => {
    let h: Harness;
    let vendor: string;

    beforeEach(() => {
        h = harness();
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
    });
    afterEach(() => {
        h.cleanup();
    });

    const register = (body: unknown, key = idem()): request.Test =>
        request(h.app)
            .post('/v1/documents')
            .set(bearer(vendor))
            .set('Idempotency-Key', key)
            .send(body as object);

    it('registers a hash signed by the caller and answers the txId and block', async () => {
        const res = await register({ sha256: sha('invoice-1'), kind: 'INVOICE' });

        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
            document: { sha256: sha('invoice-1'), kind: 'INVOICE', registeredBy: { role: 'vendor', party: 'V-0001' } },
            txId: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
            blockNumber: expect.stringMatching(/^\d+$/) as unknown,
        });
        const [submit] = h.ledger.submits();
        expect(submit?.fn).toBe('DocumentContract:RegisterDocument');
        expect(submit?.args).toEqual([sha('invoice-1'), 'INVOICE']);
        expect(submit?.certificate).toContain('|vendor1|');
    });

    it('verifies a registered hash and answers 404 NOT_FOUND for an unknown one', async () => {
        await register({ sha256: sha('invoice-2'), kind: 'INVOICE' });

        const found = await request(h.app)
            .get(`/v1/documents/${sha('invoice-2')}`)
            .set(bearer(vendor));
        const missing = await request(h.app)
            .get(`/v1/documents/${sha('never')}`)
            .set(bearer(vendor));

        expect(found.status).toBe(200);
        expect(found.body).toMatchObject({ registered: true, document: { kind: 'INVOICE' } });
        expect(missing.status).toBe(404);
        expect(errorOf(missing)).toMatchObject({ code: 'NOT_FOUND', requestId: missing.get('x-request-id') });
    });

    describe('bad input gets a clear 4xx and writes nothing', () => {
        const cases: [string, unknown, RegExp][] = [
            ['a short hash', { sha256: 'abc', kind: 'INVOICE' }, /sha256: must be 64 lowercase hex/],
            ['an upper-case hash', { sha256: sha('x').toUpperCase(), kind: 'INVOICE' }, /sha256/],
            ['a number for kind', { sha256: sha('x'), kind: 42 }, /kind: Invalid input: expected string/],
            ['a missing field', { sha256: sha('x') }, /kind/],
            ['an unknown field', { sha256: sha('x'), kind: 'INVOICE', owner: 'V-9' }, /Unrecognized key.*owner/],
            ['an SQL injection string', { sha256: sha('x'), kind: "INVOICE'; DROP TABLE x;--" }, /kind: must be/],
            ['a script tag', { sha256: '<script>alert(1)</script>', kind: 'INVOICE' }, /sha256/],
            ['an array body', [{ sha256: sha('x'), kind: 'INVOICE' }], /expected object/],
        ];
        it.each(cases)('%s → 400 INVALID', async (_name, body, message) => {
            const res = await register(body);

            expect(res.status).toBe(400);
            expect(errorOf(res).code).toBe('INVALID');
            expect(errorOf(res).message).toMatch(message);
            expect(h.ledger.submits()).toHaveLength(0);
        });

        it('malformed JSON → 400 MALFORMED_JSON', async () => {
            const res = await request(h.app)
                .post('/v1/documents')
                .set(bearer(vendor))
                .set('Idempotency-Key', idem())
                .set('content-type', 'application/json')
                .send('{"sha256": "abc",');

            expect(res.status).toBe(400);
            expect(errorOf(res).code).toBe('MALFORMED_JSON');
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
            const res = await register({ sha256: sha('x'), kind: 'INVOICE', pad: 'x'.repeat(100 * 1024) });

            expect(res.status).toBe(413);
            expect(errorOf(res).code).toBe('PAYLOAD_TOO_LARGE');
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('a form-encoded body → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
            const res = await request(h.app)
                .post('/v1/documents')
                .set(bearer(vendor))
                .set('Idempotency-Key', idem())
                .type('form')
                .send({ sha256: sha('x'), kind: 'INVOICE' });

            expect(res.status).toBe(415);
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('a path traversal in the hash → 400', async () => {
            const res = await request(h.app).get('/v1/documents/..%2F..%2Fetc%2Fpasswd').set(bearer(vendor));

            expect(res.status).toBe(400);
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('an unknown query parameter → 400', async () => {
            const res = await request(h.app)
                .get(`/v1/documents/${sha('x')}?debug=1`)
                .set(bearer(vendor));

            expect(res.status).toBe(400);
            expect(errorOf(res).message).toMatch(/debug/);
        });
    });

    describe('ledger errors map to HTTP', () => {
        const cases: [string, number][] = [
            ['INVALID', 400],
            ['FORBIDDEN', 403],
            ['NOT_FOUND', 404],
            ['CONFLICT', 409],
            ['PRECONDITION', 409],
            ['RULE_V01', 422],
            ['RULE_V25', 422],
        ];
        it.each(cases)('chaincode %s → %d with the chaincode message', async (code, status) => {
            h.ledger.failNext('DocumentContract:RegisterDocument', new ChaincodeRejection(code, 'the reason'));

            const res = await register({ sha256: sha('x'), kind: 'INVOICE' });

            expect(res.status).toBe(status);
            expect(res.body).toEqual({
                error: { code, message: 'the reason', requestId: res.get('x-request-id') },
            });
        });

        it('an unexpected failure → 500 that leaks nothing', async () => {
            h.ledger.failNext(
                'DocumentContract:RegisterDocument',
                new LedgerFailure('peer0 at /var/hyperledger/secret-path said: panic at store.go:42'),
            );

            const res = await register({ sha256: sha('x'), kind: 'INVOICE' });

            expect(res.status).toBe(500);
            expect(errorOf(res)).toEqual({
                code: 'INTERNAL',
                message: 'internal error',
                requestId: expect.any(String),
            });
            expect(JSON.stringify(res.body)).not.toMatch(/secret-path|store\.go/);
            expect(h.logs.text).toMatch(/secret-path/); // the operator still sees the cause in the log
        });

        it('an unreachable peer → 503 LEDGER_UNAVAILABLE with Retry-After', async () => {
            h.ledger.failNext('DocumentContract:GetDocument', new LedgerUnavailable('14 UNAVAILABLE: 127.0.0.1:7051'));

            const res = await request(h.app)
                .get(`/v1/documents/${sha('x')}`)
                .set(bearer(vendor));

            expect(res.status).toBe(503);
            expect(errorOf(res).code).toBe('LEDGER_UNAVAILABLE');
            expect(res.get('retry-after')).toBe('5');
            expect(errorOf(res).message).not.toMatch(/7051/);
        });
    });

    describe('idempotency', () => {
        it('a retry with the same key answers the first result and never writes twice', async () => {
            const key = idem();
            const body = { sha256: sha('retry'), kind: 'INVOICE' };

            const first = await register(body, key);
            const second = await register(body, key);

            expect(second.status).toBe(201);
            expect(second.body).toEqual(first.body);
            expect(second.get('idempotent-replayed')).toBe('true');
            expect(h.ledger.submits()).toHaveLength(1);
        });

        it('the same key with a different body → 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
            const key = idem();
            await register({ sha256: sha('one'), kind: 'INVOICE' }, key);

            const res = await register({ sha256: sha('two'), kind: 'INVOICE' }, key);

            expect(res.status).toBe(422);
            expect(errorOf(res).code).toBe('IDEMPOTENCY_KEY_REUSED');
            expect(h.ledger.submits()).toHaveLength(1);
        });

        it('is still honoured after a gateway restart', async () => {
            const key = idem();
            const body = { sha256: sha('restart'), kind: 'INVOICE' };
            const first = await register(body, key);

            const restarted = h.restart();
            const again = await request(restarted)
                .post('/v1/documents')
                .set(bearer(vendor))
                .set('Idempotency-Key', key)
                .send(body);

            expect(again.status).toBe(201);
            expect(again.body).toEqual(first.body);
            expect(h.ledger.submits()).toHaveLength(1);
        });

        it('a retry after the gateway died between commit and answer gets the original answer, not CONFLICT', async () => {
            const key = idem();
            const body = { sha256: sha('killed'), kind: 'INVOICE' };
            h.ledger.crashAfterCommit('DocumentContract:RegisterDocument');
            const lost = await register(body, key);
            expect(lost.status).toBe(500); // the answer that never reached the caller

            const restarted = h.restart();
            const retry = await request(restarted)
                .post('/v1/documents')
                .set(bearer(vendor))
                .set('Idempotency-Key', key)
                .send(body);

            const [committedTxId] = [...h.ledger.committed.keys()];
            expect(retry.status).toBe(201);
            expect(retry.body).toMatchObject({ txId: committedTxId, document: { sha256: body.sha256 } });
            expect(h.ledger.submits()).toHaveLength(1);
        });

        it('a write without Idempotency-Key → 400, nothing written', async () => {
            const res = await request(h.app)
                .post('/v1/documents')
                .set(bearer(vendor))
                .send({ sha256: sha('x'), kind: 'INVOICE' });

            expect(res.status).toBe(400);
            expect(errorOf(res).message).toMatch(/Idempotency-Key/);
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('a rejected write may be retried with the same key once the cause is fixed', async () => {
            const key = idem();
            const body = { sha256: sha('fixed'), kind: 'INVOICE' };
            h.ledger.failNext('DocumentContract:RegisterDocument', new ChaincodeRejection('PRECONDITION', 'not yet'));

            const first = await register(body, key);
            const second = await register(body, key);

            expect(first.status).toBe(409);
            expect(second.status).toBe(201);
        });

        it('after an unknown commit outcome a retry looks the transaction up instead of resubmitting', async () => {
            const key = idem();
            const body = { sha256: sha('unknown'), kind: 'INVOICE' };
            const txId = 'f'.repeat(64);
            const payload = JSON.stringify({
                sha256: body.sha256,
                kind: 'INVOICE',
                registeredBy: { mspId: 'MarketOrgMSP', id: 'x', role: 'vendor', party: 'V-0001' },
                registeredAt: '2026-01-01T00:00:00.000Z',
                txId,
            });
            h.ledger.failNext('DocumentContract:RegisterDocument', new CommitUnknown(txId, payload));

            const first = await register(body, key);
            expect(first.status).toBe(503);
            expect(errorOf(first)).toMatchObject({ code: 'COMMIT_UNKNOWN', txId });

            h.ledger.committed.set(txId, { valid: true, code: 'VALID', blockNumber: '77' });
            const second = await register(body, key);

            expect(second.status).toBe(201);
            expect(second.body).toMatchObject({ txId, blockNumber: '77', document: { sha256: body.sha256 } });
            expect(h.ledger.submits()).toHaveLength(1); // only the first attempt reached the ledger
        });

        it('a transaction is never taken as lost while the peer cannot be asked: 503 COMMIT_UNKNOWN again', async () => {
            const app = h.restart({ lostAfterMs: 0 }); // "lost" as soon as the ledger says it does not know it
            const key = idem();
            const body = { sha256: sha('unreachable'), kind: 'INVOICE' };
            const txId = 'd'.repeat(64);
            h.ledger.failNext('DocumentContract:RegisterDocument', new CommitUnknown(txId, '{}'));
            const send = (): request.Test =>
                request(app).post('/v1/documents').set(bearer(vendor)).set('Idempotency-Key', key).send(body);
            await send();

            h.ledger.down = true;
            const retry = await send();

            expect(retry.status).toBe(503);
            expect(errorOf(retry)).toMatchObject({ code: 'COMMIT_UNKNOWN', txId });
            expect(h.ledger.submits()).toHaveLength(1); // not resubmitted: it may have committed on that peer
        });

        it('while the outcome is still unknown a retry answers 503 again without submitting', async () => {
            const key = idem();
            const body = { sha256: sha('pending'), kind: 'INVOICE' };
            h.ledger.failNext('DocumentContract:RegisterDocument', new CommitUnknown('e'.repeat(64), '{}'));

            await register(body, key);
            const second = await register(body, key);

            expect(second.status).toBe(503);
            expect(errorOf(second)).toMatchObject({ code: 'COMMIT_UNKNOWN', txId: 'e'.repeat(64) });
            expect(h.ledger.submits()).toHaveLength(1);
        });
    });
});
