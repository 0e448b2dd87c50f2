import { z } from 'zod';

/**
 * The rules of GS1 EPCIS 2.0 (JSON/JSON-LD binding) and CBV 2.0 that our export relies on, as a zod schema: the
 * export route answers through it (an export that breaks a rule is our bug, answered 500), the tests validate with
 * it, and the OpenAPI document shows it. Written from the standard's JSON Schema (EPCIS-JSON-Schema.json) and CBV 2.0
 * text, because no installable package ships that schema (docs/epcis.md "Validation"). Only the event types we emit
 * (ObjectEvent, AggregationEvent) are modelled; any other event type is refused.
 */

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

/** CBV 2.0 §7.1 business steps (bare words; any other value must be a URI). */
export const CBV_BIZ_STEPS = [
    'accepting',
    'arriving',
    'assembling',
    'collecting',
    'commissioning',
    'consigning',
    'creating_class_instance',
    'cycle_counting',
    'decommissioning',
    'departing',
    'destroying',
    'disassembling',
    'dispensing',
    'encoding',
    'entering_exiting',
    'holding',
    'inspecting',
    'installing',
    'killing',
    'loading',
    'other',
    'packing',
    'picking',
    'receiving',
    'removing',
    'repackaging',
    'repairing',
    'replacing',
    'reserving',
    'retail_selling',
    'sampling',
    'sensor_reporting',
    'shipping',
    'staging_outbound',
    'stock_taking',
    'stocking',
    'storing',
    'transporting',
    'unloading',
    'unpacking',
    'void_shipping',
] as const;

/** CBV 2.0 §7.2 dispositions. */
export const CBV_DISPOSITIONS = [
    'active',
    'available',
    'completeness_inferred',
    'completeness_verified',
    'conformant',
    'container_closed',
    'container_open',
    'damaged',
    'destroyed',
    'dispensed',
    'disposed',
    'encoded',
    'expired',
    'in_progress',
    'in_transit',
    'inactive',
    'mismatch_class',
    'mismatch_instance',
    'mismatch_quantity',
    'needs_replacement',
    'no_pedigree_match',
    'non_conformant',
    'non_sellable_other',
    'partially_dispensed',
    'recalled',
    'reserved',
    'retail_sold',
    'returned',
    'sellable_accessible',
    'sellable_not_accessible',
    'stolen',
    'unavailable',
    'unknown',
] as const;

/** CBV 2.0 §7.3 business transaction types and §7.4 source/destination types. */
export const CBV_BIZ_TRANSACTION_TYPES = [
    'bol',
    'cert',
    'desadv',
    'inv',
    'pedigree',
    'po',
    'poc',
    'prodorder',
    'recadv',
    'rma',
    'testprd',
    'testres',
] as const;
export const CBV_SOURCE_DEST_TYPES = ['owning_party', 'possessing_party', 'location'] as const;

/** JSON Schema `format: uri`: an absolute URI (scheme, then no whitespace). */
export const Uri = z.string().regex(/^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/, 'must be an absolute URI');

/** JSON Schema `format: date-time` (RFC 3339): a time with seconds and an explicit offset. */
const DateTime = z.iso.datetime({ offset: true });

const TimeZoneOffset = z
    .string()
    .regex(/^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$/, 'must be an offset such as +08:00');

/** A CBV bare word, or a URI (the standard's `vocab-uri` alternative): a misspelt bare word is neither. */
const cbvOrUri = (words: readonly [string, ...string[]]): z.ZodType<string> => z.union([z.enum(words), Uri]);

const QuantityElement = z.strictObject({
    epcClass: Uri,
    quantity: z.number(),
    uom: z
        .string()
        .regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec 20 code')
        .optional(),
});
const BizTransaction = z.strictObject({ type: cbvOrUri(CBV_BIZ_TRANSACTION_TYPES).optional(), bizTransaction: Uri });
const Source = z.strictObject({ type: cbvOrUri(CBV_SOURCE_DEST_TYPES), source: Uri });
const Destination = z.strictObject({ type: cbvOrUri(CBV_SOURCE_DEST_TYPES), destination: Uri });
const Location = z.strictObject({ id: Uri });

/** The fields every event may carry (EPCIS 2.0 §7.4.1 and the "where"/"why" dimensions). */
const common = {
    eventTime: DateTime,
    recordTime: DateTime.optional(),
    eventTimeZoneOffset: TimeZoneOffset,
    eventID: Uri.optional(),
    bizStep: cbvOrUri(CBV_BIZ_STEPS).optional(),
    disposition: cbvOrUri(CBV_DISPOSITIONS).optional(),
    readPoint: Location.optional(),
    bizLocation: Location.optional(),
    bizTransactionList: z.array(BizTransaction).optional(),
    sourceList: z.array(Source).optional(),
    destinationList: z.array(Destination).optional(),
};

/** User extensions are allowed only as namespaced terms (`prefix:name`, a compact IRI), never as bare names. */
function extensionsNamespaced(known: readonly string[]) {
    return (event: Record<string, unknown>, ctx: z.RefinementCtx): void => {
        for (const key of Object.keys(event)) {
            if (!known.includes(key) && !/^[A-Za-z][A-Za-z0-9_-]*:[^\s]+$/.test(key)) {
                ctx.addIssue({ code: 'custom', path: [key], message: 'an extension field must be a prefixed term' });
            }
        }
    };
}

const Action = z.enum(['ADD', 'OBSERVE', 'DELETE']);
const EpcList = z.array(Uri).refine((list) => new Set(list).size === list.length, 'epcList has duplicates');

const objectShape = {
    type: z.literal('ObjectEvent'),
    action: Action,
    epcList: EpcList.optional(),
    quantityList: z.array(QuantityElement).optional(),
    ilmd: z.record(z.string(), z.unknown()).optional(),
    ...common,
};

export const ObjectEvent = z
    .looseObject(objectShape)
    .superRefine(extensionsNamespaced(Object.keys(objectShape)))
    .refine(
        (event) => event.epcList !== undefined || (event.quantityList?.length ?? 0) > 0,
        'an ObjectEvent names its objects: epcList or a non-empty quantityList',
    )
    .refine((event) => event.ilmd === undefined || event.action === 'ADD', 'ilmd only on an ADD ObjectEvent');

const aggregationShape = {
    type: z.literal('AggregationEvent'),
    action: Action,
    parentID: Uri.optional(),
    childEPCs: EpcList.optional(),
    childQuantityList: z.array(QuantityElement).optional(),
    ...common,
};

export const AggregationEvent = z
    .looseObject(aggregationShape)
    .superRefine(extensionsNamespaced(Object.keys(aggregationShape)))
    .refine(
        (event) => event.action === 'OBSERVE' || event.parentID !== undefined,
        'parentID is required unless the action is OBSERVE',
    )
    .refine(
        (event) =>
            event.action !== 'ADD' || (event.childEPCs?.length ?? 0) + (event.childQuantityList?.length ?? 0) > 0,
        'an ADD AggregationEvent names at least one child',
    );

export const EpcisEvent = z.discriminatedUnion('type', [ObjectEvent, AggregationEvent]);

export const EpcisDocument = z
    .looseObject({
        '@context': z
            .array(z.union([Uri, z.record(z.string(), z.unknown())]))
            .refine((context) => context.includes(EPCIS_CONTEXT), `@context must include ${EPCIS_CONTEXT}`),
        type: z.literal('EPCISDocument'),
        schemaVersion: z.literal('2.0'),
        creationDate: DateTime,
        epcisBody: z.strictObject({ eventList: z.array(EpcisEvent) }),
    })
    .meta({
        id: 'EPCISDocument',
        description: 'A GS1 EPCIS 2.0 document (JSON-LD); identifiers and extensions: docs/epcis.md',
    });

export type EpcisEvent = z.output<typeof EpcisEvent>;
export type EpcisDocument = z.output<typeof EpcisDocument>;
