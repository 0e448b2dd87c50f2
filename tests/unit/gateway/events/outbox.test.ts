import { get } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import {
    createSubscription,
    fanOut,
    listDeliveries,
    OUTBOX_START,
    replayDeliveries,
    WebhookDispatcher,
    WebhookUrlPolicy,
    type Delivery,
    type DeliveryFilter,
    type NewSubscription,
    type RetryPolicy,
} from '../../../../gateway/src/events';
import { applyBlock, parseBlock, type OrgReadModel, type ReadModelDatabase } from '../../../../gateway/src/projection';
import { browser, signIn } from '../../console/support';
import { bearer, errorOf, harness, idem, listen, type Harness } from '../harness';
import { buildBlock, CHAINCODE, type TxSpec } from '../projection/blocks';
import { indexWrite, party, partyWrite, trade, tradeWrite } from '../projection/records';
import { DIALECTS, dump, newTestModel, type TestModel } from '../projection/support';
import { newTestStore, Receiver, type TestStore } from './support';

/**
 * The outbox and what goes out of it, on a real read model and webhook store (SQLite files and PostgreSQL): events
 * written with their block or not at all, deliveries made from them once, Standard Webhooks deliveries checked by the reference library on a real local receiver, retries,
 * dead letters and replay, state kept across a restart, the admin routes, and the event stream's scoping and resume.
 */

const POLICY: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 3, jitter: 0.2 };
/** The receivers run on loopback, which the default policy refuses. */
const LOCAL_RECEIVERS = new WebhookUrlPolicy(['127.0.0.1']);

const tradeTx = (tradeNo: string, vendorId: string, clusterId = 'YW-FUTIAN'): TxSpec => ({
    txId: `tx-${tradeNo}`,
    writes: [tradeWrite(trade(tradeNo, `tx-${tradeNo}`, { vendorId, clusterId }))],
    event: { name: 'TradeRegistered', payload: { tradeNo, status: 'CONFIRMED', riskFlags: [] } },
});

const ORG = 'MarketOrg';

describe.each(DIALECTS)('events out on %s', (dialect) => {
    let model: TestModel;
    let database: ReadModelDatabase;
    let hooks: TestStore;
    let block = 0;
    const receiver = new Receiver();

    /** A subscription to every event from the start of the outbox. */
    const subscribe = (input: NewSubscription): ReturnType<typeof createSubscription> =>
        createSubscription(hooks.store, ORG, input, 'admin1', OUTBOX_START);
    const deliveries = (filter: Omit<DeliveryFilter, 'limit'> = {}): Promise<Delivery[]> =>
        listDeliveries(hooks.store, ORG, { ...filter, limit: 10 });

    async function append(txs: TxSpec[]): Promise<void> {
        await applyBlock(database.db, parseBlock(buildBlock(block, txs), CHAINCODE));
        block += 1;
    }

    beforeAll(async () => {
        await receiver.start();
    });
    afterAll(async () => {
        await receiver.stop();
    });
    beforeEach(async () => {
        model = await newTestModel(dialect);
        database = model.database;
        hooks = await newTestStore(dialect);
        block = 0;
        receiver.status = 200;
        receiver.received.length = 0;
    }, 60_000);
    afterEach(async () => {
        await model.cleanup();
        await hooks.cleanup();
    }, 60_000);

    describe('the outbox', () => {
        it('holds each event with its block, the cluster of the records written and the records it names', async () => {
            await append([tradeTx('T-1', 'M001', 'YW-FUTIAN'), { txId: 'no-event', writes: [] }]);

            const rows = await database.db.selectFrom('outbox').selectAll().execute();
            expect(rows).toEqual([
                expect.objectContaining({
                    event_id: 'tx-T-1',
                    type: 'TradeRegistered',
                    block_number: 0,
                    tx_index: 0,
                    cluster_id: 'YW-FUTIAN',
                    subject_kind: 'trades',
                    subject_ids: '["T-1"]',
                }),
            ]);
        });

        it('is written in the block’s transaction: a crash leaves neither event nor rows; applied again, once', async () => {
            await subscribe({ url: receiver.url });
            await append([tradeTx('T-0', 'M001')]);
            await fanOut(hooks.store, ORG, database.db);
            const before = await dump(database.db);
            const parsed = parseBlock(buildBlock(1, [tradeTx('T-1', 'M001'), tradeTx('T-2', 'M001')]), CHAINCODE);

            const crash = (): void => {
                throw new Error('process killed');
            };
            await expect(applyBlock(database.db, parsed, { afterTransaction: crash })).rejects.toThrow('killed');
            expect(await dump(database.db)).toEqual(before);
            const events = async (): Promise<string[]> =>
                (await database.db.selectFrom('outbox').select('event_id').orderBy('event_id').execute()).map(
                    (r) => r.event_id,
                );
            expect(await events()).toEqual(['tx-T-0']);
            expect(await fanOut(hooks.store, ORG, database.db)).toBe(0);
            expect(await deliveries()).toHaveLength(1);

            await applyBlock(database.db, parsed);
            await applyBlock(database.db, parsed);
            expect(await events()).toEqual(['tx-T-0', 'tx-T-1', 'tx-T-2']);
            const trades = await database.db.selectFrom('trades').select('trade_no').execute();
            expect(trades).toHaveLength(3);
            // the deliveries are made from the outbox once, however often a block was applied or fanned out
            expect(await fanOut(hooks.store, ORG, database.db)).toBe(2);
            expect(await fanOut(hooks.store, ORG, database.db)).toBe(0);
            expect((await deliveries()).map((d) => d.eventId)).toEqual(['tx-T-0', 'tx-T-1', 'tx-T-2']);
        });

        it('fans out only to subscriptions whose event types and clusters take the event', async () => {
            const all = await subscribe({ url: receiver.url });
            const flagged = await subscribe({ url: receiver.url, eventTypes: ['TradeFlagResolved'] });
            const dongyang = await subscribe({ url: receiver.url, clusters: ['JH-DONGYANG'] });
            await append([
                tradeTx('T-1', 'M001', 'YW-FUTIAN'),
                tradeTx('T-2', 'M002', 'JH-DONGYANG'),
                {
                    txId: 'tx-P',
                    writes: [indexWrite('idx~rates', '2026-11')],
                    event: { name: 'RatesPublished', payload: { month: '2026-11', version: 1, currencies: ['USD'] } },
                },
            ]);
            await fanOut(hooks.store, ORG, database.db);

            const of = async (subscriptionId: string): Promise<string[]> =>
                (await deliveries({ subscriptionId })).map((d) => d.eventId);
            expect(await of(all.subscriptionId)).toEqual(['tx-T-1', 'tx-T-2', 'tx-P']);
            expect(await of(flagged.subscriptionId)).toEqual([]);
            expect(await of(dongyang.subscriptionId)).toEqual(['tx-T-2']);
        });
    });

    describe('deliveries', () => {
        let clock = 1_700_000_000_000;
        const dispatcher = (): WebhookDispatcher =>
            new WebhookDispatcher({
                org: ORG,
                store: hooks.store,
                readModel: () => database.db,
                logger: pino({ level: 'silent' }),
                policy: POLICY,
                urls: LOCAL_RECEIVERS,
                now: () => clock,
                random: () => 0.5,
            });

        it('are signed so that the reference library verifies them, and become DELIVERED', async () => {
            const { secret } = await subscribe({ url: receiver.url });
            await append([tradeTx('T-1', 'M001')]);

            // the reference library checks the timestamp against the real clock
            clock = Date.now();
            expect(await dispatcher().deliverDue()).toBe(1);

            expect(receiver.received).toHaveLength(1);
            const [got] = receiver.received;
            const headers = got?.headers as Record<string, string>;
            const verified = new Webhook(secret).verify(got?.body ?? '', headers);
            expect(verified).toMatchObject({
                type: 'TradeRegistered',
                data: { tradeNo: 'T-1', eventId: 'tx-T-1', blockNumber: 0, clusterId: 'YW-FUTIAN' },
            });
            expect(headers['webhook-id']).toBe('tx-T-1');
            expect(headers['content-type']).toBe('application/json');
            expect((await deliveries())[0]).toMatchObject({
                state: 'DELIVERED',
                attempts: 1,
                lastStatus: 200,
            });
        });

        it('failing are retried after the backoff, DEAD after the last attempt, and sent again when replayed', async () => {
            clock = 1_700_000_000_000;
            await subscribe({ url: receiver.url });
            await append([tradeTx('T-1', 'M001')]);
            receiver.status = 500;

            const first = dispatcher();
            expect(await first.deliverDue()).toBe(1);
            // not due before the backoff has passed
            clock += 999;
            expect(await first.deliverDue()).toBe(0);
            clock += 1;
            // a restarted gateway (new dispatcher, the read model and the store opened again) carries on
            database = await model.reopen();
            hooks = { ...hooks, store: await hooks.open() };
            expect(await dispatcher().deliverDue()).toBe(1);
            clock += 2000;
            expect(await dispatcher().deliverDue()).toBe(1);
            expect(receiver.received).toHaveLength(3);

            const dead = await deliveries({ state: 'DEAD' });
            expect(dead).toEqual([
                expect.objectContaining({ eventId: 'tx-T-1', attempts: 3, lastStatus: 500, nextAttemptAt: null }),
            ]);
            clock += 3_600_000;
            expect(await dispatcher().deliverDue()).toBe(0);

            receiver.status = 204;
            expect(await replayDeliveries(hooks.store, ORG, { eventId: 'tx-T-1' })).toBe(1);
            expect(await dispatcher().deliverDue()).toBe(1);
            expect(await deliveries({ state: 'DEAD' })).toEqual([]);
            expect(await deliveries({ state: 'DELIVERED' })).toHaveLength(1);
            expect(receiver.received).toHaveLength(4);
        });

        it('to a receiver that does not answer fail like a 5xx, with the reason kept', async () => {
            await subscribe({ url: 'http://127.0.0.1:1/refused' });
            await append([tradeTx('T-1', 'M001')]);
            await dispatcher().deliverDue();
            const [delivery] = await deliveries();
            expect(delivery).toMatchObject({ state: 'PENDING', attempts: 1, lastStatus: null });
            expect(delivery?.lastError).toBeTruthy();
        });

        it('to an address the URL policy refuses are not sent nor retried: DEAD at once, with the reason', async () => {
            await subscribe({ url: receiver.url });
            await append([tradeTx('T-1', 'M001')]);
            const strict = new WebhookDispatcher({
                org: ORG,
                store: hooks.store,
                readModel: (): ReadModelDatabase['db'] => database.db,
                logger: pino({ level: 'silent' }),
                policy: POLICY,
                now: (): number => clock,
            });

            expect(await strict.deliverDue()).toBe(1);

            expect(receiver.received).toHaveLength(0);
            const [delivery] = await deliveries();
            expect(delivery).toMatchObject({ state: 'DEAD', attempts: 1, lastStatus: null });
            expect(delivery?.lastError).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
        });
    });

    describe('the admin routes and the event stream', () => {
        let h: Harness;
        const keys: Record<string, string> = {};
        /** Blocks the peer holds that the read model has not applied yet. */
        let peerAhead = 0;

        beforeEach(async () => {
            peerAhead = 0;
            await append([
                {
                    txId: 'tx-parties',
                    writes: [
                        partyWrite(party('M001', 'tx-parties', { status: 'ACTIVE' })),
                        partyWrite(party('M002', 'tx-parties', { status: 'ACTIVE' })),
                    ],
                },
            ]);
            const readModel: OrgReadModel = {
                database,
                status: () =>
                    Promise.resolve({
                        org: 'MarketOrg',
                        state: 'following',
                        lastBlock: block - 1,
                        peerHeight: block + peerAhead,
                        lagBlocks: 0,
                        transactions: 0,
                        database: 'test',
                    }),
            };
            h = harness({
                readModels: { readModel: (org) => (org === 'MarketOrg' ? readModel : undefined) },
                webhooks: hooks.store,
                webhookUrls: LOCAL_RECEIVERS,
                eventStream: { pollMs: 20, heartbeatMs: 100 },
            });
            keys.admin = h.user('MarketOrg', 'admin1', 'admin', null);
            keys.operator = h.user('MarketOrg', 'operator1', 'operator', null);
            keys.vendorA = h.user('MarketOrg', 'vendorA', 'vendor', 'M001');
            keys.vendorB = h.user('MarketOrg', 'vendorB', 'vendor', 'M002');
        });
        afterEach(() => {
            h.cleanup();
        });

        it('an admin subscribes (the secret shown once), lists, replays and deletes; others are refused', async () => {
            const created = await request(h.app)
                .post('/v1/webhooks/subscriptions')
                .set(bearer(keys.admin ?? ''))
                .set('Idempotency-Key', idem())
                .send({ url: receiver.url, eventTypes: ['TradeRegistered'], clusters: ['YW-FUTIAN'] });
            expect(created.status).toBe(201);
            const body = created.body as { subscriptionId: string; secret: string };
            expect(body.secret).toMatch(/^whsec_/);

            const listed = await request(h.app)
                .get('/v1/webhooks/subscriptions')
                .set(bearer(keys.admin ?? ''));
            expect(listed.status).toBe(200);
            expect(JSON.stringify(listed.body)).not.toContain(body.secret);
            expect(listed.body).toMatchObject({
                items: [{ subscriptionId: body.subscriptionId, eventTypes: ['TradeRegistered'] }],
            });

            const dead = await request(h.app)
                .get('/v1/webhooks/deliveries?state=dead')
                .set(bearer(keys.admin ?? ''));
            expect(dead.body).toEqual({ items: [] });
            const replay = await request(h.app)
                .post('/v1/webhooks/deliveries/replay')
                .set(bearer(keys.admin ?? ''))
                .set('Idempotency-Key', idem())
                .send({});
            expect(replay.body).toEqual({ replayed: 0 });

            const refused = await request(h.app)
                .get('/v1/webhooks/subscriptions')
                .set(bearer(keys.operator ?? ''));
            expect([refused.status, errorOf(refused).code]).toEqual([403, 'FORBIDDEN']);

            const bad = await request(h.app)
                .post('/v1/webhooks/subscriptions')
                .set(bearer(keys.admin ?? ''))
                .set('Idempotency-Key', idem())
                .send({ url: 'ftp://example.org/x', eventTypes: ['NoSuchEvent'] });
            expect([bad.status, errorOf(bad).code]).toEqual([400, 'INVALID']);

            const metadata = await request(h.app)
                .post('/v1/webhooks/subscriptions')
                .set(bearer(keys.admin ?? ''))
                .set('Idempotency-Key', idem())
                .send({ url: 'http://169.254.169.254/latest/meta-data/' });
            expect([metadata.status, errorOf(metadata).code]).toEqual([400, 'INVALID']);
            expect(errorOf(metadata).message).toMatch(/link-local address .* \/ .*链路本地地址/);

            const path = `/v1/webhooks/subscriptions/${body.subscriptionId}`;
            const deleted = await request(h.app)
                .delete(path)
                .set(bearer(keys.admin ?? ''))
                .set('Idempotency-Key', idem());
            expect(deleted.body).toEqual({ deleted: true });
            const again = await request(h.app)
                .delete(path)
                .set(bearer(keys.admin ?? ''))
                .set('Idempotency-Key', idem());
            expect([again.status, errorOf(again).code]).toEqual([404, 'NOT_FOUND']);
        });

        it('a subscription made while the read model catches up is sent only the events after the peer’s height', async () => {
            peerAhead = 2;
            const created = await request(h.app)
                .post('/v1/webhooks/subscriptions')
                .set(bearer(keys.admin ?? ''))
                .set('Idempotency-Key', idem())
                .send({ url: receiver.url });
            expect(created.status).toBe(201);
            // the catch-up applies the two blocks the peer already held, then a new one
            await append([tradeTx('T-OLD1', 'M001')]);
            await append([tradeTx('T-OLD2', 'M001')]);
            await append([tradeTx('T-NEW', 'M001')]);

            const sent = new WebhookDispatcher({
                org: ORG,
                store: hooks.store,
                readModel: (): ReadModelDatabase['db'] => database.db,
                logger: pino({ level: 'silent' }),
                urls: LOCAL_RECEIVERS,
            });
            expect(await sent.deliverDue()).toBe(1);
            const [got] = receiver.received;
            const verified = new Webhook((created.body as { secret: string }).secret).verify(
                got?.body ?? '',
                got?.headers as Record<string, string>,
            );
            expect(verified).toMatchObject({ data: { tradeNo: 'T-NEW' } });
        });

        /** Reads the stream until `count` events came; answers their ids and data. */
        async function stream(
            url: string,
            key: string,
            count: number,
            lastEventId?: string,
            console?: { cookie: string },
        ): Promise<{ id: string; data: { ids: string[]; type: string } }[]> {
            return new Promise((resolve, reject) => {
                const headers: Record<string, string> =
                    console === undefined ? { ...bearer(key) } : { Cookie: console.cookie };
                if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
                const path = console === undefined ? '/v1/events/stream' : '/console/events/stream';
                const req = get(`${url}${path}`, { headers }, (res) => {
                    if (res.statusCode !== 200) {
                        clearTimeout(timer);
                        reject(new Error(`stream answered ${res.statusCode}`));
                        return;
                    }
                    let text = '';
                    res.on('data', (chunk: Buffer) => {
                        text += chunk.toString('utf8');
                        const events = text
                            .split('\n\n')
                            .filter((frame) => frame.startsWith('id: '))
                            .map((frame) => {
                                const lines = frame.split('\n');
                                const field = (name: string): string =>
                                    (lines.find((l) => l.startsWith(`${name}: `)) ?? '').slice(name.length + 2);
                                return { id: field('id'), data: JSON.parse(field('data')) as never };
                            });
                        if (events.length >= count) {
                            clearTimeout(timer);
                            req.destroy();
                            resolve(events.slice(0, count));
                        }
                    });
                });
                req.on('error', reject);
                const timer = setTimeout(() => {
                    req.destroy();
                    reject(new Error('no events in time'));
                }, 5000);
            });
        }

        it('shows a vendor only events about its own trades, the operator all, and resumes after Last-Event-ID', async () => {
            const server = await listen(h.app);
            try {
                await append([tradeTx('T-A1', 'M001'), tradeTx('T-B1', 'M002'), tradeTx('T-A2', 'M001')]);
                const first = await stream(server.url, keys.vendorA ?? '', 1, 'tx-parties-none').catch(
                    (error: unknown) => error,
                );
                expect(String(first)).toContain('400');

                // the stream starts at the end; a later block's events arrive live
                const live = stream(server.url, keys.vendorA ?? '', 1);
                await new Promise((resolve) => setTimeout(resolve, 200));
                await append([tradeTx('T-B2', 'M002'), tradeTx('T-A3', 'M001')]);
                expect((await live).map((e) => e.id)).toEqual(['tx-T-A3']);

                const resumed = await stream(server.url, keys.vendorA ?? '', 2, 'tx-T-A1');
                expect(resumed.map((e) => e.id)).toEqual(['tx-T-A2', 'tx-T-A3']);
                expect(resumed[0]?.data).toMatchObject({ type: 'TradeRegistered', ids: ['T-A2'] });

                const operator = await stream(server.url, keys.operator ?? '', 4, 'tx-T-A1');
                expect(operator.map((e) => e.id)).toEqual(['tx-T-B1', 'tx-T-A2', 'tx-T-B2', 'tx-T-A3']);

                const vendorB = await stream(server.url, keys.vendorB ?? '', 2, 'tx-T-A1');
                expect(vendorB.map((e) => e.data.ids)).toEqual([['T-B1'], ['T-B2']]);

                // the console's variant: the same stream for the signed-in person, by the session cookie
                const signedIn = await signIn(browser(h.app), keys.vendorB ?? '');
                const cookie = (signedIn.headers['set-cookie'] as unknown as string[])
                    .map((c) => c.split(';')[0])
                    .join('; ');
                const page = await stream(server.url, '', 2, 'tx-T-A1', { cookie });
                expect(page.map((e) => e.data.ids)).toEqual([['T-B1'], ['T-B2']]);
            } finally {
                await server.close();
            }
        });
    });
});
