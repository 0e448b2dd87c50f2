import { describe, expect, it } from '@jest/globals';
import { DECL1, TODAY, World } from './support/world';
import * as id from './support/identities';

interface Decl {
    status: string;
    totalValueUsd: number;
    simplified: boolean;
    lines: {
        gNo: number;
        hsCode: string;
        valueUsd: number;
        isItemised: boolean;
        mergedChapter: string | null;
        sources: unknown[];
    }[];
    remarkPurchaser: { buyerId: string; name: string; nationality: string };
}

describe('main path: trade → consolidation → declaration → customs → check → trace', () => {
    it('runs end to end and ends with EXPORTED trades and a PASS check', async () => {
        const w = await World.market();
        const decl = await w.declared(DECL1, {
            T1: [
                { goods: 'G1', qty: 100, unitPrice: 500 },
                { goods: 'G2', qty: 10, unitPrice: 3000 },
            ],
            T2: [{ goods: 'G3', qty: 20, unitPrice: 1000 }],
        });
        expect(decl).toMatchObject({
            status: 'SUBMITTED',
            totalValueUsd: 100 * 500 + 10 * 3000 + 20 * 1000,
            simplified: false,
        });
        expect((decl as unknown as Decl).remarkPurchaser).toMatchObject({
            buyerId: 'B1',
            name: 'Buyer B1',
            nationality: 'AE',
        });

        const c = id.customs();
        await w.submit(c, (ctx) => w.customs.AcceptDeclaration(ctx, DECL1));
        await w.submit(c, (ctx) => w.customs.OrderInspection(ctx, DECL1, 'random selection'));
        await w.submit(c, (ctx) =>
            w.customs.RecordInspectionResult(ctx, DECL1, JSON.stringify({ passed: true, remark: 'ok' })),
        );
        await w.submit(c, (ctx) => w.customs.ReleaseDeclaration(ctx, DECL1));
        const t1Released = await w.query<{ status: string }>(c, (ctx) => w.trade.GetTrade(ctx, 'T1'));
        expect(t1Released.status).toBe('RELEASED');
        await w.submit(c, (ctx) => w.customs.ConfirmExit(ctx, DECL1, TODAY));
        const t2 = await w.query<{ status: string; declNo: string }>(c, (ctx) => w.trade.GetTrade(ctx, 'T2'));
        expect(t2).toMatchObject({ status: 'EXPORTED', declNo: DECL1 });

        const report = await w.query<{
            verdict: string;
            checks: { id: string; result: string; reasons: { code: string }[] }[];
            reliedOn: { recordType: string; recordId: string; txId: string }[];
        }>(c, (ctx) => w.customs.CheckDeclaration(ctx, DECL1));
        // the verdict names every record it relied on with the transaction that last changed it
        const declHistory = await w.query<{ history: { txId: string }[] }>(c, (ctx) =>
            w.history.GetHistory(ctx, 'declaration', DECL1),
        );
        const t2History = await w.query<{ history: { txId: string }[] }>(c, (ctx) =>
            w.trade.GetTradeHistory(ctx, 'T2'),
        );
        expect(report.reliedOn).toEqual(
            expect.arrayContaining([
                { recordType: 'declaration', recordId: DECL1, txId: declHistory.history.at(-1)?.txId },
                { recordType: 'trade', recordId: 'T2', txId: t2History.history.at(-1)?.txId },
                expect.objectContaining({ recordType: 'party', recordId: 'B1' }),
                expect.objectContaining({ recordType: 'packing' }),
                expect.objectContaining({ recordType: 'consolidation' }),
                expect.objectContaining({ recordType: 'goods' }),
                expect.objectContaining({ recordType: 'cluster' }),
            ]),
        );
        expect(report.checks.map((ch) => `${ch.id}:${ch.result}`)).toEqual([
            'CU-01:PASS',
            'CU-02:PASS',
            'CU-03:PASS',
            'CU-04:PASS',
            'CU-05:PASS',
            'CU-06:PASS',
            'CU-07:PASS',
            'CU-08:PASS',
        ]);
        expect(report.checks.at(-1)?.reasons.map((r) => r.code)).toEqual(['CU08_AWAITING_RECEIPTS']);
        expect(report.verdict).toBe('PASS');

        const events = await w.query<{ status: string; events: { type: string }[] }>(c, (ctx) =>
            w.customs.GetCustomsEvents(ctx, DECL1),
        );
        expect(events.status).toBe('EXITED');
        expect(events.events.map((e) => e.type)).toEqual([
            'ACCEPTED',
            'INSPECTION_ORDERED',
            'INSPECTED',
            'RELEASED',
            'EXITED',
        ]);

        const trace = await w.query<{
            valueUsd: number;
            contributions: {
                tradeNo: string;
                valueUsd: number;
                vendor: { partyId: string };
                producer: { partyId: string };
                tradeRegisteredBy: { mspId: string; txId: string; id: string };
            }[];
            accountable: { partyId: string; role: string; valueUsd: number }[];
        }>(c, (ctx) => w.customs.TraceDeclarationLine(ctx, DECL1, '1'));
        expect(trace.valueUsd).toBe(50000);
        expect(trace.contributions).toHaveLength(1);
        expect(trace.contributions[0]).toMatchObject({
            tradeNo: 'T1',
            valueUsd: 50000,
            vendor: { partyId: 'V1' },
            producer: { partyId: 'P1' },
        });
        expect(trace.contributions[0]?.tradeRegisteredBy.mspId).toBe('MarketOrgMSP');
        expect(trace.contributions[0]?.tradeRegisteredBy.id).toContain('vendor-V1');
        expect(trace.accountable.map((a) => a.role).sort()).toEqual([
            'AGENT',
            'BROKER',
            'BUYER',
            'CONSOLIDATOR',
            'PRODUCER',
            'VENDOR',
        ]);
        expect(w.ledger.transactions.every((tx) => tx.validationCode === 'VALID')).toBe(true);
    });
});
