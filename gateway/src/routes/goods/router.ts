import type { AnyRoute } from '../../http/route';
import { txRoute } from '../ledger-route';
import {
    GoodsBody,
    GoodsParams,
    GoodsRecord,
    NegativeListBody,
    NegativeListInForce,
    NegativeListQuery,
    NegativeListRecord,
} from './schema';
import { negativeListArgs } from './service';

const tag = 'goods';

export function goodsRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/goods',
            operationId: 'registerGoods',
            summary: 'Register goods in the registry (operator, or the owning vendor)',
            tag,
            write: true,
            status: 201,
            body: GoodsBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: GoodsRecord,
            tx: 'GoodsContract:RegisterGoods',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/goods/:goodsCode',
            operationId: 'getGoods',
            summary: 'Read a goods registry entry',
            tag,
            params: GoodsParams,
            errors: ['NOT_FOUND'],
            result: GoodsRecord,
            tx: 'GoodsContract:GetGoods',
            args: ({ params }) => [params.goodsCode],
        }),
        txRoute({
            method: 'post',
            path: '/v1/negative-lists',
            operationId: 'publishNegativeList',
            summary: 'Publish a dated, versioned negative list (operator, customs) (V05)',
            tag,
            write: true,
            status: 201,
            body: NegativeListBody,
            errors: ['CONFLICT', 'PRECONDITION'],
            result: NegativeListRecord,
            tx: 'GoodsContract:PublishNegativeList',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/negative-list',
            operationId: 'getNegativeList',
            summary: 'The negative list in force on a date',
            tag,
            query: NegativeListQuery,
            result: NegativeListInForce,
            tx: 'GoodsContract:GetNegativeList',
            args: ({ query }) => negativeListArgs(query),
        }),
    ];
}
