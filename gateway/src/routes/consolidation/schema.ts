import { z } from 'zod';
import { CorrectionFields, Country, humanText, Id, IsoDate, Signature } from '../common';

export const OrderBody = z.strictObject({
    orderCode: Id,
    consolidatorId: Id,
    agentId: Id,
    destCountry: Country,
    site: Id.describe('customs-supervised site (V19)'),
    truckPlate: humanText(16).optional(),
    tradeNos: z.array(Id).min(1).max(500),
});
export const OrderParams = z.strictObject({ orderCode: Id });

export const Containers = z
    .array(
        z.strictObject({
            containerNo: z.string().regex(/^[A-Z]{4}\d{7}$/, 'must be an ISO 6346 container number'),
            type: z.string().regex(/^[0-9A-Z]{4}$/, 'must be an ISO size-type code such as 45G1'),
            sealNo: Id,
            tareKg: z.number().int().min(0).max(10_000),
            orderCodes: z.array(Id).min(1).max(100),
        }),
    )
    .min(1)
    .max(50);

export const PackingBody = z.strictObject({
    packingNo: Id,
    consolidatorId: Id,
    brokerId: Id,
    packDate: IsoDate,
    site: Id,
    destCountry: Country,
    billOfLading: Id.optional(),
    containers: Containers,
});
export const PackingParams = z.strictObject({ packingNo: Id });

export const ConsolidationOrderRecord = z
    .looseObject({
        docType: z.literal('consolidation'),
        orderCode: z.string(),
        consolidatorId: z.string(),
        agentId: z.string(),
        destCountry: z.string(),
        site: z.string(),
        truckPlate: z.string().optional(),
        tradeNos: z.array(z.string()),
        status: z.enum(['OPEN', 'PACKED', 'VOID']),
        ...CorrectionFields,
        packingNo: z.string().optional(),
        createdBy: Signature,
        updatedBy: Signature,
    })
    .meta({ id: 'ConsolidationOrder' });

export const PackingListRecord = z
    .looseObject({
        docType: z.literal('packing'),
        packingNo: z.string(),
        consolidatorId: z.string(),
        brokerId: z.string(),
        agentId: z.string(),
        packDate: z.string(),
        site: z.string(),
        destCountry: z.string(),
        billOfLading: z.string().optional(),
        containers: z.array(
            z.looseObject({
                containerNo: z.string(),
                type: z.string(),
                sealNo: z.string(),
                tareKg: z.number(),
                orderCodes: z.array(z.string()),
            }),
        ),
        orderCodes: z.array(z.string()),
        tradeNos: z.array(z.string()),
        status: z.enum(['PACKED', 'VOID']).optional().describe('absent: PACKED'),
        createdBy: Signature,
        ...CorrectionFields,
    })
    .meta({ id: 'PackingList' });
