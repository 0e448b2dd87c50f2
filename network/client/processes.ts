import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the supervisor records of each process it starts, in `<state dir>/run/<name>.pid`. */
export interface PidRecord {
    pid: number;
    /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused PID apart. */
    startTicks: string;
    startedAt: string;
}

const RUN_DIR = 'run';
const PID_SUFFIX = '.pid';

export const runDir = (stateDir: string): string => path.join(stateDir, RUN_DIR);

export const pidFile = (stateDir: string, processName: string): string =>
    path.join(runDir(stateDir), `${processName}${PID_SUFFIX}`);

/** The names of the processes the supervisor has a record of (running or not), in `stateDir`. */
export function recordedProcessNames(stateDir: string): string[] {
    let files: string[];
    try {
        files = readdirSync(runDir(stateDir));
    } catch {
        return [];
    }
    return files.filter((file) => file.endsWith(PID_SUFFIX)).map((file) => file.slice(0, -PID_SUFFIX.length));
}

/** The record of one process, or undefined when the supervisor has none. */
export function readPidRecord(file: string): PidRecord | undefined {
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
    return JSON.parse(text) as PidRecord;
}

/**
 * State letter, process group, start time and CPU time so far (user + system, in clock ticks) of a process (or of
 * one thread: `<pid>/task/<tid>`), from its /proc stat file; undefined when there is no such process.
 */
export function procStat(
    pid: number | string,
): { state: string; group: string; startTicks: string; cpuTicks: number } | undefined {
    let stat: string;
    try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
        return undefined;
    }
    // the command name in field 2 may contain spaces; the fields after its closing parenthesis do not
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
        state: fields[0] ?? '',
        group: fields[2] ?? '',
        startTicks: fields[19] ?? '',
        cpuTicks: Number(fields[11]) + Number(fields[12]),
    };
}

/** Linux's USER_HZ: /proc counts CPU time in hundredths of a second. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user and system, ms) that the processes the supervisor started for the network in `stateDir` have used
 * so far: peers, orderers, chaincode servers, CAs. A process that has exited, or whose PID another process has taken
 * since (told apart by its start time), counts nothing, and so does every process where /proc cannot be read.
 * Differences between two calls are what a stretch of work cost the network, whatever else runs on the machine.
 */
export function networkCpuMs(stateDir: string): number {
    let ticks = 0;
    for (const name of recordedProcessNames(stateDir)) {
        const record = readPidRecord(pidFile(stateDir, name));
        if (record === undefined) continue;
        const stat = procStat(record.pid);
        if (stat === undefined || stat.startTicks !== record.startTicks) continue;
        ticks += stat.cpuTicks;
    }
    return (ticks * 1000) / TICKS_PER_SECOND;
}
