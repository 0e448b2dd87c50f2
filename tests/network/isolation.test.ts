import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_STATE_DIR, defaultConnectionProfileFile } from '../../network/client';
import { FabricNetwork } from '../../network/src/network';
import { DEFAULT_TOPOLOGY, loadTopology, nextBankOrg, topologyPorts, type Topology } from '../../network/src/topology';
import { defaultNetworkProcesses, recordedDefaultNetwork, testNetworkHome } from './test-network';

const network = new FabricNetwork();

/** The network's ports, and those of the bank `network:add-org Bank3Org` would add to it. */
const withAddedBank = (topology: Topology): number[] => [
    ...topologyPorts(topology),
    ...topologyPorts({ ...topology, peerOrgs: [nextBankOrg(topology, 'Bank3Org')] }).slice(3),
];

describe('the tests run on a network of their own', () => {
    it('in their own state directory, which this worker and the CLIs it starts see through MPT_STATE_DIR', () => {
        const stateDir = path.join(testNetworkHome(), 'net');
        expect(process.env.MPT_STATE_DIR).toBe(stateDir);
        expect(network.layout.root).toBe(stateDir);
        expect(path.dirname(defaultConnectionProfileFile())).toBe(stateDir);
        expect(network.layout.root).not.toBe(DEFAULT_STATE_DIR());
    });

    it('on ports neither the default network, the four-org one nor the add-org one uses, added banks included', () => {
        const ours = withAddedBank(network.topology);
        const others = [
            ...withAddedBank(loadTopology(DEFAULT_TOPOLOGY())),
            ...topologyPorts(loadTopology(path.join(__dirname, 'fixtures', 'four-orgs.yaml'))),
            ...withAddedBank(loadTopology(path.join(__dirname, 'fixtures', 'add-org.yaml'))),
        ];
        expect(ours.filter((port) => others.includes(port))).toEqual([]);
    });

    it('leaves every process of the default network as the run found it', () => {
        expect(defaultNetworkProcesses()).toEqual(recordedDefaultNetwork());
    });
});
