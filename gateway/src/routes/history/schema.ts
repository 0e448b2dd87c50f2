import { z } from 'zod';
import { HistoryEntry } from '../common';
import { RecordType } from '../../../../chaincode/src/vocabulary';

const RECORD_TYPES = Object.values(RecordType) as [string, ...string[]];

export const HistoryParams = z.strictObject({
    recordType: z.enum(RECORD_TYPES),
    recordId: z
        .string()
        .regex(
            /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(:[A-Za-z0-9][A-Za-z0-9._-]{0,63})?$/,
            'the record ID; for customs events <declNo>:<seq>',
        ),
});

export const RecordHistory = z.looseObject({
    recordType: z.string(),
    recordId: z.string(),
    history: z.array(HistoryEntry),
});

/** The per-record histories its readers may see (receipts, exemption filings, documents), each keyed by its own ID. */
export const ReceiptHistory = z.looseObject({ receiptId: z.string(), history: z.array(HistoryEntry) });
export const ExemptionHistory = z.looseObject({ filingNo: z.string(), history: z.array(HistoryEntry) });
export const DocumentHistory = z.looseObject({ sha256: z.string(), history: z.array(HistoryEntry) });
