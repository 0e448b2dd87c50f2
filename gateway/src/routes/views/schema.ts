import { z } from 'zod';
import { addMonths, BANDS, MAX_MONTHS, MONTH, RISK_POINTS, type RiskReason } from '../../views';
import { Id } from '../common';
import { ReadModelProgress } from '../worklists/schema';

/** Market views: the indicators per cluster and month, and a party's risk score (docs/indicators.md). */

const Month = (name: string): z.ZodString =>
    z
        .string()
        .regex(MONTH, { error: `${name} must be a month YYYY-MM / ${name} 必须是月份 YYYY-MM` })
        .describe('YYYY-MM, inclusive');

export const IndicatorQuery = z
    .strictObject({ from: Month('from'), to: Month('to') })
    .refine((q) => q.from <= q.to, { error: 'from must not be after to / from 不能晚于 to', path: ['from'] })
    .refine((q) => addMonths(q.from, MAX_MONTHS - 1) >= q.to, {
        error: `at most ${String(MAX_MONTHS)} months / 最多 ${String(MAX_MONTHS)} 个月`,
        path: ['to'],
    });

export const ClusterParams = z.strictObject({ clusterId: Id });
export const PartyParams = z.strictObject({ partyId: Id });

export const RiskScoreQuery = z.strictObject({
    asOf: z.iso
        .date({ error: 'asOf must be a date YYYY-MM-DD / asOf 必须是日期 YYYY-MM-DD' })
        .optional()
        .describe('the China date the score is taken on (default today): decides which income is overdue'),
});

const IndicatorBase = z.object({
    value: z.number().nullable().describe('the figure; null when undefined (a ratio of nothing)'),
    count: z.number().int().describe('how many records `records` lists'),
    records: z.string().describe('work-list URL listing exactly the records counted'),
});
const Indicator = IndicatorBase.extend({
    base: IndicatorBase.optional().describe('for a ratio or a growth: the figure it is measured against'),
}).meta({ id: 'Indicator' });

const described = (what: string): z.ZodType => Indicator.describe(what);

export const MonthIndicatorsItem = z.object({
    month: z.string(),
    exportValueUsd: described('Σ totalValueUsd (USD cents) of declarations that exited this month'),
    exportCount: described('declarations that exited this month'),
    growthMonthOnMonth: described('export value change against the month before (ratio); base: that month'),
    growthYearOnYear: described('export value change against the same month a year before (ratio)'),
    activeVendors: described('vendors on a trade (not cancelled) dated this month'),
    activeAgents: described('agents on a trade (not cancelled) dated this month'),
    activeBuyers: described('buyers on a trade (not cancelled) dated this month'),
    buyerCountries: described('distinct countries of the active buyers (records: the buyers, count: how many)'),
    flaggedOrReturnedShare: described('share of exported declarations with a risk flag or a return'),
    incomeUsd: described("USD cents received for this month's exports (each trade's USD value × its share allocated)"),
    settlementRate: described('incomeUsd ÷ exportValueUsd'),
    daysExitToIncome: described('mean days from exit to the last income of fully settled exported declarations'),
    exemptionFilings: described("live VAT-exemption filings for this month's exports"),
    exemptionFilingRate: described('exemption filings ÷ vendors who exported this month (base)'),
    clearanceDays: described('mean days from declaration date to release of the exported declarations'),
});

export const IndicatorsResponse = z.object({
    clusterId: z.string().nullable().describe('null: the whole market'),
    from: z.string(),
    to: z.string(),
    months: z.array(MonthIndicatorsItem),
    readModel: ReadModelProgress,
});

const REASONS = Object.keys(RISK_POINTS) as [RiskReason, ...RiskReason[]];

export const RiskScoreResponse = z.object({
    partyId: z.string(),
    asOf: z.string(),
    score: z.number().int().describe('Σ points of the items'),
    band: z.enum(BANDS.map((b) => b.band) as ['LOW', 'MEDIUM', 'HIGH']).describe('LOW < 20 ≤ MEDIUM < 50 ≤ HIGH'),
    items: z.array(
        z.object({
            reason: z.enum(REASONS),
            points: z.number().int(),
            en: z.string(),
            zh: z.string(),
            records: z.array(
                z.object({
                    kind: z.enum(['riskFlag', 'trade', 'declaration', 'customsEvent']),
                    id: z.string(),
                    txId: z.string(),
                    blockNumber: z.number().int(),
                }),
            ),
            hiddenRecords: z.number().int().describe('records behind the points the caller may not read (V34)'),
        }),
    ),
    readModel: ReadModelProgress,
});
