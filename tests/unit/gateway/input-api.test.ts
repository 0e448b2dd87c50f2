import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Metrics } from '../../../gateway/src/ops/metrics';
import { BulkResult } from '../../../gateway/src/routes/trades/schema';
import * as id from '../chaincode/support/identities';
import { World } from '../chaincode/support/world';
import { seedSignature } from '../chaincode/receipt-fixtures';
import { bearer, errorOf, harness, idem, type Harness, tradeRequest } from './harness';
import { trade as tradeRecord } from './ledger-answers';
import { type RiskFlag } from '../../../chaincode/src/model/records';

/** Characters the text rule refuses, each in an otherwise ordinary remark. */
const REFUSED_TEXT: [string, string][] = [
    ['markup', 'see <script>alert(1)</script>'],
    ['ESC', 'red \u001b[31m text'],
    ['NUL', 'a\u0000b'],
    ['a C1 control (NEL)', 'a\u0085b'],
    ['a C1 control (CSI)', 'a\u009bb'],
    ['a bidirectional override', 'invoice \u202eFDP.exe'],
    ['a bidirectional isolate', 'a\u2066b\u2069'],
    ['a zero-width space', 'Yi\u200bwu'],
    ['a word joiner', 'Yi\u2060wu'],
    ['a byte-order mark', '\ufeffYiwu'],
    ['a lone surrogate', 'a\ud800b'],
    ['a line separator', 'a\u2028b'],
    ['a paragraph separator', 'a\u2029b'],
    ['a right-to-left mark', 'Yiwu\u200f'],
    ['an Arabic letter mark', 'a\u061cb'],
    ['an invisible operator', 'a\u2062b'],
    ['a soft hyphen', 'Yi\u00adwu'],
    ['a tag character', 'Yiwu\u{e0041}'],
];

describe('what the gateway refuses before the ledger', () => {
    let h: Harness;
    let vendor: string;
    let operator: string;

    beforeEach(() => {
        h = harness();
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        operator = h.user('MarketOrg', 'operator1', 'operator', 'OP-YIWU');
        h.ledger.on('TradeContract:RegisterTrade', ([json = '']) =>
            tradeRecord((JSON.parse(json) as { tradeNo: string }).tradeNo),
        );
        h.ledger.on('RiskContract:RaiseFlag', ([json = '']) => {
            const flag = JSON.parse(json) as Pick<
                RiskFlag,
                'subjectType' | 'subjectId' | 'ruleId' | 'severity' | 'evidence'
            >;
            const raised: RiskFlag = { docType: 'risk', flagId: 'f', ...flag, status: 'OPEN', raisedBy: seedSignature };
            return raised;
        });
        // answers as the chaincode does: a row that is not an object gets tradeNo null
        h.ledger.on('TradeContract:RegisterTrades', ([json = '']) => {
            const rows = JSON.parse(json) as unknown[];
            const results = rows.map((row, index) =>
                typeof row === 'object' && row !== null
                    ? { index, tradeNo: (row as { tradeNo: string }).tradeNo, ok: true, status: 'CONFIRMED' }
                    : { index, tradeNo: null, ok: false, code: 'INVALID', message: 'INVALID: not an object' },
            );
            const registered = results.filter((r) => r.ok).length;
            return { results, registered, failed: results.length - registered };
        });
    });
    afterEach(() => {
        h.cleanup();
    });

    const post = (key: string, path: string, body: unknown, idempotencyKey = idem()): request.Test =>
        request(h.app)
            .post(path)
            .set(bearer(key))
            .set('Idempotency-Key', idempotencyKey)
            .send(body as object);

    describe('bulk trades', () => {
        it('refuses a bulk with rows that are not objects as a whole, naming each bad row, and submits nothing', async () => {
            const res = await post(vendor, '/v1/trades/bulk', { trades: [1, 'x', null, tradeRequest('T-1')] });

            expect(res.status).toBe(400);
            expect(errorOf(res).code).toBe('INVALID');
            expect(errorOf(res).message).toMatch(/body\.trades\.0: .*body\.trades\.1: .*body\.trades\.2: /);
            expect(errorOf(res).message).not.toContain('body.trades.3');
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('refuses a bulk row under the same field rules as POST /v1/trades', async () => {
            const res = await post(vendor, '/v1/trades/bulk', {
                trades: [
                    tradeRequest('T-1'),
                    tradeRequest('T-2', { remark: '<script>x</script>' }),
                    tradeRequest('T-3', { qty: 1 }),
                ],
            });

            expect(res.status).toBe(400);
            expect(errorOf(res).message).toMatch(/body\.trades\.1\.remark: .*body\.trades\.2: .*qty/);
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('answers a committed bulk 201 with every row the chaincode answered, a retry with the same key too', async () => {
            // the chaincode answers tradeNo null for a row it cannot read (a client that skipped the gateway, or
            // a chaincode stricter than this gateway): the transaction committed all the same
            h.ledger.on('TradeContract:RegisterTrades', () => ({
                results: [
                    { index: 0, tradeNo: 'T-1', ok: true, status: 'CONFIRMED', riskFlags: [] },
                    { index: 1, tradeNo: null, ok: false, code: 'INVALID', message: 'INVALID: trades[1] ...' },
                ],
                registered: 1,
                failed: 1,
            }));
            const key = idem();
            const first = await post(
                vendor,
                '/v1/trades/bulk',
                { trades: [tradeRequest('T-1'), tradeRequest('T-2')] },
                key,
            );
            const again = await post(
                vendor,
                '/v1/trades/bulk',
                { trades: [tradeRequest('T-1'), tradeRequest('T-2')] },
                key,
            );

            expect(first.status).toBe(201);
            expect(first.body).toMatchObject({ result: { registered: 1, results: [{ ok: true }, { tradeNo: null }] } });
            expect(again.status).toBe(201);
            expect(again.get('idempotent-replayed')).toBe('true');
            expect(again.body).toEqual(first.body);
            expect(h.ledger.submits('TradeContract:RegisterTrades')).toHaveLength(1);
        });

        it('acknowledges a committed write even when its answer breaks the documented schema (logged, never 5xx)', async () => {
            h.ledger.on('TradeContract:RegisterTrades', () => ({ results: [], registered: 'one', failed: 0 }));
            const key = idem();
            const first = await post(vendor, '/v1/trades/bulk', { trades: [tradeRequest('T-1')] }, key);
            const again = await post(vendor, '/v1/trades/bulk', { trades: [tradeRequest('T-1')] }, key);

            expect(first.status).toBe(201);
            expect(first.body).toMatchObject({ result: { registered: 'one' }, txId: expect.any(String) });
            expect(again.body).toEqual(first.body);
            expect(h.logs.text).toContain('response failed its schema');
            expect(h.ledger.submits('TradeContract:RegisterTrades')).toHaveLength(1);
        });
    });

    describe('the text rule', () => {
        it.each(REFUSED_TEXT)(
            'refuses %s in a trade remark, a bulk row and risk-flag evidence',
            async (_what, text) => {
                const single = await post(vendor, '/v1/trades', tradeRequest('T-1', { remark: text }));
                const bulk = await post(vendor, '/v1/trades/bulk', { trades: [tradeRequest('T-2', { remark: text })] });
                const flag = await post(operator, '/v1/risk-flags', {
                    subjectType: 'trade',
                    subjectId: 'T-1',
                    ruleId: 'F3',
                    severity: 'HIGH',
                    evidence: { note: 'ok', nested: [{ seen: text }] },
                });
                const flagKey = await post(operator, '/v1/risk-flags', {
                    subjectType: 'trade',
                    subjectId: 'T-1',
                    ruleId: 'F3',
                    severity: 'HIGH',
                    evidence: { [text]: 1 },
                });

                expect([single.status, bulk.status, flag.status, flagKey.status]).toEqual([400, 400, 400, 400]);
                expect(errorOf(flag).message).toContain('evidence.nested.0.seen');
                expect(h.ledger.submits()).toHaveLength(0);
            },
        );

        it('takes any language, punctuation and emoji', async () => {
            const remark = '义乌小商品 — «Ōsaka» ok, 100% 😀 (Ltd.) & Co; ç’est ça';
            const single = await post(vendor, '/v1/trades', tradeRequest('T-1', { remark }));
            const flag = await post(operator, '/v1/risk-flags', {
                subjectType: 'trade',
                subjectId: 'T-1',
                ruleId: 'F3',
                severity: 'HIGH',
                evidence: { 说明: remark },
            });

            expect([single.status, flag.status]).toEqual([201, 201]);
        });
    });

    describe('request bodies', () => {
        const rawPost = (body: Buffer | string, contentType = 'application/json', app = h.app): request.Test =>
            request(app)
                .post('/v1/trades')
                .set(bearer(vendor))
                .set('Idempotency-Key', idem())
                .set('Content-Type', contentType)
                .serialize(() => body as string) // as is: supertest would JSON-encode a Buffer
                .send(body as string);

        it('refuses bytes that are not UTF-8 instead of storing U+FFFD', async () => {
            const [before = '', after = ''] = JSON.stringify(tradeRequest('T-1', { remark: 'HOLE' })).split('HOLE');
            const body = Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]);

            const res = await rawPost(body);

            expect(res.status).toBe(400);
            expect(errorOf(res)).toMatchObject({ code: 'INVALID', message: 'the request body is not valid UTF-8' });
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('refuses a body in another charset with 415', async () => {
            const res = await rawPost(JSON.stringify(tradeRequest('T-1')), 'application/json; charset=utf-16');

            expect(res.status).toBe(415);
            expect(errorOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
        });

        it.each([
            ['arrays', (n: number): string => `{"evidence":${'['.repeat(n)}${']'.repeat(n)}}`],
            ['objects', (n: number): string => `{"evidence":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`],
        ])('refuses JSON nested deeper than 32 levels (%s) with 400, never a stack overflow', async (_, nest) => {
            const roomy = h.restart({ bodyLimitBytes: 1024 * 1024 });
            const deep = await rawPost(nest(100_000), 'application/json', roomy);
            const justOver = await rawPost(nest(32));
            const brackets = await rawPost(JSON.stringify(tradeRequest('T-1', { remark: '[[[[{{{{'.repeat(10) })));

            expect([deep.status, justOver.status]).toEqual([400, 400]);
            expect(errorOf(deep)).toMatchObject({
                code: 'INVALID',
                message: 'the request body nests deeper than 32 levels',
            });
            expect(brackets.status).toBe(201);
        });
    });

    describe('methods', () => {
        it('answers a wrong method on a known path 405 with the Allow header of the route table', async () => {
            const single = await request(h.app).post('/v1/trades/T-1').set(bearer(vendor)).send({});
            const bulk = await request(h.app).delete('/v1/trades/bulk').set(bearer(vendor));

            expect(single.status).toBe(405);
            expect(single.get('allow')).toBe('GET, HEAD');
            expect(errorOf(single).code).toBe('METHOD_NOT_ALLOWED');
            // /v1/trades/bulk is also /v1/trades/:tradeNo, which has GET
            expect(bulk.status).toBe(405);
            expect(bulk.get('allow')).toBe('GET, HEAD, POST');
            expect(h.ledger.calls).toHaveLength(0);
        });

        it('still answers an unknown path 404', async () => {
            const res = await request(h.app).post('/v1/nothing/here').set(bearer(vendor)).send({});

            expect(res.status).toBe(404);
            expect(errorOf(res).code).toBe('NOT_FOUND');
        });
    });
});

describe('the bulk answer the chaincode really gives', () => {
    let chaincodeAnswer: unknown;

    beforeAll(async () => {
        const w = await World.market();
        const rows = [1, 'x', null, w.tradeInput('B-1', [{ goods: 'G1', qty: 1, unitPrice: 500 }])];
        chaincodeAnswer = await w.json(id.vendor('V1'), (ctx) => w.trade.RegisterTrades(ctx, JSON.stringify(rows)));
    }, 60_000);

    it('passes the gateway response schema, so a committed bulk is never answered 500', () => {
        expect(chaincodeAnswer).toMatchObject({ registered: 1, failed: 3 });
        expect(BulkResult.safeParse(chaincodeAnswer).error).toBeUndefined();
    });
});

describe('what the gateway keeps', () => {
    let h: Harness;

    afterEach(() => {
        h.cleanup();
    });

    it('labels metrics of unmatched paths with one fixed route, whatever the status', async () => {
        const metrics = new Metrics();
        h = harness({ metrics, ipRateLimit: { perSecond: 1, burst: 20 }, now: () => 0 });
        const paths = Array.from({ length: 30 }, (_, i) => `/v1/probe-${i}-x`);
        const statuses = [];
        for (const path of paths) statuses.push((await request(h.app).get(path)).status);

        const text = await metrics.render();

        expect(new Set(statuses)).toEqual(new Set([401, 429]));
        expect(text).not.toContain('probe-');
        expect(text).toContain('mpt_http_requests_total{method="GET",route="unmatched",status="401"} 20');
        expect(text).toContain('mpt_http_requests_total{method="GET",route="unmatched",status="429"} 10');
    });

    it('answers /healthz to a client over its rate limit', async () => {
        h = harness({ ipRateLimit: { perSecond: 1, burst: 1 }, now: () => 0 });

        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await request(h.app).get('/healthz')).status);
        const readyz = [(await request(h.app).get('/readyz')).status, (await request(h.app).get('/readyz')).status];

        expect(statuses).toEqual([200, 200, 200, 200, 200]);
        expect(readyz).toEqual([200, 429]);
    });
});
