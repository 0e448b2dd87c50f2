import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Contract, Network } from '@hyperledger/fabric-gateway';
import { connectAs, newPeerClient, orgConnection, repoRoot, type StoredIdentity } from '../../network/client';
import type { FabricNetwork } from '../../network/src/network';

export const uniqueId = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;

const ID_PREFIXES = {
    cluster: 'YW',
    vendor: 'V',
    vendor2: 'V2',
    agent: 'A',
    buyer: 'B',
    producer: 'P',
    consolidator: 'C',
    broker: 'K',
    bank: 'BK',
    bank2: 'BK2',
} as const;

export type RunIds = { readonly [K in keyof typeof ID_PREFIXES]: string };

/** The cluster and party IDs of one run's market (`run` from {@link uniqueId}): new per run, as the ledger outlives it. */
export function runIds(run: string): RunIds {
    return Object.fromEntries(Object.entries(ID_PREFIXES).map(([key, prefix]) => [key, `${prefix}-${run}`])) as RunIds;
}

export const sha256Hex = (): string => randomBytes(32).toString('hex');

/** Runs `fn` with the channel as seen through `org`'s peer, every call signed as `identity`. */
export async function onChannelAs<T>(
    network: FabricNetwork,
    org: string,
    identity: StoredIdentity,
    fn: (channel: Network) => Promise<T>,
): Promise<T> {
    const profile = network.connectionProfile();
    const client = newPeerClient(orgConnection(profile, org));
    const gateway = connectAs(client, identity);
    try {
        return await fn(gateway.getNetwork(profile.channel));
    } catch (error) {
        throw withPeerDetails(error);
    } finally {
        gateway.close();
        client.close();
    }
}

/** Fabric puts the chaincode's own message in per-peer details; bring them into the error message. */
function withPeerDetails(error: unknown): unknown {
    const details = (error as { details?: { mspId: string; message: string }[] }).details;
    if (error instanceof Error && details && details.length > 0) {
        error.message += details.map((detail) => `\n  ${detail.mspId}: ${detail.message}`).join('');
    }
    return error;
}

/** Runs `fn` with one contract of the network's chaincode, signed as `identity`. */
export function asIdentity<T>(
    network: FabricNetwork,
    org: string,
    identity: StoredIdentity,
    contractName: string,
    fn: (contract: Contract) => Promise<T>,
): Promise<T> {
    const { chaincode } = network.connectionProfile();
    return onChannelAs(network, org, identity, (channel) => fn(channel.getContract(chaincode, contractName)));
}

/** Runs `fn` as a demo user from the org's wallet. */
export function asUser<T>(
    network: FabricNetwork,
    org: string,
    user: string,
    contractName: string,
    fn: (contract: Contract) => Promise<T>,
): Promise<T> {
    return asIdentity(network, org, network.wallet(org).get(user), contractName, fn);
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
/** Parses a chaincode answer into the shape the test expects; the assertions then check it. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed parse, on purpose
export const json = <T>(bytes: Uint8Array): T => JSON.parse(text(bytes)) as T;

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs the compiled supervisor CLI, as `npm run network:*` would. */
export function networkCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const cli = path.join(repoRoot(), 'dist', 'network', 'src', 'cli.js');
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [cli, ...args],
            { env: { ...process.env, ...env }, timeout: 300_000 },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
                resolve({ code, stdout, stderr });
            },
        );
    });
}
