import { invalid } from './errors';
import { HUMAN_TEXT, HUMAN_TEXT_HINT } from './text';

/**
 * A tiny strict argument parser: every transaction argument is JSON or a plain string, checked field by field,
 * unknown fields rejected, with an `INVALID:` message that names the offending path.
 */
export type Parser<T> = (value: unknown, path: string) => T;

type Output<P> = P extends Parser<infer T> ? T : never;
type Shape = Record<string, Parser<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: undefined extends Output<S[K]> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Output<S[K]> ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = { -readonly [K in RequiredKeys<S>]: Output<S[K]> } & {
    -readonly [K in OptionalKeys<S>]?: Output<S[K]>;
};

function describe(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'array';
    return typeof value;
}

export interface StringOptions {
    readonly pattern?: RegExp;
    readonly min?: number;
    readonly max?: number;
    readonly hint?: string;
}

export function str(options: StringOptions = {}): Parser<string> {
    const { pattern, min = 1, max = 256, hint } = options;
    return (value, path) => {
        if (typeof value !== 'string') throw invalid(`${path} must be a string, got ${describe(value)}`);
        if (value.length < min || value.length > max) {
            throw invalid(`${path} must be ${min}..${max} characters long`);
        }
        if (pattern !== undefined && !pattern.test(value)) {
            throw invalid(`${path} ${hint ?? `must match ${pattern.source}`}`);
        }
        return value;
    };
}

export interface IntOptions {
    readonly min?: number;
    readonly max?: number;
}

/** Safe integers only; money is always integer minor units. */
export function int(options: IntOptions = {}): Parser<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    return (value, path) => {
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
            throw invalid(`${path} must be an integer, got ${describe(value)}`);
        }
        if (value < min || value > max) throw invalid(`${path} must be between ${min} and ${max}`);
        return value;
    };
}

export const bool: Parser<boolean> = (value, path) => {
    if (typeof value !== 'boolean') throw invalid(`${path} must be true or false, got ${describe(value)}`);
    return value;
};

export function oneOf<T extends string>(values: readonly T[]): Parser<T> {
    return (value, path) => {
        if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
            throw invalid(`${path} must be one of ${values.join(', ')}`);
        }
        return value as T;
    };
}

export interface ArrayOptions {
    readonly min?: number;
    readonly max?: number;
}

export function arrayOf<T>(item: Parser<T>, options: ArrayOptions = {}): Parser<T[]> {
    const { min = 0, max = 1000 } = options;
    return (value, path) => {
        if (!Array.isArray(value)) throw invalid(`${path} must be an array, got ${describe(value)}`);
        if (value.length < min || value.length > max) {
            throw invalid(`${path} must have ${min}..${max} items, got ${value.length}`);
        }
        return value.map((element, index) => item(element, `${path}[${index}]`));
    };
}

export function optional<T>(inner: Parser<T>): Parser<T | undefined> {
    return (value, path) => (value === undefined ? undefined : inner(value, path));
}

export function object<S extends Shape>(shape: S): Parser<ObjectOf<S>> {
    return (value, path) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            throw invalid(`${path} must be an object, got ${describe(value)}`);
        }
        const input = value as Record<string, unknown>;
        const unknownKeys = Object.keys(input).filter((key) => !Object.hasOwn(shape, key));
        if (unknownKeys.length > 0) throw invalid(`${path} has unknown field(s): ${unknownKeys.sort().join(', ')}`);
        const out: Record<string, unknown> = {};
        for (const [key, parse] of Object.entries(shape)) {
            const parsed = parse(input[key], `${path}.${key}`);
            if (parsed !== undefined) out[key] = parsed;
        }
        return out as ObjectOf<S>;
    };
}

/** Parses a JSON transaction argument with the given parser; `name` is the argument name used in messages. */
export function parseJson<T>(raw: string, parser: Parser<T>, name: string): T {
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        throw invalid(`${name} is not valid JSON`);
    }
    return parser(value, name);
}

/** Parses a plain string argument. */
export function parseArg<T>(raw: string, parser: Parser<T>, name: string): T {
    return parser(raw, name);
}

// Common field shapes.
export const ID = str({
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    max: 64,
    hint: 'must be 1..64 of A-Z a-z 0-9 . _ -',
});
const DATE_SHAPE = str({ pattern: /^\d{4}-\d{2}-\d{2}$/, max: 10, hint: 'must be a date YYYY-MM-DD' });
export const DATE: Parser<string> = (value, path) => {
    const date = DATE_SHAPE(value, path);
    const parsed = new Date(`${date}T00:00:00.000Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
        throw invalid(`${path} is not a calendar date`);
    }
    return date;
};
export const HS_CODE = str({ pattern: /^\d{10}$/, max: 10, hint: 'must be a 10-digit HS code' });
export const CURRENCY = str({ pattern: /^[A-Z]{3}$/, max: 3, hint: 'must be an ISO 4217 code such as USD' });
export const COUNTRY = str({ pattern: /^[A-Z]{2}$/, max: 2, hint: 'must be an ISO 3166 alpha-2 code' });
export const SHA256 = str({ pattern: /^[0-9a-f]{64}$/, max: 64, hint: 'must be 64 lowercase hex characters' });
/** Human text (names, remarks, reasons) under the shared text rule (./text.ts), as the gateway checks it too. */
export const text = (max: number): Parser<string> => str({ max, pattern: HUMAN_TEXT, hint: HUMAN_TEXT_HINT });
export const TEXT = text(500);
export const NAME = text(200);
export const REASON = text(500);
export const PAGE_SIZE = int({ min: 1, max: 500 });
export const DECL_NO = str({ pattern: /^\d{18}$/, max: 18, hint: 'must be the 18-digit customs entry number' });

const PAGE_SIZE_ARG = /^[1-9][0-9]{0,2}$/;

/** A page size given as plain digits (\`"50"\`): 1..500. */
export function parsePageSize(raw: string): number {
    if (!PAGE_SIZE_ARG.test(raw) || Number(raw) > 500) throw invalid('pageSize must be an integer between 1 and 500');
    return Number(raw);
}
