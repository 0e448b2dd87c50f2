import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import {
    caSecret,
    codeHash,
    newCode,
    type ClaimedEnrolment,
    type EnrolmentCodeStore,
    type NewEnrolment,
    type PendingEnrolment,
} from '../auth/enrolment-codes';
import type { GatewayStateTables } from './schema';

type CodeRow = Selectable<GatewayStateTables['enrolment_codes']>;

const PEPPER = 'enrolment-pepper';
/** A claim older than this was abandoned (its process died mid-redemption): the code may be redeemed again. */
const CLAIM_MS = 5 * 60 * 1000;

function pendingOf(row: CodeRow): PendingEnrolment {
    return {
        hash: row.hash,
        org: row.org,
        username: row.username,
        role: row.role,
        party: row.party,
        createdBy: row.created_by,
        createdAt: row.created_at,
        expiresAt: new Date(row.expires_ms).toISOString(),
    };
}

/**
 * The CA-secret pepper every instance must share (a code issued by one is redeemed at another): the first instance
 * stores it, taking the data directory's `enrolment-pepper` when there is one so its pending codes keep working.
 */
export async function sharedPepper(db: Kysely<GatewayStateTables>, filePepper: Buffer | undefined): Promise<Buffer> {
    const candidate = (filePepper ?? randomBytes(32)).toString('hex');
    await db
        .insertInto('secrets')
        .values({ name: PEPPER, value: candidate })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    const row = await db.selectFrom('secrets').select('value').where('name', '=', PEPPER).executeTakeFirstOrThrow();
    return Buffer.from(row.value, 'hex');
}

/**
 * Enrolment codes in PostgreSQL, shared by every gateway instance. A code is claimed by one conditional UPDATE, so of
 * two requests presenting it at once (on one instance or two) exactly one gets it.
 */
export class PgEnrolmentCodes implements EnrolmentCodeStore {
    readonly #db: Kysely<GatewayStateTables>;
    readonly #pepper: Buffer;
    readonly #ttlMs: number;
    readonly #now: () => number;

    constructor(db: Kysely<GatewayStateTables>, pepper: Buffer, options: { ttlMs?: number; now?: () => number } = {}) {
        this.#db = db;
        this.#pepper = pepper;
        this.#ttlMs = options.ttlMs ?? 72 * 3600 * 1000;
        this.#now = options.now ?? Date.now;
    }

    async issue(enrolment: NewEnrolment): Promise<{ code: string; secret: string; expiresAt: string }> {
        const code = newCode();
        const now = this.#now();
        const expiresMs = now + this.#ttlMs;
        await this.#db.transaction().execute(async (tx) => {
            await tx
                .deleteFrom('enrolment_codes')
                .where((eb) =>
                    eb.or([
                        eb.and([eb('org', '=', enrolment.org), eb('username', '=', enrolment.username)]),
                        eb('expires_ms', '<=', now),
                    ]),
                )
                .execute();
            await tx
                .insertInto('enrolment_codes')
                .values({
                    hash: codeHash(code),
                    org: enrolment.org,
                    username: enrolment.username,
                    role: enrolment.role,
                    party: enrolment.party,
                    created_by: enrolment.createdBy,
                    created_at: new Date(now).toISOString(),
                    expires_ms: expiresMs,
                    claimed_until_ms: null,
                })
                .execute();
        });
        return { code, secret: caSecret(this.#pepper, code), expiresAt: new Date(expiresMs).toISOString() };
    }

    async claim(code: string): Promise<ClaimedEnrolment | undefined> {
        const now = this.#now();
        const row = await this.#db
            .updateTable('enrolment_codes')
            .set({ claimed_until_ms: now + CLAIM_MS })
            .where('hash', '=', codeHash(code))
            .where('expires_ms', '>', now)
            .where((eb) => eb.or([eb('claimed_until_ms', 'is', null), eb('claimed_until_ms', '<', now)]))
            .returningAll()
            .executeTakeFirst();
        return row === undefined ? undefined : { ...pendingOf(row), secret: caSecret(this.#pepper, code) };
    }

    async release(code: string): Promise<void> {
        await this.#db
            .updateTable('enrolment_codes')
            .set({ claimed_until_ms: null })
            .where('hash', '=', codeHash(code))
            .execute();
    }

    async consume(code: string): Promise<void> {
        await this.#db.deleteFrom('enrolment_codes').where('hash', '=', codeHash(code)).execute();
    }

    async pendingFor(org: string, username: string): Promise<PendingEnrolment | undefined> {
        const row = await this.#db
            .selectFrom('enrolment_codes')
            .selectAll()
            .where('org', '=', org)
            .where('username', '=', username)
            .where('expires_ms', '>', this.#now())
            .executeTakeFirst();
        return row === undefined ? undefined : pendingOf(row);
    }

    async cancel(org: string, username: string): Promise<void> {
        await this.#db.deleteFrom('enrolment_codes').where('org', '=', org).where('username', '=', username).execute();
    }
}
