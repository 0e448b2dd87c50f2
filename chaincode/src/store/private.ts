import type { Context } from 'fabric-contract-api';
import { toBytes } from '../lib/canonical';
import type { Collection } from '../model/keys';
import type { StoredRecord } from '../model/records';
import { asRecord, decode } from './records';

/** `collection`: a configured Collection, or a bank's implicit collection. */
export async function putPrivate(ctx: Context, collection: string, key: string, value: unknown): Promise<void> {
    await ctx.stub.putPrivateData(collection, key, toBytes(value));
}

export async function getPrivate(ctx: Context, collection: Collection, key: string): Promise<unknown> {
    const bytes = await ctx.stub.getPrivateData(collection, key);
    return bytes.length === 0 ? undefined : decode(bytes, key);
}

/** Transient map entry as UTF-8 text; undefined when absent. */
export function transientText(ctx: Context, name: string): string | undefined {
    const bytes = ctx.stub.getTransient().get(name);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
}

/** Reads and type-checks one private record; undefined when this peer holds nothing under the key. */
export async function getPrivateRecord<T extends StoredRecord>(
    ctx: Context,
    collection: string,
    key: string,
    docType: T['docType'],
): Promise<T | undefined> {
    const bytes = await ctx.stub.getPrivateData(collection, key);
    if (bytes.length === 0) return undefined;
    return asRecord<T>(decode(bytes, key), docType, key);
}
