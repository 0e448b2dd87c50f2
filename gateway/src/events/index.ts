/** Events out (docs/events.md): Standard Webhooks deliveries from the read model's outbox. */
export { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff';
export { guardedPost, WebhookDispatcher, webhookBody, type DispatcherOptions, type WebhookPost } from './dispatcher';
export { isAllowListEntry, WebhookUrlPolicy, WebhookUrlRefused } from './url-policy';
export { newWebhookSecret, signatureOf, webhookHeaders } from './signing';
export {
    createSubscription,
    deleteSubscription,
    listDeliveries,
    listSubscriptions,
    replayDeliveries,
    type Delivery,
    type DeliveryFilter,
    type NewSubscription,
    type ReplayTarget,
    type Subscription,
} from './subscriptions';
