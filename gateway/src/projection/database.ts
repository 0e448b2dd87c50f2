import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations';
import type { ReadModel } from './schema';
import { withPreparedStatements } from './statements';

export type Dialect = 'sqlite' | 'postgres';

/** Where one organisation's read model lives. */
export interface ReadModelLocation {
    /** `postgres://…` for PostgreSQL; undefined for the embedded SQLite file. */
    readonly databaseUrl?: string;
    /** The gateway's data directory: SQLite files go to `<dataDir>/projection/<name>.sqlite`. */
    readonly dataDir: string;
    /** The organisation (or any name unique per read model): the SQLite file name or the PostgreSQL schema. */
    readonly name: string;
}

export interface ReadModelDatabase {
    readonly db: Kysely<ReadModel>;
    readonly dialect: Dialect;
    /** The file or `schema@host:port/database` (never the password), for logs. */
    readonly where: string;
    /** The PostgreSQL schema; undefined for SQLite. */
    readonly schema: string | undefined;
    close(): Promise<void>;
}

/** The PostgreSQL schema of a read model: one per organisation, so one server can hold every org's (apart). */
export function schemaName(name: string): string {
    return `projection_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
}

/**
 * int8 (block numbers, money in minor units) as a JS number: the ledger writes them as JSON numbers, so every value
 * is a safe integer already.
 */
export const pgTypes: pg.CustomTypesConfig = {
    getTypeParser: ((oid: Parameters<typeof pg.types.getTypeParser>[0], format?: 'text' | 'binary'): unknown =>
        oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function openPostgres(url: string, name: string): Promise<Opened> {
    const schema = schemaName(name);
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
        await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
        await setup.end();
    }
    const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}`, types: pgTypes });
    const db = new Kysely<ReadModel>({ dialect: new PostgresDialect({ pool }) });
    const target = new URL(url);
    return {
        db,
        dialect: 'postgres',
        where: `${schema}@${target.host}${target.pathname}`,
        schema,
        // in one transaction under PostgreSQL's advisory lock: Kysely's migrator does both there
        migrate: () => migrateToLatest(db as Kysely<unknown>, schema),
        close: () => db.destroy(),
    };
}

/** A read model just opened, with how to bring it to the latest version. */
type Opened = ReadModelDatabase & { readonly migrate: () => Promise<void> };

function openSqlite(dataDir: string, name: string): Opened {
    const dir = path.join(dataDir, 'projection');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${name}.sqlite`);
    const database = new SqliteDatabase(file);
    // WAL: readers never block the projector; NORMAL: a crash of the process never loses a commit (a power cut may
    // lose the last ones, which the projector then applies again from its checkpoint)
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    const db = new Kysely<ReadModel>({ dialect: new SqliteDialect({ database: withPreparedStatements(database) }) });
    return {
        db,
        dialect: 'sqlite',
        where: file,
        schema: undefined,
        close: () => db.destroy(),
        migrate: () => migrateSqlite(file, database, db),
    };
}

/** Migrations of SQLite files under way in this process, by file. */
const migrating = new Map<string, Promise<void>>();

/**
 * Kysely's migrator runs SQLite migrations outside a transaction and locks nothing between processes: here they run
 * in one BEGIN IMMEDIATE transaction (the file's write lock, so another process waits and then finds them done, and a
 * crash leaves the previous version), one handle of this process at a time (a second handle would wait for the lock
 * on the thread the first needs).
 */
function migrateSqlite(file: string, database: SqliteDatabase.Database, db: Kysely<ReadModel>): Promise<void> {
    const run = (migrating.get(file) ?? Promise.resolve())
        .catch(() => undefined)
        .then(async () => {
            database.exec('BEGIN IMMEDIATE');
            try {
                await migrateToLatest(db as Kysely<unknown>);
                database.exec('COMMIT');
            } catch (error) {
                if (database.inTransaction) database.exec('ROLLBACK');
                throw error;
            }
        });
    migrating.set(file, run);
    return run;
}

/**
 * Runs on a read model just opened, before its migrations: what must be moved out of a table a migration drops (the
 * old webhook tables, events/upgrade.ts).
 */
export type BeforeMigrate = (database: ReadModelDatabase) => Promise<void>;

/** Opens (creating when missing) one organisation's read model and migrates it to the latest version. */
export async function openReadModel(
    location: ReadModelLocation,
    beforeMigrate?: BeforeMigrate,
): Promise<ReadModelDatabase> {
    const opened =
        location.databaseUrl === undefined
            ? openSqlite(location.dataDir, location.name)
            : await openPostgres(location.databaseUrl, location.name);
    try {
        await beforeMigrate?.(opened);
        await opened.migrate();
    } catch (error) {
        await opened.close();
        throw error;
    }
    return {
        db: opened.db,
        dialect: opened.dialect,
        where: opened.where,
        schema: opened.schema,
        close: () => opened.close(),
    };
}

/** Drops a PostgreSQL read model (its schema); an SQLite read model is a file to delete. */
export async function dropPostgresReadModel(url: string, name: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
        await client.query(`DROP SCHEMA IF EXISTS ${schemaName(name)} CASCADE`);
    } finally {
        await client.end();
    }
}
