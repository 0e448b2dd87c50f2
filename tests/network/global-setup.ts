import { FabricNetwork, WATCHDOG } from '../../network/src/network';

declare global {
    // set here, read by global-teardown.ts (jest runs both in its main process)
    var mptWatchdogWasRunning: boolean | undefined;
}

/**
 * Brings the default network up (idempotent) before any test that talks to it, showing progress. Tests
 * crash nodes on purpose, so a watchdog left by `npm start` is paused for the run and restored after.
 */
export default async function globalSetup(): Promise<void> {
    const started = Date.now();
    const log = (message: string): void => {
        process.stderr.write(`[network] ${message}\n`);
    };
    const network = new FabricNetwork({ reporter: { step: log, detail: log } });
    globalThis.mptWatchdogWasRunning = network.isRunning(WATCHDOG);
    await network.stopWatchdog();
    await network.up();
    log(`up for tests in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
