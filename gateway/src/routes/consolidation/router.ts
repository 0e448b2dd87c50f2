import type { AnyRoute } from '../../http/route';
import { txRoute } from '../ledger-route';
import {
    ConsolidationOrderRecord,
    OrderBody,
    OrderParams,
    PackingBody,
    PackingListRecord,
    PackingParams,
} from './schema';
import { jsonArg } from './service';

const tag = 'consolidation';

export function consolidationRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/consolidation-orders',
            operationId: 'createConsolidationOrder',
            summary: 'Group confirmed trades into a consolidation order (the consolidator)',
            tag,
            write: true,
            status: 201,
            body: OrderBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: ConsolidationOrderRecord,
            tx: 'ConsolidationContract:CreateConsolidationOrder',
            args: ({ body }) => jsonArg(body),
        }),
        txRoute({
            method: 'get',
            path: '/v1/consolidation-orders/:orderCode',
            operationId: 'getConsolidationOrder',
            summary: 'Read a consolidation order',
            tag,
            params: OrderParams,
            errors: ['NOT_FOUND'],
            result: ConsolidationOrderRecord,
            tx: 'ConsolidationContract:GetConsolidationOrder',
            args: ({ params }) => [params.orderCode],
        }),
        txRoute({
            method: 'post',
            path: '/v1/packing-lists',
            operationId: 'recordPackingList',
            summary: 'Record the packing list: containers, seals and the orders in each (the consolidator)',
            tag,
            write: true,
            status: 201,
            body: PackingBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: PackingListRecord,
            tx: 'ConsolidationContract:RecordPackingList',
            args: ({ body }) => jsonArg(body),
        }),
        txRoute({
            method: 'get',
            path: '/v1/packing-lists/:packingNo',
            operationId: 'getPackingList',
            summary: 'Read a packing list',
            tag,
            params: PackingParams,
            errors: ['NOT_FOUND'],
            result: PackingListRecord,
            tx: 'ConsolidationContract:GetPackingList',
            args: ({ params }) => [params.packingNo],
        }),
    ];
}
