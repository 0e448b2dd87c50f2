import { sql, type Kysely } from 'kysely';

/**
 * Webhook subscriptions and their deliveries (docs/events.md), in the gateway's own state: the read model holds only
 * the outbox, which a rebuild replays, so nothing here is lost with it. The same tables live in PostgreSQL (the state
 * schema) and, in file mode, in `<data dir>/webhooks.sqlite`.
 */

export type DeliveryState = 'PENDING' | 'DELIVERED' | 'DEAD';

export interface WebhookSubscriptionTable {
    subscription_id: string;
    /** The org whose read model's events the subscription receives (its admin manages it). */
    org: string;
    url: string;
    /** `whsec_…` sealed with AES-256-GCM (state/secret-box.ts): the key is never stored beside it. */
    secret_sealed: string;
    /** JSON arrays; null takes every event type or cluster. */
    event_types: string | null;
    clusters: string | null;
    created_by: string;
    created_at: string;
    /**
     * The watermark: the outbox position (block, transaction index) up to which this subscription's deliveries have
     * been created. Only later events get one, so a rebuilt read model replaying its outbox sends nothing twice.
     */
    after_block: number;
    after_tx_index: number;
}

export interface WebhookDeliveryTable {
    subscription_id: string;
    event_id: string;
    org: string;
    /** Where the event is on the ledger: the order deliveries are listed and sent in. */
    block_number: number;
    tx_index: number;
    type: string;
    /** The JSON body sent (dispatcher.ts webhookBody): kept here so a delivery needs no read model to be sent. */
    body: string;
    state: DeliveryState;
    attempts: number;
    /** Epoch milliseconds: a PENDING delivery is sent once the clock passes it. */
    next_attempt_at: number;
    last_status: number | null;
    last_error: string | null;
    updated_at: string;
}

/** Values of the webhook store itself: the check that the configured key is the one the secrets were sealed with. */
export interface WebhookSettingTable {
    name: string;
    value: string;
}

export interface WebhookTables {
    webhook_subscriptions: WebhookSubscriptionTable;
    webhook_deliveries: WebhookDeliveryTable;
    webhook_settings: WebhookSettingTable;
}

/** Creates the webhook tables (a migration of the state schema, and of the file-mode SQLite store). */
export async function createWebhookTables(db: Kysely<unknown>): Promise<void> {
    await db.schema
        .createTable('webhook_subscriptions')
        .addColumn('subscription_id', 'text', (c) => c.primaryKey())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret_sealed', 'text', (c) => c.notNull())
        .addColumn('event_types', 'text')
        .addColumn('clusters', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('after_block', 'bigint', (c) => c.notNull())
        .addColumn('after_tx_index', 'integer', (c) => c.notNull())
        .execute();
    await db.schema.createIndex('webhook_subscriptions_org').on('webhook_subscriptions').column('org').execute();
    await db.schema
        .createTable('webhook_deliveries')
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('block_number', 'bigint', (c) => c.notNull())
        .addColumn('tx_index', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(sql`0`))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_deliveries_pk', ['subscription_id', 'event_id'])
        .execute();
    await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['state', 'next_attempt_at'])
        .execute();
    await db.schema
        .createIndex('webhook_deliveries_order')
        .on('webhook_deliveries')
        .columns(['org', 'block_number', 'tx_index'])
        .execute();
    await db.schema
        .createTable('webhook_settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
}
