import { ruleViolation } from '../lib/errors';
import { toUsdCents } from './money';
import { type DeclarationLine, type FxRate, type LineSource, type TradeLine } from '../model/records';
import { VALUE_CAP_USD_CENTS } from '../vocabulary';

// the cap lives in the vocabulary so the gateway can show the headroom against it
export { VALUE_CAP_USD_CENTS };
/** V14: more than this many kinds → the highest-value ones are itemised, the rest merged by HS chapter. */
export const MAX_ITEMISED = 5;

/** One trade line as the builder needs it. */
export interface BuilderLine extends Pick<
    TradeLine,
    'lineId' | 'goodsCode' | 'hsCode' | 'nameEn' | 'unit' | 'qty' | 'amount'
> {
    readonly tradeNo: string;
    readonly currency: string;
    /** V16: export duty / statutory inspection goods are never merged. */
    readonly itemiseAlways?: boolean;
}

export interface BuiltDeclaration {
    readonly lines: DeclarationLine[];
    readonly totalValueUsd: number;
    readonly simplified: boolean;
    readonly withinCap: boolean;
}

interface Kind {
    readonly hsCode: string;
    readonly sources: LineSource[];
    readonly valueUsd: number;
    readonly qty: number;
    readonly top: BuilderLine;
    readonly itemiseAlways: boolean;
}

const byValueThenHs = (a: { valueUsd: number; hsCode: string }, b: { valueUsd: number; hsCode: string }): number =>
    b.valueUsd - a.valueUsd || (a.hsCode < b.hsCode ? -1 : a.hsCode > b.hsCode ? 1 : 0);

const bySource = (a: LineSource, b: LineSource): number =>
    a.tradeNo === b.tradeNo ? (a.lineId < b.lineId ? -1 : 1) : a.tradeNo < b.tradeNo ? -1 : 1;

/** Groups trade lines into kinds (one kind = one 10-digit HS code), each source converted to USD once. */
function kindsOf(lines: readonly BuilderLine[], rates: readonly FxRate[]): Kind[] {
    const groups = new Map<string, { line: BuilderLine; source: LineSource }[]>();
    for (const line of lines) {
        const source: LineSource = {
            tradeNo: line.tradeNo,
            lineId: line.lineId,
            goodsCode: line.goodsCode,
            hsCode: line.hsCode,
            qty: line.qty,
            amount: line.amount,
            currency: line.currency,
            valueUsd: toUsdCents(line.amount, line.currency, rates),
        };
        const group = groups.get(line.hsCode) ?? [];
        group.push({ line, source });
        groups.set(line.hsCode, group);
    }
    return [...groups.entries()].map(([hsCode, group]) => {
        const top = [...group].sort((a, b) => b.source.valueUsd - a.source.valueUsd || bySource(a.source, b.source))[0];
        if (top === undefined) throw new Error('empty kind');
        return {
            hsCode,
            sources: group.map((g) => g.source).sort(bySource),
            valueUsd: group.reduce((sum, g) => sum + g.source.valueUsd, 0),
            qty: group.reduce((sum, g) => sum + g.line.qty, 0),
            top: top.line,
            itemiseAlways: group.some((g) => g.line.itemiseAlways === true),
        };
    });
}

function itemisedLine(kind: Kind): Omit<DeclarationLine, 'gNo'> {
    return {
        hsCode: kind.hsCode,
        name: kind.top.nameEn,
        qty: kind.qty,
        unit: kind.top.unit,
        valueUsd: kind.valueUsd,
        mergedChapter: null,
        isItemised: true,
        sources: kind.sources,
    };
}

/** V15: a chapter line takes the HS code (and name, unit) of its highest-value kind; qty and value are summed. */
function mergedLine(chapter: string, kinds: readonly Kind[]): Omit<DeclarationLine, 'gNo'> {
    const sorted = [...kinds].sort(byValueThenHs);
    const top = sorted[0];
    if (top === undefined) throw new Error('empty chapter');
    return {
        hsCode: top.hsCode,
        name: top.top.nameEn,
        qty: kinds.reduce((sum, k) => sum + k.qty, 0),
        unit: top.top.unit,
        valueUsd: kinds.reduce((sum, k) => sum + k.valueUsd, 0),
        mergedChapter: chapter,
        isItemised: false,
        sources: kinds.flatMap((k) => k.sources).sort(bySource),
    };
}

/**
 * The simplified declaration (V14–V18) as a pure function of the trade lines and the recorded rates.
 * ≤ 5 kinds: one itemised line per kind. More: the 5 highest-value kinds (plus V16 kinds) itemised, the
 * rest merged per HS chapter. Every trade line is the source of exactly one declaration line, and the
 * declaration total is exactly the sum of the converted trade lines.
 */
export function buildDeclaration(lines: readonly BuilderLine[], rates: readonly FxRate[]): BuiltDeclaration {
    if (lines.length === 0) throw ruleViolation('V18', 'a declaration needs at least one trade line');
    const kinds = kindsOf(lines, rates).sort(byValueThenHs);
    const simplified = kinds.length > MAX_ITEMISED;
    const itemised = simplified ? kinds.filter((k, i) => i < MAX_ITEMISED || k.itemiseAlways) : kinds;
    const rest = simplified ? kinds.filter((k) => !itemised.includes(k)) : [];
    const chapters = new Map<string, Kind[]>();
    for (const kind of rest) {
        const chapter = kind.hsCode.slice(0, 2);
        chapters.set(chapter, [...(chapters.get(chapter) ?? []), kind]);
    }
    const merged = [...chapters.entries()].map(([chapter, group]) => mergedLine(chapter, group)).sort(byValueThenHs);
    const built = [...itemised.map(itemisedLine), ...merged].map((line, index) => ({ gNo: index + 1, ...line }));
    const totalValueUsd = built.reduce((sum, line) => sum + line.valueUsd, 0);
    return { lines: built, totalValueUsd, simplified, withinCap: totalValueUsd <= VALUE_CAP_USD_CENTS };
}
