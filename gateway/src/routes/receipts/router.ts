import type { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/route';
import { page } from '../common';
import { evidenceFor, txRoute } from '../ledger-route';
import {
    AllocateBody,
    BankCheckResult,
    CheckReceiptBody,
    FileReceiptBody,
    ReceiptListQuery,
    ReceiptParams,
    ReceiptListItem,
    ReceiptRecord,
    SettleBody,
    StoredPayer,
    VerifiedResponse,
    VerifyBody,
} from './schema';
import { payerTransient, receiptArg, receiptListCall, verifyPayerTransient } from './service';

const tag = 'receipts';

export function receiptRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/receipts',
            operationId: 'fileReceipt',
            summary: 'Record a foreign-exchange receipt, optionally allocated to trades (bank)',
            tag,
            write: true,
            status: 201,
            body: FileReceiptBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: ReceiptRecord,
            tx: 'ReceiptContract:FileReceipt',
            args: ({ body }) => receiptArg(body),
            transient: ({ body }) => payerTransient(body.payer),
        }),
        txRoute({
            method: 'post',
            path: '/v1/receipts/check',
            operationId: 'checkReceipt',
            summary: 'Bank verdict: is this receipt backed by real, exported, unused trades? (BK-01..10)',
            description: 'Read-only; answers PASS/REFER/FAIL with reasons and the ledger txIds and blocks relied on.',
            tag: 'verification',
            body: CheckReceiptBody,
            evidence: true,
            errors: ['NOT_FOUND'],
            result: BankCheckResult,
            tx: 'ReceiptContract:CheckReceipt',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        defineRoute({
            method: 'get',
            path: '/v1/receipts',
            operationId: 'listReceipts',
            ledger: ['ReceiptContract.ListReceiptsByTrade', 'ReceiptContract.ListReceiptsByPayee'],
            summary: 'List receipts by trade or by payee (exactly one filter)',
            tag,
            query: ReceiptListQuery,
            description: 'By tradeNo the items are allocations to that trade (one per receipt); by payee, receipts.',
            // a vendor or agent listing by a trade that does not exist (or is not theirs)
            errors: ['NOT_FOUND'],
            response: page(ReceiptListItem),
            handle: async ({ ledger, query }) =>
                (await ledger.query(receiptListCall(query))) as z.input<
                    ReturnType<typeof page<typeof ReceiptListItem>>
                >,
        }),
        txRoute({
            method: 'get',
            path: '/v1/receipts/:receiptId',
            operationId: 'getReceipt',
            summary: 'Read a receipt with its allocations',
            tag,
            params: ReceiptParams,
            errors: ['NOT_FOUND'],
            result: ReceiptRecord,
            tx: 'ReceiptContract:GetReceipt',
            args: ({ params }) => [params.receiptId],
        }),
        txRoute({
            method: 'get',
            path: '/v1/receipts/:receiptId/payer',
            operationId: 'getReceiptPayer',
            summary: 'Read the payer details of a receipt (the filing bank only)',
            tag,
            params: ReceiptParams,
            errors: ['NOT_FOUND'],
            result: StoredPayer,
            tx: 'ReceiptContract:GetReceiptPayer',
            args: ({ params }) => [params.receiptId],
        }),
        txRoute({
            method: 'post',
            path: '/v1/receipts/:receiptId/allocations',
            operationId: 'allocateReceipt',
            summary: 'Allocate a receipt to trades (V25: never more than remains)',
            tag,
            write: true,
            params: ReceiptParams,
            body: AllocateBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: ReceiptRecord,
            tx: 'ReceiptContract:AllocateReceipt',
            args: ({ params, body }) => [params.receiptId, JSON.stringify(body.allocations)],
        }),
        defineRoute({
            method: 'post',
            path: '/v1/receipts/:receiptId/verify',
            operationId: 'verifyReceipt',
            ledger: ['ReceiptContract.VerifyReceipt', 'ReceiptContract.GetReceiptPayer'],
            summary: 'Run the bank checks and record the verdict on the ledger (bank)',
            tag: 'verification',
            write: true,
            params: ReceiptParams,
            body: VerifyBody,
            response: VerifiedResponse,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            handle: async ({ ledger, params, body }) => {
                const transient = await verifyPayerTransient(ledger, params.receiptId, body.payer);
                const submitted = await ledger.submit({
                    fn: 'ReceiptContract:VerifyReceipt',
                    args: [params.receiptId],
                    transient,
                });
                const result = JSON.parse(submitted.payload) as z.input<typeof VerifiedResponse>['result'];
                return {
                    result,
                    txId: submitted.txId,
                    blockNumber: submitted.blockNumber,
                    evidence: await evidenceFor(ledger, result.check),
                };
            },
        }),
        txRoute({
            method: 'post',
            path: '/v1/receipts/:receiptId/settle',
            operationId: 'settleReceipt',
            summary: 'Settle (convert) or credit a verified receipt (bank)',
            tag,
            write: true,
            params: ReceiptParams,
            body: SettleBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            result: ReceiptRecord,
            tx: 'ReceiptContract:SettleReceipt',
            args: ({ params, body }) => [params.receiptId, JSON.stringify(body)],
        }),
    ];
}
