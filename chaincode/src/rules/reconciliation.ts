/**
 * Three-way reconciliation: each trade line ↔ its declaration line ↔ the receipts allocated to it. Pure: the contract
 * loads the trade, its declaration and its allocations. Amounts are minor units of the trade currency; declared values
 * are USD cents as the declaration states them (converted at its recorded rate).
 */
import type { AllocationRecord, Declaration, Trade } from '../model/records';
import { RECONCILIATION_REASONS, type ReconciliationReason } from '../vocabulary';
import { DEFAULT_TOLERANCE_BPS } from './allocation';
import { isExported } from './bank-check';
import { SETTLEMENT_REFER_DAYS } from './customs-check';
import { creditedPerLine } from './line-allocation';

export interface Mismatch {
    readonly code: ReconciliationReason;
    readonly message: string;
}

/** Where a trade line was declared: the declaration line (gNo) and the value it carries for this trade line. */
export interface DeclaredPart {
    readonly declNo: string;
    readonly gNo: number;
    readonly hsCode: string;
    /** The trade line's contribution to the declaration line, USD cents. */
    readonly valueUsd: number;
    /** The trade amount the declaration line says it took from this trade line. */
    readonly amountMinor: number;
}

export interface LineReconciliation {
    readonly tradeNo: string;
    readonly lineId: string;
    readonly goodsCode: string;
    readonly hsCode: string;
    readonly currency: string;
    readonly amountMinor: number;
    readonly declared: DeclaredPart | null;
    /** Named allocations plus the line's pro-rata share of whole-trade ones. */
    readonly creditedMinor: number;
    /** Value less credited; negative when over-paid. */
    readonly remainingMinor: number;
    readonly mismatches: Mismatch[];
}

/** A declaration line's source that names no trade line (the trade or the line is gone). */
export interface UntradedSource {
    readonly declNo: string;
    readonly gNo: number;
    readonly tradeNo: string;
    readonly lineId: string;
    readonly valueUsd: number;
    readonly mismatch: Mismatch;
}

const DAY_MS = 86_400_000;
const BPS = 10_000;

function daysFrom(from: string, to: string): number {
    return Math.floor((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / DAY_MS);
}

function mismatch(code: ReconciliationReason, detail: string): Mismatch {
    return { code, message: `${RECONCILIATION_REASONS[code]}: ${detail}` };
}

function declaredParts(declaration: Declaration | undefined): Map<string, DeclaredPart> {
    const parts = new Map<string, DeclaredPart>();
    for (const line of declaration?.lines ?? []) {
        for (const source of line.sources) {
            parts.set(`${source.tradeNo}/${source.lineId}`, {
                declNo: declaration?.declNo ?? '',
                gNo: line.gNo,
                hsCode: line.hsCode,
                valueUsd: source.valueUsd,
                amountMinor: source.amount,
            });
        }
    }
    return parts;
}

/**
 * Each line of `trade` with its declaration line, what was credited and the mismatches: `declaration` is the one the
 * trade is declared on (undefined when not declared), `allocations` all of the trade's, `asOf` the check's date.
 */
export function reconcileTrade(
    trade: Trade,
    declaration: Declaration | undefined,
    allocations: readonly AllocationRecord[],
    asOf: string,
): LineReconciliation[] {
    const parts = declaredParts(declaration);
    const credited = creditedPerLine(trade, allocations);
    const firstPaid = allocations.map((a) => a.valueDate).sort()[0] ?? null;
    return trade.lines.map((line) => {
        const seen: LineSeen = {
            where: `trade ${trade.tradeNo} line ${line.lineId}`,
            amountMinor: line.amount,
            declared: parts.get(`${trade.tradeNo}/${line.lineId}`) ?? null,
            creditedMinor: credited.get(line.lineId) ?? 0,
        };
        return {
            tradeNo: trade.tradeNo,
            lineId: line.lineId,
            goodsCode: line.goodsCode,
            hsCode: line.hsCode,
            currency: trade.currency,
            amountMinor: line.amount,
            declared: seen.declared,
            creditedMinor: seen.creditedMinor,
            remainingMinor: line.amount - seen.creditedMinor,
            mismatches: [
                ...declarationMismatches(seen, declaration),
                ...paymentMismatches(seen, { trade, declaration, firstPaid, asOf }),
            ],
        };
    });
}

/** One trade line as the reconciliation sees it. */
interface LineSeen {
    readonly where: string;
    readonly amountMinor: number;
    readonly declared: DeclaredPart | null;
    readonly creditedMinor: number;
}

/** Trade line against declaration line: on the declaration, and for the amount the trade line has. */
function declarationMismatches(line: LineSeen, declaration: Declaration | undefined): Mismatch[] {
    if (declaration === undefined) return [];
    if (line.declared === null)
        return [mismatch('RC_TRADED_NOT_DECLARED', `${line.where}, declaration ${declaration.declNo}`)];
    if (line.declared.amountMinor === line.amountMinor) return [];
    const took = `declaration line ${line.declared.gNo} took ${line.declared.amountMinor}`;
    return [mismatch('RC_DECLARED_NOT_TRADED', `${line.where} is ${line.amountMinor}, ${took}`)];
}

/** Receipts against the line: unpaid long after exit, paid beyond what was declared, paid but never exported. */
function paymentMismatches(
    line: LineSeen,
    at: {
        readonly trade: Trade;
        readonly declaration: Declaration | undefined;
        readonly firstPaid: string | null;
        readonly asOf: string;
    },
): Mismatch[] {
    const out: Mismatch[] = [];
    const credited = line.creditedMinor;
    const exitDate = at.declaration?.exitDate;
    const paidEnough = credited * BPS >= line.amountMinor * (BPS - DEFAULT_TOLERANCE_BPS);
    if (exitDate !== undefined && !paidEnough && daysFrom(exitDate, at.asOf) > SETTLEMENT_REFER_DAYS) {
        const detail = `${line.where} exited ${exitDate}, credited ${credited} of ${line.amountMinor}`;
        out.push(mismatch('RC_EXPORTED_UNPAID', detail));
    }
    // the declared USD value is the declared amount at the declaration's rate, so the rate cancels out of the ratio
    const declared = line.declared;
    if (declared !== null && credited * BPS > declared.amountMinor * (BPS + DEFAULT_TOLERANCE_BPS)) {
        const usd = (declared.valueUsd / 100).toFixed(2);
        const detail = `${line.where} credited ${credited} against ${declared.amountMinor} declared as USD ${usd}`;
        out.push(mismatch('RC_PAID_OVER_DECLARED', detail));
    }
    const firstPaid = at.firstPaid;
    if (
        credited > 0 &&
        !isExported(at.trade.status) &&
        firstPaid !== null &&
        daysFrom(firstPaid, at.asOf) > SETTLEMENT_REFER_DAYS
    ) {
        const detail = `${line.where} first paid ${firstPaid}, status ${at.trade.status}`;
        out.push(mismatch('RC_PAID_NOT_EXPORTED', detail));
    }
    return out;
}

/** Sources of the declaration's lines whose trade, or trade line, does not exist. */
export function untradedSources(
    declaration: Declaration,
    trades: ReadonlyMap<string, Trade | undefined>,
): UntradedSource[] {
    const out: UntradedSource[] = [];
    for (const line of declaration.lines) {
        for (const source of line.sources) {
            const trade = trades.get(source.tradeNo);
            if (trade?.lines.some((l) => l.lineId === source.lineId) === true) continue;
            out.push({
                declNo: declaration.declNo,
                gNo: line.gNo,
                tradeNo: source.tradeNo,
                lineId: source.lineId,
                valueUsd: source.valueUsd,
                mismatch: mismatch(
                    'RC_DECLARED_NOT_TRADED',
                    `declaration line ${line.gNo} names ${source.tradeNo}/${source.lineId}, which ${trade === undefined ? 'is not a filed trade' : 'the trade does not have'}`,
                ),
            });
        }
    }
    return out;
}
