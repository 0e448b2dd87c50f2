import { execFileSync } from 'node:child_process';
import path from 'node:path';

declare global {
    // set here, read by global-teardown.ts (jest runs both in its main process)
    var mptPostgresStartedHere: boolean | undefined;
}

const script = path.resolve(__dirname, '../../scripts/ensure-postgres.js');

/**
 * The read model's tests run on SQLite and on a real PostgreSQL: this starts the project's own private server
 * (scripts/ensure-postgres.js: installed from Debian's packages when missing) unless MPT_TEST_POSTGRES_URL names
 * one, and hands its URL to the tests in that variable.
 */
export default function globalSetup(): void {
    if (process.env.MPT_TEST_POSTGRES_URL !== undefined && process.env.MPT_TEST_POSTGRES_URL !== '') return;
    let running = true;
    try {
        execFileSync(process.execPath, [script, 'url'], { stdio: 'ignore' });
    } catch {
        running = false;
    }
    const out = execFileSync(process.execPath, [script, 'start'], { stdio: ['ignore', 'pipe', 'inherit'] });
    globalThis.mptPostgresStartedHere = !running;
    process.env.MPT_TEST_POSTGRES_URL = out.toString('utf8').trim().split('\n').pop();
}
