import type { z } from 'zod';
import type { CallerLedger } from '../../http/route';
import { fromLedger } from '../common';
import { DocumentRecord, type RegisterDocumentBody, type RegisterDocumentResponse } from './schema';

/** Anchors document hashes (DocumentContract) and verifies them. */
export async function registerDocument(
    ledger: CallerLedger,
    body: z.output<typeof RegisterDocumentBody>,
): Promise<z.input<typeof RegisterDocumentResponse>> {
    const result = await ledger.submit({ fn: 'DocumentContract:RegisterDocument', args: [body.sha256, body.kind] });
    return { document: fromLedger(DocumentRecord, result.payload), txId: result.txId, blockNumber: result.blockNumber };
}

export async function getDocument(ledger: CallerLedger, sha256: string): Promise<z.output<typeof DocumentRecord>> {
    return fromLedger(DocumentRecord, await ledger.evaluate({ fn: 'DocumentContract:GetDocument', args: [sha256] }));
}
