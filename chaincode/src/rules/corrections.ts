import { invalid } from '../lib/errors';
import type { Corrections, Signature } from '../model/records';

/**
 * Every correction (amend, void, terminate, withdraw) writes a new version of the record under the same key: the
 * earlier one stays in the key's history (GetHistory and the per-record history reads), the record counts its
 * corrections and carries the last one's reason and signature (who, which transaction, when).
 */
export function corrected<T extends Corrections>(record: T, reason: string, by: Signature): T {
    return { ...record, amendments: (record.amendments ?? 0) + 1, correction: { reason, by } };
}

/** The names of the fields an amendment sets; an amendment that sets none is refused. */
export function amendedFields(amendment: object, what: string): string[] {
    const fields = Object.entries(amendment)
        .filter(([, value]) => value !== undefined)
        .map(([name]) => name)
        .sort();
    if (fields.length === 0) throw invalid(`${what} changes nothing`);
    return fields;
}
