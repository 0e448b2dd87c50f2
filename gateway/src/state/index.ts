import { existsSync } from 'node:fs';
import path from 'node:path';
import { EnrolmentCodes, pepperIn, type EnrolmentCodeStore } from '../auth/enrolment-codes';
import { ApiKeyStore, type ApiKeys } from '../auth/key-store';
import type { ConsoleSessions } from '../console/session';
import { IdempotencyStore, type IdempotencyJournal } from '../idempotency/store';
import type { RateLimit, RateLimitOptions } from '../ops/rate-limit';
import { DEFAULT_STATE_SCHEMA, openStateDatabase } from './database';
import { PgApiKeys } from './pg-api-keys';
import { PgEnrolmentCodes, sharedPepper } from './pg-enrolment-codes';
import { PgIdempotencyJournal } from './pg-idempotency';
import { PgRateLimiter } from './pg-rate-limit';
import { PgSessions } from './pg-sessions';
import { SecretBox, secretKeyIn } from './secret-box';
import { openFileWebhookStore, postgresWebhookStore, type WebhookStore } from './webhook-store';

export { DEFAULT_STATE_SCHEMA, dropStateSchema, STATE_SCHEMA } from './database';
export { SecretBox, SecretBoxError, secretKeyIn, secretKeyOf, SECRET_KEY_FILE } from './secret-box';
export {
    openFileWebhookStore,
    postgresWebhookStore,
    subscriptionCount,
    WEBHOOK_STORE_FILE,
    WebhookKeyError,
    type WebhookStore,
} from './webhook-store';
export type { DeliveryState, WebhookDeliveryTable, WebhookSubscriptionTable, WebhookTables } from './webhook-tables';

/** Where the gateway keeps its own state (not the ledger's, not the read models'). */
export interface StateLocation {
    /** The data directory: the wallets, and in file mode the state too. */
    readonly dataDir: string;
    /** PostgreSQL: every kind of state lives there, shared by every instance; undefined: files, one process. */
    readonly databaseUrl?: string | undefined;
    /** The PostgreSQL schema of the state (default `gateway_state`). */
    readonly schema?: string;
    readonly enrolmentCodeTtlMs?: number;
    /** A console session unused this long ends. */
    readonly consoleIdleMs?: number;
    /**
     * `MPT_WEBHOOK_SECRET_KEY`: seals the webhook secrets. File mode without it uses `<dataDir>/webhook-secret.key`
     * (created 0600); PostgreSQL mode needs it once there are subscriptions (every instance the same).
     */
    readonly webhookSecretKey?: Buffer | undefined;
    readonly now?: () => number;
}

/**
 * The gateway's own state, each kind behind its interface. With PostgreSQL all of it is shared; in file mode the
 * rate limits and console sessions are left to the app's in-process defaults.
 */
export interface GatewayState {
    readonly keys: ApiKeys;
    readonly enrolmentCodes: EnrolmentCodeStore;
    readonly idempotencyStore: IdempotencyJournal;
    readonly rateLimits?: (name: string, options: RateLimitOptions) => RateLimit;
    readonly sessions?: ConsoleSessions;
    /** Webhook subscriptions and deliveries, with their secrets sealed. */
    readonly webhooks: WebhookStore;
    /** The data directory or `schema@host:port/database`, for logs. */
    readonly where: string;
    /** Removes expired records now and every `intervalMs` until the returned function is called. */
    pruneEvery(intervalMs: number, onError: (error: unknown) => void): () => void;
    close(): Promise<void>;
}

async function fileState(location: StateLocation): Promise<GatewayState> {
    const box = new SecretBox(location.webhookSecretKey ?? secretKeyIn(location.dataDir));
    const webhooks = await openFileWebhookStore(location.dataDir, box);
    const options = {
        ...(location.enrolmentCodeTtlMs === undefined ? {} : { ttlMs: location.enrolmentCodeTtlMs }),
        ...(location.now === undefined ? {} : { now: location.now }),
    };
    const idempotencyStore = new IdempotencyStore(location.dataDir);
    return {
        keys: new ApiKeyStore(location.dataDir),
        enrolmentCodes: new EnrolmentCodes(location.dataDir, options),
        idempotencyStore,
        webhooks,
        where: location.dataDir,
        pruneEvery: (intervalMs, onError) => idempotencyStore.pruneEvery(intervalMs, onError),
        close: () => webhooks.close(),
    };
}

async function postgresState(url: string, location: StateLocation): Promise<GatewayState> {
    const database = await openStateDatabase(url, location.schema ?? DEFAULT_STATE_SCHEMA);
    const now = location.now ?? Date.now;
    try {
        const keys = new PgApiKeys(database.db, () => new Date(now()));
        await keys.importOnce(new ApiKeyStore(location.dataDir).all());
        const pepperFile = path.join(location.dataDir, 'enrolment-pepper');
        const pepper = await sharedPepper(database.db, existsSync(pepperFile) ? pepperIn(pepperFile) : undefined);
        const idempotencyStore = new PgIdempotencyJournal(database.db, database.locks, { now });
        const limiters: PgRateLimiter[] = [];
        const webhooks = await postgresWebhookStore(database.db, location.webhookSecretKey, database.where);
        return {
            keys,
            enrolmentCodes: new PgEnrolmentCodes(database.db, pepper, {
                ...(location.enrolmentCodeTtlMs === undefined ? {} : { ttlMs: location.enrolmentCodeTtlMs }),
                now,
            }),
            idempotencyStore,
            rateLimits: (name, options): RateLimit => {
                const limiter = new PgRateLimiter(database.db, name, options);
                limiters.push(limiter);
                return limiter;
            },
            sessions: new PgSessions(database.db, location.consoleIdleMs ?? 30 * 60 * 1000, now),
            webhooks,
            where: database.where,
            pruneEvery: (intervalMs, onError): (() => void) => {
                const stopJournal = idempotencyStore.pruneEvery(intervalMs, onError);
                const timer = setInterval(() => {
                    for (const limiter of limiters) limiter.prune().catch(onError);
                }, intervalMs);
                timer.unref();
                return () => {
                    stopJournal();
                    clearInterval(timer);
                };
            },
            close: () => database.close(),
        };
    } catch (error) {
        await database.close();
        throw error;
    }
}

/** Opens the gateway's state: in PostgreSQL when `databaseUrl` is set, else in files of the data directory. */
export async function openGatewayState(location: StateLocation): Promise<GatewayState> {
    return location.databaseUrl === undefined ? fileState(location) : postgresState(location.databaseUrl, location);
}
