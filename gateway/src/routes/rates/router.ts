import type { AnyRoute } from '../../http/route';
import { txRoute } from '../ledger-route';
import { ExchangeRatesRecord, PublishRatesBody, RatesOfMonth, RatesParams } from './schema';

const tag = 'rates';

/** V31: customs' monthly conversion rates to USD. */
export function rateRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/rates',
            operationId: 'publishRates',
            summary: 'Publish or re-publish a month’s conversion rates to USD (customs) (V31)',
            description:
                'Declarations of the month convert at the version in force when they are filed; a bank’s dealing ' +
                'rates on receipts with a value date in the month must stay within 5 % of it.',
            tag,
            write: true,
            status: 201,
            body: PublishRatesBody,
            errors: ['CONFLICT'],
            result: ExchangeRatesRecord,
            tx: 'RatesContract:PublishRates',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/rates/:month',
            operationId: 'getRates',
            summary: 'A month’s conversion rates: the version in force and every version (V31)',
            tag,
            params: RatesParams,
            result: RatesOfMonth,
            tx: 'RatesContract:GetRates',
            args: ({ params }) => [params.month],
        }),
    ];
}
