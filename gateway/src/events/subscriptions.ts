import { randomBytes } from 'node:crypto';
import type { DeliveryState, WebhookDeliveryTable, WebhookStore, WebhookSubscriptionTable } from '../state';
import { newWebhookSecret } from './signing';

/**
 * An org's webhook subscriptions and their deliveries, in the gateway's own state (docs/events.md): a rebuilt read
 * model loses none of them. Every function takes the org, and touches only that org's rows.
 */

export interface NewSubscription {
    readonly url: string;
    /** Event names to send; undefined: every event. */
    readonly eventTypes?: readonly string[] | undefined;
    /** Market clusters to send; undefined: every event, with or without a cluster. */
    readonly clusters?: readonly string[] | undefined;
}

export interface Subscription {
    readonly subscriptionId: string;
    readonly url: string;
    readonly eventTypes: string[] | null;
    readonly clusters: string[] | null;
    readonly createdBy: string;
    readonly createdAt: string;
}

/** A place in an org's outbox: events after it (by block, then transaction index) are later. */
export interface OutboxPosition {
    readonly block: number;
    readonly txIndex: number;
}

/** Before the first event of the chain. */
export const OUTBOX_START: OutboxPosition = { block: -1, txIndex: -1 };

/** The AES-GCM context of a subscription's secret: a sealed value moved onto another row does not open. */
export const secretContext = (org: string, subscriptionId: string): string => `webhook:${org}:${subscriptionId}`;

const listOrNull = (text: string | null): string[] | null => (text === null ? null : (JSON.parse(text) as string[]));

const subscriptionOf = (row: Omit<WebhookSubscriptionTable, 'secret_sealed'>): Subscription => ({
    subscriptionId: row.subscription_id,
    url: row.url,
    eventTypes: listOrNull(row.event_types),
    clusters: listOrNull(row.clusters),
    createdBy: row.created_by,
    createdAt: row.created_at,
});

/** Thrown when the store has no key to seal a new secret with (PostgreSQL mode without MPT_WEBHOOK_SECRET_KEY). */
export class WebhookKeyMissing extends Error {
    constructor() {
        super('no key to seal webhook secrets with: set MPT_WEBHOOK_SECRET_KEY');
        this.name = 'WebhookKeyMissing';
    }
}

/**
 * Files a subscription that receives the events after `after` (the outbox's end when it is made); the answer holds
 * its secret, which no later answer shows again and the store keeps only sealed.
 */
export async function createSubscription(
    store: WebhookStore,
    org: string,
    input: NewSubscription,
    createdBy: string,
    after: OutboxPosition,
): Promise<Subscription & { readonly secret: string }> {
    if (store.box === undefined) throw new WebhookKeyMissing();
    const subscriptionId = `sub_${randomBytes(12).toString('hex')}`;
    const secret = newWebhookSecret();
    const row: WebhookSubscriptionTable = {
        subscription_id: subscriptionId,
        org,
        url: input.url,
        secret_sealed: store.box.seal(secret, secretContext(org, subscriptionId)),
        event_types: input.eventTypes === undefined ? null : JSON.stringify([...new Set(input.eventTypes)]),
        clusters: input.clusters === undefined ? null : JSON.stringify([...new Set(input.clusters)]),
        created_by: createdBy,
        created_at: new Date().toISOString(),
        after_block: after.block,
        after_tx_index: after.txIndex,
    };
    await store.db.insertInto('webhook_subscriptions').values(row).execute();
    return { ...subscriptionOf(row), secret };
}

const SUBSCRIPTION_COLUMNS = [
    'subscription_id',
    'org',
    'url',
    'event_types',
    'clusters',
    'created_by',
    'created_at',
    'after_block',
    'after_tx_index',
] as const;

export async function listSubscriptions(store: WebhookStore, org: string): Promise<Subscription[]> {
    const rows = await store.db
        .selectFrom('webhook_subscriptions')
        .select(SUBSCRIPTION_COLUMNS)
        .where('org', '=', org)
        .orderBy('created_at')
        .orderBy('subscription_id')
        .execute();
    return rows.map(subscriptionOf);
}

/** Removes a subscription and its deliveries (pending ones are never sent); false when the org has none such. */
export async function deleteSubscription(store: WebhookStore, org: string, subscriptionId: string): Promise<boolean> {
    return store.db.transaction().execute(async (trx) => {
        const deleted = await trx
            .deleteFrom('webhook_subscriptions')
            .where('subscription_id', '=', subscriptionId)
            .where('org', '=', org)
            .executeTakeFirst();
        if (deleted.numDeletedRows === 0n) return false;
        await trx.deleteFrom('webhook_deliveries').where('subscription_id', '=', subscriptionId).execute();
        return true;
    });
}

export interface Delivery {
    readonly subscriptionId: string;
    readonly eventId: string;
    readonly type: string;
    readonly blockNumber: number;
    readonly state: DeliveryState;
    readonly attempts: number;
    /** When a PENDING delivery is next sent (ISO-8601); null once DELIVERED or DEAD. */
    readonly nextAttemptAt: string | null;
    readonly lastStatus: number | null;
    readonly lastError: string | null;
    readonly updatedAt: string;
}

const deliveryOf = (row: Omit<WebhookDeliveryTable, 'body' | 'org'>): Delivery => ({
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    type: row.type,
    blockNumber: row.block_number,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'PENDING' ? new Date(row.next_attempt_at).toISOString() : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    updatedAt: row.updated_at,
});

export interface DeliveryFilter {
    readonly state?: DeliveryState | undefined;
    readonly subscriptionId?: string | undefined;
    readonly limit: number;
}

/** The org's deliveries, oldest event first. */
export async function listDeliveries(store: WebhookStore, org: string, filter: DeliveryFilter): Promise<Delivery[]> {
    let query = store.db
        .selectFrom('webhook_deliveries')
        .select([
            'subscription_id',
            'event_id',
            'block_number',
            'tx_index',
            'type',
            'state',
            'attempts',
            'next_attempt_at',
            'last_status',
            'last_error',
            'updated_at',
        ])
        .where('org', '=', org);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.subscriptionId !== undefined) query = query.where('subscription_id', '=', filter.subscriptionId);
    const rows = await query
        .orderBy('block_number')
        .orderBy('tx_index')
        .orderBy('subscription_id')
        .limit(filter.limit)
        .execute();
    return rows.map(deliveryOf);
}

export interface ReplayTarget {
    readonly subscriptionId?: string | undefined;
    readonly eventId?: string | undefined;
}

/** Puts the org's DEAD deliveries (all, one subscription's, or one event's) back to PENDING with fresh attempts. */
export async function replayDeliveries(store: WebhookStore, org: string, target: ReplayTarget): Promise<number> {
    let query = store.db
        .updateTable('webhook_deliveries')
        .set({ state: 'PENDING', attempts: 0, next_attempt_at: 0, updated_at: new Date().toISOString() })
        .where('org', '=', org)
        .where('state', '=', 'DEAD');
    if (target.subscriptionId !== undefined) query = query.where('subscription_id', '=', target.subscriptionId);
    if (target.eventId !== undefined) query = query.where('event_id', '=', target.eventId);
    const updated = await query.executeTakeFirst();
    return Number(updated.numUpdatedRows);
}
