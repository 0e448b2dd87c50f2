import type { Principal } from '../../auth/principal';
import {
    createSubscription,
    deleteSubscription,
    listDeliveries,
    listSubscriptions,
    replayDeliveries,
    WebhookUrlPolicy,
    WebhookUrlRefused,
} from '../../events';
import { ApiError } from '../../http/errors';
import { defineRoute, type AnyRoute } from '../../http/route';
import type { ReadModelHandle } from '../../worklists';
import type { ReadModels } from '../worklists/service';
import {
    CreatedSubscription,
    Deleted,
    DELIVERY_STATES,
    DeliveryList,
    DeliveryQuery,
    ReplayBody,
    ReplayResponse,
    SubscriptionBody,
    SubscriptionList,
    SubscriptionParams,
} from './schema';

const tag = 'events';
const roles = ['admin'] as const;

/** The admin's own org read model, where its subscriptions and deliveries are kept (never another org's). */
function modelOf(readModels: ReadModels | undefined, principal: Principal): ReadModelHandle {
    const database = readModels?.readModel(principal.org)?.database;
    if (database === undefined) {
        throw new ApiError(
            503,
            'READ_MODEL_UNAVAILABLE',
            `the read model of ${principal.org} is not available, and webhooks live there; retry later / ` +
                `${principal.org} 的读模型暂不可用（Webhook 存于其中），请稍后重试`,
            { headers: { 'retry-after': '5' } },
        );
    }
    return database;
}

const subscriptionMissing = (id: string): ApiError =>
    new ApiError(404, 'NOT_FOUND', `no webhook subscription ${id} in your org / 本机构没有 Webhook 订阅 ${id}`);

/** 400 for a URL the policy refuses (another scheme, a non-public address not allowed), before anything is stored. */
async function checkedUrl(urls: WebhookUrlPolicy, url: string): Promise<void> {
    try {
        await urls.checkSubscription(url);
    } catch (error) {
        if (error instanceof WebhookUrlRefused) throw new ApiError(400, 'INVALID', error.message);
        throw error;
    }
}

/**
 * An org admin's webhooks (docs/events.md): subscriptions, and the deliveries that failed for good. `urls`: where
 * deliveries may go (default: public addresses only).
 */
export function webhookRoutes(
    readModels: ReadModels | undefined,
    urls: WebhookUrlPolicy = new WebhookUrlPolicy(),
): AnyRoute[] {
    const errors = ['READ_MODEL_UNAVAILABLE'] as const;
    return [
        defineRoute({
            method: 'post',
            path: '/v1/webhooks/subscriptions',
            operationId: 'createWebhookSubscription',
            summary: "Subscribe an endpoint to the org's ledger events (Standard Webhooks)",
            description:
                "Every event of the org's own read model that passes the filters is POSTed to `url`, signed with " +
                'the secret in this answer (shown once): headers `webhook-id`, `webhook-timestamp`, ' +
                '`webhook-signature`. A delivery not answered 2xx is retried with exponential backoff, then DEAD. ' +
                'The URL must reach a public address unless MPT_WEBHOOK_ALLOWED_HOSTS allows its host (400 INVALID ' +
                'otherwise); each delivery checks the address again.',
            tag,
            roles,
            write: true,
            status: 201,
            body: SubscriptionBody,
            response: CreatedSubscription,
            replayAs: (body) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== 'secret')),
            errors,
            handle: async ({ principal, body }) => {
                const db = modelOf(readModels, principal).db;
                await checkedUrl(urls, body.url);
                return createSubscription(db, body, principal.username);
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/webhooks/subscriptions',
            operationId: 'listWebhookSubscriptions',
            summary: "The org's webhook subscriptions (without their secrets)",
            tag,
            roles,
            response: SubscriptionList,
            errors,
            handle: async ({ principal }) => ({ items: await listSubscriptions(modelOf(readModels, principal).db) }),
        }),
        defineRoute({
            method: 'delete',
            path: '/v1/webhooks/subscriptions/:subscriptionId',
            operationId: 'deleteWebhookSubscription',
            summary: 'Remove a webhook subscription and its deliveries',
            tag,
            roles,
            write: true,
            params: SubscriptionParams,
            response: Deleted,
            errors: [...errors, 'NOT_FOUND'],
            handle: async ({ principal, params }) => {
                const deleted = await deleteSubscription(modelOf(readModels, principal).db, params.subscriptionId);
                if (!deleted) throw subscriptionMissing(params.subscriptionId);
                return { deleted: true as const };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/webhooks/deliveries',
            operationId: 'listWebhookDeliveries',
            summary: 'Webhook deliveries: `state=dead` for those that failed every attempt',
            tag,
            roles,
            query: DeliveryQuery,
            response: DeliveryList,
            errors,
            handle: async ({ principal, query }) => ({
                items: await listDeliveries(modelOf(readModels, principal).db, {
                    state: query.state === undefined ? undefined : DELIVERY_STATES[query.state],
                    subscriptionId: query.subscriptionId,
                    limit: query.limit,
                }),
            }),
        }),
        defineRoute({
            method: 'post',
            path: '/v1/webhooks/deliveries/replay',
            operationId: 'replayWebhookDeliveries',
            summary: 'Send dead deliveries again: all, one subscription’s, or one event’s',
            tag,
            roles,
            write: true,
            body: ReplayBody,
            response: ReplayResponse,
            errors,
            handle: async ({ principal, body }) => ({
                replayed: await replayDeliveries(modelOf(readModels, principal).db, body),
            }),
        }),
    ];
}
