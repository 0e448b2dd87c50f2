import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { processStartTicks } from './processes';
import { sleep } from './run';

/** The lock names its holder by PID and start time, so a PID reused by another process does not hold it. */
const holderId = (pid: number): string | undefined => processStartTicks(pid)?.toString();

function holderAlive(file: string): boolean {
    let holder: { pid: number; started: string };
    try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; started: string };
    } catch {
        return false;
    }
    return holderId(holder.pid) === holder.started;
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

/**
 * Runs `work` holding an exclusive lock file, so two supervisors (two terminals, a test run and `npm start`)
 * never change the same network at once; the second waits and says why.
 */
export async function withLock<T>(file: string, onWait: () => void, work: () => Promise<T>): Promise<T> {
    if (!tryTake(file)) {
        onWait();
        while (!tryTake(file)) {
            await sleep(500);
        }
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
