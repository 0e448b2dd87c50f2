import type { Generated } from 'kysely';
import type { WebhookTables } from './webhook-tables';

/**
 * The gateway's own state in PostgreSQL (one schema, `MPT_GATEWAY_STATE_SCHEMA`, apart from the read models'
 * `projection_<org>` schemas). Times the stores compute with are epoch milliseconds (int8).
 */
export interface GatewayStateTables extends WebhookTables {
    api_keys: {
        key_id: string;
        /** SHA-256 (hex) of the whole API key. */
        hash: string;
        org: string;
        username: string;
        role: string;
        party: string | null;
        created_at: string;
        created_by: string;
        revoked_at: string | null;
        revoked_reason: string | null;
    };
    enrolment_codes: {
        /** SHA-256 (hex) of the normalised code. */
        hash: string;
        org: string;
        username: string;
        role: string;
        party: string;
        created_by: string;
        created_at: string;
        expires_ms: number;
        /** Set while one request redeems the code; a claim older than this was abandoned (its process died). */
        claimed_until_ms: number | null;
    };
    /** Values every instance must share: the enrolment pepper, markers of one-time imports. */
    secrets: { name: string; value: string };
    idempotency: {
        scope: string;
        /** The record as JSON (idempotency/store.ts RecordSchema). */
        record: string;
        created_ms: number;
    };
    rate_buckets: {
        /** `<limit>:<client>`, e.g. `key:<keyId>` or `ip:<address>`. */
        bucket: string;
        tokens: number;
        at_ms: number;
        /** Whether the last take found a token: written and returned by the same UPDATE. */
        allowed: Generated<boolean>;
    };
    console_sessions: {
        /** SHA-256 (hex) of the session cookie's value. */
        id_hash: string;
        key_id: string;
        last_seen_ms: number;
    };
}
