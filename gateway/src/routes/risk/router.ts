import type { AnyRoute } from '../../http/route';
import { page, Resolution } from '../common';
import { txRoute } from '../ledger-route';
import { FlagBody, FlagListQuery, FlagParams, RiskFlagRecord } from './schema';
import { flagListArgs } from './service';

const tag = 'risk';

export function riskRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/risk-flags',
            operationId: 'raiseFlag',
            summary: 'Raise a risk flag on a party, trade, declaration or receipt (operator, customs, bank)',
            tag,
            write: true,
            status: 201,
            body: FlagBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            result: RiskFlagRecord,
            tx: 'RiskContract:RaiseFlag',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/risk-flags',
            operationId: 'listFlags',
            summary: 'Risk flags of one subject',
            tag,
            query: FlagListQuery,
            result: page(RiskFlagRecord),
            tx: 'RiskContract:ListFlagsBySubject',
            args: ({ query }) => flagListArgs(query),
        }),
        txRoute({
            method: 'get',
            path: '/v1/risk-flags/:flagId',
            operationId: 'getFlag',
            summary: 'Read a risk flag',
            tag,
            params: FlagParams,
            errors: ['NOT_FOUND'],
            result: RiskFlagRecord,
            tx: 'RiskContract:GetFlag',
            args: ({ params }) => [params.flagId],
        }),
        ...(['clear', 'confirm'] as const).map((action) =>
            txRoute({
                method: 'post',
                path: `/v1/risk-flags/:flagId/${action}`,
                operationId: `${action}Flag`,
                summary: `${action === 'clear' ? 'Clear' : 'Confirm'} a risk flag (customs, bank)`,
                tag,
                write: true,
                params: FlagParams,
                body: Resolution,
                errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
                result: RiskFlagRecord,
                tx: `RiskContract:${action === 'clear' ? 'ClearFlag' : 'ConfirmFlag'}`,
                args: ({ params, body }) => [params.flagId, body.resolution],
            }),
        ),
    ];
}
