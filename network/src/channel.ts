import { binary, type Layout } from './layout';
import { metric } from './health';
import { adminEnv } from './nodes';
import { run, waitFor, type Reporter } from './run';
import type { Topology } from './topology';

/**
 * Joins the orderer (channel participation API, from the generated genesis block) and every peer to the
 * channel, skipping whoever has joined already, and waits until the orderer leads the channel. The nodes are
 * listening on every port (FabricNetwork waits for that when it starts them).
 */
export async function joinChannel(layout: Layout, topology: Topology, reporter: Reporter): Promise<void> {
    const { orderer } = topology;
    const adminTls = layout.ordererAdminTls(topology);
    const osnadmin = (args: string[]): Promise<string> =>
        run(binary('osnadmin'), [
            'channel',
            ...args,
            '-o',
            `${orderer.host}:${orderer.adminPort}`,
            '--ca-file',
            layout.ordererTlsCa(topology),
            '--client-cert',
            adminTls.cert,
            '--client-key',
            adminTls.key,
        ]);
    const listed = await osnadmin(['list']);
    if (!listed.includes(`"name": "${topology.channel}"`)) {
        await osnadmin(['join', '--channelID', topology.channel, '--config-block', layout.channelBlock(topology)]);
    }
    const ops = `${orderer.host}:${orderer.operationsPort}`;
    await waitFor(
        `the orderer to lead channel ${topology.channel}`,
        async () =>
            (await metric(ops, 'consensus_etcdraft_is_leader', { channel: topology.channel })) === 1 ? true : undefined,
        { reporter },
    );
    for (const org of topology.peerOrgs) {
        const env = adminEnv(layout, org);
        const channels = await run(binary('peer'), ['channel', 'list'], { env });
        if (!channels.split('\n').includes(topology.channel)) {
            await run(binary('peer'), ['channel', 'join', '-b', layout.channelBlock(topology)], { env });
        }
    }
}
