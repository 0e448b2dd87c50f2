import { z } from 'zod';
import { HUMAN_TEXT, HUMAN_TEXT_HINT } from '../../../chaincode/src/lib/text';

/** Shapes shared by several resources (mirroring chaincode/src/lib/validate.ts). */
export const Id = z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1..64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)');
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
export const IsoDate = z.iso.date();
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');
export const Country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code');
export const HsCode = z.string().regex(/^\d{10}$/, 'must be a 10-digit HS code');
/** Human text (names, remarks, reasons) under the text rule the chaincode enforces too (chaincode/src/lib/text.ts). */
export const humanText = (max: number): z.ZodString => z.string().min(1).max(max).regex(HUMAN_TEXT, HUMAN_TEXT_HINT);
export const Text = humanText(500);
export const Name = humanText(200);
/** Money: integer minor units (never floats). */
export const Minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Who signed a change on the ledger and when (chaincode Signature). */
export const Signature = z
    .looseObject({
        mspId: z.string(),
        id: z.string(),
        role: z.string().nullable(),
        party: z.string().nullable(),
        txId: z.string().optional(),
        at: z.string().optional(),
    })
    .meta({ id: 'Signature' });

/** Where a write landed: the transaction and the block that committed it. */
export const LedgerReceipt = z.object({
    txId: z.string().describe('Fabric transaction ID'),
    blockNumber: z.string().describe('block that committed the transaction (uint64 as decimal string)'),
});

/** What a write answers: the chaincode's result and where it landed. */
export const WriteResponse = <S extends z.ZodType>(
    result: S,
): z.ZodObject<{
    result: S;
    txId: z.ZodString;
    blockNumber: z.ZodString;
}> => z.object({ result, ...LedgerReceipt.shape });

/** A ledger txId the answer relied on, with the block that committed it. */
export const Evidence = z.object({ txId: z.string(), blockNumber: z.string().nullable(), valid: z.boolean() });

/** What a verdict answers: the chaincode's result and the evidence of every ledger transaction it cites. */
export const Evidenced = <S extends z.ZodType>(
    result: S,
): z.ZodObject<{ result: S; evidence: z.ZodArray<typeof Evidence> }> =>
    z.object({ result, evidence: z.array(Evidence) });

export const PageQuery = z.strictObject({
    pageSize: z.coerce.number<string>().int().min(1).max(500).default(50),
    bookmark: z.string().max(2048).default(''),
});

export function page<T extends z.ZodType>(item: T): z.ZodObject<{ items: z.ZodArray<T>; bookmark: z.ZodString }> {
    return z.object({
        items: z.array(item),
        bookmark: z.string().describe('pass back to get the next page; empty when there is none'),
    });
}

/** Parses the chaincode's JSON answer; a mismatch is a gateway/chaincode disagreement (500, logged). */
export function fromLedger<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
    const value = typeof payload === 'string' ? (JSON.parse(payload) as unknown) : payload;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
        // a disagreement between gateway and chaincode: 500 for the client, the details for the log
        throw new Error(`ledger answer does not match its schema: ${JSON.stringify(parsed.error.issues.slice(0, 5))}`);
    }
    return parsed.data;
}

export const Reason = z.strictObject({ reason: Text });

/** What a corrected record carries (chaincode Corrections): how often it was corrected, the last reason and signer. */
export const CorrectionFields = {
    amendments: z.number().int().optional().describe('corrections so far; each earlier version is in the history'),
    correction: z.looseObject({ reason: z.string(), by: Signature }).optional().describe('the last correction'),
};
export const Resolution = z.strictObject({ resolution: Text });
export const DecimalRate = z
    .string()
    .regex(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/, 'must be a positive decimal such as "7.1234"');

/** `pageSize` and `bookmark` as the chaincode's list transactions take them. */
export const pageArgs = (q: { pageSize: number; bookmark: string }): string[] => [String(q.pageSize), q.bookmark];

/** A verdict: PASS, REFER (a person must look) or FAIL. */
export const Verdict = z.enum(['PASS', 'REFER', 'FAIL']);

/** A record a verdict relied on, with the transaction that last changed it (chaincode RecordEvidence). */
export const RecordEvidence = z.looseObject({ recordType: z.string(), recordId: z.string(), txId: z.string() });

/** Every committed version of a record, oldest first (chaincode HistoryEntry). */
export const HistoryEntry = z.looseObject({
    txId: z.string(),
    timestamp: z.string(),
    isDelete: z.boolean(),
    value: z.looseObject({}).nullable().describe('the record as that transaction left it; null when deleted'),
});
