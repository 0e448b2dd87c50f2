import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { marketSuite, ok, tradeBody } from './gateway-support';
import { uniqueId } from './support';

/**
 * Events out on the real network: a trade registered through the gateway reaches the MarketOrg read model's outbox
 * and is POSTed to the admin's subscribed receiver on 127.0.0.1, whose signature the Standard Webhooks reference
 * library verifies; a receiver answering 500 gets retries, then the delivery is dead, and a replay delivers it.
 */
const { m } = marketSuite({
    MPT_PROJECTION: 'on',
    MPT_WEBHOOK_FIRST_RETRY_MS: '200',
    MPT_WEBHOOK_MAX_ATTEMPTS: '3',
    // the receiver is on loopback, which webhooks may reach only when allowed
    MPT_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
});

interface Received {
    readonly headers: IncomingHttpHeaders;
    readonly body: string;
}

let server: Server;
let url = '';
let status = 200;
const received: Received[] = [];

beforeAll(async () => {
    server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
        });
        req.on('end', () => {
            received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
            res.writeHead(status).end();
        });
    });
    await new Promise<void>((resolve) => {
        server.listen(0, '127.0.0.1', resolve);
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});

afterAll(async () => {
    const closed = new Promise<void>((resolve) => {
        server.close(() => {
            resolve();
        });
    });
    server.closeAllConnections();
    await closed;
});

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
        const found = await check();
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`${what} not seen within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

const deliveriesOf = (tradeNo: string): Received[] =>
    received.filter((r) => (JSON.parse(r.body) as { data: { tradeNo?: string } }).data.tradeNo === tradeNo);

describe('webhooks on the real network', () => {
    it('a registered trade is delivered, signed so that the reference library verifies it', async () => {
        const created = ok(
            await m.admin.post('/v1/webhooks/subscriptions', { url, eventTypes: ['TradeRegistered'] }),
            201,
        ) as { subscriptionId: string; secret: string };
        const tradeNo = uniqueId('WH');
        const trade = ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201) as { txId: string };

        const [delivery] = await until('the webhook', () => {
            const got = deliveriesOf(tradeNo);
            return got.length > 0 ? got : undefined;
        });
        const verified = new Webhook(created.secret).verify(
            delivery?.body ?? '',
            delivery?.headers as Record<string, string>,
        );
        expect(verified).toMatchObject({ type: 'TradeRegistered', data: { tradeNo, txId: trade.txId } });
        expect(delivery?.headers['webhook-id']).toBe(trade.txId);

        ok(await m.admin.delete(`/v1/webhooks/subscriptions/${created.subscriptionId}`));
    });

    it('a receiver answering 500 is retried, the delivery is dead, and a replay delivers it', async () => {
        const created = ok(
            await m.admin.post('/v1/webhooks/subscriptions', { url, eventTypes: ['TradeRegistered'] }),
            201,
        ) as { subscriptionId: string; secret: string };
        status = 500;
        const tradeNo = uniqueId('WD');
        const trade = ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201) as { txId: string };

        const dead = await until('the dead delivery', async () => {
            const page = ok(
                await m.admin.get(`/v1/webhooks/deliveries?state=dead&subscriptionId=${created.subscriptionId}`),
            ) as { items: { eventId: string; attempts: number; lastStatus: number }[] };
            return page.items.find((d) => d.eventId === trade.txId);
        });
        expect(dead).toMatchObject({ attempts: 3, lastStatus: 500 });
        expect(deliveriesOf(tradeNo)).toHaveLength(3);

        status = 200;
        const replay = ok(
            await m.admin.post('/v1/webhooks/deliveries/replay', {
                subscriptionId: created.subscriptionId,
                eventId: trade.txId,
            }),
        );
        expect(replay).toEqual({ replayed: 1 });
        await until('the replayed delivery', () => (deliveriesOf(tradeNo).length === 4 ? true : undefined));
        const last = deliveriesOf(tradeNo)[3];
        expect(
            new Webhook(created.secret).verify(last?.body ?? '', last?.headers as Record<string, string>),
        ).toMatchObject({ data: { tradeNo } });
        const delivered = ok(
            await m.admin.get(`/v1/webhooks/deliveries?state=delivered&subscriptionId=${created.subscriptionId}`),
        ) as { items: { eventId: string }[] };
        expect(delivered.items.map((d) => d.eventId)).toContain(trade.txId);
    });

    it('only an org admin manages webhooks', async () => {
        const refused = await m.operator.api.get('/v1/webhooks/subscriptions');
        expect(refused.status).toBe(403);
    });
});
