import type { AnyRoute } from '../../http/route';
import { Reason } from '../common';
import { DeclarationRecord, DeclParams } from '../declarations/schema';
import { txRoute } from '../ledger-route';
import { AmendDeclarationBody, ExitBody, InspectionBody } from './schema';
import { PLAIN_EVENTS, REASONED_EVENTS } from './service';

const tag = 'customs';
/** RULE_Vnn: V32, an event dated before the declaration's previous one (or an exit date in the future). */
const errors = ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'] as const;

export function customsRoutes(): AnyRoute[] {
    const plain = Object.entries(PLAIN_EVENTS).map(([action, [tx, summary]]) =>
        txRoute({
            method: 'post',
            path: `/v1/declarations/:declNo/${action}`,
            operationId: tx.charAt(0).toLowerCase() + tx.slice(1),
            summary: `${summary} (customs)`,
            tag,
            write: true,
            params: DeclParams,
            errors,
            result: DeclarationRecord,
            tx: `CustomsContract:${tx}`,
            args: ({ params }) => [params.declNo],
        }),
    );
    const reasoned = Object.entries(REASONED_EVENTS).map(([action, [tx, summary]]) =>
        txRoute({
            method: 'post',
            path: `/v1/declarations/:declNo/${action}`,
            operationId: tx.charAt(0).toLowerCase() + tx.slice(1),
            summary: `${summary} (customs)`,
            tag,
            write: true,
            params: DeclParams,
            body: Reason,
            errors,
            result: DeclarationRecord,
            tx: `CustomsContract:${tx}`,
            args: ({ params, body }) => [params.declNo, body.reason],
        }),
    );
    return [
        ...plain,
        ...reasoned,
        txRoute({
            method: 'post',
            path: '/v1/declarations/:declNo/inspection-result',
            operationId: 'recordInspectionResult',
            summary: 'Record an inspection result; a failed inspection puts the declaration on hold (customs)',
            tag,
            write: true,
            params: DeclParams,
            body: InspectionBody,
            errors,
            result: DeclarationRecord,
            tx: 'CustomsContract:RecordInspectionResult',
            args: ({ params, body }) => [params.declNo, JSON.stringify(body)],
        }),
        txRoute({
            method: 'post',
            path: '/v1/declarations/:declNo/exit',
            operationId: 'confirmExit',
            summary: 'Confirm the goods left the country; their trades become EXPORTED (customs)',
            tag,
            write: true,
            params: DeclParams,
            body: ExitBody,
            errors,
            result: DeclarationRecord,
            tx: 'CustomsContract:ConfirmExit',
            args: ({ params, body }) => [params.declNo, body.exitDate],
        }),
        txRoute({
            method: 'post',
            path: '/v1/declarations/:declNo/amend',
            operationId: 'amendDeclaration',
            summary: 'Amend a declaration’s transport details, keeping history (customs)',
            tag,
            write: true,
            params: DeclParams,
            body: AmendDeclarationBody,
            errors,
            result: DeclarationRecord,
            tx: 'CustomsContract:AmendDeclaration',
            args: ({ params, body }) => [params.declNo, JSON.stringify(body.amendment), body.reason],
        }),
    ];
}
