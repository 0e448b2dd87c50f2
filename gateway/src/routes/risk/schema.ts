import { z } from 'zod';
import { jsonTextProblem } from '../../../../chaincode/src/lib/text';
import { Id, PageQuery, Signature } from '../common';
import { ReceiptId } from '../receipts/schema';
import { FLAG_RULES, RISK_STATUSES, RISK_SUBJECTS } from '../../../../chaincode/src/vocabulary';

/** A receipt is named `<bankMspId>:<receiptRef>`; every other subject by a plain ID. */
const subjectIdFits = (flag: { subjectType: string; subjectId: string }): boolean =>
    (flag.subjectType === 'receipt' ? ReceiptId : Id).safeParse(flag.subjectId).success;
const SUBJECT_ID_HINT = {
    message: 'a receipt subject is <bankMspId>:<receiptRef>; any other subject a plain ID',
    path: ['subjectId'],
};
const SubjectId = z.union([Id, ReceiptId]).describe('the record flagged; a receipt as <bankMspId>:<receiptRef>');

export const FlagBody = z
    .strictObject({
        subjectType: z.enum(RISK_SUBJECTS),
        subjectId: SubjectId,
        ruleId: z
            .enum(FLAG_RULES, { error: 'must be a fraud pattern F1..F11 or a domain rule V01..V34' })
            .describe('fraud pattern F1..F11, or a domain rule V01..V34'),
        severity: z.enum(['LOW', 'MEDIUM', 'HIGH']),
        evidence: z
            .record(z.string(), z.unknown())
            .superRefine((evidence, check) => {
                const problem = jsonTextProblem(evidence, 'evidence');
                if (problem !== undefined) check.addIssue({ code: 'custom', message: problem });
            })
            .refine((e) => JSON.stringify(e).length <= 4000, 'evidence is larger than 4000 characters'),
    })
    .refine(subjectIdFits, SUBJECT_ID_HINT);
export const FlagParams = z.strictObject({
    flagId: z.string().regex(/^[0-9a-f]{32}$/, 'must be a 32-hex flag ID'),
});
export const FlagListQuery = PageQuery.extend({ subjectType: z.enum(RISK_SUBJECTS), subjectId: SubjectId }).refine(
    subjectIdFits,
    SUBJECT_ID_HINT,
);

export const RiskFlagRecord = z
    .looseObject({
        docType: z.literal('risk'),
        flagId: z.string(),
        subjectType: z.enum(RISK_SUBJECTS),
        subjectId: z.string(),
        ruleId: z.string().describe('fraud pattern F1..F11 or domain rule V01..V34'),
        severity: z.enum(['LOW', 'MEDIUM', 'HIGH']),
        evidence: z.record(z.string(), z.unknown()),
        status: z.enum(RISK_STATUSES),
        raisedBy: Signature,
        resolvedBy: Signature.optional(),
        resolution: z.string().optional(),
    })
    .meta({ id: 'RiskFlag' });
