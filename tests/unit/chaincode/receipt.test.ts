import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import type { FakeIdentity, FakeLedger } from './support/fake-ledger';
import { agent, auditor, bank, consolidator, customs, identity, operator, vendor } from './support/identities';
import { BANK1_MSP, BANK2_MSP, payerJson, seed, settlementLedger, standardWorld, trade } from './receipt-fixtures';
import { RecordType } from '../../../chaincode/src/vocabulary';
import { recordKey } from '../../../chaincode/src/model/keys';
import { type RiskFlag } from '../../../chaincode/src/model/records';

const contract = new ReceiptContract();
const bank1 = (): FakeIdentity => bank('BANK1', BANK1_MSP);
const bank2 = (): FakeIdentity => bank('BANK2', BANK2_MSP);

let ledger: FakeLedger;

beforeEach(async () => {
    ledger = settlementLedger();
    await standardWorld(ledger);
    ledger.setTime('2024-04-10T08:00:00.000Z');
});

interface ReceiptView {
    receiptId: string;
    status: string;
    allocatedMinor: number;
    unallocatedMinor: number;
    payerHash: string | null;
    flags: string[];
    usdEquivalentMinor: number | null;
    verification?: { verdict: string };
}

function receiptJson(over: Record<string, unknown> = {}): string {
    return JSON.stringify({
        receiptRef: 'R1',
        payeePartyId: 'V1',
        amountMinor: 100_000,
        currency: 'USD',
        valueDate: '2024-03-02',
        channel: 'SWIFT',
        allocations: [{ tradeNo: 'T1', amountMinor: 100_000 }],
        ...over,
    });
}

async function file(who: FakeIdentity, json = receiptJson(), payer: string | null = payerJson()): Promise<ReceiptView> {
    const raw = await ledger.submit(who, (ctx: Context) => contract.FileReceipt(ctx, json), {
        transient: payer === null ? {} : { payer },
    });
    return JSON.parse(raw) as ReceiptView;
}

const submit = (
    who: FakeIdentity,
    fn: (ctx: Context) => Promise<string>,
    transient: Record<string, string> = {},
): Promise<string> => ledger.submit(who, fn, { transient });
const evaluate = (
    who: FakeIdentity,
    fn: (ctx: Context) => Promise<string>,
    transient: Record<string, string> = {},
): Promise<string> => ledger.evaluate(who, fn, { transient });

function flag(flagId: string): RiskFlag {
    return ledger.read(`\u0000risk\u0000${flagId}\u0000`) as RiskFlag;
}

describe('FileReceipt', () => {
    it('files a receipt fully allocated to an exported trade as ALLOCATED, with one event', async () => {
        const receipt = await file(bank1());
        expect(receipt).toMatchObject({
            receiptId: 'BankOrgMSP:R1',
            status: 'ALLOCATED',
            allocatedMinor: 100_000,
            unallocatedMinor: 0,
            usdEquivalentMinor: 100_000,
            flags: [],
        });
        expect(ledger.lastTx?.events).toEqual([
            expect.objectContaining({
                name: 'ReceiptFiled',
                payload: expect.objectContaining({ receiptId: 'BankOrgMSP:R1' }),
            }),
        ]);
    });

    it('keeps payer details off the channel: private collection of the bank, salted hash on the channel', async () => {
        const receipt = await file(bank1());
        const onChannel = JSON.stringify(ledger.read('\u0000receipt\u0000BankOrgMSP\u0000R1\u0000'));
        expect(onChannel).not.toContain('Ahmed');
        expect(onChannel).not.toContain('AE0703');
        expect(receipt.payerHash).toMatch(/^[0-9a-f]{64}$/);
        const stored = ledger.privateValue('_implicit_org_BankOrgMSP', 'BankOrgMSP:R1');
        expect(JSON.parse(stored?.toString('utf8') ?? '{}')).toMatchObject({
            name: 'Ahmed Trading LLC',
            account: 'AE070331234567890123456',
        });
        const payer = await evaluate(bank1(), (ctx) => contract.GetReceiptPayer(ctx, 'BankOrgMSP:R1'));
        expect(JSON.parse(payer)).toMatchObject({ country: 'AE' });
    });

    it('puts a state-based endorsement policy "peer of the filing bank" on every key the receipt owns', async () => {
        await file(bank1());
        for (const key of [
            '\u0000receipt\u0000BankOrgMSP\u0000R1\u0000',
            '\u0000allocation\u0000T1\u0000BankOrgMSP\u0000R1\u0000',
            '\u0000idx~receipt~payee\u0000V1\u00002024\u0000BankOrgMSP\u0000R1\u0000',
        ]) {
            const parameter = ledger.validationParameter(key);
            expect(parameter).toBeDefined();
            expect(new KeyEndorsementPolicy(parameter).listOrgs()).toEqual([BANK1_MSP]);
        }
    });

    it('files a receipt with nothing allocated yet as RECEIVED', async () => {
        const receipt = await file(bank1(), receiptJson({ allocations: [] }));
        expect(receipt).toMatchObject({ status: 'RECEIVED', allocatedMinor: 0, unallocatedMinor: 100_000 });
    });

    it('keeps a prepayment for a trade not yet exported PENDING_EXPORT', async () => {
        const receipt = await file(
            bank1(),
            receiptJson({ payeePartyId: 'A1', allocations: [{ tradeNo: 'T2', amountMinor: 100_000 }] }),
        );
        expect(receipt.status).toBe('PENDING_EXPORT');
    });

    it('converts at the recorded rate and records the USD equivalent', async () => {
        const json = receiptJson({
            currency: 'EUR',
            usdRate: '1.08',
            amountMinor: 100_000,
            allocations: [{ tradeNo: 'T3', amountMinor: 100_000, rate: '7.1234' }],
        });
        const receipt = await file(bank1(), json);
        expect(receipt).toMatchObject({ status: 'ALLOCATED', usdEquivalentMinor: 108_000 });
        expect(ledger.read('\u0000allocation\u0000T3\u0000BankOrgMSP\u0000R1\u0000')).toMatchObject({
            tradeAmountMinor: 712_340,
            tradeCurrency: 'CNY',
            rate: '7.1234',
        });
    });

    it.each([
        ['an unknown field', receiptJson({ colour: 'red' }), /^INVALID: receipt has unknown field\(s\): colour/],
        ['a fractional amount', receiptJson({ amountMinor: 10.5 }), /^INVALID: receipt.amountMinor/],
        [
            'a future value date (V32)',
            receiptJson({ valueDate: '2030-01-01' }),
            /^RULE_V32: receipt.valueDate 2030-01-01 is after today 2024-04-10/,
        ],
        [
            'a missing rate between currencies',
            receiptJson({ allocations: [{ tradeNo: 'T3', amountMinor: 100_000 }] }),
            /^INVALID: a rate is required/,
        ],
        ['a usdRate on a USD receipt', receiptJson({ usdRate: '1' }), /^INVALID: usdRate must be omitted/],
        [
            'one trade twice',
            receiptJson({
                allocations: [
                    { tradeNo: 'T1', amountMinor: 1 },
                    { tradeNo: 'T1', amountMinor: 1 },
                ],
            }),
            /^INVALID: trade T1 appears twice/,
        ],
        [
            'an unknown trade',
            receiptJson({ allocations: [{ tradeNo: 'NOPE', amountMinor: 1 }] }),
            /^NOT_FOUND: trade NOPE/,
        ],
        [
            'a cancelled trade',
            receiptJson({ allocations: [{ tradeNo: 'TX', amountMinor: 1 }] }),
            /^PRECONDITION: trade TX is CANCELLED/,
        ],
        ['an unknown payee', receiptJson({ payeePartyId: 'NOBODY' }), /^NOT_FOUND: payee party NOBODY/],
        ['a buyer as payee', receiptJson({ payeePartyId: 'B1' }), /^PRECONDITION: payee B1 is a BUYER/],
        ['a suspended payee (V20)', receiptJson({ payeePartyId: 'VS' }), /^RULE_V20: payee VS is SUSPENDED/],
        [
            'the vendor paid for an agency-receipt trade (V24)',
            receiptJson({ allocations: [{ tradeNo: 'T2', amountMinor: 100_000 }] }),
            /^RULE_V24: trade T2 must be paid to its agent A1/,
        ],
        [
            'the agent paid for a vendor-receipt trade (V24)',
            receiptJson({ payeePartyId: 'A1' }),
            /^RULE_V24: trade T1 must be paid to its vendor V1/,
        ],
        [
            'more than value × 1.05 on one trade (V25)',
            receiptJson({ amountMinor: 105_001, allocations: [{ tradeNo: 'T1', amountMinor: 105_001 }] }),
            /^RULE_V25: trade T1/,
        ],
        [
            'allocations above the receipt amount (V25)',
            receiptJson({ amountMinor: 50_000 }),
            /^RULE_V25: allocations exceed the receipt amount/,
        ],
    ])('refuses %s', async (_name, json, error) => {
        await expect(file(bank1(), json)).rejects.toThrow(error);
    });

    it('refuses a second receipt with the same reference from the same bank, but not from another bank', async () => {
        await file(bank1(), receiptJson({ allocations: [] }));
        await expect(file(bank1(), receiptJson({ allocations: [] }))).rejects.toThrow(/^CONFLICT:/);
        await expect(file(bank2(), receiptJson({ allocations: [] }))).resolves.toMatchObject({
            receiptId: 'Bank2OrgMSP:R1',
        });
    });

    it('refuses transient payer details with unknown fields or a short salt', async () => {
        await expect(file(bank1(), receiptJson(), payerJson({ passport: 'X' }))).rejects.toThrow(
            /^INVALID: transient payer has unknown/,
        );
        await expect(file(bank1(), receiptJson(), payerJson({ salt: 'short' }))).rejects.toThrow(
            /^INVALID: transient payer.salt/,
        );
    });
});

describe('F2 and F9 signals', () => {
    it('a second bank may take the trade up to value × 1.05, and that raises an F2 flag naming no bank', async () => {
        await file(bank1());
        const second = await file(
            bank2(),
            receiptJson({ amountMinor: 5_000, allocations: [{ tradeNo: 'T1', amountMinor: 5_000 }] }),
        );
        expect(second.status).toBe('ALLOCATED');
        expect(second.flags).toHaveLength(1);
        const raised = flag(second.flags[0] ?? '');
        expect(raised).toMatchObject({
            ruleId: 'F2',
            subjectType: 'trade',
            subjectId: 'T1',
            severity: 'HIGH',
            status: 'OPEN',
        });
        expect(raised.evidence).toEqual({
            valueMinor: 100_000,
            currency: 'USD',
            allocatedMinor: 105_000,
            receiptCount: 2,
            bankCount: 2,
        });
    });

    it('refuses the same trade at a second bank beyond value × 1.05 (V25)', async () => {
        await file(bank1());
        await expect(
            file(bank2(), receiptJson({ amountMinor: 5_001, allocations: [{ tradeNo: 'T1', amountMinor: 5_001 }] })),
        ).rejects.toThrow(/^RULE_V25: trade T1: allocation of 5001 USD minor units exceeds the 5000 still allowed/);
    });

    it('rates an over-receipt by the same bank on two receipts MEDIUM', async () => {
        await file(bank1());
        const again = await file(
            bank1(),
            receiptJson({ receiptRef: 'R2', amountMinor: 100, allocations: [{ tradeNo: 'T1', amountMinor: 100 }] }),
        );
        expect(flag(again.flags[0] ?? '')).toMatchObject({ ruleId: 'F2', severity: 'MEDIUM' });
    });

    it('raises F9 when the money arrived before the trade was registered', async () => {
        await seed(ledger, [
            trade('T9', { registeredBy: { ...trade('T1').registeredBy, at: '2024-03-05T00:00:00.000Z' } }),
        ]);
        ledger.setTime('2024-03-10T00:00:00.000Z');
        const receipt = await file(
            bank1(),
            receiptJson({ valueDate: '2024-03-02', allocations: [{ tradeNo: 'T9', amountMinor: 100_000 }] }),
        );
        expect(receipt.flags).toHaveLength(1);
        expect(flag(receipt.flags[0] ?? '')).toMatchObject({
            ruleId: 'F9',
            subjectType: 'receipt',
            subjectId: 'BankOrgMSP:R1',
            evidence: { tradeNo: 'T9', valueDate: '2024-03-02', tradeRegisteredOn: '2024-03-05' },
        });
    });
});

describe('AllocateReceipt', () => {
    it('completes a RECEIVED receipt and refuses more once it is allocated', async () => {
        await file(bank1(), receiptJson({ allocations: [{ tradeNo: 'T1', amountMinor: 40_000 }] }));
        const partial = ledger.read('\u0000receipt\u0000BankOrgMSP\u0000R1\u0000') as ReceiptView;
        expect(partial.status).toBe('RECEIVED');
        const allocated = JSON.parse(
            await submit(bank1(), (ctx) =>
                contract.AllocateReceipt(
                    ctx,
                    'BankOrgMSP:R1',
                    JSON.stringify([{ tradeNo: 'T3', amountMinor: 60_000, rate: '7.1234' }]),
                ),
            ),
        ) as ReceiptView;
        expect(allocated).toMatchObject({ status: 'ALLOCATED', allocatedMinor: 100_000 });
        expect(ledger.lastTx?.events.map((e) => e.name)).toEqual(['ReceiptAllocated']);
        await expect(
            submit(bank1(), (ctx) =>
                contract.AllocateReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify([{ tradeNo: 'T4', amountMinor: 1 }])),
            ),
        ).rejects.toThrow(/^PRECONDITION: receipt BankOrgMSP:R1 is ALLOCATED/);
    });

    it('refuses a trade already in the receipt and allocations beyond the receipt amount', async () => {
        await file(bank1(), receiptJson({ allocations: [{ tradeNo: 'T1', amountMinor: 40_000 }] }));
        await expect(
            submit(bank1(), (ctx) =>
                contract.AllocateReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify([{ tradeNo: 'T1', amountMinor: 1 }])),
            ),
        ).rejects.toThrow(/^INVALID: trade T1 appears twice/);
        await expect(
            submit(bank1(), (ctx) =>
                contract.AllocateReceipt(
                    ctx,
                    'BankOrgMSP:R1',
                    JSON.stringify([{ tradeNo: 'T3', amountMinor: 60_001, rate: '7' }]),
                ),
            ),
        ).rejects.toThrow(/^RULE_V25: allocations exceed the receipt amount/);
    });

    it('cannot be committed without the filing bank endorsing (state-based endorsement)', async () => {
        await file(bank1(), receiptJson({ allocations: [] }));
        const { pending } = await ledger.endorse(
            bank1(),
            (ctx) =>
                contract.AllocateReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify([{ tradeNo: 'T1', amountMinor: 1_000 }])),
            { endorsers: ['MarketOrgMSP', 'CustomsOrgMSP', BANK2_MSP] },
        );
        expect(() => ledger.commit(pending)).toThrow(/ENDORSEMENT_POLICY_FAILURE/);
    });

    it('serialises two banks racing for the same trade: the later commit fails on a phantom read, no hot key', async () => {
        const first = await ledger.endorse(bank1(), (ctx) => contract.FileReceipt(ctx, receiptJson()));
        const second = await ledger.endorse(bank2(), (ctx) => contract.FileReceipt(ctx, receiptJson()));
        ledger.commit(first.pending);
        expect(() => ledger.commit(second.pending)).toThrow(/PHANTOM_READ_CONFLICT/);
        expect([...first.pending.writes.keys()].some((key) => key.includes('trade\u0000T1'))).toBe(false);
    });
});

describe('VerifyReceipt and SettleReceipt', () => {
    it('verifies a clean receipt (PASS → VERIFIED) and settles it once', async () => {
        await file(bank1());
        const verified = JSON.parse(
            await submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, 'BankOrgMSP:R1'), { payer: payerJson() }),
        ) as { receipt: ReceiptView; check: { verdict: string } };
        expect(verified.check.verdict).toBe('PASS');
        expect(verified.receipt).toMatchObject({ status: 'VERIFIED', verification: { verdict: 'PASS' } });
        expect(ledger.lastTx?.events.map((e) => e.name)).toEqual(['ReceiptVerified']);
        const settled = JSON.parse(
            await submit(bank1(), (ctx) =>
                contract.SettleReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify({ outcome: 'SETTLED' })),
            ),
        ) as ReceiptView;
        expect(settled.status).toBe('SETTLED');
        await expect(
            submit(bank1(), (ctx) =>
                contract.SettleReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify({ outcome: 'CREDITED' })),
            ),
        ).rejects.toThrow(/^PRECONDITION: receipt BankOrgMSP:R1 is SETTLED/);
        await expect(submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, 'BankOrgMSP:R1'))).rejects.toThrow(
            /^PRECONDITION: .*already SETTLED/,
        );
    });

    it('refuses payer details that do not match the filed hash', async () => {
        await file(bank1());
        await expect(
            submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, 'BankOrgMSP:R1'), {
                payer: payerJson({ name: 'Someone Else' }),
            }),
        ).rejects.toThrow(/^INVALID: transient payer does not match/);
    });

    it('keeps a prepayment pending until export, then verifies it', async () => {
        await file(
            bank1(),
            receiptJson({ payeePartyId: 'A1', allocations: [{ tradeNo: 'T2', amountMinor: 100_000 }] }),
        );
        const pending = JSON.parse(
            await submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, 'BankOrgMSP:R1'), { payer: payerJson() }),
        ) as { receipt: ReceiptView; check: { verdict: string; checks: { id: string; reason: string }[] } };
        expect(pending.receipt.status).toBe('PENDING_EXPORT');
        expect(pending.check.verdict).toBe('REFER');
        expect(pending.check.checks.find((c) => c.id === 'BK-03')?.reason).toBe('BK03_PENDING_EXPORT');
        await expect(
            submit(bank1(), (ctx) =>
                contract.SettleReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify({ outcome: 'SETTLED', reviewNote: 'ok' })),
            ),
        ).rejects.toThrow(/^PRECONDITION: receipt BankOrgMSP:R1 is PENDING_EXPORT/);
        await seed(ledger, [trade('T2', { status: 'EXPORTED', agencyReceipt: true, declNo: 'D2' }), declarationD2()]);
        const after = JSON.parse(
            await submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, 'BankOrgMSP:R1'), { payer: payerJson() }),
        ) as { receipt: ReceiptView };
        expect(after.receipt.status).toBe('VERIFIED');
    });

    it('settles a referred receipt only with a review note, and never a failed one', async () => {
        await file(bank1());
        // no payer details given: BK-05 refers
        await submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, 'BankOrgMSP:R1'));
        expect((ledger.read('\u0000receipt\u0000BankOrgMSP\u0000R1\u0000') as ReceiptView).status).toBe('ALLOCATED');
        await expect(
            submit(bank1(), (ctx) =>
                contract.SettleReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify({ outcome: 'SETTLED' })),
            ),
        ).rejects.toThrow(/^PRECONDITION: .*last verdict REFER/);
        const settled = JSON.parse(
            await submit(bank1(), (ctx) =>
                contract.SettleReceipt(
                    ctx,
                    'BankOrgMSP:R1',
                    JSON.stringify({ outcome: 'CREDITED', reviewNote: 'payer confirmed by phone' }),
                ),
            ),
        ) as ReceiptView;
        expect(settled.status).toBe('CREDITED');

        await file(bank1(), receiptJson({ receiptRef: 'R2', allocations: [] }));
        await seed(ledger, [{ ...((await partyOf('V1')) as object), status: 'SUSPENDED' } as never]);
        const failed = JSON.parse(await submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, 'BankOrgMSP:R2'))) as {
            check: { verdict: string };
            receipt: ReceiptView;
        };
        expect(failed.check.verdict).toBe('FAIL');
        expect(failed.receipt.status).toBe('RECEIVED');
        await expect(
            submit(bank1(), (ctx) =>
                contract.SettleReceipt(ctx, 'BankOrgMSP:R2', JSON.stringify({ outcome: 'SETTLED', reviewNote: 'x' })),
            ),
        ).rejects.toThrow(/^PRECONDITION:/);
    });

    it('refuses an unknown settlement outcome', async () => {
        await file(bank1());
        await expect(
            submit(bank1(), (ctx) =>
                contract.SettleReceipt(ctx, 'BankOrgMSP:R1', JSON.stringify({ outcome: 'BURNED' })),
            ),
        ).rejects.toThrow(/^INVALID: settlement.outcome must be one of SETTLED, CREDITED/);
    });
});

function declarationD2(): never {
    return {
        ...(JSON.parse(JSON.stringify(ledger.read('\u0000declaration\u0000D1\u0000'))) as object),
        declNo: 'D2',
        tradeNos: ['T2'],
    } as never;
}

async function partyOf(partyId: string): Promise<unknown> {
    return ledger.evaluate(operator(), async (ctx) => {
        const bytes = await ctx.stub.getState(recordKey(ctx, RecordType.party, partyId));
        return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    });
}

describe('what a second bank sees', () => {
    beforeEach(async () => {
        await file(bank1());
    });

    it('GetTradeSettlement gives amounts and a count of other banks, never which bank', async () => {
        const view = await evaluate(bank2(), (ctx) => contract.GetTradeSettlement(ctx, 'T1'));
        expect(JSON.parse(view)).toMatchObject({
            tradeNo: 'T1',
            valueMinor: 100_000,
            allocatedMinor: 100_000,
            remainingMinor: 0,
            headroomMinor: 5_000,
            settlementStatus: 'SETTLED',
            ownAllocatedMinor: 0,
            otherBanksCount: 1,
        });
        expect(view).not.toMatch(/BankOrgMSP|BANK1/);
    });

    it('CheckReceipt on a proposal fails BK-04 without naming the first bank', async () => {
        const proposal = { receipt: JSON.parse(receiptJson({ receiptRef: undefined, channel: undefined })) as object };
        const raw = await evaluate(bank2(), (ctx) => contract.CheckReceipt(ctx, JSON.stringify(proposal)), {
            payer: payerJson(),
        });
        const result = JSON.parse(raw) as { verdict: string; checks: { id: string; reason: string }[] };
        expect(result.verdict).toBe('FAIL');
        expect(result.checks.find((c) => c.id === 'BK-04')?.reason).toBe('BK04_AMOUNT_EXCEEDS_REMAINING');
        expect(raw).not.toMatch(/BankOrgMSP|BANK1/);
    });

    it("ListReceiptsByPayee: no item, bookmark or count a bank gets names another bank's receipt", async () => {
        await file(bank1(), receiptJson({ receiptRef: 'RA', allocations: [] }));
        await file(bank2(), receiptJson({ receiptRef: 'RB', allocations: [] }));
        await file(bank1(), receiptJson({ receiptRef: 'RC', allocations: [] }));
        const answers: string[] = [];
        const ids: string[] = [];
        let bookmark = '';
        do {
            const raw = await evaluate(bank1(), (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '1', bookmark));
            const page = JSON.parse(raw) as { items: { receiptId: string }[]; bookmark: string };
            answers.push(raw);
            ids.push(...page.items.map((i) => i.receiptId));
            bookmark = page.bookmark;
        } while (bookmark !== '' && answers.length < 10);

        expect(ids).toEqual([`${BANK1_MSP}:R1`, `${BANK1_MSP}:RA`, `${BANK1_MSP}:RC`]);
        expect(answers.join('\n')).not.toContain(BANK2_MSP);
        expect(answers.join('\n')).not.toContain('fetched');
        const all = JSON.parse(
            await evaluate(vendor('V1'), (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '10', '')),
        ) as { items: unknown[] };
        expect(all.items).toHaveLength(4);
    });

    it('ListReceiptsByTrade shows a bank only its own receipts', async () => {
        const own = JSON.parse(await evaluate(bank2(), (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '10', ''))) as {
            items: unknown[];
        };
        expect(own.items).toEqual([]);
        const all = JSON.parse(
            await evaluate(customs(), (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '10', '')),
        ) as {
            items: { receiptId: string }[];
        };
        expect(all.items.map((i) => i.receiptId)).toEqual(['BankOrgMSP:R1']);
    });
});

describe('CheckReceipt', () => {
    it('checks a filed receipt with the payer details from the bank’s own collection', async () => {
        await file(bank1());
        const result = JSON.parse(
            await evaluate(bank1(), (ctx) =>
                contract.CheckReceipt(ctx, JSON.stringify({ receiptId: 'BankOrgMSP:R1' })),
            ),
        ) as {
            verdict: string;
            checks: { id: string; reason: string }[];
            trades: { remainingMinor: number; allocatedBeforeMinor: number }[];
            records: { recordType: string; recordId: string; txId: string }[];
        };
        expect(result.verdict).toBe('PASS');
        expect(result.records.map((r) => [r.recordType, r.recordId])).toEqual(
            expect.arrayContaining([
                ['party', expect.any(String)],
                ['trade', expect.any(String)],
            ]),
        );
        expect(result.records.every((r) => /^.+$/.test(r.txId))).toBe(true);
        expect(result.trades[0]).toMatchObject({ allocatedBeforeMinor: 0, remainingMinor: 0 });
        expect(result.checks.find((c) => c.id === 'BK-05')?.reason).toBe('BK05_PAYER_IS_BUYER');
    });

    it('lets customs check a filed receipt, without payer details (BK-05 refers)', async () => {
        await file(bank1());
        const result = JSON.parse(
            await evaluate(customs(), (ctx) =>
                contract.CheckReceipt(ctx, JSON.stringify({ receiptId: 'BankOrgMSP:R1' })),
            ),
        ) as {
            verdict: string;
            checks: { id: string; reason: string }[];
        };
        expect(result.checks.find((c) => c.id === 'BK-05')?.reason).toBe('BK05_PAYER_NOT_PROVIDED');
    });

    it.each([
        ['both forms at once', { receiptId: 'BankOrgMSP:R1', receipt: {} }, /^INVALID: /],
        ['neither form', {}, /^INVALID: request must hold exactly one/],
        ['a malformed receipt id', { receiptId: 'R1' }, /^INVALID: receiptId must look like/],
    ])('refuses %s', async (_name, request, error) => {
        await expect(evaluate(bank1(), (ctx) => contract.CheckReceipt(ctx, JSON.stringify(request)))).rejects.toThrow(
            error,
        );
    });
});

describe('lists', () => {
    it('pages receipts by payee, filtered to the bank’s own for banks', async () => {
        await file(bank1());
        await file(bank1(), receiptJson({ receiptRef: 'R2', allocations: [] }));
        await file(bank2(), receiptJson({ receiptRef: 'R3', allocations: [] }));
        const first = JSON.parse(
            await evaluate(vendor('V1'), (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '2', '')),
        ) as {
            items: { receiptId: string }[];
            bookmark: string;
        };
        expect(first.items.map((i) => i.receiptId)).toEqual(['Bank2OrgMSP:R3', 'BankOrgMSP:R1']);
        const second = JSON.parse(
            await evaluate(vendor('V1'), (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '2', first.bookmark)),
        ) as {
            items: { receiptId: string }[];
            bookmark: string;
        };
        expect(second.items.map((i) => i.receiptId)).toEqual(['BankOrgMSP:R2']);
        expect(second.bookmark).toBe('');
        const forBank2 = JSON.parse(
            await evaluate(bank2(), (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '10', '')),
        ) as {
            items: { receiptId: string }[];
        };
        expect(forBank2.items.map((i) => i.receiptId)).toEqual(['Bank2OrgMSP:R3']);
    });

    it('refuses a page size out of range', async () => {
        await expect(evaluate(customs(), (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '0', ''))).rejects.toThrow(
            /^INVALID: pageSize/,
        );
        await expect(evaluate(customs(), (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '501', ''))).rejects.toThrow(
            /^INVALID: pageSize/,
        );
    });
});

describe('permissions (each cell called for real)', () => {
    beforeEach(async () => {
        await file(bank1());
    });

    const receiptId = 'BankOrgMSP:R1';
    const settle = JSON.stringify({ outcome: 'SETTLED' });
    const alloc = JSON.stringify([{ tradeNo: 'T1', amountMinor: 1 }]);
    const check = JSON.stringify({ receiptId });

    type Call = (ctx: Context) => Promise<string>;
    type Cell = [string, () => FakeIdentity, Call, boolean];
    const cell = (name: string, who: () => FakeIdentity, call: Call, write: boolean): Cell => [name, who, call, write];
    const denied: Cell[] = [
        cell(
            'FileReceipt by a vendor',
            () => vendor('V1'),
            (ctx) => contract.FileReceipt(ctx, receiptJson({ receiptRef: 'Z' })),
            true,
        ),
        cell(
            'FileReceipt by customs',
            customs,
            (ctx) => contract.FileReceipt(ctx, receiptJson({ receiptRef: 'Z' })),
            true,
        ),
        cell(
            'FileReceipt by a bank role from MarketOrgMSP',
            () => identity('bank', 'BANK1', 'MarketOrgMSP'),
            (ctx) => contract.FileReceipt(ctx, receiptJson({ receiptRef: 'Z' })),
            true,
        ),
        cell(
            'FileReceipt by a bank certificate naming another bank’s party',
            () => bank('BANK1', BANK2_MSP),
            (ctx) => contract.FileReceipt(ctx, receiptJson({ receiptRef: 'Z' })),
            true,
        ),
        cell(
            'FileReceipt without mpt.party',
            () => identity('bank', undefined, BANK1_MSP),
            (ctx) => contract.FileReceipt(ctx, receiptJson({ receiptRef: 'Z' })),
            true,
        ),
        cell('AllocateReceipt by another bank', bank2, (ctx) => contract.AllocateReceipt(ctx, receiptId, alloc), true),
        cell(
            'AllocateReceipt by the operator',
            operator,
            (ctx) => contract.AllocateReceipt(ctx, receiptId, alloc),
            true,
        ),
        cell('VerifyReceipt by another bank', bank2, (ctx) => contract.VerifyReceipt(ctx, receiptId), true),
        cell('VerifyReceipt by customs', customs, (ctx) => contract.VerifyReceipt(ctx, receiptId), true),
        cell('SettleReceipt by another bank', bank2, (ctx) => contract.SettleReceipt(ctx, receiptId, settle), true),
        cell(
            'SettleReceipt by the payee',
            () => vendor('V1'),
            (ctx) => contract.SettleReceipt(ctx, receiptId, settle),
            true,
        ),
        cell(
            'GetReceipt by a consolidator',
            () => consolidator('C1'),
            (ctx) => contract.GetReceipt(ctx, receiptId),
            false,
        ),
        cell('GetReceiptPayer by customs', customs, (ctx) => contract.GetReceiptPayer(ctx, receiptId), false),
        cell(
            'ListReceiptsByTrade by a consolidator',
            () => consolidator('C1'),
            (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '10', ''),
            false,
        ),
        cell(
            'ListReceiptsByPayee by another vendor',
            () => vendor('V2'),
            (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '10', ''),
            false,
        ),
        cell(
            'ListReceiptsByPayee by another agent',
            () => agent('A2'),
            (ctx) => contract.ListReceiptsByPayee(ctx, 'A1', '10', ''),
            false,
        ),
        cell('CheckReceipt of another bank’s receipt', bank2, (ctx) => contract.CheckReceipt(ctx, check), false),
        cell(
            'CheckReceipt by the payee',
            () => vendor('V1'),
            (ctx) => contract.CheckReceipt(ctx, check),
            false,
        ),
        cell(
            'GetTradeSettlement by a consolidator',
            () => consolidator('C1'),
            (ctx) => contract.GetTradeSettlement(ctx, 'T1'),
            false,
        ),
    ];

    it.each(denied)('denies %s', async (_name, who, call, write) => {
        const run = write ? ledger.submit(who(), call) : ledger.evaluate(who(), call);
        await expect(run).rejects.toThrow(/^FORBIDDEN:/);
    });

    /** Reads of one record the caller may not see: answered as if it did not exist, so IDs do not leak. */
    const hidden: Cell[] = [
        cell('GetReceipt by another bank', bank2, (ctx) => contract.GetReceipt(ctx, receiptId), false),
        cell(
            'GetReceipt by another vendor',
            () => vendor('V2'),
            (ctx) => contract.GetReceipt(ctx, receiptId),
            false,
        ),
        cell('GetReceiptPayer by another bank', bank2, (ctx) => contract.GetReceiptPayer(ctx, receiptId), false),
        cell(
            'ListReceiptsByTrade by another vendor',
            () => vendor('V2'),
            (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '10', ''),
            false,
        ),
        cell(
            'GetTradeSettlement by another vendor',
            () => vendor('V2'),
            (ctx) => contract.GetTradeSettlement(ctx, 'T1'),
            false,
        ),
    ];

    it.each(hidden)('answers %s as if the record did not exist', async (_name, who, call) => {
        await expect(ledger.evaluate(who(), call)).rejects.toThrow(/^NOT_FOUND: .* does not exist$/);
    });

    const allowed: Cell[] = [
        cell('GetReceipt by the filing bank', bank1, (ctx) => contract.GetReceipt(ctx, receiptId), false),
        cell('GetReceipt by customs', customs, (ctx) => contract.GetReceipt(ctx, receiptId), false),
        cell('GetReceipt by the operator', operator, (ctx) => contract.GetReceipt(ctx, receiptId), false),
        cell('GetReceipt by an auditor', auditor, (ctx) => contract.GetReceipt(ctx, receiptId), false),
        cell(
            'GetReceipt by the payee vendor',
            () => vendor('V1'),
            (ctx) => contract.GetReceipt(ctx, receiptId),
            false,
        ),
        cell('GetReceiptPayer by the filing bank', bank1, (ctx) => contract.GetReceiptPayer(ctx, receiptId), false),
        cell(
            'ListReceiptsByTrade by the trade’s vendor',
            () => vendor('V1'),
            (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '10', ''),
            false,
        ),
        cell(
            'ListReceiptsByTrade by the trade’s agent',
            () => agent('A1'),
            (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '10', ''),
            false,
        ),
        cell('ListReceiptsByTrade by a bank', bank2, (ctx) => contract.ListReceiptsByTrade(ctx, 'T1', '10', ''), false),
        cell(
            'ListReceiptsByPayee by the operator',
            operator,
            (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '10', ''),
            false,
        ),
        cell('ListReceiptsByPayee by a bank', bank1, (ctx) => contract.ListReceiptsByPayee(ctx, 'V1', '10', ''), false),
        cell('CheckReceipt by the filing bank', bank1, (ctx) => contract.CheckReceipt(ctx, check), false),
        cell('CheckReceipt by the operator', operator, (ctx) => contract.CheckReceipt(ctx, check), false),
        cell('GetTradeSettlement by customs', customs, (ctx) => contract.GetTradeSettlement(ctx, 'T1'), false),
        cell(
            'GetTradeSettlement by the trade’s agent',
            () => agent('A1'),
            (ctx) => contract.GetTradeSettlement(ctx, 'T1'),
            false,
        ),
        cell('GetTradeSettlement by a bank', bank2, (ctx) => contract.GetTradeSettlement(ctx, 'T1'), false),
    ];

    it.each(allowed)('allows %s', async (_name, who, call) => {
        await expect(ledger.evaluate(who(), call)).resolves.toEqual(expect.any(String));
    });

    it('allows the write transactions to the filing bank (called for real above and here)', async () => {
        await expect(
            submit(bank1(), (ctx) => contract.VerifyReceipt(ctx, receiptId), { payer: payerJson() }),
        ).resolves.toContain('VERIFIED');
        await expect(submit(bank1(), (ctx) => contract.SettleReceipt(ctx, receiptId, settle))).resolves.toContain(
            'SETTLED',
        );
        await file(bank1(), receiptJson({ receiptRef: 'R5', allocations: [] }));
        await expect(
            submit(bank1(), (ctx) =>
                contract.AllocateReceipt(
                    ctx,
                    'BankOrgMSP:R5',
                    JSON.stringify([{ tradeNo: 'T3', amountMinor: 10, rate: '7' }]),
                ),
            ),
        ).resolves.toContain('RECEIVED');
    });

    it('refuses a bank acting while its party is suspended', async () => {
        await seed(ledger, [{ ...((await partyOf('BANK1')) as object), status: 'SUSPENDED' } as never]);
        await expect(file(bank1(), receiptJson({ receiptRef: 'R6' }))).rejects.toThrow(
            /^FORBIDDEN: caller party BANK1 is SUSPENDED/,
        );
    });
});
