import type { Context } from 'fabric-contract-api';
import { INDEX_VALUE, SettlementType, partySeenByBankKey } from '../model/keys';
import type { Trade } from '../model/records';
import { scanAll } from './scan';

/**
 * Which parties a bank's receipts and financings rely on (V34): the payee or borrower and the trade's vendor, agent
 * and buyer. The entry is written blind, without reading it, so many receipts of one bank never conflict on it.
 */
export async function recordPartiesSeen(
    ctx: Context,
    bank: { readonly mspId: string; readonly partyId: string },
    trade: Pick<Trade, 'vendorId' | 'agentId' | 'buyerId'>,
    counterpartyId: string,
): Promise<void> {
    const parties = new Set([counterpartyId, trade.vendorId, trade.agentId, trade.buyerId]);
    for (const partyId of parties) {
        await ctx.stub.putState(partySeenByBankKey(ctx, partyId, bank.mspId, bank.partyId), INDEX_VALUE);
    }
}

/** The bank parties (of any MSP) whose receipts or financings rely on the party. */
export async function banksSeeingParty(ctx: Context, partyId: string): Promise<string[]> {
    const entries = await scanAll(ctx, SettlementType.partySeenByBank, [partyId]);
    return entries.map((e) => e.attributes[2] ?? '').filter((id) => id !== '');
}
