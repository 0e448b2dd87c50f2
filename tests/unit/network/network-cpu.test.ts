import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { networkCpuMs, pidFile, recordedProcessNames } from '../../../network/client';

/** utime + stime (ms) and start time of a process, read from /proc the way the kernel documents the fields. */
function procCpu(pid: number): { cpuMs: number; startTicks: string } {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, startTicks: fields[19] ?? '' };
}

const children: ChildProcess[] = [];
let stateDir = '';

afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
});

/** A process that burns `ms` of CPU time, says so, then idles until killed. */
async function burner(ms: number): Promise<number> {
    const child = spawn(
        process.execPath,
        ['-e', `while (process.cpuUsage().user < ${ms * 1000}); console.log('burnt'); setInterval(() => {}, 1e6);`],
        { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    await new Promise<void>((resolve) => {
        child.stdout.once('data', () => {
            resolve();
        });
    });
    return child.pid ?? 0;
}

function record(name: string, pid: number, startTicks: string): void {
    writeFileSync(pidFile(stateDir, name), JSON.stringify({ pid, startTicks, startedAt: new Date().toISOString() }));
}

describe("the network's CPU time, for the bench", () => {
    it('sums the CPU time of the live processes the supervisor recorded, and nothing of a reused or gone PID', async () => {
        stateDir = mkdtempSync(path.join(tmpdir(), 'mpt-cpu-'));
        mkdirSync(path.join(stateDir, 'run'));
        const peer = await burner(300);
        const orderer = await burner(100);
        const gone = await burner(1);
        const goneStart = procCpu(gone).startTicks;
        const goneChild = children.find((c) => c.pid === gone);
        const reaped = new Promise((resolve) => goneChild?.once('exit', resolve));
        goneChild?.kill('SIGKILL');
        await reaped;
        record('peer0.market', peer, procCpu(peer).startTicks);
        record('orderer0', orderer, procCpu(orderer).startTicks);
        // a PID since taken by another process: same number, another start time
        record('peer0.bank', process.pid, '1');
        record('ca.market', gone, goneStart);
        writeFileSync(path.join(stateDir, 'run', 'mpt.market.deployed.json'), '{}');

        const counted = networkCpuMs(stateDir);

        expect(recordedProcessNames(stateDir).sort()).toEqual(['ca.market', 'orderer0', 'peer0.bank', 'peer0.market']);
        expect(counted).toBe(procCpu(peer).cpuMs + procCpu(orderer).cpuMs);
        // /proc counts in 10 ms ticks
        expect(counted).toBeGreaterThanOrEqual(380);
    });

    it('counts nothing for a network that has never run', () => {
        stateDir = mkdtempSync(path.join(tmpdir(), 'mpt-cpu-'));

        expect(networkCpuMs(stateDir)).toBe(0);
        expect(recordedProcessNames(stateDir)).toEqual([]);
    });
});
