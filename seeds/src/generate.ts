import { AUTHORITIES, COUNTRIES, NEGATIVE_LIST, type Country } from './catalog';
import { buildFlow } from './flow';
import { addDays, isCalendarDate, pad, sha256Hex } from './ids';
import type { FraudCase, GenerateOptions, Market } from './model';
import { buildParties, buyerParty, type Parties } from './parties';
import { Rng, must } from './rng';
import { buildSettlement } from './settlement';
import { SIZES } from './sizes';

export const GENERATOR = 'mpt-seeds/1';

/** F11: two more "buyers" filed with the passport of an existing buyer, under other names and nationalities. */
function identityMisuse(rng: Rng, parties: Parties): FraudCase {
    const original = must(
        parties.parties.find((p) => p.input.partyId === 'B-0003'),
        'buyer B-0003',
    );
    const passport = original.private?.idNumber ?? '';
    const others = rng.sample(
        COUNTRIES.filter((c) => c.code !== original.input.countryCode),
        2,
    );
    const ids = others.map((country: Country, i) => {
        const partyId = `B-${pad(parties.buyers.length + i + 1, 4)}`;
        const name = `${rng.pick(country.given)} ${rng.pick(country.surnames)}`;
        parties.parties.push({
            ...buyerParty(rng, partyId, name, country, () => passport),
            expect: { outcome: 'FLAGGED', ruleId: 'F11', subjectType: 'party', subjectId: partyId },
        });
        return partyId;
    });
    return {
        caseId: 'FRAUD-F11-SHARED-PASSPORT',
        pattern: 'F11',
        title: `passport of ${original.input.partyId} behind ${ids.join(' and ')} (other names, other nationalities)`,
        records: [original.input.partyId, ...ids].map((id) => ({ kind: 'party', id })),
        expected: { outcome: 'FLAGGED', ruleId: 'F11', subjectType: 'party', subjectId: ids[0] ?? '' },
    };
}

function checkOptions(options: GenerateOptions): void {
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new Error('seed must be a non-negative integer');
    if (!Object.hasOwn(SIZES, options.size)) throw new Error(`size must be one of ${Object.keys(SIZES).join(', ')}`);
    if (!isCalendarDate(options.asOf)) throw new Error('asOf must be a date YYYY-MM-DD');
}

/**
 * A whole market from a seed, a size and the market's "today". Pure: the same options always give the same
 * market, byte for byte.
 */
export function generateMarket(options: GenerateOptions): Market {
    checkOptions(options);
    const { seed, size: sizeName, asOf } = options;
    const rng = new Rng(seed);
    const size = SIZES[sizeName];
    const parties = buildParties(rng.fork('parties'), size);
    const f11 = identityMisuse(rng.fork('identity-misuse'), parties);
    const flow = buildFlow({ rng: rng.fork('flow'), size, parties, asOf });
    const settlement = buildSettlement(rng.fork('settlement'), asOf, flow);
    const pairs = [...new Set(flow.trades.map((t) => `${t.input.vendorId}|${t.input.agentId}`))].sort();
    const agreements = pairs.map((pair) => {
        const [merchantId = '', agentId = ''] = pair.split('|');
        const agreementNo = `AG-${merchantId.slice(2)}-${agentId.slice(2)}`;
        return {
            input: {
                agreementNo,
                merchantId,
                agentId,
                validFrom: addDays(asOf, -400),
                validTo: addDays(asOf, 330),
                documentHash: sha256Hex(`agency-agreement:${agreementNo}`),
            },
            filedBy: agentId,
        };
    });
    return {
        meta: {
            seed,
            size: sizeName,
            asOf,
            generator: GENERATOR,
            fingerprint: sha256Hex(`${GENERATOR}:${seed}:${sizeName}:${asOf}`).slice(0, 8),
        },
        authorities: AUTHORITIES,
        cluster: parties.cluster,
        parties: parties.parties,
        agreements,
        goods: parties.goods,
        negativeLists: [{ ...NEGATIVE_LIST, entries: NEGATIVE_LIST.entries.map((e) => ({ ...e })) }],
        trades: flow.trades,
        consolidationOrders: flow.orders,
        packingLists: flow.packings,
        declarations: flow.declarations,
        customsEvents: flow.events,
        receipts: settlement.receipts,
        financings: settlement.financings,
        exemptions: settlement.exemptions,
        fraudCases: [f11, ...flow.fraudCases, ...settlement.fraudCases],
    };
}
