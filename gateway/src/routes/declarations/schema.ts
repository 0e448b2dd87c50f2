import { z } from 'zod';
import { Country, Currency, HsCode, humanText, Id, IsoDate, Name, PageQuery } from '../common';

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
    customsOffice: Id,
    exitPort: Id,
    declDate: IsoDate,
    destCountry: Country,
    tradeCountry: Country,
    transportMode: TransportMode,
    billOfLading: Id.optional(),
    tradeNos: z.array(Id).min(1).max(500),
    rates: z
        .array(
            z.strictObject({
                currency: Currency,
                rate: z.string().regex(/^\d{1,9}(\.\d{1,12})?$/, 'must be a decimal'),
            }),
        )
        .max(50)
        .describe('USD per one unit of each trade currency, as used for the conversion'),
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
