import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { toBytes } from '../lib/canonical';
import { invalid, notFound } from '../lib/errors';
import { INDEX_VALUE } from '../model/keys';
import type { StoredRecord } from '../model/records';
import { CUSTOMS_MSP, MARKET_MSP } from '../vocabulary';

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

/** Writes an index entry: the key is the object type with its attributes, the value one byte. */
export async function putIndex(ctx: Context, objectType: string, attributes: readonly string[]): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey(objectType, [...attributes]), INDEX_VALUE);
}

// Endorsement ------------------------------------------------------------------------------------------------

/**
 * Writes a record that only the given org's peer may change from now on: the key gets a state-based endorsement
 * policy "a PEER of `mspId`". The first write of a new key is still validated by the chaincode-level policy.
 */
export async function putOwnedRecord(ctx: Context, key: string, record: StoredRecord, mspId: string): Promise<void> {
    await putRecord(ctx, key, record);
    await requirePeersOf(ctx, key, mspId);
}

/** Key-level endorsement: from now on the key changes only with a peer of every one of `mspIds` endorsing (AND). */
async function requirePeersOf(ctx: Context, key: string, ...mspIds: string[]): Promise<void> {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', ...mspIds);
    await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}

/**
 * The declaration record holds MarketOrg's facts (lines, consignor, values) and customs' status, so from
 * submission on it changes only with BOTH a CustomsOrg and a MarketOrg peer endorsing: no single org can
 * rewrite it. Only the customs role may drive its status; MarketOrg's peer runs the same chaincode and so
 * endorses only valid customs transitions.
 */
export function requireDeclarationEndorsement(ctx: Context, key: string): Promise<void> {
    return requirePeersOf(ctx, key, CUSTOMS_MSP, MARKET_MSP);
}

/** A customs event holds customs facts only: from its creation on, only CustomsOrg's peer can change it. */
export function requireCustomsEndorsement(ctx: Context, key: string): Promise<void> {
    return requirePeersOf(ctx, key, CUSTOMS_MSP);
}
