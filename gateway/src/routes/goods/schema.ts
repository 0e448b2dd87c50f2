import { z } from 'zod';
import { Currency, HsCode, humanText, Id, IsoDate, Name, Text } from '../common';

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
