import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { GatewayClient, GatewayError, GatewayUnreachable, OPERATIONS } from '../../../gateway/src/client';
import type { AnyRoute } from '../../../gateway/src/http/route';
import { openApiDocument } from '../../../gateway/src/openapi/document';
import { harness, listen, sha, type Harness, type Listening } from './harness';

interface Operation {
    operationId?: string;
    parameters?: unknown[];
    requestBody?: unknown;
    responses: Record<string, { content?: unknown }>;
}
interface Document {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
}

const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const success = (operation: Operation | undefined): unknown =>
    Object.entries(operation?.responses ?? {}).find(([status]) => status.startsWith('2'))?.[1].content;

let h: Harness;
let served: Document;
let server: Listening;
let url: string;

beforeAll(async () => {
    h = harness();
    served = (await request(h.app).get('/openapi.json')).body as Document;
    server = await listen(h.app);
    url = server.url;
});

afterAll(async () => {
    await server.close();
    h.cleanup();
});

describe('the gateway client', () => {
    const known = Object.entries(OPERATIONS);

    it('knows only operations the generated /openapi.json has, by operationId, method and path', () => {
        expect(known.length).toBeGreaterThan(0);
        for (const [operationId, spec] of known) {
            expect({ operationId, at: served.paths[openApiPath(spec.path)]?.[spec.method]?.operationId }).toEqual({
                operationId,
                at: operationId,
            });
        }
    });

    it("types each call with the route's own schemas: the same parameters, request body and answer as served", () => {
        const routes: AnyRoute[] = known.map(([operationId, spec]) => ({
            ...spec,
            operationId,
            summary: operationId,
            tag: 'client',
            handle: () => Promise.resolve({}),
        }));
        const mine = openApiDocument(routes, 'client') as unknown as Document;

        for (const [, spec] of known) {
            const path = openApiPath(spec.path);
            const ours = mine.paths[path]?.[spec.method];
            const theirs = served.paths[path]?.[spec.method];
            expect({ path, parameters: ours?.parameters, body: ours?.requestBody, answer: success(ours) }).toEqual({
                path,
                parameters: theirs?.parameters,
                body: theirs?.requestBody,
                answer: success(theirs),
            });
            expect(success(ours)).toBeDefined();
        }
        for (const [id, schema] of Object.entries(mine.components.schemas)) {
            expect({ id, schema }).toEqual({ id, schema: served.components.schemas[id] });
        }
    });

    it('calls an operation with the key, Idempotency-Key and JSON body, and answers the typed body', async () => {
        const vendor = new GatewayClient({
            baseUrl: `${url}/`,
            apiKey: h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001'),
        });
        const sha256 = sha('client');

        const written = await vendor.call('registerDocument', {
            body: { sha256, kind: 'INVOICE' },
            idempotencyKey: 'client-test-1',
        });
        const read = await vendor.call('verifyDocument', { params: { sha256 } });
        const replay = await vendor.send('post', '/v1/documents', {
            body: { sha256, kind: 'INVOICE' },
            idempotencyKey: 'client-test-1',
        });

        expect(written.document.sha256).toBe(sha256);
        expect(read).toMatchObject({ registered: true, document: { sha256, kind: 'INVOICE' } });
        expect(replay).toMatchObject({ status: 201, body: written, headers: { 'idempotent-replayed': 'true' } });
    });

    it("sends an operation's query as the query string, leaving out what is not given", async () => {
        const vendor = new GatewayClient({ baseUrl: url, apiKey: h.user('MarketOrg', 'vendor3', 'vendor', 'V-0003') });
        h.ledger.on('TradeContract:ListTradesByVendor', () => ({ items: [], bookmark: '' }));

        const listed = await vendor.call('listTrades', { query: { vendorId: 'V-0003', pageSize: '7' } });

        expect(listed).toEqual({ items: [], bookmark: '' });
        expect(h.ledger.calls.at(-1)).toMatchObject({
            fn: 'TradeContract:ListTradesByVendor',
            args: ['V-0003', '7', ''],
        });
    });

    it('turns an error answer into a GatewayError with status, code, message and request ID', async () => {
        const stranger = new GatewayClient({ baseUrl: url, apiKey: 'mpt_0000000000000000_wrong' });

        const error = await stranger.call('verifyDocument', { params: { sha256: sha('x') } }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(GatewayError);
        expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', requestId: expect.any(String) });
        expect((error as GatewayError).message).toMatch(/^UNAUTHENTICATED: .+ \(request .+\)$/);
    });

    it('sends raw bodies as they are and answers any status without throwing', async () => {
        const vendor = new GatewayClient({ baseUrl: url, apiKey: h.user('MarketOrg', 'vendor2', 'vendor', 'V-0002') });

        const answer = await vendor.send('post', '/v1/documents', {
            raw: { text: '{"sha256": [}', contentType: 'application/json' },
            idempotencyKey: 'client-test-2',
        });

        expect(answer).toMatchObject({ status: 400, body: { error: { code: 'MALFORMED_JSON' } } });
    });

    it('sends a body with Chinese text whole, and calls one after another over one kept-open connection', async () => {
        const connections = new Set<unknown>();
        const echo = await listen((req, res) => {
            connections.add(req.socket);
            const chunks: Buffer[] = [];
            req.on('data', (chunk: Buffer) => chunks.push(chunk));
            req.on('end', () => {
                res.setHeader('content-type', 'application/json; charset=utf-8');
                res.setHeader('set-cookie', ['a=1', 'b=2']);
                res.end(Buffer.concat(chunks));
            });
        });
        const client = new GatewayClient({ baseUrl: echo.url });
        const body = { goods: '义乌小商品：圣诞装饰 🎄', quantity: 3 };

        const answers = [];
        for (let i = 0; i < 3; i++) answers.push(await client.send('post', '/echo', { body }));
        await echo.close();

        expect(answers.map((a) => a.body)).toEqual([body, body, body]);
        expect(answers[0]?.headers).toMatchObject({ 'set-cookie': 'a=1, b=2' });
        expect(connections.size).toBe(1);
    });

    it('gives up on a gateway that accepts the connection and never answers, saying how long it waited', async () => {
        const hung = await listen(() => undefined);
        const client = new GatewayClient({ baseUrl: hung.url, answerTimeoutMs: 200 }).as('mpt_0000000000000000_key');

        const error = await client.send('get', '/healthz').catch((e: unknown) => e);
        await hung.close();

        expect(error).toBeInstanceOf(GatewayUnreachable);
        expect((error as Error).message).toMatch(/\(no answer within 0\.2 s\)$/);
    });

    it('says which gateway it could not reach, and what to do', async () => {
        const closed = await listen(h.app);
        await closed.close();
        const client = new GatewayClient({ baseUrl: closed.url, whenUnreachable: 'Start it with npm start' });

        const error = await client.send('get', '/healthz').catch((e: unknown) => e);

        expect(error).toBeInstanceOf(GatewayUnreachable);
        expect((error as Error).message).toMatch(
            /^gateway not reachable at http:\/\/127\.0\.0\.1:\d+ \(.+\)\. Start it/,
        );
    });
});
