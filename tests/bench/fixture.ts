import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { Contract, Gateway } from '@hyperledger/fabric-gateway';
import { businessDateOf } from '../../chaincode/src/lib/identity';
import { ledgerIdentity } from '../../gateway/src/auth/identities';
import { bootstrap, type IssuedKey } from '../../gateway/src/cli/bootstrap';
import { GatewayClient } from '../../gateway/src/client';
import { loadConfig } from '../../gateway/src/config';
import type { LedgerIdentity } from '../../gateway/src/ledger/ledger';
import { newLogger } from '../../gateway/src/ops/logger';
import { startGateway, type RunningGateway } from '../../gateway/src/server';
import {
    connectAs,
    DEFAULT_STATE_DIR,
    defaultConnectionProfileFile,
    networkCpuMs,
    newPeerClient,
    orgConnection,
    readConnectionProfile,
    REGISTRAR,
    Wallet,
    type ConnectionProfile,
    type OrgConnection,
} from '../../network/client';
import { buildPlan, consoleReporter, generateMarket, loadPlan, onboardedKeyRing, type Market } from '../../seeds/src';
import { ownCpuMs, type CpuClock } from './measure';

/** A demo user two ways: its API key through the REST gateway, and its own certificate straight to its org's peer. */
export interface Actor {
    readonly party: string | null;
    readonly api: GatewayClient;
    readonly contract: Contract;
}

/** What the scenarios work on: the small demo market, loaded once per ledger. */
export interface Targets {
    /** A clean trade of the vendor, copied with a new number and today's date for every trade the bench writes. */
    readonly tradeTemplate: Market['trades'][number]['input'] | undefined;
    /** A receipt of the bank allocated to trades of an exported declaration, as `<bankMspId>:<receiptRef>`. */
    readonly receiptId: string | undefined;
    /** That exported declaration. */
    readonly declNo: string | undefined;
}

export interface Fixture {
    readonly profile: ConnectionProfile;
    readonly vendor: Actor;
    readonly customs: Actor;
    readonly bank: Actor;
    readonly targets: Targets;
    /** MarketOrg's connection and registrar: who reads its peer's blocks for the read side. */
    readonly marketOrg: OrgConnection;
    readonly registrar: LedgerIdentity;
    /**
     * CPU time of the system under test: every process of the network (peers, orderers, chaincode servers, CAs) and
     * the bench's own (its gateway, projectors and clients), not the rest of a shared machine.
     */
    readonly cpuMs: CpuClock;
    /** A trade body of the vendor's, numbered `tradeNo`. */
    trade(tradeNo: string): NonNullable<Targets['tradeTemplate']>;
    close(): Promise<void>;
}

/**
 * The bench's gateway data (API keys, the keys the demo market onboards, the market's as-of date) lives beside the
 * ledger it describes, so `network:reset` wipes both and a second run on the same ledger reuses them.
 */
const dataDirOf = (): string => process.env.BENCH_DATA_DIR ?? path.join(DEFAULT_STATE_DIR(), 'bench');

/** The as-of date of the bench's market: today on the first run, then the same, so a later run adds nothing. */
function marketDate(dataDir: string): string {
    const file = path.join(dataDir, 'market.json');
    if (!existsSync(file)) {
        writeFileSync(file, JSON.stringify({ asOf: businessDateOf(new Date().toISOString()) }));
    }
    return (JSON.parse(readFileSync(file, 'utf8')) as { asOf: string }).asOf;
}

function targetsOf(market: Market, vendorParty: string | null, bankMspId: string): Targets {
    const exited = new Set(market.customsEvents.filter((e) => e.kind === 'EXIT').map((e) => e.declNo));
    const exported = market.declarations.filter((d) => d.expect === undefined && exited.has(d.input.declNo));
    const backing = (receipt: Market['receipts'][number]): Market['declarations'][number] | undefined =>
        exported.find(
            (d) =>
                receipt.input.allocations.length > 0 &&
                receipt.input.allocations.every((a) => d.input.tradeNos.includes(a.tradeNo)),
        );
    const receipt = market.receipts.find(
        (r) => r.expect === undefined && r.bankMspId === bankMspId && backing(r) !== undefined,
    );
    return {
        tradeTemplate: market.trades.find((t) => t.expect === undefined && t.input.vendorId === vendorParty)?.input,
        receiptId: receipt && `${receipt.bankMspId}:${receipt.input.receiptRef}`,
        declNo: receipt && backing(receipt)?.input.declNo,
    };
}

/** Loads the small demo market through the gateway (a second run on the same ledger writes nothing). */
async function loadMarket(url: string, dataDir: string, issued: IssuedKey[]): Promise<Market> {
    const market = generateMarket({ seed: 1, size: 'small', asOf: marketDate(dataDir) });
    const given = new Map(
        issued.flatMap((key) =>
            key.party !== null && key.apiKey !== undefined ? [[key.party, key.apiKey] as const] : [],
        ),
    );
    const ring = onboardedKeyRing(path.join(dataDir, 'seed-keys.json'), given);
    const report = await loadPlan(buildPlan(market), {
        gatewayUrl: url,
        keys: ring.keys,
        saveKey: ring.save,
        reporter: consoleReporter(),
    });
    if (report.totals.failed > 0) {
        process.stderr.write(`${report.totals.failed} demo records failed to load; the lines above say which\n`);
    }
    return market;
}

/**
 * The running network (`npm run bench` brings it up first), a gateway of the bench's own in this process (no rate
 * limits: the bench is one client at up to 50 requests at once), the demo market on the ledger, and the three users
 * the scenarios act as, each both ways.
 */
export async function openFixture(): Promise<Fixture> {
    const connectionProfile = defaultConnectionProfileFile();
    const profile = readConnectionProfile(connectionProfile);
    const dataDir = dataDirOf();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const issued = await bootstrap({ connectionProfile, dataDir, rotate: true });
    const gateway: RunningGateway = await startGateway(
        loadConfig({
            MPT_GATEWAY_PORT: '0',
            MPT_CONNECTION_PROFILE: connectionProfile,
            MPT_GATEWAY_DATA_DIR: dataDir,
            MPT_LOG_LEVEL: 'silent',
            MPT_RATE_LIMIT_PER_SECOND: '100000',
            MPT_RATE_LIMIT_BURST: '100000',
            MPT_IP_RATE_LIMIT_PER_SECOND: '100000',
        }),
        newLogger('silent'),
    );
    const clients = new Map<string, grpc.Client>();
    const gateways: Gateway[] = [];
    const actor = (org: string, username: string): Actor => {
        const key = issued.find((k) => k.org === org && k.username === username);
        if (key?.apiKey === undefined) {
            throw new Error(`bootstrap issued no API key for ${username} of ${org}`);
        }
        const connection = orgConnection(profile, org);
        const client = clients.get(org) ?? newPeerClient(connection);
        clients.set(org, client);
        const fabric = connectAs(client, new Wallet(connection.walletDir).get(username));
        gateways.push(fabric);
        return {
            party: key.party,
            api: new GatewayClient({ baseUrl: gateway.url, apiKey: key.apiKey }),
            contract: fabric.getNetwork(profile.channel).getContract(profile.chaincode),
        };
    };
    const close = async (): Promise<void> => {
        await gateway.close();
        for (const fabric of gateways) fabric.close();
        for (const client of clients.values()) client.close();
    };
    try {
        const vendor = actor('MarketOrg', 'vendor1');
        const customs = actor('CustomsOrg', 'officer1');
        const bank = actor('BankOrg', 'officer1');
        process.stderr.write('loading the small demo market through the gateway (once per ledger)\n');
        const market = await loadMarket(gateway.url, dataDir, issued);
        const targets = targetsOf(market, vendor.party, orgConnection(profile, 'BankOrg').mspId);
        const marketOrg = orgConnection(profile, 'MarketOrg');
        const today = businessDateOf(new Date().toISOString());
        return {
            profile,
            vendor,
            customs,
            bank,
            targets,
            marketOrg,
            registrar: ledgerIdentity(new Wallet(marketOrg.walletDir).get(REGISTRAR)),
            cpuMs: () => ownCpuMs() + networkCpuMs(path.dirname(connectionProfile)),
            trade: (tradeNo): NonNullable<Targets['tradeTemplate']> => {
                if (targets.tradeTemplate === undefined) {
                    throw new Error(`the demo market has no clean trade of ${vendor.party ?? 'vendor1'}`);
                }
                return { ...targets.tradeTemplate, tradeNo, tradeDate: today };
            },
            close,
        };
    } catch (error) {
        await close();
        throw error;
    }
}

/** Trade numbers no earlier run used: `T-B<run>-<n>`. */
export function tradeNumbers(): (n: number) => string {
    const run = randomBytes(4).toString('hex').toUpperCase();
    return (n) => `T-B${run}-${n}`;
}
