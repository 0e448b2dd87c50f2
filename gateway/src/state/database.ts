import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { pgTypes } from '../projection/database';
import type { GatewayStateTables } from './schema';
import { createWebhookTables } from './webhook-tables';

/** The gateway's state tables, opened and migrated; `locks` holds connections that keep advisory locks. */
export interface StateDatabase {
    readonly db: Kysely<GatewayStateTables>;
    readonly locks: pg.Pool;
    /** `schema@host:port/database` (never the password), for logs. */
    readonly where: string;
    close(): Promise<void>;
}

export const DEFAULT_STATE_SCHEMA = 'gateway_state';
export const STATE_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** Connections that may hold an idempotency lock at once: writes running on this instance beyond it wait. */
const LOCK_CONNECTIONS = 32;

/**
 * The state's migrations, in order; a shipped one never changes. Kysely's migrator runs them in one transaction
 * under an advisory lock, so two instances starting together migrate once.
 */
const MIGRATIONS: Record<string, Migration> = {
    '0001_gateway_state': {
        up: async (db: Kysely<unknown>): Promise<void> => {
            await db.schema
                .createTable('api_keys')
                .addColumn('key_id', 'text', (c) => c.primaryKey())
                .addColumn('hash', 'text', (c) => c.notNull())
                .addColumn('org', 'text', (c) => c.notNull())
                .addColumn('username', 'text', (c) => c.notNull())
                .addColumn('role', 'text', (c) => c.notNull())
                .addColumn('party', 'text')
                .addColumn('created_at', 'text', (c) => c.notNull())
                .addColumn('created_by', 'text', (c) => c.notNull())
                .addColumn('revoked_at', 'text')
                .addColumn('revoked_reason', 'text')
                .execute();
            await db.schema.createIndex('api_keys_identity').on('api_keys').columns(['org', 'username']).execute();
            await db.schema
                .createTable('enrolment_codes')
                .addColumn('hash', 'text', (c) => c.primaryKey())
                .addColumn('org', 'text', (c) => c.notNull())
                .addColumn('username', 'text', (c) => c.notNull())
                .addColumn('role', 'text', (c) => c.notNull())
                .addColumn('party', 'text', (c) => c.notNull())
                .addColumn('created_by', 'text', (c) => c.notNull())
                .addColumn('created_at', 'text', (c) => c.notNull())
                .addColumn('expires_ms', 'bigint', (c) => c.notNull())
                .addColumn('claimed_until_ms', 'bigint')
                .addUniqueConstraint('enrolment_codes_person', ['org', 'username'])
                .execute();
            await db.schema
                .createTable('secrets')
                .addColumn('name', 'text', (c) => c.primaryKey())
                .addColumn('value', 'text', (c) => c.notNull())
                .execute();
            await db.schema
                .createTable('idempotency')
                .addColumn('scope', 'text', (c) => c.primaryKey())
                .addColumn('record', 'text', (c) => c.notNull())
                .addColumn('created_ms', 'bigint', (c) => c.notNull())
                .execute();
            await db.schema.createIndex('idempotency_created').on('idempotency').column('created_ms').execute();
            await db.schema
                .createTable('rate_buckets')
                .addColumn('bucket', 'text', (c) => c.primaryKey())
                .addColumn('tokens', 'double precision', (c) => c.notNull())
                .addColumn('at_ms', 'bigint', (c) => c.notNull())
                .addColumn('allowed', 'boolean', (c) => c.notNull().defaultTo(sql`true`))
                .execute();
            await db.schema
                .createTable('console_sessions')
                .addColumn('id_hash', 'text', (c) => c.primaryKey())
                .addColumn('key_id', 'text', (c) => c.notNull())
                .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
                .execute();
            await db.schema
                .createIndex('console_sessions_seen')
                .on('console_sessions')
                .column('last_seen_ms')
                .execute();
        },
    },
    '0002_webhooks': { up: createWebhookTables },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** Two instances starting together may both try to create the schema: the loser finds it made. */
async function createSchema(url: string, schema: string): Promise<void> {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
        await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== '23505' && code !== '42P06') throw error;
    } finally {
        await setup.end();
    }
}

/** Opens the gateway's state in `schema` of the PostgreSQL at `url` (created when missing) and migrates it. */
export async function openStateDatabase(url: string, schema: string = DEFAULT_STATE_SCHEMA): Promise<StateDatabase> {
    if (!STATE_SCHEMA.test(schema)) throw new Error(`gateway state schema ${schema} is not a plain lower-case name`);
    await createSchema(url, schema);
    const options = `-c search_path=${schema}`;
    const pool = new pg.Pool({ connectionString: url, max: 8, options, types: pgTypes });
    const locks = new pg.Pool({ connectionString: url, max: LOCK_CONNECTIONS, options });
    const db = new Kysely<GatewayStateTables>({ dialect: new PostgresDialect({ pool }) });
    const close = async (): Promise<void> => {
        await Promise.all([db.destroy(), locks.end()]);
    };
    try {
        const { error } = await new Migrator({
            db,
            provider,
            migrationTableSchema: schema,
        }).migrateToLatest();
        if (error !== undefined) {
            throw error instanceof Error ? error : new Error('gateway state migration failed', { cause: error });
        }
    } catch (error) {
        await close();
        throw error;
    }
    const target = new URL(url);
    return { db, locks, where: `${schema}@${target.host}${target.pathname}`, close };
}

/** Drops the gateway's state (its schema): for tests. */
export async function dropStateSchema(url: string, schema: string): Promise<void> {
    if (!STATE_SCHEMA.test(schema)) throw new Error(`gateway state schema ${schema} is not a plain lower-case name`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
        await client.end();
    }
}
