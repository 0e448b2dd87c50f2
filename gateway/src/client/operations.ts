import type { z } from 'zod';
import { Evidenced, page, WriteResponse } from '../routes/common';
import { CustomsCheckReport, DeclParams, LineParams, LineTrace } from '../routes/declarations/schema';
import {
    DocumentParams,
    RegisterDocumentBody,
    RegisterDocumentResponse,
    VerifyDocumentResponse,
} from '../routes/documents/schema';
import {
    DocumentHistory,
    ExemptionHistory,
    HistoryParams,
    ReceiptHistory,
    RecordHistory,
} from '../routes/history/schema';
import { FilingParams } from '../routes/exemptions/schema';
import { EnrolBody, EnrolResponse, OnboardBody, OnboardResponse } from '../routes/onboarding/schema';
import { BankCheckResult, CheckReceiptBody, ReceiptParams, ReceiptRecord } from '../routes/receipts/schema';
import { BulkRegistration, BulkTradesBody, TradeBody, TradeListQuery, TradeRecord } from '../routes/trades/schema';
import { TradeItem, TradeListQuery as WorkListTradesQuery, workListPage } from '../routes/worklists/schema';

/** One operation of `/openapi.json` as the client calls it, typed by the gateway's own zod schemas. */
export interface OperationSpec {
    readonly method: 'get' | 'post';
    /** Express pattern, as the gateway's route table has it: `/v1/documents/:sha256`. */
    readonly path: string;
    /** Writes send an Idempotency-Key. */
    readonly write?: true;
    readonly params?: z.ZodType;
    /** Sent as the query string. */
    readonly query?: z.ZodType;
    readonly body?: z.ZodType;
    readonly response: z.ZodType;
}

/**
 * The operations the gateway's callers use, by their `operationId` in `/openapi.json`, with the schemas of the route
 * that serves each (a unit test holds every entry to the generated document). Add one here when a caller needs it.
 */
export const OPERATIONS = {
    onboard: { method: 'post', path: '/v1/onboarding', write: true, body: OnboardBody, response: OnboardResponse },
    enrol: { method: 'post', path: '/v1/enrolment', body: EnrolBody, response: EnrolResponse },
    registerDocument: {
        method: 'post',
        path: '/v1/documents',
        write: true,
        body: RegisterDocumentBody,
        response: RegisterDocumentResponse,
    },
    verifyDocument: {
        method: 'get',
        path: '/v1/documents/:sha256',
        params: DocumentParams,
        response: VerifyDocumentResponse,
    },
    registerTrade: {
        method: 'post',
        path: '/v1/trades',
        write: true,
        body: TradeBody,
        response: WriteResponse(TradeRecord),
    },
    listTrades: { method: 'get', path: '/v1/trades', query: TradeListQuery, response: page(TradeRecord) },
    workListTrades: {
        method: 'get',
        path: '/v1/worklists/trades',
        query: WorkListTradesQuery,
        response: workListPage(TradeItem),
    },
    registerTrades: {
        method: 'post',
        path: '/v1/trades/bulk',
        write: true,
        body: BulkTradesBody,
        response: WriteResponse(BulkRegistration),
    },
    traceDeclarationLine: {
        method: 'get',
        path: '/v1/declarations/:declNo/lines/:gNo/trace',
        params: LineParams,
        response: Evidenced(LineTrace),
    },
    checkDeclaration: {
        method: 'get',
        path: '/v1/declarations/:declNo/check',
        params: DeclParams,
        response: Evidenced(CustomsCheckReport),
    },
    checkReceipt: {
        method: 'post',
        path: '/v1/receipts/check',
        body: CheckReceiptBody,
        response: Evidenced(BankCheckResult),
    },
    getReceipt: { method: 'get', path: '/v1/receipts/:receiptId', params: ReceiptParams, response: ReceiptRecord },
    getHistory: {
        method: 'get',
        path: '/v1/history/:recordType/:recordId',
        params: HistoryParams,
        response: Evidenced(RecordHistory),
    },
    getReceiptHistory: {
        method: 'get',
        path: '/v1/receipts/:receiptId/history',
        params: ReceiptParams,
        response: ReceiptHistory,
    },
    getExemptionHistory: {
        method: 'get',
        path: '/v1/exemptions/:filingNo/history',
        params: FilingParams,
        response: ExemptionHistory,
    },
    getDocumentHistory: {
        method: 'get',
        path: '/v1/documents/:sha256/history',
        params: DocumentParams,
        response: DocumentHistory,
    },
} as const satisfies Record<string, OperationSpec>;

export type Operations = typeof OPERATIONS;
export type OperationId = keyof Operations;

type Part<Op, K extends string> = Op extends Record<K, infer S extends z.ZodType> ? Record<K, z.input<S>> : unknown;

/** What a call sends: the path parameters, query and body the route's schemas accept, and a key for a write. */
export type OperationInput<Id extends OperationId> = Part<Operations[Id], 'params'> &
    Part<Operations[Id], 'query'> &
    Part<Operations[Id], 'body'> &
    (Operations[Id] extends { write: true } ? { idempotencyKey: string } : unknown);

/** What a call answers on success: the route's response schema's output. */
export type OperationOutput<Id extends OperationId> = z.output<Operations[Id]['response']>;
