import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import {
    GoodsRecord,
    QualifiedSuppliersInForce,
    QualifiedSuppliersRecord,
} from '../../../gateway/src/routes/goods/schema';
import { ReceiptListItem, ReceiptRecord } from '../../../gateway/src/routes/receipts/schema';
import {
    CustomsCheckHistory,
    DeclarationReconciliation,
    RecordedCustomsCheck,
    TradeReconciliation,
} from '../../../gateway/src/routes/reconciliation/schema';
import * as id from '../chaincode/support/identities';
import { DECL1, TODAY, World } from '../chaincode/support/world';

function issues(schema: z.ZodType, answer: unknown): string[] {
    return (schema.safeParse(answer).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The schemas of the V11, per-line allocation, reconciliation and recorded-check routes accept the real answers. */
describe('response schemas of the trade-line routes', () => {
    it('accept what the contracts return', async () => {
        const w = await World.market();
        const answers: [string, z.ZodType, unknown][] = [];
        const j = JSON.stringify;
        answers.push([
            'GetQualifiedSuppliers (none)',
            QualifiedSuppliersInForce,
            await w.query(id.vendor('V1'), (ctx) => w.goods.GetQualifiedSuppliers(ctx, 'YIWU', TODAY)),
        ]);
        answers.push([
            'PublishQualifiedSuppliers',
            QualifiedSuppliersRecord,
            await w.json(id.operator(), (ctx) =>
                w.goods.PublishQualifiedSuppliers(
                    ctx,
                    'YIWU',
                    j({ version: 1, validFrom: '2024-01-01', suppliers: [{ partyId: 'P1', remark: 'SC licence' }] }),
                ),
            ),
        ]);
        answers.push([
            'GetQualifiedSuppliers',
            QualifiedSuppliersInForce,
            await w.query(id.bank('BK1'), (ctx) => w.goods.GetQualifiedSuppliers(ctx, 'YIWU', TODAY)),
        ]);
        await w.registerGoods({ code: 'FOOD', hs: '2106909090', owner: 'V1', min: 100, max: 1000 });
        answers.push(['GetGoods', GoodsRecord, await w.query(id.vendor('V1'), (ctx) => w.goods.GetGoods(ctx, 'FOOD'))]);
        await w.declared(DECL1, {
            'T-L': [
                { goods: 'FOOD', qty: 100, unitPrice: 500 },
                { goods: 'G2', qty: 100, unitPrice: 1000 },
            ],
        });
        const receipt = await w.json(id.bank('BK1'), (ctx) =>
            w.receipt.FileReceipt(
                ctx,
                j({
                    receiptRef: 'R1',
                    payeePartyId: 'V1',
                    amountMinor: 50_000,
                    currency: 'USD',
                    valueDate: TODAY,
                    channel: 'SWIFT',
                    allocations: [{ tradeNo: 'T-L', lineId: 'L1', amountMinor: 50_000 }],
                }),
            ),
        );
        answers.push(['FileReceipt', ReceiptRecord, receipt]);
        const listed = await w.query<{ items: unknown[] }>(id.bank('BK1'), (ctx) =>
            w.receipt.ListReceiptsByTrade(ctx, 'T-L', '10', ''),
        );
        for (const item of listed.items) answers.push(['ListReceiptsByTrade', ReceiptListItem, item]);
        answers.push([
            'ReconcileDeclaration',
            DeclarationReconciliation,
            await w.query(id.customs(), (ctx) => w.reconciliation.ReconcileDeclaration(ctx, DECL1)),
        ]);
        for (const who of [id.bank('BK1'), id.customs()]) {
            answers.push([
                `ReconcileTrade as ${who.attributes['mpt.role'] ?? ''}`,
                TradeReconciliation,
                await w.query(who, (ctx) => w.reconciliation.ReconcileTrade(ctx, 'T-L')),
            ]);
        }
        answers.push([
            'GetCustomsCheck (none)',
            CustomsCheckHistory,
            await w.query(id.customs(), (ctx) => w.customs.GetCustomsCheck(ctx, DECL1)),
        ]);
        answers.push([
            'RecordCustomsCheck',
            RecordedCustomsCheck,
            await w.json(id.customs(), (ctx) => w.customs.RecordCustomsCheck(ctx, DECL1)),
        ]);
        answers.push([
            'GetCustomsCheck',
            CustomsCheckHistory,
            await w.query(id.customs(), (ctx) => w.customs.GetCustomsCheck(ctx, DECL1)),
        ]);
        const problems = answers.flatMap(([name, schema, answer]) =>
            issues(schema, answer).map((i) => `${name}: ${i}`),
        );
        expect(problems).toEqual([]);
        expect(answers).toHaveLength(12);
    });
});
