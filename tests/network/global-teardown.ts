import { FabricNetwork } from '../../network/src/network';

export default async function globalTeardown(): Promise<void> {
    if (globalThis.mptWatchdogWasRunning === true) {
        await new FabricNetwork().startWatchdog();
    }
}
