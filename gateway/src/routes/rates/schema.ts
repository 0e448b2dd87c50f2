import { z } from 'zod';
import { Currency, Signature, Text } from '../common';

export const Month = z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
    .describe('YYYY-MM: the month of a declaration date or of a receipt value date');

/** USD per one unit of the currency (chaincode contracts/rates.ts USD_RATE). */
const UsdRate = z
    .string()
    .regex(/^(0|[1-9][0-9]{0,8})(\.[0-9]{1,12})?$/, 'must be a positive decimal such as "0.140845"')
    .describe('USD per one unit of the currency, e.g. "0.140845" for CNY (at most 12 decimals)');

export const PublishRatesBody = z.strictObject({
    month: Month,
    version: z
        .number()
        .int()
        .min(1)
        .max(999_999)
        .describe('above every version of the month already published (else 409 CONFLICT); 1 for the first'),
    rates: z
        .array(z.strictObject({ currency: Currency.describe('not USD, which converts at 1'), rate: UsdRate }))
        .min(1)
        .max(200)
        .describe("every currency the month's declarations and receipts may need; a version replaces the whole set"),
    reason: Text.optional().describe('why this version replaces the previous one'),
});

export const RatesParams = z.strictObject({ month: Month });

/** One version of a month's customs rates (chaincode model/records.ts ExchangeRates). */
export const ExchangeRatesRecord = z
    .looseObject({
        docType: z.literal('exchangeRates'),
        month: z.string(),
        version: z.number().int(),
        rates: z.array(z.looseObject({ currency: z.string(), rate: z.string().describe('USD per one unit') })),
        reason: z.string().optional(),
        publishedBy: Signature.describe('the customs officer who published it, and when (txId, at)'),
    })
    .meta({ id: 'ExchangeRates' });

export const RatesOfMonth = z.looseObject({
    month: z.string(),
    inForce: ExchangeRatesRecord.nullable().describe(
        'the version declarations and bank dealing rates are held to now; null before customs publishes the month',
    ),
    versions: z.array(ExchangeRatesRecord).describe('every version of the month, oldest first'),
});
