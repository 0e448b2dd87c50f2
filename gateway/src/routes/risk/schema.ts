import { z } from 'zod';
import { RISK_SUBJECTS } from '../../../../chaincode/src/lib/records';
import { jsonTextProblem } from '../../../../chaincode/src/lib/text';
import { Id, PageQuery } from '../common';

export const FlagBody = z.strictObject({
    subjectType: z.enum(RISK_SUBJECTS),
    subjectId: Id,
    ruleId: z.string().regex(/^(F\d{1,2}|V\d{2})$/, 'must be a fraud pattern F1..F11 or a rule Vnn'),
    severity: z.enum(['LOW', 'MEDIUM', 'HIGH']),
    evidence: z
        .record(z.string(), z.unknown())
        .superRefine((evidence, check) => {
            const problem = jsonTextProblem(evidence, 'evidence');
            if (problem !== undefined) check.addIssue({ code: 'custom', message: problem });
        })
        .refine((e) => JSON.stringify(e).length <= 4000, 'evidence is larger than 4000 characters'),
});
export const FlagParams = z.strictObject({
    flagId: z.string().regex(/^[0-9a-f]{32}$/, 'must be a 32-hex flag ID'),
});
export const FlagListQuery = PageQuery.extend({ subjectType: z.enum(RISK_SUBJECTS), subjectId: Id });
