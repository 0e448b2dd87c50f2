import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import {
    copyLegacyWebhooks,
    createSubscription,
    deleteSubscription,
    fanOut,
    listDeliveries,
    listSubscriptions,
    newWebhookSecret,
    OUTBOX_START,
    outboxEnd,
    replayDeliveries,
    requireWebhookKey,
    secretContext,
    WebhookDispatcher,
    WebhookUrlPolicy,
    type RetryPolicy,
} from '../../../../gateway/src/events';
import {
    applyBlock,
    dropPostgresReadModel,
    openReadModel,
    parseBlock,
    type ReadModel,
    type ReadModelDatabase,
    type ReadModelLocation,
} from '../../../../gateway/src/projection';
import {
    openGatewayState,
    postgresWebhookStore,
    SECRET_KEY_FILE,
    SecretBox,
    SecretBoxError,
    WebhookKeyError,
    type WebhookStore,
} from '../../../../gateway/src/state';
import { openStateDatabase } from '../../../../gateway/src/state/database';
import { buildBlock, CHAINCODE, type TxSpec } from '../projection/blocks';
import { trade, tradeWrite } from '../projection/records';
import { DIALECTS, newTestModel, type TestModel } from '../projection/support';
import { newTestStore, postgresUrl, Receiver, type TestStore } from './support';

/**
 * Webhooks live in the gateway's own state, so a read model can be rebuilt from the ledger (its file deleted, its
 * schema dropped) without losing a subscription, a pending or a dead delivery, nor sending anything twice; their
 * secrets are sealed at rest; an old read model's webhooks move into the state once; and two instances on one
 * PostgreSQL share them (docs/events.md, "Where webhooks are kept").
 */

const ORG = 'MarketOrg';
const POLICY: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 2, jitter: 0 };
const LOCAL_RECEIVERS = new WebhookUrlPolicy(['127.0.0.1']);

const tradeTx = (tradeNo: string): TxSpec => ({
    txId: `tx-${tradeNo}`,
    writes: [tradeWrite(trade(tradeNo, `tx-${tradeNo}`, { vendorId: 'M001', clusterId: 'YW-FUTIAN' }))],
    event: { name: 'TradeRegistered', payload: { tradeNo, status: 'CONFIRMED', riskFlags: [] } },
});

/** The demo chain: one trade per block. */
const CHAIN = ['T-1', 'T-2', 'T-3', 'T-4', 'T-5', 'T-6'].map((tradeNo) => [tradeTx(tradeNo)]);

async function applyChain(db: Kysely<ReadModel>, from: number, to: number): Promise<void> {
    for (let block = from; block <= to; block += 1) {
        await applyBlock(db, parseBlock(buildBlock(block, CHAIN[block] ?? []), CHAINCODE));
    }
}

describe.each(DIALECTS)('webhooks kept in the gateway state (%s)', (dialect) => {
    let hooks: TestStore;
    const receiver = new Receiver();
    // the reference library checks the timestamp against the real clock: the test's clock starts there
    let clock = Date.now();

    const dispatcher = (readModel: () => Kysely<ReadModel> | undefined, store?: WebhookStore): WebhookDispatcher =>
        new WebhookDispatcher({
            org: ORG,
            store: store ?? hooks.store,
            readModel,
            logger: pino({ level: 'silent' }),
            policy: POLICY,
            urls: LOCAL_RECEIVERS,
            now: () => clock,
        });

    /** Rounds until one attempts nothing. */
    async function drain(round: WebhookDispatcher): Promise<void> {
        let attempted = 1;
        for (let rounds = 0; rounds < 10 && attempted > 0; rounds += 1) attempted = await round.deliverDue();
    }

    /** The trade numbers of what the receiver got, each body verified with `secret` by the reference library. */
    const receivedTrades = (secret: string): string[] =>
        receiver.received.map(({ body, headers }) => {
            const verified = new Webhook(secret).verify(body, headers as Record<string, string>) as {
                data: { tradeNo: string; eventId: string };
            };
            expect(headers['webhook-id']).toBe(verified.data.eventId);
            return verified.data.tradeNo;
        });

    beforeAll(async () => {
        await receiver.start();
    });
    afterAll(async () => {
        await receiver.stop();
    });
    beforeEach(async () => {
        hooks = await newTestStore(dialect);
        receiver.status = 200;
        receiver.received.length = 0;
        clock = Date.now();
    }, 60_000);
    afterEach(async () => {
        await hooks.cleanup();
    }, 60_000);

    it('a rebuilt read model sends each event not yet delivered once, nothing delivered again, and keeps the dead', async () => {
        const old: TestModel = await newTestModel(dialect);
        let fresh: TestModel | undefined;
        try {
            // T-1 comes before the subscription; T-2 is delivered; T-3 fails twice and is dead; T-4 has its delivery
            // made but not sent; T-5 is applied but the gateway stops before making its delivery
            await applyChain(old.database.db, 0, 0);
            const created = await createSubscription(
                hooks.store,
                ORG,
                { url: receiver.url },
                'admin1',
                await outboxEnd(old.database.db),
            );
            const before = dispatcher(() => old.database.db);
            await applyChain(old.database.db, 1, 1);
            expect(await before.deliverDue()).toBe(1);
            receiver.status = 500;
            await applyChain(old.database.db, 2, 2);
            expect(await before.deliverDue()).toBe(1);
            clock += POLICY.firstDelayMs;
            expect(await before.deliverDue()).toBe(1);
            await applyChain(old.database.db, 3, 3);
            await fanOut(hooks.store, ORG, old.database.db);
            await applyChain(old.database.db, 4, 4);
            expect(receivedTrades(created.secret)).toEqual(['T-2', 'T-3', 'T-3']);

            // the read model is deleted (its file, its schema) and rebuilt from block 0
            await old.cleanup();
            fresh = await newTestModel(dialect);
            const rebuilt = fresh.database.db;
            receiver.status = 200;
            expect((await listSubscriptions(hooks.store, ORG)).map((s) => s.subscriptionId)).toEqual([
                created.subscriptionId,
            ]);
            const stateOf = async (): Promise<Record<string, string>> =>
                Object.fromEntries(
                    (await listDeliveries(hooks.store, ORG, { limit: 10 })).map((d) => [d.eventId, d.state]),
                );
            expect(await stateOf()).toEqual({ 'tx-T-2': 'DELIVERED', 'tx-T-3': 'DEAD', 'tx-T-4': 'PENDING' });

            // a pending delivery is sent while the rebuild has not even begun: it needs no read model
            const after = dispatcher(() => rebuilt);
            await drain(after);
            expect(receivedTrades(created.secret)).toEqual(['T-2', 'T-3', 'T-3', 'T-4']);

            // the replayed outbox makes deliveries only past the watermark: T-5 (never made) and T-6 (new)
            await applyChain(rebuilt, 0, 2);
            await drain(after);
            await applyChain(rebuilt, 3, 4);
            await drain(after);
            await applyChain(rebuilt, 5, 5);
            await drain(after);
            expect(receivedTrades(created.secret)).toEqual(['T-2', 'T-3', 'T-3', 'T-4', 'T-5', 'T-6']);

            // the dead letter survived the rebuild and is sent when replayed
            expect(await replayDeliveries(hooks.store, ORG, { eventId: 'tx-T-3' })).toBe(1);
            await drain(after);
            expect(receivedTrades(created.secret)).toEqual(['T-2', 'T-3', 'T-3', 'T-4', 'T-5', 'T-6', 'T-3']);
            expect(await stateOf()).toEqual({
                'tx-T-2': 'DELIVERED',
                'tx-T-3': 'DELIVERED',
                'tx-T-4': 'DELIVERED',
                'tx-T-5': 'DELIVERED',
                'tx-T-6': 'DELIVERED',
            });
        } finally {
            await old.cleanup().catch(() => undefined);
            await fresh?.cleanup();
        }
    }, 60_000);

    it('keeps secrets sealed: not in the stored rows nor the store’s files, bound to their row, refused under another key', async () => {
        const created = await createSubscription(hooks.store, ORG, { url: receiver.url }, 'admin1', OUTBOX_START);
        const keyText = created.secret.slice('whsec_'.length);
        const rows = await hooks.store.db.selectFrom('webhook_subscriptions').selectAll().execute();
        expect(rows).toHaveLength(1);
        expect(JSON.stringify(rows)).not.toContain(keyText);
        if (dialect === 'sqlite') {
            const files = readdirSync(hooks.where).filter((name) => name.startsWith('webhooks.sqlite'));
            expect(files.length).toBeGreaterThan(0);
            for (const name of files) {
                const bytes = readFileSync(path.join(hooks.where, name));
                expect(bytes.includes(Buffer.from(keyText))).toBe(false);
                expect(bytes.includes(Buffer.from(keyText, 'base64'))).toBe(false);
            }
        }
        const sealed = rows[0]?.secret_sealed ?? '';
        const box = new SecretBox(hooks.key);
        expect(box.open(sealed, secretContext(ORG, created.subscriptionId))).toBe(created.secret);
        // moved onto another org's row it does not open
        expect(() => box.open(sealed, secretContext('BankOrg', created.subscriptionId))).toThrow(SecretBoxError);
        // a gateway given another key refuses to start rather than fail every delivery
        await expect(hooks.open(randomBytes(32))).rejects.toThrow(WebhookKeyError);
        // and another org's admin neither sees nor deletes it
        expect(await listSubscriptions(hooks.store, 'BankOrg')).toEqual([]);
        expect(await deleteSubscription(hooks.store, 'BankOrg', created.subscriptionId)).toBe(false);
    }, 60_000);

    it('moves an old read model’s subscriptions and deliveries into the state once, sealing the secret', async () => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-upgrade-'));
        const location: ReadModelLocation = {
            dataDir,
            name: `up${process.pid}_${Date.now()}`,
            ...(dialect === 'postgres' ? { databaseUrl: postgresUrl() } : {}),
        };
        const handles: ReadModelDatabase[] = [];
        try {
            const old = await openReadModel(location);
            handles.push(old);
            await applyChain(old.db, 0, 1);
            const secret = newWebhookSecret();
            await makeOldReadModel(old, secret, receiver.url);
            await old.close();

            // a tool of this version that opens it first is refused, and takes nothing away
            await expect(openReadModel(location)).rejects.toThrow(/still holds 1 webhook subscription/);

            const upgraded = await openReadModel(location, async (database) => {
                // a crash after the copy and before the migration: the next start copies again, changing nothing
                expect(await copyLegacyWebhooks(database, ORG, hooks.store)).toBe(1);
                await makeOldReadModel(database, secret, receiver.url, false);
                expect(await copyLegacyWebhooks(database, ORG, hooks.store)).toBe(1);
            });
            handles.push(upgraded);
            expect(await tableExists(upgraded, 'webhook_subscriptions')).toBe(false);
            expect(await listSubscriptions(hooks.store, ORG)).toEqual([
                expect.objectContaining({ subscriptionId: 'sub_old', url: receiver.url, createdBy: 'admin1' }),
            ]);
            const stored = await hooks.store.db.selectFrom('webhook_subscriptions').selectAll().execute();
            expect(JSON.stringify(stored)).not.toContain(secret.slice('whsec_'.length));
            expect(
                (await listDeliveries(hooks.store, ORG, { limit: 10 })).map((d) => [d.eventId, d.state, d.attempts]),
            ).toEqual([
                ['tx-T-1', 'DELIVERED', 1],
                ['tx-T-2', 'DEAD', 8],
            ]);

            // only events after the upgrade are new deliveries; the old dead letter is replayable
            await applyChain(upgraded.db, 2, 2);
            await drain(dispatcher(() => upgraded.db));
            expect(receivedTrades(secret)).toEqual(['T-3']);
            expect(await replayDeliveries(hooks.store, ORG, {})).toBe(1);
            await drain(dispatcher(() => upgraded.db));
            expect(receivedTrades(secret)).toEqual(['T-3', 'T-2']);
        } finally {
            await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
            if (location.databaseUrl !== undefined) await dropPostgresReadModel(location.databaseUrl, location.name);
            rmSync(dataDir, { recursive: true, force: true });
        }
    }, 60_000);

    if (dialect === 'sqlite') {
        it('file mode keeps its key in the data directory, created 0600 on first use, and finds it again', async () => {
            const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-keyfile-'));
            try {
                const first = await openGatewayState({ dataDir });
                const created = await createSubscription(first.webhooks, ORG, { url: receiver.url }, 'a', OUTBOX_START);
                await first.close();
                expect(statSync(path.join(dataDir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);

                const again = await openGatewayState({ dataDir });
                const [row] = await again.webhooks.db.selectFrom('webhook_subscriptions').selectAll().execute();
                expect(
                    again.webhooks.box?.open(row?.secret_sealed ?? '', secretContext(ORG, created.subscriptionId)),
                ).toBe(created.secret);
                await again.close();
                await expect(openGatewayState({ dataDir, webhookSecretKey: randomBytes(32) })).rejects.toThrow(
                    /sealed under another key/,
                );
            } finally {
                rmSync(dataDir, { recursive: true, force: true });
            }
        }, 60_000);
    }

    if (dialect === 'postgres') {
        it('two instances on one PostgreSQL share the subscriptions; without the key, one holding any does not start', async () => {
            const model = await newTestModel('postgres');
            try {
                const second = await hooks.open();
                const created = await createSubscription(hooks.store, ORG, { url: receiver.url }, 'a', OUTBOX_START);
                expect((await listSubscriptions(second, ORG)).map((s) => s.subscriptionId)).toEqual([
                    created.subscriptionId,
                ]);
                // the second instance sends what the first one subscribed, signed with the same secret
                await applyChain(model.database.db, 0, 0);
                await drain(dispatcher(() => model.database.db, second));
                expect(receivedTrades(created.secret)).toEqual(['T-1']);

                const state = await openStateDatabase(postgresUrl(), hooks.where);
                try {
                    const keyless = await postgresWebhookStore(state.db, undefined, hooks.where);
                    await expect(requireWebhookKey(keyless, postgresUrl(), ['NoSuchOrg'])).rejects.toThrow(
                        /1 webhook subscription\(s\) but MPT_WEBHOOK_SECRET_KEY is not set/,
                    );
                    // file mode always has its key file
                    await expect(requireWebhookKey(keyless, undefined, ['NoSuchOrg'])).resolves.toBeUndefined();
                    expect(await deleteSubscription(second, ORG, created.subscriptionId)).toBe(true);
                    await expect(requireWebhookKey(keyless, postgresUrl(), ['NoSuchOrg'])).resolves.toBeUndefined();
                } finally {
                    await state.close();
                }
                expect(await listSubscriptions(hooks.store, ORG)).toEqual([]);
            } finally {
                await model.cleanup();
            }
        }, 60_000);
    }
});

/**
 * Turns a read model of this version back into one of version 5: the webhook tables as they were (a subscription with
 * its secret in plain text, a delivered and a dead delivery) and migration 0006 not run.
 */
async function makeOldReadModel(
    database: ReadModelDatabase,
    secret: string,
    url: string,
    createTables = true,
): Promise<void> {
    const db = database.db;
    if (createTables) {
        await sql`CREATE TABLE webhook_subscriptions (subscription_id text PRIMARY KEY, url text NOT NULL,
            secret text NOT NULL, event_types text, clusters text, created_by text NOT NULL, created_at text NOT NULL)`.execute(
            db,
        );
        await sql`CREATE TABLE webhook_deliveries (subscription_id text NOT NULL, event_id text NOT NULL,
            state text NOT NULL, attempts integer NOT NULL, next_attempt_at bigint NOT NULL, last_status integer,
            last_error text, updated_at text NOT NULL, PRIMARY KEY (subscription_id, event_id))`.execute(db);
        await sql`DELETE FROM kysely_migration WHERE name = '0006_events_webhooks_to_gateway_state'`.execute(db);
    }
    const at = '2026-11-01T00:00:00.000Z';
    await sql`INSERT INTO webhook_subscriptions VALUES ('sub_old', ${url}, ${secret}, NULL, NULL, 'admin1', ${at})`.execute(
        db,
    );
    await sql`INSERT INTO webhook_deliveries VALUES
        ('sub_old', 'tx-T-1', 'DELIVERED', 1, 0, 200, NULL, ${at}),
        ('sub_old', 'tx-T-2', 'DEAD', 8, 0, 500, 'receiver answered HTTP 500', ${at})`.execute(db);
}

async function tableExists(database: ReadModelDatabase, table: string): Promise<boolean> {
    const { rows } =
        database.dialect === 'sqlite'
            ? await sql<{
                  found: string | null;
              }>`SELECT name AS found FROM sqlite_master WHERE name = ${table}`.execute(database.db)
            : await sql<{ found: string | null }>`SELECT to_regclass(${table})::text AS found`.execute(database.db);
    return (rows[0]?.found ?? null) !== null;
}
