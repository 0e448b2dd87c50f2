import { sql, type RawBuilder } from 'kysely';

import { SETTLED_PERCENT, type ReadModelHandle } from '../worklists';
import { daysBetween } from './months';

/**
 * A party's explainable risk score (docs/indicators.md "Risk score"): points from facts in the read model, each item
 * citing the ledger records (txId and block) behind it. Deterministic: the same read model and `asOf` date give the
 * same score.
 */

/** The scoring table: what each fact is worth, and how it is explained. */
export const RISK_POINTS = {
    FLAG_CONFIRMED_HIGH: { points: 40, en: 'confirmed HIGH risk flag', zh: '已确认的高风险标记' },
    FLAG_CONFIRMED_MEDIUM: { points: 20, en: 'confirmed MEDIUM risk flag', zh: '已确认的中风险标记' },
    FLAG_CONFIRMED_LOW: { points: 8, en: 'confirmed LOW risk flag', zh: '已确认的低风险标记' },
    FLAG_OPEN_HIGH: { points: 30, en: 'open HIGH risk flag', zh: '未处理的高风险标记' },
    FLAG_OPEN_MEDIUM: { points: 15, en: 'open MEDIUM risk flag', zh: '未处理的中风险标记' },
    FLAG_OPEN_LOW: { points: 5, en: 'open LOW risk flag', zh: '未处理的低风险标记' },
    DECLARATION_RETURNED: { points: 10, en: 'declaration returned by customs', zh: '报关单被海关退单' },
    DECLARATION_HELD: { points: 10, en: 'declaration held by customs', zh: '报关单被海关挂起' },
    DECLARATION_AMENDED: { points: 3, en: 'declaration amended', zh: '报关单改单' },
    TRADE_AMENDED: { points: 3, en: 'trade amended', zh: '交易被修改' },
    TRADE_CANCELLED: { points: 2, en: 'trade cancelled', zh: '交易被撤销' },
    INCOME_LATE: { points: 5, en: 'income received more than 90 days after exit', zh: '出境后超过 90 天才收汇' },
    INCOME_MISSING: { points: 15, en: 'no full income 90 days after exit', zh: '出境 90 天后仍未足额收汇' },
} as const;

export type RiskReason = keyof typeof RISK_POINTS;

/** Days after exit within which the income is due (domain §4: SAFE's 90-day clock, assumption). */
export const INCOME_DUE_DAYS = 90;

/** Bands of the total: LOW below 20, MEDIUM below 50, HIGH from 50. */
export const BANDS = [
    { band: 'LOW', below: 20 },
    { band: 'MEDIUM', below: 50 },
    { band: 'HIGH', below: Number.POSITIVE_INFINITY },
] as const;
export type RiskBand = (typeof BANDS)[number]['band'];

export interface CitedRecord {
    readonly kind: 'riskFlag' | 'trade' | 'declaration' | 'customsEvent';
    readonly id: string;
    readonly txId: string;
    readonly blockNumber: number;
}

export interface RiskItem {
    readonly reason: RiskReason;
    readonly points: number;
    readonly en: string;
    readonly zh: string;
    /** The records the points stand on, as far as the caller may read them. */
    readonly records: readonly CitedRecord[];
    /** Records behind the points the caller may not read (a bank: trades its receipts do not rely on, V34). */
    readonly hiddenRecords: number;
}

export interface RiskScore {
    readonly partyId: string;
    readonly asOf: string;
    readonly score: number;
    readonly band: RiskBand;
    readonly items: readonly RiskItem[];
}

/** A bank caller's sight of trades and declarations (V34); `null` for roles that read them all. */
export interface BankSight {
    readonly mspId: string;
    readonly partyId: string;
}

interface Fact {
    readonly reason: RiskReason;
    readonly detail: string;
    readonly records: readonly (CitedRecord & { readonly tradeNo?: string | null; readonly declNo?: string | null })[];
}

/** Whether a bank may read the party at all (GetParty's OWN for banks): itself, or a party its receipts rely on. */
export async function bankSeesParty(model: ReadModelHandle, bank: BankSight, partyId: string): Promise<boolean> {
    if (partyId === bank.partyId) return true;
    const found = await model.db
        .selectFrom('receipts')
        .select('receipts.receipt_id')
        .where('receipts.bank_msp_id', '=', bank.mspId)
        .where('receipts.bank_party_id', '=', bank.partyId)
        .where((eb) =>
            eb.or([
                eb('receipts.payee_party_id', '=', partyId),
                eb.exists(
                    eb
                        .selectFrom('allocations')
                        .innerJoin('trades', 'trades.trade_no', 'allocations.trade_no')
                        .select('allocations.trade_no')
                        .whereRef('allocations.receipt_id', '=', 'receipts.receipt_id')
                        .where('allocations.status', '<>', 'VOID')
                        .where((inner) =>
                            inner.or([
                                inner('trades.vendor_id', '=', partyId),
                                inner('trades.agent_id', '=', partyId),
                                inner('trades.buyer_id', '=', partyId),
                            ]),
                        ),
                ),
            ]),
        )
        .limit(1)
        .executeTakeFirst();
    return found !== undefined;
}

/** The trades a bank's own receipts rely on (and so their declarations): what it may see cited. */
async function bankTrades(model: ReadModelHandle, bank: BankSight): Promise<Set<string>> {
    const rows = await model.db
        .selectFrom('allocations')
        .innerJoin('receipts', 'receipts.receipt_id', 'allocations.receipt_id')
        .select('allocations.trade_no')
        .where('receipts.bank_msp_id', '=', bank.mspId)
        .where('receipts.bank_party_id', '=', bank.partyId)
        .where('allocations.status', '<>', 'VOID')
        .execute();
    return new Set(rows.map((row) => row.trade_no));
}

/** The trades the party is on, as vendor, agent or buyer. */
const onTradeOf = (partyId: string): RawBuilder<boolean> =>
    sql<boolean>`(trades.vendor_id = ${partyId} OR trades.agent_id = ${partyId} OR trades.buyer_id = ${partyId})`;

interface FlagRow {
    readonly flag_id: string;
    readonly subject_type: string;
    readonly subject_id: string;
    readonly rule_id: string;
    readonly severity: string;
    readonly status: string;
    readonly tx_id: string;
    readonly block_number: number;
}

function flagFacts(flags: readonly FlagRow[]): Fact[] {
    return flags.flatMap((flag) => {
        const reason = `FLAG_${flag.status === 'CONFIRMED' ? 'CONFIRMED' : 'OPEN'}_${flag.severity}`;
        if (!(reason in RISK_POINTS)) return [];
        return [
            {
                reason: reason as RiskReason,
                detail: `${flag.rule_id} on ${flag.subject_type} ${flag.subject_id}`,
                records: [{ kind: 'riskFlag', id: flag.flag_id, txId: flag.tx_id, blockNumber: flag.block_number }],
            },
        ];
    });
}

const EVENT_REASON: Readonly<Record<string, RiskReason>> = {
    RETURNED: 'DECLARATION_RETURNED',
    HELD: 'DECLARATION_HELD',
    AMENDED: 'DECLARATION_AMENDED',
};

interface EventRow {
    readonly decl_no: string;
    readonly seq: number;
    readonly type: string;
    readonly tx_id: string;
    readonly block_number: number;
}

function eventFacts(events: readonly EventRow[]): Fact[] {
    return events.flatMap((event) => {
        const reason = EVENT_REASON[event.type];
        if (reason === undefined) return [];
        const id = `${event.decl_no}/${String(event.seq)}`;
        return [
            {
                reason,
                detail: `declaration ${event.decl_no} event ${String(event.seq)}`,
                records: [
                    {
                        kind: 'customsEvent',
                        id,
                        txId: event.tx_id,
                        blockNumber: event.block_number,
                        declNo: event.decl_no,
                    },
                ],
            },
        ];
    });
}

interface TradeRow {
    readonly trade_no: string;
    readonly status: string;
    readonly total_amount: number;
    readonly doc: string;
    readonly tx_id: string;
    readonly block_number: number;
    readonly exit_date: string | null;
    readonly allocated: number | string;
    readonly last_income: string | null;
}

/** Amendments and a cancellation of the trade, and its income after exit: late, or missing once due. */
function tradeFacts(trade: TradeRow, asOf: string): Fact[] {
    const records = [
        {
            kind: 'trade' as const,
            id: trade.trade_no,
            txId: trade.tx_id,
            blockNumber: trade.block_number,
            tradeNo: trade.trade_no,
        },
    ];
    const detail = `trade ${trade.trade_no}`;
    const facts: Fact[] = [];
    const amendments = Number((JSON.parse(trade.doc) as { amendments?: unknown }).amendments ?? 0);
    for (let i = 0; i < amendments; i++) facts.push({ reason: 'TRADE_AMENDED', detail, records });
    if (trade.status === 'CANCELLED') facts.push({ reason: 'TRADE_CANCELLED', detail, records });
    if (trade.exit_date === null) return facts;
    const due = daysBetween(trade.exit_date, asOf) > INCOME_DUE_DAYS;
    const settled = Number(trade.allocated) * 100 >= trade.total_amount * SETTLED_PERCENT;
    const late =
        settled && trade.last_income !== null && daysBetween(trade.exit_date, trade.last_income) > INCOME_DUE_DAYS;
    if (late || (!settled && due)) {
        facts.push({
            reason: late ? 'INCOME_LATE' : 'INCOME_MISSING',
            detail: `${detail} exited ${trade.exit_date}`,
            records,
        });
    }
    return facts;
}

/** Whether a cited record is the caller's to see: all for the authorities; for a bank, V34. */
async function citedVisibility(
    model: ReadModelHandle,
    sight: BankSight | null,
    trades: readonly { trade_no: string; decl_no: string | null }[],
): Promise<(record: Fact['records'][number]) => boolean> {
    if (sight === null) return () => true;
    const relied = await bankTrades(model, sight);
    const declNos = new Set(trades.filter((t) => relied.has(t.trade_no)).map((t) => t.decl_no ?? ''));
    return (record) =>
        record.kind === 'riskFlag' ||
        (record.tradeNo != null && relied.has(record.tradeNo)) ||
        (record.declNo != null && declNos.has(record.declNo));
}

/**
 * The party's score as of `asOf` (a China date): every fact found, worth its row of {@link RISK_POINTS}. `sight`
 * limits what a bank sees cited (the points are the same for every reader).
 */
export async function riskScore(
    model: ReadModelHandle,
    partyId: string,
    asOf: string,
    sight: BankSight | null,
): Promise<RiskScore> {
    const onTrade = onTradeOf(partyId);
    const trades = await model.db
        .selectFrom('trades')
        .leftJoin('declarations', 'declarations.decl_no', 'trades.decl_no')
        .select([
            'trades.trade_no',
            'trades.status',
            'trades.decl_no',
            'trades.total_amount',
            'trades.doc',
            'trades.tx_id',
            'trades.block_number',
            'declarations.exit_date',
        ])
        .select([
            sql<number | string>`(SELECT COALESCE(SUM(a.trade_amount_minor), 0) FROM allocations a
                WHERE a.trade_no = trades.trade_no AND a.status <> 'VOID')`.as('allocated'),
            sql<string | null>`(SELECT MAX(a.value_date) FROM allocations a
                WHERE a.trade_no = trades.trade_no AND a.status <> 'VOID')`.as('last_income'),
        ])
        .where(onTrade)
        .orderBy('trades.trade_no')
        .execute();
    const declarations = await model.db
        .selectFrom('declarations')
        .select(['declarations.decl_no', 'declarations.tx_id', 'declarations.block_number'])
        .where((eb) =>
            eb.or([
                eb('declarations.consignor_id', '=', partyId),
                eb('declarations.broker_id', '=', partyId),
                eb('declarations.buyer_id', '=', partyId),
                eb('declarations.decl_no', 'in', eb.selectFrom('trades').select('trades.decl_no').where(onTrade)),
            ]),
        )
        .execute();
    const declNos = declarations.map((d) => d.decl_no);
    const tradeNos = trades.map((t) => t.trade_no);
    const events =
        declNos.length === 0
            ? []
            : await model.db
                  .selectFrom('customs_events')
                  .select(['decl_no', 'seq', 'type', 'tx_id', 'block_number'])
                  .where('type', 'in', ['RETURNED', 'HELD', 'AMENDED'])
                  .where('decl_no', 'in', declNos)
                  .orderBy('decl_no')
                  .orderBy('seq')
                  .execute();
    const flags = await model.db
        .selectFrom('risk_flags')
        .select(['flag_id', 'subject_type', 'subject_id', 'rule_id', 'severity', 'status', 'tx_id', 'block_number'])
        .where('status', '<>', 'CLEARED')
        .where((eb) =>
            eb.or([
                eb.and([eb('subject_type', '=', 'party'), eb('subject_id', '=', partyId)]),
                ...(tradeNos.length === 0
                    ? []
                    : [eb.and([eb('subject_type', '=', 'trade'), eb('subject_id', 'in', tradeNos)])]),
                ...(declNos.length === 0
                    ? []
                    : [eb.and([eb('subject_type', '=', 'declaration'), eb('subject_id', 'in', declNos)])]),
                eb.and([
                    eb('subject_type', '=', 'receipt'),
                    eb(
                        'subject_id',
                        'in',
                        eb.selectFrom('receipts').select('receipts.receipt_id').where('payee_party_id', '=', partyId),
                    ),
                ]),
            ]),
        )
        .orderBy('flag_id')
        .execute();

    const facts = [...flagFacts(flags), ...eventFacts(events), ...trades.flatMap((t) => tradeFacts(t, asOf))];
    const visible = await citedVisibility(model, sight, trades);

    const items: RiskItem[] = facts.map((fact) => {
        const row = RISK_POINTS[fact.reason];
        const shown = fact.records.filter(visible);
        return {
            reason: fact.reason,
            points: row.points,
            en: `${row.en}: ${fact.detail}`,
            zh: `${row.zh}：${fact.detail}`,
            records: shown.map(({ kind, id, txId, blockNumber }) => ({ kind, id, txId, blockNumber })),
            hiddenRecords: fact.records.length - shown.length,
        };
    });
    const score = items.reduce((sum, item) => sum + item.points, 0);
    const band = BANDS.find((b) => score < b.below)?.band ?? 'HIGH';
    return { partyId, asOf, score, band, items };
}
