import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_STATE_DIR, defaultConnectionProfileFile } from '../../network/client';
import { FabricNetwork } from '../../network/src/network';
import { DEFAULT_TOPOLOGY, loadTopology, topologyPorts } from '../../network/src/topology';
import { defaultNetworkProcesses, recordedDefaultNetwork, testNetworkHome } from './test-network';

const network = new FabricNetwork();

describe('the tests run on a network of their own', () => {
    it('in their own state directory, which this worker and the CLIs it starts see through MPT_STATE_DIR', () => {
        const stateDir = path.join(testNetworkHome(), 'net');
        expect(process.env.MPT_STATE_DIR).toBe(stateDir);
        expect(network.layout.root).toBe(stateDir);
        expect(path.dirname(defaultConnectionProfileFile())).toBe(stateDir);
        expect(network.layout.root).not.toBe(DEFAULT_STATE_DIR());
    });

    it('on ports neither the default network nor the four-org one uses', () => {
        const ours = topologyPorts(network.topology);
        const others = [
            ...topologyPorts(loadTopology(DEFAULT_TOPOLOGY())),
            ...topologyPorts(loadTopology(path.join(__dirname, 'fixtures', 'four-orgs.yaml'))),
        ];
        expect(ours.filter((port) => others.includes(port))).toEqual([]);
    });

    it('leaves every process of the default network as the run found it', () => {
        expect(defaultNetworkProcesses()).toEqual(recordedDefaultNetwork());
    });
});
