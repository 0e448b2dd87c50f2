import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize } from '../lib/auth';
import { conflict, invalid, precondition } from '../lib/errors';
import { COUNTRY, DATE, ID, arrayOf, int, object, optional, parseArg, parseJson, str, text } from '../lib/validate';
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

const PACKING = object({
    packingNo: ID,
    consolidatorId: ID,
    brokerId: ID,
    packDate: DATE,
    site: ID,
    destCountry: COUNTRY,
    billOfLading: optional(ID),
    containers: arrayOf(
        object({
            containerNo: CONTAINER_NO,
            type: str({ pattern: /^[0-9A-Z]{4}$/, max: 4, hint: 'must be an ISO size-type code such as 45G1' }),
            sealNo: ID,
            tareKg: int({ min: 0, max: 10_000 }),
            orderCodes: arrayOf(ID, { min: 1, max: 100 }),
        }),
        { min: 1, max: 50 },
    ),
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
        if (order.status !== 'OPEN') {
            throw conflict(`order ${code} is already packed in ${order.packingNo ?? '?'} (CU-05)`);
        }
        orders.push(order);
    }
    return orders;
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
            if (trade.consolidationOrder !== undefined) {
                throw conflict(`trade ${tradeNo} is already in order ${trade.consolidationOrder} (CU-05)`);
            }
            if (trade.status !== 'CONFIRMED') throw precondition(`trade ${tradeNo} is ${trade.status}, not CONFIRMED`);
            if (trade.agentId !== input.agentId)
                throw precondition(`trade ${tradeNo} belongs to agent ${trade.agentId}`);
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
