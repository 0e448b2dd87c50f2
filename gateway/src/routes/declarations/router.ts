import type { AnyRoute } from '../../http/route';
import { page } from '../common';
import { LedgerRecord, txRoute } from '../ledger-route';
import { DeclarationBody, DeclListQuery, DeclParams, LineParams, PreviewBody } from './schema';
import { declListArgs } from './service';

const tag = 'declarations';

export function declarationRoutes(): AnyRoute[] {
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
            tx: 'DeclarationContract:PreviewDeclaration',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'post',
            path: '/v1/declarations',
            operationId: 'fileDeclaration',
            summary: 'File a mode-1039 declaration (agent or broker)',
            tag,
            write: true,
            status: 201,
            body: DeclarationBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
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
            result: page(LedgerRecord),
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
            tx: 'CustomsContract:TraceDeclarationLine',
            args: ({ params }) => [params.declNo, String(params.gNo)],
        }),
    ];
}
