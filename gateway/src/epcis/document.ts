import type {
    ConsolidationOrder,
    CustomsEvent,
    Declaration,
    PackingList,
    Trade,
} from '../../../chaincode/src/model/records';
import { EPCIS_CONTEXT, type EpcisDocument, type EpcisEvent } from './schema';

/**
 * A declaration's trace as one GS1 EPCIS 2.0 document: the goods of every trade line commissioned at the stall,
 * packed into the containers of the packing list, shipped when customs released them and departing at the exit port.
 * Pure: the route loads the ledger facts; identifiers and the mapping are documented in docs/epcis.md.
 */

/**
 * Default base of our private HTTP-URI identifiers (no GTIN, GLN or SSCC is on the ledger), `MPT_EPCIS_ID_BASE`. A
 * reserved domain: the identifiers name ledger records and need not resolve.
 */
export const EPCIS_ID_BASE = 'https://id.mpt.example/';

/** The identifiers under one base (ending in `/`): of ledger things, of our vocabulary. */
export interface EpcisIds {
    /** `<base><kind>/<id>[/<id>…]`, each ID one URI-encoded path segment. */
    readonly of: (kind: string, ...ids: string[]) => string;
    /** Namespace of our extension fields (`mpt:tradeNo`, …), declared in the document's @context. */
    readonly vocab: string;
    /** Business transaction type of a customs declaration: CBV has none. */
    readonly customsDeclarationType: string;
}

export function epcisIds(base: string = EPCIS_ID_BASE): EpcisIds {
    const vocab = `${base}vocab#`;
    return {
        of: (kind, ...ids) => `${base}${kind}/${ids.map(segment).join('/')}`,
        vocab,
        customsDeclarationType: `${vocab}customsDeclaration`,
    };
}
/** China's offset, in which the market, customs and the ledger's business days live. */
const CHINA_OFFSET = '+08:00';
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** What the export reads from the ledger for one declaration. */
export interface DeclarationFacts {
    readonly declaration: Declaration;
    readonly packing: PackingList;
    readonly orders: readonly ConsolidationOrder[];
    readonly trades: readonly Trade[];
    readonly customsEvents: readonly CustomsEvent[];
}

function segment(value: string): string {
    return encodeURIComponent(value);
}

/** A ledger time (UTC) as the same instant written in China's offset. */
export function chinaTime(iso: string): string {
    const shifted = new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString();
    return `${shifted.slice(0, -1)}${CHINA_OFFSET}`;
}

const when = (iso: string): { eventTime: string; eventTimeZoneOffset: string } => ({
    eventTime: chinaTime(iso),
    eventTimeZoneOffset: CHINA_OFFSET,
});

function commissioning(ids: EpcisIds, trade: Trade): EpcisEvent[] {
    const party = (partyId: string): string => ids.of('party', partyId);
    const stall = { id: ids.of('stall', trade.clusterId, trade.stallNo) };
    return trade.lines.map((line) => ({
        type: 'ObjectEvent',
        ...when(trade.registeredBy.at),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [{ epcClass: ids.of('goods', line.goodsCode), quantity: line.qty }],
        readPoint: stall,
        bizLocation: stall,
        bizTransactionList: [{ type: 'po', bizTransaction: ids.of('trade', trade.tradeNo) }],
        sourceList: [{ type: 'owning_party', source: party(trade.vendorId) }],
        destinationList: [{ type: 'owning_party', destination: party(trade.buyerId) }],
        'mpt:tradeNo': trade.tradeNo,
        'mpt:lineId': line.lineId,
        'mpt:hsCode': line.hsCode,
        'mpt:unit': line.unit,
    }));
}

/** The goods quantities of some trades, summed per goods code (the ledger does not split an order by container). */
function quantitiesOf(ids: EpcisIds, trades: readonly Trade[]): { epcClass: string; quantity: number }[] {
    const totals = new Map<string, number>();
    for (const line of trades.flatMap((trade) => trade.lines)) {
        totals.set(line.goodsCode, (totals.get(line.goodsCode) ?? 0) + line.qty);
    }
    return [...totals].map(([goodsCode, quantity]) => ({ epcClass: ids.of('goods', goodsCode), quantity }));
}

function packing(ids: EpcisIds, facts: DeclarationFacts): EpcisEvent[] {
    const { packing: list, orders, trades } = facts;
    const site = { id: ids.of('site', list.site) };
    const byNo = new Map(trades.map((trade) => [trade.tradeNo, trade]));
    return list.containers.map((container) => {
        const tradeNos = orders
            .filter((order) => container.orderCodes.includes(order.orderCode))
            .flatMap((order) => order.tradeNos);
        const packed = tradeNos.flatMap((tradeNo) => byNo.get(tradeNo) ?? []);
        return {
            type: 'AggregationEvent',
            ...when(list.createdBy.at),
            action: 'ADD',
            bizStep: 'packing',
            disposition: 'container_closed',
            parentID: ids.of('container', container.containerNo),
            childQuantityList: quantitiesOf(ids, packed),
            readPoint: site,
            bizLocation: site,
            bizTransactionList: [
                { type: 'desadv', bizTransaction: ids.of('packing-list', list.packingNo) },
                ...packed.map((trade) => ({ type: 'po', bizTransaction: ids.of('trade', trade.tradeNo) })),
            ],
            sourceList: [{ type: 'possessing_party', source: ids.of('party', list.consolidatorId) }],
            'mpt:containerNo': container.containerNo,
            'mpt:sealNo': container.sealNo,
            'mpt:containerType': container.type,
            'mpt:orderCodes': container.orderCodes,
        };
    });
}

/** Released (shipping from the site) and exited (departing at the exit port), when customs recorded them. */
function shipping(ids: EpcisIds, facts: DeclarationFacts): EpcisEvent[] {
    const party = (partyId: string): string => ids.of('party', partyId);
    const { declaration, packing: list, customsEvents } = facts;
    const containers = list.containers.map((container) => ids.of('container', container.containerNo));
    const parties = {
        bizTransactionList: [
            { type: ids.customsDeclarationType, bizTransaction: ids.of('declaration', declaration.declNo) },
            { type: 'desadv', bizTransaction: ids.of('packing-list', list.packingNo) },
            ...(declaration.billOfLading === undefined
                ? []
                : [{ type: 'bol', bizTransaction: ids.of('bill-of-lading', declaration.billOfLading) }]),
        ],
        sourceList: [
            { type: 'owning_party', source: party(declaration.consignorId) },
            { type: 'possessing_party', source: party(list.consolidatorId) },
        ],
        destinationList: [{ type: 'owning_party', destination: party(declaration.remarkPurchaser.buyerId) }],
    };
    const last = (type: CustomsEvent['type']): CustomsEvent | undefined =>
        customsEvents.filter((event) => event.type === type).at(-1);
    const released = last('RELEASED');
    const exited = last('EXITED');
    const site = { id: ids.of('site', list.site) };
    const port = { id: ids.of('port', declaration.exitPort) };
    return [
        ...(released === undefined
            ? []
            : [
                  {
                      type: 'ObjectEvent' as const,
                      ...when(released.by.at),
                      action: 'OBSERVE' as const,
                      bizStep: 'shipping',
                      disposition: 'in_transit',
                      epcList: containers,
                      readPoint: site,
                      bizLocation: site,
                      ...parties,
                      'mpt:declNo': declaration.declNo,
                      'mpt:customsOffice': declaration.customsOffice,
                  },
              ]),
        ...(exited === undefined
            ? []
            : [
                  {
                      type: 'ObjectEvent' as const,
                      ...when(exited.by.at),
                      action: 'OBSERVE' as const,
                      bizStep: 'departing',
                      disposition: 'in_transit',
                      epcList: containers,
                      readPoint: port,
                      bizLocation: port,
                      ...parties,
                      'mpt:declNo': declaration.declNo,
                      'mpt:exitPort': declaration.exitPort,
                      'mpt:destCountry': declaration.destCountry,
                      'mpt:transportMode': declaration.transportMode,
                  },
              ]),
    ];
}

/** The EPCIS document of a declaration's trace, its events in time order, identifiers under `ids`. */
export function epcisDocumentOf(facts: DeclarationFacts, createdAt: Date, ids: EpcisIds = epcisIds()): EpcisDocument {
    const events = [
        ...facts.trades.flatMap((trade) => commissioning(ids, trade)),
        ...packing(ids, facts),
        ...shipping(ids, facts),
    ];
    const eventList = events
        .map((event, index) => ({ event, index }))
        .sort((a, b) => Date.parse(a.event.eventTime) - Date.parse(b.event.eventTime) || a.index - b.index)
        .map(({ event }) => event);
    return {
        '@context': [EPCIS_CONTEXT, { mpt: ids.vocab }],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: createdAt.toISOString(),
        epcisBody: { eventList },
    };
}
