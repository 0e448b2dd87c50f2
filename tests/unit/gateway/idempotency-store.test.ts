import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IdempotencyStore } from '../../../gateway/src/idempotency/store';

const DAY = 24 * 3600 * 1000;
const scope = (seed: string): string => createHash('sha256').update(seed).digest('hex');

describe('idempotency records on disk', () => {
    let dataDir: string;
    let clock: number;
    let store: IdempotencyStore;
    const files = (): string[] => readdirSync(path.join(dataDir, 'idempotency')).sort();
    const put = (seed: string): Promise<void> =>
        store.put(scope(seed), {
            requestHash: 'h',
            createdAt: new Date(clock).toISOString(),
            state: 'done',
            submissions: [],
        });

    beforeEach(() => {
        jest.useFakeTimers({ doNotFake: ['Date'] });
        dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-idem-'));
        clock = Date.parse('2026-01-01T00:00:00Z');
        store = new IdempotencyStore(dataDir, { ttlMs: 7 * DAY, now: (): number => clock });
    });
    afterEach(() => {
        jest.useRealTimers();
        rmSync(dataDir, { recursive: true, force: true });
    });

    it('are pruned at once and then on schedule, until pruning is stopped', async () => {
        await put('old');
        clock += 8 * DAY;
        await put('fresh');

        const stop = store.pruneEvery(3600_000, () => undefined);
        expect(files()).toEqual([`${scope('fresh')}.json`]);

        clock += 8 * DAY;
        await put('newer');
        jest.advanceTimersByTime(3600_000);
        expect(files()).toEqual([`${scope('newer')}.json`]);

        stop();
        clock += 8 * DAY;
        jest.advanceTimersByTime(10 * 3600_000);
        expect(files()).toEqual([`${scope('newer')}.json`]);
        expect(jest.getTimerCount()).toBe(0);
    });

    it('keep pruning after a round fails, and report the failure', async () => {
        const failures: unknown[] = [];
        await put('old');
        rmSync(path.join(dataDir, 'idempotency'), { recursive: true });

        const stop = store.pruneEvery(1000, (error) => failures.push(error));
        jest.advanceTimersByTime(1000);
        stop();

        expect(failures).toHaveLength(2);
    });

    it('prune every expired record even when another record cannot be read, and say which failed', async () => {
        await put('old');
        writeFileSync(path.join(dataDir, 'idempotency', `${scope('torn')}.json`), '{"requestHash":');
        clock += 8 * DAY;

        expect(() => store.prune()).toThrow('1 idempotency records could not be read');
        expect(files()).toEqual([`${scope('torn')}.json`]);
    });
});
