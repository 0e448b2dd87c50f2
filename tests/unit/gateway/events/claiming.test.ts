import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import {
    createSubscription,
    fanOut,
    guardedPost,
    listDeliveries,
    OUTBOX_START,
    WebhookDispatcher,
    WebhookUrlPolicy,
    type WebhookPost,
} from '../../../../gateway/src/events';
import type { WebhookStore } from '../../../../gateway/src/state';
import { applyBlock, parseBlock, type ReadModelDatabase } from '../../../../gateway/src/projection';
import { buildBlock, CHAINCODE, type TxSpec } from '../projection/blocks';
import { trade, tradeWrite } from '../projection/records';
import { newTestModel, type TestModel } from '../projection/support';
import { newTestStore, type TestStore } from './support';

/**
 * Several gateway instances on one PostgreSQL each run a dispatcher over the same deliveries (docs/events.md,
 * "Several instances"): each delivery is claimed by one of them and sent once; a claimer that dies mid-delivery leaves
 * it to the other once its lease ends.
 */

const EVENTS = 40;
const LEASE_MS = 5000;

const tradeTx = (tradeNo: string): TxSpec => ({
    txId: `tx-${tradeNo}`,
    writes: [tradeWrite(trade(tradeNo, `tx-${tradeNo}`, { vendorId: 'M001', clusterId: 'YW-FUTIAN' }))],
    event: { name: 'TradeRegistered', payload: { tradeNo, status: 'CONFIRMED', riskFlags: [] } },
});

describe('webhook deliveries claimed across instances on PostgreSQL', () => {
    let model: TestModel;
    let database: ReadModelDatabase;
    let hooks: TestStore;
    /** The second instance's handle on the same state schema. */
    let other: WebhookStore;
    let server: Server;
    let url = '';
    /** webhook-id of every request the receiver got. */
    const received: string[] = [];
    const urls = new WebhookUrlPolicy(['127.0.0.1']);
    const send = guardedPost(urls);

    beforeAll(async () => {
        server = createServer((req, res) => {
            req.resume();
            // a receiver that takes a moment, so the two dispatchers' rounds overlap
            setTimeout(() => {
                received.push(String(req.headers['webhook-id']));
                res.writeHead(204).end();
            }, 15);
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    });
    afterAll(async () => {
        await new Promise<void>((resolve) => {
            server.close(() => {
                resolve();
            });
        });
    });
    beforeEach(async () => {
        model = await newTestModel('postgres');
        database = model.database;
        hooks = await newTestStore('postgres');
        other = await hooks.open();
        received.length = 0;
        await createSubscription(hooks.store, 'MarketOrg', { url }, 'admin1', OUTBOX_START);
        const txs = Array.from({ length: EVENTS }, (_, i) => tradeTx(`T-${String(i).padStart(3, '0')}`));
        for (let block = 0; block < EVENTS / 4; block += 1) {
            await applyBlock(
                database.db,
                parseBlock(buildBlock(block, txs.slice(block * 4, block * 4 + 4)), CHAINCODE),
            );
        }
        await fanOut(hooks.store, 'MarketOrg', database.db);
    }, 60_000); // a read model, a state schema migrated and two instances' handles: slow on a busy machine
    afterEach(async () => {
        await model.cleanup();
        await hooks.cleanup();
    }, 60_000);

    /** A dispatcher of instance `a` or `b`, each with its own connections to the state. */
    const dispatcher = (
        post: WebhookPost,
        now: () => number = Date.now,
        instance: 'a' | 'b' = 'a',
    ): WebhookDispatcher =>
        new WebhookDispatcher({
            org: 'MarketOrg',
            store: instance === 'a' ? hooks.store : other,
            readModel: (): ReadModelDatabase['db'] => database.db,
            logger: pino({ level: 'silent' }),
            urls,
            post,
            now,
            batch: 7,
            leaseMs: LEASE_MS,
        });

    it('sends each of many deliveries exactly once when two dispatchers run their rounds at the same time', async () => {
        const sentBy = { a: 0, b: 0 };
        const counting =
            (who: 'a' | 'b'): WebhookPost =>
            async (...args) => {
                sentBy[who] += 1;
                return send(...args);
            };
        const a = dispatcher(counting('a'), Date.now, 'a');
        const b = dispatcher(counting('b'), Date.now, 'b');

        for (let round = 0; round < 20 && received.length < EVENTS; round += 1) {
            await Promise.all([a.deliverDue(), b.deliverDue()]);
        }

        expect(received).toHaveLength(EVENTS);
        expect(new Set(received).size).toBe(EVENTS);
        // both took part: the rounds really competed for the same rows
        expect(sentBy.a).toBeGreaterThan(0);
        expect(sentBy.b).toBeGreaterThan(0);
        expect(sentBy.a + sentBy.b).toBe(EVENTS);
        const delivered = await listDeliveries(hooks.store, 'MarketOrg', { state: 'DELIVERED', limit: 500 });
        expect(delivered.map((d) => d.attempts)).toEqual(Array.from({ length: EVENTS }, () => 1));
    });

    it('retries what a claimer killed mid-delivery held, by the other dispatcher after the lease, and keeps that outcome', async () => {
        let clock = Date.now();
        let killed: ((error: Error) => void)[] = [];
        const dying: WebhookPost = () =>
            new Promise<number>((_, reject) => {
                killed.push(reject);
            });
        const crashed = dispatcher(dying, () => clock, 'a');
        const survivor = dispatcher(send, () => clock, 'b');

        const stuck = crashed.deliverDue();
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(killed).toHaveLength(7);
        // the claimed deliveries are the dead claimer's until its lease ends
        expect(await survivor.deliverDue()).toBe(7);
        const claimedByOther = received.length;
        expect(claimedByOther).toBe(7);

        clock += LEASE_MS;
        let rounds = 0;
        while (received.length < EVENTS && rounds < 20) {
            await survivor.deliverDue();
            rounds += 1;
        }
        expect(received).toHaveLength(EVENTS);
        expect(new Set(received).size).toBe(EVENTS);

        // the dead claimer's connection finally fails: its late outcome does not overwrite the delivery
        for (const reject of killed) reject(new Error('socket hang up'));
        killed = [];
        await stuck;
        const deliveries = await listDeliveries(hooks.store, 'MarketOrg', { limit: 500 });
        expect(deliveries.filter((d) => d.state !== 'DELIVERED')).toEqual([]);
    });
});
