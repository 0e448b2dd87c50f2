import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import request from 'supertest';
import { ChaincodeRejection, CommitUnknown } from '../../../gateway/src/ledger/errors';
import { bearer, errorOf, harness, idem, sha, type Harness } from './harness';

type Document = Parameters<typeof validate>[0] & { paths: Record<string, Record<string, Operation>> };

interface Operation {
    operationId: string;
    parameters?: { name: string; in: string }[];
    requestBody?: unknown;
    responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

/** Every `$ref` value anywhere in the document. */
function refsIn(value: unknown, found: string[] = []): string[] {
    if (Array.isArray(value)) {
        value.forEach((item) => refsIn(item, found));
    } else if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
            if (key === '$ref' && typeof inner === 'string') found.push(inner);
            else refsIn(inner, found);
        }
    }
    return found;
}

describe('the served OpenAPI document', () => {
    let h: Harness;
    let served: Document;

    beforeAll(async () => {
        h = harness();
        served = (await request(h.app).get('/openapi.json')).body as Document;
    });
    afterAll(() => {
        h.cleanup();
    });

    // the parser mutates what it is given: each check gets its own copy
    const copy = (): Document => structuredClone(served);

    it('is valid OpenAPI 3.1 for a real validator', async () => {
        const result = await validate(copy());

        expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
    });

    it('has no $ref that does not resolve', async () => {
        const refs = refsIn(served);
        const dereferenced = await dereference(copy());

        expect(refs.length).toBeGreaterThan(60);
        expect(refs.filter((ref) => !ref.startsWith('#/components/schemas/'))).toEqual([]);
        expect(refsIn(dereferenced)).toEqual([]);
    });

    /** The `code` values the document allows for one operation and status (undefined: status not documented). */
    function codes(path: string, method: string, status: number): unknown {
        const schema = served.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']
            ?.schema as { allOf: [unknown, { properties: { error: { properties: { code: unknown } } } }] } | undefined;
        return schema?.allOf[1].properties.error.properties.code;
    }

    it('documents the idempotency answers and the ledger outcomes of every write', () => {
        const writes = Object.entries(served.paths).flatMap(([path, methods]) =>
            Object.entries(methods)
                .filter(([, op]) => op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.in === 'header'))
                .map(([method]) => ({ path, method })),
        );

        expect(writes.length).toBeGreaterThan(40);
        for (const { path, method } of writes) {
            expect([path, codes(path, method, 409)]).toEqual([
                path,
                expect.objectContaining({ enum: expect.arrayContaining(['IDEMPOTENCY_IN_PROGRESS']) as unknown }),
            ]);
            expect([path, JSON.stringify(codes(path, method, 422))]).toEqual([
                path,
                expect.stringContaining('IDEMPOTENCY_KEY_REUSED'),
            ]);
        }
        expect(codes('/v1/trades', 'post', 503)).toEqual({ enum: ['LEDGER_UNAVAILABLE', 'COMMIT_UNKNOWN'] });
        expect(codes('/v1/trades', 'post', 422)).toEqual({
            anyOf: [
                { enum: ['IDEMPOTENCY_KEY_REUSED'] },
                { type: 'string', pattern: '^RULE_V[0-9]{2}(_[A-Z][A-Z0-9_]*)?$' },
            ],
        });
    });

    it('documents V32 and V02: customs events may answer 422 RULE_Vnn, declDate is optional and explained', async () => {
        const rule = {
            anyOf: [
                { enum: ['IDEMPOTENCY_KEY_REUSED'] },
                { type: 'string', pattern: '^RULE_V[0-9]{2}(_[A-Z][A-Z0-9_]*)?$' },
            ],
        };
        for (const action of ['accept', 'release', 'exit', 'hold']) {
            expect([action, codes(`/v1/declarations/{declNo}/${action}`, 'post', 422)]).toEqual([action, rule]);
        }
        const dereferenced = (await dereference(copy())) as Document;
        const file = dereferenced.paths['/v1/declarations']?.post as Operation | undefined;
        const body = file?.requestBody as {
            content: Record<
                string,
                { schema: { required: string[]; properties: Record<string, { description?: string }> } }
            >;
        };
        const schema = body.content['application/json']?.schema;
        expect(schema?.required).not.toContain('declDate');
        expect(schema?.properties.declDate?.description).toMatch(/RULE_V32/);
        expect(schema?.properties.customsOffice?.description).toMatch(/RULE_V02/);
    });

    it('documents 403 for every ledger read and 413/415 for every request body', () => {
        expect(codes('/v1/parties', 'get', 403)).toEqual({ enum: ['FORBIDDEN'] });
        expect(codes('/v1/trades/{tradeNo}', 'get', 404)).toEqual({ enum: ['NOT_FOUND'] });
        expect(codes('/v1/receipts/check', 'post', 413)).toEqual({ enum: ['PAYLOAD_TOO_LARGE'] });
        expect(codes('/v1/receipts/check', 'post', 415)).toEqual({ enum: ['UNSUPPORTED_MEDIA_TYPE'] });
        expect(codes('/v1/trades/{tradeNo}', 'get', 415)).toBeUndefined();
    });

    /** Whether the document allows `code` in a `status` answer of the operation. */
    function documents(path: string, method: string, status: number, code: string): boolean {
        const allowed = JSON.stringify(codes(path, method, status) ?? null);
        return (
            allowed.includes(`"${code}"`) ||
            (/^RULE_V\d{2}(_[A-Z][A-Z0-9_]*)?$/.test(code) && allowed.includes('RULE_V'))
        );
    }

    it('documents the status and code of each error the gateway actually answers', async () => {
        const vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        const operator = h.user('MarketOrg', 'operator1', 'operator', 'OP-YIWU');
        const document = (key = idem()): request.Test =>
            request(h.app).post('/v1/documents').set(bearer(vendor)).set('Idempotency-Key', key);
        const reused = idem();
        await document(reused).send({ sha256: sha('first'), kind: 'INVOICE' });
        h.ledger.failNext('PartyContract:ListPartiesByType', new ChaincodeRejection('FORBIDDEN', 'not for vendors'));
        h.ledger.failNext('DocumentContract:RegisterDocument', new CommitUnknown('d'.repeat(64), '{}'));
        h.ledger.failNext('TradeContract:GetTrade', new ChaincodeRejection('NOT_FOUND', 'no trade T-1'));
        h.ledger.failNext(
            'PartyContract:RegisterParty',
            new ChaincodeRejection('RULE_V08', 'a buyer needs an ID document'),
        );
        h.ledger.failNext(
            'PartyContract:FileAgencyAgreement',
            new ChaincodeRejection('NOT_FOUND', 'party A-0 does not exist'),
        );
        h.ledger.failNext(
            'ReceiptContract:ListReceiptsByTrade',
            new ChaincodeRejection('NOT_FOUND', 'trade T-0 does not exist'),
        );

        const answers: [string, string, request.Response][] = [
            ['/v1/documents', 'post', await document().set('Content-Type', 'text/plain').send('x')],
            ['/v1/documents', 'post', await document().set('Content-Type', 'application/json').send('{')],
            ['/v1/documents', 'post', await document(reused).send({ sha256: sha('other'), kind: 'INVOICE' })],
            ['/v1/documents', 'post', await document().send({ sha256: sha('unknown'), kind: 'INVOICE' })],
            [
                '/v1/documents',
                'post',
                await request(h.restart({ bodyLimitBytes: 64 }))
                    .post('/v1/documents')
                    .set(bearer(vendor))
                    .set('Idempotency-Key', idem())
                    .send({ sha256: sha('large'), kind: 'INVOICE' }),
            ],
            ['/v1/parties', 'get', await request(h.app).get('/v1/parties?type=BUYER').set(bearer(vendor))],
            ['/v1/trades/{tradeNo}', 'get', await request(h.app).get('/v1/trades/T-1').set(bearer(vendor))],
            [
                '/v1/parties',
                'post',
                await request(h.app)
                    .post('/v1/parties')
                    .set(bearer(operator))
                    .set('Idempotency-Key', idem())
                    .send({ partyId: 'B-1', type: 'BUYER', legalName: 'Ahmed Trading', countryCode: 'AE' }),
            ],
            [
                '/v1/agreements',
                'post',
                await request(h.app)
                    .post('/v1/agreements')
                    .set(bearer(vendor))
                    .set('Idempotency-Key', idem())
                    .send({
                        agreementNo: 'AG-1',
                        merchantId: 'V-0001',
                        agentId: 'A-0',
                        validFrom: '2026-01-01',
                        validTo: '2026-12-31',
                        documentHash: sha('agreement'),
                    }),
            ],
            ['/v1/receipts', 'get', await request(h.app).get('/v1/receipts?tradeNo=T-0').set(bearer(vendor))],
        ];

        const answered = answers.map(([path, method, res]) => [path, method, res.status, errorOf(res).code]);
        expect(answered.map(([, , status, code]) => `${String(status)} ${String(code)}`)).toEqual([
            '415 UNSUPPORTED_MEDIA_TYPE',
            '400 MALFORMED_JSON',
            '422 IDEMPOTENCY_KEY_REUSED',
            '503 COMMIT_UNKNOWN',
            '413 PAYLOAD_TOO_LARGE',
            '403 FORBIDDEN',
            '404 NOT_FOUND',
            '422 RULE_V08',
            '404 NOT_FOUND',
            '404 NOT_FOUND',
        ]);
        expect(
            answered.filter(
                ([path, method, status, code]) =>
                    !documents(String(path), String(method), Number(status), String(code)),
            ),
        ).toEqual([]);
    });
});
