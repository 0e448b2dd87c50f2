import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { procStat, readPidRecord, type PidRecord } from '../client';
import type { Layout } from './layout';
import { GiveUp, sleep, waitFor, type Reporter } from './run';

export interface ProcessSpec {
    /** Unique within the network; names the log and pid files. */
    name: string;
    command: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    cwd?: string;
    /** Ports this process listens on; checked free before it starts. */
    ports: number[];
    /** The address it listens on (default 127.0.0.1; a host's own address when the network spans machines). */
    host?: string;
}

const readPid = (layout: Layout, name: string): PidRecord | undefined => readPidRecord(layout.pidFile(name));

/** Start time of a live (not zombie) process in clock ticks since boot, or undefined. */
export function processStartTicks(pid: number): string | undefined {
    const stat = procStat(pid);
    return stat === undefined || stat.state === 'Z' || stat.state === 'X' ? undefined : stat.startTicks;
}

/**
 * True while the process recorded for `name` exists and has not exited. A process that is exiting keeps
 * its sockets until it becomes a zombie, so only a zombie (or no process) counts as stopped; a PID taken
 * by another process since is recognised by its different start time.
 */
export function isRunning(layout: Layout, name: string): boolean {
    const record = readPid(layout, name);
    return record !== undefined && processStartTicks(record.pid) === record.startTicks;
}

export function recordedPid(layout: Layout, name: string): number | undefined {
    return readPid(layout, name)?.pid;
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
    return new Promise((resolve) => {
        const server = createServer();
        server.once('error', () => {
            resolve(false);
        });
        server.listen(port, host, () => {
            server.close(() => {
                resolve(true);
            });
        });
    });
}

/** Whether something accepts TCP connections on host:port (a server may be healthy before all its ports listen). */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = connect({ port, host });
        socket.once('connect', () => {
            socket.destroy();
            resolve(true);
        });
        socket.once('error', () => {
            socket.destroy();
            resolve(false);
        });
    });
}

/**
 * Starts a process in its own process group (so stopping it also stops anything it forked), with output
 * appended to its log file and its PID recorded so that `down` works from any shell.
 */
export async function startProcess(layout: Layout, spec: ProcessSpec): Promise<void> {
    if (isRunning(layout, spec.name)) {
        return;
    }
    const host = spec.host ?? '127.0.0.1';
    for (const port of spec.ports) {
        if (!(await isPortFree(port, host))) {
            throw new Error(
                `cannot start ${spec.name}: port ${port} on ${host} is already in use by another program ` +
                    `(find it with: ss -ltnp 'sport = :${port}')`,
            );
        }
    }
    mkdirSync(layout.logs, { recursive: true });
    mkdirSync(layout.run, { recursive: true });
    const log = openSync(layout.log(spec.name), 'a');
    const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: ['ignore', log, log],
    });
    closeSync(log);
    // record the PID first thing, so an interrupted supervisor leaves no process it does not know about
    const pid = child.pid;
    const startTicks = pid === undefined ? undefined : procStat(pid)?.startTicks;
    if (pid !== undefined && startTicks !== undefined) {
        const record: PidRecord = { pid, startTicks, startedAt: new Date().toISOString() };
        writeFileSync(layout.pidFile(spec.name), JSON.stringify(record));
    }
    await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (error) => {
            reject(new Error(`cannot start ${spec.name}: ${spec.command}: ${error.message}`));
        });
    });
    if (startTicks === undefined) {
        throw new Error(`cannot start ${spec.name}: ${spec.command} exited at once (see ${layout.log(spec.name)})`);
    }
    child.unref();
}

/**
 * Waits until the process started for `spec` accepts connections on every port it listens on: a Fabric node
 * reports healthy on its operations port before its gRPC and admin ports listen, and a client that comes too
 * early gets "connection refused". Gives up at once when the process has exited.
 */
export async function waitListening(
    layout: Layout,
    spec: ProcessSpec,
    reporter?: Reporter,
    timeoutMs = 90_000,
): Promise<void> {
    await waitFor(
        `${spec.name} to listen on ${spec.ports.join(', ')}`,
        async () => {
            if (!isRunning(layout, spec.name)) {
                throw new GiveUp(`${spec.name} is not running (see ${layout.log(spec.name)})`);
            }
            for (const port of spec.ports) {
                if (!(await isListening(port, spec.host))) {
                    return undefined;
                }
            }
            return true;
        },
        { timeoutMs, reporter },
    );
}

/** Every thread of a process has exited (a zombie waiting to be reaped, or no process at all). */
function allThreadsExited(pid: string): boolean {
    let tasks: string[];
    try {
        tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
        return true;
    }
    return tasks.every((task) => {
        const state = procStat(`${pid}/task/${task}`)?.state;
        return state === undefined || state === 'Z' || state === 'X';
    });
}

/**
 * True while any process of the group led by `pid` has a thread that has not exited. A process whose main
 * thread has exited shows as a zombie while its other threads still hold its sockets, so every thread counts.
 * A process whose threads have all exited holds no file or socket, so it counts as gone before it is reaped:
 * an orphan is reaped by PID 1, which on some hosts (a VM's init, a container's) does it only every 2 s or so.
 */
function groupAlive(pid: number): boolean {
    const group = String(pid);
    return readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .some((member) => procStat(member)?.group === group && !allThreadsExited(member));
}

async function waitGone(pid: number, until: number): Promise<boolean> {
    while (groupAlive(pid) && Date.now() < until) {
        await sleep(50);
    }
    return !groupAlive(pid);
}

/** How a stop went: the process was not running, ended on SIGTERM, or was killed after the grace period. */
export type StopOutcome = 'not running' | 'stopped' | 'killed';

/** Stops the process group of `name`: SIGTERM, then SIGKILL after a grace period; returns once it is gone. */
export async function stopProcess(layout: Layout, name: string, graceMs = 10_000): Promise<StopOutcome> {
    const record = readPid(layout, name);
    let outcome: StopOutcome = 'not running';
    if (record && isRunning(layout, name)) {
        signalGroup(record.pid, 'SIGTERM');
        outcome = 'stopped';
        if (!(await waitGone(record.pid, Date.now() + graceMs))) {
            signalGroup(record.pid, 'SIGKILL');
            outcome = 'killed';
            await waitGone(record.pid, Date.now() + 5_000);
        }
    }
    rmSync(layout.pidFile(name), { force: true });
    return outcome;
}

/** Resident memory of the recorded process in MiB, or undefined when it is not running. */
export function residentMiB(layout: Layout, name: string): number | undefined {
    const record = readPid(layout, name);
    if (!record || !isRunning(layout, name)) {
        return undefined;
    }
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${record.pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) / 1024);
}

/** Kills a process group at once, as a crash would (used to test recovery). */
export function crashProcess(layout: Layout, name: string): void {
    const record = readPid(layout, name);
    if (record && isRunning(layout, name)) {
        signalGroup(record.pid, 'SIGKILL');
    }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch {
        // the group is already gone
    }
}
