import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Kysely } from 'kysely';
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
    /** Deliveries sent per round (default 50). */
    readonly batch?: number;
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

/**
 * Sends one org's PENDING webhook deliveries whose time has come, signed per Standard Webhooks. A 2xx answer makes a
 * delivery DELIVERED; anything else (another status, no answer in time, refused) is retried with exponential backoff
 * and jitter, and after the last attempt the delivery is DEAD until an admin replays it. The state is in the read
 * model, so a restart resumes where it stopped (a delivery sent just before a crash may be sent again: receivers
 * deduplicate on `webhook-id`).
 */
export class WebhookDispatcher {
    readonly #options: DispatcherOptions;
    readonly #policy: RetryPolicy;
    readonly #now: () => number;
    readonly #urls: WebhookUrlPolicy;
    readonly #post: WebhookPost;
    #timer: NodeJS.Timeout | undefined;
    #round: Promise<void> | undefined;
    #stopped = false;

    constructor(options: DispatcherOptions) {
        this.#options = options;
        this.#policy = options.policy ?? DEFAULT_RETRY_POLICY;
        this.#now = options.now ?? Date.now;
        this.#urls = options.urls ?? new WebhookUrlPolicy();
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

    /** One round: sends each due delivery once; answers how many were attempted. */
    async deliverDue(): Promise<number> {
        const db = this.#options.database();
        if (db === undefined) return 0;
        const due = await db
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
            .where('d.state', '=', 'PENDING')
            .where('d.next_attempt_at', '<=', this.#now())
            .orderBy('d.next_attempt_at')
            .orderBy('o.block_number')
            .orderBy('o.tx_index')
            .limit(this.#options.batch ?? 50)
            .execute();
        for (const delivery of due) {
            if (this.#stopped) break;
            await this.#attempt(db, delivery);
        }
        return due.length;
    }

    /** One POST: its status, the error when it failed, and whether the URL policy refused it. */
    async #send(
        url: string,
        headers: Readonly<Record<string, string>>,
        body: string,
    ): Promise<{ status: number | null; error: string | null; refused: boolean }> {
        try {
            this.#urls.checkUrl(url);
            const status = await this.#post(url, headers, body, this.#options.timeoutMs ?? 10_000);
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
    ): Promise<void> {
        const body = webhookBody(delivery);
        const headers = webhookHeaders(delivery.secret, delivery.event_id, Math.floor(this.#now() / 1000), body);
        const { status, error, refused } = await this.#send(delivery.url, headers, body);
        const attempts = delivery.attempts + 1;
        const wait = error === null || refused ? undefined : retryDelayMs(attempts, this.#policy, this.#options.random);
        const state = error === null ? 'DELIVERED' : wait === undefined ? 'DEAD' : 'PENDING';
        await db
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
            .execute();
        if (state === 'DEAD') {
            this.#options.logger.warn(
                { org: this.#options.org, subscription: delivery.subscription_id, event: delivery.event_id, error },
                'webhook delivery is dead after its last attempt',
            );
        }
    }
}
