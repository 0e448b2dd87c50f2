import { RecordType } from '../vocabulary';

/** A record a verdict relied on, and the transaction that last changed it (so a reader can find its block). */
export interface RecordEvidence {
    readonly recordType: RecordType;
    readonly recordId: string;
    readonly txId: string;
}

const SIGNATURES = ['updatedBy', 'filedBy', 'createdBy', 'registeredBy', 'publishedBy'] as const;

/** The txId of the latest signature a stored record carries (records are signed on every change). */
export function lastChange(record: unknown): string | undefined {
    if (record === null || typeof record !== 'object') return undefined;
    for (const field of SIGNATURES) {
        const signature = (record as Record<string, unknown>)[field];
        if (signature !== null && typeof signature === 'object') {
            const txId = (signature as { txId?: unknown }).txId;
            if (typeof txId === 'string' && txId !== '') return txId;
        }
    }
    return undefined;
}

/** Evidence for records already loaded; records that are missing or unsigned are left out. */
export function evidenceOf(entries: Iterable<readonly [RecordType, string, unknown]>): RecordEvidence[] {
    const seen = new Set<string>();
    const found: RecordEvidence[] = [];
    for (const [recordType, recordId, record] of entries) {
        const txId = lastChange(record);
        const key = `${recordType}/${recordId}`;
        if (txId === undefined || seen.has(key)) continue;
        seen.add(key);
        found.push({ recordType, recordId, txId });
    }
    return found;
}
