import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_JSON_DEPTH } from '../../../chaincode/src/lib/text';
import { ApiError } from './errors';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * How deeply the JSON text nests objects and arrays, read from the raw bytes without parsing (brackets inside
 * strings do not count). Counted before anything recursive (zod, the idempotency fingerprint, JSON.stringify)
 * touches the body, so a deep body is a 400 and never a stack overflow.
 */
export function jsonDepth(raw: Uint8Array): number {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    for (let i = 0; i < raw.length; i++) {
        const byte = raw[i];
        if (inString) {
            if (byte === BACKSLASH) i++;
            else if (byte === QUOTE) inString = false;
        } else if (byte === QUOTE) {
            inString = true;
        } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
            deepest = Math.max(deepest, ++depth);
        } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
            depth--;
        }
    }
    return deepest;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * express.json's `verify` hook, before parsing: JSON between systems is UTF-8 (RFC 8259 §8.1), so another charset
 * is a 415 and bytes that are not UTF-8 a 400 (the parser would silently store U+FFFD in their place); JSON nested
 * deeper than {@link MAX_JSON_DEPTH} is a 400.
 */
export function checkJsonBody(_req: IncomingMessage, _res: ServerResponse, raw: Buffer, encoding: string): void {
    if (encoding.toLowerCase() !== 'utf-8') {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the request body as UTF-8 JSON');
    }
    try {
        strictUtf8.decode(raw);
    } catch {
        throw new ApiError(400, 'INVALID', 'the request body is not valid UTF-8');
    }
    if (jsonDepth(raw) > MAX_JSON_DEPTH) {
        throw new ApiError(400, 'INVALID', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
}
