import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared per SQLite handle: the projector's statement shapes and the read side's queries. */
const CACHED_STATEMENTS = 1000;

/**
 * An SQLite handle for Kysely whose `prepare` answers a statement already prepared for the same SQL text: Kysely's
 * driver prepares every query it runs, which cost the projector 17 % of its CPU when each block had its own
 * statements. The least recently used statement is dropped past {@link CACHED_STATEMENTS}; a statement still
 * iterating (a streamed select) is never handed out twice, a fresh one is prepared instead.
 */
export function withPreparedStatements(database: SqliteDatabase.Database): KyselySqliteDatabase {
    const statements = new Map<string, SqliteDatabase.Statement>();
    return {
        close: (): void => {
            statements.clear();
            database.close();
        },
        prepare: (sql: string): SqliteDatabase.Statement => {
            const cached = statements.get(sql);
            if (cached !== undefined && !cached.busy) {
                // re-inserted: a Map iterates in insertion order, so its first key is the least recently used
                statements.delete(sql);
                statements.set(sql, cached);
                return cached;
            }
            const statement = database.prepare(sql);
            if (cached === undefined) {
                statements.set(sql, statement);
                const [oldest] = statements.keys();
                if (statements.size > CACHED_STATEMENTS && oldest !== undefined) statements.delete(oldest);
            }
            return statement;
        },
    };
}
