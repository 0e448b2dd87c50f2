import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { authorize, type Actor } from '../lib/auth';
import { jsonResult } from '../lib/canonical';
import { notFound } from '../lib/errors';
import { txBusinessDate } from '../lib/identity';
import { DECL_NO, ID, parseArg } from '../lib/validate';
import type { AllocationRecord, Declaration, Trade } from '../model/records';
import { creditedPerLine } from '../rules/line-allocation';
import { reconcileTrade, untradedSources, type LineReconciliation } from '../rules/reconciliation';
import { allocationsOfTrade, findTrade, loadDeclaration } from '../store/loaders';
import { Facts } from '../facts/facts';

/** What a bank sees of the allocations of a trade: its own in full, every other bank's as a count and a total. */
interface BankShare {
    readonly own: readonly AllocationRecord[];
    readonly otherBanks: { readonly count: number; readonly allocationCount: number; readonly creditedMinor: number };
}

function bankShare(actor: Actor, allocations: readonly AllocationRecord[]): BankShare {
    const own = allocations.filter((a) => a.bankMspId === actor.caller.mspId);
    const others = allocations.filter((a) => a.bankMspId !== actor.caller.mspId);
    return {
        own,
        otherBanks: {
            count: new Set(others.map((a) => a.bankMspId)).size,
            allocationCount: others.length,
            creditedMinor: others.reduce((sum, a) => sum + a.tradeAmountMinor, 0),
        },
    };
}

/** A bank's line view adds what it credited itself; the total credited stays the sum over every bank. */
function withOwnCredit(
    trade: Trade,
    lines: readonly LineReconciliation[],
    own: readonly AllocationRecord[],
): (LineReconciliation & { ownCreditedMinor: number })[] {
    const credited = creditedPerLine(trade, own);
    return lines.map((line) => ({ ...line, ownCreditedMinor: credited.get(line.lineId) ?? 0 }));
}

/**
 * Three-way reconciliation, trade line ↔ declaration line ↔ receipts, with the mismatches of each line
 * (RECONCILIATION_REASONS). Customs and auditors reconcile a whole declaration; a bank (or an authority) one trade.
 */
@Info({ title: 'ReconciliationContract', description: 'Trade lines against declaration lines and receipts' })
export class ReconciliationContract extends Contract {
    constructor() {
        super('ReconciliationContract');
    }

    /** Every trade line of the declaration with its declaration line and receipts, and sources naming no trade line. */
    @Transaction(false)
    async ReconcileDeclaration(ctx: Context, declNo: string): Promise<string> {
        const id = parseArg(declNo, DECL_NO, 'declNo');
        await authorize(ctx, 'ReconciliationContract.ReconcileDeclaration');
        const declaration = await loadDeclaration(ctx, id);
        const facts = new Facts(ctx);
        const asOf = txBusinessDate(ctx);
        const trades = new Map<string, Trade | undefined>();
        const lines: LineReconciliation[] = [];
        for (const tradeNo of declaration.tradeNos) {
            const trade = await facts.trade(tradeNo);
            trades.set(tradeNo, trade);
            if (trade === undefined) continue;
            lines.push(...reconcileTrade(trade, declaration, await allocationsOfTrade(ctx, tradeNo), asOf));
        }
        const untraded = untradedSources(declaration, trades);
        return jsonResult({
            declNo: id,
            status: declaration.status,
            exitDate: declaration.exitDate ?? null,
            asOf,
            lines,
            untraded,
            mismatches: lines.reduce((n, l) => n + l.mismatches.length, 0) + untraded.length,
        });
    }

    /** One trade's lines; a bank sees its own allocations and other banks' only as a count and a total. */
    @Transaction(false)
    async ReconcileTrade(ctx: Context, tradeNo: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const actor = await authorize(ctx, 'ReconciliationContract.ReconcileTrade');
        const trade = await findTrade(ctx, id);
        if (trade === undefined) throw notFound(`trade ${id} does not exist`);
        const declaration: Declaration | undefined =
            trade.declNo === undefined ? undefined : await loadDeclaration(ctx, trade.declNo);
        const allocations = await allocationsOfTrade(ctx, id);
        const asOf = txBusinessDate(ctx);
        const lines = reconcileTrade(trade, declaration, allocations, asOf);
        const head = {
            tradeNo: id,
            status: trade.status,
            currency: trade.currency,
            valueMinor: trade.totalAmount,
            declNo: trade.declNo ?? null,
            exitDate: declaration?.exitDate ?? null,
            asOf,
            mismatches: lines.reduce((n, l) => n + l.mismatches.length, 0),
        };
        if (actor.role !== 'bank') return jsonResult({ ...head, lines, allocations });
        const share = bankShare(actor, allocations);
        return jsonResult({
            ...head,
            lines: withOwnCredit(trade, lines, share.own),
            allocations: share.own,
            otherBanks: share.otherBanks,
        });
    }
}
