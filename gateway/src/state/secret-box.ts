import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { privateDir } from '../store/files';

/**
 * Seals stored secrets (webhook signing secrets, which HMAC needs in the clear, so they cannot be hashed) with
 * AES-256-GCM under a key kept apart from the rows: a dump of the database or the store file alone reveals none.
 * Each sealed value is bound to what it belongs to (`context`, e.g. the subscription's org and ID), so a value copied
 * onto another row does not open.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/** The key file of file mode, created 0600 in the data directory on first use. */
export const SECRET_KEY_FILE = 'webhook-secret.key';

export class SecretBoxError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'SecretBoxError';
    }
}

export class SecretBox {
    readonly #key: Buffer;

    constructor(key: Buffer) {
        if (key.length !== SECRET_KEY_BYTES) throw new SecretBoxError(`a secret key is ${SECRET_KEY_BYTES} bytes`);
        this.#key = key;
    }

    /** `v1.<base64 of IV, tag and ciphertext>`. */
    seal(plain: string, context: string): string {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
        cipher.setAAD(Buffer.from(context, 'utf8'));
        const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
        return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    }

    /** The plain value; {@link SecretBoxError} when it was sealed under another key or for another context. */
    open(sealed: string, context: string): string {
        const [version, data] = sealed.split('.', 2);
        if (version !== VERSION || data === undefined) throw new SecretBoxError('not a sealed secret');
        const bytes = Buffer.from(data, 'base64');
        if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('sealed secret is truncated');
        const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        try {
            return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
                'utf8',
            );
        } catch {
            throw new SecretBoxError('the secret was sealed under another key');
        }
    }
}

/** The 32-byte key of `MPT_WEBHOOK_SECRET_KEY` (base64 or hex); undefined when it is not one. */
export function secretKeyOf(text: string): Buffer | undefined {
    const hex = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : undefined;
    if (hex !== undefined) return hex;
    if (!/^[A-Za-z0-9+/]{43}=?$/.test(text)) return undefined;
    const key = Buffer.from(text, 'base64');
    return key.length === SECRET_KEY_BYTES ? key : undefined;
}

/** The key in `<dataDir>/webhook-secret.key`, created (0600, 32 random bytes) when missing. */
export function secretKeyIn(dataDir: string): Buffer {
    const file = path.join(privateDir(dataDir), SECRET_KEY_FILE);
    if (!existsSync(file)) {
        try {
            writeFileSync(file, randomBytes(SECRET_KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
        } catch (error) {
            // another process created it first: that one is the key
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
    }
    const key = secretKeyOf(readFileSync(file, 'utf8').trim());
    if (key === undefined) throw new SecretBoxError(`${file} does not hold a ${SECRET_KEY_BYTES}-byte base64 key`);
    return key;
}
