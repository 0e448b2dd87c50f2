import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateMarket } from '../../../seeds/src/generate';
import { checkCases } from '../../../seeds/src/fraud/verify';
import { loadPlan, type LoadReport } from '../../../seeds/src/load';
import { buildPlan, type Actor } from '../../../seeds/src/plan';
import { harness, listen, type Harness, type Listening } from '../gateway/harness';
import { ContractLedger } from './support/contract-ledger';
import { Replay } from './support/replay';

/**
 * The loader, the real gateway app (auth, schemas, idempotency, onboarding, error mapping) and the real contracts
 * on the in-memory ledger, over HTTP on 127.0.0.1: the whole small market, every fraud case included.
 */
describe('the small market loaded through the gateway onto the contracts', () => {
    const market = generateMarket({ seed: 11, size: 'small', asOf: '2026-11-27' });
    const plan = buildPlan(market, { bulkSize: 25 });
    const replay = new Replay(market);
    let h: Harness;
    let server: Listening;
    let url = '';
    const keys = new Map<string, string>();
    let first: LoadReport;

    beforeAll(async () => {
        h = harness({ ledger: new ContractLedger(replay) });
        const demo = [
            ['MarketOrg', 'operator1', 'operator', 'OP-YIWU'],
            ['MarketOrg', 'vendor1', 'vendor', 'V-0001'],
            ['MarketOrg', 'agent1', 'agent', 'A-0001'],
            ['CustomsOrg', 'officer1', 'customs', 'CUSTOMS-YIWU'],
            ['BankOrg', 'officer1', 'bank', 'BANK-0001'],
            ['Bank2Org', 'officer1', 'bank', 'BANK-0002'],
        ] as const;
        for (const [org, username, role, party] of demo) keys.set(party, h.user(org, username, role, party));
        server = await listen(h.app);
        url = server.url;
        first = await loadPlan(plan, { gatewayUrl: url, keys, concurrency: 4, today: market.meta.asOf });
    }, 120_000);

    afterAll(async () => {
        await server.close();
        h.cleanup();
    });

    it('writes everything, with every labelled case answered as labelled', () => {
        const failures = first.phases.flatMap((p) => p.failures.map((f) => `${p.name} ${f}`));
        expect(failures).toEqual([]);
        const labelled =
            market.parties.filter((p) => p.expect).length +
            market.trades.filter((t) => t.expect).length +
            market.declarations.filter((d) => d.expect).length +
            market.receipts.filter((r) => r.expect).length +
            market.financings.filter((f) => f.expect).length +
            market.exemptions.filter((e) => e.expect).length +
            market.riskFlags.length;
        expect(first.totals).toMatchObject({ failed: 0, skipped: 0, labelled });
        expect(first.phases.every((p) => p.status === 'done')).toBe(true);
    });

    it('gets from the ledger every flag, status and check verdict the cases are labelled with', async () => {
        const report = await checkCases(market, { gatewayUrl: url, keys });
        expect(report.failures).toEqual([]);
        expect(report).toMatchObject({ failed: 0, skipped: 0 });
        // flags and statuses of the labelled records, plus every bank and customs check a case names
        const checks =
            market.fraudCases.filter((f) => f.expected.bankCheck).length +
            market.fraudCases.filter((f) => f.expected.customsCheck).length;
        expect(report.passed).toBeGreaterThan(checks + 10);
    }, 120_000);

    it('leaves the demo vendor with trades exported on the day of the load, its VAT claim refused until next month', async () => {
        const customs: Actor = { party: 'CUSTOMS-YIWU', role: 'customs', mspId: 'CustomsOrgMSP' };
        const filing = market.exemptions.find((e) => e.filedBy === 'V-0001');
        if (filing === undefined) throw new Error('no V-0001 filing');
        // V32: the goods exit on the day of the load, so their VAT period (V28) is next month's
        expect(filing).toMatchObject({ input: { period: '2026-12' }, expect: { code: 'RULE_V28' } });
        await expect(replay.query(customs, 'ExemptionContract:GetExemption', filing.input.filingNo)).rejects.toThrow(
            'NOT_FOUND',
        );
        const trade = await replay.query<{ status: string; declNo: string }>(
            customs,
            'TradeContract:GetTrade',
            filing.input.tradeNos[0] ?? '',
        );
        expect(trade.status).toBe('EXPORTED');
        const declaration = await replay.query<{ declDate: string; releaseDate: string; exitDate: string }>(
            customs,
            'DeclarationContract:GetDeclaration',
            trade.declNo,
        );
        expect(declaration).toMatchObject({
            declDate: '2026-11-27',
            releaseDate: '2026-11-27',
            exitDate: '2026-11-27',
        });
    });

    it('resumes: a second run writes nothing new', async () => {
        const again = await loadPlan(plan, { gatewayUrl: url, keys, concurrency: 4, today: market.meta.asOf });
        expect(again.totals).toMatchObject({ ok: 0, failed: 0 });
        expect(again.totals.replayed + again.totals.existing).toBe(first.totals.ok);
    }, 120_000);

    it('loaded again once the claim’s VAT period has opened, leaves the premature claim out and fails nothing', async () => {
        const premature = market.exemptions.find((e) => e.expect?.outcome === 'REJECTED' && e.expect.onlyBefore);
        if (premature === undefined) throw new Error('no premature claim');
        // npm start keeps the demo's first date; a start in the next month meets a ledger dated then
        replay.ledger.setTime('2026-12-01T01:00:00.000Z');
        const later = await loadPlan(plan, { gatewayUrl: url, keys, concurrency: 4, today: '2026-12-01' });
        const exemptions = later.phases.find((p) => p.name === 'exemptions');
        expect(exemptions?.failures).toEqual([]);
        expect(exemptions?.counts).toMatchObject({ skipped: 1, failed: 0 });
        expect(exemptions?.notes).toEqual([
            `${premature.input.filingNo} not sent: labelled RULE_V28 only before 2026-12, and China's month is ` +
                '2026-12: the ledger would rightly accept it',
        ]);
        expect(later.totals).toMatchObject({ ok: 0, failed: 0, skipped: 1 });
        const customs: Actor = { party: 'CUSTOMS-YIWU', role: 'customs', mspId: 'CustomsOrgMSP' };
        await expect(replay.query(customs, 'ExemptionContract:GetExemption', premature.input.filingNo)).rejects.toThrow(
            'NOT_FOUND',
        );
        const report = await checkCases(market, { gatewayUrl: url, keys });
        expect(report.failures).toEqual([]);
    }, 120_000);
});
