import type { Principal } from '../../auth/principal';
import {
    createSubscription,
    deleteSubscription,
    listDeliveries,
    listSubscriptions,
    outboxEnd,
    replayDeliveries,
    WebhookUrlPolicy,
    WebhookUrlRefused,
    type OutboxPosition,
} from '../../events';
import { ApiError } from '../../http/errors';
import { defineRoute, type AnyRoute } from '../../http/route';
import type { WebhookStore } from '../../state';
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

/**
 * Where the admin's own org's events stand now: a new subscription receives those after it. The peer's height counts
 * too, so a subscription made while the read model catches up (after a rebuild) is not sent the events of the past.
 */
async function outboxNow(readModels: ReadModels | undefined, principal: Principal): Promise<OutboxPosition> {
    const model = readModels?.readModel(principal.org);
    const database = model?.database;
    if (model === undefined || database === undefined) {
        throw new ApiError(
            503,
            'READ_MODEL_UNAVAILABLE',
            `the read model of ${principal.org} is not available, and webhooks are sent from its events; retry later / ` +
                `${principal.org} 的读模型暂不可用（Webhook 由其事件发出），请稍后重试`,
            { headers: { 'retry-after': '5' } },
        );
    }
    const [end, status] = await Promise.all([outboxEnd(database.db), model.status()]);
    const peerEnd = status.peerHeight === null ? -1 : status.peerHeight;
    // (peer height, -1): every event of the blocks the peer held is before it
    return end.block >= peerEnd ? end : { block: peerEnd, txIndex: -1 };
}

/** The gateway's webhook store, which can seal a new secret; 409 when the deployment has no key for it. */
function storeOf(webhooks: WebhookStore | undefined, sealing = false): WebhookStore {
    if (webhooks === undefined || (sealing && webhooks.box === undefined)) {
        throw new ApiError(
            409,
            'PRECONDITION',
            'webhooks need a key to seal their secrets: with PostgreSQL set MPT_WEBHOOK_SECRET_KEY (the same on every ' +
                'gateway instance) / Webhook 密钥需加密保存：使用 PostgreSQL 时请在每个网关实例上设置相同的 MPT_WEBHOOK_SECRET_KEY',
        );
    }
    return webhooks;
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
    webhooks: WebhookStore | undefined,
    urls: WebhookUrlPolicy = new WebhookUrlPolicy(),
): AnyRoute[] {
    const errors = ['PRECONDITION'] as const;
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
            errors: [...errors, 'READ_MODEL_UNAVAILABLE'],
            handle: async ({ principal, body }) => {
                const store = storeOf(webhooks, true);
                await checkedUrl(urls, body.url);
                const after = await outboxNow(readModels, principal);
                return createSubscription(store, principal.org, body, principal.username, after);
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
            handle: async ({ principal }) => ({ items: await listSubscriptions(storeOf(webhooks), principal.org) }),
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
                const deleted = await deleteSubscription(storeOf(webhooks), principal.org, params.subscriptionId);
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
                items: await listDeliveries(storeOf(webhooks), principal.org, {
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
                replayed: await replayDeliveries(storeOf(webhooks), principal.org, body),
            }),
        }),
    ];
}
