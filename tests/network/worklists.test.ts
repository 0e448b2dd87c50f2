import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../network/src/run';
import { failed, hex64, marketSuite, ok, tradeBody, type Client } from './gateway-support';
import { uniqueId } from './support';

/**
 * The work lists on the real network: trades written through the gateway reach the MarketOrg read model, and the
 * lists answer from it with the ledger's scoping: each vendor its own trades, the operator every vendor's.
 */
const { m } = marketSuite({ MPT_PROJECTION: 'on' });

interface TradeItem {
    tradeNo: string;
    vendorId: string;
    txId: string;
    blockNumber: string;
}
interface TradePage {
    items: TradeItem[];
    nextCursor: string | null;
    readModel: { org: string; lastBlock: number | null; current: boolean };
}

/** The list page once it shows every one of `tradeNos` (the projection follows within seconds). */
async function listing(api: Client, query: string, tradeNos: readonly string[], ms = 30_000): Promise<TradePage> {
    const deadline = Date.now() + ms;
    for (;;) {
        const page = ok(await api.get(`/v1/worklists/trades?${query}`)) as TradePage;
        const shown = new Set(page.items.map((t) => t.tradeNo));
        if (tradeNos.every((tradeNo) => shown.has(tradeNo))) return page;
        if (Date.now() > deadline) throw new Error(`${tradeNos.join(', ')} not listed within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

/**
 * The suite's gateway projects the ledger from block 0, so after a long run of other suites it may still be catching
 * up: wait until MarketOrg's read model holds `block` (a caller whose party is not projected yet is refused 403).
 */
async function projected(block: number): Promise<void> {
    await waitFor(
        `MarketOrg's read model to reach block ${block}`,
        async () => {
            const ready = (await m.vendor.api.get('/readyz')).body as {
                projections?: { org: string; lastBlock: number | null }[];
            };
            const lastBlock = ready.projections?.find((p) => p.org === 'MarketOrg')?.lastBlock ?? null;
            return lastBlock !== null && lastBlock >= block ? lastBlock : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 250 },
    );
}

/** The second vendor's own agency agreement with the agent (V10) and goods of its own: then it may trade. */
async function vendor2MayTrade(run: string): Promise<string> {
    const agreementNo = `AG2-${run}`;
    ok(
        await m.agent.api.post('/v1/agreements', {
            agreementNo,
            merchantId: m.ids.vendor2,
            agentId: m.ids.agent,
            validFrom: '2026-01-01',
            validTo: '2030-12-31',
            documentHash: hex64(),
        }),
        201,
    );
    ok(await m.vendor2.api.post(`/v1/agreements/${agreementNo}/sign`));
    const goodsCode = `G-${run}`;
    ok(
        await m.vendor2.api.post('/v1/goods', {
            goodsCode,
            ownerId: m.ids.vendor2,
            nameCn: '木制拼图',
            nameEn: 'Wooden puzzle',
            hsCode: '9503006000',
            unit: 'PCS',
            producerId: m.ids.producer,
            priceRange: { currency: 'USD', minUnitPrice: 50, maxUnitPrice: 20_000 },
        }),
        201,
    );
    return goodsCode;
}

describe('work lists on the real network', () => {
    it("written trades appear in the vendor's and the operator's lists, each vendor seeing only its own", async () => {
        const run = uniqueId('WL');
        const mine = [`${run}-A1`, `${run}-A2`, `${run}-A3`];
        const theirs = [`${run}-B1`, `${run}-B2`];
        const written = new Map<string, { txId: string; blockNumber: string }>();
        for (const tradeNo of mine) {
            const body = ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201) as {
                txId: string;
                blockNumber: string;
            };
            written.set(tradeNo, { txId: body.txId, blockNumber: body.blockNumber });
        }
        const goodsCode = await vendor2MayTrade(run);
        let lastBlock = 0;
        for (const tradeNo of theirs) {
            const own = tradeBody(m, tradeNo, {
                vendorId: m.ids.vendor2,
                lines: [{ lineId: 'L1', goodsCode, qty: 1000, unitPrice: 120, amount: 120_000 }],
                documents: [hex64()],
            });
            const body = ok(await m.vendor2.api.post('/v1/trades', own), 201) as { blockNumber: string };
            lastBlock = Math.max(lastBlock, Number(body.blockNumber));
        }
        await projected(lastBlock);

        const vendor = await listing(m.vendor.api, `q=${run}&limit=200`, mine);
        const operator = await listing(m.operator.api, `q=${run}&sort=tradeNo&order=asc`, [...mine, ...theirs]);
        const vendor2 = await listing(m.vendor2.api, `q=${run}`, theirs);
        const tampered = ok(
            await m.vendor.api.get(`/v1/worklists/trades?party=${m.ids.vendor2}&q=${run}`),
        ) as TradePage;

        expect(vendor.items.map((t) => t.tradeNo).sort()).toEqual(mine);
        expect(vendor2.items.map((t) => t.tradeNo).sort()).toEqual(theirs);
        expect(tampered.items).toEqual([]);
        expect(operator.items.map((t) => [t.tradeNo, t.vendorId])).toEqual([
            ...mine.map((tradeNo) => [tradeNo, m.ids.vendor]),
            ...theirs.map((tradeNo) => [tradeNo, m.ids.vendor2]),
        ]);
        for (const item of vendor.items) {
            expect({ txId: item.txId, blockNumber: item.blockNumber }).toEqual(written.get(item.tradeNo));
        }
        expect(vendor.readModel).toMatchObject({ org: 'MarketOrg' });
        expect(vendor.readModel.lastBlock).toBeGreaterThanOrEqual(Number(written.get(mine[2] ?? '')?.blockNumber));
    });

    it('a bank may not read the trade list, and a bad filter is a 400 in both languages', async () => {
        const refused = await m.bank.api.get('/v1/worklists/trades');
        const bad = await m.vendor.api.get('/v1/worklists/trades?limit=0');

        failed(refused, 403, 'FORBIDDEN');
        expect(failed(bad, 400, 'INVALID').message).toContain('limit 必须在 1 到 200 之间');
    });
});
