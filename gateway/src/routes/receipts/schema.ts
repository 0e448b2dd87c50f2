import { z } from 'zod';
import {
    CorrectionFields,
    Country,
    Currency,
    DecimalRate,
    Evidence,
    humanText,
    Id,
    IsoDate,
    LedgerReceipt,
    Name,
    PageQuery,
    RecordEvidence,
    Signature,
    Text,
    Verdict,
} from '../common';
import { BANK_CHECK_REASONS } from '../../../../chaincode/src/vocabulary';

export const ReceiptId = z
    .string()
    .regex(/^Bank[A-Za-z0-9]*MSP:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be <bankMspId>:<receiptRef>')
    .describe('`<bankMspId>:<receiptRef>`, e.g. BankOrgMSP:R-2026-0001');

const Allocation = z.strictObject({
    tradeNo: Id,
    amountMinor: z.number().int().min(1).describe('in the receipt currency'),
    rate: DecimalRate.optional().describe(
        'the bank’s dealing rate, when the currencies differ: trade-currency units credited per one unit of the ' +
            'receipt currency (a USD receipt to a CNY trade: about "7.1"; the trade is credited amountMinor × rate). ' +
            'V31: within 5 % of customs’ cross rate for the value-date month, else 422 RULE_V31_RATE_OUTSIDE_TOLERANCE',
    ),
    lineId: Id.optional().describe(
        'the trade line paid; without it the allocation pays the whole trade, spread pro rata over its lines (V25 per line)',
    ),
});

const receiptFields = {
    payeePartyId: Id,
    amountMinor: z.number().int().min(1),
    currency: Currency,
    valueDate: IsoDate,
    usdRate: DecimalRate.optional().describe(
        'USD per one unit of the receipt currency (a CNY receipt: about "0.14"), omitted for USD; V31: within 5 % of ' +
            'customs’ rate for the value-date month, else 422 RULE_V31_RATE_OUTSIDE_TOLERANCE',
    ),
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

/** A receipt as the chaincode stores it (chaincode/src/lib/settlement-store.ts ReceiptRecord). */
export const ReceiptRecord = z
    .looseObject({
        docType: z.literal('receipt'),
        receiptId: z.string(),
        receiptRef: z.string(),
        bankMspId: z.string(),
        bankPartyId: z.string(),
        payeePartyId: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        valueDate: z.string(),
        channel: z.string().describe('SWIFT, CIPS or PAYMENT_INSTITUTION'),
        declaredPurpose: z.string().optional(),
        usdRate: z.string().nullable().describe('USD per one unit of the receipt currency; null for USD'),
        usdEquivalentMinor: z.number().int().nullable(),
        payerHash: z.string().nullable().describe('salted hash of the payer details (BK-05); null without a payer'),
        allocations: z.array(
            z.looseObject({
                tradeNo: z.string(),
                amountMinor: z.number().int().describe('in the receipt currency'),
                rate: z.string().nullable(),
                tradeAmountMinor: z.number().int().describe('credited to the trade, in the trade currency'),
                tradeCurrency: z.string(),
                allocatedAt: z.string(),
            }),
        ),
        allocatedMinor: z.number().int(),
        unallocatedMinor: z.number().int(),
        status: z.string().describe('RECEIVED, PENDING_EXPORT, ALLOCATED, VERIFIED, SETTLED or CREDITED'),
        verification: z
            .looseObject({
                verdict: Verdict,
                checks: z.array(z.looseObject({ id: z.string(), outcome: Verdict, reason: z.string() })),
                tradeNos: z.array(z.string()),
                declNos: z.array(z.string()),
                by: Signature,
            })
            .optional()
            .describe('the last recorded bank check, without the findings another bank must not see'),
        settlementNote: z.string().optional(),
        flags: z.array(z.string()),
        filedBy: Signature,
        updatedBy: Signature,
        voidedAllocations: z.array(z.looseObject({ tradeNo: z.string(), voided: z.looseObject({}) })).optional(),
        ...CorrectionFields,
    })
    .meta({ id: 'Receipt' });

/** One receipt's allocation to one trade (chaincode/src/lib/settlement-store.ts AllocationRecord). */
export const AllocationRecord = z
    .looseObject({
        docType: z.literal('allocation'),
        tradeNo: z.string(),
        lineId: z.string().optional(),
        receiptId: z.string(),
        bankMspId: z.string(),
        receiptAmountMinor: z.number().int(),
        receiptCurrency: z.string(),
        rate: z.string().nullable(),
        tradeAmountMinor: z.number().int(),
        tradeCurrency: z.string(),
        valueDate: z.string(),
        allocatedBy: Signature,
        status: z.enum(['ACTIVE', 'VOID']).optional().describe('absent: ACTIVE; a VOID allocation counts for no trade'),
        ...CorrectionFields,
    })
    .meta({ id: 'Allocation' });

const BankReason = z.enum(
    Object.keys(BANK_CHECK_REASONS) as [keyof typeof BANK_CHECK_REASONS, ...(keyof typeof BANK_CHECK_REASONS)[]],
);

/** The bank verdict BK-01..BK-09 (chaincode/src/rules/bank-check.ts BankCheckResult, with its evidence). */
export const BankCheckResult = z
    .looseObject({
        receiptRef: z.string().nullable(),
        verdict: Verdict,
        checks: z.array(
            z.looseObject({
                id: z.string().describe('BK-01 .. BK-10'),
                name: z.string(),
                outcome: Verdict,
                reason: BankReason,
                findings: z.array(
                    z.looseObject({
                        subject: z.string(),
                        outcome: Verdict,
                        reason: BankReason,
                        detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
                    }),
                ),
            }),
        ),
        trades: z.array(
            z.looseObject({
                tradeNo: z.string(),
                currency: z.string(),
                valueMinor: z.number().int(),
                capMinor: z.number().int(),
                allocatedBeforeMinor: z.number().int(),
                thisReceiptMinor: z.number().int().nullable(),
                allocatedAfterMinor: z.number().int(),
                remainingMinor: z.number().int(),
                otherBanksCount: z.number().int(),
                exported: z.boolean(),
            }),
        ),
        reliedOn: z.looseObject({ tradeNos: z.array(z.string()), declNos: z.array(z.string()) }),
        records: z.array(RecordEvidence),
    })
    .meta({ id: 'BankCheck' });

export const VerifiedResponse = z.object({
    result: z
        .looseObject({ receipt: ReceiptRecord, check: BankCheckResult })
        .describe('the receipt with its recorded verification and the full check'),
    ...LedgerReceipt.shape,
    evidence: z.array(Evidence).describe('ledger transactions the verdict relied on, with their blocks'),
});

/** By trade: the allocations to it (one per receipt); by payee: the receipts paid to it. */
export const ReceiptListItem = z.union([ReceiptRecord, AllocationRecord]);
