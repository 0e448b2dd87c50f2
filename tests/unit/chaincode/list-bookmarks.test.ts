import './support/quiet';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { DeclarationContract } from '../../../chaincode/src/contracts/declaration';
import { ExemptionContract } from '../../../chaincode/src/contracts/exemption';
import { FinancingContract } from '../../../chaincode/src/contracts/financing';
import { PartyContract } from '../../../chaincode/src/contracts/party';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import { RiskContract } from '../../../chaincode/src/contracts/risk';
import { TradeContract } from '../../../chaincode/src/contracts/trade';
import { permissionOf, permissionTable } from '../../../chaincode/src/lib/auth';
import { LISTS, listTable, type ListTx, type Owners } from '../../../chaincode/src/lib/lists';
import { BANK1_MSP, BANK2_MSP, declaration, party, payerJson, seed, settlementLedger, trade } from './receipt-fixtures';
import type { FakeIdentity, FakeLedger } from './support/fake-ledger';
import { identity, operator } from './support/identities';
import { ROLES, type Role } from '../../../chaincode/src/vocabulary';
import { IndexType } from '../../../chaincode/src/model/keys';
import { putIndex } from '../../../chaincode/src/store/records';
import { type Declaration, type Party, type Trade } from '../../../chaincode/src/model/records';

/**
 * Bookmarks, generated from the LIST table in chaincode/src/lib/lists.ts. A peer starts a paginated partial-key scan at
 * any non-empty bookmark it is given and keeps only the end of the range, so every list must refuse a bookmark outside
 * the caller's own range, as every role: another owner's range, another index, garbage. The fake ledger scans exactly
 * like the peer does, so without the check these calls return other owners' records.
 */
type Invoke = (ctx: Context) => Promise<string>;
interface ListCase {
    /** The list transaction, listing `arg` (the caller's own range for OWN roles). */
    readonly call: (arg: string, pageSize: string, bookmark: string) => Invoke;
    /** What each role lists: its own range. */
    readonly arg: (role: Role) => string;
    /** The scanned prefix for a caller of `role` listing `arg` (the bank's allocation scan adds its MSP). */
    readonly prefix: (role: Role, arg: string) => string[];
    /** A range of the same index that belongs to someone else than the caller (records exist there). */
    readonly foreign: (role: Role) => string[];
}

const parties = new PartyContract();
const trades = new TradeContract();
const declarations = new DeclarationContract();
const risk = new RiskContract();
const receipts = new ReceiptContract();
const exemptions = new ExemptionContract();
const financings = new FinancingContract();

/** The party each party role acts for; the other owner of every range is V2 / A2 / BANK2. */
const CALLER_PARTY: Partial<Record<Role, string>> = {
    vendor: 'V1',
    agent: 'A1',
    consolidator: 'C1',
    broker: 'K1',
    bank: 'BANK1',
};
const callerAs = (role: Role): FakeIdentity => identity(role, CALLER_PARTY[role]);
const same = (_role: Role, arg: string): string[] => [arg];

const CASES: Record<ListTx, ListCase> = {
    'PartyContract.ListPartiesByType': {
        call: (arg, size, bookmark) => (ctx) => parties.ListPartiesByType(ctx, arg, size, bookmark),
        arg: () => 'MERCHANT',
        prefix: same,
        // a bank sees the agents its receipts rely on; no bank relies on a consolidator
        foreign: (role) => (role === 'bank' ? ['CONSOLIDATOR'] : ['AGENT']),
    },
    'TradeContract.ListTradesByVendor': {
        call: (arg, size, bookmark) => (ctx) => trades.ListTradesByVendor(ctx, arg, size, bookmark),
        arg: () => 'V1',
        prefix: same,
        foreign: () => ['V2'],
    },
    'TradeContract.ListTradesByAgent': {
        call: (arg, size, bookmark) => (ctx) => trades.ListTradesByAgent(ctx, arg, size, bookmark),
        arg: () => 'A1',
        prefix: same,
        foreign: () => ['A2'],
    },
    'DeclarationContract.ListDeclarationsByDate': {
        call: (arg, size, bookmark) => (ctx) => declarations.ListDeclarationsByDate(ctx, arg, size, bookmark),
        arg: () => '2024-03-15',
        prefix: same,
        foreign: () => ['2024-03-16'],
    },
    'RiskContract.ListFlagsBySubject': {
        call: (arg, size, bookmark) => (ctx) => risk.ListFlagsBySubject(ctx, 'party', arg, size, bookmark),
        arg: () => 'V1',
        prefix: (_role, arg) => ['party', arg],
        foreign: () => ['party', 'V2'],
    },
    'ReceiptContract.ListReceiptsByTrade': {
        call: (arg, size, bookmark) => (ctx) => receipts.ListReceiptsByTrade(ctx, arg, size, bookmark),
        arg: () => 'T1',
        prefix: (role, arg) => (role === 'bank' ? [arg, BANK1_MSP] : [arg]),
        // a bank's foreign range is the other bank's allocations to the same trade
        foreign: (role) => (role === 'bank' ? ['T1', BANK2_MSP] : ['T9']),
    },
    'ReceiptContract.ListReceiptsByPayee': {
        call: (arg, size, bookmark) => (ctx) => receipts.ListReceiptsByPayee(ctx, arg, size, bookmark),
        arg: (role) => (role === 'agent' ? 'A1' : 'V1'),
        prefix: same,
        foreign: (role) => (role === 'agent' ? ['V1'] : ['V2']),
    },
    'FinancingContract.ListFinancingsByTrade': {
        call: (arg, size, bookmark) => (ctx) => financings.ListFinancingsByTrade(ctx, arg, size, bookmark),
        arg: () => 'T1',
        prefix: (role, arg) => (role === 'bank' ? [arg, BANK1_MSP] : [arg]),
        foreign: (role) => (role === 'bank' ? ['T1', BANK2_MSP] : ['T9']),
    },
    'ExemptionContract.ListExemptionsByMerchant': {
        call: (arg, size, bookmark) => (ctx) => exemptions.ListExemptionsByMerchant(ctx, arg, size, bookmark),
        arg: () => 'V1',
        prefix: same,
        foreign: () => ['V2'],
    },
};

/** The key a peer would start at: the first key of a range, as `createCompositeKey` builds it. */
const compositeKey = (objectType: string, attributes: readonly string[]): string =>
    `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;
const END = '\u{10ffff}';

function otherIndex(scans: string): string {
    return compositeKey(scans === IndexType.tradeByAgent ? IndexType.partyByType : IndexType.tradeByAgent, []);
}

interface Bookmark {
    readonly kind: string;
    readonly value: (tx: ListTx, role: Role) => string;
}
const BOOKMARKS: readonly Bookmark[] = [
    {
        kind: "another owner's range",
        value: (tx, role) => compositeKey(LISTS[tx].scans, CASES[tx].foreign(role)),
    },
    { kind: 'another index', value: (tx) => otherIndex(LISTS[tx].scans) },
    { kind: 'the start of every composite key', value: () => '\u0000' },
    { kind: 'garbage text', value: () => 'eyJsYXN0IjoiVDEifQ==' },
];

const TRADE_INDEXES = (t: Trade): [IndexType, string[]][] => [
    [IndexType.tradeByVendor, [t.vendorId, t.tradeDate, t.tradeNo]],
    [IndexType.tradeByAgent, [t.agentId, t.tradeDate, t.tradeNo]],
];

/**
 * Two owners in every range: V1/A1/B1 and V2/A2/B2 trades on two dates, declarations on two dates, flags on V1 and
 * V2, receipts of two banks (BANK1 and BANK2 on T1; BANK1 and BANK2 paying V2 on T9), filings of V1 and V2.
 */
async function market(): Promise<FakeLedger> {
    const ledger = settlementLedger();
    const partyRecords: Party[] = [
        party('V1', 'MERCHANT'),
        party('V2', 'MERCHANT'),
        party('A1', 'AGENT'),
        party('A2', 'AGENT'),
        party('B1', 'BUYER'),
        party('B2', 'BUYER'),
        party('C1', 'CONSOLIDATOR'),
        party('K1', 'BROKER'),
        party('BANK1', 'BANK', { orgMspId: BANK1_MSP }),
        party('BANK2', 'BANK', { orgMspId: BANK2_MSP }),
    ];
    const tradeRecords: Trade[] = [
        trade('T1'),
        trade('T2', { status: 'CONFIRMED', declNo: undefined }),
        trade('T3', { declNo: 'D1' }),
        trade('T9', { vendorId: 'V2', agentId: 'A2', buyerId: 'B2', tradeDate: '2024-03-02', declNo: 'D2' }),
        trade('T8', { vendorId: 'V2', agentId: 'A2', buyerId: 'B2', tradeDate: '2024-03-02', declNo: 'D2' }),
    ];
    const declarationRecords: Declaration[] = [
        declaration('D1', ['T1', 'T3']),
        declaration('D0', [], { status: 'SUBMITTED' }),
        declaration('D2', ['T9', 'T8'], { consignorId: 'A2', declDate: '2024-03-16' }),
    ];
    await seed(ledger, [...partyRecords, ...tradeRecords, ...declarationRecords]);
    // the contracts write these indexes as they file records; the fixtures write records only
    await ledger.submit(operator(), async (ctx) => {
        for (const p of partyRecords) await putIndex(ctx, IndexType.partyByType, [p.type, p.partyId]);
        for (const t of tradeRecords) {
            for (const [index, attributes] of TRADE_INDEXES(t)) await putIndex(ctx, index, attributes);
        }
        for (const d of declarationRecords) await putIndex(ctx, IndexType.declarationByDate, [d.declDate, d.declNo]);
    });
    ledger.setTime('2024-04-10T08:00:00.000Z');
    for (const [subjectId, ruleId] of [
        ['V1', 'F6'],
        ['V1', 'F7'],
        ['V2', 'F6'],
    ] as const) {
        const flag = { subjectType: 'party', subjectId, ruleId, severity: 'LOW', evidence: { note: 'turnover' } };
        await ledger.submit(operator(), (ctx) => risk.RaiseFlag(ctx, JSON.stringify(flag)));
    }
    const fileReceipt = (bank: FakeIdentity, ref: string, payee: string, tradeNo: string): Promise<string> =>
        ledger.submit(
            bank,
            (ctx) =>
                receipts.FileReceipt(
                    ctx,
                    JSON.stringify({
                        receiptRef: ref,
                        payeePartyId: payee,
                        amountMinor: 40_000,
                        currency: 'USD',
                        valueDate: '2024-03-02',
                        channel: 'SWIFT',
                        allocations: [{ tradeNo, amountMinor: 40_000 }],
                    }),
                ),
            { transient: { payer: payerJson() } },
        );
    const bank1 = identity('bank', 'BANK1', BANK1_MSP);
    const bank2 = identity('bank', 'BANK2', BANK2_MSP);
    await fileReceipt(bank1, 'R1', 'V1', 'T1');
    await fileReceipt(bank2, 'R2', 'V1', 'T1');
    await fileReceipt(bank1, 'R3', 'V2', 'T9');
    await fileReceipt(bank2, 'R4', 'V2', 'T9');
    const finance = (bank: FakeIdentity, ref: string, borrower: string, tradeNo: string): Promise<string> =>
        ledger.submit(bank, (ctx) =>
            financings.FinanceTrades(
                ctx,
                JSON.stringify({
                    financingRef: ref,
                    borrowerPartyId: borrower,
                    items: [{ tradeNo, amountMinor: 5_000 }],
                }),
            ),
        );
    await finance(bank1, 'F1', 'V1', 'T1');
    await finance(bank2, 'F2', 'V1', 'T1');
    await finance(bank1, 'F3', 'V2', 'T9');
    const fileExemption = (vendor: string, filingNo: string, tradeNos: string[]): Promise<string> =>
        ledger.submit(identity('vendor', vendor), (ctx) =>
            exemptions.FileExemption(
                ctx,
                JSON.stringify({ filingNo, merchantId: vendor, period: '2024-04', tradeNos }),
            ),
        );
    await fileExemption('V1', 'EX1', ['T1']);
    await fileExemption('V1', 'EX3', ['T3']);
    await fileExemption('V2', 'EX2', ['T9']);
    return ledger;
}

const cells = listTable().flatMap(([tx]) =>
    ROLES.flatMap((role) =>
        BOOKMARKS.map((bookmark) => ({
            tx,
            role,
            kind: bookmark.kind,
            bookmark: bookmark.value(tx, role),
            scope: permissionOf(tx).roles[role] ?? null,
        })),
    ),
);

/** Cells whose caller scans the list's shared range (a bank with a range of its own is tested in receipt.test.ts). */
const ownCells = listTable().flatMap(([tx, spec]) =>
    ROLES.filter((role) => permissionOf(tx).roles[role] === 'OWN')
        .filter((role) => !(role === 'bank' && spec.bankScans !== undefined))
        .map((role) => ({ tx, role })),
);

interface Listed {
    readonly items: Record<string, unknown>[];
    readonly bookmark: string;
}

describe('list bookmarks (every list transaction × every role, generated from the LIST table)', () => {
    let ledger: FakeLedger;
    const list = async (who: FakeIdentity, tx: ListTx, arg: string, size: string, bookmark = ''): Promise<Listed> =>
        JSON.parse(await ledger.evaluate(who, CASES[tx].call(arg, size, bookmark))) as Listed;
    const keysUnder = (scans: string, attributes: readonly string[]): string[] => {
        const start = compositeKey(scans, attributes);
        return ledger.keysInRange(start, start + END);
    };

    beforeAll(async () => {
        ledger = await market();
    }, 60_000);

    it('covers every list transaction of the permission table, and nothing else', () => {
        const lists = permissionTable()
            .map(([tx]) => tx)
            .filter((tx) => /\.List[A-Z]/.test(tx));
        expect(listTable().map(([tx]) => tx)).toEqual(lists);
        expect(lists).toHaveLength(9);
    });

    it.each(cells)('$tx × $role refuses a bookmark from $kind', async ({ tx, role, bookmark, scope }) => {
        // guard: there is something to leak behind the foreign bookmark
        expect(keysUnder(LISTS[tx].scans, CASES[tx].foreign(role)).length).toBeGreaterThan(0);
        const call = ledger.evaluate(callerAs(role), CASES[tx].call(CASES[tx].arg(role), '500', bookmark));
        // a role the list is closed to is refused before the scan; every other role reaches the range check
        await expect(call).rejects.toThrow(scope === null ? /^FORBIDDEN: / : /^INVALID: bookmark does not belong/);
    });

    it.each(listTable().map(([tx]) => tx))(
        '%s refuses an argument carrying the key separator U+0000 (it would splice attributes into the range)',
        async (tx) => {
            const spliced = `${CASES[tx].arg('operator')}\u0000x`;
            await expect(ledger.evaluate(operator(), CASES[tx].call(spliced, '10', ''))).rejects.toThrow(/^INVALID: /);
        },
    );

    it.each(listTable().map(([tx]) => tx))('%s: the bookmark of page 1 gets page 2', async (tx) => {
        const arg = CASES[tx].arg('operator');
        const all = await list(operator(), tx, arg, '500');
        expect(all.items.length).toBeGreaterThanOrEqual(2);
        const first = await list(operator(), tx, arg, '1');
        expect(first.bookmark).not.toBe('');
        const rest = await list(operator(), tx, arg, '500', first.bookmark);
        expect([...first.items, ...rest.items]).toEqual(all.items);
        expect(rest.bookmark).toBe('');
    });

    it.each(ownCells)(
        "$tx × $role: entries forged into the caller's own range that point at others' records are dropped",
        async ({ tx, role }) => {
            const spec = LISTS[tx];
            const arg = CASES[tx].arg(role);
            const own = CASES[tx].prefix(role, arg);
            const foreign = CASES[tx].foreign(role);
            const ownedByCaller = (owners: Owners): boolean => {
                const ids = owners[role];
                const party = CALLER_PARTY[role] ?? '';
                return typeof ids === 'string' ? ids === party : (ids ?? []).includes(party);
            };
            /** What an authority (ANY) lists in the same range, each item marked whether the caller owns it. */
            const authorityView = async (): Promise<{ items: Record<string, unknown>[]; owned: boolean[] }> => {
                const { items } = await list(operator(), tx, arg, '500');
                const owned = await ledger.evaluate(operator(), async (ctx) => {
                    const marks: boolean[] = [];
                    for (const item of items) marks.push(ownedByCaller(await spec.owners(ctx, item as never)));
                    return marks;
                });
                return { items, owned };
            };
            const beforeForging = await authorityView();
            // copy every entry of the foreign range into the caller's range, as a broken index writer would
            const forged = await ledger.submit(operator(), async (ctx) => {
                const keys: string[] = [];
                for (const key of keysUnder(spec.scans, foreign)) {
                    const suffix = ctx.stub.splitCompositeKey(key).attributes.slice(foreign.length);
                    const copy = ctx.stub.createCompositeKey(spec.scans, [...own, ...suffix]);
                    await ctx.stub.putState(copy, ledger.committed(key)?.value ?? Buffer.alloc(0));
                    keys.push(copy);
                }
                return keys;
            });
            try {
                const afterForging = await authorityView();
                // guard: the forged entries are in the scanned range and name records the caller does not own
                expect(afterForging.items).toHaveLength(beforeForging.items.length + forged.length);
                const foreignCount = (view: { owned: boolean[] }): number => view.owned.filter((o) => !o).length;
                expect(foreignCount(afterForging)).toBeGreaterThan(foreignCount(beforeForging));
                const seen = await list(callerAs(role), tx, arg, '500');
                expect(seen.items).toEqual(afterForging.items.filter((_item, i) => afterForging.owned[i]));
            } finally {
                await ledger.submit(operator(), async (ctx) => {
                    for (const key of forged) await ctx.stub.deleteState(key);
                });
            }
        },
    );
});
