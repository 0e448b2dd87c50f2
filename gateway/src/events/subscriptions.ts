import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DeliveryState, ReadModel, WebhookDeliveryTable, WebhookSubscriptionTable } from '../projection';
import { newWebhookSecret } from './signing';

/** An org's webhook subscriptions and their deliveries, in that org's read model (docs/events.md). */

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

const listOrNull = (text: string | null): string[] | null => (text === null ? null : (JSON.parse(text) as string[]));

const subscriptionOf = (row: Omit<WebhookSubscriptionTable, 'secret'>): Subscription => ({
    subscriptionId: row.subscription_id,
    url: row.url,
    eventTypes: listOrNull(row.event_types),
    clusters: listOrNull(row.clusters),
    createdBy: row.created_by,
    createdAt: row.created_at,
});

/** Files a subscription; the answer holds its secret, which no later answer shows again. */
export async function createSubscription(
    db: Kysely<ReadModel>,
    input: NewSubscription,
    createdBy: string,
): Promise<Subscription & { readonly secret: string }> {
    const row: WebhookSubscriptionTable = {
        subscription_id: `sub_${randomBytes(12).toString('hex')}`,
        url: input.url,
        secret: newWebhookSecret(),
        event_types: input.eventTypes === undefined ? null : JSON.stringify([...new Set(input.eventTypes)]),
        clusters: input.clusters === undefined ? null : JSON.stringify([...new Set(input.clusters)]),
        created_by: createdBy,
        created_at: new Date().toISOString(),
    };
    await db.insertInto('webhook_subscriptions').values(row).execute();
    return { ...subscriptionOf(row), secret: row.secret };
}

const SUBSCRIPTION_COLUMNS = ['subscription_id', 'url', 'event_types', 'clusters', 'created_by', 'created_at'] as const;

export async function listSubscriptions(db: Kysely<ReadModel>): Promise<Subscription[]> {
    const rows = await db
        .selectFrom('webhook_subscriptions')
        .select(SUBSCRIPTION_COLUMNS)
        .orderBy('created_at')
        .orderBy('subscription_id')
        .execute();
    return rows.map(subscriptionOf);
}

/** Removes a subscription and its deliveries (pending ones are never sent); false when there was none. */
export async function deleteSubscription(db: Kysely<ReadModel>, subscriptionId: string): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('webhook_deliveries').where('subscription_id', '=', subscriptionId).execute();
        const deleted = await trx
            .deleteFrom('webhook_subscriptions')
            .where('subscription_id', '=', subscriptionId)
            .executeTakeFirst();
        return deleted.numDeletedRows > 0n;
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

const deliveryOf = (row: WebhookDeliveryTable & { type: string; block_number: number }): Delivery => ({
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

/** Deliveries, oldest event first. */
export async function listDeliveries(db: Kysely<ReadModel>, filter: DeliveryFilter): Promise<Delivery[]> {
    let query = db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('outbox as o', 'o.event_id', 'd.event_id')
        .selectAll('d')
        .select(['o.type', 'o.block_number']);
    if (filter.state !== undefined) query = query.where('d.state', '=', filter.state);
    if (filter.subscriptionId !== undefined) query = query.where('d.subscription_id', '=', filter.subscriptionId);
    const rows = await query
        .orderBy('o.block_number')
        .orderBy('o.tx_index')
        .orderBy('d.subscription_id')
        .limit(filter.limit)
        .execute();
    return rows.map(deliveryOf);
}

export interface ReplayTarget {
    readonly subscriptionId?: string | undefined;
    readonly eventId?: string | undefined;
}

/** Puts DEAD deliveries (all, one subscription's, or one event's) back to PENDING with a fresh set of attempts. */
export async function replayDeliveries(db: Kysely<ReadModel>, target: ReplayTarget): Promise<number> {
    let query = db
        .updateTable('webhook_deliveries')
        .set({ state: 'PENDING', attempts: 0, next_attempt_at: 0, updated_at: new Date().toISOString() })
        .where('state', '=', 'DEAD');
    if (target.subscriptionId !== undefined) query = query.where('subscription_id', '=', target.subscriptionId);
    if (target.eventId !== undefined) query = query.where('event_id', '=', target.eventId);
    const updated = await query.executeTakeFirst();
    return Number(updated.numUpdatedRows);
}
