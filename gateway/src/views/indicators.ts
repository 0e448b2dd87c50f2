import { sql } from 'kysely';
import {
    asFlag,
    FLAGGED_OR_RETURNED,
    SETTLED,
    whereDeclarations,
    whereExemptions,
    whereParties,
    type DeclarationFilter,
    type ExemptionFilter,
    type PartyFilter,
    type ReadModelHandle,
} from '../worklists';
import { addMonths, daysBetween, firstDay, lastDay, monthsBetween } from './months';

/**
 * The pilot's evaluation indicators per market cluster (or the whole market) and month, over one org's read model
 * (docs/indicators.md defines each). Every figure that counts records comes with the work-list URL that lists exactly
 * them: the counts run the work lists' own filters (worklists/queries.ts, measures.ts), so they cannot disagree.
 */

/** A figure and the records behind it: `records` lists exactly `count` rows. */
export interface Indicator {
    /** The figure: a count, an amount (USD cents), a ratio (0..1, 4 decimals) or days (1 decimal); null if undefined. */
    readonly value: number | null;
    readonly count: number;
    readonly records: string;
    /** For a ratio or a growth: the figure it is measured against. */
    readonly base?: Indicator;
}

export interface MonthIndicators {
    readonly month: string;
    readonly exportValueUsd: Indicator;
    readonly exportCount: Indicator;
    readonly growthMonthOnMonth: Indicator;
    readonly growthYearOnYear: Indicator;
    readonly activeVendors: Indicator;
    readonly activeAgents: Indicator;
    readonly activeBuyers: Indicator;
    readonly buyerCountries: Indicator;
    readonly flaggedOrReturnedShare: Indicator;
    readonly incomeUsd: Indicator;
    readonly settlementRate: Indicator;
    readonly daysExitToIncome: Indicator;
    readonly exemptionFilings: Indicator;
    readonly exemptionFilingRate: Indicator;
    readonly clearanceDays: Indicator;
}

/** The longest span one answer covers. */
export const MAX_MONTHS = 24;

/** A work-list URL with these filters (undefined ones left out). */
export function workListUrl(list: string, filters: Readonly<Record<string, string | undefined>>): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) if (value !== undefined) query.set(name, value);
    return `/v1/worklists/${list}?${query.toString()}`;
}

const ratio = (part: number, whole: number): number | null =>
    whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
const mean = (values: readonly number[]): number | null =>
    values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;

interface ExportedRow {
    readonly decl_no: string;
    readonly exit_date: string | null;
    readonly decl_date: string;
    readonly release_date: string | null;
    readonly total_value_usd: number | string;
    readonly flagged_or_returned: number | string;
    readonly settled: number | string;
}

interface ExportedTrade {
    readonly decl_no: string | null;
    readonly total_amount: number | string;
    readonly allocated: number | string;
    readonly last_income: string | null;
    readonly value_usd: number | string | null;
}

/** Per declaration: its income in USD cents (each trade's USD value × the share of it allocated) and last income date. */
async function incomeOf(
    model: ReadModelHandle,
    exported: DeclarationFilter,
): Promise<Map<string, { usd: number; lastIncome: string | null }>> {
    const declNos = whereDeclarations(
        model.db.selectFrom('declarations').select('declarations.decl_no'),
        model.dialect,
        exported,
    );
    const rows: ExportedTrade[] = await model.db
        .selectFrom('trades')
        .select(['trades.decl_no', 'trades.total_amount'])
        .select([
            sql<number | string>`(SELECT COALESCE(SUM(a.trade_amount_minor), 0) FROM allocations a
                WHERE a.trade_no = trades.trade_no AND a.status <> 'VOID')`.as('allocated'),
            sql<string | null>`(SELECT MAX(a.value_date) FROM allocations a
                WHERE a.trade_no = trades.trade_no AND a.status <> 'VOID')`.as('last_income'),
            sql<number | string | null>`(SELECT SUM(s.value_usd) FROM declaration_line_sources s
                WHERE s.decl_no = trades.decl_no AND s.trade_no = trades.trade_no)`.as('value_usd'),
        ])
        .where('trades.decl_no', 'in', declNos)
        .execute();
    const income = new Map<string, { usd: number; lastIncome: string | null }>();
    for (const row of rows) {
        if (row.decl_no === null) continue;
        const total = Number(row.total_amount);
        const share = total <= 0 ? 0 : Math.min(1, Number(row.allocated) / total);
        const entry = income.get(row.decl_no) ?? { usd: 0, lastIncome: null };
        entry.usd += Number(row.value_usd ?? 0) * share;
        if (row.last_income !== null && (entry.lastIncome === null || row.last_income > entry.lastIncome)) {
            entry.lastIncome = row.last_income;
        }
        income.set(row.decl_no, entry);
    }
    return income;
}

async function countParties(model: ReadModelHandle, filter: PartyFilter): Promise<{ n: number; countries: number }> {
    const row = await whereParties(
        model.db
            .selectFrom('parties')
            .select((eb) => [
                eb.fn.countAll<number | string>().as('n'),
                sql<number | string>`COUNT(DISTINCT parties.country_code)`.as('countries'),
            ]),
        model.dialect,
        filter,
    ).executeTakeFirstOrThrow();
    return { n: Number(row.n), countries: Number(row.countries) };
}

async function countExemptions(model: ReadModelHandle, filter: ExemptionFilter): Promise<number> {
    const row = await whereExemptions(
        model.db.selectFrom('exemptions').select((eb) => eb.fn.countAll<number | string>().as('n')),
        filter,
    ).executeTakeFirstOrThrow();
    return Number(row.n);
}

/**
 * The indicators of `cluster` (undefined: the whole market) for each month from `from` to `to` (`YYYY-MM`, at most
 * {@link MAX_MONTHS}); growth compares with the month before and the same month a year before.
 */
export async function marketIndicators(
    model: ReadModelHandle,
    scope: { readonly cluster?: string | undefined; readonly from: string; readonly to: string },
): Promise<MonthIndicators[]> {
    const { cluster, from, to } = scope;
    const months = monthsBetween(from, to);
    const earliest = addMonths(from, -12);
    const exportedIn = (fromMonth: string, toMonth: string): DeclarationFilter => ({
        cluster,
        exitDateFrom: firstDay(fromMonth),
        exitDateTo: lastDay(toMonth),
    });
    const rows: ExportedRow[] = await whereDeclarations(
        model.db
            .selectFrom('declarations')
            .select([
                'declarations.decl_no',
                'declarations.exit_date',
                'declarations.decl_date',
                'declarations.release_date',
                'declarations.total_value_usd',
            ])
            .select([asFlag(FLAGGED_OR_RETURNED).as('flagged_or_returned'), asFlag(SETTLED).as('settled')]),
        model.dialect,
        exportedIn(earliest, to),
    ).execute();
    const income = await incomeOf(model, exportedIn(from, to));
    const byMonth = new Map<string, ExportedRow[]>();
    for (const row of rows) {
        const month = (row.exit_date ?? '').slice(0, 7);
        byMonth.set(month, [...(byMonth.get(month) ?? []), row]);
    }
    const valueOf = (month: string): number =>
        (byMonth.get(month) ?? []).reduce((sum, row) => sum + Number(row.total_value_usd), 0);

    const answer: MonthIndicators[] = [];
    for (const month of months) {
        const exported = byMonth.get(month) ?? [];
        const days = { from: firstDay(month), to: lastDay(month) };
        const exportedFilter = { cluster, exitDateFrom: days.from, exitDateTo: days.to };
        const exportedUrl = workListUrl('declarations', exportedFilter);
        const exportedOf = (m: string): Indicator => ({
            value: valueOf(m),
            count: (byMonth.get(m) ?? []).length,
            records: workListUrl('declarations', { cluster, exitDateFrom: firstDay(m), exitDateTo: lastDay(m) }),
        });
        const exportValueUsd = exportedOf(month);
        const exportCount: Indicator = { value: exported.length, count: exported.length, records: exportedUrl };
        const growth = (base: Indicator): Indicator => ({
            value: base.value === null || base.value === 0 ? null : ratio(valueOf(month) - base.value, base.value),
            count: exported.length,
            records: exportedUrl,
            base,
        });

        const active = { tradeCluster: cluster, tradeDateFrom: days.from, tradeDateTo: days.to };
        const activeOf = async (type: 'MERCHANT' | 'AGENT' | 'BUYER'): Promise<{ n: number; countries: number }> =>
            countParties(model, { ...active, type: [type] });
        const activeUrl = (type: string): string => workListUrl('parties', { type, ...active });
        const [vendors, agents, buyers] = [
            await activeOf('MERCHANT'),
            await activeOf('AGENT'),
            await activeOf('BUYER'),
        ];

        const flagged = exported.filter((row) => Number(row.flagged_or_returned) === 1).length;
        const usdIncome = exported.reduce((sum, row) => sum + (income.get(row.decl_no)?.usd ?? 0), 0);
        const settled = exported.filter((row) => Number(row.settled) === 1);
        const incomeDays = settled.map((row) =>
            Math.max(0, daysBetween(row.exit_date ?? days.from, income.get(row.decl_no)?.lastIncome ?? days.from)),
        );

        const exportingVendorsFilter = {
            type: ['MERCHANT'],
            tradeCluster: cluster,
            exitDateFrom: days.from,
            exitDateTo: days.to,
        };
        const exportingVendors = (await countParties(model, exportingVendorsFilter)).n;
        const filingsFilter = { status: ['FILED'], exportMonth: month, cluster };
        const filings = await countExemptions(model, filingsFilter);
        const exemptionFilings: Indicator = {
            value: filings,
            count: filings,
            records: workListUrl('exemptions', { status: 'FILED', exportMonth: month, cluster }),
        };
        const exportingVendorsIndicator: Indicator = {
            value: exportingVendors,
            count: exportingVendors,
            records: workListUrl('parties', {
                type: 'MERCHANT',
                tradeCluster: cluster,
                exitDateFrom: days.from,
                exitDateTo: days.to,
            }),
        };
        const incomeUsd: Indicator = { value: Math.round(usdIncome), count: exported.length, records: exportedUrl };

        answer.push({
            month,
            exportValueUsd,
            exportCount,
            growthMonthOnMonth: growth(exportedOf(addMonths(month, -1))),
            growthYearOnYear: growth(exportedOf(addMonths(month, -12))),
            activeVendors: { value: vendors.n, count: vendors.n, records: activeUrl('MERCHANT') },
            activeAgents: { value: agents.n, count: agents.n, records: activeUrl('AGENT') },
            activeBuyers: { value: buyers.n, count: buyers.n, records: activeUrl('BUYER') },
            buyerCountries: { value: buyers.countries, count: buyers.n, records: activeUrl('BUYER') },
            flaggedOrReturnedShare: {
                value: ratio(flagged, exported.length),
                count: flagged,
                records: workListUrl('declarations', { ...exportedFilter, flaggedOrReturned: 'true' }),
                base: exportCount,
            },
            incomeUsd,
            settlementRate: {
                value: ratio(usdIncome, exportValueUsd.value ?? 0),
                count: exported.length,
                records: exportedUrl,
                base: exportValueUsd,
            },
            daysExitToIncome: {
                value: mean(incomeDays),
                count: settled.length,
                records: workListUrl('declarations', { ...exportedFilter, settled: 'true' }),
            },
            exemptionFilings,
            exemptionFilingRate: {
                value: ratio(filings, exportingVendors),
                count: filings,
                records: exemptionFilings.records,
                base: exportingVendorsIndicator,
            },
            clearanceDays: {
                // an exit follows a release (the customs state machine), so every exported declaration has one
                value: mean(exported.map((row) => daysBetween(row.decl_date, row.release_date ?? row.exit_date ?? ''))),
                count: exported.length,
                records: exportedUrl,
            },
        });
    }
    return answer;
}
