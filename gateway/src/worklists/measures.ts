import { sql, type RawBuilder } from 'kysely';

/**
 * What a declaration "has" for the market's indicators (docs/indicators.md), as SQL over the row of the outer
 * `declarations` table: one expression each, used both by the work-list filters that list the records and by the
 * indicators that count them, so a figure and its drill-down can never disagree.
 */

/** A risk flag (any status) on the declaration or on a trade it carries, or a RETURNED customs event. */
export const FLAGGED_OR_RETURNED: RawBuilder<boolean> = sql<boolean>`(
    EXISTS (SELECT 1 FROM risk_flags f
        WHERE f.subject_type = 'declaration' AND f.subject_id = declarations.decl_no)
    OR EXISTS (SELECT 1 FROM risk_flags f JOIN trades t ON f.subject_type = 'trade' AND f.subject_id = t.trade_no
        WHERE t.decl_no = declarations.decl_no)
    OR EXISTS (SELECT 1 FROM customs_events e WHERE e.decl_no = declarations.decl_no AND e.type = 'RETURNED'))`;

export const NOT_FLAGGED_OR_RETURNED: RawBuilder<boolean> = sql<boolean>`(NOT ${FLAGGED_OR_RETURNED})`;

/** Settlement tolerance (domain §4 step 9, assumption): a trade is settled when allocated ≥ 95 % of its value. */
export const SETTLED_PERCENT = 95;

/** Σ live (not voided) allocations to trade `t`, trade currency minor units. */
const ALLOCATED_TO_T = sql`(SELECT COALESCE(SUM(a.trade_amount_minor), 0) FROM allocations a
        WHERE a.trade_no = t.trade_no AND a.status <> 'VOID')`;

/** The declaration carries trades, and every one of them is settled. */
export const SETTLED: RawBuilder<boolean> = sql<boolean>`(
    EXISTS (SELECT 1 FROM trades t WHERE t.decl_no = declarations.decl_no)
    AND NOT EXISTS (SELECT 1 FROM trades t WHERE t.decl_no = declarations.decl_no
        AND ${ALLOCATED_TO_T} * 100 < t.total_amount * ${sql.lit(SETTLED_PERCENT)}))`;

export const NOT_SETTLED: RawBuilder<boolean> = sql<boolean>`(NOT ${SETTLED})`;

/** 1 or 0, for a measure selected beside the row. */
export const asFlag = (condition: RawBuilder<boolean>): RawBuilder<number | string> =>
    sql<number | string>`CASE WHEN ${condition} THEN 1 ELSE 0 END`;
