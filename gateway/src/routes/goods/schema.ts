import { z } from 'zod';
import { CorrectionFields, Currency, HsCode, humanText, Id, IsoDate, Name, Signature, Text } from '../common';

export const GoodsBody = z.strictObject({
    goodsCode: Id,
    ownerId: Id.describe('the merchant that owns the registry entry'),
    ownerSku: Id.optional(),
    nameCn: Name,
    nameEn: Name,
    hsCode: HsCode,
    unit: humanText(16),
    producerId: Id.describe('V09: a registered producer'),
    brand: Name.optional(),
    itemiseAlways: z.boolean().optional().describe('V16: liable to export duty or statutory inspection'),
    prepackagedFood: z
        .boolean()
        .optional()
        .describe('V11: prepackaged food (HS chapters 16–22 are prepackaged food whatever this says)'),
    priceRange: z.strictObject({
        currency: Currency,
        minUnitPrice: z.number().int().min(0),
        maxUnitPrice: z.number().int().min(1),
    }),
});
export const GoodsParams = z.strictObject({ goodsCode: Id });

export const NegativeListBody = z.strictObject({
    version: z.number().int().min(1).max(999_999),
    validFrom: IsoDate,
    entries: z
        .array(
            z.strictObject({
                hsPrefix: z
                    .string()
                    .regex(/^\d{2,10}$/, 'must be 2..10 HS digits')
                    .optional(),
                goodsCode: Id.optional(),
                reason: Text,
            }),
        )
        .max(5000),
});
export const NegativeListQuery = z.strictObject({ asOf: IsoDate.describe('date the list must be in force on') });

/** A goods registry entry as the chaincode stores it (chaincode/src/lib/records.ts Goods). */
export const GoodsRecord = z
    .looseObject({
        docType: z.literal('goods'),
        goodsCode: z.string(),
        ownerId: z.string(),
        ownerSku: z.string().optional(),
        nameCn: z.string(),
        nameEn: z.string(),
        hsCode: z.string(),
        unit: z.string(),
        producerId: z.string(),
        brand: z.string().optional(),
        itemiseAlways: z.boolean().optional(),
        prepackagedFood: z.boolean().optional(),
        priceRange: z.looseObject({
            currency: z.string(),
            minUnitPrice: z.number().int(),
            maxUnitPrice: z.number().int(),
        }),
        status: z.enum(['ACTIVE', 'VOID']).optional().describe('absent: ACTIVE; VOID goods take no new trade (V03)'),
        filedBy: Signature,
        ...CorrectionFields,
    })
    .meta({ id: 'Goods' });

export const NegativeListRecord = z
    .looseObject({
        docType: z.literal('negativeList'),
        version: z.number().int(),
        validFrom: z.string(),
        entries: z.array(
            z.looseObject({ hsPrefix: z.string().optional(), goodsCode: z.string().optional(), reason: z.string() }),
        ),
        publishedBy: Signature,
    })
    .meta({ id: 'NegativeList' });

export const NegativeListInForce = z.looseObject({
    asOf: z.string(),
    list: NegativeListRecord.nullable().describe('null when no list is in force on that date'),
});

export const ClusterParams = z.strictObject({ clusterId: Id });
export const QualifiedSuppliersBody = z.strictObject({
    version: z.number().int().min(1).max(999_999),
    validFrom: IsoDate,
    suppliers: z.array(z.strictObject({ partyId: Id.describe('a filed producer'), remark: Text.optional() })).max(5000),
});
export const QualifiedSuppliersQuery = z.strictObject({ asOf: IsoDate.describe('date the list must be in force on') });

export const QualifiedSuppliersRecord = z
    .looseObject({
        docType: z.literal('qualifiedSuppliers'),
        clusterId: z.string(),
        version: z.number().int(),
        validFrom: z.string(),
        suppliers: z.array(z.looseObject({ partyId: z.string(), remark: z.string().optional() })),
        publishedBy: Signature,
    })
    .meta({ id: 'QualifiedSupplierList' });

export const QualifiedSuppliersInForce = z.looseObject({
    clusterId: z.string(),
    asOf: z.string(),
    list: QualifiedSuppliersRecord.nullable().describe('null when the cluster admits no prepackaged food on that date'),
});
