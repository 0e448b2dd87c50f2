import { createHash } from 'node:crypto';

/** sha256(salt ‖ ":" ‖ value), hex: what goes on the channel so a holder of the value can prove it. */
export function saltedHash(salt: string, value: string): string {
    return createHash('sha256').update(`${salt}:${value}`, 'utf8').digest('hex');
}

export function sha256Hex(text: string): string {
    return createHash('sha256').update(text, 'utf8').digest('hex');
}
