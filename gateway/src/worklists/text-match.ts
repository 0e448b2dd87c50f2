import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../projection/database';

/** Record numbers (tradeNo, declNo, party IDs): the characters the ledger allows in an ID. */
export const ID_TEXT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `text` for a LIKE pattern: `\`, `%` and `_` stand for themselves (used with ESCAPE '\'). */
export function escapeLike(text: string): string {
    return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `column` starts with `prefix` (an {@link ID_TEXT}), exactly and case-sensitively, so the column's index serves it:
 * SQLite's GLOB uses a BINARY index for a literal prefix (its LIKE is case-insensitive and would not), PostgreSQL's
 * LIKE uses a btree under the C collation (or a `text_pattern_ops` index).
 */
export function startsWith(dialect: Dialect, column: string, prefix: string): RawBuilder<SqlBool> {
    if (!ID_TEXT.test(prefix)) throw new Error('a prefix search needs an ID');
    return dialect === 'sqlite'
        ? sql<SqlBool>`${sql.ref(column)} GLOB ${`${prefix}*`}`
        : sql<SqlBool>`${sql.ref(column)} LIKE ${`${escapeLike(prefix)}%`} ESCAPE '\\'`;
}

/**
 * `column` contains `text` anywhere, ignoring ASCII case; Chinese and any other characters match as they are
 * (SQLite's LIKE and PostgreSQL's ILIKE both compare code points). A substring search reads every row of the
 * (small) parties table; see docs/read-side.md.
 */
export function contains(dialect: Dialect, column: string, text: string): Expression<SqlBool> {
    const pattern = `%${escapeLike(text)}%`;
    return dialect === 'sqlite'
        ? sql<SqlBool>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`
        : sql<SqlBool>`${sql.ref(column)} ILIKE ${pattern} ESCAPE '\\'`;
}
