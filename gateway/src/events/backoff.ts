/** How a failed webhook delivery is retried: exponential backoff with jitter, a bounded number of attempts. */
export interface RetryPolicy {
    /** The wait after the first failed attempt. */
    readonly firstDelayMs: number;
    /** No wait is longer than this. */
    readonly maxDelayMs: number;
    /** Attempts in all; after the last one fails, the delivery is DEAD. */
    readonly maxAttempts: number;
    /** Each wait is spread by up to this fraction either way, so receivers recovering are not hit all at once. */
    readonly jitter: number;
}

/** 10 s, 20 s, 40 s, ... up to 1 h: eight attempts span about 21 minutes before a delivery is DEAD. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
    firstDelayMs: 10_000,
    maxDelayMs: 3_600_000,
    maxAttempts: 8,
    jitter: 0.2,
};

/**
 * The wait after failed attempt number `attempt` (1 for the first), or undefined when it was the last.
 * `random` is in [0, 1) (Math.random; fixed in tests).
 */
export function retryDelayMs(
    attempt: number,
    policy: RetryPolicy,
    random: () => number = Math.random,
): number | undefined {
    if (attempt >= policy.maxAttempts) return undefined;
    const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
    const spread = 1 + policy.jitter * (2 * random() - 1);
    return Math.round(base * spread);
}
