import { z } from 'zod';
import { ROLES } from '../../../../chaincode/src/lib/auth';
import { humanText, Id } from '../common';

export const Username = z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'must be 3..64 of a-z 0-9 . _ - (starting with a letter or digit)')
    .describe('enrolment ID at the org CA; unique per org');

export const OnboardBody = z.strictObject({
    username: Username,
    role: z.enum(ROLES).describe('mpt.role written into the certificate'),
    party: Id.describe('mpt.party written into the certificate: the on-chain party this person acts for'),
});

export const OnboardResponse = z.object({
    org: z.string(),
    mspId: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    party: z.string(),
    keyId: z.string(),
    apiKey: z.string().optional().describe('shown once; absent when the request is a replay'),
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
