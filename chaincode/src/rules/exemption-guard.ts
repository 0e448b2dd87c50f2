import type { ExemptionReason, TradeStatus } from '../vocabulary';

/**
 * CU-09 ExemptionGuard: may these trades be claimed VAT-exempt by this merchant in this period? Pure function.
 *
 * V29: only EXPORTED trades (exit confirmed on a declaration), each at most once.
 * V28: the filing is for the VAT period of the month after export, and is made in that period: not before it opens
 * (premature claim, F10) and not after it has closed (late claim).
 */
export type GuardOutcome = 'PASS' | 'FAIL';

/** Which domain rule a failing reason breaks; the contract throws `RULE_<rule>:` (or NOT_FOUND / PRECONDITION). */
export const REASON_RULE: Readonly<
    Record<Exclude<ExemptionReason, 'CU09_OK'>, 'NOT_FOUND' | 'PRECONDITION' | 'V28' | 'V29'>
> = {
    CU09_TRADE_NOT_FOUND: 'NOT_FOUND',
    CU09_NOT_MERCHANT_TRADE: 'PRECONDITION',
    CU09_NOT_EXPORTED: 'V29',
    CU09_NO_EXIT_DATE: 'V29',
    CU09_ALREADY_EXEMPTED: 'V29',
    CU09_WRONG_PERIOD: 'V28',
    CU09_PERIOD_NOT_OPEN: 'V28',
    CU09_PERIOD_CLOSED: 'V28',
};

export interface ExemptionTradeFacts {
    readonly tradeNo: string;
    /** null when the trade does not exist. */
    readonly status: TradeStatus | null;
    readonly vendorId: string | null;
    /** Exit date (YYYY-MM-DD) from the trade's declaration, null when none. */
    readonly exitDate: string | null;
    /** The filing that already claims this trade, null when none. */
    readonly exemptedBy: string | null;
}

export interface ExemptionGuardInput {
    /** The filing being checked (its own claim on a trade is not a double claim); null for a proposal. */
    readonly filingNo: string | null;
    readonly merchantId: string;
    /** YYYY-MM. */
    readonly period: string;
    /** YYYY-MM in which the filing is (or was) made. */
    readonly filedMonth: string;
    readonly trades: readonly ExemptionTradeFacts[];
}

export interface ExemptionFinding {
    readonly tradeNo: string;
    readonly outcome: GuardOutcome;
    readonly reason: ExemptionReason;
    readonly exportMonth: string | null;
}

export interface ExemptionGuardResult {
    readonly filingNo: string | null;
    readonly period: string;
    readonly verdict: GuardOutcome;
    readonly findings: readonly ExemptionFinding[];
}

/** The month after YYYY-MM. */
export function nextMonth(month: string): string {
    const year = Number(month.slice(0, 4));
    const m = Number(month.slice(5, 7));
    return m === 12
        ? `${String(year + 1).padStart(4, '0')}-01`
        : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
}

function tradeReason(input: ExemptionGuardInput, trade: ExemptionTradeFacts): ExemptionReason {
    if (trade.status === null) return 'CU09_TRADE_NOT_FOUND';
    if (trade.vendorId !== input.merchantId) return 'CU09_NOT_MERCHANT_TRADE';
    if (trade.exemptedBy !== null && trade.exemptedBy !== input.filingNo) return 'CU09_ALREADY_EXEMPTED';
    if (trade.status !== 'EXPORTED' && trade.exemptedBy === null) return 'CU09_NOT_EXPORTED';
    if (trade.exitDate === null) return 'CU09_NO_EXIT_DATE';
    if (nextMonth(trade.exitDate.slice(0, 7)) !== input.period) return 'CU09_WRONG_PERIOD';
    if (input.filedMonth < input.period) return 'CU09_PERIOD_NOT_OPEN';
    if (input.filedMonth > input.period) return 'CU09_PERIOD_CLOSED';
    return 'CU09_OK';
}

export function guardExemption(input: ExemptionGuardInput): ExemptionGuardResult {
    const findings = input.trades.map((trade): ExemptionFinding => {
        const reason = tradeReason(input, trade);
        return {
            tradeNo: trade.tradeNo,
            outcome: reason === 'CU09_OK' ? 'PASS' : 'FAIL',
            reason,
            exportMonth: trade.exitDate === null ? null : trade.exitDate.slice(0, 7),
        };
    });
    const verdict = findings.length > 0 && findings.every((f) => f.outcome === 'PASS') ? 'PASS' : 'FAIL';
    return { filingNo: input.filingNo, period: input.period, verdict, findings };
}
