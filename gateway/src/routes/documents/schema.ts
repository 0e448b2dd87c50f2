import { z } from 'zod';
import { LedgerReceipt, Sha256, Signature } from '../common';

export const DocumentKind = z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'must be an upper-case code such as INVOICE')
    .describe('what the document is: INVOICE, ORDER_PHOTO, PACKING_LIST, ...');

export const RegisterDocumentBody = z.strictObject({
    sha256: Sha256.describe('SHA-256 of the document bytes, hex'),
    kind: DocumentKind,
});

export const DocumentParams = z.strictObject({ sha256: Sha256 });

export const DocumentRecord = z.object({
    sha256: Sha256,
    kind: z.string(),
    registeredBy: Signature,
    registeredAt: z.string(),
    txId: z.string(),
});

export const RegisterDocumentResponse = z.object({ document: DocumentRecord, ...LedgerReceipt.shape });

export const VerifyDocumentResponse = z.object({
    registered: z.literal(true),
    document: DocumentRecord,
});
