import type { Context } from 'fabric-contract-api';
import { SettlementType, financedShareKey, financingKey, implicitCollection } from '../model/keys';
import { splitReceiptId, type FinancedShare, type FinancingRecord, type FinancingTermsPrivate } from '../model/records';
import { invalid, notFound } from '../lib/errors';
import { putOwnedRecord } from './endorsement';
import { putPrivate } from './private';
import { getRecord } from './records';
import { recordsUnder } from './scan';

/** Financing reads and writes (V33): every key a financing owns is endorsed by the financing bank's peer. */

/** Splits `<bankMspId>:<financingRef>`; `INVALID:` otherwise (same shape as a receipt ID). */
export function parseFinancingId(financingId: string): { bankMspId: string; financingRef: string } {
    const parts = splitReceiptId(financingId);
    if (parts === null) throw invalid('financingId must look like <Bank…MSP>:<financingRef>');
    return { bankMspId: parts.bankMspId, financingRef: parts.receiptRef };
}

export async function findFinancing(ctx: Context, financingId: string): Promise<FinancingRecord | undefined> {
    const { bankMspId, financingRef } = parseFinancingId(financingId);
    return getRecord<FinancingRecord>(ctx, financingKey(ctx, bankMspId, financingRef), 'financing');
}

export async function loadFinancing(ctx: Context, financingId: string): Promise<FinancingRecord> {
    const financing = await findFinancing(ctx, financingId);
    if (financing === undefined) throw notFound(`financing ${financingId} does not exist`);
    return financing;
}

/** Every bank's financed shares of a trade (one key per financing; bounded by the financings of one trade). */
export function sharesOfTrade(ctx: Context, tradeNo: string): Promise<FinancedShare[]> {
    return recordsUnder<FinancedShare>(ctx, SettlementType.financedShare, [tradeNo], 'financedShare');
}

/** Writes the financing and one share per trade, all owned by the financing bank. */
export async function putFinancing(ctx: Context, financing: FinancingRecord): Promise<void> {
    const { financingRef, bankMspId } = financing;
    await putOwnedRecord(ctx, financingKey(ctx, bankMspId, financingRef), financing, bankMspId);
    for (const item of financing.items) {
        const share: FinancedShare = {
            docType: 'financedShare',
            tradeNo: item.tradeNo,
            financingId: financing.financingId,
            bankMspId,
            bankPartyId: financing.bankPartyId,
            amountMinor: item.amountMinor,
            currency: item.currency,
            status: financing.status,
        };
        await putOwnedRecord(ctx, financedShareKey(ctx, item.tradeNo, bankMspId, financingRef), share, bankMspId);
    }
}

export async function putFinancingTerms(ctx: Context, bankMspId: string, terms: FinancingTermsPrivate): Promise<void> {
    await putPrivate(ctx, implicitCollection(bankMspId), terms.financingId, terms);
}
