import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Kysely } from 'kysely';
import type { ReadModel } from '../projection';
import type { Logger } from '../ops/logger';
import type { SecretBox, WebhookStore } from '../state';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff';
import { fanOut } from './fan-out';
import { webhookHeaders } from './signing';
import { secretContext } from './subscriptions';
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
    /** Where the org's subscriptions and deliveries are kept. */
    readonly store: WebhookStore;
    /**
     * The org's read model, whose outbox new deliveries are made from; undefined while it is not open yet (deliveries
     * already made are still sent).
     */
    readonly readModel: () => Kysely<ReadModel> | undefined;
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

const MAX_ERROR_TEXT = 300;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends one org's PENDING webhook deliveries whose time has come, signed per Standard Webhooks. A 2xx answer makes a
 * delivery DELIVERED; anything else (another status, no answer in time, refused) is retried with exponential backoff
 * and jitter, and after the last attempt the delivery is DEAD until an admin replays it. Each round first makes the
 * deliveries of new outbox events (fan-out.ts). The state is in the gateway's own state, so a restart or a rebuilt
 * read model resumes where it stopped (a delivery sent just before a crash may be sent again: receivers deduplicate
 * on `webhook-id`); dispatchers of several instances on one database claim each delivery for one of them.
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
     * One round: makes the deliveries of the outbox's new events, claims the due ones, sends each once (at the same
     * time), answers how many were attempted. Claiming moves a delivery's next attempt to the end of a lease in one
     * conditional UPDATE (on PostgreSQL over rows locked `FOR UPDATE SKIP LOCKED`), so of several dispatchers on one
     * database only one sends it; the outcome is written only while that lease is still the claimer's, and a claimer
     * that dies mid-delivery leaves the row due again when its lease ends.
     */
    async deliverDue(): Promise<number> {
        const { org, store } = this.#options;
        const readModel = this.#options.readModel();
        if (readModel !== undefined) {
            // a read model that fails (being rebuilt, its database down) holds up new deliveries, not the made ones
            await fanOut(store, org, readModel, this.#now).catch((error: unknown) => {
                this.#options.logger.warn({ err: error, org }, 'making webhook deliveries from the outbox failed');
            });
        }
        const box = store.box;
        if (box === undefined) return 0;
        const now = this.#now();
        const lease = now + this.#leaseMs;
        let due = store.db
            .selectFrom('webhook_deliveries')
            .select(['subscription_id', 'event_id'])
            .where('org', '=', org)
            .where('state', '=', 'PENDING')
            .where('next_attempt_at', '<=', now)
            .orderBy('next_attempt_at')
            .orderBy('block_number')
            .orderBy('tx_index')
            .limit(this.#options.batch ?? 50);
        if (store.dialect === 'postgres') due = due.forUpdate().skipLocked();
        // materialized: a subquery in the UPDATE itself would be run again per row, each run skipping the rows the
        // previous ones locked, and claim far more than the batch
        const claimed = await store.db
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
        const deliveries = await store.db
            .selectFrom('webhook_deliveries as d')
            .innerJoin('webhook_subscriptions as s', 's.subscription_id', 'd.subscription_id')
            .select(['d.subscription_id', 'd.event_id', 'd.attempts', 'd.body', 's.url', 's.secret_sealed'])
            .where((eb) =>
                eb(
                    eb.refTuple('d.subscription_id', 'd.event_id'),
                    'in',
                    claimed.map((row) => eb.tuple(row.subscription_id, row.event_id)),
                ),
            )
            .execute();
        await Promise.all(deliveries.map((delivery) => this.#attempt(box, delivery, lease)));
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
        box: SecretBox,
        delivery: {
            subscription_id: string;
            event_id: string;
            attempts: number;
            body: string;
            url: string;
            secret_sealed: string;
        },
        lease: number,
    ): Promise<void> {
        const secret = box.open(delivery.secret_sealed, secretContext(this.#options.org, delivery.subscription_id));
        const headers = webhookHeaders(secret, delivery.event_id, Math.floor(this.#now() / 1000), delivery.body);
        const { status, error, refused } = await this.#send(delivery.url, headers, delivery.body);
        const attempts = delivery.attempts + 1;
        const wait = error === null || refused ? undefined : retryDelayMs(attempts, this.#policy, this.#options.random);
        const state = error === null ? 'DELIVERED' : wait === undefined ? 'DEAD' : 'PENDING';
        const written = await this.#options.store.db
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
