import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import type { StoredRecord } from '../model/records';
import { CUSTOMS_MSP, MARKET_MSP } from '../vocabulary';
import { putRecord } from './records';

/** Key-level endorsement policies: who must endorse every later change of a key (kept apart so readers need no shim). */

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
