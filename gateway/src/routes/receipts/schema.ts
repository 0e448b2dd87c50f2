import { z } from 'zod';
import {
    Country,
    Currency,
    DecimalRate,
    humanText,
    Id,
    IsoDate,
    LedgerReceipt,
    Name,
    PageQuery,
    Text,
} from '../common';
import { Evidence, LedgerRecord } from '../ledger-route';

export const ReceiptId = z
    .string()
    .regex(/^Bank[A-Za-z0-9]*MSP:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be <bankMspId>:<receiptRef>')
    .describe('`<bankMspId>:<receiptRef>`, e.g. BankOrgMSP:R-2026-0001');

const Allocation = z.strictObject({
    tradeNo: Id,
    amountMinor: z.number().int().min(1).describe('in the receipt currency'),
    rate: DecimalRate.optional().describe('receipt currency per one unit of the trade currency, when they differ'),
});

const receiptFields = {
    payeePartyId: Id,
    amountMinor: z.number().int().min(1),
    currency: Currency,
    valueDate: IsoDate,
    usdRate: DecimalRate.optional(),
    allocations: z.array(Allocation).max(50),
};

export const Payer = z
    .strictObject({
        name: Name,
        country: Country,
        bank: Name.optional(),
        account: humanText(64).optional(),
        thirdPartyReason: Text.optional(),
    })
    .describe('kept in the bank’s private collection; the channel holds a salted hash (BK-05)');

/** The payer as the bank's private collection keeps it (GetReceiptPayer), salt included. */
export const StoredPayer = z.looseObject({
    salt: z.string(),
    name: z.string(),
    country: z.string(),
    bank: z.string().optional(),
    account: z.string().optional(),
    thirdPartyReason: z.string().optional(),
});

export const FileReceiptBody = z.strictObject({
    ...receiptFields,
    receiptRef: Id,
    channel: z.enum(['SWIFT', 'CIPS', 'PAYMENT_INSTITUTION']),
    declaredPurpose: Text.optional(),
    payer: Payer.optional(),
});

export const ReceiptParams = z.strictObject({ receiptId: ReceiptId });
export const AllocateBody = z.strictObject({ allocations: z.array(Allocation).min(1).max(50) });
export const VerifyBody = z.strictObject({
    payer: Payer.optional().describe(
        'omit to verify with the payer details filed with the receipt (read from the bank’s private collection)',
    ),
});
export const SettleBody = z.strictObject({
    outcome: z.enum(['SETTLED', 'CREDITED']),
    reviewNote: Text.optional(),
});
export const CheckReceiptBody = z
    .strictObject({
        receiptId: ReceiptId.optional().describe('check a filed receipt'),
        receipt: z
            .strictObject({ ...receiptFields, receiptRef: Id.optional() })
            .optional()
            .describe('or a proposed one'),
    })
    .refine((b) => (b.receiptId === undefined) !== (b.receipt === undefined), 'give exactly one of receiptId, receipt');

export const ReceiptListQuery = PageQuery.extend({
    tradeNo: Id.optional(),
    payeePartyId: Id.optional(),
}).refine(
    (q) => (q.tradeNo === undefined) !== (q.payeePartyId === undefined),
    'filter by exactly one of tradeNo, payeePartyId',
);

export const VerifiedResponse = z.object({
    result: LedgerRecord.describe('the receipt with its recorded verification and the full check'),
    ...LedgerReceipt.shape,
    evidence: z.array(Evidence).describe('ledger transactions the verdict relied on, with their blocks'),
});
