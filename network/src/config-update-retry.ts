import { CommandError, sleep, type Reporter } from './run';

/** A refusal by the ordering service that can pass within seconds, so the same work is worth doing again. */
export interface TransientRefusal {
    /** What the refusal means, in plain words. */
    meaning: string;
    /** The orderer's reason, one line, as the `peer` CLI printed it. */
    reason: string;
}

/**
 * The refusals worth a retry, by the text Fabric 2.5 gives them. `peer channel update` prints the orderer's broadcast
 * answer as `got unexpected status: <status> -- <info>`; `peer channel fetch` prints a deliver status as
 * `can't read the block: &{<status>}`. SERVICE_UNAVAILABLE is what a Raft node answers while the cluster has no
 * leader ("no Raft leader", or a submit forwarded to a leader that just died), except in maintenance mode, which an
 * operator sets and which does not pass by waiting.
 */
const TRANSIENT_REFUSALS: readonly { pattern: RegExp; meaning: string }[] = [
    {
        pattern:
            /got unexpected status: BAD_REQUEST -- .*error validating ReadSet: proposed update requires that key .+ be at version \d+, but it is currently at version \d+.*$/m,
        meaning:
            "the update was computed from a channel config older than the orderer's (a node that has just restarted may still serve an old one)",
    },
    {
        pattern: /got unexpected status: SERVICE_UNAVAILABLE -- (?!maintenance mode).*$/m,
        meaning: 'the ordering service has no Raft leader for now (it elects one within seconds of losing a node)',
    },
    {
        pattern: /can't read the block: &\{SERVICE_UNAVAILABLE\}.*$/m,
        meaning:
            'the orderer would not serve the channel config: it has no Raft leader for now (it elects one within seconds of losing a node)',
    },
];

/** The transient refusal `error` reports, if it is one (a failed `peer` command's output, or any error's message). */
export function transientRefusal(error: unknown): TransientRefusal | undefined {
    const text = error instanceof CommandError ? error.output : error instanceof Error ? error.message : String(error);
    for (const { pattern, meaning } of TRANSIENT_REFUSALS) {
        const match = pattern.exec(text);
        if (match) {
            return { meaning, reason: match[0].trim() };
        }
    }
    return undefined;
}

export interface RetryOptions {
    /** Attempts in all, the first included. */
    attempts?: number;
    /** The wait after the first refusal; each further wait is twice the one before. */
    firstDelayMs?: number;
    /** How a wait is spent (a test records it instead of sleeping). */
    wait?: (ms: number) => Promise<void>;
}

/**
 * Runs `attempt` (given its number, from 1) and returns its result. When it fails with a {@link transientRefusal}, the
 * reporter says which attempt was refused, the orderer's reason and what happens next, and after a growing wait the
 * attempt runs again; `retrying` says, in a few words, what a new attempt does. Any other failure, or a transient one
 * on the last attempt, is thrown as it is. With the defaults: 4 attempts, 7 s of waiting at most (1 + 2 + 4 s).
 */
export async function retryTransientRefusals<T>(
    attempt: (number: number) => Promise<T>,
    retrying: string,
    reporter: Reporter,
    { attempts = 4, firstDelayMs = 1000, wait = sleep }: RetryOptions = {},
): Promise<T> {
    for (let number = 1; ; number++) {
        try {
            return await attempt(number);
        } catch (error) {
            const refusal = transientRefusal(error);
            if (!refusal) {
                throw error;
            }
            const refused = `  attempt ${number} of ${attempts} refused: ${refusal.meaning}. The orderer said: ${refusal.reason}`;
            if (number >= attempts) {
                reporter.detail(`${refused}. Giving up after ${attempts} attempts.`);
                throw error;
            }
            const delayMs = firstDelayMs * 2 ** (number - 1);
            reporter.detail(`${refused}. In ${(delayMs / 1000).toFixed(1)}s, ${retrying}.`);
            await wait(delayMs);
        }
    }
}
