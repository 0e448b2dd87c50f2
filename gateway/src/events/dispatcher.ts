import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PostgresAdapter, type Kysely } from 'kysely';
import type { ReadModel } from '../projection';
import type { Logger } from '../ops/logger';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff';
import { webhookHeaders } from './signing';
import { WebhookUrlPolicy, WebhookUrlRefused } from './url-policy';

/** Sends one request; answers the HTTP status, or throws when no answer came (refused, timed out). */
export type WebhookPost = (
    url: string,
    headers: Readonly<Record<string, string>>,
    body: string,
    timeoutMs: number,
) => Promise<number>;

/**
 * POSTs with node's http client, its DNS lookup guarded by the URL policy (so the address connected to is the one
 * checked); redirects are not followed.
 */
export function guardedPost(policy: WebhookUrlPolicy): WebhookPost {
    return (url, headers, body, timeoutMs) =>
        new Promise<number>((resolve, reject) => {
            const target = policy.checkUrl(url);
            const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
            const req = send(
                target,
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', ...headers },
                    lookup: policy.guardedLookup,
                    signal: AbortSignal.timeout(timeoutMs),
                },
                (res) => {
                    res.resume();
                    resolve(res.statusCode ?? 0);
                },
            );
            req.on('error', reject);
            req.end(body);
        });
}

export interface DispatcherOptions {
    readonly org: string;
    /** The org's read model; undefined while it is not open yet (the dispatcher waits). */
    readonly database: () => Kysely<ReadModel> | undefined;
    readonly logger: Logger;
    readonly policy?: RetryPolicy;
    /** How often due deliveries are looked for (default 1 s). */
    readonly pollMs?: number;
    /** How long a receiver may take to answer (default 10 s, then the attempt failed). */
    readonly timeoutMs?: number;
    /** Deliveries claimed and sent per round (default 50, sent at the same time). */
    readonly batch?: number;
    /**
     * How long a claimed delivery is this dispatcher's (default the timeout + 60 s): if the process dies mid-delivery,
     * another dispatcher sends it after that.
     */
    readonly leaseMs?: number;
    readonly now?: () => number;
    readonly random?: () => number;
    /** Where deliveries may go (default: public addresses only). */
    readonly urls?: WebhookUrlPolicy;
    /** Sends one delivery (default {@link guardedPost} of `urls`). */
    readonly post?: WebhookPost;
}

/** The webhook body: Standard Webhooks' `{type, timestamp, data}`, data being the chaincode event and where it is. */
export function webhookBody(event: {
    readonly event_id: string;
    readonly type: string;
    readonly occurred_at: string;
    readonly payload: string;
    readonly block_number: number;
    readonly cluster_id: string | null;
}): string {
    const payload = JSON.parse(event.payload) as Record<string, unknown>;
    return JSON.stringify({
        type: event.type,
        timestamp: event.occurred_at,
        data: { ...payload, eventId: event.event_id, blockNumber: event.block_number, clusterId: event.cluster_id },
    });
}

const MAX_ERROR_TEXT = 300;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends one org's PENDING webhook deliveries whose time has come, signed per Standard Webhooks. A 2xx answer makes a
 * delivery DELIVERED; anything else (another status, no answer in time, refused) is retried with exponential backoff
 * and jitter, and after the last attempt the delivery is DEAD until an admin replays it. The state is in the read
 * model, so a restart resumes where it stopped (a delivery sent just before a crash may be sent again: receivers
 * deduplicate on `webhook-id`); dispatchers of several instances on one database claim each delivery for one of them.
 */
export class WebhookDispatcher {
    readonly #options: DispatcherOptions;
    readonly #policy: RetryPolicy;
    readonly #now: () => number;
    readonly #urls: WebhookUrlPolicy;
    readonly #leaseMs: number;
    readonly #post: WebhookPost;
    #timer: NodeJS.Timeout | undefined;
    #round: Promise<void> | undefined;
    #stopped = false;

    constructor(options: DispatcherOptions) {
        this.#options = options;
        this.#policy = options.policy ?? DEFAULT_RETRY_POLICY;
        this.#now = options.now ?? Date.now;
        this.#urls = options.urls ?? new WebhookUrlPolicy();
        this.#leaseMs = options.leaseMs ?? (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 60_000;
        this.#post = options.post ?? guardedPost(this.#urls);
    }

    /** Looks for due deliveries every `pollMs` until {@link stop}. */
    start(): void {
        this.#stopped = false;
        this.#schedule();
    }

    /** Stops after the round in progress. */
    async stop(): Promise<void> {
        this.#stopped = true;
        clearTimeout(this.#timer);
        await this.#round;
    }

    #schedule(): void {
        if (this.#stopped) return;
        this.#timer = setTimeout(() => {
            this.#round = this.deliverDue()
                .then(() => undefined)
                .catch((error: unknown) => {
                    this.#options.logger.warn({ err: error, org: this.#options.org }, 'webhook round failed');
                })
                .finally(() => {
                    this.#schedule();
                });
        }, this.#options.pollMs ?? 1000);
    }

    /**
     * One round: claims the due deliveries, sends each once (at the same time), answers how many were attempted.
     * Claiming moves a delivery's next attempt to the end of a lease in one conditional UPDATE (on PostgreSQL over
     * rows locked `FOR UPDATE SKIP LOCKED`), so of several dispatchers on one database only one sends it; the
     * outcome is written only while that lease is still the claimer's, and a claimer that dies mid-delivery leaves
     * the row due again when its lease ends.
     */
    async deliverDue(): Promise<number> {
        const db = this.#options.database();
        if (db === undefined) return 0;
        const now = this.#now();
        const lease = now + this.#leaseMs;
        let due = db
            .selectFrom('webhook_deliveries as d')
            .innerJoin('outbox as o', 'o.event_id', 'd.event_id')
            .select(['d.subscription_id', 'd.event_id'])
            .where('d.state', '=', 'PENDING')
            .where('d.next_attempt_at', '<=', now)
            .orderBy('d.next_attempt_at')
            .orderBy('o.block_number')
            .orderBy('o.tx_index')
            .limit(this.#options.batch ?? 50);
        if (db.getExecutor().adapter instanceof PostgresAdapter) due = due.forUpdate(['d']).skipLocked();
        // materialized: a subquery in the UPDATE itself would be run again per row, each run skipping the rows the
        // previous ones locked, and claim far more than the batch
        const claimed = await db
            .with(
                (cte) => cte('due').materialized(),
                () => due,
            )
            .updateTable('webhook_deliveries')
            .set({ next_attempt_at: lease })
            .where((eb) =>
                eb(
                    eb.refTuple('subscription_id', 'event_id'),
                    'in',
                    eb
                        .selectFrom('due')
                        .select(['subscription_id', 'event_id'])
                        .$asTuple('subscription_id', 'event_id'),
                ),
            )
            .where('state', '=', 'PENDING')
            .where('next_attempt_at', '<=', now)
            .returning(['subscription_id', 'event_id'])
            .execute();
        if (claimed.length === 0) return 0;
        const deliveries = await db
            .selectFrom('webhook_deliveries as d')
            .innerJoin('outbox as o', 'o.event_id', 'd.event_id')
            .innerJoin('webhook_subscriptions as s', 's.subscription_id', 'd.subscription_id')
            .select([
                'd.subscription_id',
                'd.attempts',
                'o.event_id',
                'o.type',
                'o.occurred_at',
                'o.payload',
                'o.block_number',
                'o.cluster_id',
                's.url',
                's.secret',
            ])
            .where((eb) =>
                eb(
                    eb.refTuple('d.subscription_id', 'd.event_id'),
                    'in',
                    claimed.map((row) => eb.tuple(row.subscription_id, row.event_id)),
                ),
            )
            .execute();
        await Promise.all(deliveries.map((delivery) => this.#attempt(db, delivery, lease)));
        return deliveries.length;
    }

    /** One POST: its status, the error when it failed, and whether the URL policy refused it. */
    async #send(
        url: string,
        headers: Readonly<Record<string, string>>,
        body: string,
    ): Promise<{ status: number | null; error: string | null; refused: boolean }> {
        try {
            this.#urls.checkUrl(url);
            const status = await this.#post(url, headers, body, this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
            return {
                status,
                error: status >= 200 && status < 300 ? null : `receiver answered HTTP ${status}`,
                refused: false,
            };
        } catch (failure) {
            // a refused address is not retried: it stays refused until the allow-list changes and an admin replays
            const refused = failure instanceof WebhookUrlRefused;
            const text = failure instanceof Error ? failure.message : String(failure);
            return { status: null, error: (refused ? `refused: ${text}` : text).slice(0, MAX_ERROR_TEXT), refused };
        }
    }

    async #attempt(
        db: Kysely<ReadModel>,
        delivery: Parameters<typeof webhookBody>[0] & {
            subscription_id: string;
            attempts: number;
            url: string;
            secret: string;
        },
        lease: number,
    ): Promise<void> {
        const body = webhookBody(delivery);
        const headers = webhookHeaders(delivery.secret, delivery.event_id, Math.floor(this.#now() / 1000), body);
        const { status, error, refused } = await this.#send(delivery.url, headers, body);
        const attempts = delivery.attempts + 1;
        const wait = error === null || refused ? undefined : retryDelayMs(attempts, this.#policy, this.#options.random);
        const state = error === null ? 'DELIVERED' : wait === undefined ? 'DEAD' : 'PENDING';
        const written = await db
            .updateTable('webhook_deliveries')
            .set({
                state,
                attempts,
                next_attempt_at: wait === undefined ? 0 : this.#now() + wait,
                last_status: status,
                last_error: error,
                updated_at: new Date(this.#now()).toISOString(),
            })
            .where('subscription_id', '=', delivery.subscription_id)
            .where('event_id', '=', delivery.event_id)
            .where('state', '=', 'PENDING')
            .where('next_attempt_at', '=', lease)
            .executeTakeFirst();
        if (written.numUpdatedRows === 0n) {
            // the lease ran out and another dispatcher claimed the delivery: its outcome is the one kept
            this.#options.logger.warn(
                { org: this.#options.org, subscription: delivery.subscription_id, event: delivery.event_id },
                'webhook delivery outcome came after its lease; another dispatcher owns it now',
            );
            return;
        }
        if (state === 'DEAD') {
            this.#options.logger.warn(
                { org: this.#options.org, subscription: delivery.subscription_id, event: delivery.event_id, error },
                'webhook delivery is dead after its last attempt',
            );
        }
    }
}
