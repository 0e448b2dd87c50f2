import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { HostPart } from './hosts';
import { binary, Layout, sampleConfigDir } from './layout';
import { run } from './run';
import { ordererAddress, ordererHostname, ordererNodes, type PeerOrg, type Topology } from './topology';

const hosts = (host: string): string[] => [...new Set(['localhost', '127.0.0.1', host])];

/** cryptogen's input: every orderer node and one peer per org, TLS names for every host; people come from the CAs. */
export function cryptoConfig(topology: Topology): unknown {
    const { orderer } = topology;
    return {
        OrdererOrgs: [
            {
                Name: orderer.name,
                Domain: orderer.domain,
                EnableNodeOUs: true,
                Specs: ordererNodes(topology).map((node) => ({
                    Hostname: ordererHostname(node),
                    SANS: hosts(node.host),
                })),
            },
        ],
        PeerOrgs: topology.peerOrgs.map((org) => ({
            Name: org.name,
            Domain: org.domain,
            EnableNodeOUs: true,
            Template: { Count: 1, SANS: hosts(org.host) },
            Users: { Count: 0 },
        })),
    };
}

const signature = (rule: string): { Type: string; Rule: string } => ({ Type: 'Signature', Rule: rule });
const implicit = (rule: string): { Type: string; Rule: string } => ({ Type: 'ImplicitMeta', Rule: rule });

/** An application org as configtxgen reads it: its MSP, policies and anchor peer. */
export function peerOrgDefinition(layout: Layout, org: PeerOrg): unknown {
    const msp = org.mspId;
    return {
        Name: msp,
        ID: msp,
        MSPDir: path.join(layout.peerOrgDir(org), 'msp'),
        Policies: {
            Readers: signature(`OR('${msp}.admin', '${msp}.peer', '${msp}.client')`),
            Writers: signature(`OR('${msp}.admin', '${msp}.client')`),
            Admins: signature(`OR('${msp}.admin')`),
            Endorsement: signature(`OR('${msp}.peer')`),
        },
        AnchorPeers: [{ Host: org.host, Port: org.peerPort }],
    };
}

/** configtxgen's input: the channel profile with its orgs, anchor peers, Raft orderer and policies. */
export function configtx(layout: Layout, topology: Topology): unknown {
    const { orderer } = topology;
    const ordererOrg = {
        Name: orderer.name,
        ID: orderer.mspId,
        MSPDir: path.join(layout.ordererOrgDir(topology), 'msp'),
        Policies: {
            Readers: signature(`OR('${orderer.mspId}.member')`),
            Writers: signature(`OR('${orderer.mspId}.member')`),
            Admins: signature(`OR('${orderer.mspId}.admin')`),
        },
        // peers and clients deliver from / broadcast to any of these, so a node down is routed around
        OrdererEndpoints: orderer.nodes.map(ordererAddress),
    };
    return {
        Profiles: {
            TradeChannel: {
                Policies: {
                    Readers: implicit('ANY Readers'),
                    Writers: implicit('ANY Writers'),
                    Admins: implicit('MAJORITY Admins'),
                },
                Capabilities: { V2_0: true },
                Orderer: {
                    OrdererType: 'etcdraft',
                    BatchTimeout: orderer.batchTimeout,
                    BatchSize: {
                        MaxMessageCount: orderer.maxMessageCount,
                        AbsoluteMaxBytes: '99 MB',
                        PreferredMaxBytes: '2 MB',
                    },
                    EtcdRaft: {
                        Consenters: ordererNodes(topology).map((node) => {
                            const serverCert = path.join(layout.ordererNodeDir(topology, node), 'tls', 'server.crt');
                            return {
                                Host: node.host,
                                Port: node.port,
                                ClientTLSCert: serverCert,
                                ServerTLSCert: serverCert,
                            };
                        }),
                        // A 100 ms tick: the followers of a leader that dies elect a new one in about a second.
                        Options: {
                            TickInterval: '100ms',
                            ElectionTick: 10,
                            HeartbeatTick: 1,
                            MaxInflightBlocks: 5,
                            SnapshotIntervalSize: '16 MB',
                        },
                    },
                    Organizations: [ordererOrg],
                    Policies: {
                        Readers: implicit('ANY Readers'),
                        Writers: implicit('ANY Writers'),
                        Admins: implicit('MAJORITY Admins'),
                        BlockValidation: implicit('ANY Writers'),
                    },
                    Capabilities: { V2_0: true },
                },
                Application: {
                    Organizations: topology.peerOrgs.map((org) => peerOrgDefinition(layout, org)),
                    Policies: {
                        Readers: implicit('ANY Readers'),
                        Writers: implicit('ANY Writers'),
                        Admins: implicit('MAJORITY Admins'),
                        LifecycleEndorsement: implicit('MAJORITY Endorsement'),
                        Endorsement: implicit('MAJORITY Endorsement'),
                    },
                    Capabilities: { V2_5: true },
                },
            },
        },
    };
}

/** The sample core.yaml with the Docker endpoint blanked: with it set, a peer without Docker never reports healthy. */
export function patchCoreYaml(core: string): string {
    const patched = core.replace(/^(\s*)endpoint: unix:\/\/\/var\/run\/docker\.sock\s*$/m, '$1endpoint: ""');
    if (patched === core) {
        throw new Error('cannot find vm.endpoint in the sample core.yaml; the Fabric version may have changed');
    }
    return patched;
}

/** What the generated crypto and channel config depend on: everything but the demo users (enrolled later). */
export const topologyHash = (topology: Topology): string =>
    createHash('sha256')
        .update(JSON.stringify({ ...topology, peerOrgs: topology.peerOrgs.map((org) => ({ ...org, users: [] })) }))
        .digest('hex');

/**
 * Generates crypto material, channel genesis block and node config, once per state directory. Work happens
 * in a temporary directory renamed into place at the end, so a crash halfway leaves nothing half-made.
 */
export async function generate(layout: Layout, topology: Topology): Promise<boolean> {
    if (existsSync(layout.generatedMarker)) {
        const marker = JSON.parse(readFileSync(layout.generatedMarker, 'utf8')) as { topology: string };
        if (marker.topology !== topologyHash(topology)) {
            throw new Error(
                `the network in ${layout.root} was generated from a different topology; ` +
                    'run network:reset to start again from the current one',
            );
        }
        return false;
    }
    mkdirSync(layout.root, { recursive: true });
    const staging = new Layout(path.join(layout.root, '.staging'));
    rmSync(staging.root, { recursive: true, force: true });
    mkdirSync(staging.config, { recursive: true });
    mkdirSync(staging.artifacts, { recursive: true });

    writeFileSync(path.join(staging.config, 'crypto-config.yaml'), stringify(cryptoConfig(topology)));
    await run(binary('cryptogen'), [
        'generate',
        `--config=${path.join(staging.config, 'crypto-config.yaml')}`,
        `--output=${staging.crypto}`,
    ]);
    // configtx.yaml names final paths; cryptogen output sits in staging until the rename below.
    writeFileSync(path.join(staging.config, 'configtx.yaml'), stringify(configtx(staging, topology)));
    await run(binary('configtxgen'), [
        '-configPath',
        staging.config,
        '-profile',
        'TradeChannel',
        '-channelID',
        topology.channel,
        '-outputBlock',
        staging.channelBlock(topology),
    ]);
    writeFileSync(path.join(staging.config, 'configtx.yaml'), stringify(configtx(layout, topology)));
    writeNodeConfig(staging.config);
    for (const dir of ['config', 'crypto', 'artifacts'] as const) {
        rmSync(layout[dir], { recursive: true, force: true });
        renameSync(staging[dir], layout[dir]);
    }
    rmSync(staging.root, { recursive: true, force: true });
    writeFileSync(layout.generatedMarker, JSON.stringify({ topology: topologyHash(topology) }));
    return true;
}

/** The node configuration every host writes for itself: the sample core.yaml (patched) and orderer.yaml. */
function writeNodeConfig(config: string): void {
    writeFileSync(
        path.join(config, 'core.yaml'),
        patchCoreYaml(readFileSync(path.join(sampleConfigDir(), 'core.yaml'), 'utf8')),
    );
    writeFileSync(
        path.join(config, 'orderer.yaml'),
        readFileSync(path.join(sampleConfigDir(), 'orderer.yaml'), 'utf8'),
    );
}

/**
 * One host's part of a network spread over several: the crypto material of the orgs it runs (their private keys
 * stay here) and its node config, once per state directory. The channel's genesis block needs every org's
 * certificates, so the orderer's host makes it later ({@link generateChannelBlock}).
 */
export async function generateHost(layout: Layout, topology: Topology, host: HostPart): Promise<boolean> {
    const marker = { topology: topologyHash(topology), host: host.name };
    if (existsSync(layout.generatedMarker)) {
        const existing = JSON.parse(readFileSync(layout.generatedMarker, 'utf8')) as {
            topology: string;
            host?: string;
        };
        if (existing.topology !== marker.topology || existing.host !== marker.host) {
            throw new Error(
                `the state in ${layout.root} was generated for ${existing.host ? `host ${existing.host}` : 'one machine'} ` +
                    'or from another topology; use another --state-dir, or network:reset it first',
            );
        }
        return false;
    }
    mkdirSync(layout.root, { recursive: true });
    const staging = new Layout(path.join(layout.root, '.staging'));
    rmSync(staging.root, { recursive: true, force: true });
    mkdirSync(staging.config, { recursive: true });
    mkdirSync(staging.crypto, { recursive: true });
    const all = cryptoConfig({ ...topology, peerOrgs: [...host.peerOrgs] }) as {
        OrdererOrgs: unknown[];
        PeerOrgs: unknown[];
    };
    const own = { ...(host.ordererNodes.length > 0 ? { OrdererOrgs: all.OrdererOrgs } : {}), PeerOrgs: all.PeerOrgs };
    writeFileSync(path.join(staging.config, 'crypto-config.yaml'), stringify(own));
    await run(binary('cryptogen'), [
        'generate',
        `--config=${path.join(staging.config, 'crypto-config.yaml')}`,
        `--output=${staging.crypto}`,
    ]);
    writeNodeConfig(staging.config);
    for (const dir of ['config', 'crypto'] as const) {
        rmSync(layout[dir], { recursive: true, force: true });
        renameSync(staging[dir], layout[dir]);
    }
    mkdirSync(layout.artifacts, { recursive: true });
    rmSync(staging.root, { recursive: true, force: true });
    writeFileSync(layout.generatedMarker, JSON.stringify(marker));
    return true;
}

/** The channel's genesis block, made on the orderer's host from every org's (own or imported) certificates. */
export async function generateChannelBlock(layout: Layout, topology: Topology): Promise<void> {
    writeFileSync(path.join(layout.config, 'configtx.yaml'), stringify(configtx(layout, topology)));
    const staging = `${layout.channelBlock(topology)}.staging`;
    await run(binary('configtxgen'), [
        '-configPath',
        layout.config,
        '-profile',
        'TradeChannel',
        '-channelID',
        topology.channel,
        '-outputBlock',
        staging,
    ]);
    renameSync(staging, layout.channelBlock(topology));
}
