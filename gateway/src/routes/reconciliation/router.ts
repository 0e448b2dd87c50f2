import type { AnyRoute } from '../../http/route';
import { DeclParams } from '../declarations/schema';
import { txRoute } from '../ledger-route';
import {
    CustomsCheckHistory,
    DeclarationReconciliation,
    ReconcileTradeParams,
    RecordedCustomsCheck,
    TradeReconciliation,
} from './schema';

const tag = 'verification';

/** Three-way reconciliation (trade line ↔ declaration line ↔ receipts) and the customs check recorded on the ledger. */
export function reconciliationRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'get',
            path: '/v1/declarations/:declNo/reconciliation',
            operationId: 'reconcileDeclaration',
            summary: 'Each trade line of a declaration with its declaration line, receipts and mismatches (customs)',
            tag,
            params: DeclParams,
            errors: ['NOT_FOUND'],
            result: DeclarationReconciliation,
            tx: 'ReconciliationContract:ReconcileDeclaration',
            args: ({ params }) => [params.declNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/trades/:tradeNo/reconciliation',
            operationId: 'reconcileTrade',
            summary:
                'Each line of a trade with its declaration line, receipts and mismatches (bank: own receipts only)',
            tag,
            params: ReconcileTradeParams,
            errors: ['NOT_FOUND'],
            result: TradeReconciliation,
            tx: 'ReconciliationContract:ReconcileTrade',
            args: ({ params }) => [params.tradeNo],
        }),
        txRoute({
            method: 'post',
            path: '/v1/declarations/:declNo/customs-checks',
            operationId: 'recordCustomsCheck',
            summary: 'Run CU-01..CU-08 and record the verdict with the facts it relied on (customs)',
            tag,
            write: true,
            status: 201,
            params: DeclParams,
            errors: ['NOT_FOUND'],
            result: RecordedCustomsCheck,
            tx: 'CustomsContract:RecordCustomsCheck',
            args: ({ params }) => [params.declNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/declarations/:declNo/customs-checks',
            operationId: 'getCustomsCheck',
            summary: 'The customs check last recorded for a declaration and every one before it',
            tag,
            params: DeclParams,
            evidence: true,
            errors: ['NOT_FOUND'],
            result: CustomsCheckHistory,
            tx: 'CustomsContract:GetCustomsCheck',
            args: ({ params }) => [params.declNo],
        }),
    ];
}
