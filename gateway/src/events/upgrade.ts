import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { schemaName, type ReadModel, type ReadModelDatabase } from '../projection';
import { subscriptionCount, WebhookKeyError, type WebhookStore } from '../state';
import { webhookBody } from './body';
import { outboxEnd } from './fan-out';
import { secretContext, WebhookKeyMissing } from './subscriptions';

/**
 * The one-time move of webhooks out of the read model (where versions up to migration 0005 kept them, and a rebuild
 * lost them) into the gateway's state. It runs when a read model is opened, before its migrations: migration 0006
 * drops the old tables and refuses to while a subscription is left in them.
 */

/** The read model's webhook tables before migration 0006 (secrets in plain text); a type, as `withTables` asks. */
type LegacyTables = {
    webhook_subscriptions: {
        subscription_id: string;
        url: string;
        secret: string;
        event_types: string | null;
        clusters: string | null;
        created_by: string;
        created_at: string;
    };
    webhook_deliveries: {
        subscription_id: string;
        event_id: string;
        state: 'PENDING' | 'DELIVERED' | 'DEAD';
        attempts: number;
        next_attempt_at: number;
        last_status: number | null;
        last_error: string | null;
        updated_at: string;
    };
};

/** Deliveries copied per step (one read-model query, one store statement). */
const DELIVERIES_PER_STEP = 200;

async function hasLegacyTables(database: ReadModelDatabase): Promise<boolean> {
    const { rows } =
        database.dialect === 'sqlite'
            ? await sql<{ found: string | null }>`
                SELECT name AS found FROM sqlite_master WHERE type = 'table' AND name = 'webhook_subscriptions'`.execute(
                  database.db,
              )
            : await sql<{ found: string | null }>`
                SELECT to_regclass('webhook_subscriptions')::text AS found`.execute(database.db);
    return (rows[0]?.found ?? null) !== null;
}

/**
 * Copies the subscriptions (their secrets sealed) and deliveries an old read model holds into the store, then empties
 * the old tables. Idempotent: a crash anywhere leaves the old rows, and the next start copies again (rows already in
 * the store are kept as they are). Each copied subscription's watermark is the outbox's end: the old projector made
 * every delivery in its block's transaction, so each event up to there has its delivery already. Answers how many
 * subscriptions were found.
 */
export async function copyLegacyWebhooks(
    database: ReadModelDatabase,
    org: string,
    store: WebhookStore,
): Promise<number> {
    if (!(await hasLegacyTables(database))) return 0;
    const legacy = database.db.withTables<LegacyTables>();
    const subscriptions = await legacy.selectFrom('webhook_subscriptions').selectAll().execute();
    if (subscriptions.length > 0) {
        const box = store.box;
        if (box === undefined) throw new WebhookKeyMissing();
        const end = await outboxEnd(database.db);
        await store.db
            .insertInto('webhook_subscriptions')
            .values(
                subscriptions.map((s) => ({
                    subscription_id: s.subscription_id,
                    org,
                    url: s.url,
                    secret_sealed: box.seal(s.secret, secretContext(org, s.subscription_id)),
                    event_types: s.event_types,
                    clusters: s.clusters,
                    created_by: s.created_by,
                    created_at: s.created_at,
                    after_block: end.block,
                    after_tx_index: end.txIndex,
                })),
            )
            .onConflict((oc) => oc.column('subscription_id').doNothing())
            .execute();
        await copyDeliveries(legacy, org, store);
    }
    await legacy.transaction().execute(async (trx) => {
        await trx.deleteFrom('webhook_deliveries').execute();
        await trx.deleteFrom('webhook_subscriptions').execute();
    });
    return subscriptions.length;
}

/** Every old delivery with the body it is sent with, in pages by key (memory stays bounded). */
async function copyDeliveries(
    legacy: Kysely<ReadModel & LegacyTables>,
    org: string,
    store: WebhookStore,
): Promise<void> {
    let after: { subscription: string; event: string } | undefined;
    for (;;) {
        let page = legacy
            .selectFrom('webhook_deliveries as d')
            .innerJoin('outbox as o', 'o.event_id', 'd.event_id')
            .selectAll('d')
            .select(['o.type', 'o.occurred_at', 'o.payload', 'o.block_number', 'o.tx_index', 'o.cluster_id'])
            .orderBy('d.subscription_id')
            .orderBy('d.event_id')
            .limit(DELIVERIES_PER_STEP);
        if (after !== undefined) {
            const { subscription, event } = after;
            page = page.where((eb) =>
                eb.or([
                    eb('d.subscription_id', '>', subscription),
                    eb.and([eb('d.subscription_id', '=', subscription), eb('d.event_id', '>', event)]),
                ]),
            );
        }
        const rows = await page.execute();
        const last = rows.at(-1);
        if (last === undefined) return;
        await store.db
            .insertInto('webhook_deliveries')
            .values(
                rows.map((row) => ({
                    subscription_id: row.subscription_id,
                    event_id: row.event_id,
                    org,
                    block_number: row.block_number,
                    tx_index: row.tx_index,
                    type: row.type,
                    body: webhookBody(row),
                    state: row.state,
                    attempts: row.attempts,
                    next_attempt_at: row.next_attempt_at,
                    last_status: row.last_status,
                    last_error: row.last_error,
                    updated_at: row.updated_at,
                })),
            )
            .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
            .execute();
        after = { subscription: last.subscription_id, event: last.event_id };
    }
}

/**
 * How many subscriptions the PostgreSQL read models of `orgs` still hold in their old tables (not copied yet): a
 * gateway without `MPT_WEBHOOK_SECRET_KEY` refuses to start with any, as it could not seal them.
 */
export async function legacySubscriptionsIn(databaseUrl: string, orgs: readonly string[]): Promise<number> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
        let count = 0;
        for (const org of orgs) {
            const table = `${schemaName(org)}.webhook_subscriptions`;
            const found = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
                table,
            ]);
            if ((found.rows[0]?.found ?? null) === null) continue;
            const rows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
            count += Number(rows.rows[0]?.n ?? 0);
        }
        return count;
    } finally {
        await client.end();
    }
}

/**
 * With PostgreSQL the key that seals webhook secrets must be given (every instance the same): a gateway without it
 * that holds subscriptions, in its state or still in an old read model, could not send them, so it does not start.
 */
export async function requireWebhookKey(
    store: WebhookStore,
    databaseUrl: string | undefined,
    orgs: readonly string[],
): Promise<void> {
    if (databaseUrl === undefined || store.box !== undefined) return;
    const held = (await subscriptionCount(store.db)) + (await legacySubscriptionsIn(databaseUrl, orgs));
    if (held === 0) return;
    throw new WebhookKeyError(
        `PostgreSQL holds ${held} webhook subscription(s) but MPT_WEBHOOK_SECRET_KEY is not set: give every gateway ` +
            'instance the same key (32 bytes, base64 or hex: `openssl rand -base64 32`) / PostgreSQL 中有 Webhook 订阅，' +
            '但未设置 MPT_WEBHOOK_SECRET_KEY：请为每个网关实例设置相同的密钥',
    );
}
