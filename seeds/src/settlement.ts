import { nextMonth } from '../../chaincode/src/rules/exemption-guard';
import { CNY_USD_RATE, USD_CNY } from './catalog';
import { compact, pad } from './ids';
import type {
    ExemptionSeed,
    FinancingSeed,
    FlagSeed,
    FraudCase,
    PayerInput,
    ReceiptInput,
    ReceiptSeed,
    TradeSeed,
} from './model';
import { BANK_MSP, DEMO, SECOND_BANK, type Buyer } from './parties';
import { settlementCases } from './fraud/settlement-cases';
import type { Flow, Shipment } from './flow';
import { must, type Rng } from './rng';

/**
 * Money and tax after export: receipts filed by the bank and allocated to the trades they pay (in full, in
 * part, or as a deposit before export), and a VAT-exemption claim. Fraud cases: F2 (a paid trade presented
 * again at a second bank), an over-receipt beyond the 5 % tolerance (V25), a bank crediting a trade at ten times
 * customs' rate (V31), a premature exemption claim (F10), and financings at both banks with an F2 double financing
 * (一单多融, V33).
 */

export const PURPOSE = 'payment for goods (market procurement trade, mode 1039)';

export interface Settlement {
    readonly receipts: ReceiptSeed[];
    readonly financings: FinancingSeed[];
    readonly exemptions: ExemptionSeed[];
    readonly riskFlags: FlagSeed[];
    readonly fraudCases: FraudCase[];
}

export interface Ctx {
    readonly rng: Rng;
    readonly asOf: string;
    readonly trades: Map<string, TradeSeed>;
    readonly receipts: ReceiptSeed[];
}

export const payeeOf = (t: TradeSeed): string => (t.input.agencyReceipt ? t.input.agentId : t.input.vendorId);
export const totalOf = (t: TradeSeed): number => t.input.lines.reduce((sum, l) => sum + l.amount, 0);

function payer(rng: Rng, sh: Shipment, receiptRef: string): PayerInput {
    const salt = `payer-${receiptRef}-${rng.pattern('XXXXXXXXXXXXXXXX')}`;
    const bank = `${sh.buyer.country.code} Commercial Bank`;
    if (rng.chance(0.1)) {
        return {
            salt,
            name: `${sh.buyer.name.split(' ').pop() ?? 'Global'} General Trading FZE`,
            country: 'AE',
            bank: 'Gulf Trade Bank',
            account: rng.pattern('AEDDDDDDDDDDDDDDDDDDDDD'),
            thirdPartyReason: "paid by the buyer's purchasing company under a signed payment agreement",
        };
    }
    return { salt, name: sh.buyer.name, country: sh.buyer.country.code, bank, account: rng.pattern('DDDDDDDDDDDDDD') };
}

function receipt(
    ctx: Ctx,
    sh: Shipment,
    payee: string,
    currency: string,
    allocations: ReceiptInput['allocations'],
    bank: { partyId: string; mspId: string } = { partyId: DEMO.bank, mspId: BANK_MSP },
): ReceiptSeed {
    const receiptRef = `R-${compact(ctx.asOf)}-${pad(ctx.receipts.length + 1, 4)}`;
    const input: ReceiptInput = {
        receiptRef,
        payeePartyId: payee,
        amountMinor: allocations.reduce((sum, a) => sum + a.amountMinor, 0),
        currency,
        valueDate: ctx.asOf,
        channel: currency === 'CNY' ? 'CIPS' : 'SWIFT',
        declaredPurpose: PURPOSE,
        ...(currency === 'CNY' ? { usdRate: CNY_USD_RATE } : {}),
        allocations,
    };
    const seed: ReceiptSeed = {
        input,
        bankPartyId: bank.partyId,
        bankMspId: bank.mspId,
        payer: payer(ctx.rng, sh, receiptRef),
    };
    ctx.receipts.push(seed);
    return seed;
}

/** Trades of a shipment grouped by payee and currency (one receipt each). */
function byPayee(ctx: Ctx, sh: Shipment, skip: ReadonlySet<string>): Map<string, TradeSeed[]> {
    const groups = new Map<string, TradeSeed[]>();
    for (const d of sh.drafts) {
        const t = ctx.trades.get(d.tradeNo);
        if (t === undefined || skip.has(t.input.tradeNo)) continue;
        const key = `${payeeOf(t)}|${t.input.currency}`;
        groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    return groups;
}

/** Receipts for one shipment: per payee and currency; full, partial, or a deposit when not yet exported. */
function shipmentReceipts(ctx: Ctx, sh: Shipment, skip: ReadonlySet<string>): void {
    for (const [key, trades] of byPayee(ctx, sh, skip)) {
        const [payee = '', currency = 'USD'] = key.split('|');
        const exported = sh.state === 'EXITED' || sh.state === 'RELEASED';
        const share = exported ? (ctx.rng.chance(0.8) ? 1 : 0.5 + ctx.rng.next() * 0.4) : 0.3;
        if (!exported && !ctx.rng.chance(0.5)) continue;
        const allocations = trades.map((t) => ({
            tradeNo: t.input.tradeNo,
            amountMinor: Math.max(1, Math.floor(totalOf(t) * share)),
        }));
        receipt(ctx, sh, payee, currency, allocations);
    }
}

/**
 * V28 × V32: goods exit on the day of the load, so their VAT period is next month and no claim can succeed at
 * load. The demo vendor claims its exported trades anyway: a premature claim (F10), refused until the period opens
 * (a load of the same market from then on leaves it out).
 */
function exemptions(asOf: string, flow: Flow): ExemptionSeed[] {
    const period = nextMonth(asOf.slice(0, 7));
    const tradeNos = flow.shipments
        .filter((s) => s.state === 'EXITED')
        .flatMap((s) => s.drafts)
        .filter((d) => d.vendorId === DEMO.vendor)
        .map((d) => d.tradeNo)
        .sort()
        .slice(0, 200);
    if (tradeNos.length === 0) return [];
    return [
        {
            input: { filingNo: `EX-${period.replace('-', '')}-0001`, merchantId: DEMO.vendor, period, tradeNos },
            filedBy: DEMO.vendor,
            expect: { outcome: 'REJECTED', code: 'RULE_V28', onlyBefore: period },
        },
    ];
}

function settlementFraud(ctx: Ctx, flow: Flow, reserved: TradeSeed, exemptionsList: ExemptionSeed[]): FraudCase[] {
    const shipmentOf = (tradeNo: string): Shipment =>
        must(
            flow.shipments.find((s) => s.drafts.some((d) => d.tradeNo === tradeNo)),
            `shipment of ${tradeNo}`,
        );
    // F2: a trade paid in full at the first bank, presented again in full at a second bank
    const paidInFull = (a: { tradeNo: string; amountMinor: number }): boolean =>
        a.amountMinor === totalOf(must(ctx.trades.get(a.tradeNo), 'trade'));
    const paid = ctx.receipts.find((r) => r.input.currency === 'USD' && r.input.allocations.some(paidInFull));
    const cases: FraudCase[] = [];
    if (paid !== undefined) {
        const allocation = must(paid.input.allocations.find(paidInFull), 'allocation paid in full');
        const second = receipt(
            ctx,
            shipmentOf(allocation.tradeNo),
            paid.input.payeePartyId,
            'USD',
            [{ ...allocation }],
            SECOND_BANK,
        );
        const expect = { outcome: 'REJECTED', code: 'RULE_V25' } as const;
        ctx.receipts[ctx.receipts.indexOf(second)] = { ...second, expect };
        cases.push({
            caseId: 'FRAUD-F2-SECOND-BANK',
            pattern: 'F2',
            caughtBy: 'RULE_V25; bank check FAIL BK04_AMOUNT_EXCEEDS_REMAINING',
            title: `trade ${allocation.tradeNo}, paid in full at ${DEMO.bank}, presented again at ${SECOND_BANK.partyId}`,
            records: [
                { kind: 'receipt', id: paid.input.receiptRef },
                { kind: 'receipt', id: second.input.receiptRef },
            ],
            expected: { ...expect, bankCheck: { verdict: 'FAIL', reason: 'BK04_AMOUNT_EXCEEDS_REMAINING' } },
        });
    }
    // over-receipt: 112 % of a trade's value in one receipt, beyond the 5 % tolerance
    const over = receipt(ctx, shipmentOf(reserved.input.tradeNo), payeeOf(reserved), reserved.input.currency, [
        { tradeNo: reserved.input.tradeNo, amountMinor: Math.ceil(totalOf(reserved) * 1.12) },
    ]);
    const overExpect = { outcome: 'REJECTED', code: 'RULE_V25' } as const;
    ctx.receipts[ctx.receipts.indexOf(over)] = { ...over, expect: overExpect };
    cases.push({
        caseId: 'FRAUD-V25-OVER-RECEIPT',
        pattern: 'V25',
        caughtBy: 'RULE_V25; bank check FAIL BK07_EXCEEDS_TOLERANCE',
        title: `receipt of 112 % of trade ${reserved.input.tradeNo}'s value`,
        records: [{ kind: 'receipt', id: over.input.receiptRef }],
        expected: { ...overExpect, bankCheck: { verdict: 'FAIL', reason: 'BK07_EXCEEDS_TOLERANCE' } },
    });
    // V31: a USD receipt credited to an exported CNY trade at ten times customs' CNY-per-USD rate
    // (an exported one where the market has it; the V31 declaration case's CNY trade always exists)
    const cnyTrades = [...ctx.trades.values()].filter((t) => t.input.currency === 'CNY' && t.expect === undefined);
    const cny = cnyTrades.find((t) => t !== reserved && shipmentOf(t.input.tradeNo).state === 'EXITED') ?? cnyTrades[0];
    if (cny !== undefined) {
        const rate = String(USD_CNY * 10);
        const tenfold = receipt(ctx, shipmentOf(cny.input.tradeNo), payeeOf(cny), 'USD', [
            { tradeNo: cny.input.tradeNo, amountMinor: 100_000, rate },
        ]);
        const expect = { outcome: 'REJECTED', code: 'RULE_V31_RATE_OUTSIDE_TOLERANCE' } as const;
        ctx.receipts[ctx.receipts.indexOf(tenfold)] = { ...tenfold, expect };
        cases.push({
            caseId: 'FRAUD-V31-BANK-RATE-10X',
            pattern: 'V31',
            caughtBy: 'RULE_V31_RATE_OUTSIDE_TOLERANCE (bank rate within ±5 % of customs’)',
            title: `USD 1,000.00 credited to CNY trade ${cny.input.tradeNo} at ${rate} CNY per USD, ten times customs' rate`,
            records: [{ kind: 'receipt', id: tenfold.input.receiptRef }],
            expected: expect,
        });
    }
    // F10: a claim filed before its VAT period opens (the goods exited this month)
    const premature = exemptionsList[0];
    if (premature?.expect !== undefined) {
        cases.push({
            caseId: 'FRAUD-F10-PREMATURE-EXEMPTION',
            pattern: 'F10',
            caughtBy: 'RULE_V28 (CU09_PERIOD_NOT_OPEN)',
            title: `${premature.input.merchantId} claims period ${premature.input.period} for goods that exited this month`,
            records: [{ kind: 'exemption', id: premature.input.filingNo }],
            expected: premature.expect,
        });
    }
    return cases;
}

/**
 * V25 per line: a receipt naming the smallest line of a two-line trade for 110 % of that line. The trade as a whole
 * has room (the line is at most half of it), the line has not: refused. The trade gets no other receipt.
 */
function lineOverReceipt(ctx: Ctx, flow: Flow, trade: TradeSeed): FraudCase {
    const smallest = [...trade.input.lines].sort((a, b) => a.amount - b.amount)[0];
    if (smallest === undefined) throw new Error(`trade ${trade.input.tradeNo} has no lines`);
    const sh = must(
        flow.shipments.find((s) => s.drafts.some((d) => d.tradeNo === trade.input.tradeNo)),
        'shipment of the line case',
    );
    const over = receipt(ctx, sh, payeeOf(trade), trade.input.currency, [
        { tradeNo: trade.input.tradeNo, lineId: smallest.lineId, amountMinor: Math.ceil(smallest.amount * 1.1) },
    ]);
    const expect = { outcome: 'REJECTED', code: 'RULE_V25_LINE_OVER_RECEIPT' } as const;
    ctx.receipts[ctx.receipts.indexOf(over)] = { ...over, expect };
    return {
        caseId: 'FRAUD-V25-LINE-OVER-RECEIPT',
        pattern: 'V25',
        caughtBy: 'RULE_V25_LINE_OVER_RECEIPT (Σ allocations of a line ≤ its value + 5 %)',
        title: `receipt of 110 % of line ${smallest.lineId} of trade ${trade.input.tradeNo}, within the trade's value`,
        records: [{ kind: 'receipt', id: over.input.receiptRef }],
        expected: expect,
    };
}

/** Exported trades kept free of regular receipts for the receipt cases of fraud/settlement-cases.ts. */
const RESERVED_FOR_CASES = 5;

/** Trades financed at each bank (V33), and the F2 "一单多融" pair: one trade financed at both banks. */
const FINANCED_PER_BANK = 2;
/** Exported trades no receipt pays: income to finance (2 × FINANCED_PER_BANK + the F2 pair). */
const FINANCING_RESERVE = 2 * FINANCED_PER_BANK + 1;

/**
 * Financing against exported income (V33): exported trades with value left after their receipts, half of what is left
 * financed, a few at each bank. F2 一单多融: one more trade financed in full at the first bank, then the same value
 * asked of the second bank, which the ledger refuses (RULE_V33; BK-10 would refer its income at the second bank).
 */
function financings(
    ctx: Ctx,
    flow: Flow,
    exclude: ReadonlySet<string>,
): { seeds: FinancingSeed[]; fraud: FraudCase[] } {
    const received = new Map<string, number>();
    for (const r of ctx.receipts) {
        for (const a of r.input.allocations) received.set(a.tradeNo, (received.get(a.tradeNo) ?? 0) + a.amountMinor);
    }
    const candidates = flow.shipments
        .filter((s) => s.state === 'EXITED')
        .flatMap((s) => s.drafts)
        .map((d) => must(ctx.trades.get(d.tradeNo), `trade ${d.tradeNo}`))
        .filter((t) => !exclude.has(t.input.tradeNo))
        .map((t) => ({ trade: t, left: totalOf(t) - (received.get(t.input.tradeNo) ?? 0) }))
        .filter((c) => c.left >= 2);
    const seeds: FinancingSeed[] = [];
    const finance = (
        trade: TradeSeed,
        amountMinor: number,
        bank: { partyId: string; mspId: string },
        expect?: FinancingSeed['expect'],
    ): FinancingSeed => {
        const financingRef = `F-${compact(ctx.asOf)}-${pad(seeds.length + 1, 4)}`;
        const seed: FinancingSeed = {
            input: {
                financingRef,
                borrowerPartyId: payeeOf(trade),
                items: [{ tradeNo: trade.input.tradeNo, amountMinor }],
                terms: { contractRef: `LOAN-${financingRef}`, annualRateBps: 350 + ctx.rng.int(0, 150) },
            },
            bankPartyId: bank.partyId,
            bankMspId: bank.mspId,
            ...(expect === undefined ? {} : { expect }),
        };
        seeds.push(seed);
        return seed;
    };
    const first = { partyId: DEMO.bank, mspId: BANK_MSP };
    candidates.slice(0, 2 * FINANCED_PER_BANK).forEach((c, i) => {
        finance(c.trade, Math.floor(c.left / 2), i < FINANCED_PER_BANK ? first : SECOND_BANK);
    });
    const twice = candidates[2 * FINANCED_PER_BANK];
    if (twice === undefined) return { seeds, fraud: [] };
    const original = finance(twice.trade, twice.left, first);
    const expect = { outcome: 'REJECTED', code: 'RULE_V33' } as const;
    const again = finance(twice.trade, twice.left, SECOND_BANK, expect);
    const fraud: FraudCase = {
        caseId: 'FRAUD-F2-DOUBLE-FINANCING',
        pattern: 'F2',
        caughtBy: 'RULE_V33 (Σ open financings of a trade across banks ≤ its value less its receipts)',
        title: `trade ${twice.trade.input.tradeNo}, financed at ${DEMO.bank}, presented for financing again at ${SECOND_BANK.partyId} (一单多融)`,
        records: [
            { kind: 'financing', id: original.input.financingRef },
            { kind: 'financing', id: again.input.financingRef },
        ],
        expected: expect,
    };
    return { seeds, fraud: [fraud] };
}

export function buildSettlement(rng: Rng, asOf: string, flow: Flow, buyers: readonly Buyer[] = []): Settlement {
    const trades = new Map(flow.trades.map((t) => [t.input.tradeNo, t]));
    const ctx: Ctx = { rng, asOf, trades, receipts: [] };
    const exited = flow.shipments.filter((s) => s.state === 'EXITED');
    const candidates = exited.flatMap((sh) => sh.drafts).filter((d) => d.vendorId !== DEMO.vendor);
    const reservedNo = candidates[candidates.length - 1]?.tradeNo ?? '';
    const reserved = trades.get(reservedNo);
    if (reserved === undefined) throw new Error('no exported trade to reserve for the over-receipt case');
    const forCases = candidates
        .slice(0, -1)
        .slice(-RESERVED_FOR_CASES)
        .map((d) => must(trades.get(d.tradeNo), `trade ${d.tradeNo}`));
    if (forCases.length < RESERVED_FOR_CASES) throw new Error('too few exported trades for the receipt cases');
    const skip = new Set([reservedNo, ...forCases.map((t) => t.input.tradeNo)]);
    const lineCase = candidates
        .map((d) => trades.get(d.tradeNo))
        .find((t) => t !== undefined && !skip.has(t.input.tradeNo) && t.input.lines.length > 1);
    if (lineCase !== undefined) skip.add(lineCase.input.tradeNo);
    // exported trades kept unpaid so that both banks have income to finance, whatever the seed
    const unpaid = candidates
        .slice(0, -1 - RESERVED_FOR_CASES)
        .filter((d) => !skip.has(d.tradeNo))
        .slice(-FINANCING_RESERVE);
    const caseTrades = [...skip];
    for (const d of unpaid) skip.add(d.tradeNo);
    for (const sh of flow.shipments.filter((s) => ['EXITED', 'RELEASED', 'ACCEPTED'].includes(s.state))) {
        shipmentReceipts(ctx, sh, skip);
    }
    const filings = exemptions(asOf, flow);
    const fraudCases = settlementFraud(ctx, flow, reserved, filings);
    if (lineCase !== undefined) fraudCases.push(lineOverReceipt(ctx, flow, lineCase));
    const more = settlementCases(ctx, { flow, reserved: forCases, buyers, exemptions: filings });
    // after every receipt: a financing takes only what the receipts left (the case trades are left alone)
    const financed = financings(ctx, flow, new Set(caseTrades));
    return {
        receipts: ctx.receipts,
        financings: financed.seeds,
        exemptions: [...filings, ...more.exemptions],
        riskFlags: more.riskFlags,
        fraudCases: [...fraudCases, ...more.fraudCases, ...financed.fraud],
    };
}
