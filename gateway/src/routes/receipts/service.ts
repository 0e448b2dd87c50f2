import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { pageArgs } from '../common';
import type { FileReceiptBody, Payer, ReceiptListQuery } from './schema';

/** The payer as transient data, with a fresh salt for its hash on the channel. */
export function payerTransient(payer: z.output<typeof Payer> | undefined): Record<string, string> | undefined {
    return payer === undefined
        ? undefined
        : { payer: JSON.stringify({ salt: randomBytes(16).toString('hex'), ...payer }) };
}

/** FileReceipt's JSON argument: everything but the payer, which goes as transient data. */
export function receiptArg(body: z.output<typeof FileReceiptBody>): string[] {
    const receipt: Partial<typeof body> = { ...body };
    delete receipt.payer;
    return [JSON.stringify(receipt)];
}

export function receiptListCall(query: z.output<typeof ReceiptListQuery>): { fn: string; args: string[] } {
    return query.tradeNo !== undefined
        ? { fn: 'ReceiptContract:ListReceiptsByTrade', args: [query.tradeNo, ...pageArgs(query)] }
        : { fn: 'ReceiptContract:ListReceiptsByPayee', args: [query.payeePartyId ?? '', ...pageArgs(query)] };
}
