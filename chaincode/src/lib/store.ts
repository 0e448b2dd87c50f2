import type { Context } from 'fabric-contract-api';
import { createHash } from 'node:crypto';
import { canonicalJson, toBytes } from './canonical';
import { invalid, notFound } from './errors';
import { txTime } from './identity';
import type { EventName, EventPayloads, EventStamp } from '../vocabulary';

/** Every record on the channel carries its record type, so a value read back can be checked before use. */
export interface StoredRecord {
    readonly docType: string;
}

function decode(bytes: Uint8Array, key: string): unknown {
    try {
        return JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
        throw invalid(`stored value under ${JSON.stringify(key)} is not JSON`);
    }
}

function asRecord<T extends StoredRecord>(value: unknown, docType: T['docType'], key: string): T {
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

/** Every committed version of a key, as the history database returns it. */
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
    } finally {
        await iterator.close();
    }
    return entries;
}

// Private data ------------------------------------------------------------------------------------------

/** Collection names; the definitions (members, policies) are in chaincode/collections_config.json. */
export const Collection = {
    /** Buyer identity documents, vendor bank accounts: MarketOrg + CustomsOrg. */
    marketPrivate: 'marketPrivate',
} as const;
export type Collection = (typeof Collection)[keyof typeof Collection];

export async function putPrivate(ctx: Context, collection: Collection, key: string, value: unknown): Promise<void> {
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

/** sha256(salt ‖ ":" ‖ value), hex: what goes on the channel so a holder of the value can prove it. */
export function saltedHash(salt: string, value: string): string {
    return createHash('sha256').update(`${salt}:${value}`, 'utf8').digest('hex');
}

export function sha256Hex(text: string): string {
    return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Events -------------------------------------------------------------------------------------------------

const emitted = new WeakSet();

/**
 * Emits the transaction's one chaincode event. Fabric keeps only the last `setEvent` of a transaction, so a
 * second call is a programming error and fails loudly instead of silently replacing the first.
 */
export function emit<N extends EventName>(ctx: Context, name: N, payload: EventPayloads[N]): void {
    if (emitted.has(ctx.stub))
        throw new Error(`a chaincode event was already emitted in transaction ${ctx.stub.getTxID()}`);
    emitted.add(ctx.stub);
    const stamp: EventStamp = { txId: ctx.stub.getTxID(), at: txTime(ctx) };
    ctx.stub.setEvent(name, toBytes({ ...payload, ...stamp }));
}

/** Stamp written on every change: who (cert ID + MSP + role + party) and when (txId + tx timestamp). */
export interface Signature {
    readonly mspId: string;
    readonly id: string;
    readonly role: string;
    readonly party: string | null;
    readonly txId: string;
    readonly at: string;
}

/** A copy of `value` without `key` (records drop optional fields instead of storing undefined). */
export function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
    const entries = Object.entries(value).filter(([name]) => name !== key);
    return Object.fromEntries(entries) as Omit<T, K>;
}

export function jsonResult(value: unknown): string {
    return canonicalJson(value);
}
