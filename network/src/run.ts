import { execFile } from 'node:child_process';

/** Progress of long steps. The CLI prints it; tests may keep it quiet. */
export interface Reporter {
    step(message: string): void;
    detail(message: string): void;
}

export const silentReporter: Reporter = { step: () => undefined, detail: () => undefined };

export async function timed<T>(reporter: Reporter, message: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    reporter.step(`${message} ...`);
    const result = await work();
    reporter.detail(`${message}: done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return result;
}

export interface RunOptions {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutMs?: number;
}

export class CommandError extends Error {
    constructor(
        readonly command: string,
        readonly exitCode: number | null,
        readonly output: string,
    ) {
        super(`${command} failed (exit ${exitCode ?? 'signal'}):\n${output.trim().split('\n').slice(-15).join('\n')}`);
        this.name = 'CommandError';
    }
}

/** Runs a program to completion and returns stdout; a failure carries the tail of its output. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(
            file,
            args,
            {
                env: options.env ?? process.env,
                cwd: options.cwd,
                timeout: options.timeoutMs ?? 120_000,
                maxBuffer: 64 * 1024 * 1024,
            },
            (error, stdout, stderr) => {
                if (error) {
                    const code = typeof error.code === 'number' ? error.code : null;
                    reject(new CommandError([file, ...args].join(' '), code, `${stdout}\n${stderr}`));
                    return;
                }
                resolve(stdout);
            },
        );
    });
}

/** Resolves after `ms`, or early when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
        });
    });

/** Thrown by a `waitFor` attempt when waiting longer cannot help (the process it waits for has exited, say). */
export class GiveUp extends Error {
    override name = 'GiveUp';
}

export interface WaitOptions {
    timeoutMs?: number;
    intervalMs?: number;
    /** Told how long the wait took, when it took any (more than one attempt). */
    reporter?: Reporter;
}

/**
 * Retries `attempt` until it returns a value or the deadline passes; the last error explains the timeout. An
 * attempt that throws {@link GiveUp} ends the wait at once with that error.
 */
export async function waitFor<T>(
    what: string,
    attempt: () => Promise<T | undefined>,
    { timeoutMs = 60_000, intervalMs = 250, reporter }: WaitOptions = {},
): Promise<T> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    let lastError: unknown;
    for (let attempts = 1; ; attempts++) {
        try {
            const value = await attempt();
            if (value !== undefined) {
                if (attempts > 1) {
                    reporter?.detail(`  waited ${((Date.now() - started) / 1000).toFixed(1)}s for ${what}`);
                }
                return value;
            }
        } catch (error) {
            if (error instanceof GiveUp) {
                throw new Error(`gave up waiting for ${what}: ${error.message}`, { cause: error });
            }
            lastError = error;
        }
        if (Date.now() > deadline) {
            const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
            throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${reason}`);
        }
        await sleep(intervalMs);
    }
}
