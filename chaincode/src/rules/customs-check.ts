import { summariseTrade, tradeSettlementStatus } from './allocation';
import { VALUE_CAP_USD_CENTS, buildDeclaration, type BuilderLine, type BuiltDeclaration } from './declaration-builder';
import { LINE_VALUE_TOLERANCE } from './filed-lines';
import { negativeListHits } from './negative-list';
import { declarationRates, monthOf } from './rates';
import { ChaincodeError } from '../lib/errors';
import { type PartyType } from '../vocabulary';
import {
    type ConsolidationOrder,
    type Declaration,
    type ExchangeRates,
    type FxRate,
    type Goods,
    type MarketCluster,
    type NegativeList,
    type PackingList,
    type Party,
    type RiskFlag,
    type Trade,
} from '../model/records';

export type CheckResult = 'PASS' | 'REFER' | 'FAIL';

/** INFO reasons explain a PASS (CU-08) and never change a check's result. */
export type Severity = 'INFO' | Exclude<CheckResult, 'PASS'>;

export interface Reason {
    readonly code: string;
    readonly severity: Severity;
    readonly message: string;
}

export interface Check {
    readonly id: string;
    readonly name: string;
    readonly result: CheckResult;
    readonly reasons: Reason[];
}

export interface CheckReport {
    readonly declNo: string;
    readonly verdict: CheckResult;
    readonly negativeListVersion: number | null;
    readonly checks: Check[];
    /** CU-08 figures: amounts only, never which bank or receipt. */
    readonly settlement: SettlementStatus;
}

/** CU-08 per trade: value and what banks allocated to it, in the trade's currency (minor units). */
export interface TradeSettlementFigures {
    readonly tradeNo: string;
    readonly currency: string;
    readonly valueMinor: number;
    readonly allocatedMinor: number;
    readonly allocationCount: number;
    /** Allocated ≥ value − 5 % (the V25 tolerance). */
    readonly settled: boolean;
}

export interface SettlementStatus {
    readonly trades: TradeSettlementFigures[];
    /** Days since exit while any trade is unsettled; null when all are settled or the goods have not exited. */
    readonly unsettledDays: number | null;
}

/** Days after exit before unsettled receipts are referred (CU-08). */
export const SETTLEMENT_REFER_DAYS = 90;

/** Everything the customs check reads, loaded by the contract (so the check itself is pure). */
export interface CheckSnapshot {
    readonly declaration: Declaration;
    readonly trades: ReadonlyMap<string, Trade | undefined>;
    readonly parties: ReadonlyMap<string, Party | undefined>;
    readonly goods: ReadonlyMap<string, Goods | undefined>;
    readonly clusters: ReadonlyMap<string, MarketCluster | undefined>;
    readonly orders: ReadonlyMap<string, ConsolidationOrder | undefined>;
    readonly packing: PackingList | undefined;
    readonly negativeList: NegativeList | undefined;
    /** V31: customs' rates of the declDate month in force when the declaration was filed. */
    readonly customsRates: ExchangeRates | undefined;
    /** Current trade lines of the declared trades, as the builder takes them. */
    readonly builderLines: readonly BuilderLine[];
    readonly openFlags: readonly RiskFlag[];
    /** Per declared trade, the trade-currency amounts of its allocations (range sum of its allocation keys). */
    readonly allocations: ReadonlyMap<string, readonly number[]>;
    /** Date of the check (transaction time, YYYY-MM-DD). */
    readonly asOf: string;
}

/** Every reason code the check can give, for docs and tests. */
export const REASON_CODES = [
    'CU01_OVER_CAP',
    'CU01_OVER_CAP_AT_CUSTOMS_RATES',
    'CU01_TOTAL_MISMATCH',
    'CU02_TRADE_MISSING',
    'CU02_TRADE_NOT_CONFIRMED',
    'CU02_PARTY_NOT_FILED',
    'CU02_PARTY_REVOKED',
    'CU02_PARTY_SUSPENDED',
    'CU02_STALL_NOT_IN_CLUSTER',
    'CU02_GOODS_NOT_REGISTERED',
    'CU02_PRODUCER_NOT_ACTIVE',
    'CU03_NEGATIVE_LIST',
    'CU04_RECOMPUTE_FAILED',
    'CU04_RATE_NOT_PUBLISHED',
    'CU04_RATE_NOT_CUSTOMS',
    'CU04_LINE_COUNT',
    'CU04_HS_MISMATCH',
    'CU04_ITEMISATION_MISMATCH',
    'CU04_VALUE_MISMATCH',
    'CU04_VALUE_ROUNDING',
    'CU04_SOURCES_MISMATCH',
    'CU05_PACKING_MISSING',
    'CU05_TRADE_NOT_IN_PACKING',
    'CU05_ORDER_MISMATCH',
    'CU05_ORDER_NOT_IN_CONTAINER',
    'CU05_TRADE_IN_OTHER_DECLARATION',
    'CU05_LINE_LINK_MISMATCH',
    'CU06_BUYER_MISMATCH',
    'CU06_BUYER_NOT_FILED',
    'CU06_REMARK_MISMATCH',
    'CU07_UNTRACEABLE_LINE',
    'CU07_OPEN_RISK_FLAGS',
    'CU08_SETTLED',
    'CU08_AWAITING_RECEIPTS',
    'CU08_UNSETTLED_90_DAYS',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

const fail = (code: ReasonCode, message: string): Reason => ({ code, severity: 'FAIL', message });
const refer = (code: ReasonCode, message: string): Reason => ({ code, severity: 'REFER', message });
const info = (code: ReasonCode, message: string): Reason => ({ code, severity: 'INFO', message });

function check(id: string, name: string, reasons: Reason[]): Check {
    const result: CheckResult = reasons.some((r) => r.severity === 'FAIL')
        ? 'FAIL'
        : reasons.some((r) => r.severity === 'REFER')
          ? 'REFER'
          : 'PASS';
    return { id, name, result, reasons };
}

/** The declaration rebuilt from its trade lines at customs' rates (V31), or why it cannot be. */
type Rebuilt = { readonly built: BuiltDeclaration; readonly rates: FxRate[] } | { readonly failure: Reason };

function rebuild(s: CheckSnapshot): Rebuilt {
    const month = monthOf(s.declaration.declDate);
    let rates: FxRate[];
    try {
        rates = declarationRates(
            s.customsRates,
            month,
            s.builderLines.map((line) => line.currency),
        );
    } catch (error) {
        const message = error instanceof ChaincodeError ? error.message : String(error);
        return { failure: fail('CU04_RATE_NOT_PUBLISHED', message) };
    }
    try {
        return { built: buildDeclaration(s.builderLines, rates), rates };
    } catch (error) {
        return { failure: fail('CU04_RECOMPUTE_FAILED', error instanceof Error ? error.message : String(error)) };
    }
}

function valueCap(s: CheckSnapshot, rebuilt: Rebuilt): Reason[] {
    const d = s.declaration;
    const reasons: Reason[] = [];
    if (d.totalValueUsd > VALUE_CAP_USD_CENTS)
        reasons.push(fail('CU01_OVER_CAP', `total ${d.totalValueUsd} cents > cap`));
    else if ('built' in rebuilt && rebuilt.built.totalValueUsd > VALUE_CAP_USD_CENTS) {
        const usd = (rebuilt.built.totalValueUsd / 100).toFixed(2);
        reasons.push(fail('CU01_OVER_CAP_AT_CUSTOMS_RATES', `total USD ${usd} at customs' rates is above the cap`));
    }
    const sum = d.lines.reduce((total, line) => total + line.valueUsd, 0);
    if (sum !== d.totalValueUsd)
        reasons.push(fail('CU01_TOTAL_MISMATCH', `lines sum to ${sum}, total says ${d.totalValueUsd}`));
    return reasons;
}

function partyReasons(s: CheckSnapshot, id: string, type: PartyType, what: string): Reason[] {
    const party = s.parties.get(id);
    if (party?.type !== type) return [fail('CU02_PARTY_NOT_FILED', `${what} ${id} is not a filed ${type}`)];
    if (party.status === 'REVOKED') return [fail('CU02_PARTY_REVOKED', `${what} ${id} is REVOKED`)];
    if (party.status !== 'ACTIVE') return [refer('CU02_PARTY_SUSPENDED', `${what} ${id} is ${party.status}`)];
    return [];
}

function tradeProvenance(s: CheckSnapshot, trade: Trade): Reason[] {
    const reasons = [
        ...partyReasons(s, trade.vendorId, 'MERCHANT', `trade ${trade.tradeNo} vendor`),
        ...partyReasons(s, trade.agentId, 'AGENT', `trade ${trade.tradeNo} agent`),
        ...partyReasons(s, trade.buyerId, 'BUYER', `trade ${trade.tradeNo} buyer`),
    ];
    if (['CANCELLED', 'FLAGGED', 'CONFIRMED'].includes(trade.status)) {
        reasons.push(fail('CU02_TRADE_NOT_CONFIRMED', `trade ${trade.tradeNo} is ${trade.status}`));
    }
    const cluster = s.clusters.get(trade.clusterId);
    if (cluster?.streets.some((street) => street.stalls.includes(trade.stallNo)) !== true) {
        reasons.push(fail('CU02_STALL_NOT_IN_CLUSTER', `stall ${trade.stallNo} is not in cluster ${trade.clusterId}`));
    }
    for (const line of trade.lines) {
        const goods = s.goods.get(line.goodsCode);
        if (goods?.ownerId !== trade.vendorId) {
            reasons.push(
                fail('CU02_GOODS_NOT_REGISTERED', `goods ${line.goodsCode} is not registered to ${trade.vendorId}`),
            );
            continue;
        }
        const producer = s.parties.get(goods.producerId);
        if (producer?.type !== 'PRODUCER' || producer.status !== 'ACTIVE') {
            reasons.push(
                fail('CU02_PRODUCER_NOT_ACTIVE', `producer ${goods.producerId} of ${goods.goodsCode} is not active`),
            );
        }
    }
    return reasons;
}

function provenance(s: CheckSnapshot): Reason[] {
    return s.declaration.tradeNos.flatMap((tradeNo) => {
        const trade = s.trades.get(tradeNo);
        return trade === undefined
            ? [fail('CU02_TRADE_MISSING', `trade ${tradeNo} does not exist`)]
            : tradeProvenance(s, trade);
    });
}

function negativeList(s: CheckSnapshot): Reason[] {
    const declared = s.declaration.lines.map((line) => ({
        goodsCode: '',
        hsCode: line.hsCode,
        ref: `line ${line.gNo}`,
    }));
    const sources = s.builderLines.map((line) => ({ ...line, ref: `${line.tradeNo}/${line.lineId}` }));
    return negativeListHits(s.negativeList, [...declared, ...sources]).map((hit) =>
        fail('CU03_NEGATIVE_LIST', `${hit.item.ref} (HS ${hit.item.hsCode}) is barred: ${hit.entry.reason}`),
    );
}

const sourceIds = (line: { sources: readonly { tradeNo: string; lineId: string }[] }): string =>
    line.sources
        .map((src) => `${src.tradeNo}/${src.lineId}`)
        .sort()
        .join(',');

/** V31: every rate the declaration converted at must be customs' rate for its month. */
function declaredRates(s: CheckSnapshot, customs: readonly FxRate[]): Reason[] {
    const month = monthOf(s.declaration.declDate);
    const version = s.customsRates?.version ?? 0;
    return customs.flatMap((published) => {
        const declared = s.declaration.rates.find((r) => r.currency === published.currency);
        if (declared?.rate === published.rate) return [];
        return [
            fail(
                'CU04_RATE_NOT_CUSTOMS',
                `${published.currency} converted at ${declared?.rate ?? 'no recorded rate'}; customs' rate for ${month} ` +
                    `(version ${version}) is ${published.rate}`,
            ),
        ];
    });
}

function recompute(s: CheckSnapshot, rebuilt: Rebuilt): Reason[] {
    if ('failure' in rebuilt) return [rebuilt.failure];
    const { built } = rebuilt;
    const filed = [...s.declaration.lines].sort((a, b) => a.gNo - b.gNo);
    if (filed.length !== built.lines.length) {
        return [fail('CU04_LINE_COUNT', `filed ${filed.length} lines, recomputed ${built.lines.length}`)];
    }
    return filed.flatMap((line, index) => {
        const expected = built.lines[index];
        if (expected === undefined) return [];
        const reasons: Reason[] = [];
        const where = `line ${line.gNo}`;
        if (line.hsCode !== expected.hsCode)
            reasons.push(fail('CU04_HS_MISMATCH', `${where}: HS ${line.hsCode}, expected ${expected.hsCode}`));
        if (line.isItemised !== expected.isItemised || line.mergedChapter !== expected.mergedChapter) {
            reasons.push(fail('CU04_ITEMISATION_MISMATCH', `${where}: itemisation differs from the top-5 rule`));
        }
        const delta = Math.abs(line.valueUsd - expected.valueUsd);
        if (delta > Math.max(1, expected.valueUsd * LINE_VALUE_TOLERANCE)) {
            reasons.push(
                fail('CU04_VALUE_MISMATCH', `${where}: value ${line.valueUsd}, expected ${expected.valueUsd}`),
            );
        } else if (delta > 0) {
            reasons.push(refer('CU04_VALUE_ROUNDING', `${where}: value ${line.valueUsd} differs by ${delta} cents`));
        }
        if (sourceIds(line) !== sourceIds(expected))
            reasons.push(fail('CU04_SOURCES_MISMATCH', `${where}: linked trade lines differ`));
        return reasons;
    });
}

function simplifiedRecompute(s: CheckSnapshot, rebuilt: Rebuilt): Reason[] {
    return [...('rates' in rebuilt ? declaredRates(s, rebuilt.rates) : []), ...recompute(s, rebuilt)];
}

function tradeConsolidation(s: CheckSnapshot, packing: PackingList, trade: Trade): Reason[] {
    const reasons: Reason[] = [];
    const declNo = s.declaration.declNo;
    if (trade.declNo !== declNo) {
        reasons.push(
            fail('CU05_TRADE_IN_OTHER_DECLARATION', `trade ${trade.tradeNo} is linked to ${trade.declNo ?? 'none'}`),
        );
    }
    if (trade.packingNo !== packing.packingNo || !packing.tradeNos.includes(trade.tradeNo)) {
        reasons.push(
            fail('CU05_TRADE_NOT_IN_PACKING', `trade ${trade.tradeNo} is not in packing list ${packing.packingNo}`),
        );
    }
    const orderCode = trade.consolidationOrder ?? '';
    const order = s.orders.get(orderCode);
    if (order?.tradeNos.includes(trade.tradeNo) !== true || order.packingNo !== packing.packingNo) {
        reasons.push(
            fail(
                'CU05_ORDER_MISMATCH',
                `trade ${trade.tradeNo}: order ${orderCode} does not hold it in this packing list`,
            ),
        );
    }
    const containers = packing.containers.filter((c) => c.orderCodes.includes(orderCode));
    if (containers.length !== 1) {
        reasons.push(fail('CU05_ORDER_NOT_IN_CONTAINER', `order ${orderCode} is in ${containers.length} containers`));
    }
    return reasons;
}

function consolidation(s: CheckSnapshot): Reason[] {
    const packing = s.packing;
    if (packing === undefined)
        return [fail('CU05_PACKING_MISSING', `packing list ${s.declaration.packingNo} does not exist`)];
    const reasons = s.declaration.tradeNos.flatMap((tradeNo) => {
        const trade = s.trades.get(tradeNo);
        return trade === undefined ? [] : tradeConsolidation(s, packing, trade);
    });
    const linked = s.declaration.lines.flatMap((line) => line.sources.map((src) => `${src.tradeNo}/${src.lineId}`));
    const expected = s.builderLines.map((line) => `${line.tradeNo}/${line.lineId}`);
    if (new Set(linked).size !== linked.length || [...linked].sort().join() !== [...expected].sort().join()) {
        reasons.push(fail('CU05_LINE_LINK_MISMATCH', 'trade lines are not each linked exactly once'));
    }
    return reasons;
}

function purchaserRemark(s: CheckSnapshot): Reason[] {
    const remark = s.declaration.remarkPurchaser;
    const reasons: Reason[] = [];
    for (const tradeNo of s.declaration.tradeNos) {
        const trade = s.trades.get(tradeNo);
        if (trade !== undefined && trade.buyerId !== remark.buyerId) {
            reasons.push(
                fail('CU06_BUYER_MISMATCH', `trade ${tradeNo} buyer ${trade.buyerId} is not ${remark.buyerId}`),
            );
        }
    }
    const buyer = s.parties.get(remark.buyerId);
    if (buyer?.type !== 'BUYER')
        return [...reasons, fail('CU06_BUYER_NOT_FILED', `buyer ${remark.buyerId} is not filed`)];
    const filedName = buyer.nameEn ?? buyer.legalName;
    if (
        filedName !== remark.name ||
        buyer.nationality !== remark.nationality ||
        buyer.idNumberHash !== remark.idNumberHash
    ) {
        reasons.push(fail('CU06_REMARK_MISMATCH', `remark differs from the filed buyer ${remark.buyerId}`));
    }
    return reasons;
}

function accountability(s: CheckSnapshot): Reason[] {
    const reasons: Reason[] = s.declaration.lines
        .filter((line) => line.sources.length === 0)
        .map((line) => fail('CU07_UNTRACEABLE_LINE', `line ${line.gNo} links no trade line`));
    if (s.openFlags.length > 0) {
        const rules = [...new Set(s.openFlags.map((f) => f.ruleId))].sort().join(', ');
        reasons.push(refer('CU07_OPEN_RISK_FLAGS', `${s.openFlags.length} open risk flag(s): ${rules}`));
    }
    return reasons;
}

function settlementFigures(s: CheckSnapshot): TradeSettlementFigures[] {
    return s.declaration.tradeNos.flatMap((tradeNo) => {
        const trade = s.trades.get(tradeNo);
        if (trade === undefined) return [];
        const summary = summariseTrade(
            { amountMinor: trade.totalAmount, currency: trade.currency },
            s.allocations.get(tradeNo) ?? [],
        );
        return [
            {
                tradeNo,
                currency: trade.currency,
                valueMinor: summary.valueMinor,
                allocatedMinor: summary.allocatedMinor,
                allocationCount: summary.allocationCount,
                // The declaration's exit stands for export here: the question is only whether the money arrived.
                settled: tradeSettlementStatus(summary, true) === 'SETTLED',
            },
        ];
    });
}

const DAY_MS = 86_400_000;

function settlementStatus(s: CheckSnapshot): SettlementStatus {
    const trades = settlementFigures(s);
    const exitDate = s.declaration.exitDate;
    const allSettled = trades.every((t) => t.settled);
    const unsettledDays =
        allSettled || exitDate === undefined
            ? null
            : Math.max(0, Math.floor((Date.parse(s.asOf) - Date.parse(exitDate.slice(0, 10))) / DAY_MS));
    return { trades, unsettledDays };
}

/** CU-08 is informational: PASS while receipts may still come, REFER once unsettled 90 days after exit. */
function settlementReasons(status: SettlementStatus): Reason[] {
    const open = status.trades.filter((t) => !t.settled).map((t) => t.tradeNo);
    if (open.length === 0) return [info('CU08_SETTLED', 'every trade is allocated at least its value less 5 %')];
    const days = status.unsettledDays;
    const which = `${open.length} trade(s) unsettled: ${open.join(', ')}`;
    if (days !== null && days > SETTLEMENT_REFER_DAYS) {
        return [refer('CU08_UNSETTLED_90_DAYS', `${which}, ${days} days after exit`)];
    }
    return [
        info(
            'CU08_AWAITING_RECEIPTS',
            days === null ? `${which}; not exited yet` : `${which}, ${days} days after exit`,
        ),
    ];
}

/** CU-01..CU-08 on one declaration; verdict FAIL if any check fails, else REFER if any refers, else PASS. */
export function checkDeclaration(s: CheckSnapshot): CheckReport {
    const settlement = settlementStatus(s);
    const rebuilt = rebuild(s);
    const checks = [
        check('CU-01', 'ValueCap', valueCap(s, rebuilt)),
        check('CU-02', 'Provenance', provenance(s)),
        check('CU-03', 'NegativeList', negativeList(s)),
        check('CU-04', 'SimplifiedRecompute', simplifiedRecompute(s, rebuilt)),
        check('CU-05', 'ConsolidationIntegrity', consolidation(s)),
        check('CU-06', 'PurchaserRemark', purchaserRemark(s)),
        check('CU-07', 'Accountability', accountability(s)),
        check('CU-08', 'SettlementStatus', settlementReasons(settlement)),
    ];
    const verdict: CheckResult = checks.some((c) => c.result === 'FAIL')
        ? 'FAIL'
        : checks.some((c) => c.result === 'REFER')
          ? 'REFER'
          : 'PASS';
    return {
        declNo: s.declaration.declNo,
        verdict,
        negativeListVersion: s.negativeList?.version ?? null,
        checks,
        settlement,
    };
}
