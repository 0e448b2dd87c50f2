import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import { bootstrap } from '../../gateway/src/cli/bootstrap';
import { GatewayClient } from '../../gateway/src/client';
import { loadConfig } from '../../gateway/src/config';
import { newLogger } from '../../gateway/src/ops/logger';
import { startGateway } from '../../gateway/src/server';
import {
    connectAs,
    defaultConnectionProfileFile,
    newPeerClient,
    orgConnection,
    readConnectionProfile,
    Wallet,
} from '../../network/client';

/**
 * Throughput and latency of the gateway (HTTP, API key, validation, idempotency journal) against raw Fabric
 * (the same transactions through @hyperledger/fabric-gateway, signed by the same user), in one run on the
 * same network. Scale with BENCH_SCALE (default 1).
 */
const scale = Number(process.env.BENCH_SCALE ?? '1');

interface Scenario {
    readonly name: string;
    readonly total: number;
    readonly inFlight: number;
    readonly kind: 'write' | 'read';
}

const scenarios: Scenario[] = [
    { name: 'anchor a document, 1 in flight', total: 20 * scale, inFlight: 1, kind: 'write' },
    { name: 'anchor a document, 50 in flight', total: 200 * scale, inFlight: 50, kind: 'write' },
    { name: 'verify a document, 1 in flight', total: 200 * scale, inFlight: 1, kind: 'read' },
    { name: 'verify a document, 50 in flight', total: 1000 * scale, inFlight: 50, kind: 'read' },
];

interface Result {
    readonly perSecond: number;
    readonly p50: number;
    readonly p99: number;
    readonly errors: number;
}

const hash = (): string => randomBytes(32).toString('hex');

/** Runs `op` `total` times with at most `inFlight` at once; latencies in ms. */
async function measure(total: number, inFlight: number, op: (i: number) => Promise<void>): Promise<Result> {
    const latencies: number[] = [];
    let next = 0;
    let errors = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
        while (next < total) {
            const i = next++;
            const t = performance.now();
            try {
                await op(i);
                latencies.push(performance.now() - t);
            } catch {
                errors += 1;
            }
        }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number): number =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

function rawOps(contract: Contract, anchored: string[]): Record<Scenario['kind'], (i: number) => Promise<void>> {
    return {
        write: async (): Promise<void> => {
            await contract.submitTransaction('RegisterDocument', hash(), 'INVOICE');
        },
        read: async (i: number): Promise<void> => {
            await contract.evaluateTransaction('GetDocument', anchored[i % anchored.length] ?? '');
        },
    };
}

/** The same transactions through the gateway's client; an error answer throws and counts as an error. */
function gatewayOps(
    gateway: GatewayClient,
    anchored: string[],
): Record<Scenario['kind'], (i: number) => Promise<void>> {
    return {
        write: async (): Promise<void> => {
            await gateway.call('registerDocument', {
                body: { sha256: hash(), kind: 'INVOICE' },
                idempotencyKey: hash(),
            });
        },
        read: async (i: number): Promise<void> => {
            await gateway.call('verifyDocument', { params: { sha256: anchored[i % anchored.length] ?? '' } });
        },
    };
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main(): Promise<void> {
    // `npm run bench` has brought the network up (network/src/cli.js up) before this runs
    const connection = defaultConnectionProfileFile();
    const profile = readConnectionProfile(connection);
    const market = orgConnection(profile, 'MarketOrg');
    const vendor = new Wallet(market.walletDir).get('vendor1');
    const client = newPeerClient(market);
    const fabric = connectAs(client, vendor);
    const contract = fabric.getNetwork(profile.channel).getContract(profile.chaincode, 'DocumentContract');

    const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-bench-'));
    const apiKey = bootstrap({ connectionProfile: connection, dataDir }).find(
        (k) => k.org === 'MarketOrg' && k.username === 'vendor1',
    )?.apiKey;
    if (apiKey === undefined) {
        throw new Error('no API key for vendor1');
    }
    const gateway = await startGateway(
        loadConfig({
            MPT_GATEWAY_PORT: '0',
            MPT_CONNECTION_PROFILE: connection,
            MPT_GATEWAY_DATA_DIR: dataDir,
            MPT_LOG_LEVEL: 'silent',
            MPT_RATE_LIMIT_PER_SECOND: '100000',
            MPT_RATE_LIMIT_BURST: '100000',
            MPT_IP_RATE_LIMIT_PER_SECOND: '100000',
        }),
        newLogger('silent'),
    );

    try {
        const anchored: string[] = [];
        for (let i = 0; i < 20; i += 1) {
            const sha = hash();
            await contract.submitTransaction('RegisterDocument', sha, 'INVOICE');
            anchored.push(sha);
        }
        const raw = rawOps(contract, anchored);
        const viaGateway = gatewayOps(new GatewayClient({ baseUrl: gateway.url, apiKey }), anchored);
        const rows: string[] = [];
        for (const scenario of scenarios) {
            process.stdout.write(`${scenario.name} (${scenario.total} calls) ...\n`);
            const r = await measure(scenario.total, scenario.inFlight, raw[scenario.kind]);
            const g = await measure(scenario.total, scenario.inFlight, viaGateway[scenario.kind]);
            rows.push(
                `| ${scenario.name} | ${fmt(r.perSecond, 1)} | ${fmt(g.perSecond, 1)} | ${fmt(g.perSecond / r.perSecond, 2)} | ` +
                    `${fmt(r.p50)} / ${fmt(r.p99)} | ${fmt(g.p50)} / ${fmt(g.p99)} | ${r.errors} / ${g.errors} |`,
            );
        }
        process.stdout.write(
            [
                '',
                '| scenario | raw Fabric ops/s | gateway ops/s | gateway ÷ raw | raw p50 / p99 ms | gateway p50 / p99 ms | errors raw / gateway |',
                '|---|---|---|---|---|---|---|',
                ...rows,
                '',
                'raw Fabric = the same chaincode transaction through @hyperledger/fabric-gateway, signed by the same user;',
                'gateway = HTTP + API key + validation + idempotency journal + the same call.',
                '',
            ].join('\n'),
        );
    } finally {
        await gateway.close();
        fabric.close();
        client.close();
        rmSync(dataDir, { recursive: true, force: true });
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
