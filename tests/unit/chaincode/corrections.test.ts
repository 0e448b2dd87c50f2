import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { declaration, payerJson, seed, trade } from './receipt-fixtures';
import * as id from './support/identities';
import { voidAllocation } from '../../../chaincode/src/rules/allocation-void';
import type { AllocationRecord, ReceiptRecord } from '../../../chaincode/src/model/records';
import { DECL1, World } from './support/world';

/**
 * Corrections (docs/rules.md "Corrections"): every amend, void, termination and withdrawal needs a reason, is done by
 * the record's owner, keeps the earlier version in the key's history, and is refused with its reason code where the
 * record's state no longer allows it.
 */
const j = JSON.stringify;
const history = (w: World, type: string, recordId: string): Promise<{ history: { value: unknown }[] }> =>
    w.query(id.customs(), (ctx) => w.history.GetHistory(ctx, type, recordId));
const events = (w: World): unknown[] =>
    (w.ledger.lastTx?.events ?? []).map((e) => ({ name: e.name, ...(e.payload as object) }));

let w: World;
beforeEach(async () => {
    w = await World.market();
});

describe('goods', () => {
    const amend = (amendment: object, who = id.vendor('V1')): Promise<Record<string, unknown>> =>
        w.json(who, (ctx) => w.goods.AmendGoods(ctx, 'G1', j(amendment), 'name mistyped'));

    it('amends names by the owner, counting amendments, keeping the old version in history', async () => {
        const goods = await amend({ nameEn: 'Cotton T-shirt' });
        expect(goods).toMatchObject({
            nameEn: 'Cotton T-shirt',
            amendments: 1,
            correction: { reason: 'name mistyped' },
        });
        expect(events(w)).toEqual([
            expect.objectContaining({ name: 'GoodsAmended', goodsCode: 'G1', fields: ['nameEn'], amendments: 1 }),
        ]);
        const versions = (await history(w, 'goods', 'G1')).history.map((h) => (h.value as { nameEn: string }).nameEn);
        expect(versions).toHaveLength(2);
        expect(versions).toContain('Cotton T-shirt');
    });

    it('changes the HS code while no trade uses the goods, and refuses it after (AMEND_AFTER_USE)', async () => {
        await expect(amend({ hsCode: '6109100022' })).resolves.toMatchObject({ hsCode: '6109100022' });
        await w.registerTrade('T1', [{ goods: 'G1', qty: 1, unitPrice: 500 }]);
        await expect(amend({ hsCode: '6109100021' })).rejects.toThrow(/^AMEND_AFTER_USE: goods G1 is used by trades/);
        await expect(amend({ unit: 'KG' })).rejects.toThrow(/^AMEND_AFTER_USE: .*unit cannot change/);
        await expect(amend({ nameCn: '棉T恤' })).resolves.toMatchObject({ nameCn: '棉T恤', amendments: 2 });
    });

    it('refuses an empty amendment, a missing reason, another vendor, and an inverted price range', async () => {
        await expect(amend({})).rejects.toThrow(/^INVALID: amendment changes nothing/);
        await expect(
            w.submit(id.vendor('V1'), (ctx) => w.goods.AmendGoods(ctx, 'G1', j({ nameEn: 'x' }), '')),
        ).rejects.toThrow(/^INVALID: reason/);
        await expect(amend({ nameEn: 'x' }, id.vendor('V2'))).rejects.toThrow(/^FORBIDDEN: /);
        const range = { currency: 'USD', minUnitPrice: 9, maxUnitPrice: 1 };
        await expect(amend({ priceRange: range })).rejects.toThrow(/^INVALID: .*minUnitPrice is above/);
    });

    it('voids goods: no new trade may use them (V03), trades that did keep them; a void is final', async () => {
        await w.registerTrade('T1', [{ goods: 'G1', qty: 1, unitPrice: 500 }]);
        const voided = await w.json(id.operator(), (ctx) => w.goods.VoidGoods(ctx, 'G1', 'registered twice'));
        expect(voided).toMatchObject({ status: 'VOID', correction: { reason: 'registered twice' } });
        await expect(w.registerTrade('T2', [{ goods: 'G1', qty: 1, unitPrice: 500 }])).rejects.toThrow(
            /^RULE_V03: .*goods G1 is void/,
        );
        const kept = await w.query(id.vendor('V1'), (ctx) => w.trade.GetTrade(ctx, 'T1'));
        expect(kept).toMatchObject({ lines: [{ goodsCode: 'G1' }] });
        await expect(amend({ nameEn: 'x' })).rejects.toThrow(/^ALREADY_VOID: goods G1 is void/);
        await expect(w.submit(id.vendor('V1'), (ctx) => w.goods.VoidGoods(ctx, 'G1', 'again'))).rejects.toThrow(
            /^ALREADY_VOID/,
        );
    });
});

describe('clusters', () => {
    const amend = (amendment: object): Promise<Record<string, unknown>> =>
        w.json(id.operator(), (ctx) => w.party.AmendCluster(ctx, 'YIWU', j(amendment), 'new stalls opened'));

    it('adds stalls to a street and on a new street; a merchant can then be filed there (V02)', async () => {
        const cluster = await amend({
            addStalls: [
                { streetId: 'D1', stalls: ['S4'] },
                { streetId: 'D2', name: 'District 2', stalls: ['T1'] },
            ],
        });
        expect(cluster).toMatchObject({
            amendments: 1,
            streets: [
                { streetId: 'D1', stalls: ['S1', 'S2', 'S3', 'S4'] },
                { streetId: 'D2', name: 'District 2', stalls: ['T1'] },
            ],
        });
        expect(events(w)).toEqual([expect.objectContaining({ name: 'ClusterAmended', stalls: 5 })]);
        await expect(
            w.fileParty({
                partyId: 'V3',
                type: 'MERCHANT',
                legalName: 'V3',
                countryCode: 'CN',
                clusterId: 'YIWU',
                stallNo: 'T1',
            }),
        ).resolves.toBeUndefined();
    });

    it('refuses a stall already in the cluster, a new street without a name, and a non-operator', async () => {
        await expect(amend({ addStalls: [{ streetId: 'D9', name: 'x', stalls: ['S1'] }] })).rejects.toThrow(
            /^CONFLICT: stall S1 is already in the cluster/,
        );
        await expect(amend({ addStalls: [{ streetId: 'D9', stalls: ['Z1'] }] })).rejects.toThrow(/needs a name/);
        await expect(
            w.submit(id.vendor('V1'), (ctx) => w.party.AmendCluster(ctx, 'YIWU', j({ name: 'x' }), 'mine')),
        ).rejects.toThrow(/^FORBIDDEN: /);
        await expect(amend({ customsOffice: '9999' })).rejects.toThrow(/^INVALID: .*unknown field/);
    });
});

describe('agency agreements', () => {
    const amend = (validTo: string, who = id.agent('A1')): Promise<Record<string, unknown>> =>
        w.json(who, (ctx) => w.party.AmendAgencyAgreement(ctx, 'AG1', j({ validTo }), 'contract shortened'));

    it('moves the end date earlier (either party), not into the past, and never later', async () => {
        await expect(amend('2024-06-30', id.vendor('V1'))).resolves.toMatchObject({
            validTo: '2024-06-30',
            amendments: 1,
        });
        await expect(amend('2024-12-31')).rejects.toThrow(/^EXTENSION_NEEDS_AGREEMENT: agreement AG1 ends 2024-06-30/);
        await expect(amend('2024-03-01')).rejects.toThrow(/^INVALID: .*before .*today 2024-03-25/);
        await expect(amend('2024-06-01', id.vendor('V2'))).rejects.toThrow(/^NOT_FOUND: agreement AG1 does not exist/);
    });

    it('terminates: no new trade under it (V10); terminating again is refused', async () => {
        await w.registerTrade('T1', [{ goods: 'G1', qty: 1, unitPrice: 500 }]);
        const ended = await w.json(id.vendor('V1'), (ctx) =>
            w.party.TerminateAgencyAgreement(ctx, 'AG1', 'agent closed'),
        );
        expect(ended).toMatchObject({ status: 'TERMINATED', correction: { reason: 'agent closed' } });
        await expect(w.registerTrade('T2', [{ goods: 'G1', qty: 1, unitPrice: 500 }])).rejects.toThrow(/^RULE_V10/);
        await expect(
            w.submit(id.operator(), (ctx) => w.party.TerminateAgencyAgreement(ctx, 'AG1', 'again')),
        ).rejects.toThrow(/^ALREADY_VOID: agreement AG1 is terminated/);
        await expect(amend('2024-06-30')).rejects.toThrow(/^ALREADY_VOID/);
    });

    describe('declaring trades registered under it (V10 on the filing day)', () => {
        beforeEach(async () => {
            await w.registerTrade('T1', [{ goods: 'G1', qty: 1, unitPrice: 500 }]);
            await w.consolidate('O1', ['T1']);
            await w.pack('PK1', ['O1']);
        });

        it('refuses the declaration once the agreement is terminated, naming the trade, and files nothing', async () => {
            await w.submit(id.vendor('V1'), (ctx) => w.party.TerminateAgencyAgreement(ctx, 'AG1', 'agent closed'));
            await expect(w.fileDeclaration(DECL1, 'PK1', ['T1'])).rejects.toThrow(
                /^RULE_V10: trade T1: no agency agreement V1↔A1 in force on 2024-03-25/,
            );
            const t1 = await w.query(id.vendor('V1'), (ctx) => w.trade.GetTrade(ctx, 'T1'));
            expect(t1).toMatchObject({ status: 'PACKED' });
        });

        it('files the declaration while the agreement is in force', async () => {
            await expect(w.fileDeclaration(DECL1, 'PK1', ['T1'])).resolves.toMatchObject({
                declNo: DECL1,
                status: 'SUBMITTED',
                tradeNos: ['T1'],
            });
        });
    });
});

describe('consolidation orders and packing lists', () => {
    const tradeStatus = async (tradeNo: string): Promise<Record<string, unknown>> =>
        w.query(id.vendor('V1'), (ctx) => w.trade.GetTrade(ctx, tradeNo));
    const c1 = id.consolidator('C1');

    beforeEach(async () => {
        for (const t of ['T1', 'T2', 'T3']) await w.registerTrade(t, [{ goods: 'G1', qty: 1, unitPrice: 500 }]);
        await w.consolidate('O1', ['T1', 'T2']);
    });

    it('amends an open order: a trade taken out is CONFIRMED and free, one added is CONSOLIDATED', async () => {
        const amendment = j({ removeTradeNos: ['T2'], addTradeNos: ['T3'], truckPlate: '浙G12345' });
        const order = await w.json(c1, (ctx) =>
            w.consolidation.AmendConsolidationOrder(ctx, 'O1', amendment, 'T2 late'),
        );
        expect(order).toMatchObject({ tradeNos: ['T1', 'T3'], truckPlate: '浙G12345', amendments: 1 });
        expect(await tradeStatus('T2')).toMatchObject({ status: 'CONFIRMED' });
        expect(await tradeStatus('T2')).not.toHaveProperty('consolidationOrder');
        expect(await tradeStatus('T3')).toMatchObject({ status: 'CONSOLIDATED', consolidationOrder: 'O1' });
        await expect(w.consolidate('O2', ['T2'])).resolves.toBeUndefined();
        await expect(
            w.submit(c1, (ctx) =>
                w.consolidation.AmendConsolidationOrder(ctx, 'O1', j({ removeTradeNos: ['T1', 'T3'] }), 'x'),
            ),
        ).rejects.toThrow(/^INVALID: the order would hold no trade; void it instead/);
    });

    it('voids an open order: its trades are CONFIRMED again; the order stays, VOID, with its history', async () => {
        const order = await w.json(c1, (ctx) => w.consolidation.VoidConsolidationOrder(ctx, 'O1', 'wrong truck'));
        expect(order).toMatchObject({ status: 'VOID', tradeNos: ['T1', 'T2'] });
        expect(await tradeStatus('T1')).toMatchObject({ status: 'CONFIRMED' });
        expect((await history(w, 'consolidation', 'O1')).history).toHaveLength(2);
        await expect(w.consolidate('O2', ['T1', 'T2'])).resolves.toBeUndefined();
        await expect(w.pack('PK1', ['O1'])).rejects.toThrow(/^ALREADY_VOID: order O1 is void/);
    });

    it('refuses to change a packed order (AMEND_AFTER_PACKING) until its packing list is voided', async () => {
        await w.pack('PK1', ['O1']);
        const voidOrder = (): Promise<string> =>
            w.submit(c1, (ctx) => w.consolidation.VoidConsolidationOrder(ctx, 'O1', 'wrong'));
        await expect(voidOrder()).rejects.toThrow(/^AMEND_AFTER_PACKING: order O1 is packed in PK1/);
        const packing = await w.json(c1, (ctx) => w.consolidation.VoidPackingList(ctx, 'PK1', 'wrong container'));
        expect(packing).toMatchObject({ status: 'VOID', correction: { reason: 'wrong container' } });
        expect(events(w)).toEqual([expect.objectContaining({ name: 'PackingListVoided', reopened: ['O1'] })]);
        expect(await tradeStatus('T1')).toMatchObject({ status: 'CONSOLIDATED' });
        expect(await tradeStatus('T1')).not.toHaveProperty('packingNo');
        await expect(voidOrder()).resolves.toContain('"status":"VOID"');
    });

    it('amends a packing list before declaration (same orders only) and refuses after (AMEND_AFTER_DECLARATION)', async () => {
        await w.pack('PK1', ['O1']);
        const amend = (amendment: object): Promise<string> =>
            w.submit(c1, (ctx) => w.consolidation.AmendPackingList(ctx, 'PK1', j(amendment), 'seal mistyped'));
        const container = { containerNo: 'MSCU1234567', type: '45G1', sealNo: 'SEAL-2', tareKg: 3800 };
        await expect(amend({ containers: [{ ...container, orderCodes: ['O1'] }] })).resolves.toContain(
            '"sealNo":"SEAL-2"',
        );
        await expect(amend({ containers: [{ ...container, orderCodes: ['O9'] }] })).rejects.toThrow(
            /^INVALID: amendment.containers must carry orders O1/,
        );
        await w.fileDeclaration('292020240000000001', 'PK1', ['T1', 'T2']);
        await expect(amend({ billOfLading: 'BL2' })).rejects.toThrow(
            /^AMEND_AFTER_DECLARATION: packing list PK1: trade T1 is in declaration 292020240000000001/,
        );
        await expect(w.submit(c1, (ctx) => w.consolidation.VoidPackingList(ctx, 'PK1', 'too late'))).rejects.toThrow(
            /^AMEND_AFTER_DECLARATION/,
        );
    });
});

describe('receipt allocations', () => {
    const bk = id.bank('BK1');
    const R = 'BankOrgMSP:R1';
    const voidIt = (who = bk, tradeNo = 'T-EXP'): Promise<string> =>
        w.submit(who, (ctx) => w.receipt.VoidAllocation(ctx, R, tradeNo, 'allocated to the wrong trade'));
    const settlement = (tradeNo: string): Promise<Record<string, unknown>> =>
        w.query(bk, (ctx) => w.receipt.GetTradeSettlement(ctx, tradeNo));

    beforeEach(async () => {
        w.ledger.defineCollections([
            { name: '_implicit_org_BankOrgMSP', policy: "OR('BankOrgMSP.member')", memberOnlyRead: true },
        ]);
        await w.fileParty({
            partyId: 'BK2',
            type: 'BANK',
            legalName: 'BK2',
            countryCode: 'CN',
            orgMspId: 'BankOrgMSP',
        });
        await seed(w.ledger, [
            trade('T-EXP', { declNo: 'D-EXP', stallNo: 'S1' }),
            trade('T-EXP2', { declNo: 'D-EXP', stallNo: 'S1' }),
            declaration('D-EXP', ['T-EXP', 'T-EXP2'], { exitDate: '2024-02-20', releaseDate: '2024-02-18' }),
        ]);
        const receipt = {
            receiptRef: 'R1',
            payeePartyId: 'V1',
            amountMinor: 100_000,
            currency: 'USD',
            valueDate: '2024-03-20',
            channel: 'SWIFT',
            allocations: [{ tradeNo: 'T-EXP', amountMinor: 100_000 }],
        };
        await w.submit(bk, (ctx) => w.receipt.FileReceipt(ctx, j(receipt)), { transient: { payer: payerJson() } });
    });

    it('frees the amount on the receipt and the trade (BK-04); the pair can be allocated again; history shows both', async () => {
        const before = await settlement('T-EXP');
        const receipt = JSON.parse(await voidIt()) as Record<string, unknown>;
        expect(receipt).toMatchObject({
            allocatedMinor: 0,
            unallocatedMinor: 100_000,
            status: 'RECEIVED',
            allocations: [],
            voidedAllocations: [
                { tradeNo: 'T-EXP', amountMinor: 100_000, voided: { reason: 'allocated to the wrong trade' } },
            ],
        });
        expect(receipt).not.toHaveProperty('verification');
        expect(events(w)).toEqual([
            expect.objectContaining({ name: 'AllocationVoided', tradeNo: 'T-EXP', unallocatedMinor: 100_000 }),
        ]);
        expect(before).toMatchObject({ allocatedMinor: 100_000 });
        expect(await settlement('T-EXP')).toMatchObject({ allocatedMinor: 0 });
        const listed = await w.query<{ items: { status?: string }[] }>(bk, (ctx) =>
            w.receipt.ListReceiptsByTrade(ctx, 'T-EXP', '10', ''),
        );
        expect(listed.items).toEqual([expect.objectContaining({ status: 'VOID' })]);

        await w.submit(bk, (ctx) => w.receipt.AllocateReceipt(ctx, R, j([{ tradeNo: 'T-EXP', amountMinor: 40_000 }])));
        await w.submit(bk, (ctx) => w.receipt.AllocateReceipt(ctx, R, j([{ tradeNo: 'T-EXP2', amountMinor: 60_000 }])));
        expect(await settlement('T-EXP')).toMatchObject({ allocatedMinor: 40_000 });
        const { history: versions } = await w.query<{ history: { value: { allocatedMinor: number } }[] }>(bk, (ctx) =>
            w.receipt.GetReceiptHistory(ctx, R),
        );
        expect(versions.map((v) => v.value.allocatedMinor).sort((a, b) => a - b)).toEqual([
            0, 40_000, 100_000, 100_000,
        ]);
    });

    it('is refused to another bank party, without an allocation, and after settlement (VOID_AFTER_SETTLEMENT)', async () => {
        await expect(voidIt(id.bank('BK2'))).rejects.toThrow(/^FORBIDDEN: /);
        await expect(voidIt(bk, 'T-EXP2')).rejects.toThrow(
            /^NOT_FOUND: receipt BankOrgMSP:R1 has no allocation to trade T-EXP2/,
        );
        await expect(
            w.submit(id.vendor('V1'), (ctx) => w.receipt.VoidAllocation(ctx, R, 'T-EXP', 'x')),
        ).rejects.toThrow(/^FORBIDDEN: /);
        // a settled or credited receipt: the money is converted or booked, so the rule refuses before anything is read
        const receipt = await w.query<ReceiptRecord>(bk, (ctx) => w.receipt.GetReceipt(ctx, R));
        const record = await w.query<{ items: AllocationRecord[] }>(bk, (ctx) =>
            w.receipt.ListReceiptsByTrade(ctx, 'T-EXP', '10', ''),
        );
        const by = receipt.filedBy;
        for (const status of ['SETTLED', 'CREDITED'] as const) {
            expect(() => voidAllocation({ ...receipt, status }, record.items[0], 'T-EXP', { reason: 'x', by })).toThrow(
                new RegExp(`^VOID_AFTER_SETTLEMENT: receipt BankOrgMSP:R1 is ${status}`),
            );
        }
        expect(voidAllocation(receipt, record.items[0], 'T-EXP', { reason: 'x', by }).record.status).toBe('VOID');
    });
});

describe('exemption filings', () => {
    const filing = (filingNo: string): string =>
        j({ filingNo, merchantId: 'V1', period: '2024-03', tradeNos: ['T-EXP'] });
    const withdraw = (who = id.vendor('V1')): Promise<string> =>
        w.submit(who, (ctx) => w.exemption.WithdrawExemption(ctx, 'EX1', 'wrong period claimed'));

    beforeEach(async () => {
        await seed(w.ledger, [
            trade('T-EXP', { declNo: 'D-EXP', stallNo: 'S1' }),
            declaration('D-EXP', ['T-EXP'], { exitDate: '2024-02-20', releaseDate: '2024-02-18' }),
        ]);
        await w.submit(id.vendor('V1'), (ctx) => w.exemption.FileExemption(ctx, filing('EX1')));
    });

    it('is withdrawn by its filer; the trade can be claimed again; history shows both versions', async () => {
        await expect(w.submit(id.vendor('V1'), (ctx) => w.exemption.FileExemption(ctx, filing('EX2')))).rejects.toThrow(
            /CU09_ALREADY_EXEMPTED/,
        );
        await expect(withdraw()).resolves.toContain('"status":"WITHDRAWN"');
        expect(events(w)).toEqual([expect.objectContaining({ name: 'ExemptionWithdrawn', tradeNos: ['T-EXP'] })]);
        const claim = await w.query(id.vendor('V1'), (ctx) => w.exemption.GetExemptionByTrade(ctx, 'T-EXP'));
        expect(claim).toEqual({ tradeNo: 'T-EXP', filingNo: null });
        await expect(
            w.submit(id.vendor('V1'), (ctx) => w.exemption.FileExemption(ctx, filing('EX2'))),
        ).resolves.toContain('"status":"FILED"');
        const { history: versions } = await w.query<{ history: { value: { status: string } }[] }>(
            id.vendor('V1'),
            (ctx) => w.exemption.GetExemptionHistory(ctx, 'EX1'),
        );
        expect(versions.map((v) => v.value.status).sort()).toEqual(['FILED', 'WITHDRAWN']);
        await expect(withdraw()).rejects.toThrow(/^ALREADY_VOID: filing EX1 is WITHDRAWN/);
    });

    it('is refused to anyone but the filer', async () => {
        await expect(withdraw(id.vendor('V2'))).rejects.toThrow(/^NOT_FOUND: exemption filing EX1 does not exist/);
        await expect(withdraw(id.agent('A1'))).rejects.toThrow(/^NOT_FOUND: exemption filing EX1 does not exist/);
        await expect(w.submit(id.customs(), (ctx) => w.exemption.WithdrawExemption(ctx, 'EX1', 'x'))).rejects.toThrow(
            /^FORBIDDEN: role customs may not call/,
        );
    });
});

describe('document history', () => {
    it('answers who anchored a document and when, and NOT_FOUND for one never anchored', async () => {
        const hash = 'e'.repeat(64);
        await w.submit(id.vendor('V1'), (ctx) => w.document.RegisterDocument(ctx, hash, 'INVOICE'));
        const read =
            (h: string) =>
            (ctx: Context): Promise<string> =>
                w.document.GetDocumentHistory(ctx, h);
        const answer = await w.query<{ history: { value: { kind: string } }[] }>(id.bank('BK1'), read(hash));
        expect(answer.history.map((h) => h.value.kind)).toEqual(['INVOICE']);
        await expect(w.ledger.evaluate(id.auditor(), read('f'.repeat(64)))).rejects.toThrow(/^NOT_FOUND: document/);
    });
});
