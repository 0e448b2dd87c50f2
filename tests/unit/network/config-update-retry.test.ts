import { describe, expect, it } from '@jest/globals';
import { retryTransientRefusals, transientRefusal } from '../../../network/src/config-update-retry';
import { CommandError, type Reporter } from '../../../network/src/run';

/** A failed `peer` command as `run` reports it: the CLI's log lines, then its `Error:` line (Fabric 2.5's texts). */
function peerFailure(subcommand: string, errorLine: string): CommandError {
    return new CommandError(
        `/opt/fabric/bin/peer channel ${subcommand} -c trade -o 127.0.0.1:7050 --tls --cafile tlsca.pem`,
        1,
        [
            '2026-11-30 14:20:31.870 UTC 0001 INFO [channelCmd] InitCmdFactory -> Endorser and orderer connections initialized',
            `Error: ${errorLine}`,
            '',
        ].join('\n'),
    );
}

const staleConfig = (currentVersion: number): string =>
    "got unexpected status: BAD_REQUEST -- error applying config update to existing channel 'trade': error authorizing update: error validating ReadSet: proposed update requires that key [Group]  /Channel/Application be at version 0, but it is currently at version " +
    String(currentVersion);
const noRaftLeader = 'got unexpected status: SERVICE_UNAVAILABLE -- no Raft leader';
const notEnoughSignatures =
    "got unexpected status: BAD_REQUEST -- error applying config update to existing channel 'trade': error authorizing update: error validating DeltaSet: policy for [Group]  /Channel/Application not satisfied: implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the 'Admins' sub-policies to be satisfied";

function recorder(): Reporter & { lines: string[] } {
    const lines: string[] = [];
    return { lines, step: (line) => lines.push(line), detail: (line) => lines.push(line) };
}

/** An attempt that fails with each of `failures` in turn, then returns `result`; it counts its calls. */
function scripted<T>(failures: Error[], result: T): { attempt: (number: number) => Promise<T>; numbers: number[] } {
    const numbers: number[] = [];
    return {
        numbers,
        attempt: (number): Promise<T> => {
            numbers.push(number);
            const failure = failures[numbers.length - 1];
            return failure ? Promise.reject(failure) : Promise.resolve(result);
        },
    };
}

/** Records the waits instead of sleeping. */
function waits(): { wait: (ms: number) => Promise<void>; delays: number[] } {
    const delays: number[] = [];
    return { delays, wait: (ms) => Promise.resolve(void delays.push(ms)) };
}

describe('transientRefusal', () => {
    it("finds the orderer's one-line reason for an update computed from a config that was behind", () => {
        expect(transientRefusal(peerFailure('update', staleConfig(1)))).toEqual({
            meaning: expect.stringContaining('channel config older than the orderer'),
            reason: staleConfig(1),
        });
    });

    it('finds a submit refused while the Raft cluster has no leader', () => {
        expect(transientRefusal(peerFailure('update', noRaftLeader))).toEqual({
            meaning: expect.stringContaining('no Raft leader'),
            reason: noRaftLeader,
        });
    });

    it('finds a config fetch refused while the Raft cluster has no leader', () => {
        const failure = new CommandError(
            '/opt/fabric/bin/peer channel fetch config config_block.pb -c trade',
            1,
            [
                '2026-11-30 14:20:31.902 UTC 0002 INFO [cli.common] readBlock -> Expect block, but got status: &{SERVICE_UNAVAILABLE}',
                "Error: can't read the block: &{SERVICE_UNAVAILABLE}",
            ].join('\n'),
        );
        expect(transientRefusal(failure)).toEqual({
            meaning: expect.stringContaining('would not serve the channel config'),
            reason: "can't read the block: &{SERVICE_UNAVAILABLE}",
        });
    });

    it('leaves refusals that waiting cannot cure: a missing signature, maintenance mode, an unknown channel', () => {
        expect(transientRefusal(peerFailure('update', notEnoughSignatures))).toBeUndefined();
        expect(
            transientRefusal(peerFailure('update', 'got unexpected status: SERVICE_UNAVAILABLE -- maintenance mode')),
        ).toBeUndefined();
        expect(transientRefusal(peerFailure('fetch', "can't read the block: &{NOT_FOUND}"))).toBeUndefined();
        expect(transientRefusal(new Error('connect ECONNREFUSED 127.0.0.1:7050'))).toBeUndefined();
    });
});

describe('retryTransientRefusals', () => {
    it('retries transient refusals after growing waits, says why each time, and returns the final success', async () => {
        const reporter = recorder();
        const { attempt, numbers } = scripted(
            [peerFailure('update', staleConfig(1)), peerFailure('update', noRaftLeader)],
            'added',
        );
        const { wait, delays } = waits();
        await expect(
            retryTransientRefusals(attempt, 'it starts again from a fresh config', reporter, { wait }),
        ).resolves.toBe('added');
        expect(numbers).toEqual([1, 2, 3]);
        expect(delays).toEqual([1000, 2000]);
        expect(reporter.lines).toEqual([
            expect.stringMatching(/^ {2}attempt 1 of 4 refused: the update was computed from a channel config older/),
            expect.stringMatching(/^ {2}attempt 2 of 4 refused: the ordering service has no Raft leader for now/),
        ]);
        expect(reporter.lines[0]).toContain(
            `The orderer said: ${staleConfig(1)}. In 1.0s, it starts again from a fresh config.`,
        );
        expect(reporter.lines[1]).toContain(
            `The orderer said: ${noRaftLeader}. In 2.0s, it starts again from a fresh config.`,
        );
    });

    it("fails at once with the orderer's message when a refusal is not transient", async () => {
        const reporter = recorder();
        const refusal = peerFailure('update', notEnoughSignatures);
        const { attempt, numbers } = scripted([refusal], 'added');
        const { wait, delays } = waits();
        await expect(retryTransientRefusals(attempt, 'again', reporter, { wait })).rejects.toBe(refusal);
        expect(refusal.message).toContain(notEnoughSignatures);
        expect(numbers).toEqual([1]);
        expect(delays).toEqual([]);
        expect(reporter.lines).toEqual([]);
    });

    it('fails at once on a non-transient refusal after a transient one', async () => {
        const refusal = peerFailure('update', notEnoughSignatures);
        const { attempt, numbers } = scripted([peerFailure('update', noRaftLeader), refusal], 'added');
        await expect(retryTransientRefusals(attempt, 'again', recorder(), waits())).rejects.toBe(refusal);
        expect(numbers).toEqual([1, 2]);
    });

    it('is bounded: four attempts, well under 30 s of waiting, and the last refusal is what the user sees', async () => {
        const reporter = recorder();
        const refusals = [1, 2, 3, 4, 5].map((version) => peerFailure('update', staleConfig(version)));
        const { attempt, numbers } = scripted(refusals, 'added');
        const { wait, delays } = waits();
        await expect(retryTransientRefusals(attempt, 'again', reporter, { wait })).rejects.toBe(refusals[3]);
        expect(numbers).toEqual([1, 2, 3, 4]);
        expect(delays).toEqual([1000, 2000, 4000]);
        expect(delays.reduce((total, ms) => total + ms, 0)).toBeLessThan(30_000);
        expect(reporter.lines).toHaveLength(4);
        expect(reporter.lines[3]).toMatch(
            /^ {2}attempt 4 of 4 refused: .* currently at version 4\. Giving up after 4 attempts\.$/,
        );
    });
});
