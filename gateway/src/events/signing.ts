import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of a random key;
 * each delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, `v1,` + base64 of
 * HMAC-SHA256 over `id.timestamp.body` with that key. Receivers verify it with the reference libraries.
 */

const SECRET_PREFIX = 'whsec_';

/** A new subscription secret: 32 random bytes (the specification asks for 24 to 64). */
export function newWebhookSecret(): string {
    return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** `v1,<base64 HMAC-SHA256 of id.timestamp.body>` under the key inside `secret`. */
export function signatureOf(secret: string, id: string, timestampSeconds: number, body: string): string {
    if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a webhook secret starts with whsec_');
    const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
    const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
    return `v1,${mac}`;
}

/** The three headers of one delivery attempt (the timestamp is the attempt's, as the specification says). */
export function webhookHeaders(
    secret: string,
    id: string,
    timestampSeconds: number,
    body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
    return {
        'webhook-id': id,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signatureOf(secret, id, timestampSeconds, body),
    };
}
