/** Events out (docs/events.md): Standard Webhooks deliveries made from the read model's outbox. */
export { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff';
export { webhookBody } from './body';
export { guardedPost, WebhookDispatcher, type DispatcherOptions, type WebhookPost } from './dispatcher';
export { afterPosition, fanOut, outboxEnd } from './fan-out';
export { isAllowListEntry, WebhookUrlPolicy, WebhookUrlRefused } from './url-policy';
export { newWebhookSecret, signatureOf, webhookHeaders } from './signing';
export {
    createSubscription,
    deleteSubscription,
    listDeliveries,
    listSubscriptions,
    OUTBOX_START,
    replayDeliveries,
    secretContext,
    WebhookKeyMissing,
    type Delivery,
    type DeliveryFilter,
    type NewSubscription,
    type OutboxPosition,
    type ReplayTarget,
    type Subscription,
} from './subscriptions';
export { copyLegacyWebhooks, legacySubscriptionsIn, requireWebhookKey } from './upgrade';
