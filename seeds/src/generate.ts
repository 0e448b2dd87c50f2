import { AUTHORITIES, CNY_USD_RATE, COUNTRIES, NEGATIVE_LIST, type Country } from './catalog';
import { nextMonth } from '../../chaincode/src/rules/exemption-guard';
import { buildFlow, type Flow } from './flow';
import { addDays, isCalendarDate, pad, sha256Hex } from './ids';
import type { ExchangeRatesInput, FraudCase, GenerateOptions, Market, NegativeListInput } from './model';
import { buildParties, buyerParty, type Parties } from './parties';
import { Rng, must } from './rng';
import { buildSettlement } from './settlement';
import { secondCluster } from './clusters';
import { partyCases } from './fraud/party-cases';
import { SIZES } from './sizes';

export const GENERATOR = 'mpt-seeds/1';

/**
 * V31: customs' rates for the months the market uses: the as-of month (declarations are filed and receipts valued on
 * the as-of day) and the next one, for a load that runs past midnight at the month's end.
 */
function customsRates(asOf: string): ExchangeRatesInput[] {
    const month = asOf.slice(0, 7);
    return [month, nextMonth(month)].map((m) => ({
        month: m,
        version: 1,
        rates: [{ currency: 'CNY', rate: CNY_USD_RATE }],
    }));
}

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
        caughtBy: 'flag F11 (one identity document behind several buyers)',
        title: `passport of ${original.input.partyId} behind ${ids.join(' and ')} (other names, other nationalities)`,
        records: [original.input.partyId, ...ids].map((id) => ({ kind: 'party', id })),
        expected: { outcome: 'FLAGGED', ruleId: 'F11', subjectType: 'party', subjectId: ids[0] ?? '' },
    };
}

/**
 * v1 (2020) and, when the F8 cases need it, v2: v1's entries plus goods barred from two days before the as-of date,
 * after the F8 trades were bought and before they are declared.
 */
function negativeLists(asOf: string, newlyBarred: Flow['newlyBarred']): NegativeListInput[] {
    const v1 = { ...NEGATIVE_LIST, entries: NEGATIVE_LIST.entries.map((e) => ({ ...e })) };
    if (newlyBarred.length === 0) return [v1];
    return [v1, { version: 2, validFrom: addDays(asOf, -2), entries: [...v1.entries, ...newlyBarred] }];
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
    const f11More = partyCases(rng.fork('party-cases'), parties);
    const second = secondCluster(rng.fork('second-cluster'), parties);
    const flow = buildFlow({ rng: rng.fork('flow'), size, parties, asOf, otherClusters: [second] });
    const settlement = buildSettlement(rng.fork('settlement'), asOf, flow, parties.buyers);
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
        otherClusters: [second.cluster],
        parties: parties.parties,
        agreements,
        goods: parties.goods,
        negativeLists: negativeLists(asOf, flow.newlyBarred),
        qualifiedSupplierLists: [parties.qualifiedSuppliers],
        exchangeRates: customsRates(asOf),
        trades: flow.trades,
        consolidationOrders: flow.orders,
        packingLists: flow.packings,
        declarations: flow.declarations,
        customsEvents: flow.events,
        receipts: settlement.receipts,
        financings: settlement.financings,
        exemptions: settlement.exemptions,
        riskFlags: settlement.riskFlags,
        fraudCases: [f11, ...f11More, ...flow.fraudCases, ...settlement.fraudCases],
    };
}
