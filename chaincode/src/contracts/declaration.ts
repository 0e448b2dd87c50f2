import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize, type Actor } from '../lib/auth';
import { ChaincodeError, conflict, precondition, ruleViolation } from '../lib/errors';
import { LISTS, listPage } from '../lib/lists';
import { txBusinessDate, txTime } from '../lib/identity';
import {
    COUNTRY,
    DATE,
    HS_CODE,
    ID,
    NAME,
    PAGE_SIZE,
    arrayOf,
    bool,
    int,
    object,
    oneOf,
    optional,
    parseArg,
    parseJson,
    str,
    text,
    DECL_NO,
} from '../lib/validate';
import { VALUE_CAP_USD_CENTS, buildDeclaration, type BuilderLine } from '../rules/declaration-builder';
import { filingDate } from '../rules/dates';
import { linkFiledLines } from '../rules/filed-lines';
import { listInForce, negativeListHits } from '../rules/negative-list';
import { declarationRates, monthOf, ratesInForce } from '../rules/rates';
import { declarationAgreementViolation } from '../rules/trade-rules';
import { RecordType } from '../vocabulary';
import { IndexType, recordKey, declarationKey } from '../model/keys';
import { lastAttribute, scanAll } from '../store/scan';
import { putIndex, exists, getRecord, putRecord } from '../store/records';
import {
    loadActiveParty,
    loadCluster,
    loadDeclaration,
    loadExchangeRates,
    loadTrade,
    loadNegativeLists,
    loadPacking,
} from '../store/loaders';
import {
    type Declaration,
    type DeclarationLine,
    type FxRate,
    type PurchaserRemark,
    type QualifiedSupplierList,
    type Trade,
} from '../model/records';
import { raise } from '../store/risk-flags';
import { emit } from '../store/events';
import { jsonResult } from '../lib/canonical';
import { without } from '../lib/objects';
import { Facts, builderLinesOf } from '../facts/facts';
import { foodRefusalError, prepackagedFoodRefusals, type FoodLine } from '../rules/prepackaged-food';
import { banksRelyingOnDeclaration } from '../facts/bank-visibility';
import { requireDeclarationEndorsement } from '../store/endorsement';

const FILED_LINE = object({
    gNo: int({ min: 1, max: 999 }),
    hsCode: HS_CODE,
    name: NAME,
    qty: int({ min: 0 }),
    unit: text(16),
    valueUsd: int({ min: 0 }),
    mergedChapter: optional(str({ pattern: /^\d{2}$/, max: 2, hint: 'must be a 2-digit HS chapter' })),
    isItemised: bool,
    sources: arrayOf(object({ tradeNo: ID, lineId: ID, amount: int({ min: 1 }) }), { min: 1, max: 5000 }),
});

const COMMON = {
    packingNo: ID,
    consignorId: ID,
    brokerId: ID,
    customsOffice: ID,
    exitPort: ID,
    /** V32: the filing day; omitted, it is the transaction's China business date. */
    declDate: optional(DATE),
    destCountry: COUNTRY,
    tradeCountry: COUNTRY,
    transportMode: oneOf(['SEA', 'ROAD', 'RAIL', 'AIR'] as const),
    billOfLading: optional(ID),
    tradeNos: arrayOf(ID, { min: 1, max: 500 }),
};
const PREVIEW = object({ ...COMMON, lines: optional(arrayOf(FILED_LINE, { min: 1, max: 999 })) });
const DECLARATION = object({ declNo: DECL_NO, ...COMMON, lines: optional(arrayOf(FILED_LINE, { min: 1, max: 999 })) });
type PreviewInput = ReturnType<typeof PREVIEW>;

/** F4: a declaration within this share of the cap, with another such on the same day, is flagged. */
export const NEAR_CAP_SHARE = 0.9;

export interface Violation {
    readonly code: string;
    readonly message: string;
}

interface Prepared {
    readonly declDate: string;
    /** V31: the customs rates of the declDate month the values were converted at, and their version. */
    readonly rates: FxRate[];
    readonly ratesVersion: number | undefined;
    readonly trades: Trade[];
    readonly builderLines: BuilderLine[];
    readonly lines: DeclarationLine[];
    readonly totalValueUsd: number;
    readonly simplified: boolean;
    readonly remarkPurchaser: PurchaserRemark;
    readonly violations: ChaincodeError[];
}

function asViolation(error: ChaincodeError): Violation {
    return { code: error.code, message: error.message };
}

/** V31: the declaration's lines at customs' rates for the declDate month, never at rates the declarant chooses. */
async function atCustomsRates(
    ctx: Context,
    declDate: string,
    builderLines: readonly BuilderLine[],
    filed: PreviewInput['lines'],
): Promise<Pick<Prepared, 'rates' | 'ratesVersion' | 'lines' | 'simplified'>> {
    const month = monthOf(declDate);
    const published = ratesInForce(await loadExchangeRates(ctx, month), txTime(ctx));
    const rates = declarationRates(
        published,
        month,
        builderLines.map((line) => line.currency),
    );
    const built = buildDeclaration(builderLines, rates);
    return {
        rates,
        ratesVersion: rates.length === 0 ? undefined : published?.version,
        lines: filed === undefined ? built.lines : linkFiledLines(filed, builderLines, rates),
        simplified: built.simplified,
    };
}

/** V10 on the filing day: each trade's vendor↔agent agreement must still be in force (not terminated, not expired). */
async function agreementViolations(ctx: Context, trades: readonly Trade[], today: string): Promise<ChaincodeError[]> {
    const facts = new Facts(ctx);
    const out: ChaincodeError[] = [];
    for (const trade of trades) {
        const agreements = await facts.agreements(trade.vendorId, trade.agentId);
        const violation = declarationAgreementViolation(trade, agreements, today);
        if (violation !== null) out.push(violation);
    }
    return out;
}

/** Builds (or links the filed) simplified declaration; trades must be PACKED in the packing list, one buyer, one consignor. */
@Info({ title: 'DeclarationContract', description: 'Simplified declarations (mode 1039)' })
export class DeclarationContract extends Contract {
    constructor() {
        super('DeclarationContract');
    }

    /** Builds the declaration without writing: lines, total, and the violations filing would meet. */
    @Transaction(false)
    async PreviewDeclaration(ctx: Context, previewJson: string): Promise<string> {
        const input = parseJson(previewJson, PREVIEW, 'declaration');
        const actor = await authorize(ctx, 'DeclarationContract.PreviewDeclaration');
        const prepared = await this.#prepare(ctx, actor, input);
        return jsonResult({
            lines: prepared.lines,
            rates: prepared.rates,
            ratesVersion: prepared.ratesVersion ?? null,
            totalValueUsd: prepared.totalValueUsd,
            simplified: prepared.simplified,
            withinCap: prepared.totalValueUsd <= VALUE_CAP_USD_CENTS,
            remarkPurchaser: prepared.remarkPurchaser,
            violations: prepared.violations.map(asViolation),
        });
    }

    @Transaction()
    async FileDeclaration(ctx: Context, declarationJson: string): Promise<string> {
        const input = parseJson(declarationJson, DECLARATION, 'declaration');
        const actor = await authorize(ctx, 'DeclarationContract.FileDeclaration');
        const key = declarationKey(ctx, input.declNo);
        if (await exists(ctx, key)) throw conflict(`declaration ${input.declNo} already exists`);
        const prepared = await this.#prepare(ctx, actor, input);
        const first = prepared.violations[0];
        if (first !== undefined) throw first;
        const header = without(input, 'lines');
        const declaration: Declaration = {
            docType: 'declaration',
            ...header,
            declDate: prepared.declDate,
            rates: prepared.rates,
            ...(prepared.ratesVersion === undefined ? {} : { ratesVersion: prepared.ratesVersion }),
            totalValueUsd: prepared.totalValueUsd,
            simplified: prepared.simplified,
            lines: prepared.lines,
            remarkPurchaser: prepared.remarkPurchaser,
            status: 'SUBMITTED',
            customsEvents: 0,
            filedBy: actor.signature,
            updatedBy: actor.signature,
        };
        await putRecord(ctx, key, declaration);
        await requireDeclarationEndorsement(ctx, key);
        for (const trade of prepared.trades) {
            const declared: Trade = { ...trade, status: 'DECLARED', declNo: input.declNo, updatedBy: actor.signature };
            await putRecord(ctx, recordKey(ctx, RecordType.trade, trade.tradeNo), declared);
        }
        const buyerId = declaration.remarkPurchaser.buyerId;
        const flags = await this.#splitting(ctx, actor, declaration);
        await putIndex(ctx, IndexType.declarationByDate, [declaration.declDate, declaration.declNo]);
        await putIndex(ctx, IndexType.declarationByConsignor, [
            declaration.consignorId,
            declaration.declDate,
            declaration.declNo,
        ]);
        await putIndex(ctx, IndexType.declarationByBuyer, [buyerId, declaration.declDate, declaration.declNo]);
        emit(ctx, 'DeclarationFiled', {
            declNo: declaration.declNo,
            tradeNos: declaration.tradeNos,
            totalValueUsd: declaration.totalValueUsd,
            riskFlags: flags,
        });
        return jsonResult(declaration);
    }

    async #prepare(ctx: Context, actor: Actor, input: PreviewInput): Promise<Prepared> {
        assertOwns(
            actor,
            { agent: input.consignorId, broker: input.brokerId },
            `a declaration of ${input.consignorId}`,
        );
        await loadActiveParty(ctx, input.consignorId, ['AGENT']);
        await loadActiveParty(ctx, input.brokerId, ['BROKER']);
        const packing = await loadPacking(ctx, input.packingNo);
        // a packing list the caller may not read is answered like a missing one, before anything names its parties
        assertSees(actor, { agent: packing.agentId, broker: packing.brokerId }, `packing list ${packing.packingNo}`);
        if (packing.brokerId !== input.brokerId)
            throw precondition(`packing list ${packing.packingNo} names broker ${packing.brokerId}`);
        if (packing.agentId !== input.consignorId) {
            throw ruleViolation(
                'V13',
                `the consignor must be the agent ${packing.agentId} of packing list ${packing.packingNo}`,
            );
        }
        const trades = await this.#loadTrades(ctx, input, packing.tradeNos);
        const today = txBusinessDate(ctx);
        const declDate = input.declDate ?? today;
        const violations: ChaincodeError[] = [];
        const backOrForwardDated = filingDate(declDate, today);
        if (backOrForwardDated !== null) violations.push(backOrForwardDated);
        violations.push(...(await this.#customsOffice(ctx, input.customsOffice, trades)));
        const remarkPurchaser = await this.#purchaser(ctx, trades);
        const builderLines = await builderLinesOf(ctx, trades);
        const { rates, ratesVersion, lines, simplified } = await atCustomsRates(
            ctx,
            declDate,
            builderLines,
            input.lines,
        );
        const totalValueUsd = lines.reduce((sum, line) => sum + line.valueUsd, 0);
        if (totalValueUsd > VALUE_CAP_USD_CENTS) {
            const usd = (totalValueUsd / 100).toFixed(2);
            violations.push(ruleViolation('V01', `total USD ${usd} is above the USD 150,000 cap`));
        }
        // V05 × V32: a declaration dated the day before its filing must pass the list in force on the filing day too.
        const lists = await loadNegativeLists(ctx);
        for (const list of new Set([listInForce(lists, declDate), listInForce(lists, today)])) {
            for (const hit of negativeListHits(list, builderLines)) {
                const where = `${hit.item.tradeNo}/${hit.item.lineId} (HS ${hit.item.hsCode})`;
                violations.push(ruleViolation('V05', `${where} is on negative list v${list?.version ?? 0}`));
            }
        }
        violations.push(...(await prepackagedFoodViolations(ctx, trades, [...new Set([declDate, today])])));
        violations.push(...(await agreementViolations(ctx, trades, today)));
        return {
            declDate,
            rates,
            ratesVersion,
            trades,
            builderLines,
            lines,
            totalValueUsd,
            simplified,
            remarkPurchaser,
            violations,
        };
    }

    async #loadTrades(ctx: Context, input: PreviewInput, packed: readonly string[]): Promise<Trade[]> {
        if (new Set(input.tradeNos).size !== input.tradeNos.length)
            throw ruleViolation('V18', 'a trade is listed twice');
        const trades: Trade[] = [];
        for (const tradeNo of input.tradeNos) {
            if (!packed.includes(tradeNo))
                throw precondition(`trade ${tradeNo} is not in packing list ${input.packingNo}`);
            const trade = await loadTrade(ctx, tradeNo);
            if (trade.declNo !== undefined)
                throw conflict(`trade ${tradeNo} is already in declaration ${trade.declNo} (V18)`);
            if (trade.status !== 'PACKED') throw precondition(`trade ${tradeNo} is ${trade.status}, not PACKED`);
            if (trade.agentId !== input.consignorId)
                throw ruleViolation('V13', `trade ${tradeNo} has agent ${trade.agentId}, not the consignor`);
            trades.push(trade);
        }
        return trades;
    }

    /** V02: goods are declared at the customs office of the cluster where they were bought. */
    async #customsOffice(ctx: Context, customsOffice: string, trades: readonly Trade[]): Promise<ChaincodeError[]> {
        const violations: ChaincodeError[] = [];
        for (const clusterId of new Set(trades.map((t) => t.clusterId))) {
            const cluster = await loadCluster(ctx, clusterId);
            if (cluster.customsOffice !== customsOffice) {
                violations.push(
                    ruleViolation(
                        'V02',
                        `goods bought in cluster ${clusterId} are declared at its customs office ${cluster.customsOffice}, not ${customsOffice}`,
                    ),
                );
            }
        }
        return violations;
    }

    /** V13/V08: one purchaser per declaration; the remark carries the filed buyer's name, nationality and ID hash. */
    async #purchaser(ctx: Context, trades: readonly Trade[]): Promise<PurchaserRemark> {
        const buyers = [...new Set(trades.map((t) => t.buyerId))];
        const buyerId = buyers[0];
        if (buyerId === undefined || buyers.length > 1) {
            throw ruleViolation('V13', `a declaration names one purchaser; these trades have ${buyers.join(', ')}`);
        }
        const buyer = await loadActiveParty(ctx, buyerId, ['BUYER']);
        if (buyer.nationality === undefined || buyer.idType === undefined || buyer.idNumberHash === undefined) {
            throw ruleViolation('V08', `buyer ${buyerId} lacks nationality or ID document`);
        }
        return {
            buyerId,
            name: buyer.nameEn ?? buyer.legalName,
            nationality: buyer.nationality,
            idType: buyer.idType,
            idNumberHash: buyer.idNumberHash,
        };
    }

    /** F4: near-cap declarations by the same consignor or buyer on the same day. */
    async #splitting(ctx: Context, actor: Actor, declaration: Declaration): Promise<string[]> {
        const threshold = Math.floor(VALUE_CAP_USD_CENTS * NEAR_CAP_SHARE);
        if (declaration.totalValueUsd < threshold) return [];
        const entries = [
            ...(await scanAll(ctx, IndexType.declarationByConsignor, [declaration.consignorId, declaration.declDate])),
            ...(await scanAll(ctx, IndexType.declarationByBuyer, [
                declaration.remarkPurchaser.buyerId,
                declaration.declDate,
            ])),
        ];
        const others = new Set<string>();
        for (const declNo of new Set(entries.map(lastAttribute))) {
            const other = await getRecord<Declaration>(ctx, declarationKey(ctx, declNo), 'declaration');
            if (
                other !== undefined &&
                other.totalValueUsd >= threshold &&
                !['RETURNED', 'WITHDRAWN'].includes(other.status)
            )
                others.add(declNo);
        }
        if (others.size === 0) return [];
        const flag = await raise(
            ctx,
            {
                subjectType: 'declaration',
                subjectId: declaration.declNo,
                ruleId: 'F4',
                severity: 'HIGH',
                evidence: {
                    sameDayNearCap: [...others].sort(),
                    thresholdUsdCents: threshold,
                    declDate: declaration.declDate,
                },
            },
            actor.signature,
        );
        return flag === null ? [] : [flag.flagId];
    }

    @Transaction(false)
    async GetDeclaration(ctx: Context, declNo: string): Promise<string> {
        const id = parseArg(declNo, DECL_NO, 'declNo');
        const actor = await authorize(ctx, 'DeclarationContract.GetDeclaration');
        const declaration = await loadDeclaration(ctx, id);
        const bank = await banksRelyingOnDeclaration(ctx, actor, declaration);
        assertSees(actor, { agent: declaration.consignorId, broker: declaration.brokerId, bank }, `declaration ${id}`);
        return jsonResult(declaration);
    }

    @Transaction(false)
    async ListDeclarationsByDate(ctx: Context, declDate: string, pageSize: string, bookmark: string): Promise<string> {
        const date = parseArg(declDate, DATE, 'declDate');
        const size = parseJson(pageSize, PAGE_SIZE, 'pageSize');
        const actor = await authorize(ctx, 'DeclarationContract.ListDeclarationsByDate');
        const list = LISTS['DeclarationContract.ListDeclarationsByDate'];
        const page = await listPage(ctx, actor, list, [date], size, bookmark, (entry) =>
            loadDeclaration(ctx, lastAttribute(entry)),
        );
        return jsonResult({ items: page.items, bookmark: page.bookmark });
    }
}

/**
 * V11 × V32: prepackaged food on the declared trades must come from a supplier on its cluster's qualified list in force
 * on the declaration date, and on the filing day when the declaration is dated the day before.
 */
async function prepackagedFoodViolations(
    ctx: Context,
    trades: readonly Trade[],
    dates: readonly string[],
): Promise<ChaincodeError[]> {
    const facts = new Facts(ctx);
    const lines: FoodLine[] = [];
    for (const trade of trades) {
        for (const line of trade.lines) {
            const goods = await facts.goods(line.goodsCode);
            if (goods !== undefined)
                lines.push({ where: `${trade.tradeNo}/${line.lineId}`, goods, clusterId: trade.clusterId });
        }
    }
    const violations: ChaincodeError[] = [];
    for (const date of dates) {
        const lists = new Map<string, QualifiedSupplierList | undefined>();
        for (const clusterId of new Set(trades.map((t) => t.clusterId)))
            lists.set(clusterId, await facts.qualifiedSuppliers(clusterId, date));
        for (const refusal of prepackagedFoodRefusals(lines, (clusterId) => lists.get(clusterId)))
            violations.push(foodRefusalError({ ...refusal, message: `${refusal.message} on ${date}` }));
    }
    return violations;
}

export { DECL_NO };
