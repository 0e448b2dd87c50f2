/** One measured run of an operation: how many a second, latency quantiles in ms, and what failed. */
export interface Measured {
    /** Operations completed per second (`units` of each, for bulk: trades). */
    readonly perSecond: number;
    readonly p50: number;
    readonly p99: number;
    readonly errors: number;
    /** The first error's message, to say what went wrong. */
    readonly firstError: string | undefined;
}

/**
 * Runs `op` `total` times with at most `inFlight` at once. Each call counts `units` (a bulk request of 500 rows is
 * 500 trades); a call that throws counts all of them as errors.
 */
export async function measure(
    total: number,
    inFlight: number,
    op: (i: number) => Promise<unknown>,
    units = 1,
): Promise<Measured> {
    const latencies: number[] = [];
    let next = 0;
    let done = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const worker = async (): Promise<void> => {
        while (next < total) {
            const i = next++;
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
    latencies.sort((a, b) => a - b);
    const at = (q: number): number =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    return { perSecond: done / seconds, p50: at(0.5), p99: at(0.99), errors, firstError };
}
