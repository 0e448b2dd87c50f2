import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { withLock } from '../../../network/src/lock';
import { processStartTicks } from '../../../network/src/processes';
import { GiveUp, waitFor, type Reporter } from '../../../network/src/run';

function recorder(): Reporter & { lines: string[] } {
    const lines: string[] = [];
    return { lines, step: (line) => lines.push(line), detail: (line) => lines.push(line) };
}

describe('waitFor', () => {
    it('reports how long it waited when the first attempt did not succeed', async () => {
        const reporter = recorder();
        let attempts = 0;
        const value = await waitFor('the thing', () => Promise.resolve(++attempts < 3 ? undefined : 'ready'), {
            intervalMs: 1,
            reporter,
        });
        expect(value).toBe('ready');
        expect(reporter.lines).toEqual([expect.stringMatching(/^ {2}waited \d+\.\ds for the thing$/)]);
    });

    it('is bounded: names what it waited for and the last error', async () => {
        await expect(
            waitFor('the port', () => Promise.reject(new Error('connection refused')), {
                timeoutMs: 20,
                intervalMs: 1,
            }),
        ).rejects.toThrow('timed out after 0.02s waiting for the port: connection refused');
    });

    it('stops at once when an attempt gives up', async () => {
        let attempts = 0;
        const wait = waitFor(
            'the peer',
            () => {
                attempts++;
                return Promise.reject(new GiveUp('it exited'));
            },
            { timeoutMs: 60_000 },
        );
        await expect(wait).rejects.toThrow('gave up waiting for the peer: it exited');
        expect(attempts).toBe(1);
    });
});

describe('withLock', () => {
    it('waits a bounded time for a live holder, naming it', async () => {
        const file = path.join(mkdtempSync(path.join(tmpdir(), 'mpt-lock-')), 'supervisor.lock');
        // held by a live process (this one), as another supervisor would hold it
        writeFileSync(file, JSON.stringify({ pid: process.pid, started: processStartTicks(process.pid) }));
        const reporter = recorder();
        await expect(withLock(file, reporter, () => Promise.resolve('done'), 50)).rejects.toThrow(
            `timed out after 0.05s waiting for the supervisor with PID ${process.pid} to release ${file}`,
        );
        expect(reporter.lines[0]).toBe(`Waiting for the supervisor with PID ${process.pid} to release ${file}`);
    });
});
