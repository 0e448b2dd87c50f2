import { beforeAll, describe, expect, it } from '@jest/globals';
import '../unit/chaincode/support/quiet';
import '../../chaincode/src/index';
import { permissionOf } from '../../chaincode/src/lib/auth';
import {
    at,
    BUYER_COUNTRY,
    BUYER_NAME,
    certificatesOf,
    channelHeight,
    exportShipment,
    hex64,
    marketSuite,
    ok,
    str,
    today,
    tradeBody,
    transactionsSince,
    type Client,
    type Res,
} from './gateway-support';
import { uniqueId } from './support';
import { ROLES, type Role } from '../../chaincode/src/vocabulary';

/**
 * Every caller against every operation of the API, the operations read from the gateway's own /openapi.json (a new
 * endpoint without a request below fails the suite). Who may call what is derived, not restated: the operation's
 * `x-ledger-transactions` looked up in the chaincode's permission matrix (docs/permissions.md is generated from the
 * same table), or its `x-roles` gateway gate. Allowed: 2xx, or a 4xx other than 401/403 for the deliberately
 * inert requests below (existing IDs, finished records), so that allowed writes rarely write. Denied: 403
 * FORBIDDEN (401 without a valid key), and the ledger holds no transaction of a denied call.
 */
type Caller = Role | 'admin' | 'no key' | 'bad key';
const CALLERS: readonly Caller[] = [...ROLES, 'admin', 'no key', 'bad key'];

/** Transactions outside the matrix: WhoAmI answers any caller. */
const SELF_GUARDED: Readonly<Record<string, (role: Role | 'admin') => boolean>> = {
    'IdentityContract.WhoAmI': () => true,
};

interface Operation {
    readonly method: 'get' | 'post' | 'delete';
    readonly path: string;
    readonly operationId: string;
    readonly ledger: readonly string[];
    readonly roles?: readonly string[];
    /** Called without an API key (`security: []`): redeeming an enrolment code. */
    readonly public: boolean;
}

interface Probe {
    readonly params?: Record<string, string>;
    readonly query?: string;
    readonly body?: unknown;
    /** Which of the operation's ledger transactions this request selects (list filters). */
    readonly tx?: string;
    /**
     * Roles whose scope is OWN but who do not own the record used here: expected 403, or for a read of one record
     * 404 NOT_FOUND, exactly as if it did not exist (docs/permissions.md).
     */
    readonly notOwnedBy?: readonly Role[];
}

// the work lists answer from the read side: this suite's gateway runs it, so they are judged like every operation
const { gw, m } = marketSuite({ MPT_PROJECTION: 'on' });
let operations: Operation[];
let probes: Record<string, Probe>;

async function fixtures(): Promise<Record<string, Probe>> {
    const tradeNo = uniqueId('T');
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
    const shipment = await exportShipment(m, [tradeNo]);
    const { declNo, orderCode, packingNo } = shipment;
    const receiptRef = uniqueId('R');
    const receiptBody = {
        receiptRef,
        payeePartyId: m.ids.vendor,
        amountMinor: 120_000,
        currency: 'USD',
        valueDate: today(),
        channel: 'SWIFT',
        allocations: [{ tradeNo, amountMinor: 120_000 }],
        payer: { name: BUYER_NAME, country: BUYER_COUNTRY },
    };
    const receiptId = str(ok(await m.bank.api.post('/v1/receipts', receiptBody), 201), 'result.receiptId');
    const sha256 = hex64();
    ok(await m.vendor.api.post('/v1/documents', { sha256, kind: 'INVOICE' }), 201);
    const flagBody = { subjectType: 'party', subjectId: m.ids.producer, ruleId: 'F6', severity: 'LOW', evidence: {} };
    const flagId = str(ok(await m.operator.api.post('/v1/risk-flags', flagBody), 201), 'result.flagId');
    const latest = ok(await m.customs.api.get('/v1/negative-list?asOf=9999-12-31'));
    const list = at(latest, 'list') as { version: number; validFrom: string } | null;
    const reason = { reason: 'role test' };
    const none = 'NOPE-0';
    const missingDecl = '999999999999999999';
    return {
        me: {},
        onboard: { body: { username: m.vendor.username, role: 'vendor', party: m.ids.vendor } },
        rotateKey: {},
        // a code nobody was given: every caller, with or without a key, gets the same 400
        enrol: { body: { enrolmentCode: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF' } },
        revokeIdentity: { params: { username: 'nobody-here' }, body: reason },
        registerDocument: { body: { sha256, kind: 'INVOICE' } },
        verifyDocument: { params: { sha256 } },
        registerCluster: {
            body: {
                clusterId: m.ids.cluster,
                name: 'x',
                city: 'x',
                customsOffice: '2920',
                acceptanceDate: '2014-01-01',
                streets: [{ streetId: 'D1', name: 'x', stalls: ['S-1'] }],
            },
        },
        getCluster: { params: { clusterId: m.ids.cluster } },
        registerParty: {
            body: { partyId: m.ids.producer, type: 'PRODUCER', legalName: 'Test Producer', countryCode: 'CN' },
        },
        ...Object.fromEntries(
            ['verify', 'activate', 'suspend', 'reinstate', 'revoke'].map((a) => [
                `${a}Party`,
                { params: { partyId: none }, body: reason },
            ]),
        ),
        listParties: { query: 'type=MERCHANT&pageSize=1' },
        getParty: { params: { partyId: m.ids.vendor } },
        getPartyPrivate: { params: { partyId: m.ids.buyer } },
        fileAgreement: {
            body: {
                agreementNo: m.agreementNo,
                merchantId: m.ids.vendor,
                agentId: m.ids.agent,
                validFrom: '2026-01-01',
                validTo: '2030-12-31',
                documentHash: hex64(),
            },
        },
        signAgreement: { params: { agreementNo: m.agreementNo } },
        getAgreement: { params: { agreementNo: m.agreementNo } },
        registerGoods: {
            body: {
                goodsCode: m.goodsCode,
                ownerId: m.ids.vendor,
                nameCn: 'x',
                nameEn: 'x',
                hsCode: '9503008900',
                unit: 'PCS',
                producerId: m.ids.producer,
                priceRange: { currency: 'USD', minUnitPrice: 1, maxUnitPrice: 2 },
            },
        },
        getGoods: { params: { goodsCode: m.goodsCode } },
        publishNegativeList: {
            body: { version: list?.version ?? 1, validFrom: list?.validFrom ?? today(), entries: [] },
        },
        getNegativeList: { query: `asOf=${today()}` },
        registerTrade: { body: tradeBody(m, tradeNo) },
        registerTrades: { body: { trades: [tradeBody(m, tradeNo)] } },
        listTrades: { query: `vendorId=${m.ids.vendor}&pageSize=1`, tx: 'TradeContract.ListTradesByVendor' },
        getTrade: { params: { tradeNo } },
        getTradeHistory: { params: { tradeNo } },
        amendTrade: { params: { tradeNo }, body: { amendment: { remark: 'x' }, reason: 'x' } },
        cancelTrade: { params: { tradeNo }, body: reason },
        resolveTradeFlag: { params: { tradeNo }, body: { resolution: 'x' } },
        getTradeSettlement: { params: { tradeNo } },
        getTradeExemption: { params: { tradeNo } },
        createConsolidationOrder: {
            body: {
                orderCode,
                consolidatorId: m.ids.consolidator,
                agentId: m.ids.agent,
                destCountry: 'AE',
                site: 'YIWU-CSP',
                tradeNos: [tradeNo],
            },
        },
        getConsolidationOrder: { params: { orderCode } },
        recordPackingList: {
            body: {
                packingNo,
                consolidatorId: m.ids.consolidator,
                brokerId: m.ids.broker,
                packDate: today(),
                site: 'YIWU-CSP',
                destCountry: 'AE',
                containers: [
                    { containerNo: 'MSCU1234565', type: '45G1', sealNo: 'S-1', tareKg: 1, orderCodes: [orderCode] },
                ],
            },
        },
        getPackingList: { params: { packingNo } },
        previewDeclaration: {
            body: Object.fromEntries(Object.entries(shipment.declaration).filter(([k]) => k !== 'declNo')),
        },
        fileDeclaration: { body: shipment.declaration },
        listDeclarations: { query: `declDate=${today()}&pageSize=1` },
        getDeclaration: { params: { declNo } },
        getCustomsEvents: { params: { declNo } },
        checkDeclaration: { params: { declNo } },
        traceDeclarationLine: { params: { declNo, gNo: '1' } },
        exportDeclarationEpcis: { params: { declNo } },
        ...Object.fromEntries(
            ['acceptDeclaration', 'releaseDeclaration'].map((op) => [op, { params: { declNo: missingDecl } }]),
        ),
        ...Object.fromEntries(
            ['orderInspection', 'returnDeclaration', 'withdrawDeclaration', 'holdDeclaration', 'liftHold'].map((op) => [
                op,
                { params: { declNo: missingDecl }, body: reason },
            ]),
        ),
        recordInspectionResult: { params: { declNo: missingDecl }, body: { passed: true, remark: 'x' } },
        confirmExit: { params: { declNo: missingDecl }, body: { exitDate: today() } },
        amendDeclaration: { params: { declNo: missingDecl }, body: { amendment: { exitPort: 'CNNGB' }, reason: 'x' } },
        fileReceipt: { body: receiptBody },
        checkReceipt: { body: { receiptId } },
        listReceipts: { query: `tradeNo=${tradeNo}`, tx: 'ReceiptContract.ListReceiptsByTrade' },
        getReceipt: { params: { receiptId }, notOwnedBy: ['agent'] },
        getReceiptPayer: { params: { receiptId } },
        allocateReceipt: { params: { receiptId }, body: { allocations: [{ tradeNo, amountMinor: 1 }] } },
        verifyReceipt: { params: { receiptId: `BankOrgMSP:${none}` }, body: {}, tx: 'ReceiptContract.VerifyReceipt' },
        settleReceipt: { params: { receiptId: `BankOrgMSP:${none}` }, body: { outcome: 'SETTLED' } },
        // the trade is fully paid: a bank's financing is refused RULE_V33 (422) and writes nothing
        financeTrades: {
            body: { financingRef: none, borrowerPartyId: m.ids.vendor, items: [{ tradeNo, amountMinor: 1 }] },
        },
        listFinancings: { query: `tradeNo=${tradeNo}` },
        getFinancing: { params: { financingId: `BankOrgMSP:${none}` } },
        closeFinancing: { params: { financingId: `BankOrgMSP:${none}` }, body: { outcome: 'REPAID' } },
        fileExemption: { body: { filingNo: none, merchantId: m.ids.vendor, period: '2020-01', tradeNos: [tradeNo] } },
        checkExemption: { body: { filingNo: none, merchantId: m.ids.vendor, period: '2020-01', tradeNos: [tradeNo] } },
        listExemptions: { query: `merchantId=${m.ids.vendor}` },
        getExemption: { params: { filingNo: none } },
        exemptionGuard: { params: { filingNo: none } },
        raiseFlag: { body: flagBody },
        listFlags: { query: `subjectType=party&subjectId=${m.ids.producer}` },
        getFlag: { params: { flagId } },
        clearFlag: { params: { flagId: '0'.repeat(32) }, body: { resolution: 'x' } },
        confirmFlag: { params: { flagId: '0'.repeat(32) }, body: { resolution: 'x' } },
        getHistory: { params: { recordType: 'trade', recordId: tradeNo } },
        // V11 list of a cluster that does not exist, naming a party that is not filed: refused, nothing written
        publishQualifiedSuppliers: {
            params: { clusterId: none },
            body: { version: 1, validFrom: '2020-01-01', suppliers: [{ partyId: none }] },
        },
        getQualifiedSuppliers: { params: { clusterId: m.ids.cluster }, query: `asOf=${today()}` },
        // a month no trade uses: the first run writes it, later runs meet CONFLICT
        publishRates: { body: { month: '2000-01', version: 1, rates: [{ currency: 'CNY', rate: '0.12' }] } },
        getRates: { params: { month: '2000-01' } },
        reconcileDeclaration: { params: { declNo } },
        reconcileTrade: { params: { tradeNo } },
        recordCustomsCheck: { params: { declNo: missingDecl } },
        getCustomsCheck: { params: { declNo } },
        // corrections of records that do not exist: 404 for whoever may make them
        amendGoods: { params: { goodsCode: none }, body: { amendment: { nameEn: 'x' }, reason: 'x' } },
        voidGoods: { params: { goodsCode: none }, body: reason },
        amendCluster: { params: { clusterId: none }, body: { amendment: { name: 'x' }, reason: 'x' } },
        amendAgreement: { params: { agreementNo: none }, body: { amendment: { validTo: '2030-01-01' }, reason: 'x' } },
        terminateAgreement: { params: { agreementNo: none }, body: reason },
        amendConsolidationOrder: { params: { orderCode: none }, body: { amendment: { site: 'x' }, reason: 'x' } },
        voidConsolidationOrder: { params: { orderCode: none }, body: reason },
        amendPackingList: { params: { packingNo: none }, body: { amendment: { site: 'x' }, reason: 'x' } },
        voidPackingList: { params: { packingNo: none }, body: reason },
        voidAllocation: { params: { receiptId: `BankOrgMSP:${none}`, tradeNo }, body: reason },
        withdrawExemption: { params: { filingNo: none }, body: reason },
        getReceiptHistory: { params: { receiptId: `BankOrgMSP:${none}` } },
        getExemptionHistory: { params: { filingNo: none } },
        getDocumentHistory: { params: { sha256 } },
        workListTrades: { query: 'limit=1' },
        workListDeclarations: { query: 'limit=1' },
        workListReceipts: { query: 'limit=1' },
        workListReceiptTotals: {},
        workListRiskFlags: { query: 'limit=1' },
        workListExemptions: { query: 'limit=1' },
        workListParties: { query: 'limit=1' },
        workListGoods: { query: 'limit=1' },
        workListSearch: { query: 'q=T-' },
        // webhooks are the admin's own org's, off the ledger: a subscription to a port nobody serves
        createWebhookSubscription: { body: { url: 'http://203.0.113.9:9/none', eventTypes: ['ClusterAmended'] } },
        listWebhookSubscriptions: {},
        deleteWebhookSubscription: { params: { subscriptionId: 'sub_none' } },
        listWebhookDeliveries: { query: 'state=dead' },
        replayWebhookDeliveries: { body: { eventId: none } },
        marketIndicators: { query: `from=${today().slice(0, 7)}&to=${today().slice(0, 7)}` },
        clusterIndicators: {
            params: { clusterId: m.ids.cluster },
            query: `from=${today().slice(0, 7)}&to=${today().slice(0, 7)}`,
        },
        // the bank's receipt above is paid to the vendor, so the bank may score it (V34)
        partyRiskScore: { params: { partyId: m.ids.vendor } },
        // the auditor's own org (CustomsOrg) read model, verified against its peer; every other role is refused
        verifyReadModel: { query: 'max=1' },
    };
}

beforeAll(async () => {
    const doc = ok(await gw.client(undefined).get('/openapi.json')) as {
        paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    operations = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/v1/'))
        .flatMap(([path, methods]) =>
            Object.entries(methods).map(([method, op]) => ({
                method: method as Operation['method'],
                path,
                operationId: op.operationId as string,
                ledger: (op['x-ledger-transactions'] ?? []) as string[],
                ...(op['x-roles'] === undefined ? {} : { roles: op['x-roles'] as string[] }),
                public: (op.security as unknown[] | undefined)?.length === 0,
            })),
        );
    probes = await fixtures();
});

/** Who may call an operation with the probe's request: the gateway gate, else the chaincode matrix. */
function allowed(caller: Caller, op: Operation, probe: Probe): boolean {
    if (op.public) return true;
    if (caller === 'no key' || caller === 'bad key') return false;
    if (op.roles !== undefined) return op.roles.includes(caller);
    const tx = probe.tx ?? op.ledger[0];
    if (tx === undefined) return true; // off-ledger and ungated (key rotation)
    const guard = SELF_GUARDED[tx];
    if (guard !== undefined) return guard(caller);
    if (caller === 'admin') return false; // no ledger role in its certificate
    const scope = permissionOf(tx).roles[caller];
    return scope !== undefined && !(scope === 'OWN' && (probe.notOwnedBy ?? []).includes(caller));
}

/** A non-owner reading one record is answered as if the record did not exist; any other refusal is denied. */
function expectation(caller: Caller, op: Operation, probe: Probe): Outcome['expected'] {
    if (allowed(caller, op, probe)) return 'allowed';
    const tx = probe.tx ?? op.ledger[0];
    const hidden =
        op.method === 'get' &&
        tx !== undefined &&
        caller !== 'no key' &&
        caller !== 'bad key' &&
        caller !== 'admin' &&
        (probe.notOwnedBy ?? []).includes(caller) &&
        permissionOf(tx).roles[caller] === 'OWN';
    return hidden ? 'hidden' : 'denied';
}

function callerClient(caller: Caller): Client {
    const byRole: Record<string, Client> = {
        operator: m.operator.api,
        vendor: m.vendor.api,
        agent: m.agent.api,
        consolidator: m.consolidator.api,
        broker: m.broker.api,
        customs: m.customs.api,
        bank: m.bank.api,
        auditor: m.auditor.api,
        admin: m.admin,
        'no key': gw.client(undefined),
        'bad key': gw.client('mpt_0000000000000000_notarealsecretnotarealsecret'),
    };
    const client = byRole[caller];
    if (client === undefined) throw new Error(`no client for ${caller}`);
    return client;
}

function send(client: Client, op: Operation, probe: Probe): Promise<Res> {
    const path = op.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
        const value = probe.params?.[name];
        if (value === undefined) throw new Error(`${op.operationId}: no value for path parameter ${name}`);
        return encodeURIComponent(value);
    });
    const url = probe.query === undefined ? path : `${path}?${probe.query}`;
    if (op.method === 'delete') return client.delete(url);
    return op.method === 'get' ? client.get(url) : client.post(url, probe.body ?? {});
}

interface Outcome {
    readonly caller: Caller;
    readonly operationId: string;
    readonly expected: 'allowed' | 'denied' | 'hidden';
    readonly status: number;
    readonly code: unknown;
    readonly txId?: string;
}

describe('every caller against every operation of /openapi.json', () => {
    let outcomes: Outcome[] = [];
    let from = 0;

    it('has a request for every operation the gateway serves', () => {
        expect(operations.length).toBeGreaterThanOrEqual(74);
        expect(operations.filter((op) => probes[op.operationId] === undefined).map((op) => op.operationId)).toEqual([]);
        for (const op of operations) {
            const probe = probes[op.operationId];
            if (probe?.tx !== undefined) expect(op.ledger).toContain(probe.tx);
        }
    });

    it('answers each call as the permission matrix and the gateway gates say', async () => {
        from = await channelHeight();
        // key rotation last: it retires the caller's key
        const ordered = [...operations].sort(
            (a, b) => Number(a.operationId === 'rotateKey') - Number(b.operationId === 'rotateKey'),
        );
        outcomes = (
            await Promise.all(
                CALLERS.map(async (caller) => {
                    const client = callerClient(caller);
                    const mine: Outcome[] = [];
                    for (const op of ordered) {
                        const probe = probes[op.operationId] ?? {};
                        const res = await send(client, op, probe);
                        const txId = at(res.body, 'txId');
                        mine.push({
                            caller,
                            operationId: op.operationId,
                            expected: expectation(caller, op, probe),
                            status: res.status,
                            code: at(res.body, 'error.code'),
                            ...(res.status < 300 && typeof txId === 'string' ? { txId } : {}),
                        });
                    }
                    return mine;
                }),
            )
        ).flat();

        const wrong = outcomes.filter((o) =>
            o.expected === 'allowed'
                ? o.status === 401 || o.status === 403 || o.status >= 500
                : o.expected === 'hidden'
                  ? !(o.status === 404 && o.code === 'NOT_FOUND')
                  : !(
                        (o.status === 403 && o.code === 'FORBIDDEN') ||
                        (o.status === 401 && o.code === 'UNAUTHENTICATED')
                    ),
        );
        expect(wrong).toEqual([]);
        expect(outcomes).toHaveLength(CALLERS.length * operations.length);
        // the matrix is not trivially one-sided
        expect(outcomes.filter((o) => o.expected === 'allowed').length).toBeGreaterThan(150);
        expect(outcomes.filter((o) => o.expected === 'denied' && o.status === 403).length).toBeGreaterThan(300);
        const keyless = outcomes.filter((o) => o.caller === 'no key' || o.caller === 'bad key');
        expect(keyless.filter((o) => o.status !== 401).map((o) => o.operationId)).toEqual(['enrol', 'enrol']);
    });

    it('the ledger holds a transaction of this suite only where an allowed write answered 2xx', async () => {
        const people = [m.operator, m.vendor, m.agent, m.consolidator, m.broker, m.customs, m.bank, m.auditor];
        const ours = certificatesOf(gw, [...people, { org: 'MarketOrg', username: 'registrar' }]);
        const written = (await transactionsSince(from)).filter((tx) => ours.has(tx.creator) && tx.valid);
        const answered = outcomes.filter((o) => o.txId !== undefined);

        expect(new Set(written.map((tx) => tx.txId))).toEqual(new Set(answered.map((o) => o.txId)));
        expect(answered.every((o) => o.expected === 'allowed')).toBe(true);
    });
});
