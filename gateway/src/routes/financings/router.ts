import type { AnyRoute } from '../../http/route';
import { page, pageArgs } from '../common';
import { txRoute } from '../ledger-route';
import {
    CloseFinancingBody,
    FinanceBody,
    FinancedShare,
    FinancingListQuery,
    FinancingParams,
    FinancingRecord,
} from './schema';
import { financeCall } from './service';

const tag = 'financing';

/** Bank financing against exported, filed trades (V33); a bank sees other banks' financings only as totals. */
export function financingRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/financings',
            operationId: 'financeTrades',
            summary: 'Finance exported trades or an exited declaration up to what they have left (bank, V33)',
            description:
                'Refused (RULE_V33) when the amount exceeds the trade value less receipts and every bank’s open ' +
                'financings: the same trade is never financed twice (F2).',
            tag,
            write: true,
            status: 201,
            body: FinanceBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: FinancingRecord,
            tx: 'FinancingContract:FinanceTrades',
            args: ({ body }) => financeCall(body).args,
            transient: ({ body }) => financeCall(body).transient,
        }),
        txRoute({
            method: 'get',
            path: '/v1/financings',
            operationId: 'listFinancings',
            summary: 'Financings of a trade (a bank lists only its own)',
            tag,
            query: FinancingListQuery,
            errors: [],
            result: page(FinancedShare),
            tx: 'FinancingContract:ListFinancingsByTrade',
            args: ({ query }) => [query.tradeNo, ...pageArgs(query)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/financings/:financingId',
            operationId: 'getFinancing',
            summary: 'Read a financing (the financing bank and authorities)',
            tag,
            params: FinancingParams,
            errors: ['NOT_FOUND'],
            result: FinancingRecord,
            tx: 'FinancingContract:GetFinancing',
            args: ({ params }) => [params.financingId],
        }),
        txRoute({
            method: 'post',
            path: '/v1/financings/:financingId/close',
            operationId: 'closeFinancing',
            summary: 'Close a financing: repaid, or settled by the bank’s own receipt of the financed income',
            tag,
            write: true,
            params: FinancingParams,
            body: CloseFinancingBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            result: FinancingRecord,
            tx: 'FinancingContract:CloseFinancing',
            args: ({ params, body }) => [params.financingId, JSON.stringify(body)],
        }),
    ];
}
