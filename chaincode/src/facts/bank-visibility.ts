import type { Context } from 'fabric-contract-api';
import type { Actor } from '../lib/auth';
import type { Declaration, Party } from '../model/records';
import { banksSeeingParty } from '../store/bank-sight';
import { sharesOfTrade } from '../store/financings';
import { allocationsOfTrade } from '../store/loaders';

/**
 * V34: the bank parties that may read a record, for the `bank` owner of an OWN read. A bank reads the trades its own
 * receipts or financings rely on, their declarations and their parties (and its own bank party); of any other
 * trade it sees only amounts and counts (GetTradeSettlement, the bank check). Checks read records internally and are
 * not limited by this.
 */
export async function banksRelyingOnTrade(ctx: Context, tradeNo: string): Promise<string[]> {
    const allocating = (await allocationsOfTrade(ctx, tradeNo)).map((a) => a.allocatedBy.party ?? '');
    const financing = (await sharesOfTrade(ctx, tradeNo)).map((s) => s.bankPartyId);
    return [...new Set([...allocating, ...financing])].filter((id) => id !== '');
}

/** Banks relying on any trade of the declaration; only a bank caller pays for the scan. */
export async function banksRelyingOnDeclaration(
    ctx: Context,
    actor: Actor,
    declaration: Pick<Declaration, 'tradeNos'>,
): Promise<string[]> {
    if (actor.role !== 'bank') return [];
    for (const tradeNo of declaration.tradeNos) {
        const banks = await banksRelyingOnTrade(ctx, tradeNo);
        if (actor.partyId !== null && banks.includes(actor.partyId)) return [actor.partyId];
    }
    return [];
}

/** Banks that may read a party: those relying on it, and a bank party itself. */
export async function banksSeeing(ctx: Context, actor: Actor, party: Pick<Party, 'partyId'>): Promise<string[]> {
    if (actor.role !== 'bank') return [];
    return [party.partyId, ...(await banksSeeingParty(ctx, party.partyId))];
}

/** Trade owners for a bank caller only (other roles skip the scans). */
export async function tradeBanks(ctx: Context, actor: Actor, tradeNo: string): Promise<string[]> {
    return actor.role === 'bank' ? banksRelyingOnTrade(ctx, tradeNo) : [];
}
