import { z } from 'zod';
import { EVENT_NAMES } from '../../../../chaincode/src/vocabulary';

const EventType = z.enum(EVENT_NAMES);
const ClusterId = z.string().min(1).max(64);

export const SubscriptionBody = z.strictObject({
    url: z
        .url({ protocol: /^https?$/ })
        .max(2048)
        .describe('where deliveries are POSTed (http or https)'),
    eventTypes: z
        .array(EventType)
        .min(1)
        .max(EVENT_NAMES.length)
        .optional()
        .describe('chaincode event names to send; absent: every event'),
    clusters: z
        .array(ClusterId)
        .min(1)
        .max(100)
        .optional()
        .describe(
            'market clusters to send (events about records of another cluster, or of none, are not sent); absent: all',
        ),
});

export const Subscription = z.object({
    subscriptionId: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()).nullable(),
    clusters: z.array(z.string()).nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
});

export const CreatedSubscription = Subscription.extend({
    secret: z.string().describe('`whsec_…`: the signing secret, shown in this answer only; verify deliveries with it'),
});

export const SubscriptionList = z.object({ items: z.array(Subscription) });

export const SubscriptionParams = z.strictObject({ subscriptionId: z.string().min(1).max(64) });

export const Deleted = z.object({ deleted: z.literal(true) });

export const DELIVERY_STATES = { pending: 'PENDING', delivered: 'DELIVERED', dead: 'DEAD' } as const;

export const DeliveryQuery = z.strictObject({
    state: z.enum(['pending', 'delivered', 'dead']).optional(),
    subscriptionId: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const Delivery = z.object({
    subscriptionId: z.string(),
    eventId: z.string(),
    type: z.string(),
    blockNumber: z.number().int(),
    state: z.enum(['PENDING', 'DELIVERED', 'DEAD']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    updatedAt: z.string(),
});

export const DeliveryList = z.object({ items: z.array(Delivery) });

export const ReplayBody = z.strictObject({
    subscriptionId: z.string().min(1).max(64).optional().describe("only this subscription's dead deliveries"),
    eventId: z.string().min(1).max(128).optional().describe("only this event's dead deliveries"),
});

export const ReplayResponse = z.object({
    replayed: z.number().int().describe('dead deliveries put back to PENDING, with a fresh set of attempts'),
});
