import { describe, expect, it } from '@jest/globals';
import { measure } from '../../bench/measure';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe("the bench's measure", () => {
    it('runs every call once with at most inFlight at once, counting units per call', async () => {
        const seen: number[] = [];
        let running = 0;
        let most = 0;

        const measured = await measure(
            10,
            3,
            async (i) => {
                running += 1;
                most = Math.max(most, running);
                seen.push(i);
                await tick();
                running -= 1;
            },
            5,
        );

        expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(most).toBe(3);
        expect(measured).toMatchObject({ errors: 0, firstError: undefined });
        expect(measured.perSecond).toBeGreaterThan(0);
        expect(measured.p50).toBeLessThanOrEqual(measured.p99);
    });

    it('counts every unit of a failed call as failed, keeps the first message and leaves it out of the latencies', async () => {
        const measured = await measure(
            4,
            1,
            async (i) => {
                await tick();
                if (i % 2 === 1) throw new Error(`refused ${i}`);
            },
            10,
        );

        expect(measured).toMatchObject({ errors: 20, firstError: 'refused 1' });
    });

    it('answers no latency when nothing succeeded', async () => {
        const measured = await measure(2, 2, () => Promise.reject(new Error('down')));

        expect(measured).toMatchObject({ perSecond: 0, errors: 2, firstError: 'down' });
        expect(measured.p99).toBeNaN();
    });
});
