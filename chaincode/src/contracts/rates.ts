import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { authorize } from '../lib/auth';
import { jsonResult } from '../lib/canonical';
import { conflict, invalid } from '../lib/errors';
import { txTime } from '../lib/identity';
import { CURRENCY, REASON, arrayOf, int, object, optional, parseArg, parseJson, str } from '../lib/validate';
import { versionId, recordKey } from '../model/keys';
import { type ExchangeRates } from '../model/records';
import { parseRate } from '../rules/allocation';
import { ratesInForce } from '../rules/rates';
import { requireCustomsEndorsement } from '../store/endorsement';
import { emit } from '../store/events';
import { loadExchangeRates } from '../store/loaders';
import { putRecord } from '../store/records';
import { RecordType } from '../vocabulary';

export const MONTH = str({ pattern: /^\d{4}-(0[1-9]|1[0-2])$/, max: 7, hint: 'must be a month YYYY-MM' });
/** USD per one unit of the currency: a positive decimal with at most 12 decimals, no leading zeros. */
const USD_RATE = str({
    pattern: /^(0|[1-9][0-9]{0,8})(\.[0-9]{1,12})?$/,
    max: 22,
    hint: 'must be a positive decimal such as "0.140845" (USD per one unit, at most 12 decimals)',
});
const PUBLICATION = object({
    month: MONTH,
    version: int({ min: 1, max: 999_999 }),
    rates: arrayOf(object({ currency: CURRENCY, rate: USD_RATE }), { min: 1, max: 200 }),
    reason: optional(REASON),
});

/**
 * V31: customs' monthly conversion rates to USD, dated and versioned like the negative list. Only customs publishes;
 * a month may be re-published as a higher version (the earlier ones stay on the ledger), and each use takes the
 * version in force at its moment.
 */
@Info({ title: 'RatesContract', description: 'Customs monthly conversion rates to USD (V31)' })
export class RatesContract extends Contract {
    constructor() {
        super('RatesContract');
    }

    /** Publishes one month's rates as a new version: above every version of the month already published. */
    @Transaction()
    async PublishRates(ctx: Context, ratesJson: string): Promise<string> {
        const input = parseJson(ratesJson, PUBLICATION, 'rates');
        const seen = new Set<string>();
        input.rates.forEach((entry, index) => {
            if (entry.currency === 'USD') throw invalid(`rates.rates[${index}]: USD converts at 1 and takes no rate`);
            if (seen.has(entry.currency)) throw invalid(`rates.rates[${index}]: ${entry.currency} appears twice`);
            seen.add(entry.currency);
            parseRate(entry.rate);
        });
        const actor = await authorize(ctx, 'RatesContract.PublishRates');
        const versions = await loadExchangeRates(ctx, input.month);
        const latest = Math.max(0, ...versions.map((v) => v.version));
        if (input.version <= latest) {
            throw conflict(`rates of ${input.month}: version ${input.version} is not above the latest ${latest}`);
        }
        const published: ExchangeRates = {
            docType: 'exchangeRates',
            month: input.month,
            version: input.version,
            rates: [...input.rates].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
            ...(input.reason === undefined ? {} : { reason: input.reason }),
            publishedBy: actor.signature,
        };
        const key = recordKey(ctx, RecordType.exchangeRates, input.month, versionId(input.version));
        await putRecord(ctx, key, published);
        await requireCustomsEndorsement(ctx, key);
        emit(ctx, 'RatesPublished', {
            month: published.month,
            version: published.version,
            currencies: published.rates.map((r) => r.currency),
        });
        return jsonResult(published);
    }

    /** The month's version in force now (`inForce`, null before the first) and every version, oldest first. */
    @Transaction(false)
    async GetRates(ctx: Context, month: string): Promise<string> {
        const wanted = parseArg(month, MONTH, 'month');
        await authorize(ctx, 'RatesContract.GetRates');
        const versions = (await loadExchangeRates(ctx, wanted)).sort((a, b) => a.version - b.version);
        return jsonResult({ month: wanted, inForce: ratesInForce(versions, txTime(ctx)) ?? null, versions });
    }
}
