import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from '../lib/errors';
import { txBusinessDate } from '../lib/identity';
import { IndexType, recordKey } from '../model/keys';
import type {
    AgencyAgreement,
    ConsolidationOrder,
    Declaration,
    Goods,
    MarketCluster,
    NegativeList,
    PackingList,
    Party,
    QualifiedSupplierList,
    RiskFlag,
    Trade,
} from '../model/records';
import type { CheckSnapshot } from '../rules/customs-check';
import type { BuilderLine } from '../rules/declaration-builder';
import { listInForce } from '../rules/negative-list';
import type { TradeFacts, TradeDraft } from '../rules/trade-rules';
import { monthOf, ratesInForce } from '../rules/rates';
import {
    allocationsOfTrade,
    loadExchangeRates,
    loadGoods,
    loadNegativeLists,
    loadQualifiedSupplierLists,
} from '../store/loaders';
import { getRecord } from '../store/records';
import { openFlags } from '../store/risk-flags';
import { lastAttribute, scanAll } from '../store/scan';
import { RecordType } from '../vocabulary';
import { isExported } from '../rules/bank-check';

/**
 * The facts a transaction hands to the rules, read once per transaction. Reads see committed state only, so caching
 * them for the transaction is exact. A missing record is `undefined`: the rules decide what its absence means.
 */
export class Facts {
    readonly #ctx: Context;
    readonly #parties = new Map<string, Party | undefined>();
    readonly #goods = new Map<string, Goods | undefined>();
    readonly #clusters = new Map<string, MarketCluster | undefined>();
    readonly #orders = new Map<string, ConsolidationOrder | undefined>();
    readonly #trades = new Map<string, Trade | undefined>();
    readonly #declarations = new Map<string, Declaration | undefined>();
    readonly #agreements = new Map<string, AgencyAgreement | undefined>();
    /** Per merchant and agent: a bulk registration asks once, not once per row (each is a range query to the peer). */
    readonly #agreementsByPair = new Map<string, AgencyAgreement[]>();
    #negativeLists: NegativeList[] | undefined;
    readonly #qualifiedSuppliers = new Map<string, QualifiedSupplierList[]>();

    constructor(ctx: Context) {
        this.#ctx = ctx;
    }

    async #read<T extends { docType: string }>(
        cache: Map<string, T | undefined>,
        type: RecordType,
        docType: T['docType'],
        id: string,
    ): Promise<T | undefined> {
        if (!cache.has(id)) cache.set(id, await getRecord<T>(this.#ctx, recordKey(this.#ctx, type, id), docType));
        return cache.get(id);
    }

    party(id: string): Promise<Party | undefined> {
        return this.#read(this.#parties, RecordType.party, 'party', id);
    }

    goods(code: string): Promise<Goods | undefined> {
        return this.#read(this.#goods, RecordType.goods, 'goods', code);
    }

    cluster(id: string): Promise<MarketCluster | undefined> {
        return this.#read(this.#clusters, RecordType.cluster, 'cluster', id);
    }

    order(code: string): Promise<ConsolidationOrder | undefined> {
        return this.#read(this.#orders, RecordType.consolidation, 'consolidation', code);
    }

    trade(tradeNo: string): Promise<Trade | undefined> {
        return this.#read(this.#trades, RecordType.trade, 'trade', tradeNo);
    }

    declaration(declNo: string): Promise<Declaration | undefined> {
        return this.#read(this.#declarations, RecordType.declaration, 'declaration', declNo);
    }

    /** The agency agreements between a merchant and an agent, any status. */
    async agreements(merchantId: string, agentId: string): Promise<AgencyAgreement[]> {
        const pair = JSON.stringify([merchantId, agentId]);
        const cached = this.#agreementsByPair.get(pair);
        if (cached !== undefined) return cached;
        const entries = await scanAll(this.#ctx, IndexType.agreementByPair, [merchantId, agentId]);
        const found = await Promise.all(
            entries.map((entry) =>
                this.#read(this.#agreements, RecordType.agreement, 'agreement', lastAttribute(entry)),
            ),
        );
        const agreements = found.filter((a): a is AgencyAgreement => a !== undefined);
        this.#agreementsByPair.set(pair, agreements);
        return agreements;
    }

    async negativeLists(): Promise<NegativeList[]> {
        this.#negativeLists ??= await loadNegativeLists(this.#ctx);
        return this.#negativeLists;
    }

    /** V11: the cluster's qualified supplier list in force on `date`. */
    async qualifiedSuppliers(clusterId: string, date: string): Promise<QualifiedSupplierList | undefined> {
        let lists = this.#qualifiedSuppliers.get(clusterId);
        if (lists === undefined) {
            lists = await loadQualifiedSupplierLists(this.#ctx, clusterId);
            this.#qualifiedSuppliers.set(clusterId, lists);
        }
        return listInForce(lists, date);
    }

    /** True when every one of the trades is filed and has left the country. */
    async allExported(tradeNos: readonly string[]): Promise<boolean> {
        for (const tradeNo of tradeNos) {
            const trade = await this.trade(tradeNo);
            if (trade === undefined || !isExported(trade.status)) return false;
        }
        return true;
    }

    /** What V01–V16 need to judge a trade draft. */
    async forTrade(
        draft: Pick<TradeDraft, 'vendorId' | 'agentId' | 'buyerId' | 'tradeDate' | 'lines'>,
    ): Promise<TradeFacts> {
        const vendor = await this.party(draft.vendorId);
        const cluster = vendor?.clusterId === undefined ? undefined : await this.cluster(vendor.clusterId);
        const goods = new Map<string, Goods>();
        for (const line of draft.lines) {
            const g = await this.goods(line.goodsCode);
            if (g !== undefined) goods.set(g.goodsCode, g);
        }
        return {
            vendor,
            agent: await this.party(draft.agentId),
            buyer: await this.party(draft.buyerId),
            cluster,
            agreements: await this.agreements(draft.vendorId, draft.agentId),
            goods,
            negativeList: listInForce(await this.negativeLists(), draft.tradeDate),
            qualifiedSuppliers:
                cluster === undefined ? undefined : await this.qualifiedSuppliers(cluster.clusterId, draft.tradeDate),
            today: txBusinessDate(this.#ctx),
        };
    }

    /** Everything CU-01..CU-08 read for one declaration. */
    async forCustomsCheck(declaration: Declaration): Promise<CheckSnapshot> {
        const ctx = this.#ctx;
        const present: Trade[] = [];
        const flags: RiskFlag[] = [...(await openFlags(ctx, 'declaration', declaration.declNo))];
        for (const tradeNo of declaration.tradeNos) {
            const trade = await this.trade(tradeNo);
            if (trade === undefined) continue;
            present.push(trade);
            flags.push(...(await openFlags(ctx, 'trade', tradeNo)));
            for (const id of [trade.vendorId, trade.agentId, trade.buyerId]) await this.party(id);
            await this.cluster(trade.clusterId);
            if (trade.consolidationOrder !== undefined) await this.order(trade.consolidationOrder);
            for (const line of trade.lines) {
                const goods = await this.goods(line.goodsCode);
                if (goods !== undefined) await this.party(goods.producerId);
            }
        }
        await this.party(declaration.remarkPurchaser.buyerId);
        for (const [id, party] of this.#parties)
            if (party !== undefined) flags.push(...(await openFlags(ctx, 'party', id)));
        const packing = await getRecord<PackingList>(
            ctx,
            recordKey(ctx, RecordType.packing, declaration.packingNo),
            'packing',
        );
        return {
            declaration,
            trades: this.#trades,
            parties: this.#parties,
            goods: this.#goods,
            clusters: this.#clusters,
            orders: this.#orders,
            packing,
            negativeList: listInForce(await this.negativeLists(), declaration.declDate),
            // V31: the rates in force when the declaration was filed, not any re-published since
            customsRates: ratesInForce(
                await loadExchangeRates(ctx, monthOf(declaration.declDate)),
                declaration.filedBy.at,
            ),
            builderLines: await this.#builderLinesOfPresentGoods(present),
            openFlags: flags,
            allocations: await this.#allocatedAmounts(declaration.tradeNos),
            asOf: txBusinessDate(ctx),
        };
    }

    /** The builder lines; none when a declared trade names goods that are not registered (nothing to rebuild from). */
    async #builderLinesOfPresentGoods(trades: readonly Trade[]): Promise<BuilderLine[]> {
        try {
            return await builderLinesOf(this.#ctx, trades);
        } catch (error) {
            if (error instanceof ChaincodeError && error.code === 'NOT_FOUND') return [];
            throw error;
        }
    }

    /** CU-08: per trade, the trade-currency amount of each allocation; the banks and receipts are left out. */
    async #allocatedAmounts(tradeNos: readonly string[]): Promise<Map<string, number[]>> {
        const amounts = new Map<string, number[]>();
        for (const tradeNo of tradeNos) {
            amounts.set(
                tradeNo,
                (await allocationsOfTrade(this.#ctx, tradeNo)).map((a) => a.tradeAmountMinor),
            );
        }
        return amounts;
    }
}

/** Trade lines of the given trades as the builder needs them (goods' V16 flag included); `NOT_FOUND:` for unknown goods. */
export async function builderLinesOf(ctx: Context, trades: readonly Trade[]): Promise<BuilderLine[]> {
    const itemise = new Map<string, boolean>();
    const lines: BuilderLine[] = [];
    for (const trade of trades) {
        for (const line of trade.lines) {
            if (!itemise.has(line.goodsCode))
                itemise.set(line.goodsCode, (await loadGoods(ctx, line.goodsCode)).itemiseAlways === true);
            lines.push({
                ...line,
                tradeNo: trade.tradeNo,
                currency: trade.currency,
                itemiseAlways: itemise.get(line.goodsCode) === true,
            });
        }
    }
    return lines;
}
