import { LATER_BARRED_ITEMS, type CatalogItem } from '../catalog';
import { addDays } from '../ids';
import type { Expectation, FraudCase, GoodsInput } from '../model';
import type { Buyer, Vendor } from '../parties';
import { DEMO } from '../parties';
import { at, must } from '../rng';
import type {
    Draft,
    FlowContext,
    Logistics,
    Sailing,
    Shipment,
    ShipmentState,
    line as lineFn,
    itemOf as itemOfFn,
    tradeDraft as tradeDraftFn,
    shipment as shipmentFn,
    sailing as sailingFn,
    topUp as topUpFn,
    usdValue as usdValueFn,
} from '../flow';

/**
 * Trade- and declaration-side fraud cases beyond the first labelled set (flow.ts), and their near-misses, built with
 * the flow's own helpers (passed in, so this module has no runtime dependency on flow.ts):
 *
 * - F3 under-invoicing (a unit price below half the registry minimum) and its near-miss (prices on both edges of the
 *   band, which pass);
 * - F4 splitting by one consignor across two buyers, and its near-miss (one declaration just under the cap);
 * - F6 non-market goods: a vendor selling goods registered to another stall, and goods nobody registered (V03);
 * - F7 branded goods sold by a vendor the brand's registration does not name (V03);
 * - F8 goods barred by a later negative-list version hidden among merged chapter lines (V05 at filing), once by goods
 *   code (a recalled batch) and once by HS code;
 * - F1's fictitious trade (registered, never consolidated or exported) that settlement's receipt case pays;
 * - V02: the second cluster's goods declared at the home customs office, beside a regular shipment declared at its own.
 */

export interface FlowKit {
    readonly line: typeof lineFn;
    readonly itemOf: typeof itemOfFn;
    readonly tradeDraft: typeof tradeDraftFn;
    readonly shipment: typeof shipmentFn;
    readonly sailing: typeof sailingFn;
    readonly topUp: typeof topUpFn;
    readonly usdValue: typeof usdValueFn;
}

export interface FraudFlow {
    readonly sailings: Sailing[];
    /** Trades outside any shipment. */
    readonly loose: Draft[];
    /** Trades settlement's cases build on, by role. */
    readonly marked: Map<string, string>;
    /** Goods the negative list's next version bars (F8), with why. */
    readonly newlyBarred: { readonly goodsCode?: string; readonly hsPrefix?: string; readonly reason: string }[];
    /** After numbering and logistics: labels the records and returns the cases. */
    label(lg: Logistics): FraudCase[];
}

const CAP_CENTS = 15_000_000;

function vendorAt(ctx: FlowContext, index: number): Vendor {
    const vendors = ctx.parties.vendors.filter((v) => v.partyId !== DEMO.vendor);
    return at(vendors, index % vendors.length);
}

/** Another registry entry beside a vendor's goods code: same owner prefix, another serial. */
const sibling = (goodsCode: string, serial: string): string => goodsCode.replace(/-\d{2}$/, `-${serial}`);

function registerGoods(ctx: FlowContext, goods: GoodsInput, item: CatalogItem): GoodsInput {
    ctx.parties.goods.push(goods);
    ctx.parties.items.set(goods.goodsCode, item);
    return goods;
}

function tradeExpect(d: Draft, expect: Expectation): void {
    d.expect = expect;
}

function labelDeclaration(lg: Logistics, declNo: string, expect: Expectation): void {
    const index = lg.declarations.findIndex((d) => d.input.declNo === declNo);
    const decl = must(lg.declarations[index], `declaration ${declNo}`);
    lg.declarations[index] = { ...decl, expect };
}

/** F3: under-invoicing, and the near-miss on both edges of the band. */
function priceCases(ctx: FlowContext, kit: FlowKit, buyer: Buyer): { under: Draft; edge: Draft } {
    const date = addDays(ctx.asOf, -4);
    const vendor = vendorAt(ctx, 3);
    const g = at(vendor.goods, 0);
    const low = Math.max(1, Math.floor(g.priceRange.minUnitPrice / 3));
    const under: Draft = {
        ...kit.tradeDraft(ctx, vendor, buyer, buyer.agentId, 500_000, 'USD'),
        tradeDate: date,
        lines: [kit.line(ctx.rng, 1, g, kit.itemOf(ctx, g.goodsCode), 'USD', 400_000, low)],
    };
    const edgeVendor = vendorAt(ctx, 4);
    const [g1, g2] = [at(edgeVendor.goods, 0), at(edgeVendor.goods, 1)];
    const edge: Draft = {
        ...kit.tradeDraft(ctx, edgeVendor, buyer, buyer.agentId, 500_000, 'USD'),
        tradeDate: date,
        lines: [
            kit.line(ctx.rng, 1, g1, kit.itemOf(ctx, g1.goodsCode), 'USD', 300_000, g1.priceRange.maxUnitPrice * 2),
            kit.line(
                ctx.rng,
                2,
                g2,
                kit.itemOf(ctx, g2.goodsCode),
                'USD',
                300_000,
                Math.ceil(g2.priceRange.minUnitPrice / 2),
            ),
        ],
    };
    return { under, edge };
}

/** F6 and F7: goods the vendor's stall does not sell under the registry (V03). */
function registryCases(
    ctx: FlowContext,
    kit: FlowKit,
    buyer: Buyer,
): { other: Draft; unregistered: Draft; brand: Draft } {
    const date = addDays(ctx.asOf, -4);
    const factory = vendorAt(ctx, 5);
    const seller = vendorAt(ctx, 6);
    const foreign = at(factory.goods, 0);
    const other: Draft = {
        ...kit.tradeDraft(ctx, seller, buyer, buyer.agentId, 400_000, 'USD'),
        tradeDate: date,
        lines: [kit.line(ctx.rng, 1, foreign, kit.itemOf(ctx, foreign.goodsCode), 'USD', 400_000)],
    };
    const own = at(seller.goods, 0);
    const ghost = { ...own, goodsCode: sibling(own.goodsCode, '77') };
    const unregistered: Draft = {
        ...kit.tradeDraft(ctx, seller, buyer, buyer.agentId, 400_000, 'USD'),
        tradeDate: date,
        lines: [kit.line(ctx.rng, 1, ghost, kit.itemOf(ctx, own.goodsCode), 'USD', 300_000)],
    };
    // the brand's authorised distributor registers the branded line; another toy stall sells it
    const distributor = vendorAt(ctx, 7);
    const template = at(distributor.goods, 0);
    const branded = registerGoods(
        ctx,
        {
            ...template,
            goodsCode: sibling(template.goodsCode, '97'),
            ownerSku: `BR-${ctx.rng.pattern('DDDD')}`,
            nameEn: `${template.nameEn} (Starbrick licensed)`,
            nameCn: `${template.nameCn}（星砖授权）`,
            brand: 'Starbrick',
        },
        kit.itemOf(ctx, template.goodsCode),
    );
    const counterfeiter = vendorAt(ctx, 8);
    const brand: Draft = {
        ...kit.tradeDraft(ctx, counterfeiter, buyer, buyer.agentId, 400_000, 'USD'),
        tradeDate: date,
        lines: [kit.line(ctx.rng, 1, branded, kit.itemOf(ctx, branded.goodsCode), 'USD', 400_000)],
    };
    return { other, unregistered, brand };
}

/** One vendor per category, so a shipment of them declares more than five kinds and merges the rest by chapter. */
function oneVendorPerCategory(ctx: FlowContext, exclude: ReadonlySet<string>): Vendor[] {
    const seen = new Set<string>();
    return ctx.parties.vendors.filter((v) => {
        if (exclude.has(v.partyId) || v.partyId === DEMO.vendor || seen.has(v.category.key)) return false;
        seen.add(v.category.key);
        return true;
    });
}

/** F8: a shipment of many kinds with one small trade of goods a later list version bars. */
function barredInMergedLines(
    ctx: FlowContext,
    kit: FlowKit,
    buyer: Buyer,
    barredOwner: Vendor,
    barred: GoodsInput,
): { shipment: Shipment; barredTrade: Draft } {
    const vendors = oneVendorPerCategory(ctx, new Set([barredOwner.partyId])).slice(0, 7);
    const sh = kit.shipment(ctx, buyer, 60_000, vendors.length, { state: 'REFUSED', usdOnly: true, vendors });
    const barredTrade: Draft = {
        ...kit.tradeDraft(ctx, barredOwner, buyer, buyer.agentId, 40_000, 'USD'),
        lines: [kit.line(ctx.rng, 1, barred, kit.itemOf(ctx, barred.goodsCode), 'USD', 40_000)],
    };
    sh.drafts.push(barredTrade);
    return { shipment: sh, barredTrade };
}

/** Buyers by their agent, in buyer order. */
function buyersByAgent(buyers: readonly Buyer[]): Map<string, Buyer[]> {
    const map = new Map<string, Buyer[]>();
    for (const b of buyers) map.set(b.agentId, [...(map.get(b.agentId) ?? []), b]);
    return map;
}

function nearCap(ctx: FlowContext, kit: FlowKit, buyer: Buyer, targetUsd: number, state: ShipmentState): Shipment {
    const sh = kit.shipment(ctx, buyer, targetUsd, ctx.size.splitTrades, { state, usdOnly: true });
    kit.topUp(ctx, sh, targetUsd * 100);
    const total = sh.drafts.reduce((sum, d) => sum + kit.usdValue(d), 0);
    if (total < CAP_CENTS * 0.9 || total > CAP_CENTS) throw new Error(`near-cap shipment worth ${total} cents`);
    return sh;
}

interface Declared {
    readonly splitA: Shipment;
    readonly splitB: Shipment;
    readonly justUnder: Shipment;
    readonly recalled: { shipment: Shipment; barredTrade: Draft };
    readonly newHs: { shipment: Shipment; barredTrade: Draft };
    readonly crossCluster?: Shipment;
    readonly homeOfSecond?: Shipment;
}

function declarationCases(
    ctx: FlowContext,
    kit: FlowKit,
    newlyBarred: FraudFlow['newlyBarred'],
): {
    sailings: Sailing[];
    declared: Declared;
} {
    const byAgent = buyersByAgent(ctx.parties.buyers);
    const agents = [...byAgent.keys()].filter((a) => a !== DEMO.agent).sort();
    // F4 by one consignor for two buyers; the near-miss by a consignor and buyer with nothing else near the cap
    const splitAgent = must(
        agents.find((a) => (byAgent.get(a)?.length ?? 0) >= 2),
        'an agent with two buyers',
    );
    const [buyerA, buyerB] = [at(byAgent.get(splitAgent) ?? [], 0), at(byAgent.get(splitAgent) ?? [], 1)];
    const quietAgent = must(
        agents.find((a) => a !== splitAgent),
        'a third agent',
    );
    const quietBuyer = at(byAgent.get(quietAgent) ?? [], 0);
    const splitA = nearCap(ctx, kit, buyerA, ctx.rng.int(137_000, 141_000), 'SUBMITTED');
    const splitB = nearCap(ctx, kit, buyerB, ctx.rng.int(137_000, 141_000), 'SUBMITTED');
    // topping up goes by whole cartons (at most about USD 4,400 each), so aim that far below the cap
    const justUnder = nearCap(ctx, kit, quietBuyer, 145_000, 'SUBMITTED');
    // F8: a recalled batch (by goods code) and a newly barred HS code
    const recalledOwner = vendorAt(ctx, 9);
    const template = at(recalledOwner.goods, 0);
    const recalledGoods = registerGoods(
        ctx,
        {
            ...template,
            goodsCode: sibling(template.goodsCode, '96'),
            ownerSku: `RC-${ctx.rng.pattern('DDDD')}`,
            nameEn: `${template.nameEn} (batch later recalled)`,
            nameCn: `${template.nameCn}（召回批次）`,
        },
        kit.itemOf(ctx, template.goodsCode),
    );
    newlyBarred.push({
        goodsCode: recalledGoods.goodsCode,
        reason: 'batch recalled after failing safety tests: barred from mode 1039',
    });
    const powerBank = at(LATER_BARRED_ITEMS, 0);
    const electrical = ctx.parties.vendors.find((v) => v.category.key === 'electrical' && v.partyId !== DEMO.vendor);
    const bankOwner = electrical ?? vendorAt(ctx, 10);
    const newGoods = registerGoods(
        ctx,
        {
            goodsCode: sibling(at(bankOwner.goods, 0).goodsCode, '95'),
            ownerId: bankOwner.partyId,
            ownerSku: `PB-${ctx.rng.pattern('DDDD')}`,
            nameCn: powerBank.nameCn,
            nameEn: powerBank.nameEn,
            hsCode: powerBank.hs,
            unit: powerBank.unit,
            producerId: at(bankOwner.goods, 0).producerId,
            priceRange: { currency: 'USD', minUnitPrice: powerBank.minCents, maxUnitPrice: powerBank.maxCents },
        },
        powerBank,
    );
    newlyBarred.push({
        hsPrefix: powerBank.hs.slice(0, 8),
        reason: 'lithium power banks barred from mode 1039 (illustrative listing)',
    });
    const f8Buyers = [at(ctx.parties.buyers, 4), at(ctx.parties.buyers, 5)];
    const recalled = barredInMergedLines(ctx, kit, at(f8Buyers, 0), recalledOwner, recalledGoods);
    const newHs = barredInMergedLines(ctx, kit, at(f8Buyers, 1), bankOwner, newGoods);
    const sailings = [
        kit.sailing(ctx, [splitA, splitB], 'SUBMITTED', false),
        kit.sailing(ctx, [justUnder], 'SUBMITTED', false),
        kit.sailing(ctx, [recalled.shipment], 'REFUSED', false),
        kit.sailing(ctx, [newHs.shipment], 'REFUSED', false),
    ];
    // bought before the new list version is in force, so the trades pass; the declaration comes after it
    const listFrom = addDays(ctx.asOf, -2);
    for (const d of [...recalled.shipment.drafts, ...newHs.shipment.drafts]) {
        if (d.tradeDate >= listFrom) d.tradeDate = addDays(listFrom, -2);
    }
    const other = ctx.otherClusters?.[0];
    if (other === undefined) return { sailings, declared: { splitA, splitB, justUnder, recalled, newHs } };
    const secondBuyer = at(ctx.parties.buyers, 6);
    const homeOfSecond = kit.shipment(ctx, secondBuyer, 30_000, 2, { state: 'EXITED', vendors: other.vendors });
    const crossCluster = kit.shipment(ctx, at(ctx.parties.buyers, 7), 20_000, 2, {
        state: 'REFUSED',
        vendors: other.vendors,
    });
    sailings.push(
        kit.sailing(ctx, [homeOfSecond], 'EXITED', false, other.office),
        kit.sailing(ctx, [crossCluster], 'REFUSED', false, {
            customsOffice: ctx.parties.cluster.customsOffice,
            site: other.office.site,
        }),
    );
    return { sailings, declared: { splitA, splitB, justUnder, recalled, newHs, crossCluster, homeOfSecond } };
}

/** A USD-only shipment's value in cents. */
const usdCents = (sh: Shipment): number =>
    sh.drafts.reduce((sum, d) => sum + d.lines.reduce((a, l) => a + l.amount, 0), 0);

function declarationLabels(ctx: FlowContext, lg: Logistics, d: Declared): FraudCase[] {
    const f4: Expectation = {
        outcome: 'FLAGGED',
        ruleId: 'F4',
        subjectType: 'declaration',
        subjectId: d.splitB.declNo,
    };
    labelDeclaration(lg, d.splitB.declNo, f4);
    const under: Expectation = {
        outcome: 'ACCEPTED',
        unflagged: { ruleId: 'F4', subjectType: 'declaration', subjectId: d.justUnder.declNo },
    };
    labelDeclaration(lg, d.justUnder.declNo, under);
    const v05: Expectation = { outcome: 'REJECTED', code: 'RULE_V05' };
    labelDeclaration(lg, d.recalled.shipment.declNo, v05);
    labelDeclaration(lg, d.newHs.shipment.declNo, v05);
    const cases: FraudCase[] = [
        {
            caseId: 'FRAUD-F4-ONE-CONSIGNOR-TWO-BUYERS',
            pattern: 'F4',
            title: `${d.splitA.agentId} declares for ${d.splitA.buyer.partyId} and ${d.splitB.buyer.partyId} on one day, each near the cap`,
            caughtBy: 'flag F4 (≥ 90 % of the cap, same consignor, same day)',
            records: [d.splitA, d.splitB].map((sh) => ({ kind: 'declaration', id: sh.declNo })),
            expected: f4,
        },
        {
            caseId: 'NEAR-V01-JUST-UNDER-CAP',
            pattern: 'V01',
            nearMiss: true,
            title: `one declaration of USD ${(usdCents(d.justUnder) / 100).toFixed(2)} by ${d.justUnder.agentId}, nothing else near the cap that day`,
            caughtBy: 'RULE_V01 and flag F4 stay silent',
            records: [{ kind: 'declaration', id: d.justUnder.declNo }],
            expected: { ...under, customsCheck: { verdict: 'PASS' } },
        },
        {
            caseId: 'FRAUD-F8-RECALLED-BATCH-MERGED',
            pattern: 'F8',
            title: `a recalled batch (${d.recalled.barredTrade.lines[0]?.goodsCode ?? '?'}, barred by goods code from ${addDays(ctx.asOf, -2)}) among ${d.recalled.shipment.drafts.length} trades of many kinds, bought before the listing`,
            caughtBy: 'RULE_V05 at filing (negative list as of the declaration date)',
            records: [{ kind: 'declaration', id: d.recalled.shipment.declNo }],
            expected: v05,
        },
        {
            caseId: 'FRAUD-F8-BARRED-HS-MERGED',
            pattern: 'F8',
            title: `lithium power banks (HS ${at(LATER_BARRED_ITEMS, 0).hs}, barred from ${addDays(ctx.asOf, -2)}) hidden in a merged chapter line`,
            caughtBy: 'RULE_V05 at filing (negative list as of the declaration date)',
            records: [{ kind: 'declaration', id: d.newHs.shipment.declNo }],
            expected: v05,
        },
    ];
    if (d.crossCluster !== undefined && d.homeOfSecond !== undefined) {
        const v02: Expectation = { outcome: 'REJECTED', code: 'RULE_V02' };
        labelDeclaration(lg, d.crossCluster.declNo, v02);
        cases.push({
            caseId: 'FRAUD-V02-CROSS-CLUSTER',
            pattern: 'V02',
            title: `goods bought in ${d.crossCluster.drafts[0]?.vendorId ?? '?'}'s cluster declared at the home customs office ${ctx.parties.cluster.customsOffice}`,
            caughtBy: 'RULE_V02 (declared at the customs office of the cluster of purchase)',
            records: [{ kind: 'declaration', id: d.crossCluster.declNo }],
            expected: v02,
        });
    }
    return cases;
}

export function fraudFlow(ctx: FlowContext, kit: FlowKit): FraudFlow {
    const buyer = at(ctx.parties.buyers, 2);
    const prices = priceCases(ctx, kit, buyer);
    const registry = registryCases(ctx, kit, buyer);
    const fictitious: Draft = {
        ...kit.tradeDraft(
            ctx,
            vendorAt(ctx, 11),
            at(ctx.parties.buyers, 3),
            at(ctx.parties.buyers, 3).agentId,
            900_000,
            'USD',
        ),
        tradeDate: ctx.asOf,
        agencyReceipt: false,
    };
    const newlyBarred: FraudFlow['newlyBarred'] = [];
    const { sailings, declared } = declarationCases(ctx, kit, newlyBarred);
    const marked = new Map<string, string>();
    return {
        sailings,
        loose: [prices.under, prices.edge, registry.other, registry.unregistered, registry.brand, fictitious],
        marked,
        newlyBarred,
        label(lg: Logistics): FraudCase[] {
            marked.set('F1-unexported', fictitious.tradeNo);
            const v03: Expectation = { outcome: 'REJECTED', code: 'RULE_V03' };
            const under: Expectation = {
                outcome: 'FLAGGED',
                ruleId: 'F3',
                subjectType: 'trade',
                subjectId: prices.under.tradeNo,
                status: 'FLAGGED',
            };
            const edge: Expectation = {
                outcome: 'ACCEPTED',
                unflagged: { ruleId: 'F3', subjectType: 'trade', subjectId: prices.edge.tradeNo },
                status: 'CONFIRMED',
            };
            tradeExpect(prices.under, under);
            tradeExpect(prices.edge, edge);
            for (const d of [registry.other, registry.unregistered, registry.brand]) tradeExpect(d, v03);
            tradeExpect(fictitious, { outcome: 'ACCEPTED', status: 'CONFIRMED' });
            const goodsOf = (d: Draft): string => d.lines[0]?.goodsCode ?? '?';
            return [
                {
                    caseId: 'FRAUD-F3-UNDER-INVOICING',
                    pattern: 'F3',
                    title: `unit price a third of the registry minimum on ${goodsOf(prices.under)}: trade held FLAGGED`,
                    caughtBy: 'flag F3 (unit price < min / 2)',
                    records: [{ kind: 'trade', id: prices.under.tradeNo }],
                    expected: under,
                },
                {
                    caseId: 'NEAR-F3-PRICES-ON-THE-BAND-EDGES',
                    pattern: 'F3',
                    nearMiss: true,
                    title: `unit prices of exactly max × 2 and ⌈min / 2⌉ on ${prices.edge.tradeNo}: inside the band`,
                    caughtBy: 'flag F3 stays silent; the trade is CONFIRMED',
                    records: [{ kind: 'trade', id: prices.edge.tradeNo }],
                    expected: edge,
                },
                {
                    caseId: 'FRAUD-F6-GOODS-OF-ANOTHER-STALL',
                    pattern: 'F6',
                    title: `${registry.other.vendorId} sells ${goodsOf(registry.other)}, registered to another vendor (factory goods, no sale at this stall)`,
                    caughtBy: 'RULE_V03 (goods not registered to the selling vendor)',
                    records: [{ kind: 'trade', id: registry.other.tradeNo }],
                    expected: v03,
                },
                {
                    caseId: 'FRAUD-F6-UNREGISTERED-GOODS',
                    pattern: 'F6',
                    title: `${registry.unregistered.vendorId} sells ${goodsOf(registry.unregistered)}, which no stall registered`,
                    caughtBy: 'RULE_V03 (goods not in the registry)',
                    records: [{ kind: 'trade', id: registry.unregistered.tradeNo }],
                    expected: v03,
                },
                {
                    caseId: 'FRAUD-F7-BRAND-NOT-AUTHORISED',
                    pattern: 'F7',
                    title: `${registry.brand.vendorId} sells branded ${goodsOf(registry.brand)} ("Starbrick"), registered only to the brand's distributor`,
                    caughtBy: 'RULE_V03 (the branded registration names another vendor)',
                    records: [{ kind: 'trade', id: registry.brand.tradeNo }],
                    expected: v03,
                },
                ...declarationLabels(ctx, lg, declared),
            ];
        },
    };
}
