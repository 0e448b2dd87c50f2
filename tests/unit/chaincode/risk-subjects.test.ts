import { beforeEach, describe, expect, it } from '@jest/globals';
import * as id from './support/identities';
import { World } from './support/world';

const flagJson = (subjectType: string, subjectId: string, ruleId = 'F2'): string =>
    JSON.stringify({ subjectType, subjectId, ruleId, severity: 'HIGH', evidence: { note: 'reused trade' } });

describe('risk flags name their subject as the ledger names it', () => {
    let w: World;
    beforeEach(async () => {
        w = await World.market();
    });

    it('raises and lists a flag on a receipt by its <bank MSP>:<receiptRef> ID', async () => {
        const raised = await w.json<{ flagId: string; subjectId: string }>(id.bank('BK1'), (ctx) =>
            w.risk.RaiseFlag(ctx, flagJson('receipt', 'BankOrgMSP:R-2026-0001')),
        );
        const listed = await w.query<{ items: { flagId: string }[] }>(id.customs(), (ctx) =>
            w.risk.ListFlagsBySubject(ctx, 'receipt', 'BankOrgMSP:R-2026-0001', '10', ''),
        );

        expect(raised.subjectId).toBe('BankOrgMSP:R-2026-0001');
        expect(listed.items.map((f) => f.flagId)).toEqual([raised.flagId]);
    });

    it.each([
        ['a receipt named without its bank MSP', 'receipt', 'R-2026-0001'],
        ['a trade named like a receipt', 'trade', 'BankOrgMSP:T-1'],
        ['a receipt of a non-bank MSP', 'receipt', 'MarketOrgMSP:R-1'],
    ])('refuses %s', async (_what, type, subjectId) => {
        await expect(
            w.submit(id.operator(), (ctx) => w.risk.RaiseFlag(ctx, flagJson(type, subjectId))),
        ).rejects.toThrow(/^INVALID: flag\.subjectId /);
        await expect(
            w.query(id.customs(), (ctx) => w.risk.ListFlagsBySubject(ctx, type, subjectId, '10', '')),
        ).rejects.toThrow(/^INVALID: subjectId /);
    });

    it('raises a flag naming a domain rule, and refuses a rule or pattern the vocabulary does not know', async () => {
        const byRule = await w.json<{ ruleId: string }>(id.customs(), (ctx) =>
            w.risk.RaiseFlag(ctx, flagJson('trade', 'T-1', 'V05')),
        );
        expect(byRule.ruleId).toBe('V05');

        for (const ruleId of ['F12', 'F0', 'V00', 'V35']) {
            await expect(
                w.submit(id.customs(), (ctx) => w.risk.RaiseFlag(ctx, flagJson('trade', 'T-2', ruleId))),
            ).rejects.toThrow(/^INVALID: flag\.ruleId must be one of F1, F2, .*, V34$/);
        }
        const listed = await w.query<{ items: unknown[] }>(id.customs(), (ctx) =>
            w.risk.ListFlagsBySubject(ctx, 'trade', 'T-2', '10', ''),
        );
        expect(listed.items).toEqual([]);
    });
});
