import type { Kysely } from 'kysely';
import { csrfOf, newToken, sessionIdHash, type ConsoleSessions, type Session } from '../console/session';
import type { GatewayStateTables } from './schema';

/**
 * Console sessions in PostgreSQL, shared by every gateway instance (a browser signed in through one is signed in on
 * all) and kept over restarts. Only the hash of the session ID is stored; the CSRF token is derived from the ID.
 */
export class PgSessions implements ConsoleSessions {
    readonly #db: Kysely<GatewayStateTables>;
    readonly #idleMs: number;
    readonly #now: () => number;

    constructor(db: Kysely<GatewayStateTables>, idleMs: number, now: () => number = Date.now) {
        this.#db = db;
        this.#idleMs = idleMs;
        this.#now = now;
    }

    async open(keyId: string): Promise<string> {
        const now = this.#now();
        await this.#db
            .deleteFrom('console_sessions')
            .where('last_seen_ms', '<', now - this.#idleMs)
            .execute();
        const id = newToken();
        await this.#db
            .insertInto('console_sessions')
            .values({ id_hash: sessionIdHash(id), key_id: keyId, last_seen_ms: now })
            .execute();
        return id;
    }

    async touch(id: string | undefined): Promise<Session | undefined> {
        if (id === undefined) return undefined;
        const now = this.#now();
        const idHash = sessionIdHash(id);
        const live = await this.#db
            .updateTable('console_sessions')
            .set({ last_seen_ms: now })
            .where('id_hash', '=', idHash)
            .where('last_seen_ms', '>=', now - this.#idleMs)
            .returning('key_id')
            .executeTakeFirst();
        if (live === undefined) {
            await this.#db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
            return undefined;
        }
        return { keyId: live.key_id, csrf: csrfOf(id) };
    }

    async live(id: string | undefined): Promise<Session | undefined> {
        if (id === undefined) return undefined;
        const found = await this.#db
            .selectFrom('console_sessions')
            .select('key_id')
            .where('id_hash', '=', sessionIdHash(id))
            .where('last_seen_ms', '>=', this.#now() - this.#idleMs)
            .executeTakeFirst();
        return found === undefined ? undefined : { keyId: found.key_id, csrf: csrfOf(id) };
    }

    async close(id: string | undefined): Promise<void> {
        if (id === undefined) return;
        await this.#db.deleteFrom('console_sessions').where('id_hash', '=', sessionIdHash(id)).execute();
    }
}
