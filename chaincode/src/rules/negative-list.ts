import { type NegativeList, type NegativeListEntry } from '../model/records';

/** A dated, versioned list (the negative list, a cluster's qualified supplier list). */
export interface DatedList {
    readonly version: number;
    readonly validFrom: string;
}

/** The list version in force on `date` (YYYY-MM-DD): latest validFrom ≤ date, higher version on a tie. */
export function listInForce<L extends DatedList>(lists: readonly L[], date: string): L | undefined {
    let best: L | undefined;
    for (const list of lists) {
        if (list.validFrom > date) continue;
        if (
            best === undefined ||
            list.validFrom > best.validFrom ||
            (list.validFrom === best.validFrom && list.version > best.version)
        ) {
            best = list;
        }
    }
    return best;
}

export interface ListedItem {
    readonly goodsCode: string;
    readonly hsCode: string;
}

export interface NegativeListHit<T extends ListedItem> {
    readonly item: T;
    readonly entry: NegativeListEntry;
    readonly by: 'HS' | 'GOODS';
}

/** Items barred by the list (V05): an entry matches by goods code or by HS code prefix. */
export function negativeListHits<T extends ListedItem>(
    list: NegativeList | undefined,
    items: readonly T[],
): NegativeListHit<T>[] {
    if (list === undefined) return [];
    const hits: NegativeListHit<T>[] = [];
    for (const item of items) {
        const entry = list.entries.find(
            (e) =>
                (e.goodsCode !== undefined && e.goodsCode === item.goodsCode) ||
                (e.hsPrefix !== undefined && item.hsCode.startsWith(e.hsPrefix)),
        );
        if (entry !== undefined) hits.push({ item, entry, by: entry.goodsCode === item.goodsCode ? 'GOODS' : 'HS' });
    }
    return hits;
}
