import { sql, type SelectQueryBuilder } from 'kysely';

/**
 * Keyset (cursor) pagination, the one way every work list pages: rows are ordered by (sort column, primary key) and
 * the next page starts strictly after the last row's pair. A row inserted or changed between two pages therefore
 * never shifts, repeats or hides another (an offset would); it shows up on a later page if it sorts after the cursor.
 */

export type Direction = 'asc' | 'desc';
export type SortValue = string | number;

/** What a cursor holds: the sort it was made for and the last row's (sort value, primary key). */
export interface CursorPosition {
    readonly sort: string;
    readonly direction: Direction;
    readonly value: SortValue;
    readonly key: string;
}

export const MIN_LIMIT = 1;
export const MAX_LIMIT = 200;
export const DEFAULT_LIMIT = 50;

/** Opaque to clients: base64url of a small JSON array; its shape is not part of the API. */
export function encodeCursor(position: CursorPosition): string {
    const { sort, direction, value, key } = position;
    return Buffer.from(JSON.stringify([1, sort, direction, value, key]), 'utf8').toString('base64url');
}

function parseCursor(cursor: string): unknown {
    if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) return undefined;
    try {
        return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
        return undefined;
    }
}

/** The position a cursor holds; undefined when it is not one this gateway made. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
    const parsed = parseCursor(cursor);
    if (!Array.isArray(parsed) || parsed.length !== 5) return undefined;
    const [version, sort, direction, value, key] = parsed as unknown[];
    const validValue = typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
    const validDirection = direction === 'asc' || direction === 'desc';
    if (version !== 1 || typeof sort !== 'string' || typeof key !== 'string' || !validValue || !validDirection) {
        return undefined;
    }
    return { sort, direction, value, key };
}

/** One page request: the sort's column (never null), the table's primary key, and where the last page ended. */
export interface PageRequest {
    readonly sort: string;
    readonly sortColumn: string;
    readonly keyColumn: string;
    readonly direction: Direction;
    readonly limit: number;
    readonly after: CursorPosition | undefined;
}

export interface Page<Row> {
    readonly rows: Row[];
    /** Pass back as `cursor` for the next page; null on the last page. */
    readonly nextCursor: string | null;
}

/**
 * Runs `query` (filters and scope already applied) for one page: after the cursor, ordered by (sort column, key) in
 * the request's direction, one row more than the limit to know whether another page follows. The columns are
 * selected as `page_sort` and `page_key`, so the cursor is built from what the database compared.
 */
export async function keysetPage<DB, TB extends keyof DB, O>(
    query: SelectQueryBuilder<DB, TB, O>,
    request: PageRequest,
): Promise<Page<O>> {
    const sort = sql.ref(request.sortColumn);
    const key = sql.ref(request.keyColumn);
    const after = request.after;
    const bounded =
        after === undefined
            ? query
            : query.where(
                  request.direction === 'asc'
                      ? sql<boolean>`(${sort}, ${key}) > (${after.value}, ${after.key})`
                      : sql<boolean>`(${sort}, ${key}) < (${after.value}, ${after.key})`,
              );
    const rows = (await bounded
        .select([sql<SortValue>`${sort}`.as('page_sort'), sql<string>`${key}`.as('page_key')])
        .orderBy(sort, request.direction)
        .orderBy(key, request.direction)
        .limit(request.limit + 1)
        .execute()) as (O & { page_sort: SortValue; page_key: string })[];
    const more = rows.length > request.limit;
    const shown = more ? rows.slice(0, request.limit) : rows;
    const last = shown.at(-1);
    return {
        rows: shown,
        nextCursor:
            more && last !== undefined
                ? encodeCursor({
                      sort: request.sort,
                      direction: request.direction,
                      value: last.page_sort,
                      key: last.page_key,
                  })
                : null,
    };
}
