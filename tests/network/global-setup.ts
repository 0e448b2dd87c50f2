import { FabricNetwork } from '../../network/src/network';
import { recordDefaultNetwork, useTestNetwork } from './test-network';

/**
 * Brings the tests' own network up (idempotent) before any test that talks to it, showing progress. It is the
 * default topology on other ports in `.fabric/test/net` (see test-network.ts): the tests crash and restart its
 * nodes, never those of a network someone started with `npm start`, whose processes are recorded here so that
 * global-teardown.ts can check they were left alone. The environment set here is inherited by jest's workers.
 */
export default async function globalSetup(): Promise<void> {
    const started = Date.now();
    const log = (message: string): void => {
        process.stderr.write(`[network] ${message}\n`);
    };
    const { stateDir } = useTestNetwork();
    const running = Object.keys(recordDefaultNetwork()).length;
    log(`the default network has ${running} processes running; the tests leave them alone`);
    const network = new FabricNetwork({ reporter: { step: log, detail: log } });
    await network.up();
    log(`test network up in ${stateDir} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
