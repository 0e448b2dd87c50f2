/**
 * Financing against market-procurement income (V33). Pure: the contract loads the trade, its receipt allocations and
 * the financed shares of every bank, and this module decides.
 *
 * - Only an exported trade (customs confirmed its exit) of a filed, active party may be financed; the borrower is the
 *   party the trade's income goes to (V24).
 * - A trade's financeable value is its value less what receipts already paid (that income is spent) and less every
 *   OPEN financing of any bank: Σ open financings of a trade across all banks ≤ its value, so the same trade can
 *   never be financed twice (F2, 一单多融). A repaid or settled financing no longer holds the trade.
 */
import { ruleViolation } from '../lib/errors';
import type { FinancedShare, Trade } from '../model/records';
import type { FinancingStatus, TradeFinancingStatus } from '../vocabulary';
import { expectedPayee, isExported } from './bank-check';

/** What other uses of a trade leave for a new financing, in the trade's currency. */
export interface TradeUse {
    readonly valueMinor: number;
    /** Σ receipt allocations of every bank. */
    readonly allocatedMinor: number;
    /** Σ OPEN financings of every bank. */
    readonly financedMinor: number;
}

/** value − allocated − open financings, never below zero. */
export function financeableMinor(use: TradeUse): number {
    return Math.max(0, use.valueMinor - use.allocatedMinor - use.financedMinor);
}

/** Σ of the shares that still hold the trade (OPEN). */
export function openFinancedMinor(shares: readonly Pick<FinancedShare, 'amountMinor' | 'status'>[]): number {
    return shares.filter((s) => s.status === 'OPEN').reduce((sum, s) => sum + s.amountMinor, 0);
}

/** V33 and V24: the trade is exported and its income goes to the borrower. */
export function assertFinanceable(trade: Trade, borrowerPartyId: string): void {
    if (!isExported(trade.status)) {
        throw ruleViolation(
            'V33',
            `trade ${trade.tradeNo} is ${trade.status}; only an exported, filed trade may be financed`,
        );
    }
    const expected = expectedPayee({
        agencyReceipt: trade.agencyReceipt,
        agentId: trade.agentId,
        merchantId: trade.vendorId,
    });
    if (expected !== borrowerPartyId) {
        throw ruleViolation(
            'V24',
            `the income of trade ${trade.tradeNo} goes to ${expected ?? 'no party'}, not to borrower ${borrowerPartyId}`,
        );
    }
}

/** V33: the amount fits what the trade has left after receipts and every bank's open financings. */
export function assertWithinFinanceable(tradeNo: string, use: TradeUse, amountMinor: number): void {
    const left = financeableMinor(use);
    if (amountMinor > left) {
        throw ruleViolation(
            'V33',
            `financing ${amountMinor} of trade ${tradeNo} exceeds the ${left} still financeable ` +
                `(value ${use.valueMinor}, received ${use.allocatedMinor}, financed by all banks ${use.financedMinor})`,
        );
    }
}

/** FINANCED while any bank's financing of the trade is OPEN; FINANCING_CLOSED once all were repaid or settled. */
export function tradeFinancingStatus(shares: readonly { readonly status: FinancingStatus }[]): TradeFinancingStatus {
    if (shares.length === 0) return 'NOT_FINANCED';
    return shares.some((s) => s.status === 'OPEN') ? 'FINANCED' : 'FINANCING_CLOSED';
}

/** What a bank may see of a trade's financings: totals and counts for all, its own share apart. */
export interface FinancingView {
    readonly financingStatus: TradeFinancingStatus;
    readonly financedMinor: number;
    readonly financingCount: number;
    readonly financingBanksCount: number;
}

export function financingView(shares: readonly FinancedShare[]): FinancingView {
    const open = shares.filter((s) => s.status === 'OPEN');
    return {
        financingStatus: tradeFinancingStatus(shares),
        financedMinor: openFinancedMinor(shares),
        financingCount: open.length,
        financingBanksCount: new Set(open.map((s) => s.bankMspId)).size,
    };
}
