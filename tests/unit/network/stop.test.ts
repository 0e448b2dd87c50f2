import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Layout } from '../../../network/src/layout';
import { processStartTicks, stopProcess } from '../../../network/src/processes';

const stat = (pid: number): string[] => {
    try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    } catch {
        return [];
    }
};
const state = (pid: number): string | undefined => stat(pid)[0];
const group = (pid: number): string | undefined => stat(pid)[2];

const parents: number[] = [];
afterEach(() => {
    for (const pid of parents.splice(0)) {
        process.kill(pid, 'SIGKILL');
    }
});

/** A parent that never reaps: forks a child into a session (and process group) of its own, prints its PID, sleeps. */
const NEGLECTFUL_PARENT = `
import os, time
pid = os.fork()
if pid == 0:
    os.setsid()
    os.execvp('sleep', ['sleep', '300'])
print(pid, flush=True)
time.sleep(300)
`;

/** A process in a group of its own that nobody reaps once it exits, as an orphan of a slow-reaping PID 1 is. */
async function unreapedChild(layout: Layout, name: string): Promise<number> {
    const parent = spawn('python3', ['-c', NEGLECTFUL_PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (parent.pid !== undefined) parents.push(parent.pid);
    const printed = await new Promise<string>((resolve) => {
        parent.stdout.once('data', (data: Buffer) => {
            resolve(data.toString());
        });
    });
    const pid = Number(printed);
    while (group(pid) !== String(pid)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    mkdirSync(layout.run, { recursive: true });
    writeFileSync(layout.pidFile(name), JSON.stringify({ pid, startTicks: processStartTicks(pid), startedAt: '' }));
    return pid;
}

describe('stopProcess', () => {
    it('returns as soon as the process has exited, without waiting for it to be reaped', async () => {
        const layout = new Layout(mkdtempSync(path.join(tmpdir(), 'mpt-stop-')));
        const pid = await unreapedChild(layout, 'sleeper');

        const started = Date.now();
        const outcome = await stopProcess(layout, 'sleeper');
        const elapsed = Date.now() - started;

        // the process is still an unreaped zombie: without that this test would prove nothing
        expect(state(pid)).toBe('Z');
        expect(outcome).toBe('stopped');
        expect(elapsed).toBeLessThan(1000);
        expect(await stopProcess(layout, 'sleeper')).toBe('not running');
    });
});
