import { z } from 'zod';
import { CorrectionFields, Id, PageQuery, Signature } from '../common';
import { EXEMPTION_REASONS } from '../../../../chaincode/src/vocabulary';

export const FilingBody = z.strictObject({
    filingNo: Id,
    merchantId: Id,
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
    tradeNos: z.array(Id).min(1).max(200),
});
export const FilingParams = z.strictObject({ filingNo: Id });
export const FilingListQuery = PageQuery.extend({ merchantId: Id });

/** A VAT-exemption filing as the chaincode stores it (chaincode/src/lib/settlement-store.ts ExemptionRecord). */
export const ExemptionRecord = z
    .looseObject({
        docType: z.literal('exemption'),
        filingNo: z.string(),
        merchantId: z.string(),
        filerPartyId: z.string(),
        filerRole: z.enum(['vendor', 'agent']),
        period: z.string(),
        exportMonth: z.string(),
        tradeNos: z.array(z.string()),
        declNos: z.array(z.string()),
        status: z.enum(['FILED', 'WITHDRAWN']),
        filedBy: Signature,
        ...CorrectionFields,
    })
    .meta({ id: 'Exemption' });

/** The CU-09 verdict (chaincode/src/rules/exemption-guard.ts ExemptionGuardResult). */
export const ExemptionGuardResult = z
    .looseObject({
        filingNo: z.string().nullable().describe('null for a proposed filing'),
        period: z.string(),
        verdict: z.enum(['PASS', 'FAIL']),
        findings: z.array(
            z.looseObject({
                tradeNo: z.string(),
                outcome: z.enum(['PASS', 'FAIL']),
                reason: z.enum(
                    Object.keys(EXEMPTION_REASONS) as [
                        keyof typeof EXEMPTION_REASONS,
                        ...(keyof typeof EXEMPTION_REASONS)[],
                    ],
                ),
                exportMonth: z.string().nullable(),
            }),
        ),
    })
    .meta({ id: 'ExemptionGuard' });

export const TradeExemption = z.looseObject({
    tradeNo: z.string(),
    filingNo: z.string().nullable().describe('the filing that claimed the trade; null when none'),
});
