import type { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/route';
import { page, Reason, Resolution, WriteResponse } from '../common';
import { txRoute } from '../ledger-route';
import { TradeExemption } from '../exemptions/schema';
import { bulkChunks, mergeChunkAnswers, submitChunks } from './bulk';
import {
    AmendBody,
    BulkRegistration,
    BulkTradesBody,
    TradeBody,
    TradeHistory,
    TradeListQuery,
    TradeParams,
    TradeRecord,
    TradeSettlement,
} from './schema';
import { tradeListCall } from './service';

const tag = 'trades';

export function tradeRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/trades',
            operationId: 'registerTrade',
            summary: 'Register a trade (the vendor or agent party to it)',
            description: 'A trade that breaks a soft rule is kept as FLAGGED with its risk flags; hard rules are 422.',
            tag,
            write: true,
            status: 201,
            body: TradeBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: TradeRecord,
            tx: 'TradeContract:RegisterTrade',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        defineRoute({
            method: 'post',
            path: '/v1/trades/bulk',
            operationId: 'registerTrades',
            ledger: ['TradeContract.RegisterTrades'],
            summary: 'Register up to 500 trades, answered per row',
            description:
                'Every row must have the shape of `POST /v1/trades`: one malformed row refuses the whole request ' +
                '(400, naming each bad row) and nothing is submitted. Well-formed rows go to the ledger in ' +
                'transactions of up to 50 consecutive rows, submitted at once (one transaction when a tradeNo ' +
                'repeats), where each row is registered or answers `{ok:false, code, message}` on its own ' +
                '(a rule it breaks, a duplicate, a party it may not act for). Each transaction commits or fails as ' +
                'a whole, not the request: when one fails the request answers that error, and a retry with the same ' +
                'Idempotency-Key answers the committed transactions from the journal and submits only the rest. ' +
                '`result.transactions` names each transaction and its rows; `txId` and `blockNumber` are the first.',
            tag,
            write: true,
            status: 201,
            body: BulkTradesBody,
            response: WriteResponse(BulkRegistration),
            handle: async ({ ledger, body }) => {
                const chunks = await submitChunks(ledger, bulkChunks(body.trades));
                const [first] = chunks as [(typeof chunks)[number]];
                return {
                    result: mergeChunkAnswers(chunks),
                    txId: first.submitted.txId,
                    blockNumber: first.submitted.blockNumber,
                };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/trades',
            operationId: 'listTrades',
            ledger: ['TradeContract.ListTradesByVendor', 'TradeContract.ListTradesByAgent'],
            summary: 'List trades by vendor or agent (exactly one filter)',
            description:
                'By buyer or by trade date: `GET /v1/worklists/trades?party=…` or `?dateFrom=…&dateTo=…` (the read ' +
                'model, same rows for the same caller); `buyerId` or `tradeDate` here answers 400 naming that.',
            tag,
            query: TradeListQuery,
            response: page(TradeRecord),
            handle: async ({ ledger, query }) =>
                (await ledger.query(tradeListCall(query))) as z.input<ReturnType<typeof page<typeof TradeRecord>>>,
        }),
        txRoute({
            method: 'get',
            path: '/v1/trades/:tradeNo',
            operationId: 'getTrade',
            summary: 'Read a trade',
            tag,
            params: TradeParams,
            errors: ['NOT_FOUND'],
            result: TradeRecord,
            tx: 'TradeContract:GetTrade',
            args: ({ params }) => [params.tradeNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/trades/:tradeNo/history',
            operationId: 'getTradeHistory',
            summary: 'Every committed version of a trade with its txId and time',
            tag,
            params: TradeParams,
            errors: ['NOT_FOUND'],
            result: TradeHistory,
            tx: 'TradeContract:GetTradeHistory',
            args: ({ params }) => [params.tradeNo],
        }),
        txRoute({
            method: 'post',
            path: '/v1/trades/:tradeNo/amend',
            operationId: 'amendTrade',
            summary: 'Amend a trade before consolidation (keeps history)',
            tag,
            write: true,
            params: TradeParams,
            body: AmendBody,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'RULE_Vnn'],
            result: TradeRecord,
            tx: 'TradeContract:AmendTrade',
            args: ({ params, body }) => [params.tradeNo, JSON.stringify(body.amendment), body.reason],
        }),
        txRoute({
            method: 'post',
            path: '/v1/trades/:tradeNo/cancel',
            operationId: 'cancelTrade',
            summary: 'Cancel a trade before consolidation',
            tag,
            write: true,
            params: TradeParams,
            body: Reason,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            result: TradeRecord,
            tx: 'TradeContract:CancelTrade',
            args: ({ params, body }) => [params.tradeNo, body.reason],
        }),
        txRoute({
            method: 'post',
            path: '/v1/trades/:tradeNo/resolve-flag',
            operationId: 'resolveTradeFlag',
            summary: 'Confirm a FLAGGED trade after review (market operator)',
            tag,
            write: true,
            params: TradeParams,
            body: Resolution,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            result: TradeRecord,
            tx: 'TradeContract:ResolveTradeFlag',
            args: ({ params, body }) => [params.tradeNo, body.resolution],
        }),
        txRoute({
            method: 'get',
            path: '/v1/trades/:tradeNo/settlement',
            operationId: 'getTradeSettlement',
            summary: 'Receipts allocated to a trade and what remains',
            tag,
            params: TradeParams,
            errors: ['NOT_FOUND'],
            result: TradeSettlement,
            tx: 'ReceiptContract:GetTradeSettlement',
            args: ({ params }) => [params.tradeNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/trades/:tradeNo/exemption',
            operationId: 'getTradeExemption',
            summary: 'The VAT-exemption filing that claimed a trade, if any',
            tag,
            params: TradeParams,
            errors: ['NOT_FOUND'],
            result: TradeExemption,
            tx: 'ExemptionContract:GetExemptionByTrade',
            args: ({ params }) => [params.tradeNo],
        }),
    ];
}
