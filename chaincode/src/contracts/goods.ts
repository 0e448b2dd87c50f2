import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, authorize } from '../lib/auth';
import { conflict, invalid, refused, ruleViolation } from '../lib/errors';
import {
    CURRENCY,
    DATE,
    HS_CODE,
    ID,
    NAME,
    REASON,
    arrayOf,
    bool,
    int,
    object,
    optional,
    parseArg,
    parseJson,
    str,
    text,
} from '../lib/validate';
import { listInForce } from '../rules/negative-list';
import { RecordType } from '../vocabulary';
import { IndexType, recordKey, versionId, qualifiedSuppliersKey } from '../model/keys';
import {
    loadActiveParty,
    loadCluster,
    loadGoods,
    loadNegativeLists,
    loadQualifiedSupplierLists,
    findParty,
} from '../store/loaders';
import { type Goods, type NegativeList, type QualifiedSupplierList } from '../model/records';
import { emit } from '../store/events';
import { exists, putRecord } from '../store/records';
import { anyUnder } from '../store/scan';
import { amendedFields, corrected } from '../rules/corrections';
import { jsonResult } from '../lib/canonical';

const PRICE_RANGE = object({ currency: CURRENCY, minUnitPrice: int({ min: 0 }), maxUnitPrice: int({ min: 1 }) });
const GOODS = object({
    goodsCode: ID,
    ownerId: ID,
    ownerSku: optional(ID),
    nameCn: NAME,
    nameEn: NAME,
    hsCode: HS_CODE,
    unit: text(16),
    producerId: ID,
    brand: optional(NAME),
    itemiseAlways: optional(bool),
    prepackagedFood: optional(bool),
    priceRange: PRICE_RANGE,
});

/** The descriptive fields; owner, producer and code identify the entry and never change. */
const GOODS_AMENDMENT = object({
    ownerSku: optional(ID),
    nameCn: optional(NAME),
    nameEn: optional(NAME),
    hsCode: optional(HS_CODE),
    unit: optional(text(16)),
    brand: optional(NAME),
    itemiseAlways: optional(bool),
    priceRange: optional(PRICE_RANGE),
});
/** Trades copy these at registration and declarations are built from the copies: fixed once a trade uses the goods. */
const FIXED_ONCE_USED = ['hsCode', 'unit'] as const;

const NEGATIVE_LIST = object({
    version: int({ min: 1, max: 999_999 }),
    validFrom: DATE,
    entries: arrayOf(
        object({
            hsPrefix: optional(str({ pattern: /^\d{2,10}$/, max: 10, hint: 'must be 2..10 HS digits' })),
            goodsCode: optional(ID),
            reason: REASON,
        }),
        { max: 5000 },
    ),
});

const QUALIFIED_SUPPLIERS = object({
    version: int({ min: 1, max: 999_999 }),
    validFrom: DATE,
    suppliers: arrayOf(object({ partyId: ID, remark: optional(REASON) }), { max: 5000 }),
});

/** Goods registry (V09: every entry names a registered producer) and the dated, versioned negative list (V05). */
@Info({ title: 'GoodsContract', description: 'Goods registry, negative list and qualified supplier lists' })
export class GoodsContract extends Contract {
    constructor() {
        super('GoodsContract');
    }

    @Transaction()
    async RegisterGoods(ctx: Context, goodsJson: string): Promise<string> {
        const input = parseJson(goodsJson, GOODS, 'goods');
        if (input.priceRange.minUnitPrice > input.priceRange.maxUnitPrice) {
            throw invalid('goods.priceRange.minUnitPrice is above maxUnitPrice');
        }
        const actor = await authorize(ctx, 'GoodsContract.RegisterGoods');
        assertOwns(actor, { vendor: input.ownerId }, `goods owned by ${input.ownerId}`);
        const key = recordKey(ctx, RecordType.goods, input.goodsCode);
        if (await exists(ctx, key)) throw conflict(`goods ${input.goodsCode} is already registered`);
        await loadActiveParty(ctx, input.ownerId, ['MERCHANT']);
        const producer = await findParty(ctx, input.producerId);
        if (producer?.type !== 'PRODUCER' || producer.status !== 'ACTIVE') {
            throw ruleViolation('V09', `producer ${input.producerId} is not a registered, active producer`);
        }
        const goods: Goods = { docType: 'goods', ...input, filedBy: actor.signature };
        await putRecord(ctx, key, goods);
        emit(ctx, 'GoodsRegistered', { goodsCode: goods.goodsCode, ownerId: goods.ownerId, hsCode: goods.hsCode });
        return jsonResult(goods);
    }

    /**
     * Corrects the descriptive fields of a goods entry (its owner, or the operator). The HS code and unit change only
     * while no trade uses the goods (AMEND_AFTER_USE): the trades keep their copies, so a change would make the
     * registry and the trades disagree on what was sold.
     */
    @Transaction()
    async AmendGoods(ctx: Context, goodsCode: string, amendmentJson: string, reason: string): Promise<string> {
        const code = parseArg(goodsCode, ID, 'goodsCode');
        const amendment = parseJson(amendmentJson, GOODS_AMENDMENT, 'amendment');
        const why = parseArg(reason, REASON, 'reason');
        const fields = amendedFields(amendment, 'amendment');
        const actor = await authorize(ctx, 'GoodsContract.AmendGoods');
        const goods = await this.#loadLive(ctx, code);
        assertOwns(actor, { vendor: goods.ownerId }, `goods ${code}`);
        const next = corrected<Goods>({ ...goods, ...amendment, filedBy: goods.filedBy }, why, actor.signature);
        if (next.priceRange.minUnitPrice > next.priceRange.maxUnitPrice) {
            throw invalid('amendment.priceRange.minUnitPrice is above maxUnitPrice');
        }
        const fixed = FIXED_ONCE_USED.filter((field) => next[field] !== goods[field]);
        if (fixed.length > 0 && (await anyUnder(ctx, IndexType.tradeByGoods, [code]))) {
            throw refused('AMEND_AFTER_USE', `goods ${code} is used by trades; ${fixed.join(' and ')} cannot change`);
        }
        await putRecord(ctx, recordKey(ctx, RecordType.goods, code), next);
        emit(ctx, 'GoodsAmended', { goodsCode: code, fields, amendments: next.amendments ?? 1, reason: why });
        return jsonResult(next);
    }

    /** Voids a goods entry (its owner, or the operator): no new or amended trade may use it (V03); old trades keep it. */
    @Transaction()
    async VoidGoods(ctx: Context, goodsCode: string, reason: string): Promise<string> {
        const code = parseArg(goodsCode, ID, 'goodsCode');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'GoodsContract.VoidGoods');
        const goods = await this.#loadLive(ctx, code);
        assertOwns(actor, { vendor: goods.ownerId }, `goods ${code}`);
        const next = corrected<Goods>({ ...goods, status: 'VOID' }, why, actor.signature);
        await putRecord(ctx, recordKey(ctx, RecordType.goods, code), next);
        emit(ctx, 'GoodsVoided', { goodsCode: code, amendments: next.amendments ?? 1, reason: why });
        return jsonResult(next);
    }

    async #loadLive(ctx: Context, code: string): Promise<Goods> {
        const goods = await loadGoods(ctx, code);
        if (goods.status === 'VOID') throw refused('ALREADY_VOID', `goods ${code} is void`);
        return goods;
    }

    @Transaction(false)
    async GetGoods(ctx: Context, goodsCode: string): Promise<string> {
        const id = parseArg(goodsCode, ID, 'goodsCode');
        await authorize(ctx, 'GoodsContract.GetGoods');
        return jsonResult(await loadGoods(ctx, id));
    }

    /**
     * Publishes a new negative-list version. Versions only grow and never start before the latest one,
     * so "as of date" answers never change for dates already past. Lifting entries = a new version without them.
     */
    @Transaction()
    async PublishNegativeList(ctx: Context, listJson: string): Promise<string> {
        const input = parseJson(listJson, NEGATIVE_LIST, 'list');
        input.entries.forEach((entry, index) => {
            if ((entry.hsPrefix === undefined) === (entry.goodsCode === undefined)) {
                throw invalid(`list.entries[${index}] needs exactly one of hsPrefix, goodsCode`);
            }
        });
        const actor = await authorize(ctx, 'GoodsContract.PublishNegativeList');
        const lists = await loadNegativeLists(ctx);
        const latest = latestVersion(lists);
        if (latest !== undefined && input.version <= latest.version) {
            throw conflict(`negative list version ${input.version} is not above the latest ${latest.version}`);
        }
        if (latest !== undefined && input.validFrom < latest.validFrom) {
            throw invalid(`list.validFrom ${input.validFrom} is before the latest version's ${latest.validFrom}`);
        }
        const list: NegativeList = { docType: 'negativeList', ...input, publishedBy: actor.signature };
        await putRecord(ctx, recordKey(ctx, RecordType.negativeList, versionId(list.version)), list);
        emit(ctx, 'NegativeListPublished', {
            version: list.version,
            validFrom: list.validFrom,
            entries: list.entries.length,
        });
        return jsonResult(list);
    }

    /** The version in force on `asOfDate`; `{ asOf, list: null }` when none was in force. */
    @Transaction(false)
    async GetNegativeList(ctx: Context, asOfDate: string): Promise<string> {
        const date = parseArg(asOfDate, DATE, 'asOfDate');
        await authorize(ctx, 'GoodsContract.GetNegativeList');
        const list = listInForce(await loadNegativeLists(ctx), date);
        return jsonResult({ asOf: date, list: list ?? null });
    }

    /**
     * Publishes a cluster's qualified supplier list for prepackaged food (V11), versioned like the negative list:
     * versions only grow and never start before the latest, so a past date's answer never changes. Every supplier
     * is a filed producer. Removing a supplier = a new version without it; an empty list admits no prepackaged food.
     */
    @Transaction()
    async PublishQualifiedSuppliers(ctx: Context, clusterId: string, listJson: string): Promise<string> {
        const cluster = parseArg(clusterId, ID, 'clusterId');
        const input = parseJson(listJson, QUALIFIED_SUPPLIERS, 'list');
        const ids = new Set<string>();
        input.suppliers.forEach((supplier, index) => {
            if (ids.has(supplier.partyId)) throw invalid(`list.suppliers[${index}] names ${supplier.partyId} twice`);
            ids.add(supplier.partyId);
        });
        const actor = await authorize(ctx, 'GoodsContract.PublishQualifiedSuppliers');
        await loadCluster(ctx, cluster);
        for (const partyId of ids) {
            const producer = await findParty(ctx, partyId);
            if (producer?.type !== 'PRODUCER') throw invalid(`supplier ${partyId} is not a filed producer`);
        }
        const latest = latestVersion(await loadQualifiedSupplierLists(ctx, cluster));
        if (latest !== undefined && input.version <= latest.version) {
            throw conflict(
                `qualified supplier list version ${input.version} is not above the latest ${latest.version}`,
            );
        }
        if (latest !== undefined && input.validFrom < latest.validFrom) {
            throw invalid(`list.validFrom ${input.validFrom} is before the latest version's ${latest.validFrom}`);
        }
        const list: QualifiedSupplierList = {
            docType: 'qualifiedSuppliers',
            clusterId: cluster,
            ...input,
            publishedBy: actor.signature,
        };
        await putRecord(ctx, qualifiedSuppliersKey(ctx, cluster, list.version), list);
        emit(ctx, 'QualifiedSuppliersPublished', {
            clusterId: cluster,
            version: list.version,
            validFrom: list.validFrom,
            suppliers: list.suppliers.length,
        });
        return jsonResult(list);
    }

    /** The cluster's qualified supplier list in force on `asOfDate`; `{ clusterId, asOf, list: null }` when none. */
    @Transaction(false)
    async GetQualifiedSuppliers(ctx: Context, clusterId: string, asOfDate: string): Promise<string> {
        const cluster = parseArg(clusterId, ID, 'clusterId');
        const date = parseArg(asOfDate, DATE, 'asOfDate');
        await authorize(ctx, 'GoodsContract.GetQualifiedSuppliers');
        await loadCluster(ctx, cluster);
        const list = listInForce(await loadQualifiedSupplierLists(ctx, cluster), date);
        return jsonResult({ clusterId: cluster, asOf: date, list: list ?? null });
    }
}

function latestVersion<L extends { readonly version: number }>(lists: readonly L[]): L | undefined {
    return lists.reduce<L | undefined>((a, b) => (a === undefined || b.version > a.version ? b : a), undefined);
}
