import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import type { Layout } from './layout';
import type { Reporter } from './run';
import { ordererAddress, ordererName, ordererNodes, type NumberedOrderer, type Topology } from './topology';

/** How long one orderer node may take to answer before the next one is asked. */
export const ORDERER_ANSWER_TIMEOUT_MS = 3000;

/**
 * Resolves once `node`'s gRPC server has answered an HTTP/2 session over TLS (its SETTINGS frame, so the process is
 * not only listening but serving) with a certificate of the orderer org's TLS CA; rejects with the reason otherwise.
 */
function answers(node: NumberedOrderer, ca: Buffer, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
        const session = connect(`https://${ordererAddress(node)}`, { ca });
        const timer = setTimeout(() => {
            session.destroy();
            reject(new Error(`no answer within ${timeoutMs / 1000}s`));
        }, timeoutMs);
        session.once('remoteSettings', () => {
            clearTimeout(timer);
            session.close();
            resolve();
        });
        session.once('error', (error: Error) => {
            clearTimeout(timer);
            session.destroy();
            reject(error);
        });
    });
}

/**
 * The first orderer node, in topology order, that answers now. Any node will do: a follower forwards a transaction to
 * the Raft leader, and every node serves the channel's blocks. Each node gets `timeoutMs`; when one is passed over,
 * the reporter says which and why, and which node is used instead.
 */
export async function liveOrderer(
    layout: Layout,
    topology: Topology,
    reporter: Reporter,
    timeoutMs = ORDERER_ANSWER_TIMEOUT_MS,
): Promise<NumberedOrderer> {
    const ca = readFileSync(layout.ordererTlsCa(topology));
    const passedOver: string[] = [];
    for (const node of ordererNodes(topology)) {
        const started = Date.now();
        try {
            await answers(node, ca, timeoutMs);
        } catch (error) {
            const waited = ((Date.now() - started) / 1000).toFixed(1);
            passedOver.push(
                `${ordererName(topology, node)} (${ordererAddress(node)}) did not answer: ${(error as Error).message} (${waited}s)`,
            );
            continue;
        }
        if (passedOver.length > 0) {
            reporter.detail(`  ordering through ${ordererName(topology, node)}: ${passedOver.join('; ')}`);
        }
        return node;
    }
    throw new Error(`no orderer node of ${topology.orderer.name} answers: ${passedOver.join('; ')}`);
}

/** The `peer` CLI's flags that reach the ordering service through a node that answers now ({@link liveOrderer}). */
export async function ordererArgs(layout: Layout, topology: Topology, reporter: Reporter): Promise<string[]> {
    const node = await liveOrderer(layout, topology, reporter);
    return ['-o', ordererAddress(node), '--tls', '--cafile', layout.ordererTlsCa(topology)];
}
