import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Stops the PostgreSQL server global-setup.ts started (one that was running before is left running). */
export default function globalTeardown(): void {
    if (globalThis.mptPostgresStartedHere === true) {
        execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/ensure-postgres.js'), 'stop'], {
            stdio: ['ignore', 'ignore', 'inherit'],
        });
    }
}
