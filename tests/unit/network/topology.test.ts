import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TOPOLOGY, loadTopology, shiftPorts, topologyPorts } from '../../../network/src/topology';

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
