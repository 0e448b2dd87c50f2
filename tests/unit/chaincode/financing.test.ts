import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { FinancingContract } from '../../../chaincode/src/contracts/financing';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import type { FakeIdentity, FakeLedger } from './support/fake-ledger';
import { bank, vendor } from './support/identities';
import {
    BANK1_MSP,
    BANK2_MSP,
    declaration,
    payerJson,
    seed,
    settlementLedger,
    standardWorld,
} from './receipt-fixtures';

const financings = new FinancingContract();
const receipts = new ReceiptContract();
const bank1 = (): FakeIdentity => bank('BANK1', BANK1_MSP);
const bank2 = (): FakeIdentity => bank('BANK2', BANK2_MSP);

let ledger: FakeLedger;

beforeEach(async () => {
    ledger = settlementLedger();
    await standardWorld(ledger);
    ledger.setTime('2024-04-10T08:00:00.000Z');
});

interface FinancingView {
    financingId: string;
    status: string;
    items: { tradeNo: string; amountMinor: number; currency: string }[];
    termsHash: string | null;
    settledByReceiptId?: string;
}

interface SettlementView {
    allocatedMinor: number;
    financingStatus: string;
    financedMinor: number;
    financingCount: number;
    financingBanksCount: number;
    ownFinancedMinor?: number;
}

const EXITED_DECL = '292020240000000007';
const RELEASED_DECL = '292020240000000008';
const TERMS = JSON.stringify({ salt: 'salt-0123456789abcdef', loanAccount: 'LOAN-77', annualRateBps: 420 });

function financeJson(ref: string, items: [string, number][], over: Record<string, unknown> = {}): string {
    return JSON.stringify({
        financingRef: ref,
        borrowerPartyId: 'V1',
        items: items.map(([tradeNo, amountMinor]) => ({ tradeNo, amountMinor })),
        ...over,
    });
}

async function finance(who: FakeIdentity, json: string, terms?: string): Promise<FinancingView> {
    const raw = await ledger.submit(who, (ctx: Context) => financings.FinanceTrades(ctx, json), {
        transient: terms === undefined ? {} : { terms },
    });
    return JSON.parse(raw) as FinancingView;
}

async function close(who: FakeIdentity, financingId: string, body: Record<string, unknown>): Promise<FinancingView> {
    const raw = await ledger.submit(who, (ctx) => financings.CloseFinancing(ctx, financingId, JSON.stringify(body)));
    return JSON.parse(raw) as FinancingView;
}

async function settlement(who: FakeIdentity, tradeNo: string): Promise<SettlementView> {
    return JSON.parse(await ledger.evaluate(who, (ctx) => receipts.GetTradeSettlement(ctx, tradeNo))) as SettlementView;
}

async function fileReceipt(who: FakeIdentity, ref: string, tradeNo: string, amountMinor: number): Promise<void> {
    const json = JSON.stringify({
        receiptRef: ref,
        payeePartyId: 'V1',
        amountMinor,
        currency: 'USD',
        valueDate: '2024-04-01',
        channel: 'SWIFT',
        allocations: [{ tradeNo, amountMinor }],
    });
    await ledger.submit(who, (ctx) => receipts.FileReceipt(ctx, json), { transient: { payer: payerJson() } });
}

describe('FinanceTrades (V33)', () => {
    it('finances an exported trade for the party its income goes to, shows the trade FINANCED, one event', async () => {
        const financing = await finance(bank1(), financeJson('F1', [['T1', 60_000]]), TERMS);
        expect(financing).toMatchObject({
            financingId: 'BankOrgMSP:F1',
            status: 'OPEN',
            items: [{ tradeNo: 'T1', amountMinor: 60_000, currency: 'USD' }],
        });
        expect(financing.termsHash).toMatch(/^[0-9a-f]{64}$/);
        expect(ledger.lastTx?.events.map((e) => e.name)).toEqual(['TradesFinanced']);
        expect(await settlement(bank1(), 'T1')).toMatchObject({
            financingStatus: 'FINANCED',
            financedMinor: 60_000,
            financingCount: 1,
            financingBanksCount: 1,
            ownFinancedMinor: 60_000,
        });
    });

    it('keeps the financing terms in the bank’s private collection only', async () => {
        await finance(bank1(), financeJson('F1', [['T1', 60_000]]), TERMS);
        const terms = ledger.privateValue(`_implicit_org_${BANK1_MSP}`, 'BankOrgMSP:F1');
        expect(JSON.parse(terms?.toString() ?? '{}')).toMatchObject({ loanAccount: 'LOAN-77', annualRateBps: 420 });
        const onChannel = JSON.stringify(ledger.read('\u0000financing\u0000BankOrgMSP\u0000F1\u0000'));
        expect(onChannel).not.toContain('LOAN-77');
    });

    it('refuses a second financing of the same value at the other bank (F2 一单多融), writing nothing', async () => {
        await finance(bank1(), financeJson('F1', [['T1', 60_000]]));
        const before = ledger.keysInRange(
            '\u0000financedShare\u0000T1\u0000',
            '\u0000financedShare\u0000T1\u0000\u{10ffff}',
        );
        await expect(finance(bank2(), financeJson('F2', [['T1', 60_000]]))).rejects.toThrow(
            /^RULE_V33: financing 60000 of trade T1 exceeds the 40000 still financeable/,
        );
        const after = ledger.keysInRange(
            '\u0000financedShare\u0000T1\u0000',
            '\u0000financedShare\u0000T1\u0000\u{10ffff}',
        );
        expect(after).toEqual(before);
        // what is left may still be financed, and then nothing more by anyone
        await finance(bank2(), financeJson('F2', [['T1', 40_000]]));
        await expect(finance(bank1(), financeJson('F3', [['T1', 1]]))).rejects.toThrow(/^RULE_V33: /);
        expect(await settlement(bank1(), 'T1')).toMatchObject({ financedMinor: 100_000, financingBanksCount: 2 });
    });

    it('refuses financing beyond the value, or beyond what receipts already paid', async () => {
        await expect(finance(bank1(), financeJson('F1', [['T1', 100_001]]))).rejects.toThrow(/^RULE_V33: /);
        await fileReceipt(bank2(), 'R1', 'T1', 30_000);
        await expect(finance(bank1(), financeJson('F1', [['T1', 70_001]]))).rejects.toThrow(
            /exceeds the 70000 still financeable \(value 100000, received 30000, financed by all banks 0\)/,
        );
        await expect(finance(bank1(), financeJson('F1', [['T1', 70_000]]))).resolves.toMatchObject({ status: 'OPEN' });
    });

    it('two banks financing the same trade at once: the second commit is refused by the ledger', async () => {
        const first = await ledger.endorse(bank1(), (ctx) =>
            financings.FinanceTrades(ctx, financeJson('F1', [['T1', 60_000]])),
        );
        const second = await ledger.endorse(bank2(), (ctx) =>
            financings.FinanceTrades(ctx, financeJson('F2', [['T1', 60_000]])),
        );
        ledger.commit(first.pending);
        expect(() => ledger.commit(second.pending)).toThrow(/PHANTOM_READ_CONFLICT/);
    });

    it('finances only exported trades of the right borrower, filed and active', async () => {
        await expect(finance(bank1(), financeJson('F1', [['T2', 1_000]]))).rejects.toThrow(
            'RULE_V33: trade T2 is CONFIRMED; only an exported, filed trade may be financed',
        );
        await expect(finance(bank1(), financeJson('F1', [['T1', 1_000]], { borrowerPartyId: 'A1' }))).rejects.toThrow(
            /^RULE_V24: the income of trade T1 goes to V1/,
        );
        await expect(finance(bank1(), financeJson('F1', [['T1', 1_000]], { borrowerPartyId: 'VS' }))).rejects.toThrow(
            /^RULE_V20: borrower VS is SUSPENDED/,
        );
        await expect(finance(bank1(), financeJson('F1', [['TX', 1_000]]))).rejects.toThrow(
            /^RULE_V33: trade TX is CANCELLED/,
        );
        await expect(
            finance(
                bank1(),
                financeJson('F1', [
                    ['T1', 1_000],
                    ['T1', 2_000],
                ]),
            ),
        ).rejects.toThrow(/^INVALID: /);
    });

    it('finances a whole exited declaration at each trade’s remaining value', async () => {
        await seed(ledger, [
            declaration(EXITED_DECL, ['T1', 'T3']),
            declaration(RELEASED_DECL, ['T1'], { status: 'RELEASED', exitDate: undefined }),
        ]);
        await fileReceipt(bank1(), 'R1', 'T1', 25_000);
        const byDecl = (ref: string, declNo: string): string =>
            JSON.stringify({ financingRef: ref, borrowerPartyId: 'V1', declNo });
        await expect(finance(bank1(), byDecl('FR', RELEASED_DECL))).rejects.toThrow(
            `RULE_V33: declaration ${RELEASED_DECL} is RELEASED; only an exited declaration may be financed`,
        );
        const financing = await finance(bank1(), byDecl('FD', EXITED_DECL));
        expect(financing.items).toEqual([
            { tradeNo: 'T1', amountMinor: 75_000, currency: 'USD' },
            { tradeNo: 'T3', amountMinor: 712_340, currency: 'CNY' },
        ]);
        // the declaration is now fully financed: another bank's financing of it is refused
        await expect(finance(bank2(), byDecl('FD2', EXITED_DECL))).rejects.toThrow(
            'RULE_V33: trade T1 has nothing left to finance',
        );
    });

    it('refuses a financing reference the bank already used', async () => {
        await finance(bank1(), financeJson('F1', [['T1', 1_000]]));
        await expect(finance(bank1(), financeJson('F1', [['T4', 1_000]], { borrowerPartyId: 'V2' }))).rejects.toThrow(
            'CONFLICT: financing F1 of BankOrgMSP is already filed',
        );
    });

    it('is a bank transaction only', async () => {
        await expect(
            ledger.submit(vendor('V1'), (ctx) => financings.FinanceTrades(ctx, financeJson('F1', [['T1', 1_000]]))),
        ).rejects.toThrow(/^FORBIDDEN: role vendor may not call FinancingContract.FinanceTrades/);
    });
});

describe('CloseFinancing', () => {
    it('repayment closes the financing and frees the trade for another financing', async () => {
        await finance(bank1(), financeJson('F1', [['T1', 100_000]]));
        const closed = await close(bank1(), 'BankOrgMSP:F1', { outcome: 'REPAID', note: 'repaid early' });
        expect(closed.status).toBe('REPAID');
        expect(ledger.lastTx?.events.map((e) => e.name)).toEqual(['FinancingClosed']);
        expect(await settlement(bank2(), 'T1')).toMatchObject({
            financingStatus: 'FINANCING_CLOSED',
            financedMinor: 0,
        });
        await expect(finance(bank2(), financeJson('F2', [['T1', 100_000]]))).resolves.toMatchObject({ status: 'OPEN' });
        await expect(close(bank1(), 'BankOrgMSP:F1', { outcome: 'REPAID' })).rejects.toThrow(
            'PRECONDITION: financing BankOrgMSP:F1 is already REPAID',
        );
    });

    it('settles by the financed income: a receipt of the same bank paying a financed trade', async () => {
        await finance(bank1(), financeJson('F1', [['T1', 50_000]]));
        await fileReceipt(bank1(), 'R1', 'T1', 50_000);
        await fileReceipt(bank2(), 'R2', 'T1', 10_000);
        await expect(
            close(bank1(), 'BankOrgMSP:F1', { outcome: 'SETTLED', receiptId: 'Bank2OrgMSP:R2' }),
        ).rejects.toThrow(/^FORBIDDEN: receipt Bank2OrgMSP:R2 is not of the financing bank/);
        await expect(close(bank1(), 'BankOrgMSP:F1', { outcome: 'SETTLED' })).rejects.toThrow(/^INVALID: /);
        const settled = await close(bank1(), 'BankOrgMSP:F1', { outcome: 'SETTLED', receiptId: 'BankOrgMSP:R1' });
        expect(settled).toMatchObject({ status: 'SETTLED', settledByReceiptId: 'BankOrgMSP:R1' });
    });

    it('refuses settling with a receipt that pays none of the financed trades', async () => {
        await finance(bank1(), financeJson('F1', [['T1', 50_000]]));
        await ledger.submit(bank1(), (ctx) =>
            receipts.FileReceipt(
                ctx,
                JSON.stringify({
                    receiptRef: 'R9',
                    payeePartyId: 'V2',
                    amountMinor: 1_000,
                    currency: 'USD',
                    valueDate: '2024-04-01',
                    channel: 'SWIFT',
                    allocations: [{ tradeNo: 'T4', amountMinor: 1_000 }],
                }),
            ),
        );
        await expect(
            close(bank1(), 'BankOrgMSP:F1', { outcome: 'SETTLED', receiptId: 'BankOrgMSP:R9' }),
        ).rejects.toThrow('PRECONDITION: receipt BankOrgMSP:R9 pays none of the financed trades');
    });
});

describe('what the other bank sees (V33/V34): counts and totals only', () => {
    beforeEach(async () => {
        await finance(bank1(), financeJson('F1', [['T1', 60_000]]), TERMS);
    });

    it('answers another bank’s financing like a missing one, and lists only its own', async () => {
        await expect(ledger.evaluate(bank2(), (ctx) => financings.GetFinancing(ctx, 'BankOrgMSP:F1'))).rejects.toThrow(
            'NOT_FOUND: financing BankOrgMSP:F1 does not exist',
        );
        await expect(
            ledger.submit(bank2(), (ctx) => financings.CloseFinancing(ctx, 'BankOrgMSP:F1', '{"outcome":"REPAID"}')),
        ).rejects.toThrow('NOT_FOUND: financing BankOrgMSP:F1 does not exist');
        const listed = JSON.parse(
            await ledger.evaluate(bank2(), (ctx) => financings.ListFinancingsByTrade(ctx, 'T1', '10', '')),
        ) as { items: unknown[] };
        expect(listed.items).toEqual([]);
        const own = JSON.parse(
            await ledger.evaluate(bank1(), (ctx) => financings.ListFinancingsByTrade(ctx, 'T1', '10', '')),
        ) as { items: { financingId: string }[] };
        expect(own.items.map((i) => i.financingId)).toEqual(['BankOrgMSP:F1']);
    });

    it('shows the other bank the total and count in the settlement view, never the bank', async () => {
        const view = await settlement(bank2(), 'T1');
        expect(view).toMatchObject({
            financingStatus: 'FINANCED',
            financedMinor: 60_000,
            financingBanksCount: 1,
            ownFinancedMinor: 0,
        });
        expect(JSON.stringify(view)).not.toContain('BankOrgMSP');
        expect(JSON.stringify(view)).not.toContain('BANK1');
    });

    it('refers the other bank’s receipt on financed income (BK-10), naming no bank; passes the financing bank', async () => {
        const proposal = (ref: string): string =>
            JSON.stringify({
                receipt: {
                    receiptRef: ref,
                    payeePartyId: 'V1',
                    amountMinor: 40_000,
                    currency: 'USD',
                    valueDate: '2024-04-01',
                    allocations: [{ tradeNo: 'T1', amountMinor: 40_000 }],
                },
            });
        type Check = { checks: { id: string; reason: string; findings: { detail: Record<string, unknown> }[] }[] };
        const other = JSON.parse(
            await ledger.evaluate(bank2(), (ctx) => receipts.CheckReceipt(ctx, proposal('R2'))),
        ) as Check;
        const bk10 = other.checks.find((c) => c.id === 'BK-10');
        expect(bk10?.reason).toBe('BK10_FINANCED_BY_OTHER_BANK');
        expect(bk10?.findings[0]?.detail).toMatchObject({ financedByOthersMinor: 60_000, otherFinancingBanks: 1 });
        expect(JSON.stringify(other)).not.toContain('BankOrgMSP');
        const own = JSON.parse(
            await ledger.evaluate(bank1(), (ctx) => receipts.CheckReceipt(ctx, proposal('R1'))),
        ) as Check;
        expect(own.checks.find((c) => c.id === 'BK-10')?.reason).toBe('BK10_FINANCED_BY_THIS_BANK');
    });
});
