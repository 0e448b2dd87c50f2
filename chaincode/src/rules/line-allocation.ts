/**
 * Over-receipt per trade line (V25 applied to each line). An allocation may name the trade line it pays (`lineId`);
 * one that names none pays the whole trade and is spread over its lines pro rata to their amounts. A line is credited
 * its named allocations plus its share of the whole-trade ones, and that must stay within the line's value plus the
 * V25 tolerance. Pure and exact: products are BigInt, so the pro-rata shares are never rounded before comparing.
 */
import { invalid, ruleViolation } from '../lib/errors';
import type { Trade } from '../model/records';
import { DEFAULT_TOLERANCE_BPS } from './allocation';

const BPS = 10_000n;

/** What the rule needs of a trade: its number, currency, total and each line's amount. */
export interface LinedTrade {
    readonly tradeNo: string;
    readonly currency: string;
    readonly totalAmount: number;
    readonly lines: readonly { readonly lineId: string; readonly amount: number }[];
}

/** What the rule needs of an allocation: the trade-currency amount credited and the line it names, if any. */
export interface LineCredit {
    readonly lineId?: string | undefined;
    readonly tradeAmountMinor: number;
}

interface Credits {
    readonly named: ReadonlyMap<string, bigint>;
    readonly whole: bigint;
}

function creditsOf(allocations: readonly LineCredit[]): Credits {
    const named = new Map<string, bigint>();
    let whole = 0n;
    for (const a of allocations) {
        const amount = BigInt(a.tradeAmountMinor);
        if (a.lineId === undefined) whole += amount;
        else named.set(a.lineId, (named.get(a.lineId) ?? 0n) + amount);
    }
    return { named, whole };
}

/**
 * Per trade line, the amount the allocations credit it (minor units of the trade currency): named allocations plus
 * the line's pro-rata share of whole-trade ones, rounded down for display.
 */
export function creditedPerLine(
    trade: Pick<Trade, 'lines' | 'totalAmount'>,
    allocations: readonly LineCredit[],
): Map<string, number> {
    const { named, whole } = creditsOf(allocations);
    const total = BigInt(trade.totalAmount);
    const out = new Map<string, number>();
    for (const line of trade.lines) {
        const share = total === 0n ? 0n : (whole * BigInt(line.amount)) / total;
        out.set(line.lineId, Number((named.get(line.lineId) ?? 0n) + share));
    }
    return out;
}

/** Why an allocation does not fit a trade's lines: a line the trade does not have, or a line it would over-credit. */
export type LineProblem =
    | { readonly kind: 'NO_SUCH_LINE'; readonly lineId: string; readonly message: string }
    | {
          readonly kind: 'OVER_RECEIPT';
          readonly lineId: string;
          readonly lineAmountMinor: number;
          readonly creditedMinor: number;
          readonly message: string;
      };

/**
 * Whether an allocation of `tradeAmountMinor` (naming `lineId`, or the whole trade) would credit any line more than its
 * value × (1 + tolerance), given the trade's `existing` allocations: null when it fits. Both the filing (which refuses)
 * and the bank check (which reports) decide by this one function.
 */
export function lineAllocationProblem(
    trade: LinedTrade,
    existing: readonly LineCredit[],
    next: LineCredit,
    toleranceBps: number = DEFAULT_TOLERANCE_BPS,
): LineProblem | null {
    if (next.lineId !== undefined && !trade.lines.some((l) => l.lineId === next.lineId)) {
        return {
            kind: 'NO_SUCH_LINE',
            lineId: next.lineId,
            message: `trade ${trade.tradeNo} has no line ${next.lineId}`,
        };
    }
    const { named, whole } = creditsOf([...existing, next]);
    const total = BigInt(trade.totalAmount);
    const bps = BPS + BigInt(toleranceBps);
    for (const line of trade.lines) {
        if (next.lineId !== undefined && next.lineId !== line.lineId) continue;
        const amount = BigInt(line.amount);
        // named + whole × amount / total ≤ amount × bps / BPS, multiplied through by total × BPS
        const credited = ((named.get(line.lineId) ?? 0n) * total + whole * amount) * BPS;
        if (credited > amount * bps * total) {
            const creditedMinor = (named.get(line.lineId) ?? 0n) + (whole * amount) / total;
            return {
                kind: 'OVER_RECEIPT',
                lineId: line.lineId,
                lineAmountMinor: line.amount,
                creditedMinor: Number(creditedMinor),
                message: `trade ${trade.tradeNo} line ${line.lineId}: allocations would credit ${creditedMinor} ${trade.currency} minor units, above its value ${line.amount} plus ${toleranceBps / 100} %`,
            };
        }
    }
    return null;
}

/**
 * {@link lineAllocationProblem} as a refusal: `INVALID:` for a line the trade does not have,
 * `RULE_V25_LINE_OVER_RECEIPT:` for the over-receipt.
 */
export function assertLinesWithinValue(
    trade: LinedTrade,
    existing: readonly LineCredit[],
    next: LineCredit,
    toleranceBps: number = DEFAULT_TOLERANCE_BPS,
): void {
    const problem = lineAllocationProblem(trade, existing, next, toleranceBps);
    if (problem === null) return;
    throw problem.kind === 'NO_SUCH_LINE'
        ? invalid(problem.message)
        : ruleViolation('V25_LINE_OVER_RECEIPT', problem.message);
}
