import { ChaincodeError, invalid, ruleViolation } from '../lib/errors';
import { futureDate } from './dates';
import { negativeListHits } from './negative-list';
import { foodRefusalError, prepackagedFoodRefusals } from './prepackaged-food';
import { type PartyType } from '../vocabulary';
import {
    type AgencyAgreement,
    type Goods,
    type MarketCluster,
    type NegativeList,
    type Party,
    type QualifiedSupplierList,
} from '../model/records';

/** What a trade is checked against; loaded by the contract, so the rules stay pure. */
export interface TradeFacts {
    readonly vendor: Party | undefined;
    readonly agent: Party | undefined;
    readonly buyer: Party | undefined;
    readonly cluster: MarketCluster | undefined;
    readonly agreements: readonly AgencyAgreement[];
    readonly goods: ReadonlyMap<string, Goods>;
    readonly negativeList: NegativeList | undefined;
    /** V11: the vendor's cluster's qualified supplier list in force on the trade date. */
    readonly qualifiedSuppliers: QualifiedSupplierList | undefined;
    /** China business date of the transaction (YYYY-MM-DD). */
    readonly today: string;
}

export interface DraftLine {
    readonly lineId: string;
    readonly goodsCode: string;
    readonly qty: number;
    readonly unitPrice: number;
    readonly amount: number;
}

export interface TradeDraft {
    readonly tradeNo: string;
    readonly vendorId: string;
    readonly agentId: string;
    readonly buyerId: string;
    readonly tradeDate: string;
    readonly currency: string;
    readonly paymentChannel: string;
    readonly lines: readonly DraftLine[];
}

/** Unit prices beyond [min / FACTOR, max × FACTOR] of the registry range are outliers (F3). */
export const OUTLIER_FACTOR = 2;

/** The first violated rule, or null. Order: V32 and shape, V26, V07, V08, V02/V12, V10, V03, V05, V11. */
export function checkTrade(draft: TradeDraft, facts: TradeFacts): ChaincodeError | null {
    return (
        checkDraftAlone(draft, facts.today) ??
        checkParties(draft, facts) ??
        checkCluster(draft, facts) ??
        checkAgreement(draft, facts.agreements) ??
        checkGoods(draft, facts.goods) ??
        checkNegativeList(draft, facts) ??
        checkPrepackagedFood(draft, facts)
    );
}

/**
 * The rules a draft breaks on its own, before any ledger record is read (V32 and shape, V26): the gateway's console
 * runs them while a vendor types, so its messages are the ledger's.
 */
export function checkDraftAlone(draft: TradeDraft, today: string): ChaincodeError | null {
    return checkShape(draft, today) ?? checkCash(draft);
}

function checkShape(draft: TradeDraft, today: string): ChaincodeError | null {
    const future = futureDate(`trade ${draft.tradeNo}: tradeDate`, draft.tradeDate, today);
    if (future !== null) return future;
    const ids = new Set<string>();
    let total = 0;
    for (const line of draft.lines) {
        if (ids.has(line.lineId)) return invalid(`trade ${draft.tradeNo}: lineId ${line.lineId} appears twice`);
        ids.add(line.lineId);
        if (line.qty * line.unitPrice !== line.amount) {
            return invalid(`trade ${draft.tradeNo} line ${line.lineId}: amount ${line.amount} is not qty × unitPrice`);
        }
        total += line.amount;
    }
    if (!Number.isSafeInteger(total)) return invalid(`trade ${draft.tradeNo}: total amount is too large`);
    return null;
}

function checkCash(draft: TradeDraft): ChaincodeError | null {
    return draft.paymentChannel === 'CASH'
        ? ruleViolation('V26', `trade ${draft.tradeNo} is settled in cash, which mode 1039 excludes`)
        : null;
}

function partyProblem(party: Party | undefined, id: string, type: PartyType): string | null {
    if (party === undefined) return `${type.toLowerCase()} ${id} is not filed`;
    if (party.type !== type) return `${id} is a ${party.type}, not a ${type}`;
    if (party.status !== 'ACTIVE') return `${type.toLowerCase()} ${id} is ${party.status}, not ACTIVE`;
    return null;
}

function checkParties(draft: TradeDraft, facts: TradeFacts): ChaincodeError | null {
    const problem =
        partyProblem(facts.vendor, draft.vendorId, 'MERCHANT') ??
        partyProblem(facts.agent, draft.agentId, 'AGENT') ??
        partyProblem(facts.buyer, draft.buyerId, 'BUYER');
    if (problem !== null) return ruleViolation('V07', `trade ${draft.tradeNo}: ${problem}`);
    const buyer = facts.buyer;
    if (buyer?.nationality === undefined || buyer.idType === undefined || buyer.idNumberHash === undefined) {
        return ruleViolation('V08', `trade ${draft.tradeNo}: buyer ${draft.buyerId} lacks nationality or ID document`);
    }
    return null;
}

function checkCluster(draft: TradeDraft, facts: TradeFacts): ChaincodeError | null {
    const cluster = facts.cluster;
    const stall = facts.vendor?.stallNo;
    if (cluster === undefined || stall === undefined || !cluster.streets.some((s) => s.stalls.includes(stall))) {
        return ruleViolation(
            'V02',
            `trade ${draft.tradeNo}: vendor ${draft.vendorId} has no stall in a recognised cluster`,
        );
    }
    if (draft.tradeDate < cluster.acceptanceDate) {
        return ruleViolation(
            'V12',
            `trade ${draft.tradeNo}: cluster ${cluster.clusterId} platform accepted only on ${cluster.acceptanceDate}`,
        );
    }
    return null;
}

/** V10: a signed (not terminated) agency agreement merchant↔agent covers `date` (YYYY-MM-DD). */
export function agreementInForce(
    agreements: readonly AgencyAgreement[],
    merchantId: string,
    agentId: string | null,
    date: string,
): boolean {
    return agreements.some(
        (a) =>
            a.status === 'SIGNED' &&
            a.merchantId === merchantId &&
            a.agentId === agentId &&
            a.validFrom <= date &&
            date <= a.validTo,
    );
}

/**
 * V10 at filing: the agent exports under an agreement in force, so one terminated or expired since the trade was
 * registered no longer lets it declare the trade. `RULE_V10:` naming the trade, or null.
 */
export function declarationAgreementViolation(
    trade: { readonly tradeNo: string; readonly vendorId: string; readonly agentId: string | null },
    agreements: readonly AgencyAgreement[],
    filingDay: string,
): ChaincodeError | null {
    if (agreementInForce(agreements, trade.vendorId, trade.agentId, filingDay)) return null;
    return ruleViolation(
        'V10',
        `trade ${trade.tradeNo}: no agency agreement ${trade.vendorId}↔${trade.agentId ?? '?'} in force on ${filingDay} ` +
            `(terminated or expired since the trade was registered)`,
    );
}

function checkAgreement(draft: TradeDraft, agreements: readonly AgencyAgreement[]): ChaincodeError | null {
    const valid = agreementInForce(agreements, draft.vendorId, draft.agentId, draft.tradeDate);
    return valid
        ? null
        : ruleViolation(
              'V10',
              `trade ${draft.tradeNo}: no signed agency agreement ${draft.vendorId}↔${draft.agentId} on ${draft.tradeDate}`,
          );
}

/** V03: every line's goods are registered, not void, and the vendor's own (the console checks a line against the read model). */
export function checkGoods(
    draft: Pick<TradeDraft, 'tradeNo' | 'vendorId' | 'lines'>,
    registry: ReadonlyMap<string, Pick<Goods, 'ownerId' | 'status'>>,
): ChaincodeError | null {
    for (const line of draft.lines) {
        const goods = registry.get(line.goodsCode);
        if (goods === undefined)
            return ruleViolation('V03', `trade ${draft.tradeNo}: goods ${line.goodsCode} is not registered`);
        if (goods.status === 'VOID')
            return ruleViolation('V03', `trade ${draft.tradeNo}: goods ${line.goodsCode} is void in the registry`);
        if (goods.ownerId !== draft.vendorId) {
            return ruleViolation(
                'V03',
                `trade ${draft.tradeNo}: goods ${line.goodsCode} is not registered to vendor ${draft.vendorId}`,
            );
        }
    }
    return null;
}

function checkNegativeList(draft: TradeDraft, facts: TradeFacts): ChaincodeError | null {
    const items = draft.lines.flatMap((line) => {
        const goods = facts.goods.get(line.goodsCode);
        return goods === undefined ? [] : [{ goodsCode: line.goodsCode, hsCode: goods.hsCode, lineId: line.lineId }];
    });
    const hit = negativeListHits(facts.negativeList, items)[0];
    if (hit === undefined) return null;
    return ruleViolation(
        'V05',
        `trade ${draft.tradeNo} line ${hit.item.lineId}: ${hit.by === 'HS' ? `HS ${hit.item.hsCode}` : `goods ${hit.item.goodsCode}`} is on negative list v${facts.negativeList?.version ?? 0} (${hit.entry.reason})`,
    );
}

function checkPrepackagedFood(draft: TradeDraft, facts: TradeFacts): ChaincodeError | null {
    const clusterId = facts.cluster?.clusterId ?? '';
    const lines = draft.lines.flatMap((line) => {
        const goods = facts.goods.get(line.goodsCode);
        return goods === undefined ? [] : [{ where: `trade ${draft.tradeNo} line ${line.lineId}`, goods, clusterId }];
    });
    const refusal = prepackagedFoodRefusals(lines, () => facts.qualifiedSuppliers)[0];
    return refusal === undefined ? null : foodRefusalError(refusal);
}

export interface PriceOutlier {
    readonly lineId: string;
    readonly goodsCode: string;
    readonly unitPrice: number;
    readonly currency: string;
    readonly minUnitPrice: number;
    readonly maxUnitPrice: number;
}

/** F3: lines whose unit price is far outside the registry's range (same currency only). */
export function priceOutliers(draft: TradeDraft, goods: ReadonlyMap<string, Goods>): PriceOutlier[] {
    const outliers: PriceOutlier[] = [];
    for (const line of draft.lines) {
        const range = goods.get(line.goodsCode)?.priceRange;
        if (range?.currency !== draft.currency) continue;
        if (
            line.unitPrice * OUTLIER_FACTOR < range.minUnitPrice ||
            line.unitPrice > range.maxUnitPrice * OUTLIER_FACTOR
        ) {
            outliers.push({
                lineId: line.lineId,
                goodsCode: line.goodsCode,
                unitPrice: line.unitPrice,
                currency: draft.currency,
                minUnitPrice: range.minUnitPrice,
                maxUnitPrice: range.maxUnitPrice,
            });
        }
    }
    return outliers;
}
