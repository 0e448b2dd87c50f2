import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize, type Actor } from '../lib/auth';
import { conflict, invalid, precondition, refused } from '../lib/errors';
import { without } from '../lib/objects';
import {
    COUNTRY,
    DATE,
    ID,
    REASON,
    arrayOf,
    int,
    object,
    optional,
    parseArg,
    parseJson,
    str,
    text,
} from '../lib/validate';
import { amendedFields, corrected } from '../rules/corrections';
import { RecordType } from '../vocabulary';
import { recordKey, orderKey } from '../model/keys';
import { loadActiveParty, loadTrade, loadOrder, loadPacking } from '../store/loaders';
import { type ConsolidationOrder, type PackingList, type Trade } from '../model/records';
import { emit } from '../store/events';
import { exists, putRecord } from '../store/records';
import { jsonResult } from '../lib/canonical';

const ORDER = object({
    orderCode: ID,
    consolidatorId: ID,
    agentId: ID,
    destCountry: COUNTRY,
    site: ID,
    truckPlate: optional(text(16)),
    tradeNos: arrayOf(ID, { min: 1, max: 500 }),
});

const CONTAINER_NO = str({ pattern: /^[A-Z]{4}\d{7}$/, max: 11, hint: 'must be an ISO 6346 container number' });

const CONTAINERS = arrayOf(
    object({
        containerNo: CONTAINER_NO,
        type: str({ pattern: /^[0-9A-Z]{4}$/, max: 4, hint: 'must be an ISO size-type code such as 45G1' }),
        sealNo: ID,
        tareKg: int({ min: 0, max: 10_000 }),
        orderCodes: arrayOf(ID, { min: 1, max: 100 }),
    }),
    { min: 1, max: 50 },
);

const PACKING = object({
    packingNo: ID,
    consolidatorId: ID,
    brokerId: ID,
    packDate: DATE,
    site: ID,
    destCountry: COUNTRY,
    billOfLading: optional(ID),
    containers: CONTAINERS,
});

/** An open order's corrections: its header, and trades added or taken out (taken-out trades are CONFIRMED again). */
const ORDER_AMENDMENT = object({
    destCountry: optional(COUNTRY),
    site: optional(ID),
    truckPlate: optional(text(16)),
    addTradeNos: optional(arrayOf(ID, { min: 1, max: 500 })),
    removeTradeNos: optional(arrayOf(ID, { min: 1, max: 500 })),
});

/** A packing list's corrections; the containers may be rearranged but must carry the same orders. */
const PACKING_AMENDMENT = object({
    brokerId: optional(ID),
    packDate: optional(DATE),
    site: optional(ID),
    destCountry: optional(COUNTRY),
    billOfLading: optional(ID),
    containers: optional(CONTAINERS),
});

function duplicates(values: readonly string[]): string[] {
    const seen = new Set<string>();
    return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

/** Order codes of all containers; CU-05: an order in two containers is a CONFLICT. */
function containerOrders(containers: readonly { containerNo: string; orderCodes: string[] }[]): string[] {
    const orderCodes = containers.flatMap((c) => c.orderCodes);
    const repeatedOrders = duplicates(orderCodes);
    if (repeatedOrders.length > 0) {
        throw conflict(`order(s) ${repeatedOrders.join(', ')} appear in two containers (CU-05)`);
    }
    const repeatedContainers = duplicates(containers.map((c) => c.containerNo));
    if (repeatedContainers.length > 0) throw invalid(`container(s) ${repeatedContainers.join(', ')} listed twice`);
    return orderCodes;
}

async function openOrders(
    ctx: Context,
    orderCodes: readonly string[],
    consolidatorId: string,
): Promise<ConsolidationOrder[]> {
    const orders: ConsolidationOrder[] = [];
    for (const code of orderCodes) {
        const order = await loadOrder(ctx, code);
        if (order.consolidatorId !== consolidatorId)
            throw precondition(`order ${code} belongs to ${order.consolidatorId}`);
        if (order.status === 'VOID') throw refused('ALREADY_VOID', `order ${code} is void`);
        if (order.status !== 'OPEN') {
            throw conflict(`order ${code} is already packed in ${order.packingNo ?? '?'} (CU-05)`);
        }
        orders.push(order);
    }
    return orders;
}

/** A trade that may join an order of `agentId`: CONFIRMED, in no other order (CU-05), of the same agent. */
function assertConsolidatable(trade: Trade, agentId: string): void {
    if (trade.consolidationOrder !== undefined) {
        throw conflict(`trade ${trade.tradeNo} is already in order ${trade.consolidationOrder} (CU-05)`);
    }
    if (trade.status !== 'CONFIRMED') throw precondition(`trade ${trade.tradeNo} is ${trade.status}, not CONFIRMED`);
    if (trade.agentId !== agentId) throw precondition(`trade ${trade.tradeNo} belongs to agent ${trade.agentId}`);
}

/** The trades of a packed record, refused once a live declaration holds any of them (a returned one released them). */
async function undeclaredTrades(ctx: Context, tradeNos: readonly string[], what: string): Promise<Trade[]> {
    const trades: Trade[] = [];
    for (const tradeNo of tradeNos) {
        const trade = await loadTrade(ctx, tradeNo);
        if (trade.declNo !== undefined) {
            throw refused('AMEND_AFTER_DECLARATION', `${what}: trade ${tradeNo} is in declaration ${trade.declNo}`);
        }
        trades.push(trade);
    }
    return trades;
}

async function putTrade(ctx: Context, trade: Trade): Promise<void> {
    await putRecord(ctx, recordKey(ctx, RecordType.trade, trade.tradeNo), trade);
}

/** Consolidation orders (trades grouped for one agent) and packing lists (orders in sealed containers), CU-05. */
@Info({ title: 'ConsolidationContract', description: 'Consolidation orders and packing lists' })
export class ConsolidationContract extends Contract {
    constructor() {
        super('ConsolidationContract');
    }

    /** Every trade (and so every trade line) goes into exactly one order: a trade already consolidated is a CONFLICT. */
    @Transaction()
    async CreateConsolidationOrder(ctx: Context, orderJson: string): Promise<string> {
        const input = parseJson(orderJson, ORDER, 'order');
        const repeated = duplicates(input.tradeNos);
        if (repeated.length > 0) throw invalid(`order.tradeNos lists ${repeated.join(', ')} twice`);
        const actor = await authorize(ctx, 'ConsolidationContract.CreateConsolidationOrder');
        assertOwns(actor, { consolidator: input.consolidatorId }, `order ${input.orderCode}`);
        if (await exists(ctx, orderKey(ctx, input.orderCode)))
            throw conflict(`order ${input.orderCode} already exists`);
        await loadActiveParty(ctx, input.agentId, ['AGENT']);
        const trades: Trade[] = [];
        for (const tradeNo of input.tradeNos) {
            const trade = await loadTrade(ctx, tradeNo);
            assertConsolidatable(trade, input.agentId);
            trades.push(trade);
        }
        const order: ConsolidationOrder = {
            docType: 'consolidation',
            ...input,
            status: 'OPEN',
            createdBy: actor.signature,
            updatedBy: actor.signature,
        };
        await putRecord(ctx, orderKey(ctx, order.orderCode), order);
        for (const trade of trades) {
            const next: Trade = {
                ...trade,
                status: 'CONSOLIDATED',
                consolidationOrder: order.orderCode,
                updatedBy: actor.signature,
            };
            await putRecord(ctx, recordKey(ctx, RecordType.trade, trade.tradeNo), next);
        }
        emit(ctx, 'ConsolidationOrderCreated', { orderCode: order.orderCode, tradeNos: order.tradeNos });
        return jsonResult(order);
    }

    /** Seals orders into containers; each order in exactly one container; trades become PACKED. */
    @Transaction()
    async RecordPackingList(ctx: Context, packingJson: string): Promise<string> {
        const input = parseJson(packingJson, PACKING, 'packing');
        const orderCodes = containerOrders(input.containers);
        const actor = await authorize(ctx, 'ConsolidationContract.RecordPackingList');
        assertOwns(actor, { consolidator: input.consolidatorId }, `packing list ${input.packingNo}`);
        const key = recordKey(ctx, RecordType.packing, input.packingNo);
        if (await exists(ctx, key)) throw conflict(`packing list ${input.packingNo} already exists`);
        await loadActiveParty(ctx, input.brokerId, ['BROKER']);
        const orders = await openOrders(ctx, orderCodes, input.consolidatorId);
        const agents = [...new Set(orders.map((o) => o.agentId))];
        const agentId = agents[0];
        if (agentId === undefined || agents.length > 1)
            throw precondition(`a packing list serves one agent, got ${agents.join(', ')}`);
        const tradeNos = orders.flatMap((o) => o.tradeNos);
        const packing: PackingList = {
            docType: 'packing',
            ...input,
            agentId,
            orderCodes,
            tradeNos,
            createdBy: actor.signature,
        };
        await putRecord(ctx, key, packing);
        for (const order of orders) {
            const packed: ConsolidationOrder = {
                ...order,
                status: 'PACKED',
                packingNo: input.packingNo,
                updatedBy: actor.signature,
            };
            await putRecord(ctx, orderKey(ctx, order.orderCode), packed);
        }
        for (const tradeNo of tradeNos) {
            const trade = await loadTrade(ctx, tradeNo);
            if (trade.status !== 'CONSOLIDATED')
                throw precondition(`trade ${tradeNo} is ${trade.status}, not CONSOLIDATED`);
            const packed: Trade = {
                ...trade,
                status: 'PACKED',
                packingNo: input.packingNo,
                updatedBy: actor.signature,
            };
            await putRecord(ctx, recordKey(ctx, RecordType.trade, tradeNo), packed);
        }
        emit(ctx, 'PackingListRecorded', {
            packingNo: packing.packingNo,
            containers: packing.containers.map((c) => c.containerNo),
            tradeNos,
        });
        return jsonResult(packing);
    }

    /**
     * Corrects an order before it is packed: header fields, trades added (as CreateConsolidationOrder checks them) or
     * taken out (CONFIRMED again). A packed order changes only after its packing list is voided (AMEND_AFTER_PACKING).
     */
    @Transaction()
    async AmendConsolidationOrder(
        ctx: Context,
        orderCode: string,
        amendmentJson: string,
        reason: string,
    ): Promise<string> {
        const code = parseArg(orderCode, ID, 'orderCode');
        const amendment = parseJson(amendmentJson, ORDER_AMENDMENT, 'amendment');
        const why = parseArg(reason, REASON, 'reason');
        amendedFields(amendment, 'amendment');
        const actor = await authorize(ctx, 'ConsolidationContract.AmendConsolidationOrder');
        const order = await this.#openOrder(ctx, actor, code);
        const added = amendment.addTradeNos ?? [];
        const removed = amendment.removeTradeNos ?? [];
        const tradeNos = [...order.tradeNos.filter((no) => !removed.includes(no)), ...added];
        const missing = removed.filter((no) => !order.tradeNos.includes(no));
        if (missing.length > 0) throw invalid(`amendment.removeTradeNos: ${missing.join(', ')} not in order ${code}`);
        const repeated = duplicates(tradeNos);
        if (repeated.length > 0) throw invalid(`the order would list ${repeated.join(', ')} twice`);
        if (tradeNos.length === 0) throw invalid(`the order would hold no trade; void it instead`);
        for (const tradeNo of added) {
            const trade = await loadTrade(ctx, tradeNo);
            assertConsolidatable(trade, order.agentId);
            await putTrade(ctx, {
                ...trade,
                status: 'CONSOLIDATED',
                consolidationOrder: code,
                updatedBy: actor.signature,
            });
        }
        await this.#release(ctx, actor, removed);
        const header = without(without(amendment, 'addTradeNos'), 'removeTradeNos');
        const next = corrected<ConsolidationOrder>(
            { ...order, ...header, tradeNos, updatedBy: actor.signature },
            why,
            actor.signature,
        );
        await putRecord(ctx, orderKey(ctx, code), next);
        emit(ctx, 'ConsolidationOrderAmended', {
            orderCode: code,
            tradeNos,
            released: removed,
            amendments: next.amendments ?? 1,
            reason: why,
        });
        return jsonResult(next);
    }

    /** Voids an unpacked order: its trades are CONFIRMED again, free to be consolidated anew. */
    @Transaction()
    async VoidConsolidationOrder(ctx: Context, orderCode: string, reason: string): Promise<string> {
        const code = parseArg(orderCode, ID, 'orderCode');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'ConsolidationContract.VoidConsolidationOrder');
        const order = await this.#openOrder(ctx, actor, code);
        await this.#release(ctx, actor, order.tradeNos);
        const next = corrected<ConsolidationOrder>(
            { ...order, status: 'VOID', updatedBy: actor.signature },
            why,
            actor.signature,
        );
        await putRecord(ctx, orderKey(ctx, code), next);
        emit(ctx, 'ConsolidationOrderVoided', {
            orderCode: code,
            released: order.tradeNos,
            amendments: next.amendments ?? 1,
            reason: why,
        });
        return jsonResult(next);
    }

    /**
     * Corrects a packing list before any live declaration holds its trades (AMEND_AFTER_DECLARATION): broker, dates,
     * site, bill of lading, and the containers, which must still carry exactly the same orders (CU-05).
     */
    @Transaction()
    async AmendPackingList(ctx: Context, packingNo: string, amendmentJson: string, reason: string): Promise<string> {
        const id = parseArg(packingNo, ID, 'packingNo');
        const amendment = parseJson(amendmentJson, PACKING_AMENDMENT, 'amendment');
        const why = parseArg(reason, REASON, 'reason');
        const fields = amendedFields(amendment, 'amendment');
        const orders = amendment.containers === undefined ? null : containerOrders(amendment.containers);
        const actor = await authorize(ctx, 'ConsolidationContract.AmendPackingList');
        const { packing } = await this.#undeclaredPacking(ctx, actor, id);
        const same =
            orders?.length === packing.orderCodes.length && orders.every((o) => packing.orderCodes.includes(o));
        if (orders !== null && !same) {
            throw invalid(
                `amendment.containers must carry orders ${packing.orderCodes.join(', ')}; void the list instead`,
            );
        }
        if (amendment.brokerId !== undefined) await loadActiveParty(ctx, amendment.brokerId, ['BROKER']);
        const next = corrected<PackingList>({ ...packing, ...amendment }, why, actor.signature);
        await putRecord(ctx, recordKey(ctx, RecordType.packing, id), next);
        emit(ctx, 'PackingListAmended', { packingNo: id, fields, amendments: next.amendments ?? 1, reason: why });
        return jsonResult(next);
    }

    /** Voids an undeclared packing list: its orders are OPEN again and their trades CONSOLIDATED, to be packed anew. */
    @Transaction()
    async VoidPackingList(ctx: Context, packingNo: string, reason: string): Promise<string> {
        const id = parseArg(packingNo, ID, 'packingNo');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'ConsolidationContract.VoidPackingList');
        const { packing, trades } = await this.#undeclaredPacking(ctx, actor, id);
        for (const trade of trades) {
            await putTrade(ctx, { ...without(trade, 'packingNo'), status: 'CONSOLIDATED', updatedBy: actor.signature });
        }
        for (const code of packing.orderCodes) {
            const order = await loadOrder(ctx, code);
            const reopened: ConsolidationOrder = {
                ...without(order, 'packingNo'),
                status: 'OPEN',
                updatedBy: actor.signature,
            };
            await putRecord(ctx, orderKey(ctx, code), reopened);
        }
        const next = corrected<PackingList>({ ...packing, status: 'VOID' }, why, actor.signature);
        await putRecord(ctx, recordKey(ctx, RecordType.packing, id), next);
        emit(ctx, 'PackingListVoided', {
            packingNo: id,
            reopened: packing.orderCodes,
            amendments: next.amendments ?? 1,
            reason: why,
        });
        return jsonResult(next);
    }

    /** An order of the caller (others: as missing) that is neither void, declared nor packed. */
    async #openOrder(ctx: Context, actor: Actor, code: string): Promise<ConsolidationOrder> {
        const order = await loadOrder(ctx, code);
        assertSees(actor, { consolidator: order.consolidatorId }, `consolidation order ${code}`);
        if (order.status === 'VOID') throw refused('ALREADY_VOID', `order ${code} is void`);
        if (order.status === 'PACKED') {
            await undeclaredTrades(ctx, order.tradeNos, `order ${code}`);
            throw refused('AMEND_AFTER_PACKING', `order ${code} is packed in ${order.packingNo ?? '?'}`);
        }
        return order;
    }

    /** A packing list of the caller (others: as missing), not void and none of whose trades a declaration holds. */
    async #undeclaredPacking(
        ctx: Context,
        actor: Actor,
        id: string,
    ): Promise<{ packing: PackingList; trades: Trade[] }> {
        const packing = await loadPacking(ctx, id);
        assertSees(actor, { consolidator: packing.consolidatorId }, `packing list ${id}`);
        if (packing.status === 'VOID') throw refused('ALREADY_VOID', `packing list ${id} is void`);
        return { packing, trades: await undeclaredTrades(ctx, packing.tradeNos, `packing list ${id}`) };
    }

    /** Trades taken out of an order: CONFIRMED again, in no order. */
    async #release(ctx: Context, actor: Actor, tradeNos: readonly string[]): Promise<void> {
        for (const tradeNo of tradeNos) {
            const trade = await loadTrade(ctx, tradeNo);
            await putTrade(ctx, {
                ...without(trade, 'consolidationOrder'),
                status: 'CONFIRMED',
                updatedBy: actor.signature,
            });
        }
    }

    @Transaction(false)
    async GetConsolidationOrder(ctx: Context, orderCode: string): Promise<string> {
        const code = parseArg(orderCode, ID, 'orderCode');
        const actor = await authorize(ctx, 'ConsolidationContract.GetConsolidationOrder');
        const order = await loadOrder(ctx, code);
        assertSees(actor, { consolidator: order.consolidatorId, agent: order.agentId }, `consolidation order ${code}`);
        return jsonResult(order);
    }

    @Transaction(false)
    async GetPackingList(ctx: Context, packingNo: string): Promise<string> {
        const id = parseArg(packingNo, ID, 'packingNo');
        const actor = await authorize(ctx, 'ConsolidationContract.GetPackingList');
        const packing = await loadPacking(ctx, id);
        assertSees(
            actor,
            { consolidator: packing.consolidatorId, agent: packing.agentId, broker: packing.brokerId },
            `packing list ${id}`,
        );
        return jsonResult(packing);
    }
}
