import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Dialect } from '../projection/database';
import type { ReadModel } from '../projection/schema';
import { keysetPage, type CursorPosition, type Direction, type Page } from './cursor';
import { FLAGGED_OR_RETURNED, NOT_FLAGGED_OR_RETURNED, NOT_SETTLED, SETTLED } from './measures';
import type { RowScope } from './scope';
import { contains, ID_TEXT, startsWith } from './text-match';

/**
 * The work lists over one organisation's read model: each a filtered, scoped, keyset-paged query (cursor.ts) whose
 * filter + sort an index of migration 0002 serves. The caller's scope (scope.ts) is applied before any filter, so no
 * filter value can widen what a caller sees: a filter only narrows the scoped rows.
 */

export interface ReadModelHandle {
    readonly db: Kysely<ReadModel>;
    readonly dialect: Dialect;
}

/** One page's position and order: a sort the list offers, its direction, the limit, where the last page ended. */
export interface PageSpec<S extends string> {
    readonly sort: S;
    readonly direction: Direction;
    readonly limit: number;
    readonly after?: CursorPosition;
}

/** A closed date range on the list's date column (`YYYY-MM-DD`, or a time's date prefix). */
export interface DateRange {
    readonly dateFrom?: string | undefined;
    readonly dateTo?: string | undefined;
}

type AnyQuery<T extends keyof ReadModel, O> = SelectQueryBuilder<ReadModel, T, O>;

function scoped<T extends keyof ReadModel, O>(query: AnyQuery<T, O>, scope: RowScope): AnyQuery<T, O> {
    if (scope.kind === 'all') return query;
    return scope.where.reduce((q, [column, value]) => q.where(sql.ref(column), '=', value), query);
}

/** The day after a `YYYY-MM-DD` date. */
function nextDay(date: string): string {
    const next = new Date(`${date}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    return next.toISOString().slice(0, 10);
}

/**
 * Rows whose `column` falls in the range: a date (or `YYYY-MM` period) column compares as it is; a time column
 * (ISO-8601, `kind: 'time'`) counts the whole of the last day, up to the next day's start.
 */
function inDates<T extends keyof ReadModel, O>(
    query: AnyQuery<T, O>,
    column: string,
    range: DateRange,
    kind: 'date' | 'time' = 'date',
): AnyQuery<T, O> {
    let q = query;
    const { dateFrom, dateTo } = range;
    if (dateFrom !== undefined) q = q.where(sql.ref(column), '>=', dateFrom);
    if (dateTo !== undefined) {
        q = kind === 'time' ? q.where(sql.ref(column), '<', nextDay(dateTo)) : q.where(sql.ref(column), '<=', dateTo);
    }
    return q;
}

function anyOf<T extends keyof ReadModel, O>(
    query: AnyQuery<T, O>,
    column: string,
    values: readonly string[] | undefined,
): AnyQuery<T, O> {
    return values === undefined || values.length === 0 ? query : query.where(sql.ref(column), 'in', [...values]);
}

function equals<T extends keyof ReadModel, O>(
    query: AnyQuery<T, O>,
    column: string,
    value: string | undefined,
): AnyQuery<T, O> {
    return value === undefined ? query : query.where(sql.ref(column), '=', value);
}

/** The parties whose legal or English name contains `text` (the search by party name, CJK included). */
function partiesNamed(
    eb: ExpressionBuilder<ReadModel, keyof ReadModel>,
    dialect: Dialect,
    text: string,
): SelectQueryBuilder<ReadModel, 'parties', { party_id: string }> {
    return eb
        .selectFrom('parties')
        .select('parties.party_id')
        .where((inner) =>
            inner.or([contains(dialect, 'parties.legal_name', text), contains(dialect, 'parties.name_en', text)]),
        );
}

async function page<T extends keyof ReadModel, O, S extends string>(
    query: AnyQuery<T, O>,
    spec: PageSpec<S>,
    sortColumns: Readonly<Record<S, string>>,
    keyColumn: string,
): Promise<Page<O>> {
    return keysetPage(query, {
        sort: spec.sort,
        sortColumn: sortColumns[spec.sort],
        keyColumn,
        direction: spec.direction,
        limit: spec.limit,
        after: spec.after,
    });
}

// Trades ------------------------------------------------------------------------------------------------------

export const TRADE_SORTS = { tradeDate: 'trades.trade_date', tradeNo: 'trades.trade_no' } as const;
export type TradeSort = keyof typeof TRADE_SORTS;

export interface TradeFilter extends DateRange {
    readonly status?: readonly string[];
    readonly cluster?: string;
    /** A party on the trade: vendor, agent or buyer. */
    readonly party?: string;
    /** tradeNo prefix, or a vendor/agent/buyer name containing it. */
    readonly q?: string;
}

export interface TradeRow {
    readonly trade_no: string;
    readonly trade_date: string;
    readonly status: string;
    readonly vendor_id: string;
    readonly agent_id: string;
    readonly buyer_id: string;
    readonly cluster_id: string;
    readonly stall_no: string;
    readonly currency: string;
    readonly total_amount: number;
    readonly consolidation_order: string | null;
    readonly packing_no: string | null;
    readonly decl_no: string | null;
    readonly risk_flag_count: number;
    readonly updated_at: string;
    /** Σ live (not voided) allocations to this trade over every bank, in trade currency minor units (GetTradeSettlement's figure). */
    readonly allocated_amount: number;
    readonly receipt_count: number;
    readonly tx_id: string;
    readonly block_number: number;
}

export async function listTrades(
    model: ReadModelHandle,
    scope: RowScope,
    filter: TradeFilter,
    spec: PageSpec<TradeSort>,
): Promise<Page<TradeRow>> {
    const { dialect } = model;
    let query = scoped(
        model.db
            .selectFrom('trades')
            .select([
                'trades.trade_no',
                'trades.trade_date',
                'trades.status',
                'trades.vendor_id',
                'trades.agent_id',
                'trades.buyer_id',
                'trades.cluster_id',
                'trades.stall_no',
                'trades.currency',
                'trades.total_amount',
                'trades.consolidation_order',
                'trades.packing_no',
                'trades.decl_no',
                'trades.risk_flag_count',
                'trades.updated_at',
                'trades.tx_id',
                'trades.block_number',
            ])
            .select([
                sql<
                    number | string
                >`(SELECT COALESCE(SUM(a.trade_amount_minor), 0) FROM allocations a WHERE a.trade_no = trades.trade_no AND a.status <> 'VOID')`.as(
                    'allocated_amount',
                ),
                sql<
                    number | string
                >`(SELECT COUNT(*) FROM allocations a WHERE a.trade_no = trades.trade_no AND a.status <> 'VOID')`.as(
                    'receipt_count',
                ),
            ]),
        scope,
    );
    query = anyOf(query, 'trades.status', filter.status);
    query = equals(query, 'trades.cluster_id', filter.cluster);
    query = inDates(query, 'trades.trade_date', filter);
    const { party, q } = filter;
    if (party !== undefined) {
        query = query.where((eb) =>
            eb.or([
                eb('trades.vendor_id', '=', party),
                eb('trades.agent_id', '=', party),
                eb('trades.buyer_id', '=', party),
            ]),
        );
    }
    if (q !== undefined) {
        query = query.where((eb) =>
            eb.or([
                ...(ID_TEXT.test(q) ? [startsWith(dialect, 'trades.trade_no', q)] : []),
                eb('trades.vendor_id', 'in', partiesNamed(eb, dialect, q)),
                eb('trades.agent_id', 'in', partiesNamed(eb, dialect, q)),
                eb('trades.buyer_id', 'in', partiesNamed(eb, dialect, q)),
            ]),
        );
    }
    const result = await page(query, spec, TRADE_SORTS, 'trades.trade_no');
    return {
        nextCursor: result.nextCursor,
        rows: result.rows.map((row) => ({
            ...row,
            allocated_amount: Number(row.allocated_amount),
            receipt_count: Number(row.receipt_count),
        })),
    };
}

// Declarations ------------------------------------------------------------------------------------------------

export const DECLARATION_SORTS = { declDate: 'declarations.decl_date', declNo: 'declarations.decl_no' } as const;
export type DeclarationSort = keyof typeof DECLARATION_SORTS;

export interface DeclarationFilter extends DateRange {
    readonly status?: readonly string[];
    /** The customs office (the district a declaration is filed in). */
    readonly customsOffice?: string;
    /** The cluster of any trade the declaration carries (its customs office is the cluster's). */
    readonly cluster?: string;
    /** The consignor (agent), broker or buyer. */
    readonly party?: string;
    /** declNo prefix, or a consignor/broker/buyer name containing it. */
    readonly q?: string;
    /** Exit dates, inclusive (a declaration without an exit date is outside any range). */
    readonly exitDateFrom?: string | undefined;
    readonly exitDateTo?: string | undefined;
    /** Only declarations with a risk flag or a return (measures.ts FLAGGED_OR_RETURNED), or only those without. */
    readonly flaggedOrReturned?: boolean | undefined;
    /** Only declarations whose every trade is settled (measures.ts SETTLED), or only those that are not. */
    readonly settled?: boolean | undefined;
}

export interface DeclarationRow {
    readonly decl_no: string;
    readonly decl_date: string;
    readonly status: string;
    readonly customs_office: string;
    readonly exit_port: string;
    readonly consignor_id: string;
    readonly broker_id: string;
    readonly buyer_id: string;
    readonly dest_country: string;
    readonly total_value_usd: number;
    readonly release_date: string | null;
    readonly exit_date: string | null;
    readonly customs_events: number;
    readonly updated_at: string;
    readonly tx_id: string;
    readonly block_number: number;
}

/** The declaration filters, on any query over `declarations` (the list, and the indicators that count it). */
export function whereDeclarations<O>(
    query: AnyQuery<'declarations', O>,
    dialect: Dialect,
    filter: DeclarationFilter,
): AnyQuery<'declarations', O> {
    let q = anyOf(query, 'declarations.status', filter.status);
    q = equals(q, 'declarations.customs_office', filter.customsOffice);
    q = inDates(q, 'declarations.decl_date', filter);
    q = inDates(q, 'declarations.exit_date', { dateFrom: filter.exitDateFrom, dateTo: filter.exitDateTo });
    const { party, q: text, cluster, flaggedOrReturned, settled } = filter;
    if (cluster !== undefined) {
        q = q.where((eb) =>
            eb.exists(
                eb
                    .selectFrom('trades')
                    .select('trades.trade_no')
                    .whereRef('trades.decl_no', '=', 'declarations.decl_no')
                    .where('trades.cluster_id', '=', cluster),
            ),
        );
    }
    if (party !== undefined) {
        q = q.where((eb) =>
            eb.or([
                eb('declarations.consignor_id', '=', party),
                eb('declarations.broker_id', '=', party),
                eb('declarations.buyer_id', '=', party),
            ]),
        );
    }
    if (text !== undefined) {
        q = q.where((eb) =>
            eb.or([
                ...(ID_TEXT.test(text) ? [startsWith(dialect, 'declarations.decl_no', text)] : []),
                eb('declarations.consignor_id', 'in', partiesNamed(eb, dialect, text)),
                eb('declarations.broker_id', 'in', partiesNamed(eb, dialect, text)),
                eb('declarations.buyer_id', 'in', partiesNamed(eb, dialect, text)),
            ]),
        );
    }
    if (flaggedOrReturned !== undefined) q = q.where(flaggedOrReturned ? FLAGGED_OR_RETURNED : NOT_FLAGGED_OR_RETURNED);
    if (settled !== undefined) q = q.where(settled ? SETTLED : NOT_SETTLED);
    return q;
}

export async function listDeclarations(
    model: ReadModelHandle,
    scope: RowScope,
    filter: DeclarationFilter,
    spec: PageSpec<DeclarationSort>,
): Promise<Page<DeclarationRow>> {
    const query = scoped(
        model.db
            .selectFrom('declarations')
            .select([
                'declarations.decl_no',
                'declarations.decl_date',
                'declarations.status',
                'declarations.customs_office',
                'declarations.exit_port',
                'declarations.consignor_id',
                'declarations.broker_id',
                'declarations.buyer_id',
                'declarations.dest_country',
                'declarations.total_value_usd',
                'declarations.release_date',
                'declarations.exit_date',
                'declarations.customs_events',
                'declarations.updated_at',
                'declarations.tx_id',
                'declarations.block_number',
            ]),
        scope,
    );
    return page(whereDeclarations(query, model.dialect, filter), spec, DECLARATION_SORTS, 'declarations.decl_no');
}

// Receipts ----------------------------------------------------------------------------------------------------

export const RECEIPT_SORTS = { valueDate: 'receipts.value_date', receiptId: 'receipts.receipt_id' } as const;
export type ReceiptSort = keyof typeof RECEIPT_SORTS;

export interface ReceiptFilter extends DateRange {
    readonly status?: readonly string[];
    /** The payee party. */
    readonly party?: string;
    readonly currency?: string;
}

export interface ReceiptRow {
    readonly receipt_id: string;
    readonly value_date: string;
    readonly status: string;
    readonly verdict: string | null;
    readonly bank_msp_id: string;
    readonly bank_party_id: string;
    readonly payee_party_id: string;
    readonly currency: string;
    readonly amount_minor: number;
    readonly allocated_minor: number;
    readonly unallocated_minor: number;
    readonly channel: string;
    readonly updated_at: string;
    readonly tx_id: string;
    readonly block_number: number;
}

export async function listReceipts(
    model: ReadModelHandle,
    scope: RowScope,
    filter: ReceiptFilter,
    spec: PageSpec<ReceiptSort>,
): Promise<Page<ReceiptRow>> {
    let query = scoped(
        model.db
            .selectFrom('receipts')
            .select([
                'receipts.receipt_id',
                'receipts.value_date',
                'receipts.status',
                'receipts.verdict',
                'receipts.bank_msp_id',
                'receipts.bank_party_id',
                'receipts.payee_party_id',
                'receipts.currency',
                'receipts.amount_minor',
                'receipts.allocated_minor',
                'receipts.unallocated_minor',
                'receipts.channel',
                'receipts.updated_at',
                'receipts.tx_id',
                'receipts.block_number',
            ]),
        scope,
    );
    query = anyOf(query, 'receipts.status', filter.status);
    query = equals(query, 'receipts.payee_party_id', filter.party);
    query = equals(query, 'receipts.currency', filter.currency);
    query = inDates(query, 'receipts.value_date', filter);
    return page(query, spec, RECEIPT_SORTS, 'receipts.receipt_id');
}

/** One currency's totals of the caller's receipts. */
export interface ReceiptTotals {
    readonly currency: string;
    readonly receipts: number;
    readonly amountMinor: number;
    /** Σ allocated to trades (every receipt status). */
    readonly allocatedMinor: number;
    /** Σ amount of SETTLED receipts (converted into RMB) and CREDITED ones (kept in FX). */
    readonly settledMinor: number;
    /** Financings with a trade in this currency (V33): a bank its own, the authorities every bank's. */
    readonly financings: number;
    /** Σ financed trade amounts in this currency, every financing status. */
    readonly financedMinor: number;
    /** Σ of those still OPEN (not yet repaid or settled by a receipt). */
    readonly openFinancedMinor: number;
}

type Financed = Pick<ReceiptTotals, 'financings' | 'financedMinor' | 'openFinancedMinor'>;
const NOT_FINANCED: Financed = { financings: 0, financedMinor: 0, openFinancedMinor: 0 };

/**
 * The financings a receipts scope may see, as GetFinancing lets it (V34): the authorities every bank's, a bank its own
 * (the same MSP and bank party as its receipts); a payee's scope (vendor, agent) none.
 */
function financingScope(scope: RowScope): RowScope | undefined {
    if (scope.kind === 'all') return scope;
    const columns: Readonly<Record<string, string>> = {
        'receipts.bank_msp_id': 'financings.bank_msp_id',
        'receipts.bank_party_id': 'financings.bank_party_id',
    };
    const where = scope.where.map(([column, value]) => [columns[column], value] as const);
    return where.every((entry): entry is readonly [string, string] => entry[0] !== undefined)
        ? { kind: 'own', where }
        : undefined;
}

/** Per currency of the financed trades: the financings in scope, their financed and still-open totals. */
async function financedTotals(
    model: ReadModelHandle,
    scope: RowScope,
    filter: ReceiptFilter,
): Promise<Map<string, Financed>> {
    const visible = financingScope(scope);
    if (visible === undefined) return new Map();
    let query = scoped(
        model.db
            .selectFrom('financing_items')
            .innerJoin('financings', 'financings.financing_id', 'financing_items.financing_id')
            .select((eb) => [
                'financing_items.currency',
                eb.fn.count<number | string>('financings.financing_id').distinct().as('financings'),
                eb.fn.sum<number | string>('financing_items.amount_minor').as('financed_minor'),
                sql<
                    number | string
                >`SUM(CASE WHEN financings.status = 'OPEN' THEN financing_items.amount_minor ELSE 0 END)`.as(
                    'open_financed_minor',
                ),
            ])
            .groupBy('financing_items.currency'),
        visible,
    );
    query = equals(query, 'financings.borrower_party_id', filter.party);
    query = equals(query, 'financing_items.currency', filter.currency);
    const rows = await query.execute();
    return new Map(
        rows.map((row) => [
            row.currency,
            {
                financings: Number(row.financings),
                financedMinor: Number(row.financed_minor),
                openFinancedMinor: Number(row.open_financed_minor),
            },
        ]),
    );
}

/**
 * Per currency, the received, allocated and settled totals of the receipts in scope (a bank: its own), and the
 * financed totals of the financings in scope (a bank: its own; vendors and agents see none, as on the ledger). The
 * receipt filters (status, stage, value dates) select receipts; party (the borrower) and currency also select
 * financings.
 */
export async function receiptTotals(
    model: ReadModelHandle,
    scope: RowScope,
    filter: ReceiptFilter,
): Promise<ReceiptTotals[]> {
    let query = scoped(
        model.db
            .selectFrom('receipts')
            .select((eb) => [
                'receipts.currency',
                eb.fn.countAll<number | string>().as('receipts'),
                eb.fn.sum<number | string>('receipts.amount_minor').as('amount_minor'),
                eb.fn.sum<number | string>('receipts.allocated_minor').as('allocated_minor'),
                sql<
                    number | string
                >`SUM(CASE WHEN receipts.status IN ('SETTLED', 'CREDITED') THEN receipts.amount_minor ELSE 0 END)`.as(
                    'settled_minor',
                ),
            ])
            .groupBy('receipts.currency')
            .orderBy('receipts.currency'),
        scope,
    );
    query = anyOf(query, 'receipts.status', filter.status);
    query = equals(query, 'receipts.payee_party_id', filter.party);
    query = equals(query, 'receipts.currency', filter.currency);
    query = inDates(query, 'receipts.value_date', filter);
    const rows = await query.execute();
    const financed = await financedTotals(model, scope, filter);
    const received = new Map(
        rows.map((row) => [
            row.currency,
            {
                receipts: Number(row.receipts),
                amountMinor: Number(row.amount_minor),
                allocatedMinor: Number(row.allocated_minor),
                settledMinor: Number(row.settled_minor),
            },
        ]),
    );
    const nothingReceived = { receipts: 0, amountMinor: 0, allocatedMinor: 0, settledMinor: 0 };
    return [...new Set([...received.keys(), ...financed.keys()])].sort().map((currency) => ({
        currency,
        ...(received.get(currency) ?? nothingReceived),
        ...(financed.get(currency) ?? NOT_FINANCED),
    }));
}

// Risk flags --------------------------------------------------------------------------------------------------

export const RISK_SORTS = { raisedAt: 'risk_flags.raised_at', flagId: 'risk_flags.flag_id' } as const;
export type RiskSort = keyof typeof RISK_SORTS;

export interface RiskFilter extends DateRange {
    readonly status?: readonly string[];
    readonly severity?: readonly string[];
    readonly subjectType?: string;
    readonly subjectId?: string;
    readonly ruleId?: string;
}

export interface RiskFlagRow {
    readonly flag_id: string;
    readonly subject_type: string;
    readonly subject_id: string;
    readonly rule_id: string;
    readonly severity: string;
    readonly status: string;
    readonly raised_by_msp: string;
    readonly raised_at: string;
    readonly resolved_at: string | null;
    readonly tx_id: string;
    readonly block_number: number;
}

export async function listRiskFlags(
    model: ReadModelHandle,
    scope: RowScope,
    filter: RiskFilter,
    spec: PageSpec<RiskSort>,
): Promise<Page<RiskFlagRow>> {
    let query = scoped(
        model.db
            .selectFrom('risk_flags')
            .select([
                'risk_flags.flag_id',
                'risk_flags.subject_type',
                'risk_flags.subject_id',
                'risk_flags.rule_id',
                'risk_flags.severity',
                'risk_flags.status',
                'risk_flags.raised_by_msp',
                'risk_flags.raised_at',
                'risk_flags.resolved_at',
                'risk_flags.tx_id',
                'risk_flags.block_number',
            ]),
        scope,
    );
    query = anyOf(query, 'risk_flags.status', filter.status);
    query = anyOf(query, 'risk_flags.severity', filter.severity);
    query = equals(query, 'risk_flags.subject_type', filter.subjectType);
    query = equals(query, 'risk_flags.subject_id', filter.subjectId);
    query = equals(query, 'risk_flags.rule_id', filter.ruleId);
    query = inDates(query, 'risk_flags.raised_at', filter, 'time');
    return page(query, spec, RISK_SORTS, 'risk_flags.flag_id');
}

// Exemption filings -------------------------------------------------------------------------------------------

export const EXEMPTION_SORTS = { period: 'exemptions.period', filingNo: 'exemptions.filing_no' } as const;
export type ExemptionSort = keyof typeof EXEMPTION_SORTS;

export interface ExemptionFilter {
    readonly status?: readonly string[];
    /** The merchant the filing is for. */
    readonly party?: string;
    /** VAT periods `YYYY-MM`, inclusive. */
    readonly periodFrom?: string;
    readonly periodTo?: string;
    /** The month of the exports the filing claims for (`YYYY-MM`). */
    readonly exportMonth?: string | undefined;
    /** The merchant's market cluster (its filed stall). */
    readonly cluster?: string | undefined;
}

export interface ExemptionRow {
    readonly filing_no: string;
    readonly merchant_id: string;
    readonly filer_party_id: string;
    readonly filer_role: string;
    readonly period: string;
    readonly export_month: string;
    readonly status: string;
    readonly filed_at: string;
    readonly tx_id: string;
    readonly block_number: number;
}

export async function listExemptions(
    model: ReadModelHandle,
    scope: RowScope,
    filter: ExemptionFilter,
    spec: PageSpec<ExemptionSort>,
): Promise<Page<ExemptionRow>> {
    const query = scoped(
        model.db
            .selectFrom('exemptions')
            .select([
                'exemptions.filing_no',
                'exemptions.merchant_id',
                'exemptions.filer_party_id',
                'exemptions.filer_role',
                'exemptions.period',
                'exemptions.export_month',
                'exemptions.status',
                'exemptions.filed_at',
                'exemptions.tx_id',
                'exemptions.block_number',
            ]),
        scope,
    );
    return page(whereExemptions(query, filter), spec, EXEMPTION_SORTS, 'exemptions.filing_no');
}

/** The exemption filters, on any query over `exemptions` (the list, and the indicators that count it). */
export function whereExemptions<O>(
    query: AnyQuery<'exemptions', O>,
    filter: ExemptionFilter,
): AnyQuery<'exemptions', O> {
    let q = anyOf(query, 'exemptions.status', filter.status);
    q = equals(q, 'exemptions.merchant_id', filter.party);
    q = inDates(q, 'exemptions.period', { dateFrom: filter.periodFrom, dateTo: filter.periodTo });
    q = equals(q, 'exemptions.export_month', filter.exportMonth);
    const { cluster } = filter;
    if (cluster !== undefined) {
        q = q.where((eb) =>
            eb.exists(
                eb
                    .selectFrom('parties')
                    .select('parties.party_id')
                    .whereRef('parties.party_id', '=', 'exemptions.merchant_id')
                    .where('parties.cluster_id', '=', cluster),
            ),
        );
    }
    return q;
}

// Parties -----------------------------------------------------------------------------------------------------

export const PARTY_SORTS = { filedAt: 'parties.filed_at', partyId: 'parties.party_id' } as const;
export type PartySort = keyof typeof PARTY_SORTS;

export interface PartyFilter extends DateRange {
    readonly status?: readonly string[];
    readonly type?: readonly string[];
    readonly cluster?: string;
    /** party ID prefix, or a legal / English name containing it (CJK included). */
    readonly q?: string;
    /**
     * Parties on a trade that is not CANCELLED (as vendor, agent or buyer): of this cluster, dated in this range,
     * whose declaration exited in this range. Any of them narrows to parties on such a trade.
     */
    readonly tradeCluster?: string | undefined;
    readonly tradeDateFrom?: string | undefined;
    readonly tradeDateTo?: string | undefined;
    readonly exitDateFrom?: string | undefined;
    readonly exitDateTo?: string | undefined;
}

export interface PartyRow {
    readonly party_id: string;
    readonly type: string;
    readonly legal_name: string;
    readonly name_en: string | null;
    readonly status: string;
    readonly country_code: string;
    readonly cluster_id: string | null;
    readonly stall_no: string | null;
    readonly filed_at: string;
    readonly updated_at: string;
    readonly tx_id: string;
    readonly block_number: number;
}

export async function listParties(
    model: ReadModelHandle,
    scope: RowScope,
    filter: PartyFilter,
    spec: PageSpec<PartySort>,
): Promise<Page<PartyRow>> {
    const query = scoped(
        model.db
            .selectFrom('parties')
            .select([
                'parties.party_id',
                'parties.type',
                'parties.legal_name',
                'parties.name_en',
                'parties.status',
                'parties.country_code',
                'parties.cluster_id',
                'parties.stall_no',
                'parties.filed_at',
                'parties.updated_at',
                'parties.tx_id',
                'parties.block_number',
            ]),
        scope,
    );
    return page(whereParties(query, model.dialect, filter), spec, PARTY_SORTS, 'parties.party_id');
}

/** The party filters, on any query over `parties` (the list, and the indicators that count it). */
export function whereParties<O>(
    query: AnyQuery<'parties', O>,
    dialect: Dialect,
    filter: PartyFilter,
): AnyQuery<'parties', O> {
    let q = anyOf(query, 'parties.status', filter.status);
    q = anyOf(q, 'parties.type', filter.type);
    q = equals(q, 'parties.cluster_id', filter.cluster);
    q = inDates(q, 'parties.filed_at', filter, 'time');
    const { q: text, tradeCluster, tradeDateFrom, tradeDateTo, exitDateFrom, exitDateTo } = filter;
    if (text !== undefined) {
        q = q.where((eb) =>
            eb.or([
                ...(ID_TEXT.test(text) ? [startsWith(dialect, 'parties.party_id', text)] : []),
                contains(dialect, 'parties.legal_name', text),
                contains(dialect, 'parties.name_en', text),
            ]),
        );
    }
    const onTrades = [tradeCluster, tradeDateFrom, tradeDateTo, exitDateFrom, exitDateTo].some((v) => v !== undefined);
    if (onTrades) {
        q = q.where((eb) => {
            let trades = eb
                .selectFrom('trades')
                .select('trades.trade_no')
                .where('trades.status', '<>', 'CANCELLED')
                .where((inner) =>
                    inner.or([
                        inner('trades.vendor_id', '=', inner.ref('parties.party_id')),
                        inner('trades.agent_id', '=', inner.ref('parties.party_id')),
                        inner('trades.buyer_id', '=', inner.ref('parties.party_id')),
                    ]),
                );
            trades = equals(trades, 'trades.cluster_id', tradeCluster);
            trades = inDates(trades, 'trades.trade_date', { dateFrom: tradeDateFrom, dateTo: tradeDateTo });
            if (exitDateFrom !== undefined || exitDateTo !== undefined) {
                trades = trades.where((inner) =>
                    inner.exists(
                        inDates(
                            inner
                                .selectFrom('declarations')
                                .select('declarations.decl_no')
                                .whereRef('declarations.decl_no', '=', 'trades.decl_no'),
                            'declarations.exit_date',
                            { dateFrom: exitDateFrom, dateTo: exitDateTo },
                        ),
                    ),
                );
            }
            return eb.exists(trades);
        });
    }
    return q;
}

// Goods registry ----------------------------------------------------------------------------------------------

export const GOODS_SORTS = { filedAt: 'goods.filed_at', goodsCode: 'goods.goods_code' } as const;
export type GoodsSort = keyof typeof GOODS_SORTS;

export interface GoodsFilter {
    readonly status?: readonly string[];
    /** The merchant that owns the entry. */
    readonly owner?: string | undefined;
    /** HS code prefix. */
    readonly hsCode?: string | undefined;
    /** goodsCode prefix, or a Chinese / English name containing it. */
    readonly q?: string | undefined;
}

export interface GoodsRow {
    readonly goods_code: string;
    readonly owner_id: string;
    readonly producer_id: string;
    readonly hs_code: string;
    readonly name_cn: string;
    readonly name_en: string;
    readonly unit: string;
    readonly status: string;
    readonly filed_at: string;
    readonly tx_id: string;
    readonly block_number: number;
}

export async function listGoods(
    model: ReadModelHandle,
    scope: RowScope,
    filter: GoodsFilter,
    spec: PageSpec<GoodsSort>,
): Promise<Page<GoodsRow>> {
    const { dialect } = model;
    let query = scoped(
        model.db
            .selectFrom('goods')
            .select([
                'goods.goods_code',
                'goods.owner_id',
                'goods.producer_id',
                'goods.hs_code',
                'goods.name_cn',
                'goods.name_en',
                'goods.unit',
                'goods.status',
                'goods.filed_at',
                'goods.tx_id',
                'goods.block_number',
            ]),
        scope,
    );
    query = anyOf(query, 'goods.status', filter.status);
    query = equals(query, 'goods.owner_id', filter.owner);
    const { hsCode, q: text } = filter;
    if (hsCode !== undefined) query = query.where(startsWith(dialect, 'goods.hs_code', hsCode));
    if (text !== undefined) {
        query = query.where((eb) =>
            eb.or([
                ...(ID_TEXT.test(text) ? [startsWith(dialect, 'goods.goods_code', text)] : []),
                contains(dialect, 'goods.name_cn', text),
                contains(dialect, 'goods.name_en', text),
            ]),
        );
    }
    return page(query, spec, GOODS_SORTS, 'goods.goods_code');
}
