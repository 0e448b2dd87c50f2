import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Creates a directory readable only by this user (0700), parents included. */
export function privateDir(dir: string): string {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return dir;
}

/** Writes JSON so a crash leaves either the old or the new file, never half of one (0600). */
export function writeJsonAtomic(file: string, value: unknown): void {
    privateDir(path.dirname(file));
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(value), { mode: 0o600 });
    renameSync(temp, file);
}

let tempFiles = 0;

/**
 * {@link writeJsonAtomic} for files written on every request: the system calls run off the event loop, in a
 * directory that must exist already (0600).
 */
export async function writeJsonAtomicAsync(file: string, value: unknown): Promise<void> {
    const temp = `${file}.${process.pid}-${++tempFiles}.tmp`;
    await writeFile(temp, JSON.stringify(value), { mode: 0o600 });
    await rename(temp, file);
}

/** Parsed JSON of a file, or undefined when there is no such file. */
export function readJsonIfExists(file: string): unknown {
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return undefined;
        }
        throw error;
    }
    return JSON.parse(text) as unknown;
}
