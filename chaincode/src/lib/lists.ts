import type { Context } from 'fabric-contract-api';
import { owns, type Actor } from './auth';
import { type Role } from '../vocabulary';
import { IndexType, SettlementType } from '../model/keys';
import { scanPage, type KeyEntry } from '../store/scan';
import {
    type Declaration,
    type Party,
    type RiskFlag,
    type Trade,
    type AllocationRecord,
    type ExemptionRecord,
    type ReceiptRecord,
    type FinancedShare,
} from '../model/records';
import { findTrade } from '../store/loaders';
import { banksSeeingParty } from '../store/bank-sight';

/**
 * List transactions: which range each one scans and which listed records a caller keeps. One table for the code,
 * the generated docs (docs/permissions.md) and a test that replays foreign bookmarks on every list as every role.
 *
 * Two fences: {@link scanPage} refuses a bookmark outside the scanned range, and {@link listPage} drops any record
 * the caller does not own (OWN scope, as the transaction's single-record read would decide), so a range that ever
 * again reaches past its owner still returns nothing foreign.
 */
export type Owners = Readonly<Partial<Record<Role, string | readonly string[]>>>;

export interface ListSpec<T> {
    /** The object type whose partial-key range is scanned. */
    readonly scans: string;
    /** The attributes of the scanned prefix, in order (docs). */
    readonly keyedBy: readonly string[];
    /** The parties that own one listed record, per role (what assertOwns would check for a single read). */
    readonly owners: (ctx: Context, record: T) => Promise<Owners> | Owners;
    /** {@link owners} in words (docs). */
    readonly keeps: string;
    /** Where bank callers scan instead: a range of their own, so the scan never reaches another bank's keys. */
    readonly bankScans?: { readonly scans: string; readonly keyedBy: readonly string[] };
}

const tradeOwners = (_ctx: Context, trade: Trade): Owners => ({ vendor: trade.vendorId, agent: trade.agentId });
const TRADE_KEEPS = 'vendor = trade.vendorId, agent = trade.agentId';
/** Readable by every role that may call the list (GetFlag has no OWN cell): nobody is named. */
const nobody = (): Owners => ({});

export const LISTS = {
    'PartyContract.ListPartiesByType': {
        scans: IndexType.partyByType,
        keyedBy: ['type'],
        owners: async (ctx, party): Promise<Owners> => ({
            bank: [party.partyId, ...(await banksSeeingParty(ctx, party.partyId))],
        }),
        keeps: 'all (public party records); bank: the parties its receipts and financings rely on, and itself (V34)',
    } satisfies ListSpec<Party>,
    'TradeContract.ListTradesByVendor': {
        scans: IndexType.tradeByVendor,
        keyedBy: ['vendorId'],
        owners: tradeOwners,
        keeps: TRADE_KEEPS,
    } satisfies ListSpec<Trade>,
    'TradeContract.ListTradesByAgent': {
        scans: IndexType.tradeByAgent,
        keyedBy: ['agentId'],
        owners: tradeOwners,
        keeps: TRADE_KEEPS,
    } satisfies ListSpec<Trade>,
    'DeclarationContract.ListDeclarationsByDate': {
        scans: IndexType.declarationByDate,
        keyedBy: ['declDate'],
        owners: (_ctx, declaration): Owners => ({ agent: declaration.consignorId, broker: declaration.brokerId }),
        keeps: 'agent = consignorId, broker = brokerId',
    } satisfies ListSpec<Declaration>,
    'RiskContract.ListFlagsBySubject': {
        scans: IndexType.riskBySubject,
        keyedBy: ['subjectType', 'subjectId'],
        owners: nobody,
        keeps: 'all (authorities and banks only)',
    } satisfies ListSpec<RiskFlag>,
    'ReceiptContract.ListReceiptsByTrade': {
        scans: SettlementType.allocation,
        keyedBy: ['tradeNo', 'bankMspId (bank callers: their own MSP)'],
        owners: async (ctx, allocation): Promise<Owners> => {
            const trade = await findTrade(ctx, allocation.tradeNo);
            return {
                bank: allocation.allocatedBy.party ?? [],
                vendor: trade?.vendorId ?? [],
                agent: trade?.agentId ?? [],
            };
        },
        keeps: 'bank = the allocating bank party; vendor = trade.vendorId, agent = trade.agentId',
    } satisfies ListSpec<AllocationRecord>,
    'ReceiptContract.ListReceiptsByPayee': {
        scans: SettlementType.receiptByPayee,
        keyedBy: ['payeePartyId'],
        owners: (_ctx, receipt): Owners => ({
            bank: receipt.bankPartyId,
            vendor: receipt.payeePartyId,
            agent: receipt.payeePartyId,
        }),
        keeps: 'bank = receipt.bankPartyId; vendor/agent = receipt.payeePartyId',
        bankScans: { scans: SettlementType.receiptByPayeeBank, keyedBy: ['payeePartyId', 'bankMspId (their own MSP)'] },
    } satisfies ListSpec<ReceiptRecord>,
    'FinancingContract.ListFinancingsByTrade': {
        scans: SettlementType.financedShare,
        keyedBy: ['tradeNo', 'bankMspId (bank callers: their own MSP)'],
        owners: (_ctx, share): Owners => ({ bank: share.bankPartyId }),
        keeps: 'bank = the financing bank party (V33/V34)',
    } satisfies ListSpec<FinancedShare>,
    'ExemptionContract.ListExemptionsByMerchant': {
        scans: SettlementType.exemptionByMerchant,
        keyedBy: ['merchantId'],
        owners: (_ctx, filing): Owners => ({ vendor: filing.merchantId, agent: filing.filerPartyId }),
        keeps: 'vendor = merchantId, agent = filer',
    } satisfies ListSpec<ExemptionRecord>,
} as const;
export type ListTx = keyof typeof LISTS;

/** The table, sorted by transaction name (docs and tests). */
export function listTable(): [ListTx, ListSpec<never>][] {
    return (Object.entries(LISTS) as [ListTx, ListSpec<never>][]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface ListPage<T> {
    readonly items: T[];
    readonly bookmark: string;
    /** Keys the scan read, before records the caller does not own were dropped. */
}

/**
 * One page of a list transaction: scans `spec`'s range under `attributes` (the bookmark must lie in it), loads each
 * entry (`undefined` skips it) and keeps only records the actor owns.
 */
export async function listPage<T>(
    ctx: Context,
    actor: Actor,
    spec: ListSpec<T>,
    attributes: readonly string[],
    pageSize: number,
    bookmark: string,
    load: (entry: KeyEntry) => Promise<T | undefined> | T | undefined,
): Promise<ListPage<T>> {
    const scans = actor.role === 'bank' && spec.bankScans !== undefined ? spec.bankScans.scans : spec.scans;
    const page = await scanPage(ctx, scans, attributes, pageSize, bookmark);
    const items: T[] = [];
    for (const entry of page.items) {
        const record = await load(entry);
        if (record === undefined) continue;
        if (actor.scope === 'ANY' || owns(actor, await spec.owners(ctx, record))) items.push(record);
    }
    // no count of keys scanned: it would tell a caller how many records it may not see
    return { items, bookmark: page.bookmark };
}
