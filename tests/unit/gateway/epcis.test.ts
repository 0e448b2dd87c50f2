import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type {
    ConsolidationOrder,
    CustomsEvent,
    Declaration,
    PackingList,
    Signature,
    Trade,
} from '../../../chaincode/src/model/records';
import { chinaTime, EpcisDocument, epcisDocumentOf, epcisIds, type DeclarationFacts } from '../../../gateway/src/epcis';
import { ChaincodeRejection } from '../../../gateway/src/ledger/errors';
import { bearer, errorOf, harness, type Harness } from './harness';

const DECL_NO = '290120260000000001';
const idOf = epcisIds().of;
const signed = (at: string): Signature => ({
    mspId: 'MarketOrgMSP',
    id: 'x509::/CN=u',
    role: 'r',
    party: null,
    txId: 'a'.repeat(64),
    at,
});

const trade = (tradeNo: string, lines: [lineId: string, goodsCode: string, qty: number][]): Trade =>
    ({
        docType: 'trade',
        tradeNo,
        vendorId: 'V-0001',
        agentId: 'A-0001',
        buyerId: 'B-0001',
        clusterId: 'YW-FUTIAN',
        stallNo: 'F1-001',
        tradeDate: '2026-11-28',
        currency: 'USD',
        lines: lines.map(([lineId, goodsCode, qty]) => ({
            lineId,
            goodsCode,
            hsCode: '9503000000',
            nameEn: 'toy',
            unit: 'PCS',
            qty,
            unitPrice: 100,
            amount: qty * 100,
        })),
        totalAmount: 0,
        status: 'EXPORTED',
        registeredBy: signed('2026-11-28T02:00:00.000Z'),
    }) as unknown as Trade;

const order = (orderCode: string, tradeNos: string[]): ConsolidationOrder =>
    ({
        docType: 'consolidation',
        orderCode,
        consolidatorId: 'C-0001',
        tradeNos,
        status: 'PACKED',
    }) as unknown as ConsolidationOrder;

const customsEvent = (seq: number, type: CustomsEvent['type'], at: string): CustomsEvent =>
    ({ docType: 'customsEvent', declNo: DECL_NO, seq, type, by: signed(at) }) as unknown as CustomsEvent;

function facts(): DeclarationFacts {
    return {
        declaration: {
            docType: 'declaration',
            declNo: DECL_NO,
            packingNo: 'P-1',
            consignorId: 'A-0001',
            brokerId: 'BR-0001',
            customsOffice: '2901',
            exitPort: 'CNNGB',
            destCountry: 'AE',
            transportMode: 'SEA',
            billOfLading: 'BL 1/2',
            tradeNos: ['T-1', 'T-2'],
            remarkPurchaser: { buyerId: 'B-0001' },
        } as unknown as Declaration,
        packing: {
            docType: 'packing',
            packingNo: 'P-1',
            consolidatorId: 'C-0001',
            site: 'Yiwu port 1',
            orderCodes: ['O-1', 'O-2'],
            tradeNos: ['T-1', 'T-2'],
            containers: [
                { containerNo: 'MSKU1234565', type: '40HC', sealNo: 'S-1', tareKg: 3800, orderCodes: ['O-1'] },
                { containerNo: 'TGHU7654321', type: '20GP', sealNo: 'S-2', tareKg: 2200, orderCodes: ['O-2'] },
            ],
            createdBy: signed('2026-11-29T01:00:00.000Z'),
        } as unknown as PackingList,
        orders: [order('O-1', ['T-1']), order('O-2', ['T-2'])],
        trades: [
            trade('T-1', [
                ['1', 'G-TOY', 100],
                ['2', 'G-CUP', 40],
            ]),
            trade('T-2', [['1', 'G-TOY', 60]]),
        ],
        customsEvents: [
            customsEvent(1, 'ACCEPTED', '2026-11-29T03:00:00.000Z'),
            customsEvent(2, 'RELEASED', '2026-11-29T04:00:00.000Z'),
            customsEvent(3, 'EXITED', '2026-11-30T16:30:00.000Z'),
        ],
    };
}

const exported = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(epcisDocumentOf(facts(), new Date('2026-11-30T17:00:00.000Z')))) as Record<
        string,
        unknown
    >;
const eventsOf = (document: Record<string, unknown>): Record<string, unknown>[] =>
    (document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;

describe('a declaration as a GS1 EPCIS 2.0 document', () => {
    it('follows the EPCIS 2.0 rules', () => {
        const checked = EpcisDocument.safeParse(exported());
        expect(checked.error?.issues ?? []).toEqual([]);
    });

    it('names every identifier and the vocabulary under the configured base, none under the default', () => {
        const base = 'https://trace.yiwu.example/id/';
        const text = JSON.stringify(epcisDocumentOf(facts(), new Date('2026-11-30T17:00:00.000Z'), epcisIds(base)));
        const document = JSON.parse(text) as Record<string, unknown>;

        expect(document['@context']).toEqual([expect.any(String), { mpt: `${base}vocab#` }]);
        expect(text).toContain(`${base}stall/YW-FUTIAN/F1-001`);
        expect(text).toContain(`"${base}vocab#customsDeclaration"`);
        expect(text).not.toContain('id.mpt.example');
        expect(EpcisDocument.safeParse(document).success).toBe(true);
    });

    it('commissions every trade line’s goods at the vendor’s stall, sold to the buyer', () => {
        const commissioned = eventsOf(exported()).filter((e) => e.bizStep === 'commissioning');
        expect(commissioned.map((e) => [e['mpt:tradeNo'], e['mpt:lineId'], e.quantityList])).toEqual([
            ['T-1', '1', [{ epcClass: idOf('goods', 'G-TOY'), quantity: 100 }]],
            ['T-1', '2', [{ epcClass: idOf('goods', 'G-CUP'), quantity: 40 }]],
            ['T-2', '1', [{ epcClass: idOf('goods', 'G-TOY'), quantity: 60 }]],
        ]);
        expect(commissioned[0]).toMatchObject({
            type: 'ObjectEvent',
            action: 'ADD',
            bizLocation: { id: 'https://id.mpt.example/stall/YW-FUTIAN/F1-001' },
            sourceList: [{ type: 'owning_party', source: 'https://id.mpt.example/party/V-0001' }],
            destinationList: [{ type: 'owning_party', destination: 'https://id.mpt.example/party/B-0001' }],
        });
    });

    it('packs each container with the goods of its orders’ trades', () => {
        const packed = eventsOf(exported()).filter((e) => e.bizStep === 'packing');
        expect(packed.map((e) => [e.type, e.action, e.parentID, e.childQuantityList, e['mpt:sealNo']])).toEqual([
            [
                'AggregationEvent',
                'ADD',
                'https://id.mpt.example/container/MSKU1234565',
                [
                    { epcClass: idOf('goods', 'G-TOY'), quantity: 100 },
                    { epcClass: idOf('goods', 'G-CUP'), quantity: 40 },
                ],
                'S-1',
            ],
            [
                'AggregationEvent',
                'ADD',
                'https://id.mpt.example/container/TGHU7654321',
                [{ epcClass: idOf('goods', 'G-TOY'), quantity: 60 }],
                'S-2',
            ],
        ]);
    });

    it('ships the containers at release and departs them at the exit port, consignor to buyer', () => {
        const events = eventsOf(exported());
        const moved = events.filter((e) => e.bizStep === 'shipping' || e.bizStep === 'departing');
        const containers = [idOf('container', 'MSKU1234565'), idOf('container', 'TGHU7654321')];
        expect(moved.map((e) => [e.bizStep, e.eventTime, e.readPoint, e.epcList])).toEqual([
            ['shipping', '2026-11-29T12:00:00.000+08:00', { id: idOf('site', 'Yiwu port 1') }, containers],
            ['departing', '2026-12-01T00:30:00.000+08:00', { id: idOf('port', 'CNNGB') }, containers],
        ]);
        expect(moved[1]).toMatchObject({
            sourceList: [
                { type: 'owning_party', source: idOf('party', 'A-0001') },
                { type: 'possessing_party', source: idOf('party', 'C-0001') },
            ],
            destinationList: [{ type: 'owning_party', destination: idOf('party', 'B-0001') }],
            bizTransactionList: expect.arrayContaining([
                { type: 'bol', bizTransaction: 'https://id.mpt.example/bill-of-lading/BL%201%2F2' },
            ]) as unknown,
        });
        // in time order, all in China's offset
        const times = events.map((e) => Date.parse(e.eventTime as string));
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(events.every((e) => e.eventTimeZoneOffset === '+08:00')).toBe(true);
    });

    it('has no shipping event before customs released the goods', () => {
        const early = { ...facts(), customsEvents: [customsEvent(1, 'ACCEPTED', '2026-11-29T03:00:00.000Z')] };
        const steps = epcisDocumentOf(early, new Date()).epcisBody.eventList.map((e) => e.bizStep);
        expect(steps).toEqual(['commissioning', 'commissioning', 'commissioning', 'packing', 'packing']);
    });

    it('writes a ledger time as the same instant at +08:00', () => {
        expect(chinaTime('2026-11-30T16:30:00.000Z')).toBe('2026-12-01T00:30:00.000+08:00');
        expect(Date.parse(chinaTime('2026-11-30T16:30:00.000Z'))).toBe(Date.parse('2026-11-30T16:30:00.000Z'));
    });
});

describe('the EPCIS 2.0 rules refuse', () => {
    type Breach = (document: Record<string, unknown>) => void;
    const first = (document: Record<string, unknown>, step: string): Record<string, unknown> => {
        const event = eventsOf(document).find((e) => e.bizStep === step);
        if (event === undefined) throw new Error(`no ${step} event`);
        return event;
    };
    const breaches: [string, Breach][] = [
        [
            'a document without the EPCIS 2.0 context',
            (d): void => {
                d['@context'] = ['https://example.org/ctx'];
            },
        ],
        [
            'another schema version',
            (d): void => {
                d.schemaVersion = '1.2';
            },
        ],
        [
            'an event without its time zone offset',
            (d): void => {
                delete first(d, 'packing').eventTimeZoneOffset;
            },
        ],
        [
            'an event time without an offset',
            (d): void => {
                first(d, 'packing').eventTime = '2026-11-29T09:00:00';
            },
        ],
        [
            'an offset beyond ±14:00',
            (d): void => {
                first(d, 'packing').eventTimeZoneOffset = '+15:00';
            },
        ],
        [
            'a bizStep outside CBV that is no URI',
            (d): void => {
                first(d, 'shipping').bizStep = 'shiping';
            },
        ],
        [
            'a disposition outside CBV that is no URI',
            (d): void => {
                first(d, 'shipping').disposition = 'gone';
            },
        ],
        [
            'an action outside ADD/OBSERVE/DELETE',
            (d): void => {
                first(d, 'commissioning').action = 'CREATE';
            },
        ],
        [
            'an ADD aggregation without parentID',
            (d): void => {
                delete first(d, 'packing').parentID;
            },
        ],
        [
            'an ADD aggregation without children',
            (d): void => {
                first(d, 'packing').childQuantityList = [];
            },
        ],
        [
            'an object event naming no object',
            (d): void => {
                delete first(d, 'commissioning').quantityList;
            },
        ],
        [
            'ilmd on an OBSERVE event',
            (d): void => {
                first(d, 'shipping').ilmd = { 'mpt:lot': '1' };
            },
        ],
        [
            'a bare extension field',
            (d): void => {
                first(d, 'shipping').declNo = DECL_NO;
            },
        ],
        [
            'a source type outside CBV that is no URI',
            (d): void => {
                first(d, 'departing').sourceList = [{ type: 'seller', source: idOf('party', 'x') }];
            },
        ],
        [
            'a quantity with a unit that is no UN/CEFACT code',
            (d): void => {
                first(d, 'commissioning').quantityList = [{ epcClass: idOf('goods', 'G'), quantity: 1, uom: 'pcs' }];
            },
        ],
        [
            'an identifier that is no URI',
            (d): void => {
                first(d, 'departing').epcList = ['MSKU1234565'];
            },
        ],
        [
            'an unknown event type',
            (d): void => {
                first(d, 'packing').type = 'PackingEvent';
            },
        ],
    ];

    it.each(breaches)('%s', (_name, breach) => {
        const document = exported();
        expect(EpcisDocument.safeParse(document).success).toBe(true); // the breach alone makes it fail
        breach(document);
        expect(EpcisDocument.safeParse(document).success).toBe(false);
    });
});

describe('GET /v1/declarations/:declNo/epcis on a fake ledger', () => {
    let h: Harness;
    beforeEach(() => {
        h = harness();
        const f = facts();
        h.ledger.on('DeclarationContract:GetDeclaration', () => f.declaration);
        h.ledger.on('ConsolidationContract:GetPackingList', () => f.packing);
        h.ledger.on('ConsolidationContract:GetConsolidationOrder', ([code]) =>
            f.orders.find((o) => o.orderCode === code),
        );
        h.ledger.on('TradeContract:GetTrade', ([tradeNo]) => f.trades.find((t) => t.tradeNo === tradeNo));
        h.ledger.on('CustomsContract:GetCustomsEvents', () => ({ declNo: DECL_NO, events: f.customsEvents }));
    });
    afterEach(() => {
        h.cleanup();
    });

    it('answers customs an application/ld+json EPCIS document read as the officer', async () => {
        const officer = h.user('CustomsOrg', 'officer1', 'customs', 'CUSTOMS-YIWU');
        const res = await request(h.app).get(`/v1/declarations/${DECL_NO}/epcis`).set(bearer(officer));

        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
        expect(EpcisDocument.safeParse(JSON.parse(res.text)).success).toBe(true);
        // every read signed as the officer, never as a gateway identity
        expect(h.ledger.calls.every((c) => c.kind === 'evaluate' && c.certificate.includes('|officer1|'))).toBe(true);
        expect(h.ledger.calls.filter((c) => c.fn === 'TradeContract:GetTrade').map((c) => c.args)).toEqual([
            ['T-1'],
            ['T-2'],
        ]);
    });

    it('refuses a role that may not trace a declaration before asking the ledger', async () => {
        const vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        const res = await request(h.app).get(`/v1/declarations/${DECL_NO}/epcis`).set(bearer(vendor));

        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
        expect(h.ledger.calls).toHaveLength(0);
    });

    it('answers 404 for a declaration the ledger does not hold, and 400 for a malformed number', async () => {
        const auditor = h.user('CustomsOrg', 'auditor1', 'auditor', null);
        h.ledger.on('DeclarationContract:GetDeclaration', () => {
            throw new ChaincodeRejection('NOT_FOUND', `declaration ${DECL_NO} does not exist`);
        });
        const missing = await request(h.app).get(`/v1/declarations/${DECL_NO}/epcis`).set(bearer(auditor));
        const malformed = await request(h.app).get('/v1/declarations/12/epcis').set(bearer(auditor));

        expect([missing.status, errorOf(missing).code]).toEqual([404, 'NOT_FOUND']);
        expect([malformed.status, errorOf(malformed).code]).toEqual([400, 'INVALID']);
    });
});
