import type { Context } from 'fabric-contract-api';
import { invalid } from '../lib/errors';
import type { StoredRecord } from '../model/records';
import { asRecord, decode } from './records';

export interface Page<T> {
    readonly items: T[];
    /** Pass back to get the next page; empty when there is none. */
    readonly bookmark: string;
    readonly fetched: number;
}

export interface KeyEntry {
    readonly key: string;
    readonly attributes: string[];
    readonly value: Uint8Array;
}

/**
 * One page of keys under a partial composite key. Fabric allows paginated queries only in read-only
 * transactions, so write transactions use {@link scanAll} on small, bounded key sets instead.
 *
 * A peer starts the range scan at a non-empty bookmark without checking that it lies inside the partial key's
 * range (it keeps only the end key), so a crafted bookmark would read every key between it and the end of the
 * caller's range: other owners, other indexes. Every bookmark a scan hands out starts with the scanned prefix,
 * so anything else is refused here, once for every list.
 */
export async function scanPage(
    ctx: Context,
    objectType: string,
    attributes: readonly string[],
    pageSize: number,
    bookmark: string,
): Promise<Page<KeyEntry>> {
    if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 500) {
        throw invalid('pageSize must be an integer between 1 and 500');
    }
    if (bookmark !== '' && !bookmark.startsWith(ctx.stub.createCompositeKey(objectType, [...attributes]))) {
        throw invalid('bookmark does not belong to this list (pass back only the bookmark the same list returned)');
    }
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
        objectType,
        [...attributes],
        pageSize,
        bookmark,
    );
    const items = await entriesOf(ctx, iterator);
    // a page with no results comes back from a real peer without metadata (empty protobuf bytes), whatever the
    // shim's typings say
    const page = metadata as typeof metadata | undefined;
    return { items, bookmark: page?.bookmark ?? '', fetched: page?.fetchedRecordsCount ?? 0 };
}

type StateIterator = Awaited<ReturnType<Context['stub']['getStateByPartialCompositeKey']>>;

/**
 * Drains a state iterator into key entries. A drained iterator is not closed: the peer frees it when it sends the
 * last batch (and every iterator when the transaction ends), and fabric-shim's `close()` is one more round trip to
 * the peer, queued behind the transaction's other reads. One that fails half-way is closed.
 */
async function entriesOf(ctx: Context, iterator: StateIterator): Promise<KeyEntry[]> {
    const items: KeyEntry[] = [];
    try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            const { key, value } = next.value;
            items.push({ key, attributes: ctx.stub.splitCompositeKey(key).attributes, value });
        }
    } catch (error) {
        await iterator.close();
        throw error;
    }
    return items;
}

/** Every key under a partial composite key (no pagination): only for bounded sets inside write transactions. */
export async function scanAll(ctx: Context, objectType: string, attributes: readonly string[]): Promise<KeyEntry[]> {
    const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, [...attributes]);
    return entriesOf(ctx, iterator);
}

/** The record ID of an index entry is its last attribute. */
export function lastAttribute(entry: KeyEntry): string {
    const id = entry.attributes[entry.attributes.length - 1];
    if (id === undefined) throw invalid(`index key has no attributes`);
    return id;
}

/** The record an entry of a record-type range holds, decoded and type-checked. */
export function recordOf<T extends StoredRecord>(entry: KeyEntry, docType: T['docType']): T {
    return asRecord<T>(decode(entry.value, entry.key), docType, entry.key);
}

/** Every record under a partial composite key, type-checked (bounded sets only, as {@link scanAll}). */
export async function recordsUnder<T extends StoredRecord>(
    ctx: Context,
    objectType: string,
    attributes: readonly string[],
    docType: T['docType'],
): Promise<T[]> {
    return (await scanAll(ctx, objectType, attributes)).map((entry) => recordOf<T>(entry, docType));
}

/** True when any key lies under the partial composite key; reads one key at most. */
export async function anyUnder(ctx: Context, objectType: string, attributes: readonly string[]): Promise<boolean> {
    const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, [...attributes]);
    try {
        return !(await iterator.next()).done;
    } finally {
        await iterator.close();
    }
}
