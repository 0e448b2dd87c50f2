import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { ExemptionContract } from '../../../chaincode/src/contracts/exemption';
import {
    guardExemption,
    nextMonth,
    type ExemptionGuardInput,
    type ExemptionTradeFacts,
} from '../../../chaincode/src/rules/exemption-guard';
import type { FakeIdentity, FakeLedger } from './support/fake-ledger';
import { agent, auditor, bank, consolidator, customs, operator, vendor } from './support/identities';
import { BANK1_MSP, agreement, declaration, seed, settlementLedger, standardWorld, trade } from './receipt-fixtures';
import { EXEMPTION_REASONS, type ExemptionReason } from '../../../chaincode/src/vocabulary';

const contract = new ExemptionContract();
let ledger: FakeLedger;

beforeEach(async () => {
    ledger = settlementLedger();
    await standardWorld(ledger);
    // T1 exited on 2024-03-20 (D1): its exemption period is 2024-04.
    await seed(ledger, [
        trade('T5', { declNo: 'D5' }),
        declaration('D5', ['T5']),
        trade('T6', { declNo: 'D6' }),
        declaration('D6', ['T6'], { exitDate: '2024-02-27' }),
        trade('T7', { status: 'EXPORTED', declNo: undefined }),
        trade('T8', { vendorId: 'V1', agentId: 'A2' }),
    ]);
    ledger.setTime('2024-04-10T08:00:00.000Z');
});

const filing = (over: Record<string, unknown> = {}): string =>
    JSON.stringify({ filingNo: 'EX1', merchantId: 'V1', period: '2024-04', tradeNos: ['T1'], ...over });

interface Filing {
    filingNo: string;
    status: string;
    filerRole: string;
    exportMonth: string;
    declNos: string[];
}

const fileAs = async (who: FakeIdentity, json = filing()): Promise<Filing> =>
    JSON.parse(await ledger.submit(who, (ctx: Context) => contract.FileExemption(ctx, json))) as Filing;

describe('FileExemption', () => {
    it('files a claim for an exported trade in the month after export, with one event', async () => {
        const record = await fileAs(vendor('V1'), filing({ tradeNos: ['T1', 'T5'] }));
        expect(record).toMatchObject({
            filingNo: 'EX1',
            status: 'FILED',
            filerRole: 'vendor',
            exportMonth: '2024-03',
            declNos: ['D1', 'D5'],
        });
        expect(ledger.lastTx?.events.map((e) => e.name)).toEqual(['ExemptionFiled']);
        const byTrade = await ledger.evaluate(customs(), (ctx) => contract.GetExemptionByTrade(ctx, 'T5'));
        expect(JSON.parse(byTrade)).toEqual({ tradeNo: 'T5', filingNo: 'EX1' });
    });

    it('lets the agent file for an entrusted export under a signed agency agreement', async () => {
        await seed(ledger, [agreement('AG1', 'SIGNED')]);
        await expect(fileAs(agent('A1'))).resolves.toMatchObject({ filerRole: 'agent' });
    });

    it('refuses the agent without a signed agreement, or for a trade it is not the agent of (V28)', async () => {
        await seed(ledger, [agreement('AG0', 'PENDING')]);
        await expect(fileAs(agent('A1'))).rejects.toThrow(/^RULE_V28: agent A1 has no signed agency agreement/);
        // T1 is A1's: to A2 it is a trade that does not exist, so the refusal is the missing agreement
        await expect(fileAs(agent('A2'))).rejects.toThrow(/^RULE_V28: agent A2 has no signed agency agreement/);
    });

    it('refuses a second claim on the same trade, by the vendor or its agent (V29, F10 double claim)', async () => {
        await seed(ledger, [agreement('AG1', 'SIGNED')]);
        await fileAs(vendor('V1'));
        await expect(fileAs(vendor('V1'), filing({ filingNo: 'EX2' }))).rejects.toThrow(
            /^RULE_V29: trade T1: CU09_ALREADY_EXEMPTED/,
        );
        await expect(fileAs(agent('A1'), filing({ filingNo: 'EX3' }))).rejects.toThrow(
            /^RULE_V29: trade T1: CU09_ALREADY_EXEMPTED/,
        );
    });

    it('makes concurrent claims on one trade conflict on its claim key', async () => {
        const first = await ledger.endorse(vendor('V1'), (ctx) => contract.FileExemption(ctx, filing()));
        const second = await ledger.endorse(vendor('V1'), (ctx) =>
            contract.FileExemption(ctx, filing({ filingNo: 'EX2' })),
        );
        ledger.commit(first.pending);
        expect(() => ledger.commit(second.pending)).toThrow(/MVCC_READ_CONFLICT/);
    });

    it.each([
        [
            'a trade not yet exported (V29, F10 premature)',
            filing({ tradeNos: ['T2'] }),
            /^RULE_V29: trade T2: CU09_NOT_EXPORTED/,
        ],
        [
            'an exported trade without exit evidence (V29)',
            filing({ tradeNos: ['T7'] }),
            /^RULE_V29: trade T7: CU09_NO_EXIT_DATE/,
        ],
        ['the wrong period (V28)', filing({ period: '2024-05' }), /^RULE_V28: trade T1: CU09_WRONG_PERIOD/],
        [
            'a period that has closed (V28)',
            filing({ period: '2024-03', tradeNos: ['T6'] }),
            /^RULE_V28: trade T6: CU09_PERIOD_CLOSED/,
        ],
        [
            'another vendor’s trade, as if it did not exist',
            filing({ tradeNos: ['T4'] }),
            /^NOT_FOUND: trade T4: CU09_TRADE_NOT_FOUND/,
        ],
        ['an unknown trade', filing({ tradeNos: ['NOPE'] }), /^NOT_FOUND: trade NOPE/],
        ['a trade listed twice', filing({ tradeNos: ['T1', 'T1'] }), /^INVALID: filing.tradeNos lists a trade twice/],
        ['an unknown field', filing({ amount: 1 }), /^INVALID: filing has unknown field\(s\): amount/],
        ['a malformed period', filing({ period: '2024-13' }), /^INVALID: filing.period must be a month/],
        ['no trades', filing({ tradeNos: [] }), /^INVALID: filing.tradeNos must have 1..200 items/],
    ])('refuses %s', async (_name, json, error) => {
        await expect(fileAs(vendor('V1'), json)).rejects.toThrow(error);
    });

    it('refuses a claim made before its period opens (V28, F10 premature)', async () => {
        ledger.setTime('2024-03-25T08:00:00.000Z');
        await expect(fileAs(vendor('V1'))).rejects.toThrow(/^RULE_V28: trade T1: CU09_PERIOD_NOT_OPEN/);
    });

    it('refuses a reused filing number and a merchant that is not ACTIVE', async () => {
        await fileAs(vendor('V1'));
        await expect(fileAs(vendor('V1'), filing({ tradeNos: ['T5'] }))).rejects.toThrow(
            /^CONFLICT: exemption filing EX1/,
        );
        await expect(fileAs(vendor('VS'), filing({ merchantId: 'VS' }))).rejects.toThrow(
            /^FORBIDDEN: caller party VS is SUSPENDED/,
        );
    });
});

describe('ExemptionGuard (CU-09) and CheckExemption', () => {
    it('passes a filed claim, and a proposal that repeats it fails as a double claim', async () => {
        await fileAs(vendor('V1'));
        const guard = JSON.parse(await ledger.evaluate(customs(), (ctx) => contract.ExemptionGuard(ctx, 'EX1'))) as {
            verdict: string;
            findings: { reason: string }[];
        };
        expect(guard).toMatchObject({ verdict: 'PASS', findings: [{ reason: 'CU09_OK' }] });
        const again = JSON.parse(
            await ledger.evaluate(vendor('V1'), (ctx) => contract.CheckExemption(ctx, filing({ filingNo: 'EX9' }))),
        ) as { verdict: string; findings: { reason: string }[] };
        expect(again).toMatchObject({ verdict: 'FAIL', findings: [{ reason: 'CU09_ALREADY_EXEMPTED' }] });
    });

    it('shows a vendor another vendor’s trade as a missing one, while customs sees whose it is', async () => {
        const check = async (who: FakeIdentity): Promise<unknown> =>
            JSON.parse(await ledger.evaluate(who, (ctx) => contract.CheckExemption(ctx, filing({ tradeNos: ['T4'] }))));

        expect(await check(vendor('V1'))).toMatchObject({
            findings: [{ tradeNo: 'T4', reason: 'CU09_TRADE_NOT_FOUND', exportMonth: null }],
        });
        expect(await check(customs())).toMatchObject({
            findings: [{ tradeNo: 'T4', reason: 'CU09_NOT_MERCHANT_TRADE' }],
        });
    });

    it('reports every trade of a proposal without writing anything', async () => {
        const raw = await ledger.evaluate(agent('A1'), (ctx) =>
            contract.CheckExemption(ctx, filing({ tradeNos: ['T1', 'T2'] })),
        );
        expect(JSON.parse(raw)).toMatchObject({
            verdict: 'FAIL',
            findings: [
                { tradeNo: 'T1', outcome: 'PASS', reason: 'CU09_OK' },
                { tradeNo: 'T2', outcome: 'FAIL', reason: 'CU09_NOT_EXPORTED' },
            ],
        });
        await expect(ledger.evaluate(customs(), (ctx) => contract.GetExemptionByTrade(ctx, 'T1'))).resolves.toContain(
            '"filingNo":null',
        );
    });
});

describe('lists and reads', () => {
    it('pages a merchant’s filings', async () => {
        await fileAs(vendor('V1'));
        await fileAs(vendor('V1'), filing({ filingNo: 'EX2', tradeNos: ['T5'] }));
        const page = JSON.parse(
            await ledger.evaluate(vendor('V1'), (ctx) => contract.ListExemptionsByMerchant(ctx, 'V1', '1', '')),
        ) as {
            items: { filingNo: string }[];
            bookmark: string;
        };
        expect(page.items.map((i) => i.filingNo)).toEqual(['EX1']);
        const next = JSON.parse(
            await ledger.evaluate(vendor('V1'), (ctx) =>
                contract.ListExemptionsByMerchant(ctx, 'V1', '1', page.bookmark),
            ),
        ) as { items: { filingNo: string }[] };
        expect(next.items.map((i) => i.filingNo)).toEqual(['EX2']);
        await expect(
            ledger.evaluate(operator(), (ctx) => contract.ListExemptionsByMerchant(ctx, 'V1', 'x', '')),
        ).rejects.toThrow(/^INVALID: pageSize/);
    });

    it('answers an empty page for a merchant without filings (a real peer sends no page metadata then)', async () => {
        const page = JSON.parse(
            await ledger.evaluate(vendor('V1'), (ctx) => contract.ListExemptionsByMerchant(ctx, 'V1', '50', '')),
        ) as unknown;

        expect(page).toEqual({ items: [], bookmark: '' });
    });

    it('answers NOT_FOUND for an unknown filing', async () => {
        await expect(ledger.evaluate(customs(), (ctx) => contract.GetExemption(ctx, 'NOPE'))).rejects.toThrow(
            /^NOT_FOUND:/,
        );
    });
});

describe('permissions (each cell called for real)', () => {
    beforeEach(async () => {
        await fileAs(vendor('V1'));
    });

    type Call = (ctx: Context) => Promise<string>;
    type Cell = [string, () => FakeIdentity, Call, boolean];
    const cell = (name: string, who: () => FakeIdentity, call: Call, write: boolean): Cell => [name, who, call, write];
    const fresh = filing({ filingNo: 'EX7', tradeNos: ['T5'] });

    const denied: Cell[] = [
        cell(
            'FileExemption by another vendor',
            () => vendor('V2'),
            (ctx) => contract.FileExemption(ctx, fresh),
            true,
        ),
        cell(
            'FileExemption by a bank',
            () => bank('BANK1', BANK1_MSP),
            (ctx) => contract.FileExemption(ctx, fresh),
            true,
        ),
        cell('FileExemption by customs', customs, (ctx) => contract.FileExemption(ctx, fresh), true),
        cell('FileExemption by the operator', operator, (ctx) => contract.FileExemption(ctx, fresh), true),
        cell(
            'CheckExemption by another vendor',
            () => vendor('V2'),
            (ctx) => contract.CheckExemption(ctx, fresh),
            false,
        ),
        cell(
            'CheckExemption by another agent',
            () => agent('A2'),
            (ctx) => contract.CheckExemption(ctx, fresh),
            false,
        ),
        cell(
            'CheckExemption by a bank',
            () => bank('BANK1', BANK1_MSP),
            (ctx) => contract.CheckExemption(ctx, fresh),
            false,
        ),
        cell(
            'GetExemption by a consolidator',
            () => consolidator('C1'),
            (ctx) => contract.GetExemption(ctx, 'EX1'),
            false,
        ),
        cell(
            'ExemptionGuard by a bank',
            () => bank('BANK1', BANK1_MSP),
            (ctx) => contract.ExemptionGuard(ctx, 'EX1'),
            false,
        ),
        cell(
            'ListExemptionsByMerchant by another vendor',
            () => vendor('V2'),
            (ctx) => contract.ListExemptionsByMerchant(ctx, 'V1', '10', ''),
            false,
        ),
        cell(
            'ListExemptionsByMerchant by an agent',
            () => agent('A1'),
            (ctx) => contract.ListExemptionsByMerchant(ctx, 'V1', '10', ''),
            false,
        ),
    ];

    it.each(denied)('denies %s', async (_name, who, call, write) => {
        const run = write ? ledger.submit(who(), call) : ledger.evaluate(who(), call);
        await expect(run).rejects.toThrow(/^FORBIDDEN:/);
    });

    /** Reads of one record the caller may not see: answered as if it did not exist, so IDs do not leak. */
    const hidden: Cell[] = [
        cell(
            'GetExemption by another vendor',
            () => vendor('V2'),
            (ctx) => contract.GetExemption(ctx, 'EX1'),
            false,
        ),
        cell(
            'ExemptionGuard by another vendor',
            () => vendor('V2'),
            (ctx) => contract.ExemptionGuard(ctx, 'EX1'),
            false,
        ),
        cell(
            'GetExemptionByTrade by another agent',
            () => agent('A2'),
            (ctx) => contract.GetExemptionByTrade(ctx, 'T1'),
            false,
        ),
    ];

    it.each(hidden)('answers %s as if the record did not exist', async (_name, who, call) => {
        await expect(ledger.evaluate(who(), call)).rejects.toThrow(/^NOT_FOUND: .* does not exist$/);
    });

    const allowed: Cell[] = [
        cell(
            'CheckExemption by the vendor',
            () => vendor('V1'),
            (ctx) => contract.CheckExemption(ctx, fresh),
            false,
        ),
        cell('CheckExemption by customs', customs, (ctx) => contract.CheckExemption(ctx, fresh), false),
        cell(
            'GetExemption by the vendor',
            () => vendor('V1'),
            (ctx) => contract.GetExemption(ctx, 'EX1'),
            false,
        ),
        cell('GetExemption by an auditor', auditor, (ctx) => contract.GetExemption(ctx, 'EX1'), false),
        cell('ExemptionGuard by the operator', operator, (ctx) => contract.ExemptionGuard(ctx, 'EX1'), false),
        cell(
            'GetExemptionByTrade by the trade’s agent',
            () => agent('A1'),
            (ctx) => contract.GetExemptionByTrade(ctx, 'T1'),
            false,
        ),
        cell(
            'ListExemptionsByMerchant by customs',
            customs,
            (ctx) => contract.ListExemptionsByMerchant(ctx, 'V1', '10', ''),
            false,
        ),
        cell(
            'FileExemption by the vendor',
            () => vendor('V1'),
            (ctx) => contract.FileExemption(ctx, fresh),
            true,
        ),
    ];

    it.each(allowed)('allows %s', async (_name, who, call, write) => {
        const run = write ? ledger.submit(who(), call) : ledger.evaluate(who(), call);
        await expect(run).resolves.toEqual(expect.any(String));
    });
});

describe('exemption guard rule', () => {
    const exported: ExemptionTradeFacts = {
        tradeNo: 'T',
        status: 'EXPORTED',
        vendorId: 'V1',
        exitDate: '2024-03-20',
        exemptedBy: null,
    };
    const input = (
        over: Partial<ExemptionTradeFacts> = {},
        top: Partial<ExemptionGuardInput> = {},
    ): ExemptionGuardInput => ({
        filingNo: null,
        merchantId: 'V1',
        period: '2024-04',
        filedMonth: '2024-04',
        trades: [{ ...exported, ...over }],
        ...top,
    });

    const cases: [ExemptionReason, ExemptionGuardInput][] = [
        ['CU09_OK', input()],
        ['CU09_TRADE_NOT_FOUND', input({ status: null })],
        ['CU09_NOT_MERCHANT_TRADE', input({ vendorId: 'V2' })],
        ['CU09_NOT_EXPORTED', input({ status: 'RELEASED' })],
        ['CU09_NO_EXIT_DATE', input({ exitDate: null })],
        ['CU09_ALREADY_EXEMPTED', input({ exemptedBy: 'OTHER' })],
        ['CU09_WRONG_PERIOD', input({ exitDate: '2024-04-01' })],
        ['CU09_PERIOD_NOT_OPEN', input({}, { filedMonth: '2024-03' })],
        ['CU09_PERIOD_CLOSED', input({}, { filedMonth: '2024-05' })],
    ];

    it.each(cases)('%s', (reason, guardInput) => {
        const result = guardExemption(guardInput);
        expect(result.findings[0]?.reason).toBe(reason);
        expect(result.verdict).toBe(reason === 'CU09_OK' ? 'PASS' : 'FAIL');
    });

    it('covers every reason code', () => {
        expect(cases.map(([reason]) => reason).sort()).toEqual(Object.keys(EXEMPTION_REASONS).sort());
    });

    it('treats the filing’s own claim as no double claim, and an empty filing as a failure', () => {
        expect(guardExemption(input({ exemptedBy: 'EX1' }, { filingNo: 'EX1' })).verdict).toBe('PASS');
        expect(guardExemption(input({}, { trades: [] })).verdict).toBe('FAIL');
    });

    it('rolls the month over at year end', () => {
        expect(nextMonth('2024-12')).toBe('2025-01');
        expect(nextMonth('2024-09')).toBe('2024-10');
        const december = input({ exitDate: '2024-12-31' }, { period: '2025-01', filedMonth: '2025-01' });
        expect(guardExemption(december).verdict).toBe('PASS');
    });
});
