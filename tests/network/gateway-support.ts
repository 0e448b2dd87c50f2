import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { common, msp } from '@hyperledger/fabric-protos';
import { businessDateOf } from '../../chaincode/src/lib/identity';
import { GatewayWallets } from '../../gateway/src/auth/identities';
import { bootstrap } from '../../gateway/src/cli/bootstrap';
import { GatewayClient, type Answer } from '../../gateway/src/client';
import { loadConfig } from '../../gateway/src/config';
import { newLogger } from '../../gateway/src/ops/logger';
import { startGateway, type RunningGateway } from '../../gateway/src/server';
import { defaultConnectionProfileFile } from '../../network/client';
import { metric } from '../../network/src/health';
import { FabricNetwork } from '../../network/src/network';
import { onChannelAs, runIds, uniqueId, type RunIds } from './support';

/**
 * Shared set-up of the gateway end-to-end suites: the gateway in-process on an ephemeral port over the real
 * network with a fresh data dir, an HTTP client per API key (the gateway's own client), a freshly onboarded market per suite (every ID new
 * per run, because the ledger outlives the tests), and ledger probes (block height, who wrote the new blocks).
 */

/** A parsed JSON response body; read it with {@link at} / {@link str} / {@link list}, check it with expect. */
export type Body = unknown;

/** The value at a dotted path (`result.checks.0.id`), or undefined. */
export function at(value: unknown, path: string): unknown {
    let current = value;
    for (const key of path.split('.').filter(Boolean)) {
        if (current === null || typeof current !== 'object') return undefined;
        current = (current as Record<string, unknown>)[key];
    }
    return current;
}

/** The string at a path; throws (failing the test) when there is none. */
export function str(value: unknown, path: string): string {
    const found = at(value, path);
    if (typeof found !== 'string') throw new Error(`no string at ${path} in ${JSON.stringify(value)}`);
    return found;
}

/** The array at a path; throws (failing the test) when there is none. */
export function list(value: unknown, path: string): unknown[] {
    const found = at(value, path);
    if (!Array.isArray(found)) throw new Error(`no array at ${path} in ${JSON.stringify(value)}`);
    return found as unknown[];
}

/** An answer of any status, as the gateway client's `send` gives it. */
export type Res = Answer;

export const network = new FabricNetwork();
export const connectionProfile = defaultConnectionProfileFile();
/** The China business date now: the ledger's "today" for every date rule (V32), not the UTC date. */
export const today = (): string => businessDateOf(new Date().toISOString());
export const idem = (): string => uniqueId('idem');
export const hex64 = (): string => randomBytes(32).toString('hex');

/** The gateway client holding one API key (or none, or a wrong one), with the suites' defaults for each request. */
export class Client {
    readonly #gateway: GatewayClient;

    constructor(
        readonly url: string,
        readonly apiKey: string | undefined,
    ) {
        this.#gateway = new GatewayClient({ baseUrl: url, apiKey });
    }

    get(pathAndQuery: string): Promise<Res> {
        return this.#gateway.send('get', pathAndQuery);
    }

    /** POST as JSON; writes get a fresh Idempotency-Key unless one is given. */
    post(pathAndQuery: string, body: unknown = {}, idempotencyKey: string = idem()): Promise<Res> {
        return this.#gateway.send('post', pathAndQuery, { body, idempotencyKey });
    }

    /** DELETE, with a fresh Idempotency-Key unless one is given. */
    delete(pathAndQuery: string, idempotencyKey: string = idem()): Promise<Res> {
        return this.#gateway.send('delete', pathAndQuery, { idempotencyKey });
    }

    /** POST a raw body with a content type of the caller's choosing (malformed JSON, huge bodies, text). */
    postRaw(pathAndQuery: string, raw: string, contentType = 'application/json'): Promise<Res> {
        return this.#gateway.send('post', pathAndQuery, { raw: { text: raw, contentType }, idempotencyKey: idem() });
    }

    /** Same request, another key. */
    as(apiKey: string | undefined): Client {
        return new Client(this.url, apiKey);
    }
}

/** Asserts a success status and returns the body (the error body is shown when it fails). */
export function ok(res: Res, status = 200): Body {
    if (res.status !== status) {
        throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 2000)}`);
    }
    return res.body;
}

/** Asserts the error body `{error:{code,message,requestId}}` with the expected status and code. */
export function failed(res: Res, status: number, code: string | RegExp): { code: string; message: string } {
    expect({ status: res.status, code: at(res.body, 'error.code') }).toEqual({
        status,
        code: typeof code === 'string' ? code : expect.stringMatching(code),
    });
    expect(res.body).toMatchObject({
        error: { message: expect.any(String), requestId: expect.any(String) },
    });
    return { code: str(res.body, 'error.code'), message: str(res.body, 'error.message') };
}

export interface TestGateway {
    readonly url: string;
    readonly dataDir: string;
    readonly wallets: GatewayWallets;
    /** Bootstrap keys: `<Org>/<username>` (demo users, and each org's registrar as `admin`). */
    readonly bootstrapKeys: ReadonlyMap<string, string>;
    client(apiKey: string | undefined): Client;
    bootstrapClient(org: string, username: string): Client;
    close(): Promise<void>;
}

/**
 * Starts the gateway over the running network (another network's when `env` names its MPT_CONNECTION_PROFILE) with a
 * fresh data dir, or with `dataDir` (a restart: the keys issued before still work; close leaves the dir), rate limit
 * raised for test traffic.
 */
export async function startTestGateway(env: Record<string, string> = {}, kept?: string): Promise<TestGateway> {
    const dataDir = kept ?? mkdtempSync(path.join(tmpdir(), 'mpt-gateway-e2e-'));
    const bootstrapKeys = new Map<string, string>();
    const issuedKeys = await bootstrap({
        connectionProfile: env.MPT_CONNECTION_PROFILE ?? connectionProfile,
        dataDir,
        databaseUrl: env.MPT_DATABASE_URL,
        ...(env.MPT_GATEWAY_STATE_SCHEMA === undefined ? {} : { stateSchema: env.MPT_GATEWAY_STATE_SCHEMA }),
    });
    for (const issued of issuedKeys) {
        if (issued.apiKey !== undefined) bootstrapKeys.set(`${issued.org}/${issued.username}`, issued.apiKey);
    }
    const config = loadConfig({
        MPT_GATEWAY_PORT: '0',
        MPT_CONNECTION_PROFILE: connectionProfile,
        MPT_GATEWAY_DATA_DIR: dataDir,
        MPT_LOG_LEVEL: 'silent',
        MPT_RATE_LIMIT_PER_SECOND: '1000',
        MPT_RATE_LIMIT_BURST: '1000',
        MPT_IP_RATE_LIMIT_PER_SECOND: '1000',
        // the read side has a suite of its own (projection.test.ts): the others leave the peers' CPU to their calls
        MPT_PROJECTION: 'off',
        ...env,
    });
    // MPT_TEST_GATEWAY_LOG=error (for example) shows the gateway's own log while debugging a suite
    const running: RunningGateway = await startGateway(config, newLogger(process.env.MPT_TEST_GATEWAY_LOG ?? 'silent'));
    const client = (apiKey: string | undefined): Client => new Client(running.url, apiKey);
    return {
        url: running.url,
        dataDir,
        wallets: new GatewayWallets(dataDir),
        bootstrapKeys,
        client,
        bootstrapClient: (org: string, username: string): Client => {
            const found = bootstrapKeys.get(`${org}/${username}`);
            if (found === undefined) throw new Error(`no bootstrap key for ${org}/${username}`);
            return client(found);
        },
        close: async (): Promise<void> => {
            await running.close();
            if (kept === undefined) rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// A market of its own per suite

export const BUYER_NAME = 'Omar Haddad';
export const BUYER_COUNTRY = 'AE';
export const STALL = 'S-101';

export interface Actor {
    readonly org: string;
    readonly username: string;
    readonly role: string;
    readonly party: string;
    readonly api: Client;
}

export interface Market {
    readonly run: string;
    readonly ids: RunIds;
    readonly goodsCode: string;
    readonly goodsCode2: string;
    readonly agreementNo: string;
    readonly operator: Actor;
    readonly vendor: Actor;
    readonly vendor2: Actor;
    readonly agent: Actor;
    readonly consolidator: Actor;
    readonly broker: Actor;
    readonly customs: Actor;
    readonly bank: Actor;
    /** A second bank party with its own officer, at the same BankOrg (the default network has one bank org). */
    readonly bank2: Actor;
    readonly auditor: Actor;
    /** MarketOrg's registrar: onboards people, has no ledger role. */
    readonly admin: Client;
}

/** `by` (an org admin or the operator) onboards a person, who redeems the enrolment code for an API key. */
export async function onboard(by: Client, org: string, username: string, role: string, party: string): Promise<Actor> {
    const body = ok(await by.post('/v1/onboarding', { username, role, party }), 201);
    expect(body).toMatchObject({ username, role, party });
    expect(body).not.toHaveProperty('apiKey');
    // the person redeems the code themselves, without any API key
    const enrolled = ok(
        await by.as(undefined).post('/v1/enrolment', { enrolmentCode: str(body, 'enrolmentCode') }),
        201,
    );
    return { org, username, role, party, api: by.as(str(enrolled, 'apiKey')) };
}

/** The operator files a party, verifies and activates it. */
export async function fileParty(operator: Client, party: Record<string, unknown>): Promise<void> {
    const partyId = party.partyId as string;
    ok(await operator.post('/v1/parties', party), 201);
    ok(await operator.post(`/v1/parties/${partyId}/verify`, { reason: 'documents checked' }));
    ok(await operator.post(`/v1/parties/${partyId}/activate`, { reason: 'filing complete' }));
}

/**
 * Onboards a whole market through the API: a fresh operator (by the MarketOrg admin), the cluster and every party
 * filed and activated by it, one person per party role onboarded, customs and the bank officers onboarded by
 * their org admins, a signed agency agreement vendor↔agent and two goods of the vendor.
 */
export async function onboardMarket(gw: TestGateway): Promise<Market> {
    const run = uniqueId('R');
    const lower = run.toLowerCase();
    const ids = runIds(run);
    const admin = gw.bootstrapClient('MarketOrg', 'registrar');
    const customsAdmin = gw.bootstrapClient('CustomsOrg', 'registrar');
    const bankAdmin = gw.bootstrapClient('BankOrg', 'registrar');
    const [operator, auditor, customs] = await Promise.all([
        onboard(admin, 'MarketOrg', `operator-${lower}`, 'operator', 'MARKET'),
        onboard(customsAdmin, 'CustomsOrg', `auditor-${lower}`, 'auditor', 'AUDIT'),
        onboard(customsAdmin, 'CustomsOrg', `customs-${lower}`, 'customs', 'CUSTOMS'),
    ]);
    const op = operator.api;
    ok(
        await op.post('/v1/clusters', {
            clusterId: ids.cluster,
            name: 'Yiwu International Trade City',
            city: 'Yiwu',
            customsOffice: '2920',
            acceptanceDate: '2014-01-01',
            streets: [{ streetId: 'D1', name: 'District 1', stalls: [STALL, 'S-102'] }],
        }),
        201,
    );
    const cn = { countryCode: 'CN' };
    await Promise.all([
        fileParty(op, {
            ...cn,
            partyId: ids.vendor,
            type: 'MERCHANT',
            legalName: '义乌测试商行',
            clusterId: ids.cluster,
            stallNo: STALL,
        }),
        fileParty(op, {
            ...cn,
            partyId: ids.vendor2,
            type: 'MERCHANT',
            legalName: '义乌第二商行',
            clusterId: ids.cluster,
            stallNo: 'S-102',
        }),
        fileParty(op, {
            ...cn,
            partyId: ids.agent,
            type: 'AGENT',
            legalName: 'Test Agent',
            commerceFilingNo: `CF-${run}`,
            customsRegNo: `CR-${run}`,
        }),
        fileParty(op, {
            partyId: ids.buyer,
            type: 'BUYER',
            legalName: BUYER_NAME,
            nameEn: BUYER_NAME,
            countryCode: BUYER_COUNTRY,
            nationality: BUYER_COUNTRY,
            idType: 'PASSPORT',
            private: { idNumber: `P${randomBytes(6).toString('hex').toUpperCase()}` },
        }),
        fileParty(op, { ...cn, partyId: ids.producer, type: 'PRODUCER', legalName: 'Test Producer' }),
        fileParty(op, { ...cn, partyId: ids.consolidator, type: 'CONSOLIDATOR', legalName: 'Test Consolidator' }),
        fileParty(op, { ...cn, partyId: ids.broker, type: 'BROKER', legalName: 'Test Broker' }),
        fileParty(op, { ...cn, partyId: ids.bank, type: 'BANK', legalName: 'Test Bank', orgMspId: 'BankOrgMSP' }),
        fileParty(op, { ...cn, partyId: ids.bank2, type: 'BANK', legalName: 'Second Bank', orgMspId: 'BankOrgMSP' }),
    ]);
    const [vendor, vendor2, agent, consolidator, broker, bank, bank2] = await Promise.all([
        onboard(op, 'MarketOrg', `vendor-${lower}`, 'vendor', ids.vendor),
        onboard(op, 'MarketOrg', `vendor2-${lower}`, 'vendor', ids.vendor2),
        onboard(op, 'MarketOrg', `agent-${lower}`, 'agent', ids.agent),
        onboard(op, 'MarketOrg', `consolidator-${lower}`, 'consolidator', ids.consolidator),
        onboard(op, 'MarketOrg', `broker-${lower}`, 'broker', ids.broker),
        onboard(bankAdmin, 'BankOrg', `bank-${lower}`, 'bank', ids.bank),
        onboard(bankAdmin, 'BankOrg', `bank2-${lower}`, 'bank', ids.bank2),
    ]);
    const agreementNo = `AG-${run}`;
    ok(
        await agent.api.post('/v1/agreements', {
            agreementNo,
            merchantId: ids.vendor,
            agentId: ids.agent,
            validFrom: '2026-01-01',
            validTo: '2030-12-31',
            documentHash: hex64(),
        }),
        201,
    );
    ok(await vendor.api.post(`/v1/agreements/${agreementNo}/sign`));
    const goodsCode = `G-${run}`;
    const goodsCode2 = `G2-${run}`;
    const goods = (code: string, nameEn: string, hsCode: string): Record<string, unknown> => ({
        goodsCode: code,
        ownerId: ids.vendor,
        nameCn: '塑料玩具',
        nameEn,
        hsCode,
        unit: 'PCS',
        producerId: ids.producer,
        priceRange: { currency: 'USD', minUnitPrice: 50, maxUnitPrice: 20_000 },
    });
    ok(await vendor.api.post('/v1/goods', goods(goodsCode, 'Plastic toy', '9503008900')), 201);
    ok(await vendor.api.post('/v1/goods', goods(goodsCode2, 'Wooden puzzle', '9503006000')), 201);
    return {
        run,
        ids,
        goodsCode,
        goodsCode2,
        agreementNo,
        operator,
        vendor,
        vendor2,
        agent,
        consolidator,
        broker,
        customs,
        bank,
        bank2,
        auditor,
        admin,
    };
}

/**
 * The set-up every gateway suite shares: registers beforeAll/afterAll that start a test gateway (with `env`) and
 * onboard a market of the suite's own, and close the gateway after. The returned objects are filled in by
 * beforeAll: use them inside hooks and tests, not at the top level of the file.
 */
export function marketSuite(env: Record<string, string> = {}): { readonly gw: TestGateway; readonly m: Market } {
    const gw = {} as TestGateway;
    const m = {} as Market;
    beforeAll(async () => {
        Object.assign(gw, await startTestGateway(env));
        Object.assign(m, await onboardMarket(gw));
    });
    afterAll(async () => {
        await gw.close();
    });
    return { gw, m };
}

/** A trade of the market's vendor through its agent to its buyer; `lines` default to one line of the first goods. */
export function tradeBody(
    m: Market,
    tradeNo: string,
    overrides: Record<string, unknown> = {},
): Record<string, unknown> {
    return {
        tradeNo,
        vendorId: m.ids.vendor,
        agentId: m.ids.agent,
        buyerId: m.ids.buyer,
        tradeDate: today(),
        currency: 'USD',
        agencyReceipt: false,
        paymentTerms: 'PREPAID',
        paymentChannel: 'BANK',
        lines: [{ lineId: 'L1', goodsCode: m.goodsCode, qty: 1000, unitPrice: 120, amount: 120_000 }],
        documents: [hex64()],
        ...overrides,
    };
}

/** A copy of `value` without the given fields (a proposal from a filing body, a preview from a declaration). */
export function omit(value: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !fields.includes(key)));
}

let declCounter = 0;
/** An 18-digit customs entry number, new per call and per run. */
export function newDeclNo(): string {
    declCounter += 1;
    return `2920${String(Date.now()).slice(-9)}${String(declCounter % 100).padStart(2, '0')}${String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0')}`;
}

export interface Shipment {
    readonly orderCode: string;
    readonly packingNo: string;
    readonly declaration: Record<string, unknown>;
}

/** Consolidates and packs the trades (the consolidator) and returns the declaration body to file. */
export async function consolidateAndPack(m: Market, tradeNos: string[]): Promise<Shipment> {
    const suffix = uniqueId('X');
    const orderCode = `O-${suffix}`;
    const packingNo = `PK-${suffix}`;
    ok(
        await m.consolidator.api.post('/v1/consolidation-orders', {
            orderCode,
            consolidatorId: m.ids.consolidator,
            agentId: m.ids.agent,
            destCountry: BUYER_COUNTRY,
            site: 'YIWU-CSP',
            tradeNos,
        }),
        201,
    );
    ok(
        await m.consolidator.api.post('/v1/packing-lists', {
            packingNo,
            consolidatorId: m.ids.consolidator,
            brokerId: m.ids.broker,
            packDate: today(),
            site: 'YIWU-CSP',
            destCountry: BUYER_COUNTRY,
            containers: [
                {
                    containerNo: 'MSCU1234565',
                    type: '45G1',
                    sealNo: `SEAL-${suffix}`,
                    tareKg: 3800,
                    orderCodes: [orderCode],
                },
            ],
        }),
        201,
    );
    const declaration = {
        declNo: newDeclNo(),
        packingNo,
        consignorId: m.ids.agent,
        brokerId: m.ids.broker,
        customsOffice: '2920',
        exitPort: 'CNNGB',
        destCountry: BUYER_COUNTRY,
        tradeCountry: BUYER_COUNTRY,
        transportMode: 'SEA',
        tradeNos,
    };
    return { orderCode, packingNo, declaration };
}

/** Trades consolidated, packed, declared by the broker, accepted, released and exited by customs; the declNo. */
export async function exportTrades(m: Market, tradeNos: string[]): Promise<string> {
    return (await exportShipment(m, tradeNos)).declNo;
}

/** As {@link exportTrades}, with the consolidation order and packing list. */
export async function exportShipment(m: Market, tradeNos: string[]): Promise<Shipment & { declNo: string }> {
    const shipment = await consolidateAndPack(m, tradeNos);
    const { declaration } = shipment;
    const declNo = declaration.declNo as string;
    ok(await m.broker.api.post('/v1/declarations', declaration), 201);
    ok(await m.customs.api.post(`/v1/declarations/${declNo}/accept`));
    ok(await m.customs.api.post(`/v1/declarations/${declNo}/release`));
    ok(await m.customs.api.post(`/v1/declarations/${declNo}/exit`, { exitDate: today() }));
    return { ...shipment, declNo };
}

// ---------------------------------------------------------------------------------------------------------------
// Ledger probes

const peerOperations = (): string[] => network.topology.peerOrgs.map((org) => `${org.host}:${org.operationsPort}`);

/** The channel's block height as the MarketOrg peer's operations endpoint reports it. */
export async function channelHeight(): Promise<number> {
    const [address] = peerOperations();
    const height = await metric(address ?? '', 'ledger_blockchain_height', { channel: network.topology.channel });
    if (height === undefined) throw new Error(`no ledger_blockchain_height on ${address ?? '?'}`);
    return height;
}

export interface LedgerTx {
    readonly block: number;
    readonly txId: string;
    /** Committed as VALID (else it is in the block but invalidated, e.g. an MVCC conflict). */
    readonly valid: boolean;
    readonly mspId: string;
    readonly creator: string;
}

/** Every transaction in blocks `from` .. height-1 (valid or not), with the certificate that signed it. */
export async function transactionsSince(from: number): Promise<LedgerTx[]> {
    const to = await channelHeight();
    if (to <= from) return [];
    const { channel } = network.connectionProfile();
    const reader = network.wallet('MarketOrg').get('operator1');
    return onChannelAs(network, 'MarketOrg', reader, async (net) => {
        const qscc = net.getContract('qscc');
        const found: LedgerTx[] = [];
        for (let number = from; number < to; number++) {
            const bytes = await qscc.evaluateTransaction('GetBlockByNumber', channel, String(number));
            const block = common.Block.deserializeBinary(bytes);
            const envelopes = block.getData()?.getDataList_asU8() ?? [];
            const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
            for (const [index, envelope] of envelopes.entries()) {
                const payload = common.Payload.deserializeBinary(
                    common.Envelope.deserializeBinary(envelope).getPayload_asU8(),
                );
                const header = payload.getHeader();
                if (!header) continue;
                const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
                const signature = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
                const creator = msp.SerializedIdentity.deserializeBinary(signature.getCreator_asU8());
                found.push({
                    block: number,
                    txId: channelHeader.getTxId(),
                    valid: filter?.[index] === 0,
                    mspId: creator.getMspid(),
                    creator: Buffer.from(creator.getIdBytes_asU8()).toString('utf8').trim(),
                });
            }
        }
        return found;
    });
}

/** The certificates of gateway identities (to tell this suite's transactions from anyone else's). */
export function certificatesOf(gw: TestGateway, actors: readonly Pick<Actor, 'org' | 'username'>[]): Set<string> {
    return new Set(actors.map((a) => gw.wallets.identity(a.org, a.username).certificate.trim()));
}
