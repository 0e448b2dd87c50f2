import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Awaitable } from '../store/awaitable';
import { privateDir, readJsonIfExists, writeJsonAtomic } from '../store/files';
import { GATEWAY_ROLES } from './principal';

const KeyRecordSchema = z.object({
    keyId: z.string(),
    /** SHA-256 (hex) of the whole API key; the key itself is never stored. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    org: z.string(),
    username: z.string(),
    role: z.enum(GATEWAY_ROLES),
    party: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    revokedAt: z.string().optional(),
    revokedReason: z.string().optional(),
});
export type ApiKeyRecord = z.infer<typeof KeyRecordSchema>;

const FileSchema = z.object({ version: z.literal(1), keys: z.array(KeyRecordSchema) });

const KEY_FORMAT = /^mpt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The key ID of a well-formed API key, or undefined. */
export const keyIdOf = (apiKey: string): string | undefined => KEY_FORMAT.exec(apiKey)?.[1];

/** A new API key and its record: the key itself is shown once and never stored. */
export function newApiKey(key: NewKey, now: Date): { apiKey: string; record: ApiKeyRecord } {
    const keyId = randomBytes(8).toString('hex');
    const apiKey = `mpt_${keyId}_${randomBytes(32).toString('base64url')}`;
    return { apiKey, record: { keyId, hash: sha256Hex(apiKey), ...key, createdAt: now.toISOString() } };
}

/** Whether a presented key is the one `record` was issued for and is still active. Constant-time compare. */
export function keyMatches(apiKey: string, record: ApiKeyRecord | undefined): record is ApiKeyRecord {
    if (record === undefined || record.revokedAt !== undefined) {
        return false;
    }
    return timingSafeEqual(Buffer.from(sha256Hex(apiKey), 'hex'), Buffer.from(record.hash, 'hex'));
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface NewKey {
    readonly org: string;
    readonly username: string;
    readonly role: ApiKeyRecord['role'];
    readonly party: string | null;
    readonly createdBy: string;
}

/**
 * The gateway's API keys: a file beside the wallets (one process, {@link ApiKeyStore}) or PostgreSQL (several
 * gateway instances, `state/pg-api-keys.ts`). A revocation is seen by the next `verify` of every instance.
 */
export interface ApiKeys {
    /** Makes a new key; the returned `apiKey` is the only copy there will ever be. */
    issue(key: NewKey): Awaitable<{ apiKey: string; record: ApiKeyRecord }>;
    /** The active record of a presented key, or undefined (unknown, malformed, revoked). */
    verify(apiKey: string): Awaitable<ApiKeyRecord | undefined>;
    get(keyId: string): Awaitable<ApiKeyRecord | undefined>;
    /** Active keys of one identity. */
    activeFor(org: string, username: string): Awaitable<ApiKeyRecord[]>;
    /** Revokes one key; returns false when it was unknown or already revoked. */
    revoke(keyId: string, reason: string): Awaitable<boolean>;
}

/** What identifies one version of the file: atomic writes rename a new inode into place. */
function versionOf(file: string): string {
    try {
        const stat = statSync(file, { bigint: true });
        return `${String(stat.ino)}:${String(stat.size)}:${String(stat.mtimeNs)}`;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return 'absent';
        }
        throw error;
    }
}

/**
 * API keys of the gateway: `mpt_<keyId>_<secret>`, stored as SHA-256 hashes only in `<dataDir>/api-keys.json`
 * (0600). Each key maps to one enrolled identity (org + username) of the gateway's wallets.
 *
 * The file is the truth, shared with `gateway:bootstrap` running beside a live gateway: every change re-reads it and
 * writes it back with only that change applied, and reads reload it whenever it changed (a cheap stat), so a
 * revocation made elsewhere takes effect at once and no writer drops another's keys.
 */
export class ApiKeyStore implements ApiKeys {
    readonly #file: string;
    #keys = new Map<string, ApiKeyRecord>();
    #version = '';
    readonly #now: () => Date;

    constructor(dataDir: string, now: () => Date = () => new Date()) {
        this.#file = path.join(privateDir(dataDir), 'api-keys.json');
        this.#now = now;
        this.#load();
    }

    issue(key: NewKey): { apiKey: string; record: ApiKeyRecord } {
        const { apiKey, record } = newApiKey(key, this.#now());
        this.#load();
        this.#keys.set(record.keyId, record);
        this.#save();
        return { apiKey, record };
    }

    verify(apiKey: string): ApiKeyRecord | undefined {
        const keyId = keyIdOf(apiKey);
        this.#refresh();
        const record = keyId === undefined ? undefined : this.#keys.get(keyId);
        return keyMatches(apiKey, record) ? record : undefined;
    }

    get(keyId: string): ApiKeyRecord | undefined {
        this.#refresh();
        return this.#keys.get(keyId);
    }

    activeFor(org: string, username: string): ApiKeyRecord[] {
        this.#refresh();
        return [...this.#keys.values()].filter(
            (r) => r.org === org && r.username === username && r.revokedAt === undefined,
        );
    }

    revoke(keyId: string, reason: string): boolean {
        this.#load();
        const record = this.#keys.get(keyId);
        if (record === undefined || record.revokedAt !== undefined) {
            return false;
        }
        this.#keys.set(keyId, { ...record, revokedAt: this.#now().toISOString(), revokedReason: reason });
        this.#save();
        return true;
    }

    /** Every record, revoked ones too (to move the keys into PostgreSQL). */
    all(): ApiKeyRecord[] {
        this.#refresh();
        return [...this.#keys.values()];
    }

    /** Reloads the file when another process (or store) has written it since this one last read or wrote it. */
    #refresh(): void {
        if (versionOf(this.#file) !== this.#version) {
            this.#load();
        }
    }

    #load(): void {
        const version = versionOf(this.#file);
        const stored = readJsonIfExists(this.#file);
        const keys = new Map<string, ApiKeyRecord>();
        if (stored !== undefined) {
            for (const record of FileSchema.parse(stored).keys) {
                keys.set(record.keyId, record);
            }
        }
        this.#keys = keys;
        this.#version = version;
    }

    #save(): void {
        writeJsonAtomic(this.#file, { version: 1, keys: [...this.#keys.values()] });
        this.#version = versionOf(this.#file);
    }
}
