import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STATE_DIR } from '../client/paths';
import { ensureBinaries } from './binaries';
import { exportBundle, importBundle, writeBundle, type Bundle } from './bundle';
import { defaultChaincodeDir, queryCommitted } from './chaincode';
import { deployAndServe } from './chaincode-servers';
import { joinOrderers, joinPeers } from './channel';
import { writeConnectionProfile } from './connection';
import { generateChannelBlock, generateHost } from './generate';
import { healthy, metric } from './health';
import { hostPart, ordererHost, orgHost, type HostPart } from './hosts';
import { bootstrapSecret, caClient, ensureIdentities } from './identities';
import { Layout } from './layout';
import { withLock } from './lock';
import { caProcess, ordererProcess, peerProcess } from './nodes';
import { startProcess, waitListening, type ProcessSpec } from './processes';
import { silentReporter, timed, waitFor, type Reporter } from './run';
import { queryThrough } from './status';
import {
    DEFAULT_TOPOLOGY,
    loadTopology,
    ordererName,
    ordererOperations,
    peerName,
    type PeerOrg,
    type Topology,
} from './topology';
import type { NetworkOptions } from './network';

export interface HostNetworkOptions extends NetworkOptions {
    /** The host this machine is: a name in the topology's `hosts`, or an address. */
    readonly host: string;
}

/** What one host cannot do yet, and which host must do what first. */
export interface HostStep {
    readonly host: string;
    readonly action: string;
}

/** One step per host: a host with several orgs does them in one run. */
const oncePerHost = (steps: readonly HostStep[]): HostStep[] =>
    steps.filter((step, i) => steps.findIndex((other) => other.host === step.host) === i);

/**
 * One machine's share of a network spread over several hosts (`network:up --host`): only its nodes, its keys, its
 * org admins' steps. What the other hosts need of it travels as a bundle file (`network:export`), read with
 * `--import`; nothing is shared but the topology file.
 */
export class HostNetwork {
    readonly topology: Topology;
    readonly layout: Layout;
    readonly host: HostPart;
    readonly #reporter: Reporter;
    readonly #chaincodeDir: string;

    constructor(options: HostNetworkOptions) {
        const topologyFile = path.resolve(options.topologyFile ?? (process.env.MPT_TOPOLOGY || DEFAULT_TOPOLOGY()));
        this.topology = loadTopology(topologyFile);
        this.host = hostPart(this.topology, options.host);
        this.layout = new Layout(path.resolve(options.stateDir ?? (process.env.MPT_STATE_DIR || DEFAULT_STATE_DIR())));
        this.#chaincodeDir = path.resolve(options.chaincodeDir ?? defaultChaincodeDir());
        this.#reporter = options.reporter ?? silentReporter;
    }

    /**
     * Reads the bundles `imports` names, then does every step this host can do now, in order: its crypto material,
     * CAs, orderer nodes and peers; on the orderer's host, once every org's certificates are here, the channel and
     * its orderers joined; on a peer org's host, once the orderer's bundle is here, its peers joined and the
     * chaincode installed and approved by its admin, and committed once a majority of the orgs has approved. Safe
     * to repeat. Returns what other hosts must do first for the rest (empty when this host is complete).
     */
    up(imports: readonly string[] = []): Promise<HostStep[]> {
        mkdirSync(this.layout.root, { recursive: true });
        return withLock(path.join(this.layout.root, 'supervisor.lock'), this.#reporter, () => this.#up(imports));
    }

    async #up(imports: readonly string[]): Promise<HostStep[]> {
        const report = this.#reporter;
        const { topology, layout, host } = this;
        await timed(report, 'Checking Fabric binaries', () => ensureBinaries(report));
        await timed(report, `Generating the crypto material of host ${host.name}`, async () => {
            if (!(await generateHost(layout, topology, host))) {
                report.detail('  already generated, keeping it');
            }
        });
        for (const file of imports) {
            const written = importBundle(layout, topology, host, file);
            report.detail(`  imported ${written.length} files from ${file}`);
        }
        await timed(report, `Starting the nodes of host ${host.name} on ${host.address}`, () => this.#startNodes());
        const waiting = this.#missingMaterial();
        if (waiting.length > 0) {
            return waiting;
        }
        if (host.ordererNodes.length > 0) {
            await timed(report, `Creating channel ${topology.channel} on the orderer nodes`, async () => {
                if (!existsSync(layout.channelBlock(topology))) {
                    await generateChannelBlock(layout, topology);
                }
                await joinOrderers(layout, topology, report);
            });
        }
        if (host.peerOrgs.length === 0) {
            return [];
        }
        await timed(report, `Joining the peers of ${host.name} to ${topology.channel}`, () =>
            joinPeers(layout, topology, host.peerOrgs),
        );
        const unapproved = await timed(report, 'Approving the chaincode (and committing it with a majority)', () =>
            deployAndServe(layout, topology, this.#chaincodeDir, report, host.peerOrgs),
        );
        const [own] = host.peerOrgs;
        const committed = own && (await queryCommitted(layout, topology, own));
        if (!committed) {
            return this.#approvalsNeeded(unapproved);
        }
        await timed(report, 'Waiting until the chaincode answers through this host', async () => {
            for (const org of host.peerOrgs) {
                await waitFor(`a query through ${peerName(org)} to answer`, () => queryThrough(layout, topology, org), {
                    timeoutMs: 90_000,
                    reporter: report,
                });
            }
        });
        if (topology.peerOrgs.length > 1) {
            // a write needs a second org's endorsement, which discovery offers only once gossip has met that org's
            // peer: right after the commit, the first write could otherwise find "no combination of peers"
            await timed(report, "Waiting until this host's peers meet another org's peer", async () => {
                for (const org of host.peerOrgs) {
                    await waitFor(
                        `${peerName(org)} to see another org's peer through gossip`,
                        () => knowsOtherPeers(topology, org),
                        {
                            timeoutMs: 90_000,
                            reporter: report,
                        },
                    );
                }
            });
        }
        return [];
    }

    /** The bundle of this host's public material (see bundle.ts), written to `file`. */
    export(file: string): Bundle {
        const bundle = exportBundle(this.layout, this.topology, this.host);
        writeBundle(file, bundle);
        return bundle;
    }

    async #startNodes(): Promise<void> {
        const { layout, topology, host } = this;
        await this.#start(host.peerOrgs.map((org) => caProcess(layout, org, bootstrapSecret(layout, org))));
        for (const org of host.peerOrgs) {
            const ca = caClient(layout, org);
            try {
                await waitFor(`the CA of ${org.name} to answer`, async () => (await ca.info()).CAName, {
                    timeoutMs: 30_000,
                    reporter: this.#reporter,
                });
            } finally {
                ca.close();
            }
            await ensureIdentities(layout, org);
        }
        await this.#start([
            ...host.ordererNodes.map((node) => ordererProcess(layout, topology, node)),
            ...host.peerOrgs.map((org) => peerProcess(layout, org)),
        ]);
        const operations = [
            ...host.ordererNodes.map((node) => ({
                name: ordererName(topology, node),
                address: ordererOperations(node),
            })),
            ...host.peerOrgs.map((org) => ({ name: peerName(org), address: `${org.host}:${org.operationsPort}` })),
        ];
        for (const node of operations) {
            await waitFor(
                `${node.name} to report healthy (see ${layout.log(node.name)})`,
                async () => ((await healthy(node.address)) ? true : undefined),
                { reporter: this.#reporter },
            );
        }
        writeConnectionProfile(layout, topology);
    }

    async #start(specs: ProcessSpec[]): Promise<void> {
        for (const spec of specs) {
            await startProcess(this.layout, spec);
        }
        for (const spec of specs) {
            await waitListening(this.layout, spec, this.#reporter);
        }
    }

    /** What this host still lacks from others before its channel steps: certificates, or the genesis block. */
    #missingMaterial(): HostStep[] {
        const { layout, topology, host } = this;
        if (host.ordererNodes.length > 0 && !existsSync(layout.channelBlock(topology))) {
            const lacking = topology.peerOrgs.filter(
                (org) => !existsSync(path.join(layout.peerOrgDir(org), 'msp', 'cacerts')),
            );
            return oncePerHost(
                lacking.map((org) => ({
                    host: orgHost(topology, org),
                    action: `network:up --host ${orgHost(topology, org)}, then network:export --host ${orgHost(topology, org)} --out <file>, and give the file to host ${host.name} (network:up --host ${host.name} --import <file>): the channel's genesis block needs ${org.mspId}'s certificates`,
                })),
            );
        }
        if (
            host.peerOrgs.length > 0 &&
            (!existsSync(layout.channelBlock(topology)) || !existsSync(layout.ordererTlsCa(topology)))
        ) {
            const orderer = ordererHost(topology);
            return [
                {
                    host: orderer,
                    action: `create channel ${topology.channel} (network:up --host ${orderer} with every host's bundle imported), then network:export --host ${orderer} --out <file>, and give the file to host ${host.name} (network:up --host ${host.name} --import <file>)`,
                },
            ];
        }
        return [];
    }

    #approvalsNeeded(unapproved: readonly PeerOrg[]): HostStep[] {
        const { topology } = this;
        return oncePerHost(
            unapproved.map((org) => ({
                host: orgHost(topology, org),
                action: `network:up --host ${orgHost(topology, org)} --import <the orderer host's bundle>: ${org.mspId}'s admin approves chaincode ${topology.chaincode.name}; the commit follows once a majority of the ${topology.peerOrgs.length} orgs has approved`,
            })),
        );
    }
}

async function knowsOtherPeers(topology: Topology, org: PeerOrg): Promise<true | undefined> {
    const known = await metric(`${org.host}:${org.operationsPort}`, 'gossip_membership_total_peers_known', {
        channel: topology.channel,
    });
    return (known ?? 0) > 0 ? true : undefined;
}
