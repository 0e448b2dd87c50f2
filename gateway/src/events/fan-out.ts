import type { ExpressionBuilder, Kysely } from 'kysely';
import { subscriptionTakes, type OutboxTable, type ReadModel } from '../projection';
import type { WebhookDeliveryTable, WebhookStore } from '../state';
import { webhookBody } from './body';
import { OUTBOX_START, type OutboxPosition } from './subscriptions';

/** Outbox events read per step: each step is one transaction of the webhook store. */
const EVENTS_PER_STEP = 500;
/** Delivery rows per INSERT: well below SQLite's and PostgreSQL's bound-parameter limits at 13 columns. */
const ROWS_PER_INSERT = 200;

/** Where the outbox ends now (its last event), or {@link OUTBOX_START} when it holds none. */
export async function outboxEnd(readModel: Kysely<ReadModel>): Promise<OutboxPosition> {
    const last = await readModel
        .selectFrom('outbox')
        .select(['block_number', 'tx_index'])
        .orderBy('block_number', 'desc')
        .orderBy('tx_index', 'desc')
        .limit(1)
        .executeTakeFirst();
    return last === undefined ? OUTBOX_START : { block: last.block_number, txIndex: last.tx_index };
}

const isAfter = (event: Pick<OutboxTable, 'block_number' | 'tx_index'>, position: OutboxPosition): boolean =>
    event.block_number > position.block || (event.block_number === position.block && event.tx_index > position.txIndex);

/** The outbox events after `position`, as a Kysely filter (webhook fan-out and the event stream alike). */
export const afterPosition =
    (position: OutboxPosition) =>
    (eb: ExpressionBuilder<ReadModel, 'outbox'>): ReturnType<typeof eb.or> =>
        eb.or([
            eb('block_number', '>', position.block),
            eb.and([eb('block_number', '=', position.block), eb('tx_index', '>', position.txIndex)]),
        ]);

/**
 * Creates the deliveries of the org's outbox events that come after each subscription's watermark and advances the
 * watermark past them, both in one transaction of the webhook store: a crash leaves both or neither, so each event
 * gets its delivery once. Only the outbox is read from the read model, so a read model being rebuilt (its outbox
 * replayed from block 0) makes deliveries only for events past the watermarks: none twice, none lost. A watermark
 * moves only from the value read (another instance's fan-out, or a deletion, is not overwritten). Answers how many
 * deliveries were created.
 */
export async function fanOut(
    store: WebhookStore,
    org: string,
    readModel: Kysely<ReadModel>,
    now: () => number = Date.now,
): Promise<number> {
    let created = 0;
    for (;;) {
        const subscriptions = await store.db
            .selectFrom('webhook_subscriptions')
            .select(['subscription_id', 'event_types', 'clusters', 'after_block', 'after_tx_index'])
            .where('org', '=', org)
            .execute();
        if (subscriptions.length === 0) return created;
        const lowest = subscriptions
            .map((s) => ({ block: s.after_block, txIndex: s.after_tx_index }))
            .reduce((a, b) => (isAfter({ block_number: a.block, tx_index: a.txIndex }, b) ? b : a));
        const events = await readModel
            .selectFrom('outbox')
            .selectAll()
            .where(afterPosition(lowest))
            .orderBy('block_number')
            .orderBy('tx_index')
            .limit(EVENTS_PER_STEP)
            .execute();
        const last = events.at(-1);
        if (last === undefined) return created;
        const updatedAt = new Date(now()).toISOString();
        created += await store.db.transaction().execute(async (trx) => {
            const rows: WebhookDeliveryTable[] = [];
            for (const subscription of subscriptions) {
                const position = { block: subscription.after_block, txIndex: subscription.after_tx_index };
                if (!isAfter(last, position)) continue;
                const moved = await trx
                    .updateTable('webhook_subscriptions')
                    .set({ after_block: last.block_number, after_tx_index: last.tx_index })
                    .where('subscription_id', '=', subscription.subscription_id)
                    .where('after_block', '=', subscription.after_block)
                    .where('after_tx_index', '=', subscription.after_tx_index)
                    .executeTakeFirst();
                if (moved.numUpdatedRows === 0n) continue;
                for (const event of events) {
                    if (!isAfter(event, position) || !subscriptionTakes(subscription, event)) continue;
                    rows.push({
                        subscription_id: subscription.subscription_id,
                        event_id: event.event_id,
                        org,
                        block_number: event.block_number,
                        tx_index: event.tx_index,
                        type: event.type,
                        body: webhookBody(event),
                        state: 'PENDING',
                        attempts: 0,
                        next_attempt_at: 0,
                        last_status: null,
                        last_error: null,
                        updated_at: updatedAt,
                    });
                }
            }
            for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
                await trx
                    .insertInto('webhook_deliveries')
                    .values(rows.slice(i, i + ROWS_PER_INSERT))
                    .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
                    .execute();
            }
            return rows.length;
        });
        if (events.length < EVENTS_PER_STEP) return created;
    }
}
