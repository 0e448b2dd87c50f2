import { nextMonth } from '../../../chaincode/src/rules/exemption-guard';
import { AUTHORITIES, CNY_USD_RATE } from '../catalog';
import { addDays, compact, pad } from '../ids';
import type { Flow, Shipment } from '../flow';
import type {
    ExemptionSeed,
    Expectation,
    FlagSeed,
    FraudCase,
    PayerInput,
    ReceiptInput,
    ReceiptSeed,
    TradeSeed,
} from '../model';
import { BANK_MSP, DEMO, SECOND_BANK, type Buyer } from '../parties';
import { at, must } from '../rng';
import type { Ctx } from '../settlement';

/**
 * Money- and tax-side fraud cases beyond the first labelled set (settlement.ts), and their near-misses:
 *
 * - F1 false trade to move money: a receipt for a trade that was never exported (BK-03 refers), a payer with the
 *   buyer's name in another country (BK-05 refers), an offshore payer unrelated to the buyer (BK-05 fails);
 * - F2 a second receipt at the same bank beyond the trade's value (flag F2), and its near-miss: a second bank taking
 *   only the true remainder;
 * - F5 proceeds to a party other than the one V24 names: another vendor, or the agent of a trade that is not
 *   agency-received (RULE_V24, BK-06 fails);
 * - F9 money before the trade (flag F9, BK-02 refers) and several domestic personal payers for one foreign buyer
 *   (BK-05 fails), and the near-miss: a receipt on the day of registration;
 * - F7 a customs IPR hit recorded as a flag on a declaration (CU-07 refers);
 * - F10 an exemption claimed in the export month itself (RULE_V28) and before exit (RULE_V29).
 */

const PURPOSE = 'payment for goods (market procurement trade, mode 1039)';
const BANK1 = { partyId: DEMO.bank, mspId: BANK_MSP } as const;

const totalOf = (t: TradeSeed): number => t.input.lines.reduce((sum, l) => sum + l.amount, 0);
const payeeOf = (t: TradeSeed): string => (t.input.agencyReceipt ? t.input.agentId : t.input.vendorId);

interface Inputs {
    readonly flow: Flow;
    /** Exported trades no regular receipt touches. */
    readonly reserved: readonly TradeSeed[];
    readonly buyers: readonly Buyer[];
    readonly exemptions: readonly ExemptionSeed[];
}

export interface SettlementCases {
    readonly exemptions: ExemptionSeed[];
    readonly riskFlags: FlagSeed[];
    readonly fraudCases: FraudCase[];
}

interface Filing {
    readonly trade: TradeSeed;
    readonly share: number;
    readonly payer: Omit<PayerInput, 'salt'>;
    readonly payee?: string;
    readonly bank?: { readonly partyId: string; readonly mspId: string };
    readonly valueDate?: string;
    readonly expect: Expectation;
}

/** Files one receipt for a share of one trade, numbered after the regular ones. */
function file(ctx: Ctx, f: Filing): ReceiptSeed {
    const receiptRef = `R-${compact(ctx.asOf)}-${pad(ctx.receipts.length + 1, 4)}`;
    const currency = f.trade.input.currency;
    const amountMinor = Math.max(1, Math.floor(totalOf(f.trade) * f.share));
    const bank = f.bank ?? BANK1;
    const input: ReceiptInput = {
        receiptRef,
        payeePartyId: f.payee ?? payeeOf(f.trade),
        amountMinor,
        currency,
        valueDate: f.valueDate ?? ctx.asOf,
        channel: currency === 'CNY' ? 'CIPS' : 'SWIFT',
        declaredPurpose: PURPOSE,
        ...(currency === 'CNY' ? { usdRate: CNY_USD_RATE } : {}),
        allocations: [{ tradeNo: f.trade.input.tradeNo, amountMinor }],
    };
    const seed: ReceiptSeed = {
        input,
        bankPartyId: bank.partyId,
        bankMspId: bank.mspId,
        payer: { salt: `payer-${receiptRef}-${ctx.rng.pattern('XXXXXXXXXXXXXXXX')}`, ...f.payer },
        expect: f.expect,
    };
    ctx.receipts.push(seed);
    return seed;
}

const receiptId = (r: ReceiptSeed): string => `${r.bankMspId}:${r.input.receiptRef}`;
const record = (r: ReceiptSeed): { kind: string; id: string } => ({ kind: 'receipt', id: r.input.receiptRef });
const accepted: Expectation = { outcome: 'ACCEPTED' };

function buyerOf(inputs: Inputs, t: TradeSeed): Buyer {
    return must(
        inputs.buyers.find((b) => b.partyId === t.input.buyerId),
        `buyer ${t.input.buyerId}`,
    );
}

function buyerPays(buyer: Buyer): Omit<PayerInput, 'salt'> {
    return { name: buyer.name, country: buyer.country.code, bank: `${buyer.country.code} Commercial Bank` };
}

function f1Cases(ctx: Ctx, inputs: Inputs, t1: TradeSeed): FraudCase[] {
    const fictitiousNo = must(inputs.flow.marked.get('F1-unexported'), 'the F1 trade');
    const fictitious = must(ctx.trades.get(fictitiousNo), `trade ${fictitiousNo}`);
    const unexported = file(ctx, {
        trade: fictitious,
        share: 1,
        payer: buyerPays(buyerOf(inputs, fictitious)),
        expect: accepted,
    });
    const buyer = buyerOf(inputs, t1);
    const elsewhere = buyer.country.code === 'PA' ? 'BZ' : 'PA';
    const country = file(ctx, {
        trade: t1,
        share: 0.2,
        payer: { name: buyer.name, country: elsewhere, bank: 'Isthmus Offshore Bank' },
        expect: accepted,
    });
    const offshore = file(ctx, {
        trade: t1,
        share: 0.2,
        payer: { name: 'Blue Lagoon Holdings Ltd', country: 'VG', bank: 'Caribbean Private Bank' },
        expect: accepted,
    });
    return [
        {
            caseId: 'FRAUD-F1-RECEIPT-WITHOUT-EXPORT',
            pattern: 'F1',
            title: `full payment for ${fictitiousNo}, registered today and never consolidated, declared or exported`,
            caughtBy: 'bank check REFER BK03_PENDING_EXPORT',
            records: [{ kind: 'trade', id: fictitiousNo }, record(unexported)],
            expected: { ...accepted, bankCheck: { verdict: 'REFER', reason: 'BK03_PENDING_EXPORT' } },
        },
        {
            caseId: 'FRAUD-F1-PAYER-IN-ANOTHER-COUNTRY',
            pattern: 'F1',
            title: `${t1.input.tradeNo} paid in the buyer's name from ${elsewhere}, not the buyer's country ${buyer.country.code}`,
            caughtBy: 'bank check REFER BK05_PAYER_COUNTRY_MISMATCH',
            records: [record(country)],
            expected: { ...accepted, bankCheck: { verdict: 'REFER', reason: 'BK05_PAYER_COUNTRY_MISMATCH' } },
        },
        {
            caseId: 'FRAUD-F1-OFFSHORE-PAYER',
            pattern: 'F1',
            title: `${t1.input.tradeNo} paid by an offshore company unrelated to the buyer, no reason given`,
            caughtBy: 'bank check FAIL BK05_PAYER_MISMATCH',
            records: [record(offshore)],
            expected: { ...accepted, bankCheck: { verdict: 'FAIL', reason: 'BK05_PAYER_MISMATCH' } },
        },
    ];
}

function f2Cases(ctx: Ctx, inputs: Inputs, t2: TradeSeed, t3: TradeSeed): FraudCase[] {
    const pays2 = buyerPays(buyerOf(inputs, t2));
    const full = file(ctx, { trade: t2, share: 1, payer: pays2, expect: accepted });
    const flagged: Expectation = {
        outcome: 'FLAGGED',
        ruleId: 'F2',
        subjectType: 'trade',
        subjectId: t2.input.tradeNo,
    };
    const again = file(ctx, { trade: t2, share: 0.03, payer: pays2, expect: flagged });
    const pays3 = buyerPays(buyerOf(inputs, t3));
    const part = file(ctx, { trade: t3, share: 0.6, payer: pays3, expect: accepted });
    const rest = totalOf(t3) - Math.floor(totalOf(t3) * 0.6);
    const remainder = file(ctx, {
        trade: t3,
        share: rest / totalOf(t3),
        payer: pays3,
        bank: SECOND_BANK,
        expect: {
            outcome: 'ACCEPTED',
            unflagged: { ruleId: 'F2', subjectType: 'trade', subjectId: t3.input.tradeNo },
        },
    });
    // the share is exact for the remainder: rounding down must land on it
    ctx.receipts[ctx.receipts.indexOf(remainder)] = {
        ...remainder,
        input: {
            ...remainder.input,
            amountMinor: rest,
            allocations: [{ tradeNo: t3.input.tradeNo, amountMinor: rest }],
        },
    };
    return [
        {
            caseId: 'FRAUD-F2-SAME-BANK-TOP-UP',
            pattern: 'F2',
            title: `${t2.input.tradeNo}, paid in full at ${DEMO.bank}, takes a second receipt of 3 % at the same bank`,
            caughtBy: 'flag F2 on the trade; bank check REFER BK04_TRADE_FULLY_USED',
            records: [record(full), record(again)],
            expected: { ...flagged, bankCheck: { verdict: 'REFER', reason: 'BK04_TRADE_FULLY_USED' } },
        },
        {
            caseId: 'NEAR-F2-SECOND-BANK-TAKES-THE-REMAINDER',
            pattern: 'F2',
            nearMiss: true,
            title: `${t3.input.tradeNo}: 60 % at ${DEMO.bank}, the true remaining 40 % at ${SECOND_BANK.partyId}`,
            caughtBy: 'RULE_V25 and flag F2 stay silent; bank check BK04_WITHIN_REMAINING',
            records: [record(part), record(remainder)],
            expected: {
                outcome: 'ACCEPTED',
                unflagged: { ruleId: 'F2', subjectType: 'trade', subjectId: t3.input.tradeNo },
                bankCheck: { verdict: 'PASS', reason: 'BK04_WITHIN_REMAINING' },
            },
        },
    ];
}

function f5Cases(ctx: Ctx, inputs: Inputs): FraudCase[] {
    const vendorTrade = must(
        inputs.reserved.find((t) => !t.input.agencyReceipt),
        'a reserved trade its vendor collects',
    );
    const refused: Expectation = { outcome: 'REJECTED', code: 'RULE_V24' };
    const otherVendor = must(
        inputs.flow.trades.find(
            (t) =>
                t.expect === undefined &&
                t.input.vendorId !== vendorTrade.input.vendorId &&
                t.input.vendorId !== DEMO.vendor,
        ),
        'another vendor',
    ).input.vendorId;
    const payer = buyerPays(buyerOf(inputs, vendorTrade));
    const toOther = file(ctx, { trade: vendorTrade, share: 0.5, payer, payee: otherVendor, expect: refused });
    const toAgent = file(ctx, {
        trade: vendorTrade,
        share: 0.5,
        payer,
        payee: vendorTrade.input.agentId,
        expect: refused,
    });
    const check = { verdict: 'FAIL', reason: 'BK06_WRONG_PAYEE' } as const;
    return [
        {
            caseId: 'FRAUD-F5-PROCEEDS-TO-ANOTHER-VENDOR',
            pattern: 'F5',
            title: `proceeds of ${vendorTrade.input.vendorId}'s trade ${vendorTrade.input.tradeNo} paid to ${otherVendor}`,
            caughtBy: 'RULE_V24; bank check FAIL BK06_WRONG_PAYEE',
            records: [record(toOther)],
            expected: { ...refused, bankCheck: check },
        },
        {
            caseId: 'FRAUD-F5-PROCEEDS-TO-AGENT',
            pattern: 'F5',
            title: `proceeds of ${vendorTrade.input.tradeNo} (not agency-received) paid to its agent ${vendorTrade.input.agentId}`,
            caughtBy: 'RULE_V24; bank check FAIL BK06_WRONG_PAYEE',
            records: [record(toAgent)],
            expected: { ...refused, bankCheck: check },
        },
    ];
}

/** Fictional mainland individuals: personal accounts paying for a foreign buyer's goods. */
const PERSONAL_PAYERS = ['Zhang Wei', 'Li Na'] as const;

function f9Cases(ctx: Ctx, inputs: Inputs, t5: TradeSeed): FraudCase[] {
    const buyer = buyerOf(inputs, t5);
    const early = file(ctx, {
        trade: t5,
        share: 0.2,
        payer: buyerPays(buyer),
        valueDate: addDays(ctx.asOf, -3),
        expect: { outcome: 'FLAGGED', ruleId: 'F9', subjectType: 'receipt', subjectId: '' },
    });
    const earlyId = receiptId(early);
    const earlyExpect: Expectation = { outcome: 'FLAGGED', ruleId: 'F9', subjectType: 'receipt', subjectId: earlyId };
    ctx.receipts[ctx.receipts.indexOf(early)] = { ...early, expect: earlyExpect };
    const personal = PERSONAL_PAYERS.map((name, i) =>
        file(ctx, {
            trade: t5,
            share: 0.25,
            payer: { name, country: 'CN', bank: i === 0 ? 'a city commercial bank, Henan' : 'a rural bank, Guangxi' },
            expect: accepted,
        }),
    );
    const sameDay = file(ctx, { trade: t5, share: 0.2, payer: buyerPays(buyer), expect: accepted });
    const sameDayExpect: Expectation = {
        outcome: 'ACCEPTED',
        unflagged: { ruleId: 'F9', subjectType: 'receipt', subjectId: receiptId(sameDay) },
    };
    ctx.receipts[ctx.receipts.indexOf(sameDay)] = { ...sameDay, expect: sameDayExpect };
    return [
        {
            caseId: 'FRAUD-F9-MONEY-BEFORE-TRADE',
            pattern: 'F9',
            title: `receipt for ${t5.input.tradeNo} valued 3 days before the trade was registered`,
            caughtBy: 'flag F9 on the receipt; bank check REFER BK02_RECEIPT_BEFORE_TRADE',
            records: [record(early)],
            expected: { ...earlyExpect, bankCheck: { verdict: 'REFER', reason: 'BK02_RECEIPT_BEFORE_TRADE' } },
        },
        {
            caseId: 'FRAUD-F9-DOMESTIC-PERSONAL-PAYERS',
            pattern: 'F9',
            title: `${buyer.partyId}'s goods (${t5.input.tradeNo}) paid by ${PERSONAL_PAYERS.length} mainland individuals, no reason given`,
            caughtBy: 'bank check FAIL BK05_PAYER_MISMATCH',
            records: personal.map(record),
            expected: { ...accepted, bankCheck: { verdict: 'FAIL', reason: 'BK05_PAYER_MISMATCH' } },
        },
        {
            caseId: 'NEAR-F9-PAID-ON-THE-DAY-OF-REGISTRATION',
            pattern: 'F9',
            nearMiss: true,
            title: `the buyer pays for ${t5.input.tradeNo} on the day it was registered`,
            caughtBy: 'flag F9 stays silent',
            records: [record(sameDay)],
            expected: sameDayExpect,
        },
    ];
}

/** F7: customs records an IPR hit found at inspection as a flag on an exported declaration no case relies on. */
function iprHit(inputs: Inputs): { flag: FlagSeed; fraud: FraudCase } | undefined {
    const reserved = new Set(inputs.reserved.map((t) => t.input.tradeNo));
    const exited = inputs.flow.shipments.filter(
        (s: Shipment) => s.state === 'EXITED' && s.drafts.every((d) => !reserved.has(d.tradeNo)),
    );
    // rather a declaration without the demo vendor's trades, whose receipts the demo shows checked
    const target =
        exited.filter((s) => s.drafts.every((d) => d.vendorId !== DEMO.vendor)).pop() ?? exited[exited.length - 1];
    if (target === undefined) return undefined;
    const expect: Expectation = {
        outcome: 'FLAGGED',
        ruleId: 'F7',
        subjectType: 'declaration',
        subjectId: target.declNo,
    };
    return {
        flag: {
            input: {
                subjectType: 'declaration',
                subjectId: target.declNo,
                ruleId: 'F7',
                severity: 'HIGH',
                evidence: {
                    finding: 'IPR hit: trademark on sampled goods not authorised by the right holder',
                    goodsCode: target.drafts[0]?.lines[0]?.goodsCode ?? '',
                },
            },
            raisedBy: AUTHORITIES.customsId,
            expect,
        },
        fraud: {
            caseId: 'FRAUD-F7-CUSTOMS-IPR-HIT',
            pattern: 'F7',
            title: `customs records an IPR hit on declaration ${target.declNo} (goods bear a mark the right holder never licensed)`,
            caughtBy: 'flag F7 raised by customs; customs check REFER CU07_OPEN_RISK_FLAGS',
            records: [{ kind: 'declaration', id: target.declNo }],
            expected: { ...expect, customsCheck: { verdict: 'REFER', reason: 'CU07_OPEN_RISK_FLAGS' } },
        },
    };
}

/** F10: claims a vendor files too early: in the export month itself, and for goods that have not left. */
function f10Cases(ctx: Ctx, inputs: Inputs): { exemptions: ExemptionSeed[]; fraudCases: FraudCase[] } {
    const month = ctx.asOf.slice(0, 7);
    const period = nextMonth(month);
    const cases: FraudCase[] = [];
    const filings: ExemptionSeed[] = [];
    const premature = inputs.exemptions[0];
    if (premature !== undefined) {
        const filing: ExemptionSeed = {
            input: { ...premature.input, filingNo: `EX-${month.replace('-', '')}-0002`, period: month },
            filedBy: premature.filedBy,
            expect: { outcome: 'REJECTED', code: 'RULE_V28' },
        };
        filings.push(filing);
        cases.push({
            caseId: 'FRAUD-F10-CLAIM-IN-EXPORT-MONTH',
            pattern: 'F10',
            title: `${filing.input.merchantId} claims period ${month} for goods that exited in ${month}`,
            caughtBy: 'RULE_V28 (CU09_WRONG_PERIOD: the period is the month after export)',
            records: [{ kind: 'exemption', id: filing.input.filingNo }],
            expected: filing.expect ?? accepted,
        });
    }
    const declared = inputs.flow.shipments.find((s) => s.state === 'SUBMITTED' && s.drafts.length > 0);
    const trade = declared?.drafts[0];
    if (trade !== undefined) {
        const filing: ExemptionSeed = {
            input: {
                filingNo: `EX-${period.replace('-', '')}-0003`,
                merchantId: trade.vendorId,
                period,
                tradeNos: [trade.tradeNo],
            },
            filedBy: trade.vendorId,
            expect: { outcome: 'REJECTED', code: 'RULE_V29' },
        };
        filings.push(filing);
        cases.push({
            caseId: 'FRAUD-F10-CLAIM-BEFORE-EXIT',
            pattern: 'F10',
            title: `${trade.vendorId} claims ${trade.tradeNo}, declared but not yet released or exported`,
            caughtBy: 'RULE_V29 (CU09_NOT_EXPORTED)',
            records: [{ kind: 'exemption', id: filing.input.filingNo }],
            expected: filing.expect ?? accepted,
        });
    }
    return { exemptions: filings, fraudCases: cases };
}

export function settlementCases(ctx: Ctx, inputs: Inputs): SettlementCases {
    const trade = (i: number): TradeSeed => at(inputs.reserved, i);
    const cases = [
        ...f1Cases(ctx, inputs, trade(0)),
        ...f2Cases(ctx, inputs, trade(1), trade(2)),
        ...f5Cases(ctx, inputs),
        ...f9Cases(ctx, inputs, trade(4)),
    ];
    const ipr = iprHit(inputs);
    const f10 = f10Cases(ctx, inputs);
    return {
        exemptions: f10.exemptions,
        riskFlags: ipr === undefined ? [] : [ipr.flag],
        fraudCases: [...cases, ...(ipr === undefined ? [] : [ipr.fraud]), ...f10.fraudCases],
    };
}
