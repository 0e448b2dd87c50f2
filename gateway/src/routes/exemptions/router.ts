import type { AnyRoute } from '../../http/route';
import { page } from '../common';
import { txRoute } from '../ledger-route';
import { ExemptionGuardResult, ExemptionRecord, FilingBody, FilingListQuery, FilingParams } from './schema';
import { filingListArgs } from './service';

const tag = 'exemptions';

export function exemptionRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/exemptions',
            operationId: 'fileExemption',
            summary: 'File a VAT-exemption claim for exported trades (vendor, or agent under a signed agreement)',
            tag,
            write: true,
            status: 201,
            body: FilingBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: ExemptionRecord,
            tx: 'ExemptionContract:FileExemption',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'post',
            path: '/v1/exemptions/check',
            operationId: 'checkExemption',
            summary: 'Would this filing pass the exemption guard (CU-09)? Read-only',
            tag: 'verification',
            body: FilingBody,
            evidence: true,
            result: ExemptionGuardResult,
            tx: 'ExemptionContract:CheckExemption',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/exemptions',
            operationId: 'listExemptions',
            summary: 'List a merchant’s exemption filings',
            tag,
            query: FilingListQuery,
            result: page(ExemptionRecord),
            tx: 'ExemptionContract:ListExemptionsByMerchant',
            args: ({ query }) => filingListArgs(query),
        }),
        txRoute({
            method: 'get',
            path: '/v1/exemptions/:filingNo',
            operationId: 'getExemption',
            summary: 'Read an exemption filing',
            tag,
            params: FilingParams,
            errors: ['NOT_FOUND'],
            result: ExemptionRecord,
            tx: 'ExemptionContract:GetExemption',
            args: ({ params }) => [params.filingNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/exemptions/:filingNo/guard',
            operationId: 'exemptionGuard',
            summary: 'CU-09 verdict on a filed exemption: every trade exported, none claimed twice',
            tag: 'verification',
            params: FilingParams,
            evidence: true,
            errors: ['NOT_FOUND'],
            result: ExemptionGuardResult,
            tx: 'ExemptionContract:ExemptionGuard',
            args: ({ params }) => [params.filingNo],
        }),
    ];
}
