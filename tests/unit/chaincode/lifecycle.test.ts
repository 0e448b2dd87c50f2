import { beforeEach, describe, expect, it } from '@jest/globals';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { CUSTOMS_EVENTS } from '../../../chaincode/src/contracts/customs';
import * as id from './support/identities';
import { DECL1, DECL2, TODAY, World } from './support/world';
import { DECLARATION_STATUSES, PARTY_STATUSES } from '../../../chaincode/src/vocabulary';

const j = JSON.stringify;

describe('party life cycle', () => {
    const allowed = new Set([
        'SUBMITTED>VERIFIED',
        'VERIFIED>ACTIVE',
        'ACTIVE>SUSPENDED',
        'SUSPENDED>ACTIVE',
        'SUSPENDED>REVOKED',
    ]);
    const txFor: Record<string, 'VerifyParty' | 'ActivateParty' | 'SuspendParty' | 'ReinstateParty' | 'RevokeParty'> = {
        VERIFIED: 'VerifyParty',
        ACTIVE: 'ActivateParty',
        SUSPENDED: 'SuspendParty',
        REVOKED: 'RevokeParty',
    };
    const path: Record<string, string[]> = {
        SUBMITTED: [],
        VERIFIED: ['VerifyParty'],
        ACTIVE: ['VerifyParty', 'ActivateParty'],
        SUSPENDED: ['VerifyParty', 'ActivateParty', 'SuspendParty'],
        REVOKED: ['VerifyParty', 'ActivateParty', 'SuspendParty', 'RevokeParty'],
    };
    const cases = PARTY_STATUSES.flatMap((from) =>
        PARTY_STATUSES.filter((to) => to !== 'SUBMITTED').map((to) => ({ from, to })),
    );

    it.each(cases)('$from → $to', async ({ from, to }) => {
        const w = new World();
        const op = id.operator();
        await w.submit(op, (ctx) =>
            w.party.RegisterParty(ctx, j({ partyId: 'X', type: 'PRODUCER', legalName: 'x', countryCode: 'CN' })),
        );
        for (const tx of path[from] ?? []) await w.submit(op, (ctx) => w.party[tx as 'VerifyParty'](ctx, 'X', 'step'));
        const tx = from === 'SUSPENDED' && to === 'ACTIVE' ? 'ReinstateParty' : (txFor[to] ?? 'VerifyParty');
        const call = w.submit(op, (ctx) => w.party[tx](ctx, 'X', 'because'));
        if (allowed.has(`${from}>${to}`)) {
            await expect(call).resolves.toContain(`"status":"${to}"`);
        } else {
            await expect(call).rejects.toThrow(/^PRECONDITION: party X is /);
        }
    });

    it('stores buyer ID numbers privately with a salted hash on the channel (V08) and flags a shared passport (F11)', async () => {
        const w = await World.market();
        const party = await w.query<{ idNumberHash: string }>(id.customs(), (ctx) => w.party.GetParty(ctx, 'B1'));
        expect(party.idNumberHash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(party)).not.toContain('E1234567');
        const priv = await w.query<{ idNumber: string }>(id.customs(), (ctx) => w.party.GetPartyPrivate(ctx, 'B1'));
        expect(priv.idNumber).toBe('E1234567');
        await expect(w.ledger.evaluate(id.auditor(), (ctx) => w.party.GetPartyPrivate(ctx, 'B1'))).rejects.toThrow(
            /FORBIDDEN/,
        );
        const buyer = {
            partyId: 'B3',
            type: 'BUYER',
            legalName: 'B3',
            countryCode: 'AE',
            nationality: 'AE',
            idType: 'PASSPORT',
        };
        await expect(w.submit(id.operator(), (ctx) => w.party.RegisterParty(ctx, j(buyer)))).rejects.toThrow(
            'RULE_V08',
        );
        await w.submit(id.operator(), (ctx) => w.party.RegisterParty(ctx, j(buyer)), {
            transient: { idNumber: 'e1234567', salt: 'another-salt-0123456789' },
        });
        expect(w.ledger.lastTx?.events[0]?.payload).toMatchObject({
            partyId: 'B3',
            riskFlags: [expect.stringMatching(/^[0-9a-f]{32}$/)],
        });
        const flags = await w.query<{ items: { ruleId: string; evidence: unknown }[] }>(id.customs(), (ctx) =>
            w.risk.ListFlagsBySubject(ctx, 'party', 'B3', '10', ''),
        );
        expect(flags.items).toEqual([
            expect.objectContaining({ ruleId: 'F11', evidence: { sharedIdentityDocumentWith: ['B1'] } }),
        ]);
    });

    it('enforces V02 for merchants and V06 for agents, and refuses unknown transient keys', async () => {
        const w = await World.market();
        const op = id.operator();
        await expect(
            w.submit(op, (ctx) =>
                w.party.RegisterParty(
                    ctx,
                    j({
                        partyId: 'V9',
                        type: 'MERCHANT',
                        legalName: 'v',
                        countryCode: 'CN',
                        clusterId: 'YIWU',
                        stallNo: 'S99',
                    }),
                ),
            ),
        ).rejects.toThrow('RULE_V02: stall S99');
        await expect(
            w.submit(op, (ctx) =>
                w.party.RegisterParty(ctx, j({ partyId: 'A9', type: 'AGENT', legalName: 'a', countryCode: 'CN' })),
            ),
        ).rejects.toThrow('RULE_V06');
        await expect(
            w.submit(
                op,
                (ctx) =>
                    w.party.RegisterParty(
                        ctx,
                        j({ partyId: 'P9', type: 'PRODUCER', legalName: 'p', countryCode: 'CN' }),
                    ),
                { transient: { pin: '1' } },
            ),
        ).rejects.toThrow('INVALID: unknown transient key(s): pin');
        await expect(
            w.submit(op, (ctx) =>
                w.party.RegisterParty(ctx, j({ partyId: 'P1', type: 'PRODUCER', legalName: 'p', countryCode: 'CN' })),
            ),
        ).rejects.toThrow('CONFLICT');
    });
});

describe('trade rules', () => {
    let w: World;
    beforeEach(async () => {
        w = await World.market();
    });
    const reg = (over: Record<string, unknown>, lines = [{ goods: 'G1', qty: 2, unitPrice: 500 }]): Promise<unknown> =>
        w.registerTrade('TX', lines, over);

    it('registers a clean trade as CONFIRMED with one event and index entries', async () => {
        const trade = await reg({});
        expect(trade).toMatchObject({
            status: 'CONFIRMED',
            totalAmount: 1000,
            clusterId: 'YIWU',
            stallNo: 'S1',
            lines: [{ hsCode: '6109100021' }],
        });
        expect(w.ledger.lastTx?.events).toEqual([
            { name: 'TradeRegistered', payload: expect.objectContaining({ tradeNo: 'TX' }) },
        ]);
        const page = await w.query<{ items: { tradeNo: string }[] }>(id.vendor('V1'), (ctx) =>
            w.trade.ListTradesByVendor(ctx, 'V1', '10', ''),
        );
        expect(page.items.map((t) => t.tradeNo)).toEqual(['TX']);
        await expect(reg({})).rejects.toThrow('CONFLICT: trade TX is already registered');
    });

    it.each([
        ['V26 cash settlement', { paymentChannel: 'CASH' }, 'RULE_V26'],
        ['V07 unfiled buyer', { buyerId: 'NOBODY' }, 'RULE_V07: trade TX: buyer NOBODY is not filed'],
        ['V07 wrong party type', { buyerId: 'P1' }, 'RULE_V07: trade TX: P1 is a PRODUCER, not a BUYER'],
        ['V10 no agreement', { agentId: 'A2' }, 'RULE_V10'],
        ['V12 before platform acceptance', { tradeDate: '2013-12-31' }, 'RULE_V12'],
        [
            'V32 future date',
            { tradeDate: '2024-04-30' },
            'RULE_V32: trade TX: tradeDate 2024-04-30 is after today 2024-03-25 (China time)',
        ],
        ['unknown field', { colour: 'red' }, 'INVALID: trade has unknown field(s): colour'],
    ])('refuses %s', async (_name, over, message) => {
        await expect(reg(over)).rejects.toThrow(message);
    });

    it('refuses goods of another vendor (V03), a wrong amount, and negative-listed goods as of the trade date (V05)', async () => {
        await expect(reg({}, [{ goods: 'G9', qty: 1, unitPrice: 500 }])).rejects.toThrow(
            'RULE_V03: trade TX: goods G9 is not registered to vendor V1',
        );
        const bad = w.tradeInput('TX', [{ goods: 'G1', qty: 2, unitPrice: 500 }]);
        const badLines = bad.lines as { amount: number }[];
        badLines[0] = { ...badLines[0], amount: 999 };
        await expect(w.submit(id.vendor('V1'), (ctx) => w.trade.RegisterTrade(ctx, j(bad)))).rejects.toThrow(
            'INVALID: trade TX line L1: amount 999',
        );
        await w.submit(id.customs(), (ctx) =>
            w.goods.PublishNegativeList(
                ctx,
                j({ version: 1, validFrom: '2020-05-10', entries: [{ hsPrefix: '630790', reason: 'masks (COVID)' }] }),
            ),
        );
        await w.submit(id.operator(), (ctx) =>
            w.goods.PublishNegativeList(ctx, j({ version: 2, validFrom: '2024-03-12', entries: [] })),
        );
        await expect(reg({}, [{ goods: 'MASK', qty: 1, unitPrice: 100 }])).rejects.toThrow(
            'RULE_V05: trade TX line L1: HS 6307900010 is on negative list v1 (masks (COVID))',
        );
        await expect(
            reg({ tradeDate: '2024-03-12' }, [{ goods: 'MASK', qty: 1, unitPrice: 100 }]),
        ).resolves.toMatchObject({ status: 'CONFIRMED' });
        await expect(
            w.submit(id.operator(), (ctx) =>
                w.goods.PublishNegativeList(ctx, j({ version: 2, validFrom: '2024-03-12', entries: [] })),
            ),
        ).rejects.toThrow('CONFLICT');
        const asOf = await w.query<{ list: { version: number } }>(id.vendor('V1'), (ctx) =>
            w.goods.GetNegativeList(ctx, '2021-01-01'),
        );
        expect(asOf.list.version).toBe(1);
    });

    it('refuses goods whose producer is not registered (V09)', async () => {
        await expect(
            w.submit(id.vendor('V1'), (ctx) =>
                w.goods.RegisterGoods(
                    ctx,
                    j({
                        goodsCode: 'GX',
                        ownerId: 'V1',
                        nameCn: 'x',
                        nameEn: 'x',
                        hsCode: '6109100021',
                        unit: 'PCS',
                        producerId: 'B1',
                        priceRange: { currency: 'USD', minUnitPrice: 1, maxUnitPrice: 2 },
                    }),
                ),
            ),
        ).rejects.toThrow('RULE_V09');
    });

    it('flags a unit price far outside the registry range (F3) and holds the trade as FLAGGED', async () => {
        const trade = (await reg({}, [{ goods: 'G1', qty: 1, unitPrice: 2001 }])) as {
            status: string;
            riskFlags: string[];
        };
        expect(trade.status).toBe('FLAGGED');
        const flag = await w.query<{ ruleId: string; status: string }>(id.customs(), (ctx) =>
            w.risk.GetFlag(ctx, trade.riskFlags[0] ?? ''),
        );
        expect(flag).toMatchObject({ ruleId: 'F3', status: 'OPEN' });
        await expect(w.registerTrade('TY', [{ goods: 'G1', qty: 1, unitPrice: 2000 }])).resolves.toMatchObject({
            status: 'CONFIRMED',
        });
        await expect(w.consolidate('O1', ['TX'])).rejects.toThrow('PRECONDITION: trade TX is FLAGGED');
        await w.submit(id.operator(), (ctx) => w.trade.ResolveTradeFlag(ctx, 'TX', 'wholesale price list checked'));
        await w.submit(id.customs(), (ctx) => w.risk.ClearFlag(ctx, trade.riskFlags[0] ?? '', 'explained'));
        await expect(
            w.submit(id.customs(), (ctx) => w.risk.ConfirmFlag(ctx, trade.riskFlags[0] ?? '', 'again')),
        ).rejects.toThrow('PRECONDITION');
    });

    it('amends with a reason (history kept) and cancels only before consolidation', async () => {
        await reg({});
        await w.submit(id.vendor('V1'), (ctx) =>
            w.trade.AmendTrade(
                ctx,
                'TX',
                j({ lines: [{ lineId: 'L1', goodsCode: 'G1', qty: 3, unitPrice: 500, amount: 1500 }] }),
                'buyer took one more',
            ),
        );
        const history = await w.query<{ history: { value: { totalAmount: number } }[] }>(id.vendor('V1'), (ctx) =>
            w.trade.GetTradeHistory(ctx, 'TX'),
        );
        expect(history.history.map((h) => h.value.totalAmount)).toEqual([1000, 1500]);
        await w.consolidate('O1', ['TX']);
        await expect(w.submit(id.vendor('V1'), (ctx) => w.trade.CancelTrade(ctx, 'TX', 'x'))).rejects.toThrow(
            'PRECONDITION: trade TX is CONSOLIDATED',
        );
        await expect(
            w.submit(id.vendor('V1'), (ctx) => w.trade.AmendTrade(ctx, 'TX', j({ remark: 'r' }), 'x')),
        ).rejects.toThrow('PRECONDITION');
        await expect(w.consolidate('O2', ['TX'])).rejects.toThrow('CONFLICT: trade TX is already in order O1 (CU-05)');
    });

    it('registers in bulk with one result per row and one event', async () => {
        const rows = [
            w.tradeInput('B-1', [{ goods: 'G1', qty: 1, unitPrice: 500 }]),
            w.tradeInput('B-2', [{ goods: 'G1', qty: 1, unitPrice: 500 }], { paymentChannel: 'CASH' }),
            w.tradeInput('B-1', [{ goods: 'G1', qty: 1, unitPrice: 500 }]),
            w.tradeInput('B-3', [{ goods: 'G9', qty: 1, unitPrice: 500 }], { vendorId: 'V2' }),
            { tradeNo: 'B-4' },
            ...Array.from({ length: 300 }, (_, i) =>
                w.tradeInput(`BULK-${i}`, [{ goods: 'G2', qty: 1 + i, unitPrice: 1000 }]),
            ),
        ];
        const out = await w.json<{ registered: number; failed: number; results: { ok: boolean; code?: string }[] }>(
            id.vendor('V1'),
            (ctx) => w.trade.RegisterTrades(ctx, j(rows)),
        );
        expect(out.results.slice(0, 5).map((r) => (r.ok ? 'ok' : r.code))).toEqual([
            'ok',
            'RULE_V26',
            'CONFLICT',
            'FORBIDDEN',
            'INVALID',
        ]);
        expect(out).toMatchObject({ registered: 301, failed: 4 });
        expect(w.ledger.lastTx?.events).toHaveLength(1);
        const again = await w.json<{ results: { code?: string }[] }>(id.vendor('V1'), (ctx) =>
            w.trade.RegisterTrades(ctx, j(rows.slice(0, 1))),
        );
        expect(again.results[0]?.code).toBe('CONFLICT');
        await expect(
            w.submit(id.vendor('V1'), (ctx) => w.trade.RegisterTrades(ctx, j(Array.from({ length: 501 }, () => ({}))))),
        ).rejects.toThrow('INVALID: trades must have 1..500 items');
    });
});

describe('declaration filing and customs state machine', () => {
    let w: World;
    beforeEach(async () => {
        w = await World.market();
    });

    it("answers an agent naming another agent's packing list exactly as a missing one, naming none of its parties", async () => {
        await w.registerTrade('T1', [{ goods: 'G1', qty: 10, unitPrice: 500 }]);
        await w.consolidate('O1', ['T1']);
        await w.pack('PK1', ['O1']);
        const preview = (packingNo: string): Promise<string> =>
            w.ledger.evaluate(id.agent('A2'), (ctx) =>
                w.declaration.PreviewDeclaration(
                    ctx,
                    j({ ...w.declarationInput(DECL1, packingNo, ['T1'], { consignorId: 'A2' }), declNo: undefined }),
                ),
            );

        const foreign = await preview('PK1').catch((e: unknown) => (e as Error).message);
        const missing = await preview('PK9').catch((e: unknown) => (e as Error).message);

        expect(foreign).toBe('NOT_FOUND: packing list PK1 does not exist');
        expect(missing).toBe('NOT_FOUND: packing list PK9 does not exist');
    });

    it('refuses a declaration above USD 150,000 (V01) and accepts exactly the cap', async () => {
        await w.registerTrade('T1', [
            { goods: 'G2', qty: 3000, unitPrice: 5000 },
            { goods: 'G1', qty: 1, unitPrice: 100 },
        ]);
        await w.registerTrade('T2', [{ goods: 'G2', qty: 3000, unitPrice: 5000 }]);
        await w.consolidate('O1', ['T1', 'T2']);
        await w.pack('PK1', ['O1']);
        const input = w.declarationInput(DECL1, 'PK1', ['T1', 'T2']);
        await expect(w.submit(id.broker('K1'), (ctx) => w.declaration.FileDeclaration(ctx, j(input)))).rejects.toThrow(
            'RULE_V01',
        );
        const preview = await w.query<{ withinCap: boolean; violations: { code: string }[] }>(id.agent('A1'), (ctx) =>
            w.declaration.PreviewDeclaration(ctx, j({ ...input, declNo: undefined })),
        );
        expect(preview).toMatchObject({ withinCap: false, violations: [{ code: 'RULE_V01' }] });
        await expect(w.fileDeclaration(DECL1, 'PK1', ['T2'])).resolves.toMatchObject({ totalValueUsd: 15_000_000 });
        await expect(w.fileDeclaration(DECL2, 'PK1', ['T2'])).rejects.toThrow(/already in declaration/);
    });

    it('requires one purchaser (V13) and converts CNY at the published customs rate (V31)', async () => {
        await w.registerTrade('T1', [{ goods: 'G1', qty: 10, unitPrice: 500 }], { currency: 'CNY' });
        await w.registerTrade('T2', [{ goods: 'G1', qty: 10, unitPrice: 500 }], { buyerId: 'B2' });
        await w.consolidate('O1', ['T1', 'T2']);
        await w.pack('PK1', ['O1']);
        await expect(w.fileDeclaration(DECL1, 'PK1', ['T1', 'T2'])).rejects.toThrow(
            'RULE_V13: a declaration names one purchaser',
        );
        await w.publishRates('2024-03', { CNY: '0.14' });
        const d = await w.fileDeclaration(DECL1, 'PK1', ['T1']);
        expect(d).toMatchObject({ totalValueUsd: 700, rates: [{ currency: 'CNY', rate: '0.14' }], ratesVersion: 1 });
    });

    it('flags near-cap declarations on the same day for one buyer (F4)', async () => {
        for (const n of ['1', '2']) {
            await w.registerTrade(`T${n}`, [{ goods: 'G2', qty: 2800, unitPrice: 5000 }]);
            await w.consolidate(`O${n}`, [`T${n}`]);
            await w.pack(`PK${n}`, [`O${n}`], `MSCU000000${n}`);
        }
        const first = await w.fileDeclaration(DECL1, 'PK1', ['T1']);
        expect(w.ledger.lastTx?.events[0]?.payload).toMatchObject({ riskFlags: [] });
        await w.fileDeclaration(DECL2, 'PK2', ['T2']);
        expect(first.totalValueUsd).toBe(14_000_000);
        const flags = await w.query<{ items: { ruleId: string; evidence: { sameDayNearCap: string[] } }[] }>(
            id.customs(),
            (ctx) => w.risk.ListFlagsBySubject(ctx, 'declaration', DECL2, '10', ''),
        );
        expect(flags.items).toEqual([
            expect.objectContaining({ ruleId: 'F4', evidence: expect.objectContaining({ sameDayNearCap: [DECL1] }) }),
        ]);
        const check = await w.query<{ verdict: string; checks: { id: string; reasons: { code: string }[] }[] }>(
            id.customs(),
            (ctx) => w.customs.CheckDeclaration(ctx, DECL2),
        );
        expect(check.verdict).toBe('REFER');
        expect(check.checks.find((c) => c.id === 'CU-07')?.reasons.map((r) => r.code)).toEqual([
            'CU07_OPEN_RISK_FLAGS',
        ]);
    });

    const transitions = Object.entries(CUSTOMS_EVENTS).flatMap(([tx, rule]) =>
        DECLARATION_STATUSES.filter((s) => s !== 'EXITED' || tx !== 'HoldDeclaration').map((from) => ({
            tx,
            from,
            ok: rule.from.includes(from),
        })),
    );
    const reach: Record<string, [string, string][]> = {
        SUBMITTED: [],
        ACCEPTED: [['AcceptDeclaration', '']],
        INSPECTION_ORDERED: [
            ['AcceptDeclaration', ''],
            ['OrderInspection', 'r'],
        ],
        INSPECTED: [
            ['AcceptDeclaration', ''],
            ['OrderInspection', 'r'],
            ['RecordInspectionResult', j({ passed: true, remark: 'ok' })],
        ],
        RELEASED: [
            ['AcceptDeclaration', ''],
            ['ReleaseDeclaration', ''],
        ],
        EXITED: [
            ['AcceptDeclaration', ''],
            ['ReleaseDeclaration', ''],
            ['ConfirmExit', TODAY],
        ],
        RETURNED: [['ReturnDeclaration', 'r']],
        WITHDRAWN: [
            ['AcceptDeclaration', ''],
            ['WithdrawDeclaration', 'r'],
        ],
        ON_HOLD: [['HoldDeclaration', 'r']],
    };
    const argFor: Record<string, string> = {
        RecordInspectionResult: j({ passed: true, remark: 'ok' }),
        ConfirmExit: TODAY,
        AmendDeclaration: j({ exitPort: 'CNSHA' }),
    };

    it.each(transitions)('$tx from $from → allowed: $ok', async ({ tx, from, ok }) => {
        await w.declared(DECL1, { T1: [{ goods: 'G1', qty: 10, unitPrice: 500 }] });
        const c = id.customs();
        type Call = (
            ctx: Parameters<typeof w.customs.AcceptDeclaration>[0],
            d: string,
            a: string,
            b: string,
        ) => Promise<string>;
        const call = (name: string, arg: string): Promise<string> =>
            w.submit(c, (ctx) =>
                ((w.customs as unknown as Record<string, Call>)[name] as Call).call(
                    w.customs,
                    ctx,
                    DECL1,
                    arg,
                    'reason',
                ),
            );
        for (const [name, arg] of reach[from] ?? []) await call(name, arg);
        const result = call(tx, argFor[tx] ?? 'reason');
        if (ok) await expect(result).resolves.toContain('"declNo"');
        else await expect(result).rejects.toThrow(/^PRECONDITION: /);
    });

    it('requires both the customs and the market peer to change a filed declaration (SBE)', async () => {
        await w.declared(DECL1, { T1: [{ goods: 'G1', qty: 10, unitPrice: 500 }] });
        const c = id.customs();
        const accept = (endorsers: string[]): Promise<string> =>
            w.submit(c, (ctx) => w.customs.AcceptDeclaration(ctx, DECL1), { endorsers });
        await expect(accept(['MarketOrgMSP', 'BankOrgMSP'])).rejects.toThrow('ENDORSEMENT_POLICY_FAILURE');
        await expect(accept(['CustomsOrgMSP', 'BankOrgMSP'])).rejects.toThrow('ENDORSEMENT_POLICY_FAILURE');
        await expect(accept(['CustomsOrgMSP', 'MarketOrgMSP'])).resolves.toContain('"ACCEPTED"');
        const policyOf = (key: string): string[] => {
            const parameter = w.ledger.validationParameter(key);
            return parameter === undefined ? [] : new KeyEndorsementPolicy(parameter).listOrgs().sort();
        };
        const declarationKey = `\u0000declaration\u0000${DECL1}\u0000`;
        const eventKey = `\u0000customsEvent\u0000${DECL1}\u00000001\u0000`;
        expect(policyOf(declarationKey)).toEqual(['CustomsOrgMSP', 'MarketOrgMSP']);
        expect(policyOf(eventKey)).toEqual(['CustomsOrgMSP']);
    });

    it('moves trades with the declaration and frees them on return', async () => {
        await w.declared(DECL1, { T1: [{ goods: 'G1', qty: 10, unitPrice: 500 }] });
        const c = id.customs();
        await w.submit(c, (ctx) => w.customs.ReturnDeclaration(ctx, DECL1, 'wrong consignee'));
        const trade = await w.query<{ status: string; declNo?: string }>(c, (ctx) => w.trade.GetTrade(ctx, 'T1'));
        expect(trade).toEqual(expect.objectContaining({ status: 'PACKED' }));
        expect(trade.declNo).toBeUndefined();
        await expect(w.fileDeclaration(DECL2, 'PK-0001', ['T1'])).resolves.toMatchObject({ status: 'SUBMITTED' });
        const failed = await w
            .json<{ status: string; heldFrom: string }>(c, async (ctx) => {
                await w.customs.AcceptDeclaration(ctx, DECL2);
                return '{}';
            })
            .then(() => w.submit(c, (ctx) => w.customs.OrderInspection(ctx, DECL2, 'x')))
            .then(() =>
                w.json<{ status: string; heldFrom: string }>(c, (ctx) =>
                    w.customs.RecordInspectionResult(ctx, DECL2, j({ passed: false, remark: 'undeclared goods' })),
                ),
            );
        expect(failed).toMatchObject({ status: 'ON_HOLD', heldFrom: 'INSPECTION_ORDERED' });
        const history = await w.query<{ history: { value: { status: string } }[] }>(c, (ctx) =>
            w.history.GetHistory(ctx, 'declaration', DECL2),
        );
        expect(history.history.map((h) => h.value.status)).toEqual([
            'SUBMITTED',
            'ACCEPTED',
            'INSPECTION_ORDERED',
            'ON_HOLD',
        ]);
    });
});
