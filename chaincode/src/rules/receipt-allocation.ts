/**
 * Allocating one receipt to trades (V24, V25) and the signals an allocation raises (F2, F9). Pure: the contract loads
 * the trade and its other allocations, calls {@link allocateToTrade}, writes what it returns and raises the signals.
 */
import { invalid, precondition, ruleViolation } from '../lib/errors';
import { businessDateOf } from '../lib/identity';
import type {
    AllocationRecord,
    ExchangeRates,
    RaiseInput,
    ReceiptAllocationEntry,
    ReceiptRecord,
    Signature,
    Trade,
} from '../model/records';
import { evaluateAllocation, receiptAllocationStatus, summariseReceipt } from './allocation';
import { expectedPayee } from './bank-check';
import { assertLinesWithinValue } from './line-allocation';
import { assertAllocationRate } from './rates';

/** The receipt an allocation belongs to. */
export interface ReceiptHead {
    readonly receiptId: string;
    readonly receiptRef: string;
    readonly bankMspId: string;
    readonly payeePartyId: string;
    readonly currency: string;
    readonly valueDate: string;
    /** V31: customs' rates in force for the value-date month, which a dealing rate must stay near. */
    readonly customsRates: ExchangeRates | undefined;
}

export interface AllocationInput {
    readonly tradeNo: string;
    /** In the receipt's currency. */
    readonly amountMinor: number;
    readonly rate?: string;
    /** The trade line paid; absent = the whole trade (see line-allocation.ts). */
    readonly lineId?: string;
}

export interface Allocation {
    readonly entry: ReceiptAllocationEntry;
    readonly record: AllocationRecord;
    /** F2 / F9 flags to raise, in this order. */
    readonly signals: RaiseInput[];
}

/** A receipt lists each trade once, across all its allocations. */
export function assertDistinctTrades(
    allocations: readonly { tradeNo: string }[],
    already: readonly string[] = [],
): void {
    const seen = new Set(already);
    for (const { tradeNo } of allocations) {
        if (seen.has(tradeNo)) throw invalid(`trade ${tradeNo} appears twice in the allocations of one receipt`);
        seen.add(tradeNo);
    }
}

/** A cancelled trade takes no money; V24: the proceeds go to the trade's agent or vendor, as it says. */
export function assertAllocatable(trade: Trade, payeePartyId: string): void {
    if (trade.status === 'CANCELLED') throw precondition(`trade ${trade.tradeNo} is CANCELLED`);
    const expected = expectedPayee({
        agencyReceipt: trade.agencyReceipt,
        agentId: trade.agentId,
        merchantId: trade.vendorId,
    });
    if (expected !== payeePartyId) {
        const who = trade.agencyReceipt ? 'its agent' : 'its vendor';
        throw ruleViolation(
            'V24',
            `trade ${trade.tradeNo} must be paid to ${who} ${expected ?? '?'}, not ${payeePartyId}`,
        );
    }
}

/**
 * Allocates part of a receipt to one trade that already has `existing` allocations: `RULE_V25:` when the trade's
 * total would pass its tolerance cap. Signals F2 (the trade paid beyond its value by more than one receipt) and F9
 * (money dated before the trade was registered).
 */
export function allocateToTrade(
    head: ReceiptHead,
    trade: Trade,
    existing: readonly AllocationRecord[],
    input: AllocationInput,
    by: Signature,
): Allocation {
    assertAllocatable(trade, head.payeePartyId);
    const rate = input.rate ?? null;
    assertAllocationRate(head.customsRates, head, trade, rate);
    const decision = evaluateAllocation(
        { amountMinor: trade.totalAmount, currency: trade.currency },
        existing.map((a) => a.tradeAmountMinor),
        { amountMinor: input.amountMinor, currency: head.currency, rate },
    );
    if (!decision.accepted) throw ruleViolation('V25', `trade ${input.tradeNo}: ${decision.message}`);
    assertLinesWithinValue(trade, existing, { lineId: input.lineId, tradeAmountMinor: decision.tradeAmountMinor });
    const line = input.lineId === undefined ? {} : { lineId: input.lineId };
    const entry: ReceiptAllocationEntry = {
        tradeNo: input.tradeNo,
        ...line,
        amountMinor: input.amountMinor,
        rate,
        tradeAmountMinor: decision.tradeAmountMinor,
        tradeCurrency: trade.currency,
        allocatedAt: by.at,
    };
    const record: AllocationRecord = {
        docType: 'allocation',
        tradeNo: input.tradeNo,
        ...line,
        receiptId: head.receiptId,
        bankMspId: head.bankMspId,
        receiptAmountMinor: input.amountMinor,
        receiptCurrency: head.currency,
        rate,
        tradeAmountMinor: decision.tradeAmountMinor,
        tradeCurrency: trade.currency,
        valueDate: head.valueDate,
        allocatedBy: by,
    };
    return { entry, record, signals: allocationSignals(head, trade, existing, decision.after.allocatedMinor) };
}

function allocationSignals(
    head: ReceiptHead,
    trade: Trade,
    existing: readonly AllocationRecord[],
    afterMinor: number,
): RaiseInput[] {
    const signals: RaiseInput[] = [];
    if (afterMinor > trade.totalAmount && existing.length > 0) {
        const banks = new Set([...existing.map((a) => a.bankMspId), head.bankMspId]);
        const evidence = { valueMinor: trade.totalAmount, currency: trade.currency, allocatedMinor: afterMinor };
        signals.push({
            subjectType: 'trade',
            subjectId: trade.tradeNo,
            ruleId: 'F2',
            severity: banks.size > 1 ? 'HIGH' : 'MEDIUM',
            evidence: { ...evidence, receiptCount: existing.length + 1, bankCount: banks.size },
        });
    }
    const registeredOn = businessDateOf(trade.registeredBy.at);
    if (head.valueDate < registeredOn) {
        signals.push({
            subjectType: 'receipt',
            subjectId: head.receiptId,
            ruleId: 'F9',
            severity: 'MEDIUM',
            evidence: { tradeNo: trade.tradeNo, valueDate: head.valueDate, tradeRegisteredOn: registeredOn },
        });
    }
    return signals;
}

/**
 * Totals and allocation status of a receipt with these allocations (`RULE_V25:` above its amount); `allExported`
 * says whether every allocated trade has left the country.
 */
export function receiptAllocationState(
    amountMinor: number,
    entries: readonly ReceiptAllocationEntry[],
    allExported: boolean,
): Pick<ReceiptRecord, 'allocatedMinor' | 'unallocatedMinor' | 'status'> {
    const summary = summariseReceipt(
        amountMinor,
        entries.map((e) => e.amountMinor),
    );
    if (summary === null) {
        throw ruleViolation('V25', `allocations exceed the receipt amount of ${amountMinor} minor units`);
    }
    return {
        allocatedMinor: summary.allocatedMinor,
        unallocatedMinor: summary.unallocatedMinor,
        status: receiptAllocationStatus(summary, allExported),
    };
}
