import type { Context } from 'fabric-contract-api';
import { toBytes } from '../lib/canonical';
import { invalid, notFound } from '../lib/errors';
import { INDEX_VALUE } from '../model/keys';
import type { StoredRecord } from '../model/records';

/**
 * The checked store: every read of the world state decodes the value and checks its record type before use; every
 * write goes through here too. Nothing else calls getState or putState.
 */

export function decode(bytes: Uint8Array, key: string): unknown {
    try {
        return JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
        throw invalid(`stored value under ${JSON.stringify(key)} is not JSON`);
    }
}

export function asRecord<T extends StoredRecord>(value: unknown, docType: T['docType'], key: string): T {
    if (value === null || typeof value !== 'object' || (value as { docType?: unknown }).docType !== docType) {
        throw invalid(`stored value under ${JSON.stringify(key)} is not a ${docType} record`);
    }
    return value as T;
}

export async function exists(ctx: Context, key: string): Promise<boolean> {
    const bytes = await ctx.stub.getState(key);
    return bytes.length > 0;
}

/** Reads and type-checks one record; undefined when the key is absent. */
export async function getRecord<T extends StoredRecord>(
    ctx: Context,
    key: string,
    docType: T['docType'],
): Promise<T | undefined> {
    const bytes = await ctx.stub.getState(key);
    if (bytes.length === 0) return undefined;
    return asRecord<T>(decode(bytes, key), docType, key);
}

/** Reads and type-checks one record; `NOT_FOUND:` when absent. `label` names it in the message. */
export async function mustGetRecord<T extends StoredRecord>(
    ctx: Context,
    key: string,
    docType: T['docType'],
    label: string,
): Promise<T> {
    const record = await getRecord<T>(ctx, key, docType);
    if (record === undefined) throw notFound(`${label} does not exist`);
    return record;
}

export async function putRecord(ctx: Context, key: string, record: StoredRecord): Promise<void> {
    await ctx.stub.putState(key, toBytes(record));
}

export interface HistoryEntry {
    readonly txId: string;
    readonly timestamp: string;
    readonly isDelete: boolean;
    readonly value: unknown;
}

/** Every committed version of a key, as the history database returns it (drained, so not closed: see scan.ts). */
export async function historyOf(ctx: Context, key: string): Promise<HistoryEntry[]> {
    const iterator = await ctx.stub.getHistoryForKey(key);
    const entries: HistoryEntry[] = [];
    try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            const mod = next.value;
            const millis = Number(mod.timestamp.seconds) * 1000 + Math.floor(mod.timestamp.nanos / 1_000_000);
            entries.push({
                txId: mod.txId,
                timestamp: new Date(millis).toISOString(),
                isDelete: mod.isDelete,
                value: mod.isDelete || mod.value.length === 0 ? null : decode(mod.value, key),
            });
        }
    } catch (error) {
        await iterator.close();
        throw error;
    }
    return entries;
}

/** Writes an index entry: the key is the object type with its attributes, the value one byte. */
export async function putIndex(ctx: Context, objectType: string, attributes: readonly string[]): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey(objectType, [...attributes]), INDEX_VALUE);
}
