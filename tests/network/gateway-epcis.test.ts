import { beforeAll, describe, expect, it } from '@jest/globals';
import { EpcisDocument, epcisIds } from '../../gateway/src/epcis';
import { at, exportShipment, marketSuite, ok, tradeBody, type Res } from './gateway-support';
import { uniqueId } from './support';

const idOf = epcisIds().of;

/**
 * Issue #9 item 9 on the real network: a declaration of the happy path (two trades, three lines, consolidated,
 * packed into one container, declared, accepted, released, exited) exported as GS1 EPCIS 2.0, valid under the
 * standard's rules, with every trade line's goods, the container and the parties; only who may trace may export.
 */
const { m } = marketSuite();

interface Line {
    readonly lineId: string;
    readonly goodsCode: string;
    readonly qty: number;
}
type Event = Record<string, unknown>;

let declNo: string;
let tradeNos: string[];
let exported: Res;

beforeAll(async () => {
    tradeNos = [uniqueId('T'), uniqueId('T')];
    const [first = '', second = ''] = tradeNos;
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, first)), 201);
    const twoLines = [
        { lineId: 'L1', goodsCode: m.goodsCode, qty: 300, unitPrice: 120, amount: 36_000 },
        { lineId: 'L2', goodsCode: m.goodsCode, qty: 200, unitPrice: 110, amount: 22_000 },
    ];
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, second, { lines: twoLines })), 201);
    ({ declNo } = await exportShipment(m, tradeNos));
    exported = await m.customs.api.get(`/v1/declarations/${declNo}/epcis`);
});

const eventsOf = (res: Res): Event[] => at(res.body, 'epcisBody.eventList') as Event[];

describe('GET /v1/declarations/{declNo}/epcis on the real network', () => {
    it('answers customs an EPCIS 2.0 JSON-LD document that follows the standard’s rules', () => {
        expect(exported.status).toBe(200);
        expect(exported.headers['content-type']).toMatch(/^application\/ld\+json/);
        const checked = EpcisDocument.safeParse(exported.body);
        expect(checked.error?.issues ?? []).toEqual([]);
    });

    it('commissions every trade line’s goods, as the ledger holds them', async () => {
        const lines: [string, string, unknown][] = [];
        for (const tradeNo of tradeNos) {
            const trade = ok(await m.customs.api.get(`/v1/trades/${tradeNo}`)) as { lines: Line[] };
            for (const line of trade.lines) {
                lines.push([tradeNo, line.lineId, [{ epcClass: idOf('goods', line.goodsCode), quantity: line.qty }]]);
            }
        }
        const commissioned = eventsOf(exported)
            .filter((e) => e.bizStep === 'commissioning')
            .map((e) => [e['mpt:tradeNo'], e['mpt:lineId'], e.quantityList]);
        expect(lines).toHaveLength(3);
        expect(commissioned.sort()).toEqual(lines.sort());
    });

    it('packs the container with all the goods and ships it from the site to the exit port', () => {
        const container = idOf('container', 'MSCU1234565');
        const events = eventsOf(exported);
        const packed = events.filter((e) => e.bizStep === 'packing');
        expect(packed.map((e) => [e.type, e.action, e.parentID, e.childQuantityList])).toEqual([
            ['AggregationEvent', 'ADD', container, [{ epcClass: idOf('goods', m.goodsCode), quantity: 1500 }]],
        ]);
        const moved = events.filter((e) => e.bizStep === 'shipping' || e.bizStep === 'departing');
        expect(moved.map((e) => [e.bizStep, e.epcList, e['mpt:declNo']])).toEqual([
            ['shipping', [container], declNo],
            ['departing', [container], declNo],
        ]);
        expect(moved[1]?.destinationList).toEqual([{ type: 'owning_party', destination: idOf('party', m.ids.buyer) }]);
        expect(events.map((e) => e.bizStep)).toEqual([
            'commissioning',
            'commissioning',
            'commissioning',
            'packing',
            'shipping',
            'departing',
        ]);
    });

    it('refuses a vendor and the bank (not a tracing role) with 403, and answers 404 for no such declaration', async () => {
        const refused = [await m.vendor.api.get(`/v1/declarations/${declNo}/epcis`)];
        refused.push(await m.bank.api.get(`/v1/declarations/${declNo}/epcis`));
        expect(refused.map((r) => [r.status, at(r.body, 'error.code')])).toEqual([
            [403, 'FORBIDDEN'],
            [403, 'FORBIDDEN'],
        ]);
        const missing = await m.auditor.api.get('/v1/declarations/299999999999999999/epcis');
        expect([missing.status, at(missing.body, 'error.code')]).toEqual([404, 'NOT_FOUND']);
    });
});
