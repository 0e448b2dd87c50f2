import type { Context } from 'fabric-contract-api';
import { invalid, notFound, precondition } from '../lib/errors';
import { IndexType, SettlementType, recordKey, receiptKey, orderKey } from '../model/keys';
import {
    splitReceiptId,
    type AllocationRecord,
    type ConsolidationOrder,
    type Declaration,
    type ExchangeRates,
    type Goods,
    type MarketCluster,
    type NegativeList,
    type QualifiedSupplierList,
    type PackingList,
    type Party,
    type ReceiptByPayee,
    type ReceiptRecord,
    type RiskFlag,
    type Trade,
} from '../model/records';
import { RecordType, type PartyType, type RiskSubject } from '../vocabulary';
import { getRecord, mustGetRecord } from './records';
import { lastAttribute, recordsUnder, scanAll } from './scan';

/** Typed reads of one record or one bounded set of records, through the checked store. */

export function loadParty(ctx: Context, partyId: string): Promise<Party> {
    return mustGetRecord<Party>(ctx, recordKey(ctx, RecordType.party, partyId), 'party', `party ${partyId}`);
}

/** Loads a party and checks it is ACTIVE and of one of the given types; `PRECONDITION:` otherwise. */
export async function loadActiveParty(ctx: Context, partyId: string, types: readonly PartyType[]): Promise<Party> {
    const party = await loadParty(ctx, partyId);
    if (!types.includes(party.type)) {
        throw precondition(`party ${partyId} is a ${party.type}, expected ${types.join(' or ')}`);
    }
    if (party.status !== 'ACTIVE') throw precondition(`party ${partyId} is ${party.status}, not ACTIVE`);
    return party;
}

export function loadCluster(ctx: Context, clusterId: string): Promise<MarketCluster> {
    return mustGetRecord<MarketCluster>(
        ctx,
        recordKey(ctx, RecordType.cluster, clusterId),
        'cluster',
        `cluster ${clusterId}`,
    );
}

export function loadTrade(ctx: Context, tradeNo: string): Promise<Trade> {
    return mustGetRecord<Trade>(ctx, recordKey(ctx, RecordType.trade, tradeNo), 'trade', `trade ${tradeNo}`);
}

export function loadDeclaration(ctx: Context, declNo: string): Promise<Declaration> {
    return mustGetRecord<Declaration>(
        ctx,
        recordKey(ctx, RecordType.declaration, declNo),
        'declaration',
        `declaration ${declNo}`,
    );
}

export function loadGoods(ctx: Context, goodsCode: string): Promise<Goods> {
    return mustGetRecord<Goods>(ctx, recordKey(ctx, RecordType.goods, goodsCode), 'goods', `goods ${goodsCode}`);
}

/** A trade, or undefined when none is filed under the number. */
export function findTrade(ctx: Context, tradeNo: string): Promise<Trade | undefined> {
    return getRecord<Trade>(ctx, recordKey(ctx, RecordType.trade, tradeNo), 'trade');
}

/** A party, or undefined when none is filed under the ID. */
export function findParty(ctx: Context, partyId: string): Promise<Party | undefined> {
    return getRecord<Party>(ctx, recordKey(ctx, RecordType.party, partyId), 'party');
}

export function loadOrder(ctx: Context, orderCode: string): Promise<ConsolidationOrder> {
    return mustGetRecord<ConsolidationOrder>(
        ctx,
        orderKey(ctx, orderCode),
        'consolidation',
        `consolidation order ${orderCode}`,
    );
}

export function loadPacking(ctx: Context, packingNo: string): Promise<PackingList> {
    return mustGetRecord<PackingList>(
        ctx,
        recordKey(ctx, RecordType.packing, packingNo),
        'packing',
        `packing list ${packingNo}`,
    );
}

/** Negative-list versions are few; all are read to find the one in force (bounded, usable in writes). */
export function loadNegativeLists(ctx: Context): Promise<NegativeList[]> {
    return recordsUnder<NegativeList>(ctx, RecordType.negativeList, [], 'negativeList');
}

/** A cluster's qualified supplier list versions (V11); few per cluster, all read to find the one in force. */
export function loadQualifiedSupplierLists(ctx: Context, clusterId: string): Promise<QualifiedSupplierList[]> {
    return recordsUnder<QualifiedSupplierList>(ctx, RecordType.qualifiedSuppliers, [clusterId], 'qualifiedSuppliers');
}

/** Every published version of one month's customs rates (V31): a few per month, read whole (usable in writes). */
export function loadExchangeRates(ctx: Context, month: string): Promise<ExchangeRates[]> {
    return recordsUnder<ExchangeRates>(ctx, RecordType.exchangeRates, [month], 'exchangeRates');
}

/** Splits a receipt ID given as an argument; `INVALID:` when it is not `<Bank…MSP>:<receiptRef>`. */
export function parseReceiptId(receiptId: string): { bankMspId: string; receiptRef: string } {
    const parts = splitReceiptId(receiptId);
    if (parts === null) throw invalid('receiptId must look like <Bank…MSP>:<receiptRef>');
    return parts;
}

export async function loadReceipt(ctx: Context, receiptId: string): Promise<ReceiptRecord> {
    const { bankMspId, receiptRef } = parseReceiptId(receiptId);
    const receipt = await getRecord<ReceiptRecord>(ctx, receiptKey(ctx, bankMspId, receiptRef), 'receipt');
    if (receipt === undefined) throw notFound(`receipt ${receiptId} does not exist`);
    return receipt;
}

/** Every allocation of a trade (one key per receipt; bounded by the receipts of one trade). */
/** The allocations that count for a trade: a voided one stays on the ledger (and in lists) but counts nowhere. */
export async function allocationsOfTrade(ctx: Context, tradeNo: string): Promise<AllocationRecord[]> {
    const records = await recordsUnder<AllocationRecord>(ctx, SettlementType.allocation, [tradeNo], 'allocation');
    return records.filter((record) => record.status !== 'VOID');
}

/** The payee's receipts in a calendar year, in USD cents; receipts without a USD equivalent are counted apart. */
export async function payeeYearToDate(
    ctx: Context,
    payeePartyId: string,
    year: string,
    excludeReceiptId: string | null,
): Promise<{ usdMinor: number; unknown: number }> {
    const entries = await recordsUnder<ReceiptByPayee>(
        ctx,
        SettlementType.receiptByPayee,
        [payeePartyId, year],
        'receiptByPayee',
    );
    let usdMinor = 0;
    let unknown = 0;
    for (const value of entries) {
        if (value.receiptId === excludeReceiptId) continue;
        if (value.usdEquivalentMinor === null) unknown += 1;
        else usdMinor += value.usdEquivalentMinor;
    }
    return { usdMinor, unknown };
}

/** Every flag (any status) on one subject, through the risk module's subject index. */
export async function flagsOfSubject(ctx: Context, subjectType: RiskSubject, subjectId: string): Promise<RiskFlag[]> {
    const entries = await scanAll(ctx, IndexType.riskBySubject, [subjectType, subjectId]);
    const flags: RiskFlag[] = [];
    for (const entry of entries) {
        const flag = await getRecord<RiskFlag>(ctx, recordKey(ctx, RecordType.risk, lastAttribute(entry)), 'risk');
        if (flag !== undefined) flags.push(flag);
    }
    return flags;
}
