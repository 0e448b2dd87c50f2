import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { bearer, errorOf, harness, idem, sha, type Harness } from './harness';

interface OpenApi {
    openapi: string;
    paths: Record<
        string,
        Record<
            string,
            {
                operationId?: string;
                parameters?: { name: string }[];
                requestBody?: unknown;
                responses: Record<string, unknown>;
            }
        >
    >;
}

describe('operations endpoints', () => {
    let h: Harness;

    beforeEach(() => {
        h = harness();
    });
    afterEach(() => {
        h.cleanup();
    });

    it('/healthz answers without a key', async () => {
        const res = await request(h.app).get('/healthz');

        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'ok' });
    });

    it('/readyz is 200 when the ledger answers and 503 when it does not', async () => {
        let clock = 0;
        const app = h.restart({ now: () => clock });
        const ready = await request(app).get('/readyz');
        h.ledger.down = true;
        clock += 1000;
        const down = await request(app).get('/readyz');

        expect(ready.status).toBe(200);
        expect(down.status).toBe(503);
        expect(down.body).toEqual({ status: 'not ready' });
    });

    it('/readyz asks the peers at most once a second, however often it is called', async () => {
        let clock = 0;
        const app = h.restart({ now: () => clock });
        let asked = 0;
        const ready = h.ledger.ready.bind(h.ledger);
        h.ledger.ready = (): Promise<void> => {
            asked++;
            return ready();
        };

        const answers = await Promise.all([1, 2, 3].map(() => request(app).get('/readyz')));
        await request(app).get('/readyz');
        clock += 999;
        await request(app).get('/readyz');
        expect(asked).toBe(1);
        clock += 1;
        await request(app).get('/readyz');

        expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
        expect(asked).toBe(2);
    });

    it('limits each client address before authentication: key guessing and /readyz get 429', async () => {
        const app = h.restart({ ipRateLimit: { perSecond: 1, burst: 2 }, now: () => 0 });
        const guess = (): request.Test => request(app).get('/v1/me').set(bearer('mpt_0000000000000000_guess'));

        const statuses = [(await guess()).status, (await guess()).status, (await guess()).status];
        const probe = await request(app).get('/readyz');

        expect(statuses).toEqual([401, 401, 429]);
        expect(probe.status).toBe(429);
        expect(errorOf(probe).code).toBe('RATE_LIMITED');
        expect(probe.get('retry-after')).toBe('1');
    });

    it('/metrics counts requests by route and status and times Fabric calls by outcome', async () => {
        const vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        await request(h.app)
            .get(`/v1/documents/${sha('nope')}`)
            .set(bearer(vendor));
        await request(h.app)
            .post('/v1/documents')
            .set(bearer(vendor))
            .set('Idempotency-Key', idem())
            .send({ sha256: sha('m'), kind: 'INVOICE' });

        const res = await request(h.app).get('/metrics');

        expect(res.status).toBe(200);
        expect(res.get('content-type')).toMatch(/^text\/plain; .*version=0\.0\.4/);
        expect(res.text).toContain(
            'mpt_http_requests_total{method="GET",route="/v1/documents/:sha256",status="404"} 1',
        );
        expect(res.text).toContain('mpt_http_requests_total{method="POST",route="/v1/documents",status="201"} 1');
        expect(res.text).toMatch(
            /mpt_fabric_call_duration_seconds_count\{fn="DocumentContract:GetDocument",kind="evaluate",outcome="not_found"\} 1/,
        );
        expect(res.text).toMatch(
            /mpt_fabric_call_duration_seconds_count\{fn="DocumentContract:RegisterDocument",kind="submit",outcome="ok"\} 1/,
        );
        // prom-client's default process and Node.js metrics come along
        expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
        expect(res.text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    });

    it('/openapi.json is OpenAPI 3.1 with request and response schemas for every operation', async () => {
        const res = await request(h.app).get('/openapi.json');
        const doc = res.body as OpenApi;

        expect(doc.openapi).toBe('3.1.0');
        const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
            Object.entries(methods).map(([method, op]) => ({ path, method, op })),
        );
        const api = operations.filter((o) => o.path.startsWith('/v1/'));
        expect(api.length).toBeGreaterThan(60);
        for (const { method, op } of api) {
            expect(op.operationId).toBeDefined();
            expect(Object.keys(op.responses).some((s) => s.startsWith('2'))).toBe(true);
            if (method === 'post') {
                expect(op.parameters?.some((p) => p.name === 'Idempotency-Key') || op.requestBody !== undefined).toBe(
                    true,
                );
            }
        }
        const register = doc.paths['/v1/documents']?.post;
        expect(register?.requestBody).toMatchObject({
            content: { 'application/json': { schema: { required: ['sha256', 'kind'], additionalProperties: false } } },
        });
        expect(doc.paths['/v1/trades/{tradeNo}']?.get?.parameters?.[0]).toMatchObject({ name: 'tradeNo', in: 'path' });
    });

    it('/docs is Swagger UI over /openapi.json, every asset served by the gateway under a self-only policy', async () => {
        const page = await request(h.app).get('/docs');
        const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '').sort();
        const assets = await Promise.all(sources.map((source) => request(h.app).get(source)));
        const setup = assets[sources.indexOf('/docs/setup.js')];

        expect(page.status).toBe(200);
        expect(page.get('content-type')).toMatch(/^text\/html/);
        expect(page.get('content-security-policy')).toContain("script-src 'self';");
        expect(page.get('content-security-policy')).toContain("connect-src 'self';");
        expect(page.text).not.toMatch(/<script>|<style>| on[a-z]+=|https?:/);
        expect(sources).toEqual([
            '/docs/favicon-32x32.png',
            '/docs/setup.js',
            '/docs/swagger-ui-bundle.js',
            '/docs/swagger-ui.css',
        ]);
        expect(assets.map((res) => [res.status, res.get('content-type')])).toEqual([
            [200, 'image/png'],
            [200, 'text/javascript; charset=utf-8'],
            [200, 'text/javascript; charset=utf-8'],
            [200, 'text/css; charset=utf-8'],
        ]);
        expect(setup?.text).toContain("url: '/openapi.json'");
        expect((await request(h.app).get('/docs/index.html')).status).toBe(404);
    });

    it('an unknown path is a 404 in the error format', async () => {
        const res = await request(h.app).get('/nope');

        expect(res.status).toBe(404);
        expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', requestId: res.get('x-request-id') });
    });

    it('keeps a well-formed X-Request-Id from the client and replaces a malformed one', async () => {
        const kept = await request(h.app).get('/healthz').set('X-Request-Id', 'client-req-12345');
        const replaced = await request(h.app).get('/healthz').set('X-Request-Id', 'bad id <script>');

        expect(kept.get('x-request-id')).toBe('client-req-12345');
        expect(replaced.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
});
