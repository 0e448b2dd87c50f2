import { z } from 'zod';
import { Country, Currency, HsCode, humanText, Id, IsoDate, Name, Text } from '../common';
import { Containers } from '../consolidation/schema';
import { ReceiptId } from '../receipts/schema';

/**
 * Request shapes of the corrections (amend, void, terminate, withdraw; docs/rules.md "Corrections"). Every one carries
 * its reason; the chaincode records it with who and when, and keeps the earlier version in the record's history.
 */

const reasoned = <T extends z.ZodType>(amendment: T): z.ZodObject<{ amendment: T; reason: typeof Text }> =>
    z.strictObject({ amendment, reason: Text.describe('why the record is corrected (kept on the ledger)') });

const changesSomething = (a: object): boolean => Object.keys(a).length > 0;
const AMEND_ONE = 'amend at least one field';

export const AmendGoodsBody = reasoned(
    z
        .strictObject({
            ownerSku: Id.optional(),
            nameCn: Name.optional(),
            nameEn: Name.optional(),
            hsCode: HsCode.optional().describe('only while no trade uses the goods (AMEND_AFTER_USE)'),
            unit: humanText(16).optional().describe('only while no trade uses the goods (AMEND_AFTER_USE)'),
            brand: Name.optional(),
            itemiseAlways: z.boolean().optional(),
            priceRange: z
                .strictObject({
                    currency: Currency,
                    minUnitPrice: z.number().int().min(0),
                    maxUnitPrice: z.number().int().min(1),
                })
                .optional(),
        })
        .refine(changesSomething, AMEND_ONE),
);

export const AmendClusterBody = reasoned(
    z
        .strictObject({
            name: Name.optional(),
            city: Name.optional(),
            addStalls: z
                .array(
                    z.strictObject({
                        streetId: Id,
                        name: Name.optional().describe('required when the street is new'),
                        stalls: z.array(Id).min(1).max(2000),
                    }),
                )
                .min(1)
                .max(500)
                .optional(),
        })
        .refine(changesSomething, AMEND_ONE),
);

export const AmendAgreementBody = reasoned(
    z.strictObject({
        validTo: IsoDate.describe('earlier than the current end, not before today; a later end needs a new agreement'),
    }),
);

export const AmendOrderBody = reasoned(
    z
        .strictObject({
            destCountry: Country.optional(),
            site: Id.optional(),
            truckPlate: humanText(16).optional(),
            addTradeNos: z.array(Id).min(1).max(500).optional(),
            removeTradeNos: z.array(Id).min(1).max(500).optional().describe('these trades are CONFIRMED again'),
        })
        .refine(changesSomething, AMEND_ONE),
);

export const AmendPackingBody = reasoned(
    z
        .strictObject({
            brokerId: Id.optional(),
            packDate: IsoDate.optional(),
            site: Id.optional(),
            destCountry: Country.optional(),
            billOfLading: Id.optional(),
            containers: Containers.optional().describe('rearranged containers carrying the same orders'),
        })
        .refine(changesSomething, AMEND_ONE),
);

export const AllocationParams = z.strictObject({ receiptId: ReceiptId, tradeNo: Id });
