import { binary, type Layout } from './layout';
import { metric } from './health';
import { adminEnv } from './nodes';
import { run, waitFor, type Reporter } from './run';
import {
    ordererName,
    ordererNodes,
    ordererOperations,
    type NumberedOrderer,
    type OrdererNode,
    type PeerOrg,
    type Topology,
} from './topology';

/** The orderer nodes that lead the channel now (Raft: one, or none while a majority is missing or electing). */
export async function channelLeaders(topology: Topology): Promise<NumberedOrderer[]> {
    const leading = await Promise.all(
        ordererNodes(topology).map(
            async (node) =>
                (await metric(ordererOperations(node), 'consensus_etcdraft_is_leader', {
                    channel: topology.channel,
                })) === 1,
        ),
    );
    return ordererNodes(topology).filter((_, i) => leading[i]);
}

/** Waits until one orderer node leads the channel; returns its process name. */
export function waitForLeader(topology: Topology, reporter?: Reporter, timeoutMs = 60_000): Promise<string> {
    return waitFor(
        `an orderer to lead channel ${topology.channel}`,
        async () => {
            const [leader] = await channelLeaders(topology);
            return leader && ordererName(topology, leader);
        },
        { reporter, timeoutMs },
    );
}

/**
 * Joins every orderer node (channel participation API, from the generated genesis block) and every peer to the
 * channel, skipping whoever has joined already, and waits until an orderer leads the channel: Raft elects one once
 * a majority of the nodes has joined. The nodes are listening on every port (FabricNetwork waits for that when it
 * starts them).
 */
export async function joinChannel(layout: Layout, topology: Topology, reporter: Reporter): Promise<void> {
    await joinOrderers(layout, topology, reporter);
    await joinPeers(layout, topology, topology.peerOrgs);
}

/** Joins every orderer node not in the channel yet, and waits until one leads it. */
export async function joinOrderers(layout: Layout, topology: Topology, reporter: Reporter): Promise<void> {
    const adminTls = layout.ordererAdminTls(topology);
    const osnadmin = (node: OrdererNode, args: string[]): Promise<string> =>
        run(binary('osnadmin'), [
            'channel',
            ...args,
            '-o',
            `${node.host}:${node.adminPort}`,
            '--ca-file',
            layout.ordererTlsCa(topology),
            '--client-cert',
            adminTls.cert,
            '--client-key',
            adminTls.key,
        ]);
    for (const node of topology.orderer.nodes) {
        const listed = await osnadmin(node, ['list']);
        if (!listed.includes(`"name": "${topology.channel}"`)) {
            await osnadmin(node, [
                'join',
                '--channelID',
                topology.channel,
                '--config-block',
                layout.channelBlock(topology),
            ]);
        }
    }
    await waitForLeader(topology, reporter);
}

/** Joins the peers of `orgs` not in the channel yet, from the genesis block (they catch up from the orderer). */
export async function joinPeers(layout: Layout, topology: Topology, orgs: readonly PeerOrg[]): Promise<void> {
    for (const org of orgs) {
        const env = adminEnv(layout, org);
        const channels = await run(binary('peer'), ['channel', 'list'], { env });
        if (!channels.split('\n').includes(topology.channel)) {
            await run(binary('peer'), ['channel', 'join', '-b', layout.channelBlock(topology)], { env });
        }
    }
}
