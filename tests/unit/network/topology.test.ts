import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import {
    DEFAULT_TOPOLOGY,
    loadTopology,
    nextBankOrg,
    ordererAddress,
    ordererName,
    ordererNodes,
    shiftPorts,
    topologyPorts,
    withAddedOrgs,
} from '../../../network/src/topology';

const dir = mkdtempSync(path.join(tmpdir(), 'mpt-topology-'));

function withEdit(edit: (text: string) => string): string {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, edit(readFileSync(DEFAULT_TOPOLOGY(), 'utf8')));
    return file;
}

describe('topology file', () => {
    it('the default topology has an orderer and four peer orgs, two of them banks, with their demo users', () => {
        const topology = loadTopology();
        expect(topology.peerOrgs.map((org) => org.mspId)).toEqual([
            'MarketOrgMSP',
            'CustomsOrgMSP',
            'BankOrgMSP',
            'Bank2OrgMSP',
        ]);
        expect(topology.peerOrgs.flatMap((org) => org.users.map((user) => user.role))).toEqual([
            'operator',
            'vendor',
            'agent',
            'customs',
            'bank',
            'bank',
        ]);
    });

    it('the default orderer is three Raft nodes on ports of their own, named orderer0 to orderer2', () => {
        const topology = loadTopology();
        expect(ordererNodes(topology).map((node) => `${ordererName(topology, node)} ${ordererAddress(node)}`)).toEqual([
            'orderer0.trade.test 127.0.0.1:7050',
            'orderer1.trade.test 127.0.0.1:7150',
            'orderer2.trade.test 127.0.0.1:7250',
        ]);
    });

    it('refuses an orderer node on a port another process uses, and an orderer with no node', () => {
        const file = withEdit((text) => text.replace('adminPort: 7153', 'adminPort: 7053'));
        expect(() => loadTopology(file)).toThrow('port 7053 is used twice');
        const none = withEdit((text) => text.replace(/ {4}nodes:\n( {8}- .*\n)+/, '    nodes: []\n'));
        expect(() => loadTopology(none)).toThrow(/orderer\.nodes/);
    });

    it('refuses a port used twice, naming the port', () => {
        const file = withEdit((text) => text.replace('peerPort: 8051', 'peerPort: 7051'));
        expect(() => loadTopology(file)).toThrow('port 7051 is used twice');
    });

    it('refuses unknown fields and wrong types with the path of each problem', () => {
        const file = withEdit((text) =>
            text.replace('maxMessageCount: 500', 'maxMessageCount: many\n    colour: blue'),
        );
        expect(() => loadTopology(file)).toThrow(/orderer\.maxMessageCount[\s\S]*orderer: Unrecognized key: "colour"/);
    });

    it('shifted by an offset, every port moves by it and none is one of the original network', () => {
        const topology = loadTopology();
        const shifted = shiftPorts(topology, 10_000);
        const ports = topologyPorts(topology);
        expect(topologyPorts(shifted)).toEqual(ports.map((port) => port + 10_000));
        expect(topologyPorts(shifted).filter((port) => ports.includes(port))).toEqual([]);
        expect({ ...shifted, orderer: {}, peerOrgs: [] }).toEqual({ ...topology, orderer: {}, peerOrgs: [] });
        expect(shifted.peerOrgs.map((org) => org.users)).toEqual(topology.peerOrgs.map((org) => org.users));
    });
});

describe('a bank added to a running network (network:add-org)', () => {
    it('gets the next ports of the scheme: the peer 1000 above the highest, operations one above', () => {
        const org = nextBankOrg(loadTopology(), 'Bank3Org');
        expect(org).toEqual({
            name: 'Bank3Org',
            mspId: 'Bank3OrgMSP',
            domain: 'bank3.trade.test',
            host: '127.0.0.1',
            peerPort: 15051,
            chaincodeListenPort: 15052,
            operationsPort: 9448,
            caPort: 15054,
            caOperationsPort: 9548,
            chaincodeServerPort: 15999,
            users: [],
        });
        const topology = loadTopology();
        const ports = topologyPorts(topology);
        // each orderer node's three ports come first
        const added = topologyPorts({ ...topology, peerOrgs: [org] }).slice(3 * topology.orderer.nodes.length);
        expect(added.filter((port) => ports.includes(port))).toEqual([]);
    });

    it("on the tests' shifted network its ports are shifted too", () => {
        expect(nextBankOrg(shiftPorts(loadTopology(), 10_000), 'Bank3Org')).toMatchObject({
            peerPort: 25051,
            operationsPort: 19448,
            caOperationsPort: 19548,
        });
    });

    it('refuses a name that is not a bank organisation, or one already a member, naming the problem', () => {
        const topology = loadTopology();
        expect(() => nextBankOrg(topology, 'InsurerOrg')).toThrow('invalid organisation name "InsurerOrg"');
        expect(() => nextBankOrg(topology, 'Bank 3')).toThrow('invalid organisation name');
        expect(() => nextBankOrg(topology, 'Bank2Org')).toThrow('Bank2Org is already a member of the network');
        expect(() => nextBankOrg(topology, 'bank2org')).toThrow('invalid organisation name');
    });

    it("the state directory record adds the banks after the topology file's orgs, and a bad record is refused", () => {
        const topology = loadTopology();
        const record = path.join(dir, 'added-orgs.yaml');
        writeFileSync(record, stringify([nextBankOrg(topology, 'Bank3Org')]));
        expect(withAddedOrgs(topology, record).peerOrgs.map((org) => org.mspId)).toEqual([
            'MarketOrgMSP',
            'CustomsOrgMSP',
            'BankOrgMSP',
            'Bank2OrgMSP',
            'Bank3OrgMSP',
        ]);
        expect(withAddedOrgs(topology, path.join(dir, 'none.yaml'))).toBe(topology);
        writeFileSync(record, stringify([{ ...nextBankOrg(topology, 'Bank3Org'), peerPort: 7051 }]));
        expect(() => withAddedOrgs(topology, record)).toThrow('port 7051 is used twice');
    });
});
