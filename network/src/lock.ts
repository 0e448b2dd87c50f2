import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { processStartTicks } from './processes';
import { waitFor, type Reporter } from './run';

/** The lock names its holder by PID and start time, so a PID reused by another process does not hold it. */
const holderId = (pid: number): string | undefined => processStartTicks(pid)?.toString();

function holder(file: string): { pid: number; started: string } | undefined {
    try {
        return JSON.parse(readFileSync(file, 'utf8')) as { pid: number; started: string };
    } catch {
        return undefined;
    }
}

function holderAlive(file: string): boolean {
    const found = holder(file);
    return found !== undefined && holderId(found.pid) === found.started;
}

/** Takes the lock file if it is free or its holder is gone; true when taken. */
function tryTake(file: string): boolean {
    try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, started: holderId(process.pid) }));
        closeSync(fd);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
            throw error;
        }
    }
    if (!holderAlive(file)) {
        // two waiters finding the same dead holder at the same instant could both take over; supervisors are
        // started by people and tests, one or two at a time, so this window is accepted rather than using flock
        rmSync(file, { force: true });
        return tryTake(file);
    }
    return false;
}

/** The longest a supervisor waits for another one: the slowest `up` (building the binaries) takes a few minutes. */
const LOCK_WAIT_MS = 15 * 60_000;

/**
 * Runs `work` holding an exclusive lock file, so two supervisors (two terminals, a test run and `npm start`)
 * never change the same network at once; the second waits (at most `timeoutMs`) and says why.
 */
export async function withLock<T>(
    file: string,
    reporter: Reporter,
    work: () => Promise<T>,
    timeoutMs = LOCK_WAIT_MS,
): Promise<T> {
    if (!tryTake(file)) {
        const what = `the supervisor with PID ${holder(file)?.pid ?? '?'} to release ${file}`;
        reporter.step(`Waiting for ${what}`);
        await waitFor(what, () => Promise.resolve(tryTake(file) ? true : undefined), {
            timeoutMs,
            intervalMs: 500,
            reporter,
        });
    }
    try {
        return await work();
    } finally {
        rmSync(file, { force: true });
    }
}

/** Runs `work` only if the lock is free at once; undefined otherwise (someone else is changing the network). */
export async function ifUnlocked<T>(file: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!tryTake(file)) {
        return undefined;
    }
    try {
        return await work();
    } finally {
        rmSync(file, { force: true });
    }
}
