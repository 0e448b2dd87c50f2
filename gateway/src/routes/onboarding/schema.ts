import { z } from 'zod';
import { humanText, Id, LedgerReceipt } from '../common';
import { ROLES } from '../../../../chaincode/src/vocabulary';

export const Username = z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'must be 3..64 of a-z 0-9 . _ - (starting with a letter or digit)')
    .describe('enrolment ID at the org CA; unique per org');

export const OnboardBody = z.strictObject({
    username: Username,
    role: z.enum(ROLES).describe('mpt.role written into the certificate'),
    party: Id.describe('mpt.party written into the certificate: the on-chain party this person acts for'),
});

export const OnboardResponse = LedgerReceipt.extend({
    org: z.string(),
    mspId: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    party: z.string(),
    enrolmentCode: z
        .string()
        .optional()
        .describe('one-time code for the person to redeem at POST /v1/enrolment; absent when the request is a replay'),
    expiresAt: z.string().describe('the code stops working at this time (ISO 8601)'),
}).describe('txId/blockNumber: the ledger transaction that records who onboarded whom');

export const EnrolmentCode = z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9 -]+$/, 'must be the code as given: letters, digits and dashes')
    .describe('the enrolment code the onboarding official handed over (dashes and case do not matter)');
export const EnrolBody = z.strictObject({ enrolmentCode: EnrolmentCode });
export const EnrolResponse = z.object({
    org: z.string(),
    mspId: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    party: z.string(),
    keyId: z.string(),
    apiKey: z.string().describe('shown once: keep it; rotate it with POST /v1/keys/rotate'),
});

export const RotateResponse = z.object({
    keyId: z.string(),
    apiKey: z.string().optional().describe('shown once; absent when the request is a replay'),
    revokedKeyId: z.string(),
});

export const RevokeParams = z.strictObject({ username: Username });
export const RevokeBody = z.strictObject({ reason: humanText(200) });
export const RevokeResponse = z.object({
    org: z.string(),
    username: z.string(),
    revokedKeyIds: z.array(z.string()),
    revokedAtCa: z.literal(true),
});
