import type { Context } from 'fabric-contract-api';
import { implicitCollection, allocationKey, receiptByPayeeBankKey, receiptByPayeeKey, receiptKey } from '../model/keys';
import type { AllocationRecord, PayerPrivate, ReceiptByPayee, ReceiptRecord } from '../model/records';
import { parseReceiptId } from './loaders';
import { putPrivate } from './private';
import { putOwnedRecord } from './endorsement';

/** Receipt writes: every key a receipt owns is endorsed by the filing bank's peer from its first write on. */

export async function putReceipt(ctx: Context, receipt: ReceiptRecord): Promise<void> {
    await putOwnedRecord(ctx, receiptKey(ctx, receipt.bankMspId, receipt.receiptRef), receipt, receipt.bankMspId);
}

/** One allocation key per (trade, receipt), owned by the filing bank. */
export async function putAllocations(
    ctx: Context,
    records: readonly AllocationRecord[],
    bankMspId: string,
): Promise<void> {
    for (const record of records) {
        const { receiptRef } = parseReceiptId(record.receiptId);
        await putOwnedRecord(ctx, allocationKey(ctx, record.tradeNo, bankMspId, receiptRef), record, bankMspId);
    }
}

/** A newly filed receipt: the receipt, its allocations, both payee index entries and the payer in the bank's collection. */
export async function putNewReceipt(
    ctx: Context,
    receipt: ReceiptRecord,
    records: readonly AllocationRecord[],
    payer: PayerPrivate | null,
): Promise<void> {
    await putReceipt(ctx, receipt);
    await putAllocations(ctx, records, receipt.bankMspId);
    const index: ReceiptByPayee = {
        docType: 'receiptByPayee',
        receiptId: receipt.receiptId,
        usdEquivalentMinor: receipt.usdEquivalentMinor,
    };
    const indexKey = receiptByPayeeKey(
        ctx,
        receipt.payeePartyId,
        receipt.valueDate.slice(0, 4),
        receipt.bankMspId,
        receipt.receiptRef,
    );
    await putOwnedRecord(ctx, indexKey, index, receipt.bankMspId);
    const bankIndexKey = receiptByPayeeBankKey(
        ctx,
        receipt.payeePartyId,
        receipt.bankMspId,
        receipt.valueDate.slice(0, 4),
        receipt.receiptRef,
    );
    await putOwnedRecord(ctx, bankIndexKey, index, receipt.bankMspId);
    if (payer !== null) await putPrivate(ctx, implicitCollection(receipt.bankMspId), receipt.receiptId, payer);
}
