import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CertificateAuthorities } from '../../../gateway/src/auth/identities';
import { EnrolmentCodes } from '../../../gateway/src/auth/enrolment-codes';
import { GatewayUnreachable } from '../../../gateway/src/client';
import { GatewayWallets } from '../../../gateway/src/auth/identities';
import { ApiKeyStore } from '../../../gateway/src/auth/key-store';
import { openApiDocument } from '../../../gateway/src/openapi/document';
import { allRoutes } from '../../../gateway/src/routes';
import { generateMarket } from '../../../seeds/src/generate';
import { consoleReporter, loadPlan, type LoadReport } from '../../../seeds/src/load';
import { buildPlan, PHASES, type PhaseName } from '../../../seeds/src/plan';

/**
 * The loader against a fake gateway on 127.0.0.1: the real OpenAPI document (minus the exemption route), API-key
 * auth, an idempotency store that replays by key, onboarding that issues keys, per-row bulk answers, labelled
 * refusals answered with their codes, and one 503 to retry.
 */

interface Reply {
    readonly status: number;
    readonly body: unknown;
    readonly headers?: Record<string, string>;
}

interface Write {
    readonly path: string;
    readonly key: string;
    readonly apiKey: string;
    readonly replayed: boolean;
}

class FakeGateway {
    readonly writes: Write[] = [];
    readonly apiKeys = new Set<string>();
    readonly #store = new Map<string, { status: number; body: unknown }>();
    readonly #refusals: Map<string, string>;
    readonly #rowRefusals: Map<string, string>;
    #unavailableOnce = true;
    #server: Server | undefined;
    #issued = 0;
    readonly #codes = new Set<string>();

    constructor(
        readonly doc: unknown,
        refusals: Map<string, string>,
        rowRefusals: Map<string, string>,
    ) {
        this.#refusals = refusals;
        this.#rowRefusals = rowRefusals;
    }

    async start(): Promise<string> {
        this.#server = createServer((req, res) => {
            void this.#handle(req, res);
        });
        await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
        return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => {
            this.#server?.close(() => {
                resolve();
            });
        });
    }

    async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        let raw = '';
        for await (const chunk of req) raw += String(chunk);
        const reply = req.method === 'GET' ? this.#read(req.url ?? '') : this.#write(req, raw);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
    }

    #read(url: string): Reply {
        if (url === '/healthz') return { status: 200, body: { status: 'ok' } };
        if (url === '/openapi.json') return { status: 200, body: this.doc };
        return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no such endpoint' } } };
    }

    #write(req: IncomingMessage, raw: string): Reply {
        if (req.url === '/v1/enrolment') return this.#redeem(JSON.parse(raw) as { enrolmentCode: string });
        const apiKey = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (!this.apiKeys.has(apiKey))
            return { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'no' } } };
        const key = String(req.headers['idempotency-key'] ?? '');
        const path = req.url ?? '';
        const stored = this.#store.get(`${apiKey}|${key}`);
        if (stored !== undefined) {
            this.writes.push({ path, key, apiKey, replayed: true });
            return { ...stored, headers: { 'idempotent-replayed': 'true' } };
        }
        if (path === '/v1/goods' && this.#unavailableOnce) {
            this.#unavailableOnce = false;
            const body = { error: { code: 'COMMIT_UNKNOWN', message: 'retry' } };
            return { status: 503, body, headers: { 'retry-after': '5' } };
        }
        this.writes.push({ path, key, apiKey, replayed: false });
        const refusal = this.#refusals.get(key);
        if (refusal !== undefined)
            return { status: 422, body: { error: { code: refusal, message: `${refusal}: refused` } } };
        const answer = this.#answer(path, JSON.parse(raw) as Record<string, unknown>);
        const kept = path === '/v1/onboarding' ? { ...answer, enrolmentCode: undefined } : answer;
        this.#store.set(`${apiKey}|${key}`, { status: 201, body: kept });
        return { status: 201, body: answer, headers: { 'idempotent-replayed': 'false' } };
    }

    /** Redeems an enrolment code once, without an API key, for a new key. */
    #redeem(body: { enrolmentCode: string }): Reply {
        if (!this.#codes.delete(body.enrolmentCode))
            return { status: 400, body: { error: { code: 'INVALID', message: 'code not valid' } } };
        const apiKey = `mpt_${body.enrolmentCode.slice(5).padStart(16, '0')}_${'k'.repeat(43)}`;
        this.apiKeys.add(apiKey);
        return { status: 201, body: { apiKey } };
    }

    #answer(path: string, body: Record<string, unknown>): Record<string, unknown> {
        if (path === '/v1/onboarding') {
            const enrolmentCode = `CODE-${String(++this.#issued).padStart(4, '0')}`;
            this.#codes.add(enrolmentCode);
            return { ...body, org: 'MarketOrg', mspId: 'MarketOrgMSP', enrolmentCode, txId: 'tx', blockNumber: '7' };
        }
        if (path === '/v1/trades/bulk') {
            const rows = (body.trades as { tradeNo: string }[]).map((t, index) => {
                const code = this.#rowRefusals.get(t.tradeNo);
                return code === undefined
                    ? { index, tradeNo: t.tradeNo, ok: true, status: 'CONFIRMED' }
                    : { index, tradeNo: t.tradeNo, ok: false, code, message: `${code}: refused` };
            });
            const failed = rows.filter((r) => !r.ok).length;
            return {
                result: { results: rows, registered: rows.length - failed, failed },
                txId: 'tx',
                blockNumber: '7',
            };
        }
        return { result: body, txId: 'tx', blockNumber: '7' };
    }
}

const market = generateMarket({ seed: 5, size: 'small', asOf: '2026-11-27' });
const plan = buildPlan(market, { bulkSize: 10 });
const ops = plan.flatMap((p) => p.ops);
const DEMO_KEYS: Record<string, string> = {
    'OP-YIWU': `mpt_${'a'.repeat(16)}_${'o'.repeat(43)}`,
    'CUSTOMS-YIWU': `mpt_${'b'.repeat(16)}_${'c'.repeat(43)}`,
    'V-0001': `mpt_${'c'.repeat(16)}_${'v'.repeat(43)}`,
    'A-0001': `mpt_${'d'.repeat(16)}_${'a'.repeat(43)}`,
    'BANK-0001': `mpt_${'e'.repeat(16)}_${'b'.repeat(43)}`,
};
const routes = allRoutes({
    keys: Object.create(ApiKeyStore.prototype) as ApiKeyStore,
    wallets: Object.create(GatewayWallets.prototype) as GatewayWallets,
    cas: {} as CertificateAuthorities,
    enrolmentCodes: Object.create(EnrolmentCodes.prototype) as EnrolmentCodes,
});
const withoutExemptions = openApiDocument(
    routes.filter((r) => !(r.method === 'post' && r.path === '/v1/exemptions')),
    'test',
);

const phaseOf = (key: string): PhaseName => key.split('.')[2] as PhaseName;

describe('loading a market through the gateway', () => {
    const refusals = new Map(
        ops
            .filter((o) => o.expect?.outcome === 'REJECTED')
            .map((o) => [o.idempotencyKey, o.expect?.outcome === 'REJECTED' ? o.expect.code : '']),
    );
    const rowRefusals = new Map(
        market.trades
            .filter((t) => t.expect?.outcome === 'REJECTED')
            .map((t) => [t.input.tradeNo, t.expect?.outcome === 'REJECTED' ? t.expect.code : '']),
    );
    const gateway = new FakeGateway(withoutExemptions, refusals, rowRefusals);
    const keys = new Map(Object.entries(DEMO_KEYS));
    const saved = new Map<string, string>();
    const lines: string[] = [];
    let url = '';
    let first: LoadReport;

    beforeAll(async () => {
        url = await gateway.start();
        for (const k of Object.values(DEMO_KEYS)) gateway.apiKeys.add(k);
        first = await loadPlan(plan, {
            gatewayUrl: url,
            keys,
            saveKey: (party, apiKey) => saved.set(party, apiKey),
            reporter: consoleReporter((line) => lines.push(line)),
            concurrency: 4,
            sleep: () => Promise.resolve(),
        });
    }, 60_000);

    afterAll(async () => {
        await gateway.stop();
    });

    it('writes phase after phase in dependency order, each record under its own idempotency key', () => {
        const order = gateway.writes.map((w) => PHASES.indexOf(phaseOf(w.key)));
        expect(order.every((index, i) => i === 0 || index >= (order[i - 1] ?? 0))).toBe(true);
        expect(gateway.writes[0]?.path).toBe('/v1/clusters');
        const keysSent = gateway.writes.map((w) => w.key);
        expect(new Set(keysSent).size).toBe(keysSent.length);
        const planned = new Set(ops.map((o) => o.idempotencyKey));
        expect(keysSent.every((k) => planned.has(k) && /^[A-Za-z0-9._:-]{8,128}$/.test(k))).toBe(true);
        expect(keysSent).toContain(`seed.${market.meta.fingerprint}.parties.V-0001`);
    });

    it('onboards the parties without demo keys, keeps their keys at once and writes with them', () => {
        const onboarded = plan.find((p) => p.name === 'identities')?.ops.map((o) => o.id) ?? [];
        expect(onboarded.length).toBeGreaterThan(10);
        expect([...saved.keys()].sort()).toEqual([...onboarded].sort());
        const consolidator = saved.get('C-0001');
        expect(gateway.writes.some((w) => w.path === '/v1/consolidation-orders' && w.apiKey === consolidator)).toBe(
            true,
        );
        expect(
            gateway.writes.filter((w) => w.path === '/v1/trades/bulk').every((w) => w.apiKey !== DEMO_KEYS['OP-YIWU']),
        ).toBe(true);
    });

    it('counts labelled refusals as such, skips what it has no key or no endpoint for, and fails nothing', () => {
        expect(first.totals.failed).toBe(0);
        const phase = (name: PhaseName): LoadReport['phases'][number] | undefined =>
            first.phases.find((p) => p.name === name);
        expect(phase('trades')?.counts.labelled).toBe(3);
        expect(phase('trades')?.counts.ok).toBe(market.trades.length - 3);
        expect(phase('declarations')?.counts.labelled).toBe(3);
        expect(phase('receipts')?.counts).toMatchObject({ labelled: 1, skipped: 1 });
        expect(phase('receipts')?.notes).toEqual(['no API key for BANK-0002']);
        expect(phase('exemptions')).toMatchObject({
            status: 'skipped',
            reason: 'the gateway has no POST /v1/exemptions yet',
        });
        expect(gateway.writes.some((w) => w.path === '/v1/exemptions')).toBe(false);
        expect(gateway.writes.filter((w) => w.path === '/v1/goods')).toHaveLength(market.goods.length);
    });

    it('reports every phase with its counts', () => {
        for (const name of PHASES) expect(lines.some((l) => l.trimStart().startsWith(name))).toBe(true);
        expect(lines.find((l) => l.includes('trades'))).toMatch(/written, 3 refused\/flagged as labelled/);
        expect(lines.find((l) => l.includes('exemptions'))).toContain(
            'skipped: the gateway has no POST /v1/exemptions yet',
        );
    });

    it('continues a re-run without writing anything twice', async () => {
        const before = gateway.writes.length;
        const again = await loadPlan(plan, { gatewayUrl: url, keys, sleep: () => Promise.resolve() });
        const rerun = gateway.writes.slice(before);
        expect(rerun.filter((w) => !w.replayed && !refusals.has(w.key))).toEqual([]);
        expect(rerun.some((w) => w.path === '/v1/onboarding')).toBe(false);
        expect(again.totals.ok).toBe(0);
        expect(again.totals.replayed + again.totals.existing).toBe(first.totals.ok);
        expect(again.totals.failed).toBe(0);
        // a whole second load, one request at a time in the ordered phases: over 5 s on a busy machine
    }, 30_000);

    it('says clearly when the gateway is not reachable', async () => {
        const closed = new FakeGateway({}, new Map(), new Map());
        const closedUrl = await closed.start();
        await closed.stop();
        await expect(loadPlan(plan, { gatewayUrl: closedUrl, keys })).rejects.toThrow(GatewayUnreachable);
        await expect(loadPlan(plan, { gatewayUrl: closedUrl, keys })).rejects.toThrow(
            /not reachable at http:\/\/127\.0\.0\.1:\d+.*gateway:start/,
        );
    });
});
