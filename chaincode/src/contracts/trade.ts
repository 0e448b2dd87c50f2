import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize, type Actor } from '../lib/auth';
import { ChaincodeError, conflict, precondition } from '../lib/errors';
import { LISTS, listPage, type ListSpec } from '../lib/lists';
import {
    CURRENCY,
    DATE,
    ID,
    PAGE_SIZE,
    REASON,
    SHA256,
    TEXT,
    arrayOf,
    bool,
    int,
    object,
    oneOf,
    optional,
    parseArg,
    parseJson,
} from '../lib/validate';
import { checkTrade, priceOutliers } from '../rules/trade-rules';
import { RecordType, PAYMENT_CHANNELS, PAYMENT_TERMS } from '../vocabulary';
import { IndexType, recordKey } from '../model/keys';
import { lastAttribute } from '../store/scan';
import { putIndex, exists, historyOf, putRecord } from '../store/records';
import { loadTrade } from '../store/loaders';
import { type Goods, type Party, type Trade, type TradeLine } from '../model/records';
import { raise } from '../store/risk-flags';
import { emit } from '../store/events';
import { jsonResult } from '../lib/canonical';
import { Facts } from '../facts/facts';
import { tradeBanks } from '../facts/bank-visibility';

const LINE = object({
    lineId: ID,
    goodsCode: ID,
    qty: int({ min: 1, max: 100_000_000 }),
    unitPrice: int({ min: 1, max: 10_000_000_000 }),
    amount: int({ min: 1 }),
    cartons: optional(int({ min: 0, max: 1_000_000 })),
    grossWeightG: optional(int({ min: 0 })),
});
const LINES = arrayOf(LINE, { min: 1, max: 200 });
const DOCUMENTS = arrayOf(SHA256, { max: 20 });

const TRADE = object({
    tradeNo: ID,
    vendorId: ID,
    agentId: ID,
    buyerId: ID,
    tradeDate: DATE,
    currency: CURRENCY,
    agencyReceipt: bool,
    paymentTerms: oneOf(PAYMENT_TERMS),
    paymentChannel: oneOf(PAYMENT_CHANNELS),
    lines: LINES,
    documents: DOCUMENTS,
    remark: optional(TEXT),
});
type TradeInput = ReturnType<typeof TRADE>;

const AMENDMENT = object({
    lines: optional(LINES),
    documents: optional(DOCUMENTS),
    remark: optional(TEXT),
    paymentTerms: optional(oneOf(PAYMENT_TERMS)),
    agencyReceipt: optional(bool),
});

/** Most rows per RegisterTrades call; keeps one transaction's read/write set reasonable. */
export const MAX_BULK = 500;

export interface RowResult {
    readonly index: number;
    readonly tradeNo: string | null;
    readonly ok: boolean;
    readonly status?: string;
    readonly riskFlags?: string[];
    readonly code?: string;
    readonly message?: string;
}

function tradeLines(input: Pick<TradeInput, 'lines'>, goods: ReadonlyMap<string, Goods>): TradeLine[] {
    return input.lines.map((line) => {
        const g = goods.get(line.goodsCode);
        return { ...line, hsCode: g?.hsCode ?? '', nameEn: g?.nameEn ?? '', unit: g?.unit ?? '' };
    });
}

function tradeIndexes(trade: Trade): [IndexType, string[]][] {
    return [
        [IndexType.tradeByVendor, [trade.vendorId, trade.tradeDate, trade.tradeNo]],
        [IndexType.tradeByAgent, [trade.agentId, trade.tradeDate, trade.tradeNo]],
    ];
}

/**
 * Marks the goods a trade uses as used, so a goods amendment knows when its HS code and unit are fixed
 * (AMEND_AFTER_USE, which asks only whether any mark exists). One key per goods, written once a transaction
 * (`marked` holds those already written): a bulk of trades of the same goods costs one peer round trip, not one a
 * row. Transactions may write the same mark at once: a write that was not read never conflicts at commit.
 */
async function markGoodsUsed(ctx: Context, trade: Trade, marked: Set<string>): Promise<void> {
    for (const { goodsCode } of trade.lines) {
        if (marked.has(goodsCode)) continue;
        marked.add(goodsCode);
        await putIndex(ctx, IndexType.tradeByGoods, [goodsCode]);
    }
}

/** What the rows of one bulk registration share: facts read once, tradeNos seen, goods already marked used. */
interface Batch {
    readonly facts: Facts;
    readonly seen: Set<string>;
    readonly marked: Set<string>;
}

/** Statuses in which a trade may still be amended or cancelled (before consolidation). */
const OPEN_STATUSES: readonly Trade['status'][] = ['FLAGGED', 'CONFIRMED'];

/**
 * Trade registration (single and bulk), amendment, cancellation. IDs come from the client (tradeNo),
 * so a retried registration meets CONFLICT instead of writing twice.
 */
@Info({ title: 'TradeContract', description: 'Trade registration and life cycle' })
export class TradeContract extends Contract {
    constructor() {
        super('TradeContract');
    }

    @Transaction()
    async RegisterTrade(ctx: Context, tradeJson: string): Promise<string> {
        const input = parseJson(tradeJson, TRADE, 'trade');
        const actor = await authorize(ctx, 'TradeContract.RegisterTrade');
        const trade = await this.#register(ctx, actor, input, new Facts(ctx), new Set());
        emit(ctx, 'TradeRegistered', { tradeNo: trade.tradeNo, status: trade.status, riskFlags: trade.riskFlags });
        return jsonResult(trade);
    }

    /** Bulk registration: `tradesJson` is an array (1..500); every row answers ok or its error code. */
    @Transaction()
    async RegisterTrades(ctx: Context, tradesJson: string): Promise<string> {
        const rows = parseJson(
            tradesJson,
            arrayOf((v: unknown) => v, { min: 1, max: MAX_BULK }),
            'trades',
        );
        const actor = await authorize(ctx, 'TradeContract.RegisterTrades');
        const batch: Batch = { facts: new Facts(ctx), seen: new Set(), marked: new Set() };
        const results: RowResult[] = [];
        for (const [index, row] of rows.entries()) {
            results.push(await this.#registerRow(ctx, actor, batch, index, row));
        }
        const ok = results.filter((r) => r.ok);
        emit(ctx, 'TradesRegistered', {
            registered: ok.flatMap((r) => (r.tradeNo === null ? [] : [r.tradeNo])),
            failed: results.length - ok.length,
        });
        return jsonResult({ results, registered: ok.length, failed: results.length - ok.length });
    }

    async #registerRow(ctx: Context, actor: Actor, batch: Batch, index: number, row: unknown): Promise<RowResult> {
        const tradeNo =
            typeof (row as { tradeNo?: unknown } | null)?.tradeNo === 'string'
                ? (row as { tradeNo: string }).tradeNo
                : null;
        try {
            const input = TRADE(row, `trades[${index}]`);
            if (batch.seen.has(input.tradeNo)) throw conflict(`trade ${input.tradeNo} appears twice in this batch`);
            batch.seen.add(input.tradeNo);
            const trade = await this.#register(ctx, actor, input, batch.facts, batch.marked);
            return { index, tradeNo, ok: true, status: trade.status, riskFlags: trade.riskFlags };
        } catch (error) {
            if (!(error instanceof ChaincodeError)) throw error;
            return { index, tradeNo, ok: false, code: error.code, message: error.message };
        }
    }

    async #register(ctx: Context, actor: Actor, input: TradeInput, cache: Facts, marked: Set<string>): Promise<Trade> {
        assertOwns(actor, { vendor: input.vendorId, agent: input.agentId }, `trade ${input.tradeNo}`);
        const key = recordKey(ctx, RecordType.trade, input.tradeNo);
        if (await exists(ctx, key)) throw conflict(`trade ${input.tradeNo} is already registered`);
        const facts = await cache.forTrade(input);
        const violation = checkTrade(input, facts);
        if (violation !== null) throw violation;
        const vendor = facts.vendor as Party;
        const draft: Trade = {
            docType: 'trade',
            ...input,
            clusterId: vendor.clusterId ?? '',
            stallNo: vendor.stallNo ?? '',
            lines: tradeLines(input, facts.goods),
            totalAmount: input.lines.reduce((sum, line) => sum + line.amount, 0),
            status: 'CONFIRMED',
            riskFlags: [],
            amendments: 0,
            registeredBy: actor.signature,
            updatedBy: actor.signature,
        };
        const trade = await this.#withPriceFlags(ctx, actor, draft, facts.goods);
        await putRecord(ctx, key, trade);
        for (const [index, attributes] of tradeIndexes(trade)) await putIndex(ctx, index, attributes);
        await markGoodsUsed(ctx, trade, marked);
        return trade;
    }

    /** F3: a price outlier raises a flag and holds the trade as FLAGGED until the operator resolves it. */
    async #withPriceFlags(ctx: Context, actor: Actor, trade: Trade, goods: ReadonlyMap<string, Goods>): Promise<Trade> {
        const outliers = priceOutliers(trade, goods);
        if (outliers.length === 0) return trade;
        const flag = await raise(
            ctx,
            {
                subjectType: 'trade',
                subjectId: trade.tradeNo,
                ruleId: 'F3',
                severity: 'MEDIUM',
                evidence: { outliers },
            },
            actor.signature,
        );
        return {
            ...trade,
            status: 'FLAGGED',
            statusReason: 'F3 unit price outside the registry range',
            riskFlags: flag === null ? trade.riskFlags : [...trade.riskFlags, flag.flagId],
        };
    }

    /** Amends an unconsolidated trade (lines, documents, remark, terms); the rules run again; history keeps the old. */
    @Transaction()
    async AmendTrade(ctx: Context, tradeNo: string, amendmentJson: string, reason: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const amendment = parseJson(amendmentJson, AMENDMENT, 'amendment');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'TradeContract.AmendTrade');
        const trade = await loadTrade(ctx, id);
        assertSees(actor, { vendor: trade.vendorId, agent: trade.agentId }, `trade ${id}`);
        if (!OPEN_STATUSES.includes(trade.status))
            throw precondition(`trade ${id} is ${trade.status}; only unconsolidated trades can be amended`);
        const lines = amendment.lines ?? trade.lines;
        const cache = new Facts(ctx);
        const facts = await cache.forTrade({ ...trade, lines });
        const violation = checkTrade({ ...trade, lines }, facts);
        if (violation !== null) throw violation;
        const amended: Trade = {
            ...trade,
            ...amendment,
            lines: tradeLines({ lines }, facts.goods),
            totalAmount: lines.reduce((sum, line) => sum + line.amount, 0),
            status: 'CONFIRMED',
            statusReason: why,
            amendments: trade.amendments + 1,
            updatedBy: actor.signature,
        };
        const result = await this.#withPriceFlags(ctx, actor, amended, facts.goods);
        await putRecord(ctx, recordKey(ctx, RecordType.trade, id), result);
        await markGoodsUsed(ctx, result, new Set());
        emit(ctx, 'TradeAmended', { tradeNo: id, status: result.status, amendments: result.amendments, reason: why });
        return jsonResult(result);
    }

    @Transaction()
    async CancelTrade(ctx: Context, tradeNo: string, reason: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'TradeContract.CancelTrade');
        const trade = await loadTrade(ctx, id);
        assertSees(actor, { vendor: trade.vendorId, agent: trade.agentId }, `trade ${id}`);
        if (!OPEN_STATUSES.includes(trade.status))
            throw precondition(`trade ${id} is ${trade.status}; only unconsolidated trades can be cancelled`);
        const cancelled: Trade = { ...trade, status: 'CANCELLED', statusReason: why, updatedBy: actor.signature };
        await putRecord(ctx, recordKey(ctx, RecordType.trade, id), cancelled);
        emit(ctx, 'TradeCancelled', { tradeNo: id, reason: why });
        return jsonResult(cancelled);
    }

    /** The operator confirms a FLAGGED trade after review; the risk flag itself stays for customs/bank to close. */
    @Transaction()
    async ResolveTradeFlag(ctx: Context, tradeNo: string, resolution: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const why = parseArg(resolution, REASON, 'resolution');
        const actor = await authorize(ctx, 'TradeContract.ResolveTradeFlag');
        const trade = await loadTrade(ctx, id);
        if (trade.status !== 'FLAGGED') throw precondition(`trade ${id} is ${trade.status}, not FLAGGED`);
        const confirmed: Trade = { ...trade, status: 'CONFIRMED', statusReason: why, updatedBy: actor.signature };
        await putRecord(ctx, recordKey(ctx, RecordType.trade, id), confirmed);
        emit(ctx, 'TradeFlagResolved', { tradeNo: id });
        return jsonResult(confirmed);
    }

    @Transaction(false)
    async GetTrade(ctx: Context, tradeNo: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const actor = await authorize(ctx, 'TradeContract.GetTrade');
        const trade = await loadTrade(ctx, id);
        const bank = await tradeBanks(ctx, actor, id);
        assertSees(actor, { vendor: trade.vendorId, agent: trade.agentId, bank }, `trade ${id}`);
        return jsonResult(trade);
    }

    @Transaction(false)
    async GetTradeHistory(ctx: Context, tradeNo: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const actor = await authorize(ctx, 'TradeContract.GetTradeHistory');
        const trade = await loadTrade(ctx, id);
        assertSees(actor, { vendor: trade.vendorId, agent: trade.agentId }, `trade ${id}`);
        return jsonResult({ tradeNo: id, history: await historyOf(ctx, recordKey(ctx, RecordType.trade, id)) });
    }

    @Transaction(false)
    async ListTradesByVendor(ctx: Context, vendorId: string, pageSize: string, bookmark: string): Promise<string> {
        const id = parseArg(vendorId, ID, 'vendorId');
        const actor = await authorize(ctx, 'TradeContract.ListTradesByVendor');
        assertOwns(actor, { vendor: id }, `trades of vendor ${id}`);
        return this.#list(ctx, actor, LISTS['TradeContract.ListTradesByVendor'], [id], pageSize, bookmark);
    }

    @Transaction(false)
    async ListTradesByAgent(ctx: Context, agentId: string, pageSize: string, bookmark: string): Promise<string> {
        const id = parseArg(agentId, ID, 'agentId');
        const actor = await authorize(ctx, 'TradeContract.ListTradesByAgent');
        assertOwns(actor, { agent: id }, `trades of agent ${id}`);
        return this.#list(ctx, actor, LISTS['TradeContract.ListTradesByAgent'], [id], pageSize, bookmark);
    }

    async #list(
        ctx: Context,
        actor: Actor,
        list: ListSpec<Trade>,
        attributes: string[],
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const size = parseJson(pageSize, PAGE_SIZE, 'pageSize');
        const page = await listPage(ctx, actor, list, attributes, size, bookmark, (entry) =>
            loadTrade(ctx, lastAttribute(entry)),
        );
        return jsonResult({ items: page.items, bookmark: page.bookmark });
    }
}
