import { FabricNetwork } from '../../network/src/network';

/** Brings the default network up (idempotent) before any test that talks to it, showing progress. */
export default async function globalSetup(): Promise<void> {
    const started = Date.now();
    const reporter = {
        step: (message: string): void => {
            process.stderr.write(`[network] ${message}\n`);
        },
        detail: (message: string): void => {
            process.stderr.write(`[network] ${message}\n`);
        },
    };
    await new FabricNetwork({ reporter }).up();
    process.stderr.write(`[network] up for tests in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
