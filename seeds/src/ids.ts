import { createHash } from 'node:crypto';
import type { Rng } from './rng';

/** Identifier formats: USCC with its check character, ISO 6346 container numbers, customs entry numbers, dates. */

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

function alnumValue(ch: string): number {
    const code = ch.charCodeAt(0);
    return code <= 57 ? code - 48 : code - 55;
}

/** GB 11714 check character of an 8-character organisation code body. */
/** Sum of weight × value over the characters of an ASCII string. */
function weightedSum(text: string, value: (ch: string, i: number) => number): number {
    let sum = 0;
    for (let i = 0; i < text.length; i++) sum += value(text.charAt(i), i);
    return sum;
}

function orgCheck(body: string): string {
    const sum = weightedSum(body, (ch, i) => alnumValue(ch) * (ORG_WEIGHTS[i] ?? 0));
    const c = 11 - (sum % 11);
    return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** GB 32100-2015 check character of the first 17 characters of a USCC. */
export function usccCheck(first17: string): string {
    const sum = weightedSum(first17, (ch, i) => USCC_CHARS.indexOf(ch) * (USCC_WEIGHTS[i] ?? 0));
    return USCC_CHARS.charAt((31 - (sum % 31)) % 31);
}

/**
 * A unified social credit code: `92` (individual business) or `91` (enterprise), the county code, an
 * organisation code with its GB 11714 check, and the GB 32100 check character.
 */
export function uscc(rng: Rng, kind: 'individual' | 'enterprise', regionCode: string): string {
    let body = 'MA';
    for (let i = 0; i < 6; i++) body += rng.char(USCC_CHARS);
    const first17 = `${kind === 'individual' ? '92' : '91'}${regionCode}${body}${orgCheck(body)}`;
    return `${first17}${usccCheck(first17)}`;
}

const CONTAINER_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function containerLetterValue(ch: string): number {
    let value = 10;
    for (let i = 0; i < CONTAINER_LETTERS.length; i++) {
        if (value % 11 === 0) value++;
        if (CONTAINER_LETTERS.charAt(i) === ch) return value;
        value++;
    }
    throw new Error(`not a container letter: ${ch}`);
}

/** ISO 6346 check digit of owner code + category + 6-digit serial (10 characters). */
export function containerCheckDigit(first10: string): number {
    const sum = weightedSum(first10, (ch, i) => (/\d/.test(ch) ? Number(ch) : containerLetterValue(ch)) * 2 ** i);
    return (sum % 11) % 10;
}

export function containerNo(rng: Rng, owner: string): string {
    const first10 = `${owner}${rng.pattern('DDDDDD')}`;
    return `${first10}${containerCheckDigit(first10)}`;
}

/** 18-digit customs entry number: customs office (4), year (4), export flag 0... (1), serial (9) (assumption). */
export function declarationNo(customsOffice: string, year: string, serial: number): string {
    return `${customsOffice}${year}0${String(serial).padStart(9, '0')}`;
}

export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function sha256Hex(text: string): string {
    return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Dates as YYYY-MM-DD strings (UTC) --------------------------------------------------------------------

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
    return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export const compact = (date: string): string => date.replaceAll('-', '');

export function isCalendarDate(date: string): boolean {
    const parsed = new Date(`${date}T00:00:00.000Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}
