import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { retryTransientRefusals } from './config-update-retry';
import { cryptoConfig, peerOrgDefinition } from './generate';
import { binary, type Layout } from './layout';
import { adminEnv } from './nodes';
import { ordererArgs } from './ordering';
import { run, waitFor, type Reporter } from './run';
import type { PeerOrg, Topology } from './topology';

/**
 * The new org's certificates and keys (its MSP, peer, admin and CA key), made by cryptogen as the first orgs' were,
 * in a staging directory moved into place at the end: a re-run after a crash either finds them whole or makes them.
 */
export async function generateOrgCrypto(layout: Layout, topology: Topology, org: PeerOrg): Promise<boolean> {
    if (existsSync(layout.peerOrgDir(org))) {
        return false;
    }
    const staging = path.join(layout.root, `.staging-${org.name}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const config = cryptoConfig({ ...topology, peerOrgs: [org] }) as { PeerOrgs: unknown[] };
    writeFileSync(path.join(staging, 'crypto-config.yaml'), stringify({ PeerOrgs: config.PeerOrgs }));
    await run(binary('cryptogen'), [
        'generate',
        `--config=${path.join(staging, 'crypto-config.yaml')}`,
        `--output=${path.join(staging, 'crypto')}`,
    ]);
    mkdirSync(path.dirname(layout.peerOrgDir(org)), { recursive: true });
    renameSync(path.join(staging, 'crypto', 'peerOrganizations', org.domain), layout.peerOrgDir(org));
    rmSync(staging, { recursive: true, force: true });
    return true;
}

type Json = Record<string, unknown>;

const configtxlator = (args: string[]): Promise<string> => run(binary('configtxlator'), args);

/**
 * A protobuf file decoded to JSON. Through a file: configtxlator writes to stdout by opening /dev/stdout, which
 * fails on the socket Node gives a child as its stdout.
 */
async function decode(input: string, type: string): Promise<unknown> {
    const output = `${input}.json`;
    await configtxlator(['proto_decode', '--input', input, '--type', type, '--output', output]);
    return JSON.parse(readFileSync(output, 'utf8')) as unknown;
}

/**
 * The channel's current config (a `common.Config` as JSON), fetched as `org`'s admin from the orderer node that
 * `ordering` (the `peer` CLI's orderer flags) names.
 */
async function fetchConfig(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    { dir, ordering }: { dir: string; ordering: readonly string[] },
): Promise<Json> {
    const block = path.join(dir, 'config_block.pb');
    await run(binary('peer'), ['channel', 'fetch', 'config', block, '-c', topology.channel, ...ordering], {
        env: adminEnv(layout, org),
    });
    const decoded = (await decode(block, 'common.Block')) as {
        data: { data: { payload: { data: { config: Json } } }[] };
    };
    const config = decoded.data.data[0]?.payload.data.config;
    if (!config) {
        throw new Error(`the config block of channel ${topology.channel} holds no config`);
    }
    return config;
}

function applicationOrgs(config: Json): Json {
    const groups = (config as { channel_group?: { groups?: { Application?: { groups?: Json } } } }).channel_group
        ?.groups?.Application?.groups;
    if (!groups) {
        throw new Error('the channel config has no Application group');
    }
    return groups;
}

/**
 * The org as a channel config group: MSP and policies from configtxgen -printOrg, plus its anchor peer, which
 * -printOrg leaves out (the first orgs have theirs from the genesis block): without it the other orgs' peers would
 * not find the new peer through gossip.
 */
async function orgGroup(layout: Layout, org: PeerOrg, dir: string): Promise<Json> {
    writeFileSync(path.join(dir, 'configtx.yaml'), stringify({ Organizations: [peerOrgDefinition(layout, org)] }));
    const group = JSON.parse(await run(binary('configtxgen'), ['-configPath', dir, '-printOrg', org.mspId])) as {
        values: Json;
    };
    group.values.AnchorPeers = {
        mod_policy: 'Admins',
        value: { anchor_peers: [{ host: org.host, port: org.peerPort }] },
        version: '0',
    };
    return group;
}

/** MAJORITY, as Fabric's implicit meta policy counts it: more than half. */
export const majority = (count: number): number => Math.floor(count / 2) + 1;

/**
 * The config update envelope that adds the org to `original` (a `common.Config` as JSON), computed with
 * configtxlator, as a file in `dir`.
 */
async function updateEnvelope(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    original: Json,
    dir: string,
): Promise<string> {
    const updated = structuredClone(original);
    applicationOrgs(updated)[org.mspId] = await orgGroup(layout, org, dir);
    const file = (name: string): string => path.join(dir, name);
    writeFileSync(file('original.json'), JSON.stringify(original));
    writeFileSync(file('updated.json'), JSON.stringify(updated));
    for (const name of ['original', 'updated']) {
        await configtxlator([
            'proto_encode',
            '--input',
            file(`${name}.json`),
            '--type',
            'common.Config',
            '--output',
            file(`${name}.pb`),
        ]);
    }
    await configtxlator([
        'compute_update',
        '--channel_id',
        topology.channel,
        '--original',
        file('original.pb'),
        '--updated',
        file('updated.pb'),
        '--output',
        file('update.pb'),
    ]);
    const update = await decode(file('update.pb'), 'common.ConfigUpdate');
    const envelope = {
        payload: {
            header: { channel_header: { channel_id: topology.channel, type: 2 } },
            data: { config_update: update },
        },
    };
    writeFileSync(file('envelope.json'), JSON.stringify(envelope));
    await configtxlator([
        'proto_encode',
        '--input',
        file('envelope.json'),
        '--type',
        'common.Envelope',
        '--output',
        file('envelope.pb'),
    ]);
    return file('envelope.pb');
}

/**
 * One try at the update, from the config on: picks the orderer node, fetches the config as `first`'s admin (done when
 * it names the org already), computes the update, has it signed by the admins of a majority of the member orgs (the channel's Admins
 * policy is MAJORITY) and submits it. Returns the orgs that signed and the orderer flags used.
 */
async function tryAddOrg(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    { dir, first, reporter }: { dir: string; first: PeerOrg; reporter: Reporter },
): Promise<{ signers: PeerOrg[]; ordering: string[] }> {
    const members = topology.peerOrgs;
    const ordering = await ordererArgs(layout, topology, reporter);
    const original = await fetchConfig(layout, topology, first, { dir, ordering });
    if (org.mspId in applicationOrgs(original)) {
        reporter.detail(`  channel ${topology.channel} already has ${org.mspId}`);
        return { signers: [], ordering };
    }
    const envelope = await updateEnvelope(layout, topology, org, original, dir);
    const signers = members.slice(0, majority(members.length));
    for (const signer of signers.slice(0, -1)) {
        reporter.detail(`  signed by the admin of ${signer.mspId}`);
        await run(binary('peer'), ['channel', 'signconfigtx', '-f', envelope], { env: adminEnv(layout, signer) });
    }
    const submitter = signers[signers.length - 1] ?? first;
    reporter.detail(`  signed and submitted by the admin of ${submitter.mspId}`);
    await run(binary('peer'), ['channel', 'update', '-f', envelope, '-c', topology.channel, ...ordering], {
        env: adminEnv(layout, submitter),
    });
    return { signers, ordering };
}

/**
 * Adds the org (MSP and anchor peer) to the channel's Application group (see {@link tryAddOrg}), then waits until the
 * channel's config names it. Does nothing when the channel already has the org. An update the orderer refuses for a
 * passing reason — a config fetched from a node still catching up, or no Raft leader during an election — is tried
 * again from a fresh config, a few times ({@link retryTransientRefusals}); any other refusal fails at once. Returns
 * the orgs that signed.
 */
export async function addOrgToChannel(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    reporter: Reporter,
): Promise<PeerOrg[]> {
    const first = topology.peerOrgs[0];
    if (!first) {
        throw new Error('the topology has no peer organisations');
    }
    const dir = path.join(layout.root, `.config-update-${org.name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
        const { signers, ordering } = await retryTransientRefusals(
            () => tryAddOrg(layout, topology, org, { dir, first, reporter }),
            'the config is fetched again from the first orderer node that answers and the update computed, signed and submitted anew',
            reporter,
        );
        if (signers.length === 0) {
            return signers;
        }
        await waitFor(
            `channel ${topology.channel}'s config to name ${org.mspId}`,
            async () =>
                org.mspId in applicationOrgs(await fetchConfig(layout, topology, first, { dir, ordering }))
                    ? true
                    : undefined,
            { timeoutMs: 60_000, intervalMs: 500, reporter },
        );
        return signers;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
