import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { CUSTOMS_MSP, MARKET_MSP } from '../../../chaincode/src/vocabulary';
import { configtx, cryptoConfig, patchCoreYaml } from '../../../network/src/generate';
import { Layout } from '../../../network/src/layout';
import { caProcess, peerProcess } from '../../../network/src/nodes';
import { loadTopology, type Topology } from '../../../network/src/topology';

const defaultTopology = loadTopology();
const fourOrgs = loadTopology(path.join(__dirname, '..', '..', 'network', 'fixtures', 'four-orgs.yaml'));
const layout = new Layout('/state');

/** The value at `keys` in a generated document, as the tool reading the YAML file sees it. */
function at(document: unknown, ...keys: (string | number)[]): unknown {
    let value: unknown = parse(stringify(document));
    for (const key of keys) {
        if (value === null || typeof value !== 'object') {
            throw new Error(`nothing at ${keys.join('.')}`);
        }
        value = (value as Record<string | number, unknown>)[key];
    }
    return value;
}

const channel = (topology: Topology, ...keys: (string | number)[]): unknown =>
    at(configtx(layout, topology), 'Profiles', 'TradeChannel', ...keys);

const list = (value: unknown): Record<string, unknown>[] => {
    if (!Array.isArray(value)) {
        throw new Error(`not a list: ${JSON.stringify(value)}`);
    }
    return value as Record<string, unknown>[];
};

describe('channel configuration (configtx.yaml)', () => {
    it('a chaincode definition needs a majority of the orgs, and so does a chaincode that names no policy', () => {
        // LifecycleEndorsement: who approves a definition; Endorsement: the default a definition may override
        // (ours sets its own at approval, network/src/chaincode.ts endorsementPolicy)
        const policies = channel(defaultTopology, 'Application', 'Policies');
        expect(at(policies, 'Endorsement')).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
        expect(at(policies, 'LifecycleEndorsement')).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
        expect(at(policies, 'Admins')).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' });
        expect(channel(defaultTopology, 'Policies', 'Admins')).toEqual({
            Type: 'ImplicitMeta',
            Rule: 'MAJORITY Admins',
        });
    });

    it('any member org may read and submit', () => {
        for (const policies of [
            channel(defaultTopology, 'Policies'),
            channel(defaultTopology, 'Application', 'Policies'),
        ]) {
            expect(at(policies, 'Readers')).toEqual({ Type: 'ImplicitMeta', Rule: 'ANY Readers' });
            expect(at(policies, 'Writers')).toEqual({ Type: 'ImplicitMeta', Rule: 'ANY Writers' });
        }
    });

    it.each([
        ['default', defaultTopology],
        ['four-org', fourOrgs],
    ])('the %s topology gives one application org per peer org, in order, with its anchor peer', (_name, topology) => {
        const orgs = list(channel(topology, 'Application', 'Organizations'));
        expect(orgs.map((org) => org.ID)).toEqual(topology.peerOrgs.map((org) => org.mspId));
        expect(orgs.map((org) => org.Name)).toEqual(topology.peerOrgs.map((org) => org.mspId));
        expect(orgs.map((org) => org.AnchorPeers)).toEqual(
            topology.peerOrgs.map((org) => [{ Host: org.host, Port: org.peerPort }]),
        );
        expect(orgs.map((org) => org.MSPDir)).toEqual(
            topology.peerOrgs.map((org) => `/state/crypto/peerOrganizations/${org.domain}/msp`),
        );
    });

    it("only an org's peers endorse for it: the role the chaincode's key-level policies name", () => {
        const orgs = list(channel(defaultTopology, 'Application', 'Organizations'));
        // the chaincode pins state-based endorsement to these MSP IDs; the channel must carry exactly them
        expect(orgs.map((org) => org.ID)).toEqual(expect.arrayContaining([MARKET_MSP, CUSTOMS_MSP]));
        for (const org of orgs) {
            const msp = String(org.ID);
            expect(at(org, 'Policies')).toEqual({
                Readers: { Type: 'Signature', Rule: `OR('${msp}.admin', '${msp}.peer', '${msp}.client')` },
                Writers: { Type: 'Signature', Rule: `OR('${msp}.admin', '${msp}.client')` },
                Admins: { Type: 'Signature', Rule: `OR('${msp}.admin')` },
                Endorsement: { Type: 'Signature', Rule: `OR('${msp}.peer')` },
            });
        }
        const banks = list(channel(fourOrgs, 'Application', 'Organizations')).filter((org) =>
            String(org.ID).startsWith('Bank'),
        );
        expect(banks.map((org) => org.ID)).toEqual(['BankOrgMSP', 'Bank2OrgMSP']);
    });

    it('the Raft orderer batches as the topology says, at its own address, and one orderer validates blocks', () => {
        const { orderer } = fourOrgs;
        const [node] = orderer.nodes;
        const ordering = channel(fourOrgs, 'Orderer');
        expect(at(ordering, 'OrdererType')).toBe('etcdraft');
        expect(at(ordering, 'BatchTimeout')).toBe(orderer.batchTimeout);
        expect(at(ordering, 'BatchSize', 'MaxMessageCount')).toBe(orderer.maxMessageCount);
        expect(at(ordering, 'EtcdRaft', 'Options', 'TickInterval')).toBe('100ms');
        expect(list(at(ordering, 'EtcdRaft', 'Consenters')).map(({ Host, Port }) => ({ Host, Port }))).toEqual([
            { Host: node?.host, Port: node?.port },
        ]);
        const [ordererOrg] = list(at(ordering, 'Organizations'));
        expect(ordererOrg?.ID).toBe(orderer.mspId);
        expect(ordererOrg?.OrdererEndpoints).toEqual([`${node?.host}:${node?.port}`]);
        expect(at(ordering, 'Policies', 'BlockValidation')).toEqual({ Type: 'ImplicitMeta', Rule: 'ANY Writers' });
    });

    it('the default network orders with three Raft nodes, each a consenter with its own TLS certificate', () => {
        const ordering = channel(defaultTopology, 'Orderer');
        const consenters = list(at(ordering, 'EtcdRaft', 'Consenters'));
        expect(consenters.map(({ Host, Port }) => `${String(Host)}:${String(Port)}`)).toEqual([
            '127.0.0.1:7050',
            '127.0.0.1:7150',
            '127.0.0.1:7250',
        ]);
        expect(consenters.map(({ ServerTLSCert }) => ServerTLSCert)).toEqual(
            ['orderer0', 'orderer1', 'orderer2'].map((host) =>
                path.join(layout.ordererOrgDir(defaultTopology), 'orderers', `${host}.trade.test`, 'tls', 'server.crt'),
            ),
        );
        const [ordererOrg] = list(at(ordering, 'Organizations'));
        expect(ordererOrg?.OrdererEndpoints).toEqual(['127.0.0.1:7050', '127.0.0.1:7150', '127.0.0.1:7250']);
        expect(at(cryptoConfig(defaultTopology), 'OrdererOrgs')).toEqual([
            expect.objectContaining({
                Specs: ['orderer0', 'orderer1', 'orderer2'].map((Hostname) => ({
                    Hostname,
                    SANS: ['localhost', '127.0.0.1'],
                })),
            }),
        ]);
    });

    it('generates the one channel profile, with the v2.5 application capabilities', () => {
        expect(channel(defaultTopology, 'Application', 'Capabilities')).toEqual({ V2_5: true });
        expect(channel(defaultTopology, 'Capabilities')).toEqual({ V2_0: true });
        expect(at(configtx(layout, defaultTopology), 'Profiles')).toEqual({ TradeChannel: expect.anything() });
    });
});

describe('crypto configuration (crypto-config.yaml)', () => {
    it('one orderer node (as the topology lists) and one peer per org, with TLS names for the topology hosts, and no cryptogen users', () => {
        const config = cryptoConfig(fourOrgs);
        expect(at(config, 'OrdererOrgs')).toEqual([
            {
                Name: 'OrdererOrg',
                Domain: 'trade.test',
                EnableNodeOUs: true,
                Specs: [{ Hostname: 'orderer0', SANS: ['localhost', '127.0.0.1'] }],
            },
        ]);
        expect(list(at(config, 'PeerOrgs'))).toEqual(
            fourOrgs.peerOrgs.map((org) => ({
                Name: org.name,
                Domain: org.domain,
                EnableNodeOUs: true,
                Template: { Count: 1, SANS: ['localhost', '127.0.0.1'] },
                Users: { Count: 0 },
            })),
        );
    });

    it('a host that is not loopback gets into the TLS names too', () => {
        const [first, ...rest] = defaultTopology.peerOrgs;
        if (!first) throw new Error('no org');
        const moved = { ...defaultTopology, peerOrgs: [{ ...first, host: 'peer.example.test' }, ...rest] };
        expect(at(cryptoConfig(moved), 'PeerOrgs', 0, 'Template', 'SANS')).toEqual([
            'localhost',
            '127.0.0.1',
            'peer.example.test',
        ]);
    });
});

describe('node configuration', () => {
    it("blanks the sample core.yaml's Docker endpoint, and refuses a sample without one", () => {
        const sample = 'vm:\n    # comment\n    endpoint: unix:///var/run/docker.sock\n    docker:\n        tls:\n';
        expect(patchCoreYaml(sample)).toBe('vm:\n    # comment\n    endpoint: ""\n    docker:\n        tls:\n');
        expect(() => patchCoreYaml('vm:\n    endpoint: tcp://elsewhere:2375\n')).toThrow('cannot find vm.endpoint');
    });

    it('each peer listens, gossips and serves chaincode on the ports of its topology entry', () => {
        for (const org of fourOrgs.peerOrgs) {
            const { env, ports } = peerProcess(layout, org);
            const address = `${org.host}:${org.peerPort}`;
            expect(ports).toEqual([org.peerPort, org.chaincodeListenPort, org.operationsPort]);
            expect(env).toMatchObject({
                CORE_PEER_LOCALMSPID: org.mspId,
                CORE_PEER_LISTENADDRESS: address,
                CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
                CORE_PEER_CHAINCODELISTENADDRESS: `${org.host}:${org.chaincodeListenPort}`,
                CORE_OPERATIONS_LISTENADDRESS: `${org.host}:${org.operationsPort}`,
                CORE_PEER_FILESYSTEMPATH: `/state/data/peer0.${org.domain}`,
            });
        }
    });

    it("each CA signs with its org's CA key, on its own ports, with the bootstrap secret kept out of the arguments", () => {
        for (const org of fourOrgs.peerOrgs) {
            const spec = caProcess(layout, org, 'bootstrap-secret-value');
            const option = (name: string): string | undefined => spec.args[spec.args.indexOf(name) + 1];
            expect(spec.ports).toEqual([org.caPort, org.caOperationsPort]);
            expect(option('--port')).toBe(String(org.caPort));
            expect(option('--ca.name')).toBe(`ca-${org.name.toLowerCase()}`);
            expect(option('--ca.certfile')).toBe(layout.orgCaCert(org));
            expect(option('--ca.keyfile')).toBe(layout.orgCaKey(org));
            expect(spec.args.join(' ')).not.toContain('bootstrap-secret-value');
            expect(spec.env.FABRIC_CA_SERVER_BOOT).toBe('admin:bootstrap-secret-value');
        }
    });
});
