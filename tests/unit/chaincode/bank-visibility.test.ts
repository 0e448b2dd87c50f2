import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { DeclarationContract } from '../../../chaincode/src/contracts/declaration';
import { FinancingContract } from '../../../chaincode/src/contracts/financing';
import { PartyContract } from '../../../chaincode/src/contracts/party';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import { TradeContract } from '../../../chaincode/src/contracts/trade';
import { IndexType } from '../../../chaincode/src/model/keys';
import { putIndex } from '../../../chaincode/src/store/records';
import type { FakeIdentity, FakeLedger } from './support/fake-ledger';
import { bank, customs, operator } from './support/identities';
import {
    BANK1_MSP,
    BANK2_MSP,
    declaration,
    payerJson,
    seed,
    settlementLedger,
    standardWorld,
} from './receipt-fixtures';

/**
 * V34: a bank reads the trades, declarations and parties its own receipts and financings rely on; of any other trade
 * it sees only amounts and counts (GetTradeSettlement, the bank check), answered like a missing record otherwise.
 */
const trades = new TradeContract();
const declarations = new DeclarationContract();
const parties = new PartyContract();
const receipts = new ReceiptContract();
const financings = new FinancingContract();
const bank1 = (): FakeIdentity => bank('BANK1', BANK1_MSP);
const bank2 = (): FakeIdentity => bank('BANK2', BANK2_MSP);
/** T4 (vendor V2, agent A2, buyer B1) is on this declaration; T1 and T3 on D1 in the fixtures. */
const DECL_T4 = '292020240000000004';

let ledger: FakeLedger;

beforeEach(async () => {
    ledger = settlementLedger();
    await standardWorld(ledger);
    await seed(ledger, [declaration(DECL_T4, ['T4'], { consignorId: 'A2' })]);
    await ledger.submit(operator(), async (ctx: Context) => {
        for (const [type, id] of [
            ['MERCHANT', 'V1'],
            ['MERCHANT', 'V2'],
            ['AGENT', 'A2'],
        ] as const) {
            await putIndex(ctx, IndexType.partyByType, [type, id]);
        }
    });
    ledger.setTime('2024-04-10T08:00:00.000Z');
});

async function fileReceipt(who: FakeIdentity, ref: string, payee: string, tradeNo: string): Promise<void> {
    const json = JSON.stringify({
        receiptRef: ref,
        payeePartyId: payee,
        amountMinor: 30_000,
        currency: 'USD',
        valueDate: '2024-04-01',
        channel: 'SWIFT',
        allocations: [{ tradeNo, amountMinor: 30_000 }],
    });
    await ledger.submit(who, (ctx) => receipts.FileReceipt(ctx, json), { transient: { payer: payerJson() } });
}

const getTrade = (who: FakeIdentity, no: string): Promise<string> =>
    ledger.evaluate(who, (ctx) => trades.GetTrade(ctx, no));
const getDecl = (who: FakeIdentity, no: string): Promise<string> =>
    ledger.evaluate(who, (ctx) => declarations.GetDeclaration(ctx, no));
const getParty = (who: FakeIdentity, id: string): Promise<string> =>
    ledger.evaluate(who, (ctx) => parties.GetParty(ctx, id));

describe('bank read scope (V34)', () => {
    it('hides a trade only the other bank relies on, exactly like a missing one, but shows its use as counts', async () => {
        await fileReceipt(bank2(), 'R2', 'V2', 'T4');
        await expect(getTrade(bank1(), 'T4')).rejects.toThrow(new Error('NOT_FOUND: trade T4 does not exist'));
        await expect(getTrade(bank1(), 'T404')).rejects.toThrow(new Error('NOT_FOUND: trade T404 does not exist'));
        await expect(getDecl(bank1(), DECL_T4)).rejects.toThrow(`NOT_FOUND: declaration ${DECL_T4} does not exist`);
        await expect(getParty(bank1(), 'V2')).rejects.toThrow('NOT_FOUND: party V2 does not exist');
        // guard: the other bank, whose receipt relies on it, reads it
        await expect(getTrade(bank2(), 'T4')).resolves.toContain('"tradeNo":"T4"');
        const view = JSON.parse(
            await ledger.evaluate(bank1(), (ctx) => receipts.GetTradeSettlement(ctx, 'T4')),
        ) as Record<string, unknown>;
        expect(view).toMatchObject({ allocatedMinor: 30_000, otherBanksCount: 1, ownAllocatedMinor: 0 });
        expect(JSON.stringify(view)).not.toContain(BANK2_MSP);
    });

    it('still lets the bank check the trade: the check reads internally and reports other banks as counts', async () => {
        await fileReceipt(bank2(), 'R2', 'V2', 'T4');
        const check = JSON.parse(
            await ledger.evaluate(bank1(), (ctx) =>
                receipts.CheckReceipt(
                    ctx,
                    JSON.stringify({
                        receipt: {
                            payeePartyId: 'V2',
                            amountMinor: 50_000,
                            currency: 'USD',
                            valueDate: '2024-04-01',
                            allocations: [{ tradeNo: 'T4', amountMinor: 50_000 }],
                        },
                    }),
                ),
            ),
        ) as { checks: { id: string; findings: { detail: Record<string, unknown> }[] }[] };
        const bk04 = check.checks.find((c) => c.id === 'BK-04');
        expect(bk04?.findings[0]?.detail).toMatchObject({ alreadyAllocatedMinor: 30_000, otherBanks: 1 });
        expect(JSON.stringify(check)).not.toContain(BANK2_MSP);
    });

    it('reads the trade, its declaration and its parties once its own receipt allocates to it', async () => {
        await fileReceipt(bank2(), 'R2', 'V2', 'T4');
        await fileReceipt(bank1(), 'R1', 'V2', 'T4');
        await expect(getTrade(bank1(), 'T4')).resolves.toContain('"tradeNo":"T4"');
        await expect(getDecl(bank1(), DECL_T4)).resolves.toContain(DECL_T4);
        for (const partyId of ['V2', 'A2', 'B1']) await expect(getParty(bank1(), partyId)).resolves.toContain(partyId);
        // other trades stay hidden
        await expect(getTrade(bank1(), 'T1')).rejects.toThrow('NOT_FOUND: trade T1 does not exist');
        await expect(getParty(bank1(), 'V1')).rejects.toThrow('NOT_FOUND: party V1 does not exist');
    });

    it('reads what its financing relies on', async () => {
        await ledger.submit(bank2(), (ctx) =>
            financings.FinanceTrades(
                ctx,
                JSON.stringify({
                    financingRef: 'F1',
                    borrowerPartyId: 'V1',
                    items: [{ tradeNo: 'T1', amountMinor: 1 }],
                }),
            ),
        );
        await expect(getTrade(bank2(), 'T1')).resolves.toContain('"tradeNo":"T1"');
        await expect(getParty(bank2(), 'V1')).resolves.toContain('"partyId":"V1"');
        await expect(getTrade(bank1(), 'T1')).rejects.toThrow('NOT_FOUND: trade T1 does not exist');
    });

    it('reads its own bank party, not another bank’s', async () => {
        await expect(getParty(bank1(), 'BANK1')).resolves.toContain('"partyId":"BANK1"');
        await expect(getParty(bank1(), 'BANK2')).rejects.toThrow('NOT_FOUND: party BANK2 does not exist');
    });

    it('lists only the parties it relies on; authorities list every party', async () => {
        await fileReceipt(bank1(), 'R1', 'V2', 'T4');
        const list = async (who: FakeIdentity): Promise<string[]> =>
            (
                JSON.parse(
                    await ledger.evaluate(who, (ctx) => parties.ListPartiesByType(ctx, 'MERCHANT', '10', '')),
                ) as { items: { partyId: string }[] }
            ).items.map((p) => p.partyId);
        expect(await list(bank1())).toEqual(['V2']);
        expect(await list(bank2())).toEqual([]);
        expect(await list(customs())).toEqual(['V1', 'V2']);
    });
});
