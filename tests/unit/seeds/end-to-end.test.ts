import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateMarket } from '../../../seeds/src/generate';
import { loadPlan, type LoadReport } from '../../../seeds/src/load';
import { buildPlan, type Actor } from '../../../seeds/src/plan';
import { harness, type Harness } from '../gateway/harness';
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
    let server: Server;
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
        server = h.app.listen(0, '127.0.0.1');
        await new Promise<void>((resolve) => {
            server.once('listening', () => {
                resolve();
            });
        });
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        first = await loadPlan(plan, { gatewayUrl: url, keys, concurrency: 4 });
    }, 120_000);

    afterAll(async () => {
        await new Promise<void>((resolve) => {
            server.close(() => {
                resolve();
            });
        });
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
            market.exemptions.filter((e) => e.expect).length;
        expect(first.totals).toMatchObject({ failed: 0, skipped: 0, labelled });
        expect(first.phases.every((p) => p.status === 'done')).toBe(true);
    });

    it('leaves the demo vendor with exported trades, receipts and an exemption on the ledger', async () => {
        const customs: Actor = { party: 'CUSTOMS-YIWU', role: 'customs', mspId: 'CustomsOrgMSP' };
        const filing = market.exemptions.find((e) => e.filedBy === 'V-0001');
        if (filing === undefined) throw new Error('no V-0001 filing');
        const stored = await replay.query<{ status: string; tradeNos: string[] }>(
            customs,
            'ExemptionContract:GetExemption',
            filing.input.filingNo,
        );
        expect(stored).toMatchObject({ status: 'FILED', tradeNos: filing.input.tradeNos });
        const trade = await replay.query<{ status: string }>(
            customs,
            'TradeContract:GetTrade',
            filing.input.tradeNos[0] ?? '',
        );
        expect(trade.status).toBe('EXPORTED');
    });

    it('resumes: a second run writes nothing new', async () => {
        const again = await loadPlan(plan, { gatewayUrl: url, keys, concurrency: 4 });
        expect(again.totals).toMatchObject({ ok: 0, failed: 0 });
        expect(again.totals.replayed + again.totals.existing).toBe(first.totals.ok);
    }, 120_000);
});
