import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Layout } from '../../../network/src/layout';
import { liveOrderer, ordererArgs } from '../../../network/src/ordering';
import type { Reporter } from '../../../network/src/run';
import { DEFAULT_TOPOLOGY, loadTopology, type Topology } from '../../../network/src/topology';

const dir = mkdtempSync(path.join(tmpdir(), 'mpt-ordering-'));
const layout = new Layout(path.join(dir, 'state'));

/** A self-signed certificate for 127.0.0.1, made by the system's openssl (Node cannot make certificates). */
function selfSigned(name: string): { key: string; cert: string } {
    const at = (file: string): string => path.join(dir, `${name}.${file}`);
    execFileSync(
        'openssl',
        [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:P-256',
            '-nodes',
            '-keyout',
            at('key'),
            '-out',
            at('pem'),
            '-days',
            '2',
            '-subj',
            `/CN=${name}`,
            '-addext',
            'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'pipe' },
    );
    return { key: readFileSync(at('key'), 'utf8'), cert: readFileSync(at('pem'), 'utf8') };
}

const listen = async (server: Server | Http2SecureServer): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
};
const close = (server: Server | Http2SecureServer): Promise<unknown> => new Promise((resolve) => server.close(resolve));

/** An orderer node's gRPC server as far as the probe sees it: HTTP/2 over TLS, with the org's TLS certificate. */
const orgTls = selfSigned('orderer.trade.test');
const serving = createSecureServer(orgTls);
/** A server whose certificate is not from the org's TLS CA. */
const impostor = createSecureServer(selfSigned('impostor.test'));
/** Accepts connections and never answers (a hung process). */
const sockets: Socket[] = [];
const silent = createServer((socket) => sockets.push(socket));
const ports = { serving: 0, impostor: 0, silent: 0, refused: 0 };

beforeAll(async () => {
    ports.serving = await listen(serving);
    ports.impostor = await listen(impostor);
    ports.silent = await listen(silent);
    const closed = createServer();
    ports.refused = await listen(closed);
    await close(closed);
    const topology = loadTopology(DEFAULT_TOPOLOGY());
    mkdirSync(path.dirname(layout.ordererTlsCa(topology)), { recursive: true });
    writeFileSync(layout.ordererTlsCa(topology), orgTls.cert);
});

afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([close(serving), close(impostor), close(silent)]);
    rmSync(dir, { recursive: true, force: true });
});

/** The default topology with orderer nodes on the given ports, in this order. */
function withOrderers(...nodePorts: number[]): Topology {
    const topology = loadTopology(DEFAULT_TOPOLOGY());
    return {
        ...topology,
        orderer: {
            ...topology.orderer,
            nodes: nodePorts.map((port, i) => ({
                host: '127.0.0.1',
                port,
                adminPort: 1000 + i,
                operationsPort: 2000 + i,
            })),
        },
    };
}

function recording(): { reporter: Reporter; details: string[] } {
    const details: string[] = [];
    return { reporter: { step: () => undefined, detail: (message) => details.push(message) }, details };
}

describe('liveOrderer: the orderer node the peer CLI uses', () => {
    it('passes over nodes that refuse, hang or show a foreign certificate, says why, and uses the next that answers', async () => {
        const topology = withOrderers(ports.refused, ports.silent, ports.impostor, ports.serving);
        const { reporter, details } = recording();

        const node = await liveOrderer(layout, topology, reporter, 300);

        expect(node).toMatchObject({ index: 3, port: ports.serving });
        expect(details).toHaveLength(1);
        expect(details[0]).toMatch(
            new RegExp(
                [
                    `^ {2}ordering through orderer3\\.trade\\.test: `,
                    `orderer0\\.trade\\.test \\(127\\.0\\.0\\.1:${ports.refused}\\) did not answer: .*ECONNREFUSED.*; `,
                    `orderer1\\.trade\\.test \\(127\\.0\\.0\\.1:${ports.silent}\\) did not answer: no answer within 0\\.3s .*; `,
                    `orderer2\\.trade\\.test \\(127\\.0\\.0\\.1:${ports.impostor}\\) did not answer: .*certificate`,
                ].join(''),
            ),
        );
    });

    it('says nothing when the first node answers, and gives the peer CLI its address and the TLS CA', async () => {
        const topology = withOrderers(ports.serving, ports.refused);
        const { reporter, details } = recording();

        const args = await ordererArgs(layout, topology, reporter);

        expect(args).toEqual(['-o', `127.0.0.1:${ports.serving}`, '--tls', '--cafile', layout.ordererTlsCa(topology)]);
        expect(details).toEqual([]);
    });

    it('fails naming every node and why when none answers', async () => {
        const topology = withOrderers(ports.refused, ports.silent);

        await expect(liveOrderer(layout, topology, recording().reporter, 300)).rejects.toThrow(
            /^no orderer node of OrdererOrg answers: orderer0\.trade\.test .*ECONNREFUSED.*; orderer1\.trade\.test .*no answer within 0\.3s/,
        );
    });
});
