import { z } from 'zod';
import {
    Country,
    HsCode,
    humanText,
    Id,
    IsoDate,
    Name,
    PageQuery,
    RecordEvidence,
    Signature,
    Verdict,
} from '../common';
import { CUSTOMS_EVENT_TYPES, DECLARATION_STATUSES } from '../../../../chaincode/src/vocabulary';

export const DeclNo = z.string().regex(/^\d{18}$/, 'must be the 18-digit customs entry number');
const TransportMode = z.enum(['SEA', 'ROAD', 'RAIL', 'AIR']);

const FiledLine = z.strictObject({
    gNo: z.number().int().min(1).max(999),
    hsCode: HsCode,
    name: Name,
    qty: z.number().int().min(0),
    unit: humanText(16),
    valueUsd: z.number().int().min(0).describe('USD cents'),
    mergedChapter: z
        .string()
        .regex(/^\d{2}$/, 'must be a 2-digit HS chapter')
        .optional(),
    isItemised: z.boolean(),
    sources: z
        .array(z.strictObject({ tradeNo: Id, lineId: Id, amount: z.number().int().min(1) }))
        .min(1)
        .max(5000),
});

const common = {
    packingNo: Id,
    consignorId: Id.describe('V13: the foreign-trade operator (agent)'),
    brokerId: Id,
    customsOffice: Id.describe(
        "V02: the customs office of the cluster the trades were bought in (the cluster's customsOffice); another is 422 RULE_V02",
    ),
    exitPort: Id,
    declDate: IsoDate.optional().describe(
        'V32: the filing day. Omit it and the ledger dates the declaration on the China business day (UTC+8) of the ' +
            'filing; a date sent must be that day or the day before, else 422 RULE_V32',
    ),
    destCountry: Country,
    tradeCountry: Country,
    transportMode: TransportMode,
    billOfLading: Id.optional(),
    tradeNos: z.array(Id).min(1).max(500),
    lines: z
        .array(FiledLine)
        .min(1)
        .max(999)
        .optional()
        .describe('omit to let the ledger build the simplified declaration (V14/V15)'),
};

export const PreviewBody = z.strictObject(common);
export const DeclarationBody = z.strictObject({ declNo: DeclNo, ...common });
export const DeclParams = z.strictObject({ declNo: DeclNo });
export const DeclListQuery = PageQuery.extend({ declDate: IsoDate });
export const LineParams = z.strictObject({
    declNo: DeclNo,
    gNo: z.coerce.number<string>().int().min(1).max(999),
});

const DeclarationStatus = z.enum(DECLARATION_STATUSES);

const DeclarationLineRecord = z.looseObject({
    gNo: z.number().int(),
    hsCode: z.string(),
    name: z.string(),
    qty: z.number(),
    unit: z.string(),
    valueUsd: z.number().int().describe('USD cents'),
    mergedChapter: z.string().nullable().describe('HS chapter when the line merges several kinds, else null'),
    isItemised: z.boolean(),
    sources: z.array(
        z.looseObject({
            tradeNo: z.string(),
            lineId: z.string(),
            goodsCode: z.string(),
            hsCode: z.string(),
            qty: z.number(),
            amount: z.number().int(),
            currency: z.string(),
            valueUsd: z.number().int(),
        }),
    ),
});

const PurchaserRemark = z.looseObject({
    buyerId: z.string(),
    name: z.string(),
    nationality: z.string(),
    idType: z.string(),
    idNumberHash: z.string(),
});

/** A declaration as the chaincode stores it (chaincode/src/lib/records.ts Declaration). */
export const DeclarationRecord = z
    .looseObject({
        docType: z.literal('declaration'),
        declNo: z.string(),
        packingNo: z.string(),
        consignorId: z.string(),
        brokerId: z.string(),
        customsOffice: z.string(),
        exitPort: z.string(),
        declDate: z.string(),
        destCountry: z.string(),
        tradeCountry: z.string(),
        transportMode: z.string(),
        billOfLading: z.string().optional(),
        tradeNos: z.array(z.string()),
        rates: z
            .array(z.looseObject({ currency: z.string(), rate: z.string() }))
            .describe(
                "V31: customs' rates of the declDate month the values were converted at, USD per one unit of each " +
                    'trade currency (empty when every trade is in USD)',
            ),
        ratesVersion: z
            .number()
            .int()
            .optional()
            .describe("V31: the version of the month's published rates used; absent when every trade is in USD"),
        totalValueUsd: z.number().int(),
        simplified: z.boolean(),
        lines: z.array(DeclarationLineRecord),
        remarkPurchaser: PurchaserRemark,
        status: DeclarationStatus,
        heldFrom: DeclarationStatus.optional(),
        statusReason: z.string().optional(),
        releaseDate: z.string().optional(),
        exitDate: z.string().optional(),
        customsEvents: z.number().int().describe('how many customs events the declaration has had'),
        filedBy: Signature,
        updatedBy: Signature,
    })
    .meta({ id: 'Declaration' });

export const DeclarationPreview = z.looseObject({
    lines: z.array(DeclarationLineRecord),
    rates: z
        .array(z.looseObject({ currency: z.string(), rate: z.string() }))
        .describe("V31: customs' rates of the declDate month the values are converted at"),
    ratesVersion: z.number().int().nullable().describe('their published version; null when every trade is in USD'),
    totalValueUsd: z.number().int(),
    simplified: z.boolean(),
    withinCap: z.boolean(),
    remarkPurchaser: PurchaserRemark,
    violations: z
        .array(z.looseObject({ code: z.string(), message: z.string() }))
        .describe('what filing this declaration would meet (RULE_Vnn, PRECONDITION, ...)'),
});

export const CustomsEvents = z.looseObject({
    declNo: z.string(),
    status: DeclarationStatus,
    events: z.array(
        z.looseObject({
            docType: z.literal('customsEvent'),
            declNo: z.string(),
            seq: z.number().int(),
            type: z.enum(CUSTOMS_EVENT_TYPES),
            fromStatus: DeclarationStatus,
            toStatus: DeclarationStatus,
            reason: z.string().optional(),
            detail: z.record(z.string(), z.unknown()).optional(),
            by: Signature,
        }),
    ),
});

/** The customs verdict CU-01..CU-08 (chaincode/src/rules/customs-check.ts CheckReport, with its evidence). */
export const CustomsCheckReport = z
    .looseObject({
        declNo: z.string(),
        verdict: Verdict,
        negativeListVersion: z.number().int().nullable(),
        checks: z.array(
            z.looseObject({
                id: z.string().describe('CU-01 .. CU-08'),
                name: z.string(),
                result: Verdict,
                reasons: z.array(
                    z.looseObject({
                        code: z.string(),
                        severity: z.enum(['INFO', 'REFER', 'FAIL']),
                        message: z.string(),
                    }),
                ),
            }),
        ),
        settlement: z
            .looseObject({
                trades: z.array(
                    z.looseObject({
                        tradeNo: z.string(),
                        currency: z.string(),
                        valueMinor: z.number().int(),
                        allocatedMinor: z.number().int(),
                        allocationCount: z.number().int(),
                        settled: z.boolean(),
                    }),
                ),
                unsettledDays: z.number().int().nullable(),
            })
            .describe('CU-08 figures: amounts only, never which bank or receipt'),
        reliedOn: z.array(RecordEvidence),
        checkedAt: z.string(),
        txId: z.string().describe('the check’s own (read-only) transaction'),
    })
    .meta({ id: 'CustomsCheckReport' });

const PartyRef = z.looseObject({
    partyId: z.string(),
    type: z.string().nullable(),
    legalName: z.string().nullable(),
    status: z.string().nullable(),
    filedBy: Signature.nullable(),
    updatedBy: Signature.nullable(),
});

/** Who answers for one declaration line (CU-07): every trade line, party and signature behind it. */
export const LineTrace = z
    .looseObject({
        declNo: z.string(),
        gNo: z.number().int(),
        hsCode: z.string(),
        name: z.string(),
        valueUsd: z.number().int(),
        mergedChapter: z.string().nullable(),
        declarationStatus: DeclarationStatus,
        declarationFiledBy: Signature,
        consignor: PartyRef,
        broker: PartyRef,
        packing: z.looseObject({ packingNo: z.string(), site: z.string(), createdBy: Signature }).nullable(),
        contributions: z.array(
            z.looseObject({
                tradeNo: z.string(),
                lineId: z.string(),
                valueUsd: z.number().int(),
                tradeDate: z.string(),
                unitPrice: z.number().int().nullable(),
                tradeRegisteredBy: Signature,
                vendor: PartyRef,
                agent: PartyRef,
                buyer: PartyRef,
                producer: PartyRef.nullable(),
                consolidator: PartyRef.nullable(),
            }),
        ),
        accountable: z.array(
            z.looseObject({
                partyId: z.string(),
                role: z.enum(['VENDOR', 'AGENT', 'BUYER', 'PRODUCER', 'CONSOLIDATOR', 'BROKER']),
                valueUsd: z.number().int(),
            }),
        ),
    })
    .meta({ id: 'LineTrace' });
