import { describe, expect, it } from '@jest/globals';
import {
    type BankCheckFacts,
    type CheckId,
    type ReceiptUnderCheck,
    type TradeFacts,
    expectedPayee,
    normaliseName,
    runBankCheck,
    worst,
} from '../../../chaincode/src/rules/bank-check';
import { type BankCheckReason, BANK_CHECK_REASONS } from '../../../chaincode/src/vocabulary';
import type { ExchangeRates } from '../../../chaincode/src/model/records';

/** Customs' published rates (V31): 0.14 USD per CNY, i.e. about 7.1429 CNY per USD. */
const APRIL_RATES: ExchangeRates = {
    docType: 'exchangeRates',
    month: '2024-04',
    version: 1,
    rates: [{ currency: 'CNY', rate: '0.14' }],
    publishedBy: {
        mspId: 'CustomsOrgMSP',
        id: 'x',
        role: 'customs',
        party: null,
        txId: 'tx-rates',
        at: '2024-03-30T00:00:00.000Z',
    },
};

const trade = (over: Partial<TradeFacts> = {}): TradeFacts => ({
    tradeNo: 'T1',
    state: 'EXPORTED',
    merchantId: 'V1',
    agentId: 'A1',
    buyerId: 'B1',
    agencyReceipt: false,
    valueMinor: 100_000,
    currency: 'USD',
    registeredOn: '2024-03-01',
    allocatedByOthersMinor: 0,
    otherReceiptCount: 0,
    otherBanksCount: 0,
    financedByOthersMinor: 0,
    otherFinancingBanksCount: 0,
    financedByThisBankMinor: 0,
    lines: [{ lineId: 'L1', amount: 100_000 }],
    otherLineCredits: [],
    ...over,
});

const receipt = (over: Partial<ReceiptUnderCheck> = {}): ReceiptUnderCheck => ({
    receiptRef: 'BankOrgMSP:R1',
    payeePartyId: 'V1',
    amountMinor: 100_000,
    currency: 'USD',
    valueDate: '2024-04-10',
    usdEquivalentMinor: 100_000,
    allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: null }],
    payer: { name: 'Ahmed Trading LLC', country: 'AE', thirdPartyReason: null },
    ...over,
});

const facts = (over: Partial<BankCheckFacts> = {}): BankCheckFacts => ({
    payee: { partyId: 'V1', status: 'ACTIVE', inSafeDirectory: null },
    trades: [trade()],
    declarations: [
        { declNo: 'D1', status: 'EXITED', tradeNos: ['T1'], releaseDate: '2024-04-02', exitDate: '2024-04-03' },
    ],
    buyers: [{ partyId: 'B1', names: ['AHMED TRADING L.L.C.', 'Ahmed Trading LLC'], countryCodes: ['AE'] }],
    flags: [],
    payeeYtdUsdMinor: 0,
    customsRates: APRIL_RATES,
    ...over,
});

function reasonOf(id: CheckId, r: ReceiptUnderCheck, f: BankCheckFacts): BankCheckReason {
    const result = runBankCheck(r, f);
    const found = result.checks.find((c) => c.id === id);
    if (found === undefined) throw new Error(`check ${id} missing`);
    return found.reason;
}

const covered = new Set<BankCheckReason>();

interface Case {
    readonly name: string;
    readonly id: CheckId;
    readonly reason: BankCheckReason;
    readonly receipt?: Partial<ReceiptUnderCheck>;
    readonly facts?: Partial<BankCheckFacts>;
}

const noAlloc = { allocations: [] };
const cases: Case[] = [
    { name: 'an ACTIVE payee passes', id: 'BK-01', reason: 'BK01_PAYEE_ACTIVE' },
    {
        name: 'an unfiled payee fails',
        id: 'BK-01',
        reason: 'BK01_PAYEE_NOT_FILED',
        facts: { payee: { partyId: 'V1', status: null, inSafeDirectory: null } },
    },
    {
        name: 'a SUSPENDED payee fails',
        id: 'BK-01',
        reason: 'BK01_PAYEE_NOT_ACTIVE',
        facts: { payee: { partyId: 'V1', status: 'SUSPENDED', inSafeDirectory: null } },
    },
    { name: 'an exported trade backs the receipt', id: 'BK-02', reason: 'BK02_TRADE_BACKED' },
    { name: 'a receipt allocated to nothing fails', id: 'BK-02', reason: 'BK02_NO_TRADES', receipt: noAlloc },
    {
        name: 'an unknown trade fails',
        id: 'BK-02',
        reason: 'BK02_TRADE_NOT_FOUND',
        facts: { trades: [trade({ state: null })] },
    },
    {
        name: 'a cancelled trade fails',
        id: 'BK-02',
        reason: 'BK02_TRADE_CANCELLED',
        facts: { trades: [trade({ state: 'CANCELLED' })] },
    },
    {
        name: 'a trade not yet confirmed is referred',
        id: 'BK-02',
        reason: 'BK02_TRADE_NOT_CONFIRMED',
        facts: { trades: [trade({ state: 'FLAGGED' })] },
    },
    {
        name: 'a released trade not yet exported still backs the receipt',
        id: 'BK-02',
        reason: 'BK02_TRADE_BACKED',
        facts: { trades: [trade({ state: 'RELEASED' })] },
    },
    {
        name: 'money received before the trade was registered is referred (F9)',
        id: 'BK-02',
        reason: 'BK02_RECEIPT_BEFORE_TRADE',
        receipt: { valueDate: '2024-02-28' },
    },
    { name: 'exit evidence passes', id: 'BK-03', reason: 'BK03_EXPORTED' },
    {
        name: 'a prepayment before export is pending',
        id: 'BK-03',
        reason: 'BK03_PENDING_EXPORT',
        facts: { trades: [trade({ state: 'PACKED' })], declarations: [] },
    },
    {
        name: 'an exported trade without an exited declaration is referred',
        id: 'BK-03',
        reason: 'BK03_EXPORT_EVIDENCE_MISSING',
        facts: { declarations: [] },
    },
    { name: 'export cannot be judged without trades', id: 'BK-03', reason: 'BK03_NOT_EVALUATED', receipt: noAlloc },
    { name: 'a trade never paid before passes', id: 'BK-04', reason: 'BK04_NO_PRIOR_USE' },
    {
        name: 'a partly paid trade with room left passes',
        id: 'BK-04',
        reason: 'BK04_WITHIN_REMAINING',
        receipt: { amountMinor: 40_000, allocations: [{ tradeNo: 'T1', amountMinor: 40_000, rate: null }] },
        facts: { trades: [trade({ allocatedByOthersMinor: 60_000, otherReceiptCount: 1, otherBanksCount: 1 })] },
    },
    {
        name: 'a fully paid trade taking a little more within tolerance is referred',
        id: 'BK-04',
        reason: 'BK04_TRADE_FULLY_USED',
        receipt: { amountMinor: 1_000, allocations: [{ tradeNo: 'T1', amountMinor: 1_000, rate: null }] },
        facts: { trades: [trade({ allocatedByOthersMinor: 100_000, otherReceiptCount: 1, otherBanksCount: 1 })] },
    },
    {
        name: 'the same trade paid again beyond its value fails (F2)',
        id: 'BK-04',
        reason: 'BK04_AMOUNT_EXCEEDS_REMAINING',
        facts: { trades: [trade({ allocatedByOthersMinor: 60_000, otherReceiptCount: 1, otherBanksCount: 1 })] },
    },
    {
        name: 'a line paid beyond its value (V25 per line) fails though the trade has room',
        id: 'BK-04',
        reason: 'BK04_LINE_EXCEEDS_REMAINING',
        receipt: { allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: null, lineId: 'L1' }] },
        facts: {
            trades: [
                trade({
                    lines: [
                        { lineId: 'L1', amount: 50_000 },
                        { lineId: 'L2', amount: 50_000 },
                    ],
                }),
            ],
        },
    },
    {
        name: 'a line the trade does not have fails',
        id: 'BK-04',
        reason: 'BK04_LINE_NOT_ON_TRADE',
        receipt: { allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: null, lineId: 'L7' }] },
    },
    { name: 'reuse cannot be judged without trades', id: 'BK-04', reason: 'BK04_NOT_EVALUATED', receipt: noAlloc },
    { name: 'the buyer paying passes', id: 'BK-05', reason: 'BK05_PAYER_IS_BUYER' },
    {
        name: 'the buyer paying from another country is referred',
        id: 'BK-05',
        reason: 'BK05_PAYER_COUNTRY_MISMATCH',
        receipt: { payer: { name: 'ahmed  trading, llc', country: 'HK', thirdPartyReason: null } },
    },
    {
        name: 'a third party with a documented reason is referred',
        id: 'BK-05',
        reason: 'BK05_THIRD_PARTY_PAYER',
        receipt: { payer: { name: 'Gulf Pay FZE', country: 'AE', thirdPartyReason: 'buyer pays via its parent' } },
    },
    {
        name: 'a third party without a reason fails',
        id: 'BK-05',
        reason: 'BK05_PAYER_MISMATCH',
        receipt: { payer: { name: 'Gulf Pay FZE', country: 'AE', thirdPartyReason: null } },
    },
    {
        name: 'missing payer details are referred',
        id: 'BK-05',
        reason: 'BK05_PAYER_NOT_PROVIDED',
        receipt: { payer: null },
    },
    {
        name: 'a trade whose buyer is not filed is referred',
        id: 'BK-05',
        reason: 'BK05_BUYER_NOT_FILED',
        facts: { buyers: [] },
    },
    { name: 'payer cannot be judged without trades', id: 'BK-05', reason: 'BK05_NOT_EVALUATED', receipt: noAlloc },
    { name: 'the vendor receiving passes', id: 'BK-06', reason: 'BK06_PAYEE_IS_VENDOR' },
    {
        name: 'the agent receiving under agencyReceipt passes',
        id: 'BK-06',
        reason: 'BK06_PAYEE_IS_AGENT',
        receipt: { payeePartyId: 'A1' },
        facts: { trades: [trade({ agencyReceipt: true })] },
    },
    {
        name: 'agencyReceipt without an agent fails',
        id: 'BK-06',
        reason: 'BK06_AGENT_MISSING',
        facts: { trades: [trade({ agencyReceipt: true, agentId: null })] },
    },
    {
        name: 'the vendor receiving although the agent should fails (V24)',
        id: 'BK-06',
        reason: 'BK06_WRONG_PAYEE',
        facts: { trades: [trade({ agencyReceipt: true })] },
    },
    {
        name: 'receiving party cannot be judged without trades',
        id: 'BK-06',
        reason: 'BK06_NOT_EVALUATED',
        receipt: noAlloc,
    },
    { name: 'an amount within the value passes', id: 'BK-07', reason: 'BK07_WITHIN_VALUE' },
    {
        name: 'an amount up to 5 % over the value passes',
        id: 'BK-07',
        reason: 'BK07_WITHIN_TOLERANCE',
        receipt: { amountMinor: 105_000, allocations: [{ tradeNo: 'T1', amountMinor: 105_000, rate: null }] },
    },
    {
        name: 'an amount beyond 5 % over the value fails',
        id: 'BK-07',
        reason: 'BK07_EXCEEDS_TOLERANCE',
        receipt: { amountMinor: 105_001, allocations: [{ tradeNo: 'T1', amountMinor: 105_001, rate: null }] },
    },
    {
        name: 'a receipt partly left unallocated is referred',
        id: 'BK-07',
        reason: 'BK07_RECEIPT_NOT_FULLY_ALLOCATED',
        receipt: { amountMinor: 150_000 },
    },
    {
        name: 'a dealing rate 10 × the customs rate fails (V31)',
        id: 'BK-07',
        reason: 'BK07_RATE_OUTSIDE_TOLERANCE',
        receipt: { allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: '71.4286' }] },
        facts: { trades: [trade({ currency: 'CNY', valueMinor: 7_142_860 })] },
    },
    {
        name: 'a dealing rate in a month customs has not published is referred (V31)',
        id: 'BK-07',
        reason: 'BK07_RATE_NOT_PUBLISHED',
        receipt: { allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: '7.1429' }] },
        facts: { trades: [trade({ currency: 'CNY', valueMinor: 714_290 })], customsRates: undefined },
    },
    {
        name: 'a conversion without a rate fails',
        id: 'BK-07',
        reason: 'BK07_RATE_MISSING',
        receipt: { currency: 'CNY', amountMinor: 100_000 },
    },
    {
        name: 'allocations above the receipt amount fail',
        id: 'BK-07',
        reason: 'BK07_ALLOCATIONS_EXCEED_RECEIPT',
        receipt: { amountMinor: 90_000 },
    },
    {
        name: 'amounts cannot be judged when no allocated trade exists',
        id: 'BK-07',
        reason: 'BK07_NOT_EVALUATED',
        facts: { trades: [trade({ state: null })] },
    },
    { name: 'yearly receipts below USD 200 000 pass', id: 'BK-08', reason: 'BK08_BELOW_THRESHOLD' },
    {
        name: 'a payee in the SAFE directory passes above the threshold',
        id: 'BK-08',
        reason: 'BK08_IN_DIRECTORY',
        facts: { payee: { partyId: 'V1', status: 'ACTIVE', inSafeDirectory: true }, payeeYtdUsdMinor: 50_000_000 },
    },
    {
        name: 'crossing USD 200 000 outside the directory is referred (V23)',
        id: 'BK-08',
        reason: 'BK08_DIRECTORY_REQUIRED',
        facts: { payeeYtdUsdMinor: 19_950_000 },
    },
    {
        name: 'a receipt without a USD equivalent is referred',
        id: 'BK-08',
        reason: 'BK08_USD_EQUIVALENT_UNKNOWN',
        receipt: { usdEquivalentMinor: null },
    },
    { name: 'no flags pass', id: 'BK-09', reason: 'BK09_NO_FLAGS' },
    {
        name: 'an open flag on the trade is referred',
        id: 'BK-09',
        reason: 'BK09_OPEN_FLAGS',
        facts: { flags: [{ flagId: 'F-1', subjectId: 'T1', ruleId: 'F3', severity: 'MEDIUM', status: 'OPEN' }] },
    },
    {
        name: 'a confirmed flag on the payee fails',
        id: 'BK-09',
        reason: 'BK09_CONFIRMED_FLAGS',
        facts: {
            flags: [
                { flagId: 'F-2', subjectId: 'V1', ruleId: 'F9', severity: 'HIGH', status: 'CONFIRMED' },
                { flagId: 'F-3', subjectId: 'OTHER', ruleId: 'F9', severity: 'HIGH', status: 'CONFIRMED' },
            ],
        },
    },
    { name: 'a trade no bank financed passes', id: 'BK-10', reason: 'BK10_NOT_FINANCED' },
    {
        name: 'income financed by the checking bank settles its own financing (V33)',
        id: 'BK-10',
        reason: 'BK10_FINANCED_BY_THIS_BANK',
        facts: { trades: [trade({ financedByThisBankMinor: 80_000 })] },
    },
    {
        name: 'income another bank financed is referred, the bank unnamed (V33, F2)',
        id: 'BK-10',
        reason: 'BK10_FINANCED_BY_OTHER_BANK',
        facts: { trades: [trade({ financedByOthersMinor: 80_000, otherFinancingBanksCount: 1 })] },
    },
    {
        name: 'financing cannot be judged without trades',
        id: 'BK-10',
        reason: 'BK10_NOT_EVALUATED',
        receipt: noAlloc,
    },
];

describe('bank checks: every reason code', () => {
    it.each(cases)('$id $reason: $name', (c) => {
        const reason = reasonOf(c.id, receipt(c.receipt), facts(c.facts));
        covered.add(reason);
        expect(reason).toBe(c.reason);
    });

    it('has a scenario for every reason code in the table', () => {
        expect([...new Set(cases.map((c) => c.reason))].sort()).toEqual(Object.keys(BANK_CHECK_REASONS).sort());
        expect([...covered].sort()).toEqual(Object.keys(BANK_CHECK_REASONS).sort());
    });

    it('gives each check the outcome fixed for its reason', () => {
        for (const c of cases) {
            const result = runBankCheck(receipt(c.receipt), facts(c.facts));
            const found = result.checks.find((k) => k.id === c.id);
            expect(found?.outcome).toBe(BANK_CHECK_REASONS[c.reason]);
        }
    });
});

describe('bank check verdicts', () => {
    it('passes a clean, exported, fully allocated receipt and reports every check', () => {
        const result = runBankCheck(receipt(), facts());
        expect(result.verdict).toBe('PASS');
        expect(result.checks.map((c) => c.id)).toEqual([
            'BK-01',
            'BK-02',
            'BK-03',
            'BK-04',
            'BK-05',
            'BK-06',
            'BK-07',
            'BK-08',
            'BK-09',
            'BK-10',
        ]);
        expect(result.reliedOn).toEqual({ tradeNos: ['T1'], declNos: ['D1'] });
        expect(result.trades).toEqual([
            {
                tradeNo: 'T1',
                currency: 'USD',
                valueMinor: 100_000,
                capMinor: 105_000,
                allocatedBeforeMinor: 0,
                thisReceiptMinor: 100_000,
                allocatedAfterMinor: 100_000,
                remainingMinor: 0,
                otherBanksCount: 0,
                exported: true,
                financedMinor: 0,
                otherFinancingBanksCount: 0,
            },
        ]);
    });

    it('refers a prepayment before export as pending, not failed', () => {
        const result = runBankCheck(receipt(), facts({ trades: [trade({ state: 'CONFIRMED' })], declarations: [] }));
        expect(result.verdict).toBe('REFER');
        expect(result.checks.filter((c) => c.outcome !== 'PASS').map((c) => c.reason)).toEqual(['BK03_PENDING_EXPORT']);
    });

    it('fails a second bank presenting a trade another bank has already been paid on (F2), showing only a count', () => {
        const paid = trade({ allocatedByOthersMinor: 100_000, otherReceiptCount: 1, otherBanksCount: 1 });
        const result = runBankCheck(receipt(), facts({ trades: [paid] }));
        expect(result.verdict).toBe('FAIL');
        const reuse = result.checks.find((c) => c.id === 'BK-04');
        expect(reuse?.findings[0]?.detail).toEqual({
            alreadyAllocatedMinor: 100_000,
            remainingMinor: 0,
            otherReceipts: 1,
            otherBanks: 1,
            currency: 'USD',
            requestedMinor: 100_000,
        });
    });

    it('converts at the recorded rate when the receipt currency differs from the trade', () => {
        const cnyTrade = trade({ currency: 'CNY', valueMinor: 712_340 });
        const r = receipt({ allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: '7.1234' }] });
        const result = runBankCheck(r, facts({ trades: [cnyTrade] }));
        expect(result.trades[0]).toMatchObject({ thisReceiptMinor: 712_340, remainingMinor: 0 });
        expect(result.verdict).toBe('PASS');
    });

    it('BK-07 fails a dealing rate outside the V31 tolerance, the same rule the filing refuses with', () => {
        const cnyTrade = trade({ currency: 'CNY', valueMinor: 7_123_400 });
        const r = receipt({ allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: '71.234' }] });
        const result = runBankCheck(r, facts({ trades: [cnyTrade] }));
        const bk07 = result.checks.find((c) => c.id === 'BK-07');
        expect(bk07).toMatchObject({ outcome: 'FAIL', reason: 'BK07_RATE_OUTSIDE_TOLERANCE' });
        expect(bk07?.findings).toContainEqual(
            expect.objectContaining({
                subject: 'T1',
                reason: 'BK07_RATE_OUTSIDE_TOLERANCE',
                detail: expect.objectContaining({
                    rate: '71.234',
                    message: expect.stringMatching(
                        /^allocation to trade T1: rate 71\.234 CNY per USD is 897\.28 % from/,
                    ),
                }),
            }),
        );
        expect(result.verdict).toBe('FAIL');
    });

    it('BK-07 passes a dealing rate at the 5 % edge and refers one customs has not published', () => {
        // customs: 1 / 0.14 = 7.142857… CNY per USD; +5 % is 7.5 exactly
        const cnyTrade = trade({ currency: 'CNY', valueMinor: 750_000 });
        const edge = receipt({ allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: '7.5' }] });
        expect(reasonOf('BK-07', edge, facts({ trades: [cnyTrade] }))).toBe('BK07_WITHIN_VALUE');
        const past = receipt({ allocations: [{ tradeNo: 'T1', amountMinor: 100_000, rate: '7.5001' }] });
        expect(reasonOf('BK-07', past, facts({ trades: [trade({ currency: 'CNY', valueMinor: 800_000 })] }))).toBe(
            'BK07_RATE_OUTSIDE_TOLERANCE',
        );
        const unpublished = runBankCheck(edge, facts({ trades: [cnyTrade], customsRates: undefined }));
        expect(unpublished.checks.find((c) => c.id === 'BK-07')).toMatchObject({
            outcome: 'REFER',
            reason: 'BK07_RATE_NOT_PUBLISHED',
        });
        expect(unpublished.verdict).toBe('REFER');
    });

    it('BK-04 fails an allocation naming a line it would over-credit, even though the trade has room', () => {
        const twoLines = trade({
            valueMinor: 100_000,
            lines: [
                { lineId: 'L1', amount: 30_000 },
                { lineId: 'L2', amount: 70_000 },
            ],
            allocatedByOthersMinor: 20_000,
            otherReceiptCount: 1,
            otherLineCredits: [{ lineId: 'L1', tradeAmountMinor: 20_000 }],
        });
        const r = receipt({
            amountMinor: 20_000,
            allocations: [{ tradeNo: 'T1', amountMinor: 20_000, rate: null, lineId: 'L1' }],
        });
        const result = runBankCheck(r, facts({ trades: [twoLines] }));
        const bk04 = result.checks.find((c) => c.id === 'BK-04');
        expect(bk04).toMatchObject({ outcome: 'FAIL', reason: 'BK04_LINE_EXCEEDS_REMAINING' });
        expect(bk04?.findings).toContainEqual({
            subject: 'T1',
            outcome: 'FAIL',
            reason: 'BK04_LINE_EXCEEDS_REMAINING',
            detail: { lineId: 'L1', lineValueMinor: 30_000, creditedAfterMinor: 40_000, currency: 'USD' },
        });
        const onL2 = receipt({
            amountMinor: 20_000,
            allocations: [{ tradeNo: 'T1', amountMinor: 20_000, rate: null, lineId: 'L2' }],
        });
        expect(reasonOf('BK-04', onL2, facts({ trades: [twoLines] }))).toBe('BK04_WITHIN_REMAINING');
        const noSuchLine = receipt({
            amountMinor: 20_000,
            allocations: [{ tradeNo: 'T1', amountMinor: 20_000, rate: null, lineId: 'L9' }],
        });
        expect(reasonOf('BK-04', noSuchLine, facts({ trades: [twoLines] }))).toBe('BK04_LINE_NOT_ON_TRADE');
    });

    it('takes the worst finding when a receipt pays several trades', () => {
        const r = receipt({
            allocations: [
                { tradeNo: 'T1', amountMinor: 50_000, rate: null },
                { tradeNo: 'T2', amountMinor: 50_000, rate: null },
            ],
        });
        const f = facts({ trades: [trade(), trade({ tradeNo: 'T2', merchantId: 'V9' })] });
        const result = runBankCheck(r, f);
        const bk06 = result.checks.find((c) => c.id === 'BK-06');
        expect(bk06?.reason).toBe('BK06_WRONG_PAYEE');
        expect(bk06?.findings.map((x) => [x.subject, x.reason])).toEqual([
            ['T1', 'BK06_PAYEE_IS_VENDOR'],
            ['T2', 'BK06_WRONG_PAYEE'],
        ]);
        expect(result.verdict).toBe('FAIL');
    });
});

describe('helpers', () => {
    it('ranks FAIL over REFER over PASS', () => {
        expect(worst([])).toBe('PASS');
        expect(worst(['PASS', 'REFER'])).toBe('REFER');
        expect(worst(['REFER', 'FAIL', 'PASS'])).toBe('FAIL');
    });

    it('names the agent as payee under agencyReceipt and the vendor otherwise (V24)', () => {
        expect(expectedPayee({ agencyReceipt: true, agentId: 'A', merchantId: 'V' })).toBe('A');
        expect(expectedPayee({ agencyReceipt: false, agentId: 'A', merchantId: 'V' })).toBe('V');
    });

    it('compares names without case, punctuation or repeated spaces', () => {
        expect(normaliseName(' Ahmed  Trading, L.L.C. ')).toBe('AHMED TRADING L L C');
    });
});
