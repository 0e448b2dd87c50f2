import type { AnyRoute } from '../../http/route';
import { txRoute } from '../ledger-route';
import { HistoryParams, RecordHistory } from './schema';
import { historyArgs } from './service';

export function historyRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'get',
            path: '/v1/history/:recordType/:recordId',
            operationId: 'getHistory',
            summary: 'Every committed version of any record, with txId and time (operator, customs, auditor)',
            tag: 'history',
            params: HistoryParams,
            evidence: true,
            errors: ['NOT_FOUND'],
            result: RecordHistory,
            tx: 'HistoryContract:GetHistory',
            args: ({ params }) => historyArgs(params),
        }),
    ];
}
