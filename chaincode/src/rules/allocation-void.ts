/**
 * Voiding one allocation of a receipt (the allocating bank's correction). Pure: the contract loads the receipt and the
 * allocation record, calls {@link voidAllocation}, recomputes the receipt's totals and writes what it returns. The
 * voided amount is unallocated again on the receipt and no longer counts for the trade (V25, BK-04), so either may be
 * allocated anew; the voided entry stays on the receipt and the allocation key keeps its history.
 */
import { notFound, refused } from '../lib/errors';
import { without } from '../lib/objects';
import type { AllocationRecord, Correction, ReceiptRecord, VoidedAllocation } from '../model/records';

export interface VoidedReceipt {
    /** The receipt without the voided allocation (totals and status still to recompute), unverified. */
    readonly receipt: ReceiptRecord;
    /** The allocation record marked VOID. */
    readonly record: AllocationRecord;
}

/** `VOID_AFTER_SETTLEMENT` once the money is settled or credited; `NOT_FOUND` when the receipt has no such allocation. */
export function voidAllocation(
    receipt: ReceiptRecord,
    record: AllocationRecord | undefined,
    tradeNo: string,
    correction: Correction,
): VoidedReceipt {
    if (receipt.status === 'SETTLED' || receipt.status === 'CREDITED') {
        throw refused('VOID_AFTER_SETTLEMENT', `receipt ${receipt.receiptId} is ${receipt.status}`);
    }
    const entry = receipt.allocations.find((a) => a.tradeNo === tradeNo);
    if (entry === undefined || record === undefined || record.status === 'VOID') {
        throw notFound(`receipt ${receipt.receiptId} has no allocation to trade ${tradeNo}`);
    }
    const voided: VoidedAllocation = { ...entry, voided: correction };
    // the recorded verdict relied on the voided allocation: the bank checks the receipt again
    const unverified = without(receipt, 'verification');
    return {
        receipt: {
            ...unverified,
            allocations: receipt.allocations.filter((a) => a.tradeNo !== tradeNo),
            voidedAllocations: [...(receipt.voidedAllocations ?? []), voided],
        },
        record: {
            ...record,
            status: 'VOID',
            amendments: (record.amendments ?? 0) + 1,
            correction,
        },
    };
}
