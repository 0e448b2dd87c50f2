import type { AnyRoute } from '../../http/route';
import { page } from '../common';
import { epcisIds } from '../../epcis';
import { epcisRoute } from './epcis';
import { txRoute } from '../ledger-route';
import {
    CustomsCheckReport,
    CustomsEvents,
    DeclarationBody,
    DeclarationPreview,
    DeclarationRecord,
    DeclListQuery,
    DeclParams,
    LineParams,
    LineTrace,
    PreviewBody,
} from './schema';
import { declListArgs } from './service';

const tag = 'declarations';

export function declarationRoutes(epcisIdBase?: string): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/declarations/preview',
            operationId: 'previewDeclaration',
            summary: 'Build the simplified declaration for a packing list without filing it',
            description:
                'Read-only: itemises the five highest-value kinds, merges the rest per HS chapter, checks the cap.',
            tag,
            body: PreviewBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: DeclarationPreview,
            tx: 'DeclarationContract:PreviewDeclaration',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'post',
            path: '/v1/declarations',
            operationId: 'fileDeclaration',
            summary: 'File a mode-1039 declaration (agent or broker)',
            description:
                'Dated on the China business day of the filing (V32: a declDate before the day before, or in the ' +
                'future, is 422 RULE_V32); declared at the customs office of the trades’ cluster (else 422 RULE_V02). ' +
                'Values convert to USD at the rates customs published for the declDate month (V31; none published ' +
                'for a trade currency is 422 RULE_V31_RATE_MISSING), never at rates the declarant sends.',
            tag,
            write: true,
            status: 201,
            body: DeclarationBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: DeclarationRecord,
            tx: 'DeclarationContract:FileDeclaration',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/declarations',
            operationId: 'listDeclarations',
            summary: 'List declarations of a day',
            tag,
            query: DeclListQuery,
            result: page(DeclarationRecord),
            tx: 'DeclarationContract:ListDeclarationsByDate',
            args: ({ query }) => declListArgs(query),
        }),
        txRoute({
            method: 'get',
            path: '/v1/declarations/:declNo',
            operationId: 'getDeclaration',
            summary: 'Read a declaration with its lines and their source trade lines',
            tag,
            params: DeclParams,
            errors: ['NOT_FOUND'],
            result: DeclarationRecord,
            tx: 'DeclarationContract:GetDeclaration',
            args: ({ params }) => [params.declNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/declarations/:declNo/events',
            operationId: 'getCustomsEvents',
            summary: 'Customs events of a declaration, in order',
            tag: 'customs',
            params: DeclParams,
            errors: ['NOT_FOUND'],
            result: CustomsEvents,
            tx: 'CustomsContract:GetCustomsEvents',
            args: ({ params }) => [params.declNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/declarations/:declNo/check',
            operationId: 'checkDeclaration',
            summary: 'Customs verdict on a declaration (CU-01..CU-08) with the ledger txIds and blocks it relied on',
            tag: 'verification',
            params: DeclParams,
            evidence: true,
            errors: ['NOT_FOUND'],
            result: CustomsCheckReport,
            tx: 'CustomsContract:CheckDeclaration',
            args: ({ params }) => [params.declNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/declarations/:declNo/lines/:gNo/trace',
            operationId: 'traceDeclarationLine',
            summary: 'Who is accountable for a declaration line (CU-07), with the txIds and blocks of each fact',
            tag: 'verification',
            params: LineParams,
            evidence: true,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            result: LineTrace,
            tx: 'CustomsContract:TraceDeclarationLine',
            args: ({ params }) => [params.declNo, String(params.gNo)],
        }),
        epcisRoute(epcisIds(epcisIdBase)),
    ];
}
