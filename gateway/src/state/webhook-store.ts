import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import { privateDir } from '../store/files';
import type { GatewayStateTables } from './schema';
import { SecretBox, SecretBoxError } from './secret-box';
import { createWebhookTables, type WebhookTables } from './webhook-tables';

/**
 * Where webhook subscriptions and deliveries are kept (docs/events.md, docs/gateway-state.md): the state schema of
 * PostgreSQL, shared by every instance, or in file mode `<data dir>/webhooks.sqlite` (deliveries are too many for a
 * JSON file rewritten whole; SQLite commits each change atomically).
 */
export interface WebhookStore {
    readonly db: Kysely<WebhookTables>;
    readonly dialect: 'sqlite' | 'postgres';
    /**
     * Seals and opens the subscriptions' secrets; undefined in PostgreSQL mode without `MPT_WEBHOOK_SECRET_KEY`
     * (then there are no subscriptions: the gateway refuses to start with some and no key, and refuses to make one).
     */
    readonly box: SecretBox | undefined;
    close(): Promise<void>;
}

export const WEBHOOK_STORE_FILE = 'webhooks.sqlite';

const KEY_CHECK = 'key-check';
const KEY_CHECK_TEXT = 'the key webhook secrets are sealed with';

/** Thrown at start when the store cannot be used with the key given: the message says what to set. */
export class WebhookKeyError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'WebhookKeyError';
    }
}

/**
 * Refuses a key other than the one the stored secrets were sealed with (another instance's, or a lost key file), at
 * start rather than at every delivery: the first key used leaves a sealed check value behind.
 */
export async function checkWebhookKey(db: Kysely<WebhookTables>, box: SecretBox, where: string): Promise<void> {
    await db
        .insertInto('webhook_settings')
        .values({ name: KEY_CHECK, value: box.seal(KEY_CHECK_TEXT, KEY_CHECK) })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    const row = await db
        .selectFrom('webhook_settings')
        .select('value')
        .where('name', '=', KEY_CHECK)
        .executeTakeFirstOrThrow();
    try {
        box.open(row.value, KEY_CHECK);
    } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        throw new WebhookKeyError(
            `the webhook secrets in ${where} were sealed under another key than this gateway's ` +
                '(MPT_WEBHOOK_SECRET_KEY, or the data directory’s webhook-secret.key): give every instance the same key',
        );
    }
}

/** How many subscriptions the store holds (a PostgreSQL gateway without a key refuses to start with any). */
export async function subscriptionCount(db: Kysely<WebhookTables>): Promise<number> {
    const row = await db
        .selectFrom('webhook_subscriptions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
    return Number(row.n);
}

const MIGRATIONS: Record<string, Migration> = { '0001_webhooks': { up: createWebhookTables } };
const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/**
 * Opens (creating) the file-mode store `<dataDir>/webhooks.sqlite`, migrated inside one BEGIN IMMEDIATE transaction,
 * and checks the key. `synchronous = FULL`: unlike a read model, this state cannot be re-read from the ledger.
 */
export async function openFileWebhookStore(dataDir: string, box: SecretBox): Promise<WebhookStore> {
    const file = path.join(privateDir(dataDir), WEBHOOK_STORE_FILE);
    const database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    const db = new Kysely<WebhookTables>({ dialect: new SqliteDialect({ database }) });
    try {
        database.exec('BEGIN IMMEDIATE');
        try {
            const { error } = await new Migrator({ db, provider }).migrateToLatest();
            if (error !== undefined) {
                throw error instanceof Error ? error : new Error('webhook store migration failed', { cause: error });
            }
            database.exec('COMMIT');
        } catch (error) {
            if (database.inTransaction) database.exec('ROLLBACK');
            throw error;
        }
        await checkWebhookKey(db, box, file);
    } catch (error) {
        await db.destroy();
        throw error;
    }
    return { db, dialect: 'sqlite', box, close: () => db.destroy() };
}

/**
 * The webhook store in PostgreSQL's state schema (its pool is the state's, closed with it). Without a key it can
 * neither seal nor open secrets: server.ts refuses to start when there are subscriptions to send.
 */
export async function postgresWebhookStore(
    state: Kysely<GatewayStateTables>,
    key: Buffer | undefined,
    where: string,
): Promise<WebhookStore> {
    // the webhook tables are some of the state's (GatewayStateTables extends WebhookTables); Kysely's table map is
    // invariant, so the narrower view is a cast
    const db = state as unknown as Kysely<WebhookTables>;
    const box = key === undefined ? undefined : new SecretBox(key);
    if (box !== undefined) await checkWebhookKey(db, box, where);
    return { db, dialect: 'postgres', box, close: () => Promise.resolve() };
}
