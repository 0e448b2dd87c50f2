import { z } from 'zod';
import { Id, IsoDate, PageQuery, Signature, Text, humanText } from '../common';
import { FINANCING_STATUSES } from '../../../../chaincode/src/vocabulary';

export const FinancingId = z
    .string()
    .regex(/^Bank[A-Za-z0-9]*MSP:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be <bankMspId>:<financingRef>')
    .describe('`<bankMspId>:<financingRef>`, e.g. BankOrgMSP:F-2026-0001');

const DeclNo = z.string().regex(/^\d{18}$/, 'must be the 18-digit customs entry number');

const FinancedItemInput = z.strictObject({
    tradeNo: Id,
    amountMinor: z.number().int().min(1).describe('in the trade currency'),
});

export const Terms = z
    .strictObject({
        loanAccount: humanText(64).optional(),
        contractRef: humanText(64).optional(),
        annualRateBps: z.number().int().min(0).max(100_000).optional(),
        dueDate: IsoDate.optional(),
    })
    .describe('kept in the bank’s private collection; the channel holds a salted hash');

export const FinanceBody = z
    .strictObject({
        financingRef: Id,
        borrowerPartyId: Id.describe(
            'the party the trades’ income goes to: the agent for agency receipts, else the vendor',
        ),
        declNo: DeclNo.optional().describe('finance every trade of an exited declaration at its remaining value'),
        items: z.array(FinancedItemInput).min(1).max(50).optional().describe('or these trades and amounts'),
        terms: Terms.optional(),
    })
    .refine((b) => (b.declNo === undefined) !== (b.items === undefined), 'give exactly one of declNo, items');

export const FinancingParams = z.strictObject({ financingId: FinancingId });

export const CloseFinancingBody = z
    .strictObject({
        outcome: z.enum(['REPAID', 'SETTLED']),
        receiptId: z
            .string()
            .max(200)
            .optional()
            .describe('SETTLED: the bank’s own receipt that paid a financed trade'),
        note: Text.optional(),
    })
    .refine((b) => b.outcome === 'SETTLED' || b.receiptId === undefined, 'receiptId only for a SETTLED financing');

export const FinancingListQuery = PageQuery.extend({ tradeNo: Id });

/** A financing as the chaincode stores it (chaincode/src/model/records.ts FinancingRecord). */
export const FinancingRecord = z
    .looseObject({
        docType: z.literal('financing'),
        financingId: z.string(),
        financingRef: z.string(),
        bankMspId: z.string(),
        bankPartyId: z.string(),
        borrowerPartyId: z.string(),
        declNo: z.string().nullable(),
        items: z.array(z.looseObject({ tradeNo: z.string(), amountMinor: z.number().int(), currency: z.string() })),
        termsHash: z.string().nullable(),
        status: z.enum(FINANCING_STATUSES),
        settledByReceiptId: z.string().optional(),
        closeNote: z.string().optional(),
        filedBy: Signature,
        updatedBy: Signature,
    })
    .meta({ id: 'Financing' });

/** One trade's share of a financing (ListFinancingsByTrade). */
export const FinancedShare = z
    .looseObject({
        docType: z.literal('financedShare'),
        tradeNo: z.string(),
        financingId: z.string(),
        bankMspId: z.string(),
        bankPartyId: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        status: z.enum(FINANCING_STATUSES),
    })
    .meta({ id: 'FinancedShare' });
