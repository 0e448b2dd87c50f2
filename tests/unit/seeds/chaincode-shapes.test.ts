import { beforeAll, describe, expect, it } from '@jest/globals';
import { generateMarket } from '../../../seeds/src/generate';
import type { Expectation, Market } from '../../../seeds/src/model';
import { withoutFilingFields } from '../../../seeds/src/fraud/verify';
import { buildPlan, type Actor } from '../../../seeds/src/plan';
import { Replay } from './support/replay';

const AS_OF = '2026-11-27';
const CUSTOMS: Actor = { party: 'CUSTOMS-YIWU', role: 'customs', mspId: 'CustomsOrgMSP' };

/** Every labelled record with what it expects, trade rows included. */
function labelled(market: Market): { kind: string; id: string; expect: Expectation }[] {
    const out: { kind: string; id: string; expect: Expectation }[] = [];
    const add = (kind: string, id: string, expect: Expectation | undefined): void => {
        if (expect !== undefined) out.push({ kind, id, expect });
    };
    for (const p of market.parties) add('party', p.input.partyId, p.expect);
    for (const t of market.trades) add('trade', t.input.tradeNo, t.expect);
    for (const d of market.declarations) add('declaration', d.input.declNo, d.expect);
    for (const r of market.receipts) add('receipt', r.input.receiptRef, r.expect);
    for (const f of market.financings) add('financing', f.input.financingRef, f.expect);
    for (const e of market.exemptions) add('exemption', e.input.filingNo, e.expect);
    for (const f of market.riskFlags)
        add('flag', `${f.input.ruleId}.${f.input.subjectType}.${f.input.subjectId}`, f.expect);
    return out;
}

describe('the small market written through the real contracts on the in-memory ledger', () => {
    const market = generateMarket({ seed: 42, size: 'small', asOf: AS_OF });
    const plan = buildPlan(market, { bulkSize: 20 });
    const replay = new Replay(market);

    beforeAll(async () => {
        await replay.run(plan);
    }, 120_000);

    it('accepts every write that carries no fraud label', () => {
        const failures = replay.outcomes.filter((o) => !o.ok && o.op.expect === undefined);
        expect(failures.map((o) => `${o.op.phase} ${o.op.id}: ${o.message ?? ''}`)).toEqual([]);
        const unlabelled = new Set(market.trades.filter((t) => t.expect === undefined).map((t) => t.input.tradeNo));
        const rowFailures = [...replay.rows.values()].filter((r) => unlabelled.has(r.id) && !r.ok);
        expect(rowFailures).toEqual([]);
        expect([...unlabelled].every((no) => replay.rows.get(no)?.status === 'CONFIRMED')).toBe(true);
    });

    it('refuses each REJECTED-labelled record with its code, and flags each FLAGGED-labelled one', async () => {
        const cases = labelled(market);
        expect(cases.length).toBeGreaterThanOrEqual(10);
        for (const c of cases) {
            const row = replay.rows.get(c.id);
            const outcome = replay.outcomes.find((o) => o.op.id === c.id && o.op.expect !== undefined);
            const code = c.kind === 'trade' ? row?.code : outcome?.code;
            if (c.expect.outcome === 'REJECTED') {
                expect({ id: c.id, code }).toEqual({ id: c.id, code: c.expect.code });
                continue;
            }
            expect({ id: c.id, code }).toEqual({ id: c.id, code: undefined });
            if (c.expect.outcome === 'FLAGGED') {
                const flags = await replay.flags(c.expect.subjectType, c.expect.subjectId, c.expect.ruleId);
                expect({ id: c.id, flags }).toEqual({ id: c.id, flags: 1 });
            } else if (c.expect.unflagged !== undefined) {
                const { subjectType, subjectId, ruleId } = c.expect.unflagged;
                expect({ id: c.id, flags: await replay.flags(subjectType, subjectId, ruleId) }).toEqual({
                    id: c.id,
                    flags: 0,
                });
            }
            if (c.expect.status !== undefined)
                expect({ id: c.id, status: row?.status }).toEqual({ id: c.id, status: c.expect.status });
        }
    });

    it('gives the bank-check verdict and reason each receipt fraud case names', async () => {
        const cases = market.fraudCases.filter((f) => f.expected.bankCheck !== undefined);
        expect(cases.length).toBeGreaterThanOrEqual(10);
        for (const fraud of cases) {
            const last = fraud.records.filter((r) => r.kind === 'receipt').pop();
            const seed = market.receipts.find((r) => r.input.receiptRef === last?.id);
            if (seed === undefined) throw new Error(`no receipt for ${fraud.caseId}`);
            const bank: Actor = { party: seed.bankPartyId, role: 'bank', mspId: seed.bankMspId };
            // a refused receipt is checked as the proposal it was, a filed one by its ID
            const request =
                seed.expect?.outcome === 'REJECTED'
                    ? { receipt: withoutFilingFields(seed) }
                    : { receiptId: `${seed.bankMspId}:${seed.input.receiptRef}` };
            const check = await replay.query<{ verdict: string; checks: { reason: string }[] }>(
                bank,
                'ReceiptContract:CheckReceipt',
                JSON.stringify(request),
            );
            const reasons = check.checks.map((c) => c.reason);
            expect({ caseId: fraud.caseId, verdict: check.verdict, reasons }).toEqual({
                caseId: fraud.caseId,
                verdict: fraud.expected.bankCheck?.verdict,
                reasons: expect.arrayContaining([fraud.expected.bankCheck?.reason]),
            });
        }
    });

    it('gives the customs-check verdict and reason each declaration case names', async () => {
        const cases = market.fraudCases.filter((f) => f.expected.customsCheck !== undefined);
        expect(cases.length).toBeGreaterThanOrEqual(2);
        for (const fraud of cases) {
            const declNo = fraud.records.filter((r) => r.kind === 'declaration').pop()?.id ?? '';
            const report = await replay.query<{ verdict: string; checks: { reasons: { code: string }[] }[] }>(
                CUSTOMS,
                'CustomsContract:CheckDeclaration',
                declNo,
            );
            const codes = report.checks.flatMap((c) => c.reasons.map((r) => r.code));
            const wanted = fraud.expected.customsCheck;
            expect({ caseId: fraud.caseId, verdict: report.verdict }).toEqual({
                caseId: fraud.caseId,
                verdict: wanted?.verdict,
            });
            if (wanted?.reason !== undefined) expect(codes).toContain(wanted.reason);
        }
    });

    it('leaves each declaration in the state its customs events lead to, and exited trades EXPORTED', async () => {
        const last = new Map(market.customsEvents.map((e) => [e.declNo, e.kind]));
        const expected: Record<string, string> = { ACCEPT: 'ACCEPTED', RELEASE: 'RELEASED', EXIT: 'EXITED' };
        for (const d of market.declarations.filter((x) => x.expect?.outcome !== 'REJECTED')) {
            const filed = await replay.query<{ status: string; totalValueUsd: number }>(
                CUSTOMS,
                'DeclarationContract:GetDeclaration',
                d.input.declNo,
            );
            const kind = last.get(d.input.declNo);
            expect(filed.status).toBe(kind === undefined ? 'SUBMITTED' : expected[kind]);
            expect(filed.totalValueUsd).toBe(d.totalValueUsd);
        }
        const exited = market.declarations.filter((d) => last.get(d.input.declNo) === 'EXIT');
        expect(exited.length).toBeGreaterThan(0);
        for (const tradeNo of exited.flatMap((d) => d.input.tradeNos)) {
            const trade = await replay.query<{ status: string }>(CUSTOMS, 'TradeContract:GetTrade', tradeNo);
            expect(trade.status).toBe('EXPORTED');
        }
    });

    it('writes nothing twice: replaying the whole plan meets CONFLICT (or the same refusal) everywhere', async () => {
        const before = replay.outcomes.length;
        await replay.run(plan);
        const again = replay.outcomes.slice(before);
        const created = again.filter((o) => o.ok && o.op.rows === undefined);
        // only transitions that are not creations may be re-applied: none are accepted twice either
        expect(created.map((o) => `${o.op.phase} ${o.op.id}`)).toEqual([]);
        const bulk = again.filter((o) => o.op.rows !== undefined);
        for (const o of bulk) {
            const rows = (o.result as { results: { ok: boolean; code?: string }[] }).results;
            expect(rows.every((r) => !r.ok)).toBe(true);
        }
    });
});
