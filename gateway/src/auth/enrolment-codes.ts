import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Awaitable } from '../store/awaitable';
import { privateDir, readJsonIfExists, writeJsonAtomic } from '../store/files';

const PendingSchema = z.object({
    /** SHA-256 (hex) of the normalised code; the code itself is never stored. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    org: z.string(),
    username: z.string(),
    role: z.string(),
    party: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
});
export type PendingEnrolment = z.infer<typeof PendingSchema>;

const FileSchema = z.object({ version: z.literal(1), pending: z.array(PendingSchema) });

/** Crockford's base32: no I, L, O or U, so a code read out or typed from paper is not mistaken. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 24; // 120 bits

/** Upper case, without the dashes and spaces people type, with the letters Crockford reads as digits. */
export function normaliseCode(code: string): string {
    return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** What a code is stored as: the SHA-256 (hex) of its normalised form. */
export const codeHash = (code: string): string =>
    createHash('sha256').update(normaliseCode(code), 'utf8').digest('hex');

/** The person's one-use secret at the org CA: an HMAC of the code under the gateway's pepper. */
export const caSecret = (pepper: Buffer, code: string): string =>
    createHmac('sha256', pepper).update(normaliseCode(code), 'utf8').digest('base64url');

export function newCode(): string {
    const bytes = randomBytes(CODE_CHARS);
    const chars = [...bytes].map((byte) => ALPHABET[byte % ALPHABET.length] ?? '0').join('');
    return chars.replace(/(.{4})(?!$)/g, '$1-');
}

export interface NewEnrolment {
    readonly org: string;
    readonly username: string;
    readonly role: string;
    readonly party: string;
    readonly createdBy: string;
}

/** A pending enrolment being redeemed, with the CA secret its code stands for. */
export type ClaimedEnrolment = PendingEnrolment & { readonly secret: string };

/**
 * Pending enrolment codes: a file beside the wallets (one process, {@link EnrolmentCodes}) or PostgreSQL (several
 * gateway instances, `state/pg-enrolment-codes.ts`). Either way a code is redeemed at most once, also when two
 * requests present it at the same moment.
 */
export interface EnrolmentCodeStore {
    /** A fresh code for a person (and its CA secret); any earlier pending code of the same person stops working. */
    issue(enrolment: NewEnrolment): Awaitable<{ code: string; secret: string; expiresAt: string }>;
    /**
     * Claims a code for redemption: the pending enrolment it stands for, with its CA secret; undefined when unknown,
     * redeemed, expired or being redeemed by another request. End the claim with `consume` or `release`.
     */
    claim(code: string): Awaitable<ClaimedEnrolment | undefined>;
    release(code: string): Awaitable<void>;
    consume(code: string): Awaitable<void>;
    pendingFor(org: string, username: string): Awaitable<PendingEnrolment | undefined>;
    cancel(org: string, username: string): Awaitable<void>;
}

/**
 * One-time enrolment codes: an onboarding official gets a code for a person, the person redeems it for their own API
 * key. Stored as SHA-256 hashes in `<dataDir>/enrolment-codes.json` (0600), at most one pending code per person,
 * each valid until it expires, is redeemed or the person is revoked. The person's one-use secret at the org CA is an
 * HMAC of the code under a key only this gateway holds (`enrolment-pepper`, 0600), so the code alone is worth nothing
 * at the CA: not before, not after it expired.
 */
export class EnrolmentCodes implements EnrolmentCodeStore {
    readonly #file: string;
    readonly #pepper: Buffer;
    readonly #ttlMs: number;
    readonly #now: () => number;
    /** Codes being redeemed right now: a second redemption of one code is refused before it reaches the CA. */
    readonly #claimed = new Set<string>();

    constructor(dataDir: string, options: { ttlMs?: number; now?: () => number } = {}) {
        const dir = privateDir(dataDir);
        this.#file = path.join(dir, 'enrolment-codes.json');
        this.#pepper = pepperIn(path.join(dir, 'enrolment-pepper'));
        this.#ttlMs = options.ttlMs ?? 72 * 3600 * 1000;
        this.#now = options.now ?? Date.now;
    }

    issue(enrolment: NewEnrolment): { code: string; secret: string; expiresAt: string } {
        const code = newCode();
        const now = this.#now();
        const expiresAt = new Date(now + this.#ttlMs).toISOString();
        const pending = this.#live().filter((p) => p.org !== enrolment.org || p.username !== enrolment.username);
        pending.push({ hash: codeHash(code), ...enrolment, createdAt: new Date(now).toISOString(), expiresAt });
        this.#save(pending);
        return { code, secret: this.#secretOf(code), expiresAt };
    }

    claim(code: string): ClaimedEnrolment | undefined {
        const hash = codeHash(code);
        if (this.#claimed.has(hash)) return undefined;
        const pending = this.#live().find((p) => p.hash === hash);
        if (pending === undefined) return undefined;
        this.#claimed.add(hash);
        return { ...pending, secret: this.#secretOf(code) };
    }

    release(code: string): void {
        this.#claimed.delete(codeHash(code));
    }

    consume(code: string): void {
        const hash = codeHash(code);
        this.#save(this.#live().filter((p) => p.hash !== hash));
        this.#claimed.delete(hash);
    }

    pendingFor(org: string, username: string): PendingEnrolment | undefined {
        return this.#live().find((p) => p.org === org && p.username === username);
    }

    cancel(org: string, username: string): void {
        this.#save(this.#live().filter((p) => p.org !== org || p.username !== username));
    }

    #secretOf(code: string): string {
        return caSecret(this.#pepper, code);
    }

    /** Pending codes that have not expired; expired ones are dropped at the next write. */
    #live(): PendingEnrolment[] {
        const stored = readJsonIfExists(this.#file);
        const pending = stored === undefined ? [] : FileSchema.parse(stored).pending;
        return pending.filter((p) => Date.parse(p.expiresAt) > this.#now());
    }

    #save(pending: PendingEnrolment[]): void {
        writeJsonAtomic(this.#file, { version: 1, pending });
    }
}

/** The gateway's key for CA secrets, made once (0600) and kept: the secrets of pending codes depend on it. */
export function pepperIn(file: string): Buffer {
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}
