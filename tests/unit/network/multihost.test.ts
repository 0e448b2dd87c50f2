import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { exportBundle, importBundle, writeBundle } from '../../../network/src/bundle';
import { topologyHash } from '../../../network/src/generate';
import { hostLabels, hostPart, ordererHost } from '../../../network/src/hosts';
import { Layout } from '../../../network/src/layout';
import { DEFAULT_TOPOLOGY, loadTopology, type PeerOrg, type Topology } from '../../../network/src/topology';

const fixture = path.join(__dirname, '..', '..', 'network', 'fixtures', 'multihost.yaml');
const dir = mkdtempSync(path.join(tmpdir(), 'mpt-multihost-unit-'));

afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
});

function edited(edit: (text: string) => string): string {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, edit(readFileSync(fixture, 'utf8')));
    return file;
}

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';

/** A state directory holding what cryptogen makes for the given orgs' dirs: certificates and private keys. */
function stateWith(topology: Topology, orgs: readonly string[], withBlock = false): Layout {
    const layout = new Layout(mkdtempSync(path.join(dir, 'state-')));
    const put = (relative: string, content: string): void => {
        const file = path.join(layout.root, relative);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
    };
    for (const org of topology.peerOrgs.filter((candidate) => orgs.includes(candidate.name))) {
        const base = path.relative(layout.root, layout.peerOrgDir(org));
        put(`${base}/msp/cacerts/ca.${org.domain}-cert.pem`, CERT);
        put(`${base}/msp/tlscacerts/tlsca.${org.domain}-cert.pem`, CERT);
        put(`${base}/msp/config.yaml`, 'NodeOUs:\n  Enable: true\n');
        put(`${base}/tlsca/tlsca.${org.domain}-cert.pem`, CERT);
        put(`${base}/tlsca/priv_sk`, KEY);
        put(`${base}/ca/ca.${org.domain}-cert.pem`, CERT);
        put(`${base}/ca/priv_sk`, KEY);
        put(`${base}/peers/peer0.${org.domain}/tls/server.key`, KEY);
        put(`${base}/users/Admin@${org.domain}/msp/keystore/priv_sk`, KEY);
    }
    if (orgs.includes(topology.orderer.name)) {
        const base = path.relative(layout.root, layout.ordererOrgDir(topology));
        put(`${base}/msp/cacerts/ca.${topology.orderer.domain}-cert.pem`, CERT);
        put(`${base}/tlsca/tlsca.${topology.orderer.domain}-cert.pem`, CERT);
        put(`${base}/tlsca/priv_sk`, KEY);
        put(`${base}/orderers/orderer0.${topology.orderer.domain}/tls/server.key`, KEY);
    }
    if (withBlock) {
        put(path.relative(layout.root, layout.channelBlock(topology)), 'genesis');
    }
    return layout;
}

describe('topology spread over hosts', () => {
    it('an org or orderer node naming a host runs at that host’s address', () => {
        const topology = loadTopology(fixture);
        expect(topology.orderer.nodes.map((node) => node.host)).toEqual(['10.77.0.10']);
        expect(topology.peerOrgs.map((org) => `${org.name} ${org.host}`)).toEqual([
            'MarketOrg 10.77.0.11',
            'CustomsOrg 10.77.0.12',
            'BankOrg 10.77.0.13',
        ]);
        expect(hostLabels(topology)).toEqual(['orderers', 'market', 'customs', 'bank']);
        expect(ordererHost(topology)).toBe('orderers');
    });

    it('the default topology names no hosts: everything stays on 127.0.0.1 and its state is still valid', () => {
        const topology = loadTopology(DEFAULT_TOPOLOGY());
        expect(topology).not.toHaveProperty('hosts');
        expect(new Set([...topology.orderer.nodes, ...topology.peerOrgs].map((node) => node.host))).toEqual(
            new Set(['127.0.0.1']),
        );
        expect(hostLabels(topology)).toEqual(['127.0.0.1']);
    });

    it('hosts may use the same ports; one host may not use a port twice', () => {
        const samePorts = edited((text) => text.replace('peerPort: 9051', 'peerPort: 7051'));
        expect(loadTopology(samePorts).peerOrgs.map((org) => org.peerPort)).toEqual([7051, 8051, 7051]);
        const clash = edited((text) => text.replace('peerPort: 9051', 'peerPort: 9054'));
        expect(() => loadTopology(clash)).toThrow('port 9054 is used twice on 10.77.0.13');
    });

    it('refuses a host that is not one of the topology’s hosts, naming it', () => {
        const file = edited((text) => text.replace('host: bank\n', 'host: bnak\n'));
        expect(() => loadTopology(file)).toThrow(
            'host "bnak" is not one of its hosts (orderers, market, customs, bank)',
        );
    });

    it('a host runs only its own nodes; by name or by address', () => {
        const topology = loadTopology(fixture);
        const bank = hostPart(topology, 'bank');
        expect({ ...bank, peerOrgs: bank.peerOrgs.map((org) => org.name) }).toEqual({
            name: 'bank',
            address: '10.77.0.13',
            ordererNodes: [],
            peerOrgs: ['BankOrg'],
        });
        expect(hostPart(topology, '10.77.0.10')).toMatchObject({ name: 'orderers', peerOrgs: [] });
        expect(hostPart(topology, 'orderers').ordererNodes).toHaveLength(1);
        expect(() => hostPart(topology, 'warehouse')).toThrow(
            'host "warehouse" runs no node of this topology; its hosts are: orderers, market, customs, bank',
        );
    });

    it('refuses to split the orderer org over hosts: its keys would have to leave the host that made them', () => {
        const file = edited((text) =>
            text.replace(
                '        - { host: orderers, port: 7050, adminPort: 7053, operationsPort: 9443 }\n',
                '        - { host: orderers, port: 7050, adminPort: 7053, operationsPort: 9443 }\n' +
                    '        - { host: market, port: 7150, adminPort: 7153, operationsPort: 9441 }\n',
            ),
        );
        expect(() => hostPart(loadTopology(file), 'orderers')).toThrow(
            'the orderer nodes of OrdererOrg are on several hosts (orderers, market)',
        );
    });
});

describe('host bundles', () => {
    const topology = loadTopology(fixture);
    const org = (name: string): PeerOrg => {
        const found = topology.peerOrgs.find((candidate) => candidate.name === name);
        if (!found) throw new Error(`no ${name} in the fixture`);
        return found;
    };

    it('carry the certificates of the host’s orgs and never a private key', () => {
        const market = stateWith(topology, ['MarketOrg']);
        const bundle = exportBundle(market, topology, hostPart(topology, 'market'));
        expect(bundle).toMatchObject({ format: 'mpt-host-bundle/1', from: 'market', topology: topologyHash(topology) });
        expect(Object.keys(bundle.files).sort()).toEqual([
            'crypto/peerOrganizations/market.trade.test/ca/ca.market.trade.test-cert.pem',
            'crypto/peerOrganizations/market.trade.test/msp/cacerts/ca.market.trade.test-cert.pem',
            'crypto/peerOrganizations/market.trade.test/msp/config.yaml',
            'crypto/peerOrganizations/market.trade.test/msp/tlscacerts/tlsca.market.trade.test-cert.pem',
            'crypto/peerOrganizations/market.trade.test/tlsca/tlsca.market.trade.test-cert.pem',
        ]);
        const contents = Object.values(bundle.files).map((base64) => Buffer.from(base64, 'base64').toString('utf8'));
        expect(contents.filter((content) => content.includes('PRIVATE KEY'))).toEqual([]);
    });

    it('the orderer host passes on every org’s certificates with the genesis block; a peer host reads them', () => {
        const orderers = stateWith(topology, ['OrdererOrg', 'MarketOrg', 'CustomsOrg', 'BankOrg'], true);
        const file = path.join(dir, 'orderers.bundle');
        writeBundle(file, exportBundle(orderers, topology, hostPart(topology, 'orderers')));

        const bank = stateWith(topology, ['BankOrg']);
        const before = readFileSync(path.join(bank.peerOrgDir(org('BankOrg')), 'msp', 'config.yaml'), 'utf8');
        const written = importBundle(bank, topology, hostPart(topology, 'bank'), file);
        expect(existsSync(bank.channelBlock(topology))).toBe(true);
        expect(existsSync(bank.ordererTlsCa(topology))).toBe(true);
        expect(existsSync(bank.peerTlsCa(org('MarketOrg')))).toBe(true);
        // the bank's own files are the bank's: a bundle never replaces them
        expect(written.filter((relative) => relative.includes('bank.trade.test'))).toEqual([]);
        expect(readFileSync(path.join(bank.peerOrgDir(org('BankOrg')), 'msp', 'config.yaml'), 'utf8')).toBe(before);
    });

    it('refuse a bundle of another topology, one that holds a private key, and one that writes outside the crypto', () => {
        const market = stateWith(topology, ['MarketOrg']);
        const bundle = exportBundle(market, topology, hostPart(topology, 'market'));
        const bank = stateWith(topology, ['BankOrg']);
        const importing = (content: unknown): (() => string[]) => {
            const file = path.join(dir, `${Math.random().toString(36).slice(2)}.bundle`);
            writeFileSync(file, JSON.stringify(content));
            return () => importBundle(bank, topology, hostPart(topology, 'bank'), file);
        };
        expect(importing({ ...bundle, topology: 'f'.repeat(64) })).toThrow(
            'was made from another topology: every host must run the same topology file',
        );
        const tlsca = 'crypto/peerOrganizations/market.trade.test/tlsca/tlsca.market.trade.test-cert.pem';
        expect(importing({ ...bundle, files: { [tlsca]: Buffer.from(KEY).toString('base64') } })).toThrow(
            `holds a private key in ${tlsca}; nothing imported`,
        );
        expect(importing({ ...bundle, files: { ...bundle.files, 'crypto/../run/peer.pid': 'eA==' } })).toThrow(
            'holds crypto/../run/peer.pid, which is not public material; nothing imported',
        );
        expect(existsSync(bank.peerOrgDir(org('MarketOrg')))).toBe(false);
        expect(importing({ format: 'something else' })).toThrow('is not a host bundle (mpt-host-bundle/1)');
    });
});
