import type { Kysely, Selectable } from 'kysely';
import { keyIdOf, keyMatches, newApiKey, type ApiKeyRecord, type ApiKeys, type NewKey } from '../auth/key-store';
import { GATEWAY_ROLES, type GatewayRole } from '../auth/principal';
import type { GatewayStateTables } from './schema';

type KeyRow = Selectable<GatewayStateTables['api_keys']>;

function roleOf(role: string): GatewayRole {
    const found = GATEWAY_ROLES.find((r) => r === role);
    if (found === undefined) throw new Error(`API key row with unknown role ${role}`);
    return found;
}

function recordOf(row: KeyRow): ApiKeyRecord {
    return {
        keyId: row.key_id,
        hash: row.hash,
        org: row.org,
        username: row.username,
        role: roleOf(row.role),
        party: row.party,
        createdAt: row.created_at,
        createdBy: row.created_by,
        ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
        ...(row.revoked_reason === null ? {} : { revokedReason: row.revoked_reason }),
    };
}

function rowOf(record: ApiKeyRecord): KeyRow {
    return {
        key_id: record.keyId,
        hash: record.hash,
        org: record.org,
        username: record.username,
        role: record.role,
        party: record.party,
        created_at: record.createdAt,
        created_by: record.createdBy,
        revoked_at: record.revokedAt ?? null,
        revoked_reason: record.revokedReason ?? null,
    };
}

/** Marks, in `secrets`, that the keys of the data directory's file were copied in (once, by the first instance). */
const FILE_KEYS_IMPORTED = 'imported:api-keys.json';

/**
 * API keys in PostgreSQL, shared by every gateway instance: each `verify` reads the row, so a key revoked through one
 * instance is refused by every other on its next request (no cache to invalidate).
 */
export class PgApiKeys implements ApiKeys {
    readonly #db: Kysely<GatewayStateTables>;
    readonly #now: () => Date;

    constructor(db: Kysely<GatewayStateTables>, now: () => Date = () => new Date()) {
        this.#db = db;
        this.#now = now;
    }

    /**
     * Copies keys kept so far in the data directory's file (`npm start`'s demo keys, say) into PostgreSQL, once: the
     * first instance started with PostgreSQL does it; later changes to the file are not looked at. Returns how many.
     */
    async importOnce(records: readonly ApiKeyRecord[]): Promise<number> {
        return this.#db.transaction().execute(async (tx) => {
            const first = await tx
                .insertInto('secrets')
                .values({ name: FILE_KEYS_IMPORTED, value: this.#now().toISOString() })
                .onConflict((oc) => oc.column('name').doNothing())
                .returning('name')
                .executeTakeFirst();
            if (first === undefined || records.length === 0) return 0;
            const inserted = await tx
                .insertInto('api_keys')
                .values(records.map(rowOf))
                .onConflict((oc) => oc.column('key_id').doNothing())
                .returning('key_id')
                .execute();
            return inserted.length;
        });
    }

    async issue(key: NewKey): Promise<{ apiKey: string; record: ApiKeyRecord }> {
        const issued = newApiKey(key, this.#now());
        await this.#db.insertInto('api_keys').values(rowOf(issued.record)).execute();
        return issued;
    }

    async verify(apiKey: string): Promise<ApiKeyRecord | undefined> {
        const keyId = keyIdOf(apiKey);
        const record = keyId === undefined ? undefined : await this.get(keyId);
        return keyMatches(apiKey, record) ? record : undefined;
    }

    async get(keyId: string): Promise<ApiKeyRecord | undefined> {
        const row = await this.#db.selectFrom('api_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
        return row === undefined ? undefined : recordOf(row);
    }

    async activeFor(org: string, username: string): Promise<ApiKeyRecord[]> {
        const rows = await this.#db
            .selectFrom('api_keys')
            .selectAll()
            .where('org', '=', org)
            .where('username', '=', username)
            .where('revoked_at', 'is', null)
            .orderBy('created_at')
            .execute();
        return rows.map(recordOf);
    }

    async revoke(keyId: string, reason: string): Promise<boolean> {
        const result = await this.#db
            .updateTable('api_keys')
            .set({ revoked_at: this.#now().toISOString(), revoked_reason: reason })
            .where('key_id', '=', keyId)
            .where('revoked_at', 'is', null)
            .executeTakeFirst();
        return result.numUpdatedRows > 0n;
    }
}
