import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { pageArgs } from '../common';
import type { CallerLedger } from '../../http/route';
import { ChaincodeRejection } from '../../ledger/errors';
import { fromLedger } from '../common';
import { StoredPayer, type FileReceiptBody, type Payer, type ReceiptListQuery } from './schema';

/** The payer as transient data, with a fresh salt for its hash on the channel. */
export function payerTransient(payer: z.output<typeof Payer> | undefined): Record<string, string> | undefined {
    return payer === undefined
        ? undefined
        : { payer: JSON.stringify({ salt: randomBytes(16).toString('hex'), ...payer }) };
}

/**
 * The transient payer for VerifyReceipt. The chaincode checks it against the salted hash filed with the receipt,
 * so it must carry the salt used at filing, which only the bank's own private collection holds: the payer is
 * read from there (GetReceiptPayer, on the bank's peer) and sent back with that salt, either as filed or, when
 * the client gives payer details, with the client's details (the chaincode then refuses them if they differ).
 * Without it, every endorsing peer evaluates BK-05 alike (no payer details), as the chaincode requires.
 */
export async function verifyPayerTransient(
    ledger: CallerLedger,
    receiptId: string,
    given: z.output<typeof Payer> | undefined,
): Promise<Record<string, string> | undefined> {
    let stored: z.output<typeof StoredPayer> | undefined;
    try {
        stored = fromLedger(
            StoredPayer,
            await ledger.evaluate({ fn: 'ReceiptContract:GetReceiptPayer', args: [receiptId] }),
        );
    } catch (error) {
        // no payer details on file (or no such receipt: VerifyReceipt answers that itself)
        if (!(error instanceof ChaincodeRejection && error.code === 'NOT_FOUND')) throw error;
    }
    if (stored === undefined) {
        return payerTransient(given);
    }
    const { salt, name, country, bank, account, thirdPartyReason } = stored;
    const details = given ?? { name, country, bank, account, thirdPartyReason };
    return { payer: JSON.stringify({ salt, ...details }) };
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
