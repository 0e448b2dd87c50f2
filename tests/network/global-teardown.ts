import { FabricNetwork } from '../../network/src/network';
import { defaultNetworkProcesses, recordedDefaultNetwork, useTestNetwork } from './test-network';

/**
 * Stops the tests' own network (its ledger stays for the next run), then fails the run if any process of the
 * default network stopped or was restarted meanwhile: the tests must not touch a system someone started.
 */
export default async function globalTeardown(): Promise<void> {
    useTestNetwork();
    await new FabricNetwork().down();
    const before = recordedDefaultNetwork();
    const after = defaultNetworkProcesses();
    const changed = Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
    if (changed.length > 0) {
        throw new Error(
            `processes of the default network (.fabric/net) stopped or restarted while the tests ran: ${changed
                .map((name) => `${name} ${before[name] ?? 'not running'} → ${after[name] ?? 'not running'}`)
                .join(', ')}`,
        );
    }
}
