import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ordererStatuses } from '../../../network/src/status';
import { DEFAULT_TOPOLOGY, loadTopology, type Topology } from '../../../network/src/topology';

/** An orderer node's operations endpoint as status reads it: /healthz, and the two Raft metrics of the channel. */
interface FakeNode {
    leader: boolean;
    /** The committed block it reports; `later` from `afterMs` after the case began. */
    committed: number;
    later?: { block: number; afterMs: number } | undefined;
    since: number;
    reads: number;
}

const nodes: FakeNode[] = [];
const servers: Server[] = [];
let topology: Topology;

beforeAll(async () => {
    const base = loadTopology(DEFAULT_TOPOLOGY());
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
        const node: FakeNode = { leader: false, committed: 0, since: 0, reads: 0 };
        const server = createServer((req, res) => {
            if (req.url === '/healthz') {
                res.end('{"status":"OK"}');
                return;
            }
            node.reads++;
            const { later } = node;
            const block = later && Date.now() - node.since >= later.afterMs ? later.block : node.committed;
            const channel = `channel="${base.channel}"`;
            res.end(
                [
                    `consensus_etcdraft_is_leader{${channel}} ${node.leader ? 1 : 0}`,
                    `consensus_etcdraft_committed_block_number{${channel}} ${block}`,
                    '',
                ].join('\n'),
            );
        });
        await new Promise<void>((resolve) => {
            server.listen(0, '127.0.0.1', resolve);
        });
        nodes.push(node);
        servers.push(server);
        ports.push((server.address() as AddressInfo).port);
    }
    topology = {
        ...base,
        orderer: {
            ...base.orderer,
            nodes: ports.map((operationsPort, i) => ({
                host: '127.0.0.1',
                port: 7050 + i,
                adminPort: 7053 + i,
                operationsPort,
            })),
        },
    };
});

afterAll(async () => {
    await Promise.all(
        servers.map(
            (server) =>
                new Promise<void>((resolve) => {
                    server.close(() => {
                        resolve();
                    });
                }),
        ),
    );
});

/** Node 1 leads; each node reports its block, node 2 `later` if given. */
function given(committed: number[], later?: FakeNode['later']): void {
    nodes.forEach((node, i) => {
        node.leader = i === 1;
        node.committed = committed[i] ?? 0;
        node.later = i === 2 ? later : undefined;
        node.since = Date.now();
        node.reads = 0;
    });
}

const verdicts = async (): Promise<{ ok: boolean; detail: string }[]> =>
    (await ordererStatuses(topology)).map(({ ok, detail }) => ({ ok, detail }));

describe('network:status on the ordering service', () => {
    it('calls every node in step when each has committed the same block', async () => {
        given([7, 7, 7]);

        expect(await verdicts()).toEqual([
            { ok: true, detail: 'raft follower of orderer1.trade.test' },
            { ok: true, detail: 'raft leader' },
            { ok: true, detail: 'raft follower of orderer1.trade.test' },
        ]);
    });

    it('reports a node still behind the others after the grace as catching up, though it is a Raft member', async () => {
        given([5, 7, 7]);

        expect(await verdicts()).toEqual([
            { ok: false, detail: 'raft follower of orderer1.trade.test, catching up: committed block 5, others 7' },
            { ok: true, detail: 'raft leader' },
            { ok: true, detail: 'raft follower of orderer1.trade.test' },
        ]);
        // once before the grace, once after
        expect(nodes[0]?.reads).toBe(2);
    });

    it('lets a follower that was one heartbeat behind reach the others before calling it behind', async () => {
        given([8, 8, 7], { block: 8, afterMs: 300 });

        expect((await verdicts()).map((verdict) => verdict.ok)).toEqual([true, true, true]);
    });
});
