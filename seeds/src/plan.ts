import type { CustomsEventSeed, Expectation, Market, PartySeed, PartyType, PayerInput } from './model';
import { AUTHORITIES } from './catalog';
import { DEMO } from './parties';

/**
 * The market as an ordered list of writes. Each operation names the party whose key sends it, the chaincode
 * call it amounts to (`ledger`: function, arguments and transient data, exactly as the chaincode takes them —
 * tests replay these on the in-memory ledger) and the REST request the loader sends for it (`http`).
 *
 * The REST requests are those of the gateway's routes (gateway/src/routes): the same JSON as the chaincode
 * argument, personal data under `private` / `payer` without a salt (the gateway draws one). The loader checks
 * every route against the gateway's `/openapi.json` and skips a phase whose endpoint is missing.
 */

export type Role = 'operator' | 'vendor' | 'agent' | 'consolidator' | 'broker' | 'customs' | 'bank';

export interface Actor {
    readonly party: string;
    readonly role: Role;
    readonly mspId: string;
}

export interface LedgerCall {
    readonly fn: string;
    readonly args: string[];
    readonly transient?: Record<string, string>;
}

export interface HttpCall {
    readonly method: 'POST';
    /** Route template as in OpenAPI, e.g. `/v1/parties/{partyId}/verify`. */
    readonly route: string;
    readonly path: string;
    readonly body: unknown;
}

export interface Operation {
    readonly phase: PhaseName;
    /** The record written (or the chunk of records, for bulk). */
    readonly id: string;
    readonly actor: Actor;
    /** Absent for gateway-only operations (onboarding). */
    readonly ledger?: LedgerCall;
    readonly http: HttpCall;
    readonly idempotencyKey: string;
    readonly expect?: Expectation;
    /** Bulk: expectation per row (by record ID), rows without one must succeed. */
    readonly rows?: readonly { readonly id: string; readonly expect?: Expectation }[];
}

export const PHASES = [
    'cluster',
    'parties',
    'verification',
    'activation',
    'identities',
    'agreements',
    'signatures',
    'goods',
    'negative-list',
    'rates',
    'trades',
    'consolidation',
    'packing',
    'declarations',
    'customs',
    'flags',
    'receipts',
    'financings',
    'exemptions',
] as const;
export type PhaseName = (typeof PHASES)[number];

export interface Phase {
    readonly name: PhaseName;
    /** Operations must run one after another (their outcome depends on the order: F4, F11, F2, F10). */
    readonly ordered: boolean;
    /** Phases that must have run for this one to make sense. */
    readonly needs: readonly PhaseName[];
    readonly ops: Operation[];
}

export interface PlanOptions {
    /** Rows per bulk trade registration (the chaincode takes at most 500). */
    readonly bulkSize?: number;
}

const ROLE_OF: Readonly<Record<PartyType, Role | null>> = {
    MERCHANT: 'vendor',
    AGENT: 'agent',
    CONSOLIDATOR: 'consolidator',
    BROKER: 'broker',
    BANK: 'bank',
    BUYER: null,
    PRODUCER: null,
};

const REASON = 'filing documents checked by the market management committee (seed)';

interface Builder {
    readonly market: Market;
    readonly actors: Map<string, Actor>;
    readonly key: (phase: PhaseName, id: string) => string;
}

function actorOf(b: Builder, party: string): Actor {
    const actor = b.actors.get(party);
    if (actor === undefined) throw new Error(`no actor for party ${party}`);
    return actor;
}

function op(
    b: Builder,
    phase: PhaseName,
    id: string,
    party: string,
    ledger: LedgerCall | undefined,
    http: Omit<HttpCall, 'method' | 'path'> & { path?: string },
    expect?: Expectation,
): Operation {
    return {
        phase,
        id,
        actor: actorOf(b, party),
        ...(ledger === undefined ? {} : { ledger }),
        http: { method: 'POST', path: http.path ?? http.route, route: http.route, body: http.body },
        idempotencyKey: b.key(phase, id),
        ...(expect === undefined ? {} : { expect }),
    };
}

/** RegisterParty's transient data: the personal data with the salt of its hashes. */
function partyTransient(p: PartySeed): Record<string, string> | undefined {
    const personal = personalData(p).private;
    return personal === undefined || p.private === undefined ? undefined : { salt: p.private.salt, ...personal };
}

function withoutSalt(payer: PayerInput): Omit<PayerInput, 'salt'> {
    const { name, country, bank, account, thirdPartyReason } = payer;
    return { name, country, bank, account, thirdPartyReason };
}

/** The gateway takes personal data without a salt: it draws a fresh one itself. */
function personalData(p: PartySeed): { private?: { idNumber?: string; bankAccount?: string } } {
    if (p.private === undefined) return {};
    const { idNumber, bankAccount } = p.private;
    return {
        private: {
            ...(idNumber === undefined ? {} : { idNumber }),
            ...(bankAccount === undefined ? {} : { bankAccount }),
        },
    };
}

function partyOps(b: Builder): Operation[][] {
    const { market } = b;
    const op1 = market.parties.map((p) => {
        const transient = partyTransient(p);
        return op(
            b,
            'parties',
            p.input.partyId,
            market.authorities.operatorId,
            { fn: 'PartyContract:RegisterParty', args: [JSON.stringify(p.input)], ...(transient ? { transient } : {}) },
            { route: '/v1/parties', body: { ...p.input, ...personalData(p) } },
            p.expect,
        );
    });
    const transition = (phase: 'verification' | 'activation', fn: string, verb: string): Operation[] =>
        market.parties.map((p) =>
            op(
                b,
                phase,
                p.input.partyId,
                market.authorities.operatorId,
                { fn: `PartyContract:${fn}`, args: [p.input.partyId, REASON] },
                {
                    route: `/v1/parties/{partyId}/${verb}`,
                    path: `/v1/parties/${p.input.partyId}/${verb}`,
                    body: { reason: REASON },
                },
            ),
        );
    return [
        op1,
        transition('verification', 'VerifyParty', 'verify'),
        transition('activation', 'ActivateParty', 'activate'),
    ];
}

/** Parties that write but have no demo identity: onboarded by the operator (market roles only). */
function identityOps(b: Builder, demo: ReadonlySet<string>, writers: ReadonlySet<string>): Operation[] {
    return b.market.parties
        .filter((p) => writers.has(p.input.partyId) && !demo.has(p.input.partyId) && p.input.type !== 'BANK')
        .map((p) => {
            const role = ROLE_OF[p.input.type] as Role;
            const body = { username: `seed-${p.input.partyId.toLowerCase()}`, role, party: p.input.partyId };
            return op(b, 'identities', p.input.partyId, b.market.authorities.operatorId, undefined, {
                route: '/v1/onboarding',
                body,
            });
        });
}

function tradeOps(b: Builder, bulkSize: number): Operation[] {
    const byRegistrant = new Map<string, Market['trades']>();
    for (const t of b.market.trades) byRegistrant.set(t.registeredBy, [...(byRegistrant.get(t.registeredBy) ?? []), t]);
    const out: Operation[] = [];
    for (const [registrant, trades] of [...byRegistrant.entries()].sort(([x], [y]) => (x < y ? -1 : 1))) {
        for (let i = 0; i < trades.length; i += bulkSize) {
            const chunk = trades.slice(i, i + bulkSize);
            const inputs = chunk.map((t) => t.input);
            // the chunk's first trade and size: a re-run with another bulk size sends new keys, meeting CONFLICT per row
            const id = `${registrant}.${chunk[0]?.input.tradeNo ?? ''}.${chunk.length}`;
            out.push({
                ...op(
                    b,
                    'trades',
                    id,
                    registrant,
                    { fn: 'TradeContract:RegisterTrades', args: [JSON.stringify(inputs)] },
                    { route: '/v1/trades/bulk', body: { trades: inputs } },
                ),
                rows: chunk.map((t) => ({ id: t.input.tradeNo, ...(t.expect ? { expect: t.expect } : {}) })),
            });
        }
    }
    return out;
}

const CUSTOMS_CALLS: Readonly<
    Record<
        CustomsEventSeed['kind'],
        { fn: string; verb: string; args: (e: CustomsEventSeed) => string[]; body: (e: CustomsEventSeed) => unknown }
    >
> = {
    ACCEPT: { fn: 'AcceptDeclaration', verb: 'accept', args: () => [], body: () => ({}) },
    ORDER_INSPECTION: {
        fn: 'OrderInspection',
        verb: 'inspection-order',
        args: (e) => [e.reason ?? ''],
        body: (e) => ({ reason: e.reason }),
    },
    INSPECTION_RESULT: {
        fn: 'RecordInspectionResult',
        verb: 'inspection-result',
        args: (e) => [JSON.stringify({ passed: true, remark: e.reason ?? '' })],
        body: (e) => ({ passed: true, remark: e.reason }),
    },
    RELEASE: { fn: 'ReleaseDeclaration', verb: 'release', args: () => [], body: () => ({}) },
    EXIT: { fn: 'ConfirmExit', verb: 'exit', args: (e) => [e.exitDate ?? ''], body: (e) => ({ exitDate: e.exitDate }) },
};

function customsOps(b: Builder): Operation[] {
    return b.market.customsEvents.map((e) => {
        const call = CUSTOMS_CALLS[e.kind];
        return op(
            b,
            'customs',
            `${e.declNo}.${e.seq}`,
            b.market.authorities.customsId,
            { fn: `CustomsContract:${call.fn}`, args: [e.declNo, ...call.args(e)] },
            {
                route: `/v1/declarations/{declNo}/${call.verb}`,
                path: `/v1/declarations/${e.declNo}/${call.verb}`,
                body: call.body(e),
            },
        );
    });
}

function actors(market: Market): Map<string, Actor> {
    const map = new Map<string, Actor>([
        [
            market.authorities.operatorId,
            { party: market.authorities.operatorId, role: 'operator', mspId: 'MarketOrgMSP' },
        ],
        [
            market.authorities.customsId,
            { party: market.authorities.customsId, role: 'customs', mspId: 'CustomsOrgMSP' },
        ],
    ]);
    for (const p of market.parties) {
        const role = ROLE_OF[p.input.type];
        if (role === null) continue;
        const mspId = p.input.type === 'BANK' ? (p.input.orgMspId ?? 'BankOrgMSP') : 'MarketOrgMSP';
        map.set(p.input.partyId, { party: p.input.partyId, role, mspId });
    }
    return map;
}

/** Everything after the parties: agreements, registry, trades, logistics, customs, money, tax. */
function businessOps(b: Builder, bulkSize: number): Partial<Record<PhaseName, Operation[]>> {
    const m = b.market;
    const json = (value: unknown): string[] => [JSON.stringify(value)];
    return {
        agreements: m.agreements.map((a) =>
            op(
                b,
                'agreements',
                a.input.agreementNo,
                a.filedBy,
                { fn: 'PartyContract:FileAgencyAgreement', args: json(a.input) },
                { route: '/v1/agreements', body: a.input },
            ),
        ),
        signatures: m.agreements.map((a) =>
            op(
                b,
                'signatures',
                a.input.agreementNo,
                a.input.merchantId,
                { fn: 'PartyContract:SignAgencyAgreement', args: [a.input.agreementNo] },
                {
                    route: '/v1/agreements/{agreementNo}/sign',
                    path: `/v1/agreements/${a.input.agreementNo}/sign`,
                    body: {},
                },
            ),
        ),
        goods: m.goods.map((g) =>
            op(
                b,
                'goods',
                g.goodsCode,
                m.authorities.operatorId,
                { fn: 'GoodsContract:RegisterGoods', args: json(g) },
                { route: '/v1/goods', body: g },
            ),
        ),
        // the dated lists trades are judged against: the negative list (V05), each cluster's qualified suppliers (V11)
        'negative-list': [
            ...m.negativeLists.map((l) =>
                op(
                    b,
                    'negative-list',
                    `v${l.version}`,
                    m.authorities.operatorId,
                    { fn: 'GoodsContract:PublishNegativeList', args: json(l) },
                    { route: '/v1/negative-lists', body: l },
                ),
            ),
            ...m.qualifiedSupplierLists.map((l) =>
                op(
                    b,
                    'negative-list',
                    `suppliers-${l.clusterId}-v${l.input.version}`,
                    m.authorities.operatorId,
                    { fn: 'GoodsContract:PublishQualifiedSuppliers', args: [l.clusterId, JSON.stringify(l.input)] },
                    {
                        route: '/v1/clusters/{clusterId}/suppliers',
                        path: `/v1/clusters/${l.clusterId}/suppliers`,
                        body: l.input,
                    },
                ),
            ),
        ],
        rates: m.exchangeRates.map((r) =>
            op(
                b,
                'rates',
                `${r.month}.v${String(r.version)}`,
                m.authorities.customsId,
                { fn: 'RatesContract:PublishRates', args: json(r) },
                { route: '/v1/rates', body: r },
            ),
        ),
        trades: tradeOps(b, bulkSize),
        consolidation: m.consolidationOrders.map((o) =>
            op(
                b,
                'consolidation',
                o.orderCode,
                o.consolidatorId,
                { fn: 'ConsolidationContract:CreateConsolidationOrder', args: json(o) },
                { route: '/v1/consolidation-orders', body: o },
            ),
        ),
        packing: m.packingLists.map((p) =>
            op(
                b,
                'packing',
                p.packingNo,
                p.consolidatorId,
                { fn: 'ConsolidationContract:RecordPackingList', args: json(p) },
                { route: '/v1/packing-lists', body: p },
            ),
        ),
        declarations: m.declarations.map((d) =>
            op(
                b,
                'declarations',
                d.input.declNo,
                d.filedBy,
                { fn: 'DeclarationContract:FileDeclaration', args: json(d.input) },
                { route: '/v1/declarations', body: d.input },
                d.expect,
            ),
        ),
        customs: customsOps(b),
        flags: m.riskFlags.map((f) =>
            op(
                b,
                'flags',
                `${f.input.ruleId}.${f.input.subjectType}.${f.input.subjectId}`,
                f.raisedBy,
                { fn: 'RiskContract:RaiseFlag', args: json(f.input) },
                { route: '/v1/risk-flags', body: f.input },
                f.expect,
            ),
        ),
        receipts: m.receipts.map((r) =>
            op(
                b,
                'receipts',
                r.input.receiptRef,
                r.bankPartyId,
                {
                    fn: 'ReceiptContract:FileReceipt',
                    args: json(r.input),
                    transient: { payer: JSON.stringify(r.payer) },
                },
                { route: '/v1/receipts', body: { ...r.input, payer: withoutSalt(r.payer) } },
                r.expect,
            ),
        ),
        financings: m.financings.map((f) => {
            const { terms, ...financing } = f.input;
            return op(
                b,
                'financings',
                f.input.financingRef,
                f.bankPartyId,
                {
                    fn: 'FinancingContract:FinanceTrades',
                    args: json(financing),
                    ...(terms === undefined
                        ? {}
                        : {
                              transient: {
                                  terms: JSON.stringify({ salt: `terms-${f.input.financingRef}-seed`, ...terms }),
                              },
                          }),
                },
                { route: '/v1/financings', body: f.input },
                f.expect,
            );
        }),
        exemptions: m.exemptions.map((e) =>
            op(
                b,
                'exemptions',
                e.input.filingNo,
                e.filedBy,
                { fn: 'ExemptionContract:FileExemption', args: json(e.input) },
                { route: '/v1/exemptions', body: e.input },
                e.expect,
            ),
        ),
    };
}

const NEEDS: Readonly<Record<PhaseName, readonly PhaseName[]>> = {
    cluster: [],
    parties: ['cluster'],
    verification: ['parties'],
    activation: ['verification'],
    identities: [],
    agreements: ['activation', 'identities'],
    signatures: ['agreements'],
    goods: ['activation'],
    // the qualified supplier lists name filed producers of a filed cluster
    'negative-list': ['parties'],
    rates: [],
    trades: ['signatures', 'goods', 'negative-list'],
    consolidation: ['trades'],
    packing: ['consolidation'],
    declarations: ['packing', 'rates'],
    customs: ['declarations'],
    flags: ['customs'],
    receipts: ['customs', 'rates'],
    financings: ['receipts'],
    exemptions: ['customs'],
};

const ORDERED: ReadonlySet<PhaseName> = new Set([
    'cluster',
    'parties',
    'negative-list',
    'trades',
    'declarations',
    'customs',
    'receipts',
    'financings',
    'exemptions',
]);

/** The demo identities the network enrols (network/topology.yaml): no onboarding needed for them. */
export const DEMO_PARTIES: ReadonlySet<string> = new Set([
    AUTHORITIES.operatorId,
    AUTHORITIES.customsId,
    DEMO.vendor,
    DEMO.agent,
    DEMO.bank,
]);

export function buildPlan(market: Market, options: PlanOptions = {}): Phase[] {
    const bulkSize = options.bulkSize ?? 200;
    if (!Number.isInteger(bulkSize) || bulkSize < 1 || bulkSize > 500) throw new Error('bulkSize must be 1..500');
    const prefix = `seed.${market.meta.fingerprint}`;
    const b: Builder = { market, actors: actors(market), key: (phase, id) => `${prefix}.${phase}.${id}` };
    const clusters = [market.cluster, ...market.otherClusters].map((cluster) =>
        op(
            b,
            'cluster',
            cluster.clusterId,
            market.authorities.operatorId,
            { fn: 'PartyContract:RegisterCluster', args: [JSON.stringify(cluster)] },
            { route: '/v1/clusters', body: cluster },
        ),
    );
    const [parties = [], verification = [], activation = []] = partyOps(b);
    const business = businessOps(b, bulkSize);
    const writers = new Set(
        Object.values(business)
            .flat()
            .map((o) => o.actor.party),
    );
    const ops: Record<PhaseName, Operation[]> = {
        cluster: clusters,
        parties,
        verification,
        activation,
        identities: identityOps(b, DEMO_PARTIES, writers),
        agreements: [],
        signatures: [],
        goods: [],
        'negative-list': [],
        rates: [],
        trades: [],
        consolidation: [],
        packing: [],
        declarations: [],
        customs: [],
        flags: [],
        receipts: [],
        financings: [],
        exemptions: [],
        ...business,
    };
    return PHASES.map((name) => ({ name, ordered: ORDERED.has(name), needs: NEEDS[name], ops: ops[name] }));
}

/** Parties whose key the plan needs but that the operator cannot onboard: officers of other bank orgs. */
export function externalKeys(plan: readonly Phase[]): string[] {
    const banks = plan.flatMap((p) => p.ops.filter((o) => o.actor.role === 'bank').map((o) => o.actor.party));
    return [...new Set(banks)].filter((party) => !DEMO_PARTIES.has(party)).sort();
}
