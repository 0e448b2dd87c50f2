import type { z } from 'zod';
import { pageArgs } from '../common';
import type { TradeListQuery } from './schema';

/** The list transaction and its arguments for the one filter given. */
export function tradeListCall(query: z.output<typeof TradeListQuery>): { fn: string; args: string[] } {
    const filters = [
        ['ListTradesByVendor', query.vendorId],
        ['ListTradesByAgent', query.agentId],
    ] as const;
    const [fn, value] = filters.find(([, v]) => v !== undefined) ?? filters[0];
    return { fn: `TradeContract:${fn}`, args: [value ?? '', ...pageArgs(query)] };
}
