import { z } from 'zod';
import { CorrectionFields, Country, Id, IsoDate, Name, PageQuery, Sha256, Signature, Text } from '../common';
import { PARTY_STATUSES, PARTY_TYPES } from '../../../../chaincode/src/vocabulary';

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

/** A party filing as the chaincode stores it (chaincode/src/lib/records.ts Party); personal data only as hashes. */
export const PartyRecord = z
    .looseObject({
        docType: z.literal('party'),
        partyId: z.string(),
        type: z.enum(PARTY_TYPES),
        legalName: z.string(),
        nameEn: z.string().optional(),
        uscc: z.string().optional(),
        countryCode: z.string(),
        nationality: z.string().optional(),
        idType: z.enum(['PASSPORT', 'ID_CARD', 'OTHER']).optional(),
        idNumberHash: z.string().optional().describe('sha256(salt:idNumber); the number is in a private collection'),
        bankAccountHash: z.string().optional(),
        customsRegNo: z.string().optional(),
        commerceFilingNo: z.string().optional(),
        clusterId: z.string().optional(),
        stallNo: z.string().optional(),
        businessScope: z.string().optional(),
        orgMspId: z.string().optional(),
        status: z.enum(PARTY_STATUSES),
        statusReason: z.string().optional(),
        filedBy: Signature,
        updatedBy: Signature,
    })
    .meta({ id: 'Party' });

/** A party's personal data from the private collection; only `docType` and `partyId` when none was filed. */
export const PartyPrivateRecord = z.looseObject({
    docType: z.literal('partyPrivate'),
    partyId: z.string(),
    salt: z.string().optional(),
    idNumber: z.string().optional(),
    bankAccount: z.string().optional(),
});

export const ClusterRecord = z
    .looseObject({
        docType: z.literal('cluster'),
        clusterId: z.string(),
        name: z.string(),
        city: z.string(),
        customsOffice: z.string(),
        acceptanceDate: z.string(),
        streets: z.array(z.looseObject({ streetId: z.string(), name: z.string(), stalls: z.array(z.string()) })),
        filedBy: Signature,
        ...CorrectionFields,
    })
    .meta({ id: 'Cluster' });

export const AgreementRecord = z
    .looseObject({
        docType: z.literal('agreement'),
        agreementNo: z.string(),
        merchantId: z.string(),
        agentId: z.string(),
        validFrom: z.string(),
        validTo: z.string(),
        documentHash: z.string(),
        status: z.enum(['PENDING', 'SIGNED', 'TERMINATED']),
        ...CorrectionFields,
        filedBy: Signature,
        signedBy: Signature.optional(),
    })
    .meta({ id: 'Agreement' });
