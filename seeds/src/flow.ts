import { toUsdCents } from '../../chaincode/src/rules/money';
import { CNY_USD_RATE, CONTAINER_OWNERS, CONTAINER_TYPES, USD_CNY, type CatalogItem } from './catalog';
import { addDays, compact, containerNo, declarationNo, pad, sha256Hex } from './ids';
import type {
    CustomsEventSeed,
    DeclarationSeed,
    Expectation,
    FraudCase,
    FxRateInput,
    OrderInput,
    PackingInput,
    TradeInput,
    TradeLineInput,
    TradeSeed,
} from './model';
import { DEMO, type Buyer, type Parties, type Vendor } from './parties';
import { at, must, type Rng } from './rng';
import type { SizeProfile } from './sizes';
import { fraudFlow, type FraudFlow } from './fraud/flow-cases';
import type { OtherCluster } from './clusters';

/**
 * Buyers' shipments through the 1039 chain: trades at the stalls → a consolidation order per shipment →
 * packing lists (sealed containers at the supervised site) → one declaration per shipment → customs events.
 * Also the trade-side fraud cases: F3 price outlier, V05 barred goods, a vendor registering another's
 * trade, F4 splitting under the cap, a declaration over the cap (V01), and one under it only at a rate of the
 * declarant's choosing (V31).
 */

export type ShipmentState = 'EXITED' | 'RELEASED' | 'ACCEPTED' | 'SUBMITTED' | 'REFUSED';

/** Customs' rates the demo publishes for its months (V31): declarations convert at these, never at their own. */
export const RATES: FxRateInput[] = [{ currency: 'CNY', rate: CNY_USD_RATE }];
export const SITE = 'YIWU-1039-CSP';
export const CAP_USD_CENTS = 15_000_000;
const HOME_OFFICE = '2920';

export interface Draft {
    tradeNo: string;
    tradeDate: string;
    readonly vendorId: string;
    readonly agentId: string;
    readonly buyerId: string;
    readonly currency: 'USD' | 'CNY';
    readonly agencyReceipt: boolean;
    readonly paymentTerms: TradeInput['paymentTerms'];
    readonly paymentChannel: TradeInput['paymentChannel'];
    readonly lines: TradeLineInput[];
    readonly registeredBy: string;
    expect?: Expectation;
}

export interface Shipment {
    readonly buyer: Buyer;
    readonly agentId: string;
    readonly drafts: Draft[];
    readonly state: ShipmentState;
    readonly inspected: boolean;
    orderCode: string;
    declNo: string;
    expect?: Expectation;
}

export interface Sailing {
    readonly shipments: Shipment[];
    readonly state: ShipmentState;
    readonly consolidatorId: string;
    readonly brokerId: string;
    readonly packDate: string;
    readonly exitDate?: string;
    readonly rail: boolean;
    /** All orders share one container (less-than-container-load grouping, or the F4 split). */
    readonly shareContainer: boolean;
    /** Where the goods are packed and declared: a cluster's supervised site and customs office. */
    readonly office: { readonly customsOffice: string; readonly site: string };
}

export interface Flow {
    readonly trades: TradeSeed[];
    readonly orders: OrderInput[];
    readonly packings: PackingInput[];
    readonly declarations: DeclarationSeed[];
    readonly events: CustomsEventSeed[];
    readonly shipments: Shipment[];
    /** Exit date per declaration number (exited ones only). */
    readonly exitDates: Map<string, string>;
    readonly fraudCases: FraudCase[];
    /** Trades the settlement's fraud cases build on, by role (fraud/flow-cases.ts). */
    readonly marked: ReadonlyMap<string, string>;
    /** Entries the negative list's next version adds (the F8 cases). */
    readonly newlyBarred: FraudFlow['newlyBarred'];
}

export interface FlowContext {
    readonly rng: Rng;
    readonly size: SizeProfile;
    readonly parties: Parties;
    readonly asOf: string;
    /** Further clusters (clusters.ts): their shipments are declared at their own customs office. */
    readonly otherClusters?: readonly OtherCluster[];
}

/** Splits `total` into `parts` positive random shares. */
function split(rng: Rng, total: number, parts: number): number[] {
    const weights = Array.from({ length: parts }, () => 0.5 + rng.next());
    const sum = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => Math.floor((total * w) / sum));
}

export function line(
    rng: Rng,
    lineNo: number,
    goods: { goodsCode: string; priceRange: { minUnitPrice: number; maxUnitPrice: number } },
    item: CatalogItem,
    currency: 'USD' | 'CNY',
    budgetUsdCents: number,
    usdPrice = rng.int(goods.priceRange.minUnitPrice, goods.priceRange.maxUnitPrice),
): TradeLineInput {
    const unitPrice = currency === 'CNY' ? Math.round(usdPrice * USD_CNY) : usdPrice;
    const cartons = Math.max(1, Math.floor(budgetUsdCents / (usdPrice * item.perCarton)));
    const qty = cartons * item.perCarton;
    return {
        lineId: `L${lineNo}`,
        goodsCode: goods.goodsCode,
        qty,
        unitPrice,
        amount: qty * unitPrice,
        cartons,
        grossWeightG: cartons * (item.cartonKg * 1000 + rng.int(-300, 300)),
    };
}

export function itemOf(ctx: FlowContext, goodsCode: string): CatalogItem {
    const it = ctx.parties.items.get(goodsCode);
    if (it === undefined) throw new Error(`no catalogue item for ${goodsCode}`);
    return it;
}

export function tradeDraft(
    ctx: FlowContext,
    vendor: Vendor,
    buyer: Buyer,
    agentId: string,
    budgetUsdCents: number,
    currency: 'USD' | 'CNY',
): Draft {
    const rng = ctx.rng;
    const goods = rng.sample(vendor.goods, rng.int(1, Math.min(3, vendor.goods.length)));
    const budgets = split(rng, budgetUsdCents, goods.length);
    const lines = goods.map((g, i) => line(rng, i + 1, g, itemOf(ctx, g.goodsCode), currency, budgets[i] ?? 0));
    return {
        tradeNo: '',
        tradeDate: '',
        vendorId: vendor.partyId,
        agentId,
        buyerId: buyer.partyId,
        currency,
        // the demo vendor collects its own proceeds, so its user sees receipts
        agencyReceipt: rng.chance(0.2) && vendor.partyId !== DEMO.vendor,
        paymentTerms: rng.weighted(['PREPAID', 'ON_DELIVERY', 'DEFERRED'] as const, (t) =>
            t === 'ON_DELIVERY' ? 5 : t === 'PREPAID' ? 3 : 2,
        ),
        paymentChannel: currency === 'CNY' ? 'CIPS' : rng.chance(0.05) ? 'PAYMENT_INSTITUTION' : 'BANK',
        lines,
        registeredBy: vendor.partyId === DEMO.vendor ? DEMO.vendor : agentId,
    };
}

export function shipment(
    ctx: FlowContext,
    buyer: Buyer,
    budgetUsd: number,
    tradeCount: number,
    options: { state: ShipmentState; usdOnly?: boolean; withDemoVendor?: boolean; vendors?: readonly Vendor[] },
): Shipment {
    const rng = ctx.rng;
    let vendors = rng.sample(options.vendors ?? ctx.parties.vendors, tradeCount);
    const demo = at(ctx.parties.vendors, 0);
    if (options.withDemoVendor === true && !vendors.includes(demo)) vendors = [demo, ...vendors.slice(1)];
    const budgets = split(rng, budgetUsd * 100, vendors.length);
    const drafts = vendors.map((v, i) => {
        const currency = options.usdOnly !== true && rng.chance(buyer.country.rmbShare) ? 'CNY' : 'USD';
        return tradeDraft(ctx, v, buyer, buyer.agentId, budgets[i] ?? 0, currency);
    });
    return {
        buyer,
        agentId: buyer.agentId,
        drafts,
        state: options.state,
        inspected: options.state === 'EXITED' && rng.chance(0.1),
        orderCode: '',
        declNo: '',
    };
}

export function sailing(
    ctx: FlowContext,
    shipments: Shipment[],
    state: ShipmentState,
    shareContainer: boolean,
    office?: Sailing['office'],
): Sailing {
    const rng = ctx.rng;
    // V32: customs dates are facts of the load: every declaration is filed (and released, and exits) on the
    // as-of day, the China business day the loader runs; only packing and trades lie before it.
    const exitDate = state === 'EXITED' ? ctx.asOf : undefined;
    const packDate = addDays(ctx.asOf, -rng.int(0, 2));
    for (const s of shipments) for (const d of s.drafts) d.tradeDate = addDays(packDate, -rng.int(2, 20));
    return {
        shipments,
        state,
        consolidatorId: rng.pick(ctx.parties.consolidators),
        brokerId: rng.pick(ctx.parties.brokers),
        packDate,
        ...(exitDate === undefined ? {} : { exitDate }),
        rail: shipments[0]?.buyer.country.rail === true && rng.chance(0.7),
        shareContainer,
        office: office ?? { customsOffice: HOME_OFFICE, site: SITE },
    };
}

/** Regular shipments, paired into shared containers when agent, destination and state agree. */
function regularSailings(ctx: FlowContext, buyers: readonly Buyer[]): Sailing[] {
    const rng = ctx.rng;
    const [minUsd, maxUsd] = ctx.size.shipmentUsd;
    const [minTrades, maxTrades] = ctx.size.tradesPerShipment;
    const shipments = Array.from({ length: ctx.size.shipments }, (_, i) => {
        const buyer = i < buyers.length ? at(buyers, i) : rng.pick(buyers);
        const state = rng.weighted(['EXITED', 'RELEASED', 'ACCEPTED'] as const, (s) => (s === 'EXITED' ? 14 : 3));
        return shipment(ctx, buyer, rng.int(minUsd, maxUsd), rng.int(minTrades, maxTrades), {
            state: i === 0 ? 'EXITED' : state,
            withDemoVendor: i % 3 === 0,
        });
    });
    const key = (s: Shipment): string => `${s.state}/${s.agentId}/${s.buyer.country.code}`;
    const sorted = [...shipments].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const sailings: Sailing[] = [];
    for (let i = 0; i < sorted.length; i++) {
        const a = at(sorted, i);
        const b = sorted[i + 1];
        const pair =
            b !== undefined &&
            b.state === a.state &&
            b.agentId === a.agentId &&
            b.buyer.country.code === a.buyer.country.code &&
            rng.chance(0.6);
        sailings.push(sailing(ctx, pair ? [a, b] : [a], a.state, pair));
        if (pair) i++;
    }
    return sailings;
}

const totalOf = (sh: Shipment): number =>
    sh.drafts.reduce((sum, d) => sum + d.lines.reduce((t, l) => t + l.amount, 0), 0);

export function usdValue(d: Draft): number {
    return d.lines.reduce((sum, l) => sum + toUsdCents(l.amount, d.currency, RATES), 0);
}

/** Adds cartons to the last line of the first trade until the shipment reaches `targetCents` (USD trades only). */
export function topUp(ctx: FlowContext, sh: Shipment, targetCents: number): void {
    const total = (): number => sh.drafts.reduce((sum, d) => sum + usdValue(d), 0);
    while (total() < targetCents) {
        const d = at(sh.drafts, 0);
        const index = d.lines.length - 1;
        const l = d.lines[index] as TradeLineInput;
        const item = itemOf(ctx, l.goodsCode);
        const cartons =
            (l.cartons ?? 0) + Math.max(1, Math.floor((targetCents - total()) / (l.unitPrice * item.perCarton)));
        const qty = cartons * item.perCarton;
        const perCartonG = Math.round((l.grossWeightG ?? 0) / Math.max(1, l.cartons ?? 1));
        d.lines[index] = { ...l, qty, amount: qty * l.unitPrice, cartons, grossWeightG: cartons * perCartonG };
    }
}

interface FraudSailings {
    readonly sailings: Sailing[];
    readonly split: Shipment[];
    readonly overCap: Shipment;
    /** V31: CNY goods worth USD 155,000+ at customs' rate, USD 15,500 at a tenth of it (the issue's cheat). */
    readonly wrongRate: Shipment;
}

/** V31: one CNY trade over the cap at customs' rate, which a declarant would value at a tenth of that rate. */
function wrongRateShipment(ctx: FlowContext, buyer: Buyer): Shipment {
    const target = ctx.rng.int(155_000, 165_000);
    const sh = shipment(ctx, buyer, target, 1, { state: 'REFUSED', usdOnly: true });
    const vendor = must(
        ctx.parties.vendors.find((v) => v.partyId === at(sh.drafts, 0).vendorId),
        'vendor of the wrong-rate trade',
    );
    sh.drafts.splice(0, 1, tradeDraft(ctx, vendor, buyer, buyer.agentId, target * 100, 'CNY'));
    topUp(ctx, sh, target * 100);
    return sh;
}

/** F4: one buyer's goods in one container declared as three near-cap declarations on one day; V01: one over the cap. */
function fraudSailings(ctx: FlowContext, buyers: readonly Buyer[]): FraudSailings {
    const rng = ctx.rng;
    const splitBuyer = buyers.find((b) => b.agentId === DEMO.agent) ?? at(buyers, 0);
    const split = [0, 1, 2].map(() => {
        const target = rng.int(138_000, 146_000);
        const sh = shipment(ctx, splitBuyer, target, ctx.size.splitTrades, { state: 'SUBMITTED', usdOnly: true });
        topUp(ctx, sh, target * 100);
        const total = sh.drafts.reduce((sum, d) => sum + usdValue(d), 0);
        if (total < CAP_USD_CENTS * 0.9 || total > CAP_USD_CENTS) throw new Error(`F4 shipment worth ${total} cents`);
        return sh;
    });
    const capBuyer = buyers.find((b) => b !== splitBuyer) ?? splitBuyer;
    const overTarget = rng.int(160_000, 172_000);
    const overCap = shipment(ctx, capBuyer, overTarget, ctx.size.splitTrades, { state: 'REFUSED', usdOnly: true });
    topUp(ctx, overCap, overTarget * 100);
    const wrongRate = wrongRateShipment(ctx, capBuyer);
    return {
        sailings: [
            sailing(ctx, split, 'SUBMITTED', true),
            sailing(ctx, [overCap], 'REFUSED', false),
            sailing(ctx, [wrongRate], 'REFUSED', false),
        ],
        split,
        overCap,
        wrongRate,
    };
}

interface LooseTrades {
    readonly f3: Draft;
    readonly v05: Draft;
    readonly own: Draft;
    /** V11: prepackaged food from a supplier not on the cluster's qualified list. */
    readonly v11: Draft;
}

/** A one-line trade of the demo vendor's prepackaged food (V11). */
function foodTrade(ctx: FlowContext, buyer: Buyer, goods: Parties['food']['qualified'], date: string): Draft {
    const vendor = must(
        ctx.parties.vendors.find((v) => v.partyId === goods.ownerId),
        'food vendor',
    );
    return {
        ...tradeDraft(ctx, vendor, buyer, buyer.agentId, 300_000, 'USD'),
        tradeDate: date,
        lines: [line(ctx.rng, 1, goods, itemOf(ctx, goods.goodsCode), 'USD', 300_000)],
    };
}

/**
 * Single trades that the chaincode refuses or flags: F3 outlier, V05 barred goods, another vendor's trade, V11 food
 * from a supplier not on the qualified list.
 */
function looseTrades(ctx: FlowContext, buyers: readonly Buyer[]): LooseTrades {
    const rng = ctx.rng;
    const buyer = at(buyers, 1);
    const date = addDays(ctx.asOf, -3);
    const outlierVendor = at(ctx.parties.vendors, 2);
    const g = outlierVendor.goods[0];
    if (g === undefined) throw new Error('vendor without goods');
    const f3: Draft = {
        ...tradeDraft(ctx, outlierVendor, buyer, buyer.agentId, 800_000, 'USD'),
        tradeDate: date,
        lines: [line(rng, 1, g, itemOf(ctx, g.goodsCode), 'USD', 1_500_000, g.priceRange.maxUnitPrice * 5)],
    };
    const barred = ctx.parties.barredGoods;
    const maskVendor = must(
        ctx.parties.vendors.find((v) => v.partyId === barred.ownerId),
        'mask vendor',
    );
    const v05: Draft = {
        ...tradeDraft(ctx, maskVendor, buyer, buyer.agentId, 1_000_000, 'USD'),
        tradeDate: date,
        lines: [line(rng, 1, barred, itemOf(ctx, barred.goodsCode), 'USD', 1_200_000)],
    };
    const other = at(ctx.parties.vendors, 1);
    const own: Draft = {
        ...tradeDraft(ctx, other, buyer, buyer.agentId, 600_000, 'USD'),
        tradeDate: date,
        registeredBy: DEMO.vendor,
    };
    const v11 = foodTrade(ctx, buyer, ctx.parties.food.unqualified, date);
    return { f3, v05, own, v11 };
}

/**
 * V11: the demo vendor's prepackaged food from the qualified supplier rides in the first exited shipment it is
 * part of (same buyer, agent and trade date as its other trade there), so it is declared and exported like any goods.
 */
function shipQualifiedFood(ctx: FlowContext, sailings: readonly Sailing[]): Draft {
    const sh = must(
        sailings
            .flatMap((s) => s.shipments)
            .find((s) => s.state === 'EXITED' && s.drafts.some((d) => d.vendorId === DEMO.vendor)),
        'an exited shipment of the demo vendor',
    );
    const food = foodTrade(ctx, sh.buyer, ctx.parties.food.qualified, at(sh.drafts, 0).tradeDate);
    sh.drafts.push(food);
    return food;
}

/** T-YYYYMMDD-NNNN, numbered per trade date in a stable order. */
function numberTrades(drafts: Draft[]): void {
    const order = drafts
        .map((d, i) => ({ d, i }))
        .sort((a, b) => (a.d.tradeDate === b.d.tradeDate ? a.i - b.i : a.d.tradeDate < b.d.tradeDate ? -1 : 1));
    const perDay = new Map<string, number>();
    for (const { d } of order) {
        const n = (perDay.get(d.tradeDate) ?? 0) + 1;
        perDay.set(d.tradeDate, n);
        d.tradeNo = `T-${compact(d.tradeDate)}-${pad(n, 4)}`;
    }
}

function toSeed(d: Draft): TradeSeed {
    const input: TradeInput = {
        tradeNo: d.tradeNo,
        vendorId: d.vendorId,
        agentId: d.agentId,
        buyerId: d.buyerId,
        tradeDate: d.tradeDate,
        currency: d.currency,
        agencyReceipt: d.agencyReceipt,
        paymentTerms: d.paymentTerms,
        paymentChannel: d.paymentChannel,
        lines: d.lines,
        documents: [sha256Hex(`order-sheet:${d.tradeNo}`), sha256Hex(`stall-receipt-photo:${d.tradeNo}`)],
    };
    return { input, registeredBy: d.registeredBy, ...(d.expect === undefined ? {} : { expect: d.expect }) };
}

class Counter {
    readonly #counts = new Map<string, number>();
    next(key: string): number {
        const n = (this.#counts.get(key) ?? 0) + 1;
        this.#counts.set(key, n);
        return n;
    }
}

function customsEvents(s: Sailing, declNo: string, inspected: boolean): CustomsEventSeed[] {
    const kinds: CustomsEventSeed['kind'][] = [];
    if (s.state === 'SUBMITTED' || s.state === 'REFUSED') return [];
    kinds.push('ACCEPT');
    if (s.state !== 'ACCEPTED') {
        if (inspected) kinds.push('ORDER_INSPECTION', 'INSPECTION_RESULT');
        kinds.push('RELEASE');
    }
    if (s.state === 'EXITED') kinds.push('EXIT');
    return kinds.map((kind, i) => ({
        declNo,
        seq: i + 1,
        kind,
        ...(kind === 'EXIT' && s.exitDate !== undefined ? { exitDate: s.exitDate } : {}),
        ...(kind === 'ORDER_INSPECTION' ? { reason: 'random physical inspection (risk profile: mixed goods)' } : {}),
        ...(kind === 'INSPECTION_RESULT' ? { reason: 'goods match the declaration' } : {}),
    }));
}

export interface Logistics {
    readonly orders: OrderInput[];
    readonly packings: PackingInput[];
    readonly declarations: DeclarationSeed[];
    readonly events: CustomsEventSeed[];
    readonly exitDates: Map<string, string>;
}

function packing(rng: Rng, s: Sailing, packingNo: string, orderCodes: string[]): PackingInput {
    const site = s.office.site;
    const owner = rng.pick(CONTAINER_OWNERS);
    const box = (codes: string[]): PackingInput['containers'][number] => {
        const type = rng.pick(CONTAINER_TYPES);
        return {
            containerNo: containerNo(rng, owner),
            type: type.type,
            sealNo: `${owner.slice(0, 2)}${rng.pattern('DDDDDDD')}`,
            tareKg: rng.int(type.tare[0], type.tare[1]),
            orderCodes: codes,
        };
    };
    return {
        packingNo,
        consolidatorId: s.consolidatorId,
        brokerId: s.brokerId,
        packDate: s.packDate,
        site,
        destCountry: s.shipments[0]?.buyer.country.code ?? 'AE',
        billOfLading: s.rail ? `YXE${rng.pattern('DDDDDDDD')}` : `${owner}NGB${rng.pattern('DDDDDDD')}`,
        containers: s.shareContainer ? [box(orderCodes)] : orderCodes.map((c) => box([c])),
    };
}

/** Orders, packing lists, declarations and customs events, numbered in date order. */
function logistics(rng: Rng, sailings: readonly Sailing[], filingDay: string): Logistics {
    const out: Logistics = { orders: [], packings: [], declarations: [], events: [], exitDates: new Map() };
    const counter = new Counter();
    const inOrder = [...sailings].sort((a, b) => (a.packDate < b.packDate ? -1 : a.packDate > b.packDate ? 1 : 0));
    for (const s of inOrder) {
        const day = compact(s.packDate);
        for (const sh of s.shipments) {
            sh.orderCode = `CO-${day}-${pad(counter.next(`CO${day}`), 3)}`;
            out.orders.push({
                orderCode: sh.orderCode,
                consolidatorId: s.consolidatorId,
                agentId: sh.agentId,
                destCountry: sh.buyer.country.code,
                site: s.office.site,
                truckPlate: `浙G${rng.pattern('LDDDD')}`,
                tradeNos: sh.drafts.map((d) => d.tradeNo),
            });
        }
        const packingNo = `PK-${day}-${pad(counter.next(`PK${day}`), 3)}`;
        const pk = packing(
            rng,
            s,
            packingNo,
            s.shipments.map((sh) => sh.orderCode),
        );
        out.packings.push(pk);
        for (const sh of s.shipments) {
            const year = filingDay.slice(0, 4);
            const office = s.office.customsOffice;
            sh.declNo = declarationNo(office, year, counter.next(`DECL${office}${year}`));
            const totalValueUsd = sh.drafts.reduce((sum, d) => sum + usdValue(d), 0);
            out.declarations.push({
                input: {
                    declNo: sh.declNo,
                    packingNo,
                    consignorId: sh.agentId,
                    brokerId: s.brokerId,
                    customsOffice: office,
                    exitPort: s.rail ? 'ALASHANKOU' : rng.chance(0.8) ? 'CNNGB' : 'CNSHA',
                    destCountry: sh.buyer.country.code,
                    tradeCountry: sh.buyer.country.code,
                    transportMode: s.rail ? 'RAIL' : 'SEA',
                    ...(pk.billOfLading === undefined ? {} : { billOfLading: pk.billOfLading }),
                    tradeNos: sh.drafts.map((d) => d.tradeNo),
                },
                filedBy: sh.agentId,
                totalValueUsd,
                ...(sh.expect === undefined ? {} : { expect: sh.expect }),
            });
            out.events.push(...customsEvents(s, sh.declNo, sh.inspected));
            if (s.exitDate !== undefined) out.exitDates.set(sh.declNo, s.exitDate);
        }
    }
    return out;
}

export function buildFlow(ctx: FlowContext): Flow {
    const buyers = ctx.parties.buyers;
    const regular = regularSailings(ctx, buyers);
    const fraud = fraudSailings(ctx, buyers);
    const food = shipQualifiedFood(ctx, regular);
    const loose = looseTrades(ctx, buyers);
    const more = fraudFlow(ctx, { line, itemOf, tradeDraft, shipment, sailing, topUp, usdValue });
    const sailings = [...regular, ...fraud.sailings, ...more.sailings];
    const drafts = [
        ...sailings.flatMap((s) => s.shipments.flatMap((sh) => sh.drafts)),
        loose.f3,
        loose.v05,
        loose.own,
        ...more.loose,
        loose.v11,
    ];
    numberTrades(drafts);
    loose.f3.expect = {
        outcome: 'FLAGGED',
        ruleId: 'F3',
        subjectType: 'trade',
        subjectId: loose.f3.tradeNo,
        status: 'FLAGGED',
    };
    loose.v05.expect = { outcome: 'REJECTED', code: 'RULE_V05' };
    loose.own.expect = { outcome: 'REJECTED', code: 'FORBIDDEN' };
    loose.v11.expect = { outcome: 'REJECTED', code: 'RULE_V11_SUPPLIER_NOT_QUALIFIED' };
    fraud.overCap.expect = { outcome: 'REJECTED', code: 'RULE_V01' };
    fraud.wrongRate.expect = { outcome: 'REJECTED', code: 'RULE_V01' };
    const lg = logistics(ctx.rng, sailings, ctx.asOf);
    // F4: the first near-cap declaration passes; each later one on the same day is flagged
    const [first, ...later] = fraud.split;
    for (const sh of later) {
        const decl = lg.declarations.find((d) => d.input.declNo === sh.declNo);
        if (decl !== undefined) {
            const expect: Expectation = {
                outcome: 'FLAGGED',
                ruleId: 'F4',
                subjectType: 'declaration',
                subjectId: sh.declNo,
            };
            lg.declarations[lg.declarations.indexOf(decl)] = { ...decl, expect };
        }
    }
    const fraudCases: FraudCase[] = [
        {
            caseId: 'FRAUD-F3-PRICE-OUTLIER',
            pattern: 'F3',
            caughtBy: 'flag F3 (unit price > max × 2); trade held FLAGGED',
            title: `unit price 5× the registry maximum on ${loose.f3.lines[0]?.goodsCode ?? '?'}: trade held FLAGGED`,
            records: [{ kind: 'trade', id: loose.f3.tradeNo }],
            expected: loose.f3.expect,
        },
        {
            caseId: 'FRAUD-V05-NEGATIVE-LIST',
            pattern: 'V05',
            caughtBy: 'RULE_V05 at trade registration',
            title: `face masks (HS ${ctx.parties.barredGoods.hsCode}) traded after the 2020-05-10 negative list`,
            records: [{ kind: 'trade', id: loose.v05.tradeNo }],
            expected: loose.v05.expect,
        },
        {
            caseId: 'FRAUD-V11-UNQUALIFIED-FOOD-SUPPLIER',
            pattern: 'V11',
            caughtBy: 'RULE_V11_SUPPLIER_NOT_QUALIFIED at trade registration',
            title: `prepackaged food ${ctx.parties.food.unqualified.goodsCode} from ${ctx.parties.food.unqualified.producerId}, not on the cluster's qualified supplier list (${food.tradeNo}, from a listed supplier, is exported)`,
            records: [
                { kind: 'trade', id: loose.v11.tradeNo },
                { kind: 'trade', id: food.tradeNo },
            ],
            expected: loose.v11.expect,
        },
        {
            caseId: 'FRAUD-OWN-OTHER-VENDORS-TRADE',
            pattern: 'OWN',
            caughtBy: 'FORBIDDEN (a vendor registers only its own trades)',
            title: `${DEMO.vendor} registers a trade in the name of ${loose.own.vendorId}`,
            records: [{ kind: 'trade', id: loose.own.tradeNo }],
            expected: loose.own.expect,
        },
        {
            caseId: 'FRAUD-F4-SPLITTING',
            pattern: 'F4',
            caughtBy: 'flag F4 (≥ 90 % of the cap, same buyer, same day)',
            title: `one buyer's container declared as three near-cap declarations on ${ctx.asOf}`,
            records: fraud.split.map((sh) => ({ kind: 'declaration', id: sh.declNo })),
            expected: {
                outcome: 'FLAGGED',
                ruleId: 'F4',
                subjectType: 'declaration',
                subjectId: later[0]?.declNo ?? first?.declNo ?? '',
            },
        },
        {
            caseId: 'FRAUD-V01-OVER-CAP',
            pattern: 'V01',
            caughtBy: 'RULE_V01',
            title: 'one declaration above the USD 150,000 cap',
            records: [{ kind: 'declaration', id: fraud.overCap.declNo }],
            expected: fraud.overCap.expect,
        },
        {
            caseId: 'FRAUD-V31-DECLARANT-RATE',
            pattern: 'V31',
            caughtBy: "V31 (declarations convert at customs' published rate), then RULE_V01",
            title:
                `CNY ${(totalOf(fraud.wrongRate) / 100).toFixed(2)}, under the cap only at a tenth of customs' ` +
                `rate ${CNY_USD_RATE}: measured at the published rate and refused (V01)`,
            records: [{ kind: 'declaration', id: fraud.wrongRate.declNo }],
            expected: fraud.wrongRate.expect,
        },
    ];
    fraudCases.push(...more.label(lg));
    const trades = [...drafts].sort((a, b) => (a.tradeNo < b.tradeNo ? -1 : 1)).map(toSeed);
    const shipments = sailings.flatMap((s) => s.shipments);
    return { trades, ...lg, shipments, fraudCases, marked: more.marked, newlyBarred: more.newlyBarred };
}
