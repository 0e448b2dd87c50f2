import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { ReconciliationContract } from '../../../chaincode/src/contracts/reconciliation';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import { assertLinesWithinValue, creditedPerLine } from '../../../chaincode/src/rules/line-allocation';
import { reconcileTrade } from '../../../chaincode/src/rules/reconciliation';
import type { AllocationRecord, Declaration, LineSource, Trade, TradeLine } from '../../../chaincode/src/model/records';
import type { FakeIdentity } from './support/fake-ledger';
import * as id from './support/identities';
import { DECL1, TODAY, World } from './support/world';
import {
    BANK1_MSP,
    BANK2_MSP,
    declaration,
    seed,
    seedSignature,
    settlementLedger,
    standardWorld,
    trade,
} from './receipt-fixtures';

/**
 * Over-receipt per trade line (V25 per line), the three-way reconciliation trade line ↔ declaration line ↔ receipts,
 * and the customs check recorded on the ledger.
 */
const j = JSON.stringify;
/** L1: 100 × 5.00 = USD 500.00; L2: 100 × 10.00 = USD 1,000.00. */
const LINES = [
    { goods: 'G1', qty: 100, unitPrice: 500 },
    { goods: 'G2', qty: 100, unitPrice: 1000 },
];

function line(lineId: string, amount: number): TradeLine {
    return {
        lineId,
        goodsCode: 'G1',
        hsCode: '6109100021',
        nameEn: 'T-shirt',
        unit: 'PCS',
        qty: 1,
        unitPrice: amount,
        amount,
    };
}

async function fileReceipt(
    w: World,
    ref: string,
    allocations: Record<string, unknown>[],
    amountMinor?: number,
): Promise<unknown> {
    const total = amountMinor ?? allocations.reduce((sum, a) => sum + Number(a.amountMinor), 0);
    return w.json(id.bank('BK1'), (ctx) =>
        w.receipt.FileReceipt(
            ctx,
            j({
                receiptRef: ref,
                payeePartyId: 'V1',
                amountMinor: total,
                currency: 'USD',
                valueDate: '2024-03-20',
                channel: 'SWIFT',
                allocations,
            }),
        ),
    );
}

describe('over-receipt per trade line', () => {
    const twoLines = {
        tradeNo: 'T',
        currency: 'USD',
        lines: [line('L1', 50_000), line('L2', 100_000)],
        totalAmount: 150_000,
    };

    it('credits named allocations to their line and whole-trade ones pro rata', () => {
        const credited = creditedPerLine(twoLines, [
            { lineId: 'L1', tradeAmountMinor: 10_000 },
            { tradeAmountMinor: 30_000 },
        ]);
        expect(Object.fromEntries(credited)).toEqual({ L1: 20_000, L2: 20_000 });
    });

    it('allows a line up to its value plus 5 % and not one minor unit more', () => {
        expect(() => {
            assertLinesWithinValue(twoLines, [], { lineId: 'L1', tradeAmountMinor: 52_500 });
        }).not.toThrow();
        expect(() => {
            assertLinesWithinValue(twoLines, [{ lineId: 'L1', tradeAmountMinor: 52_500 }], {
                lineId: 'L1',
                tradeAmountMinor: 1,
            });
        }).toThrow(/^RULE_V25_LINE_OVER_RECEIPT: trade T line L1: allocations would credit 52501/);
        // the other line is untouched by a full L1
        expect(() => {
            assertLinesWithinValue(twoLines, [{ lineId: 'L1', tradeAmountMinor: 52_500 }], {
                lineId: 'L2',
                tradeAmountMinor: 105_000,
            });
        }).not.toThrow();
        expect(() => {
            assertLinesWithinValue(twoLines, [], { lineId: 'L9', tradeAmountMinor: 1 });
        }).toThrow('INVALID: trade T has no line L9');
    });

    it('never lets the lines together take more than a whole-trade cap would (property over many splits)', () => {
        let refused = 0;
        for (let named = 0; named <= 60_000; named += 2_500) {
            for (let whole = 0; whole <= 160_000; whole += 5_000) {
                const existing = [{ lineId: 'L1', tradeAmountMinor: named }];
                try {
                    assertLinesWithinValue(twoLines, existing, { tradeAmountMinor: whole });
                } catch {
                    refused += 1;
                    continue;
                }
                const credited = creditedPerLine(twoLines, [...existing, { tradeAmountMinor: whole }]);
                expect(credited.get('L1') ?? 0).toBeLessThanOrEqual(52_500);
                expect(credited.get('L2') ?? 0).toBeLessThanOrEqual(105_000);
            }
        }
        // guard against a vacuous pass: some splits must have been refused
        expect(refused).toBeGreaterThan(0);
    });
});

describe('allocations naming a trade line, through ReceiptContract', () => {
    let w: World;
    beforeEach(async () => {
        w = await World.market();
        await w.registerTrade('T-L', LINES);
    });

    it('refuses a second receipt that over-pays one line, though the trade as a whole has room', async () => {
        await expect(
            fileReceipt(w, 'R1', [{ tradeNo: 'T-L', lineId: 'L1', amountMinor: 52_500 }]),
        ).resolves.toMatchObject({
            allocations: [{ tradeNo: 'T-L', lineId: 'L1', tradeAmountMinor: 52_500 }],
        });
        await expect(fileReceipt(w, 'R2', [{ tradeNo: 'T-L', lineId: 'L1', amountMinor: 100 }])).rejects.toThrow(
            /^RULE_V25_LINE_OVER_RECEIPT: trade T-L line L1/,
        );
        // a whole-trade allocation takes its share of L1 too, which is full
        await expect(fileReceipt(w, 'R3', [{ tradeNo: 'T-L', amountMinor: 3_000 }])).rejects.toThrow(
            'RULE_V25_LINE_OVER_RECEIPT',
        );
        await expect(w.query(id.bank('BK1'), (ctx) => w.receipt.GetReceipt(ctx, 'BankOrgMSP:R2'))).rejects.toThrow(
            'NOT_FOUND',
        );
        await expect(
            fileReceipt(w, 'R4', [{ tradeNo: 'T-L', lineId: 'L2', amountMinor: 100_000 }]),
        ).resolves.toMatchObject({
            status: 'PENDING_EXPORT',
        });
        await expect(fileReceipt(w, 'R5', [{ tradeNo: 'T-L', lineId: 'L7', amountMinor: 100 }])).rejects.toThrow(
            'INVALID: trade T-L has no line L7',
        );
    });

    it('CheckReceipt on a proposal over one line fails BK-04 with the line, before anything is filed', async () => {
        await fileReceipt(w, 'R1', [{ tradeNo: 'T-L', lineId: 'L1', amountMinor: 52_500 }]);
        const check = async (lineId: string): Promise<{ verdict: string; checks: { id: string; reason: string }[] }> =>
            w.query(id.bank('BK1'), (ctx) =>
                w.receipt.CheckReceipt(
                    ctx,
                    j({
                        receipt: {
                            payeePartyId: 'V1',
                            amountMinor: 100,
                            currency: 'USD',
                            valueDate: '2024-03-20',
                            allocations: [{ tradeNo: 'T-L', lineId, amountMinor: 100 }],
                        },
                    }),
                ),
            );
        const overL1 = await check('L1');
        expect(overL1.verdict).toBe('FAIL');
        expect(overL1.checks.find((c) => c.id === 'BK-04')?.reason).toBe('BK04_LINE_EXCEEDS_REMAINING');
        expect((await check('L2')).checks.find((c) => c.id === 'BK-04')?.reason).toBe('BK04_WITHIN_REMAINING');
    });
});

interface LineView {
    lineId: string;
    amountMinor: number;
    declared: { declNo: string; gNo: number; valueUsd: number } | null;
    creditedMinor: number;
    remainingMinor: number;
    ownCreditedMinor?: number;
    mismatches: { code: string }[];
}

describe('three-way reconciliation and the recorded customs check', () => {
    let w: World;
    beforeEach(async () => {
        w = await World.market();
        await w.declared(DECL1, { 'T-L': LINES });
        const c = id.customs();
        await w.submit(c, (ctx) => w.customs.AcceptDeclaration(ctx, DECL1));
        await w.submit(c, (ctx) => w.customs.ReleaseDeclaration(ctx, DECL1));
        await w.submit(c, (ctx) => w.customs.ConfirmExit(ctx, DECL1, TODAY));
        await fileReceipt(w, 'R1', [{ tradeNo: 'T-L', lineId: 'L1', amountMinor: 50_000 }]);
    });

    it('shows each trade line with its declaration line, what was paid and what remains', async () => {
        const view = await w.query<{ lines: LineView[]; mismatches: number; untraded: unknown[] }>(
            id.customs(),
            (ctx) => w.reconciliation.ReconcileDeclaration(ctx, DECL1),
        );
        expect(view.lines.map((l) => [l.lineId, l.declared?.declNo, l.creditedMinor, l.remainingMinor])).toEqual([
            ['L1', DECL1, 50_000, 0],
            ['L2', DECL1, 0, 100_000],
        ]);
        expect(view.lines.every((l) => (l.declared?.valueUsd ?? 0) > 0)).toBe(true);
        expect(view.mismatches).toBe(0);
        expect(view.untraded).toEqual([]);
    });

    it('flags a line exported more than 90 days ago and still unpaid', async () => {
        w.ledger.setTime('2024-07-01T02:00:00.000Z');
        const view = await w.query<{ lines: LineView[] }>(id.auditor(), (ctx) =>
            w.reconciliation.ReconcileDeclaration(ctx, DECL1),
        );
        expect(view.lines.map((l) => [l.lineId, l.mismatches.map((m) => m.code)])).toEqual([
            ['L1', []],
            ['L2', ['RC_EXPORTED_UNPAID']],
        ]);
    });

    it('gives a bank the trade with its own share, and refuses vendors and banks the declaration view', async () => {
        const view = await w.query<{ lines: LineView[]; otherBanks: { count: number } }>(id.bank('BK1'), (ctx) =>
            w.reconciliation.ReconcileTrade(ctx, 'T-L'),
        );
        expect(view.lines.map((l) => l.ownCreditedMinor)).toEqual([50_000, 0]);
        expect(view.otherBanks.count).toBe(0);
        await expect(
            w.query(id.bank('BK1'), (ctx) => w.reconciliation.ReconcileDeclaration(ctx, DECL1)),
        ).rejects.toThrow(/^FORBIDDEN/);
        await expect(w.query(id.vendor('V1'), (ctx) => w.reconciliation.ReconcileTrade(ctx, 'T-L'))).rejects.toThrow(
            /^FORBIDDEN/,
        );
    });

    it('records each customs check with its verdict and the transactions it relied on, history kept', async () => {
        const first = await w.json<{
            record: { seq: number; verdict: string; reliedOn: { recordType: string; txId: string }[] };
        }>(id.customs(), (ctx) => w.customs.RecordCustomsCheck(ctx, DECL1));
        expect(first.record.seq).toBe(1);
        expect(['PASS', 'REFER', 'FAIL']).toContain(first.record.verdict);
        const declared = await w.query<{ updatedBy: { txId: string } }>(id.customs(), (ctx) =>
            w.declaration.GetDeclaration(ctx, DECL1),
        );
        expect(first.record.reliedOn).toContainEqual({
            recordType: 'declaration',
            recordId: DECL1,
            txId: declared.updatedBy.txId,
        });
        await w.submit(id.customs(), (ctx) => w.customs.RecordCustomsCheck(ctx, DECL1));
        const stored = await w.query<{ latest: { seq: number }; history: { record: { seq: number } }[] }>(
            id.agent('A1'),
            (ctx) => w.customs.GetCustomsCheck(ctx, DECL1),
        );
        expect(stored.latest.seq).toBe(2);
        expect(stored.history.map((h) => h.record.seq).sort()).toEqual([1, 2]);
        await expect(w.submit(id.agent('A1'), (ctx) => w.customs.RecordCustomsCheck(ctx, DECL1))).rejects.toThrow(
            /^FORBIDDEN/,
        );
        await expect(w.query(id.agent('A2'), (ctx) => w.customs.GetCustomsCheck(ctx, DECL1))).rejects.toThrow(
            /^NOT_FOUND/,
        );
    });
});

describe('a bank reconciling a trade paid through two banks', () => {
    const receipts = new ReceiptContract();
    const reconciliation = new ReconciliationContract();

    it('sees its own allocations and only a count and total of the other bank’s', async () => {
        const ledger = settlementLedger();
        await standardWorld(ledger);
        await seed(ledger, [trade('T-2L', { lines: [line('L1', 40_000), line('L2', 60_000)], totalAmount: 100_000 })]);
        ledger.setTime('2024-04-10T08:00:00.000Z');
        const pay = (who: FakeIdentity, ref: string, lineId: string, amountMinor: number): Promise<string> =>
            ledger.submit(who, (ctx: Context) =>
                receipts.FileReceipt(
                    ctx,
                    j({
                        receiptRef: ref,
                        payeePartyId: 'V1',
                        amountMinor,
                        currency: 'USD',
                        valueDate: '2024-03-20',
                        channel: 'SWIFT',
                        allocations: [{ tradeNo: 'T-2L', lineId, amountMinor }],
                    }),
                ),
            );
        await pay(id.bank('BANK1', BANK1_MSP), 'R-A', 'L1', 40_000);
        await pay(id.bank('BANK2', BANK2_MSP), 'R-B', 'L2', 30_000);
        const view = JSON.parse(
            await ledger.evaluate(id.bank('BANK1', BANK1_MSP), (ctx: Context) =>
                reconciliation.ReconcileTrade(ctx, 'T-2L'),
            ),
        ) as { lines: LineView[]; allocations: { receiptId: string }[]; otherBanks: Record<string, number> };
        expect(view.allocations.map((a) => a.receiptId)).toEqual([`${BANK1_MSP}:R-A`]);
        expect(view.otherBanks).toEqual({ count: 1, allocationCount: 1, creditedMinor: 30_000 });
        expect(view.lines.map((l) => [l.lineId, l.creditedMinor, l.ownCreditedMinor])).toEqual([
            ['L1', 40_000, 40_000],
            ['L2', 30_000, 0],
        ]);
        expect(JSON.stringify(view)).not.toContain('R-B');
    });
});

describe('reconciliation mismatches (rule)', () => {
    const decl = (over: Partial<Declaration>): Declaration => declaration('D9', ['T9'], over);
    const allocation = (tradeAmountMinor: number, lineId?: string, valueDate = '2024-03-20'): AllocationRecord => ({
        docType: 'allocation',
        tradeNo: 'T9',
        ...(lineId === undefined ? {} : { lineId }),
        receiptId: 'BankOrgMSP:R',
        bankMspId: 'BankOrgMSP',
        receiptAmountMinor: tradeAmountMinor,
        receiptCurrency: 'USD',
        rate: null,
        tradeAmountMinor,
        tradeCurrency: 'USD',
        valueDate,
        allocatedBy: seedSignature,
    });
    const source = (lineId: string, amount: number): LineSource => ({
        tradeNo: 'T9',
        lineId,
        goodsCode: 'G1',
        hsCode: '6109100021',
        qty: 1,
        amount,
        currency: 'USD',
        valueUsd: amount,
    });
    const t9: Trade = trade('T9', { lines: [line('L1', 10_000), line('L2', 20_000)], totalAmount: 30_000 });

    it('names paid-over-declared, declared-not-traded and traded-not-declared lines', () => {
        const d = decl({
            lines: [
                {
                    gNo: 1,
                    hsCode: '6109100021',
                    name: 'x',
                    qty: 1,
                    unit: 'PCS',
                    valueUsd: 8_000,
                    mergedChapter: null,
                    isItemised: true,
                    sources: [source('L1', 8_000)],
                },
            ],
        });
        const lines = reconcileTrade(t9, d, [allocation(10_000, 'L1')], '2024-03-25');
        expect(lines.map((l) => [l.lineId, l.mismatches.map((m) => m.code)])).toEqual([
            ['L1', ['RC_DECLARED_NOT_TRADED', 'RC_PAID_OVER_DECLARED']],
            ['L2', ['RC_TRADED_NOT_DECLARED']],
        ]);
    });

    it('names a line paid 90 days ago and never exported', () => {
        const open = { ...t9, status: 'CONFIRMED' as const, declNo: undefined };
        expect(
            reconcileTrade(open, undefined, [allocation(5_000)], '2024-07-01')[0]?.mismatches.map((m) => m.code),
        ).toEqual(['RC_PAID_NOT_EXPORTED']);
        expect(reconcileTrade(open, undefined, [allocation(5_000)], '2024-04-01')[0]?.mismatches).toEqual([]);
    });
});
