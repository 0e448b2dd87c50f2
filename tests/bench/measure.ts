/** One measured run of an operation: how many a second, latency quantiles in ms, and what failed. */
export interface Measured {
    /** Operations completed per second (`units` of each, for bulk: trades). */
    readonly perSecond: number;
    readonly p50: number;
    readonly p99: number;
    /** CPU time per unit done (ms), as the measure's {@link CpuClock} counts it. */
    readonly cpuMsPerUnit: number;
    readonly errors: number;
    /** The first error's message, to say what went wrong. */
    readonly firstError: string | undefined;
}

/** CPU time (ms) some set of processes has used so far: the difference over a stretch of calls is what they cost. */
export type CpuClock = () => number;

/** This process's own CPU time. */
export const ownCpuMs: CpuClock = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
};

/** What one stretch of calls gave, before it is summed with others. */
interface Sample {
    readonly latencies: number[];
    readonly seconds: number;
    /** CPU time used during the stretch (ms). */
    readonly cpuMs: number;
    readonly done: number;
    readonly errors: number;
    readonly firstError: string | undefined;
}

async function sample(
    total: number,
    inFlight: number,
    op: (i: number) => Promise<unknown>,
    units: number,
    firstIndex: number,
    cpuMs: CpuClock,
): Promise<Sample> {
    const latencies: number[] = [];
    let next = 0;
    let done = 0;
    let errors = 0;
    let firstError: string | undefined;
    const cpuBefore = cpuMs();
    const started = performance.now();
    const worker = async (): Promise<void> => {
        while (next < total) {
            const i = firstIndex + next++;
            const t = performance.now();
            try {
                await op(i);
                latencies.push(performance.now() - t);
                done += units;
            } catch (error) {
                errors += units;
                firstError ??= error instanceof Error ? error.message : String(error);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { latencies, seconds, cpuMs: cpuMs() - cpuBefore, done, errors, firstError };
}

function summarise(samples: readonly Sample[]): Measured {
    const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
    const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
    const done = samples.reduce((sum, s) => sum + s.done, 0);
    const at = (q: number): number =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    return {
        perSecond: done / seconds,
        p50: at(0.5),
        p99: at(0.99),
        cpuMsPerUnit: samples.reduce((sum, s) => sum + s.cpuMs, 0) / done,
        errors: samples.reduce((sum, s) => sum + s.errors, 0),
        firstError: samples.find((s) => s.firstError !== undefined)?.firstError,
    };
}

/**
 * Runs `op` `total` times with at most `inFlight` at once. Each call counts `units` (a bulk request of 500 rows is
 * 500 trades); a call that throws counts all of them as errors. `cpuMs` says whose CPU time the calls are charged.
 */
export async function measure(
    total: number,
    inFlight: number,
    op: (i: number) => Promise<unknown>,
    units = 1,
    cpuMs: CpuClock = ownCpuMs,
): Promise<Measured> {
    return summarise([await sample(total, inFlight, op, units, 0, cpuMs)]);
}

/** At most this many rounds each way; a round keeps at least two waves of `inFlight` calls. */
const MAX_ROUNDS = 5;

/**
 * Measures two ways of doing the same thing, `total` calls each, in alternating rounds (a, b, then b, a, ...): on a
 * shared machine the load changes within a minute, and one way measured wholly after the other would take that change
 * for a difference between them. Each round keeps at least two waves of `inFlight` calls, so a short run is one round
 * each way (a first, then b).
 */
export async function measureAlternating(
    total: number,
    inFlight: number,
    ops: readonly [(i: number) => Promise<unknown>, (i: number) => Promise<unknown>],
    units = 1,
    cpuMs: CpuClock = ownCpuMs,
): Promise<[Measured, Measured]> {
    const rounds = Math.max(1, Math.min(MAX_ROUNDS, Math.floor(total / (2 * inFlight))));
    const samples: [Sample[], Sample[]] = [[], []];
    for (let round = 0; round < rounds; round++) {
        const from = Math.floor((round * total) / rounds);
        const count = Math.floor(((round + 1) * total) / rounds) - from;
        const order = round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
        for (const side of order) {
            samples[side].push(await sample(count, inFlight, ops[side], units, from, cpuMs));
        }
    }
    return [summarise(samples[0]), summarise(samples[1])];
}
