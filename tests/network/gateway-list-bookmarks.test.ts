import { describe, expect, it } from '@jest/globals';
import { failed, list, marketSuite, ok, str, today, tradeBody, type Client, type Res } from './gateway-support';
import { uniqueId } from './support';

/**
 * The cross-owner list leak, replayed through the REST API on the real network. A peer starts a paginated
 * partial-key scan at whatever bookmark it is given and keeps only the end of the range, so before the chaincode
 * checked bookmarks, a vendor listing its own trades with the bookmark `\u0000idx~trade~agent\u0000` read other
 * vendors' trades. Every list must answer 400 INVALID to a bookmark outside the caller's own range, and still page
 * with the bookmarks it hands out.
 */
const { m } = marketSuite();

/** The first key of a partial composite key's range: what a peer would start scanning at. */
const rangeStart = (objectType: string, ...attributes: string[]): string =>
    `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;

const listing = (api: Client, path: string, params: Record<string, string>): Promise<Res> =>
    api.get(`${path}?${new URLSearchParams(params).toString()}`);

const registerTrade = async (): Promise<string> => {
    const tradeNo = uniqueId('T');
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
    return tradeNo;
};

describe('list bookmarks through the gateway on the real network', () => {
    it("refuses the reported attack: a vendor's own trade list with a bookmark into another index or vendor", async () => {
        const tradeNo = await registerTrade();
        const own = ok(await listing(m.vendor.api, '/v1/trades', { vendorId: m.ids.vendor, pageSize: '500' }));
        // guard: the first vendor's trade is there for the second vendor to leak
        expect(list(own, 'items').map((trade) => str(trade, 'tradeNo'))).toContain(tradeNo);

        for (const bookmark of [
            rangeStart('idx~trade~agent'),
            rangeStart('idx~trade~vendor', m.ids.vendor),
            rangeStart('idx~trade~vendor'),
            '\u0000',
            'not-a-bookmark',
        ]) {
            const res = await listing(m.vendor2.api, '/v1/trades', {
                vendorId: m.ids.vendor2,
                pageSize: '500',
                bookmark,
            });
            failed(res, 400, 'INVALID');
            expect(JSON.stringify(res.body)).not.toContain(tradeNo);
        }
    });

    it('refuses a bookmark from another range on every list route, as the role that may call it', async () => {
        const tradeNo = await registerTrade();
        const routes: { readonly api: Client; readonly path: string; readonly params: Record<string, string> }[] = [
            { api: m.vendor2.api, path: '/v1/trades', params: { vendorId: m.ids.vendor2 } },
            { api: m.agent.api, path: '/v1/trades', params: { agentId: m.ids.agent } },
            { api: m.operator.api, path: '/v1/trades', params: { buyerId: m.ids.buyer } },
            { api: m.customs.api, path: '/v1/trades', params: { tradeDate: today() } },
            { api: m.bank.api, path: '/v1/receipts', params: { tradeNo } },
            { api: m.vendor2.api, path: '/v1/receipts', params: { payeePartyId: m.ids.vendor2 } },
            { api: m.vendor2.api, path: '/v1/exemptions', params: { merchantId: m.ids.vendor2 } },
            { api: m.operator.api, path: '/v1/parties', params: { type: 'MERCHANT' } },
            { api: m.customs.api, path: '/v1/declarations', params: { declDate: today() } },
            { api: m.customs.api, path: '/v1/risk-flags', params: { subjectType: 'party', subjectId: m.ids.vendor } },
        ];
        for (const { api, path, params } of routes) {
            for (const bookmark of [rangeStart('idx~trade~agent'), '\u0000', 'not-a-bookmark']) {
                const res = await listing(api, path, { ...params, bookmark });
                expect({ path, params, bookmark, status: res.status }).toEqual({
                    path,
                    params,
                    bookmark,
                    status: 400,
                });
                failed(res, 400, 'INVALID');
            }
        }
    });

    it('pages with the bookmark the list returned', async () => {
        const tradeNos = [await registerTrade(), await registerTrade()];
        const all = ok(await listing(m.vendor.api, '/v1/trades', { vendorId: m.ids.vendor, pageSize: '500' }));
        const first = ok(await listing(m.vendor.api, '/v1/trades', { vendorId: m.ids.vendor, pageSize: '1' }));
        const bookmark = str(first, 'bookmark');
        expect(bookmark).not.toBe('');
        const rest = ok(
            await listing(m.vendor.api, '/v1/trades', { vendorId: m.ids.vendor, pageSize: '500', bookmark }),
        );
        const paged = [...list(first, 'items'), ...list(rest, 'items')].map((trade) => str(trade, 'tradeNo'));
        expect(paged).toEqual(list(all, 'items').map((trade) => str(trade, 'tradeNo')));
        expect(paged).toEqual(expect.arrayContaining(tradeNos));
    });
});
