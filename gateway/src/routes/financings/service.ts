import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { FinanceBody } from './schema';

/** FinanceTrades' JSON argument: everything but the terms, which go as transient data with a fresh salt. */
export function financeCall(body: z.output<typeof FinanceBody>): {
    args: string[];
    transient: Record<string, string> | undefined;
} {
    const { terms, ...financing } = body;
    return {
        args: [JSON.stringify(financing)],
        transient:
            terms === undefined
                ? undefined
                : { terms: JSON.stringify({ salt: randomBytes(16).toString('hex'), ...terms }) },
    };
}
