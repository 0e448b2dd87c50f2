import { z } from 'zod';
import { PARTY_TYPES } from '../../../../chaincode/src/lib/records';
import { Country, Id, IsoDate, Name, PageQuery, Sha256, Text } from '../common';

export const ClusterBody = z.strictObject({
    clusterId: Id,
    name: Name,
    city: Name,
    customsOffice: Id,
    acceptanceDate: IsoDate.describe('V12: trades dated before the platform acceptance are refused'),
    streets: z
        .array(z.strictObject({ streetId: Id, name: Name, stalls: z.array(Id).min(1).max(2000) }))
        .min(1)
        .max(500),
});

export const PartyBody = z.strictObject({
    partyId: Id,
    type: z.enum(PARTY_TYPES),
    legalName: Name,
    nameEn: Name.optional(),
    uscc: z
        .string()
        .regex(/^[0-9A-Z]{18}$/, 'must be an 18-character USCC')
        .optional(),
    countryCode: Country,
    nationality: Country.optional(),
    idType: z.enum(['PASSPORT', 'ID_CARD', 'OTHER']).optional(),
    customsRegNo: Id.optional(),
    commerceFilingNo: Id.optional(),
    clusterId: Id.optional(),
    stallNo: Id.optional(),
    businessScope: Text.optional(),
    orgMspId: z
        .string()
        .regex(/^Bank[A-Za-z0-9]*MSP$/, 'must be a Bank*MSP ID')
        .optional(),
    private: z
        .strictObject({
            idNumber: z
                .string()
                .regex(/^[A-Za-z0-9-]{4,32}$/, 'must be 4..32 letters, digits or -')
                .optional(),
            bankAccount: z
                .string()
                .regex(/^[A-Za-z0-9 -]{6,40}$/, 'must be 6..40 letters, digits, space or -')
                .optional(),
        })
        .optional()
        .describe(
            'personal data: sent as transient data into a private collection; only salted hashes go on the channel',
        ),
});

export const PartyParams = z.strictObject({ partyId: Id });
export const ClusterParams = z.strictObject({ clusterId: Id });
export const PartyListQuery = PageQuery.extend({ type: z.enum(PARTY_TYPES) });

export const AgreementBody = z.strictObject({
    agreementNo: Id,
    merchantId: Id,
    agentId: Id,
    validFrom: IsoDate,
    validTo: IsoDate,
    documentHash: Sha256.describe('SHA-256 of the signed agreement document'),
});
export const AgreementParams = z.strictObject({ agreementNo: Id });

export const PARTY_TRANSITIONS = {
    verify: 'VerifyParty',
    activate: 'ActivateParty',
    suspend: 'SuspendParty',
    reinstate: 'ReinstateParty',
    revoke: 'RevokeParty',
} as const;
