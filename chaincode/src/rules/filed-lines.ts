import { ruleViolation } from '../lib/errors';
import type { BuilderLine } from './declaration-builder';
import { toUsdCents } from './money';
import { type DeclarationLine, type FxRate, type LineSource } from '../model/records';

/** A declaration line as the broker filed it; sources name trade lines and the amount taken from each. */
export interface FiledLine extends Pick<
    DeclarationLine,
    'gNo' | 'hsCode' | 'name' | 'qty' | 'unit' | 'valueUsd' | 'isItemised'
> {
    readonly mergedChapter?: string;
    readonly sources: readonly { readonly tradeNo: string; readonly lineId: string; readonly amount: number }[];
}

/** V17 tolerance: a line value may differ from its converted sources by at most 0.5 %. */
export const LINE_VALUE_TOLERANCE = 0.005;

/**
 * Checks filed lines against the trade lines they claim (V18: every trade line of the declaration is the
 * source of exactly one line, with its full amount; V17: line values match the converted sources) and
 * returns them enriched with each source's goods, HS code and USD value.
 */
export function linkFiledLines(
    filed: readonly FiledLine[],
    tradeLines: readonly BuilderLine[],
    rates: readonly FxRate[],
): DeclarationLine[] {
    const byRef = new Map(tradeLines.map((line) => [`${line.tradeNo}/${line.lineId}`, line]));
    const used = new Set<string>();
    const gNos = new Set<number>();
    const lines = filed.map((line) => {
        if (gNos.has(line.gNo)) throw ruleViolation('V18', `declaration line ${line.gNo} appears twice`);
        gNos.add(line.gNo);
        if (line.sources.length === 0) throw ruleViolation('V18', `declaration line ${line.gNo} links no trade line`);
        const sources: LineSource[] = line.sources.map((ref) => {
            const id = `${ref.tradeNo}/${ref.lineId}`;
            const source = byRef.get(id);
            if (source === undefined)
                throw ruleViolation('V18', `line ${line.gNo}: ${id} is not a line of the declared trades`);
            if (used.has(id)) throw ruleViolation('V18', `trade line ${id} is linked twice`);
            if (ref.amount !== source.amount) {
                throw ruleViolation(
                    'V18',
                    `line ${line.gNo}: ${id} links ${ref.amount}, the trade line amount is ${source.amount}`,
                );
            }
            used.add(id);
            const { tradeNo, lineId, goodsCode, hsCode, qty, amount, currency } = source;
            return {
                tradeNo,
                lineId,
                goodsCode,
                hsCode,
                qty,
                amount,
                currency,
                valueUsd: toUsdCents(amount, currency, rates),
            };
        });
        const converted = sources.reduce((sum, s) => sum + s.valueUsd, 0);
        if (Math.abs(line.valueUsd - converted) > Math.max(1, converted * LINE_VALUE_TOLERANCE)) {
            throw ruleViolation(
                'V17',
                `line ${line.gNo}: value ${line.valueUsd} differs from its trade lines' ${converted}`,
            );
        }
        return { ...line, mergedChapter: line.mergedChapter ?? null, sources };
    });
    const missing = [...byRef.keys()].filter((id) => !used.has(id));
    if (missing.length > 0)
        throw ruleViolation('V18', `trade line(s) ${missing.join(', ')} are in no declaration line`);
    return lines;
}
