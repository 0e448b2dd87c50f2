import { existsSync } from 'node:fs';
import { connectAs, newPeerClient, orgConnection, REGISTRAR, Wallet } from '../client';
import { queryCommitted } from './chaincode';
import { connectionProfile } from './connection';
import { healthy, metric, metrics } from './health';
import { caClient } from './identities';
import type { Layout } from './layout';
import { caProcessName, chaincodeProcessName, networkProcessNames } from './nodes';
import { isRunning, residentMiB } from './processes';
import { ordererName, ordererNodes, ordererOperations, peerName, type PeerOrg, type Topology } from './topology';

export interface NodeStatus {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
    /** Resident memory of the node's process, when it runs. */
    readonly memoryMiB?: number | undefined;
}

export interface StatusReport {
    readonly ok: boolean;
    readonly nodes: readonly NodeStatus[];
}

/**
 * Every node of the network: healthy, in step (Raft leader, peers at one height, chaincode answering on every
 * peer) and its process running.
 */
export async function networkStatus(layout: Layout, topology: Topology): Promise<StatusReport> {
    if (!existsSync(layout.generatedMarker)) {
        return {
            ok: false,
            nodes: [{ name: 'network', ok: false, detail: `nothing in ${layout.root}: run network:up` }],
        };
    }
    const nodes: NodeStatus[] = [];
    for (const org of topology.peerOrgs) {
        nodes.push(await caStatus(layout, org));
    }
    nodes.push(
        ...(await ordererStatuses(topology)),
        ...(await peerStatuses(topology)),
        ...(await chaincodeStatus(layout, topology)),
    );
    const processes = networkProcessNames(topology);
    const checked = nodes.map((node) =>
        processes.includes(node.name) && !isRunning(layout, node.name)
            ? { name: node.name, ok: false, detail: 'process not running' }
            : node,
    );
    const withMemory = checked.map((node) => ({ ...node, memoryMiB: residentMiB(layout, node.name) }));
    return { ok: checked.every((node) => node.ok), nodes: withMemory };
}

/** A read through the org's gateway peer, signed by the org's registrar: proves peer, chaincode and identity work. */
export async function queryThrough(layout: Layout, topology: Topology, org: PeerOrg): Promise<string> {
    const profile = connectionProfile(layout, topology);
    const client = newPeerClient(orgConnection(profile, org.name));
    const gateway = connectAs(client, new Wallet(layout.usersDir(org)).get(REGISTRAR));
    try {
        const contract = gateway.getNetwork(profile.channel).getContract(profile.chaincode, 'IdentityContract');
        return Buffer.from(await contract.evaluateTransaction('WhoAmI')).toString('utf8');
    } finally {
        gateway.close();
        client.close();
    }
}

/**
 * How long a node seen behind the others gets before it is reported as catching up: a follower learns of the latest
 * commit at the next Raft heartbeat (every 100 ms, `generate.ts`), so right after a write it can trail for a moment.
 */
const CATCH_UP_GRACE_MS = 1000;

const IS_LEADER = 'consensus_etcdraft_is_leader';
const COMMITTED_BLOCK = 'consensus_etcdraft_committed_block_number';

/**
 * Each node's Raft metrics, and the highest block any has committed. When a node is below the highest, every node is
 * read again after {@link CATCH_UP_GRACE_MS}: a node counts as behind only if it still has not reached it.
 */
async function raftReadings(topology: Topology): Promise<{ readings: Map<string, number>[]; highest: number }> {
    const read = (): Promise<Map<string, number>[]> =>
        Promise.all(
            ordererNodes(topology).map((node) =>
                metrics(ordererOperations(node), [IS_LEADER, COMMITTED_BLOCK], { channel: topology.channel }),
            ),
        );
    const first = await read();
    const blocks = first.map((reading) => reading.get(COMMITTED_BLOCK));
    const highest = Math.max(0, ...blocks.map((block) => block ?? 0));
    if (blocks.every((block) => block === undefined || block >= highest)) return { readings: first, highest };
    await new Promise((resolve) => setTimeout(resolve, CATCH_UP_GRACE_MS));
    return { readings: await read(), highest };
}

/**
 * Every orderer node must be a member of the channel's Raft cluster (leader or follower) and have committed what the
 * others have, and one of them must lead: without a leader (a majority of the nodes down) nothing is ordered. A node
 * restarted moments ago is a member before it has caught up, and until it has the config blocks it missed it refuses
 * what they allow (a bank added meanwhile gets FORBIDDEN from it, and the Fabric Gateway service does not try another
 * node after that answer).
 */
export async function ordererStatuses(topology: Topology): Promise<NodeStatus[]> {
    const { channel } = topology;
    const nodes = ordererNodes(topology);
    const { readings, highest } = await raftReadings(topology);
    const leader = nodes.find((_, i) => readings[i]?.get(IS_LEADER) === 1);
    return Promise.all(
        nodes.map((node, i) => {
            const isLeader = readings[i]?.get(IS_LEADER);
            const block = readings[i]?.get(COMMITTED_BLOCK);
            const verdict = (): { ok: boolean; detail: string } => {
                if (isLeader === undefined) {
                    return {
                        ok: false,
                        detail: `not a member of channel ${channel}'s Raft cluster (no is_leader metric)`,
                    };
                }
                if (leader === undefined) {
                    return {
                        ok: false,
                        detail: `channel ${channel} has no Raft leader (a majority of the nodes is down?)`,
                    };
                }
                const role = isLeader === 1 ? 'raft leader' : `raft follower of ${ordererName(topology, leader)}`;
                return block === undefined || block < highest
                    ? {
                          ok: false,
                          detail: `${role}, catching up: committed block ${block ?? 'unknown'}, others ${highest}`,
                      }
                    : { ok: true, detail: role };
            };
            return nodeStatus(ordererName(topology, node), ordererOperations(node), verdict());
        }),
    );
}

/** Every peer must have the channel at the same height as the tallest. */
async function peerStatuses(topology: Topology): Promise<NodeStatus[]> {
    const { peerOrgs, channel } = topology;
    const heights = await Promise.all(
        peerOrgs.map((org) => metric(`${org.host}:${org.operationsPort}`, 'ledger_blockchain_height', { channel })),
    );
    const tallest = Math.max(0, ...heights.map((h) => h ?? 0));
    return Promise.all(
        peerOrgs.map((org, i) => {
            const height = heights[i];
            return nodeStatus(
                peerName(org),
                `${org.host}:${org.operationsPort}`,
                height === tallest && height > 0
                    ? { ok: true, detail: `height ${height}` }
                    : { ok: false, detail: `channel ${channel} at height ${height ?? 'none'}, others at ${tallest}` },
            );
        }),
    );
}

/** A node is healthy when its /healthz answers OK and `verdict` (what its metrics say) is ok. */
async function nodeStatus(
    name: string,
    operations: string,
    verdict: { ok: boolean; detail: string },
): Promise<NodeStatus> {
    if (!(await healthy(operations))) {
        return { name, ok: false, detail: `/healthz on ${operations} does not answer OK` };
    }
    return { name, ...verdict };
}

async function caStatus(layout: Layout, org: PeerOrg): Promise<NodeStatus> {
    const ca = caClient(layout, org);
    try {
        const info = await ca.info();
        return { name: caProcessName(org), ok: true, detail: `${info.CAName} ${info.Version}` };
    } catch (error) {
        return { name: caProcessName(org), ok: false, detail: `does not answer: ${(error as Error).message}` };
    } finally {
        ca.close();
    }
}

async function chaincodeStatus(layout: Layout, topology: Topology): Promise<NodeStatus[]> {
    const first = topology.peerOrgs[0];
    const committed = first ? await queryCommitted(layout, topology, first).catch(() => undefined) : undefined;
    if (!committed) {
        return [{ name: topology.chaincode.name, ok: false, detail: 'chaincode is not committed' }];
    }
    const statuses: NodeStatus[] = [];
    for (const org of topology.peerOrgs) {
        const name = chaincodeProcessName(topology, org);
        try {
            await queryThrough(layout, topology, org);
            statuses.push({
                name,
                ok: true,
                detail: `version ${committed.version} sequence ${committed.sequence} answers`,
            });
        } catch (error) {
            statuses.push({
                name,
                ok: false,
                detail: `query through ${peerName(org)} fails: ${(error as Error).message}`,
            });
        }
    }
    return statuses;
}
