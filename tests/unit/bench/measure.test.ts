import { describe, expect, it } from '@jest/globals';
import { measure, measureAlternating } from '../../bench/measure';

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

    it('charges each side the CPU time its own calls used, per unit done', async () => {
        let used = 0;
        const clock = (): number => used;
        const costing = (ms: number) => async (): Promise<void> => {
            used += ms;
            await tick();
        };

        const [cheap, dear] = await measureAlternating(8, 2, [costing(3), costing(40)], 4, clock);
        const alone = await measure(5, 1, costing(10), 2, clock);

        expect(cheap.cpuMsPerUnit).toBeCloseTo(3 / 4);
        expect(dear.cpuMsPerUnit).toBeCloseTo(40 / 4);
        expect(alone.cpuMsPerUnit).toBeCloseTo(10 / 2);
    });

    it("counts this process's own CPU time by default", async () => {
        const measured = await measure(3, 1, async () => {
            let x = 0;
            for (let i = 0; i < 3e5; i++) x += Math.sqrt(i);
            expect(x).toBeGreaterThan(0);
            await tick();
        });

        expect(measured.cpuMsPerUnit).toBeGreaterThan(0);
    });

    it('answers no latency when nothing succeeded', async () => {
        const measured = await measure(2, 2, () => Promise.reject(new Error('down')));

        expect(measured).toMatchObject({ perSecond: 0, errors: 2, firstError: 'down' });
        expect(measured.p99).toBeNaN();
    });

    it('alternates the two ways in rounds of at least two waves, each way running every call once', async () => {
        const log: string[] = [];
        const way =
            (name: 'a' | 'b') =>
            async (i: number): Promise<void> => {
                log.push(`${name}:${i}`);
                await tick();
            };

        const [a, b] = await measureAlternating(40, 4, [way('a'), way('b')]);

        // five rounds of 8 calls (two waves of 4): a then b, b then a, a then b, ...
        const at = (call: string): number => log.indexOf(call);
        expect(at('a:7')).toBeLessThan(at('b:0'));
        expect(at('b:15')).toBeLessThan(at('a:8'));
        expect(at('a:23')).toBeLessThan(at('b:16'));
        expect(at('b:31')).toBeLessThan(at('a:24'));
        expect(at('a:39')).toBeLessThan(at('b:32'));
        const calls = Array.from({ length: 40 }, (_, i) => i);
        for (const name of ['a', 'b']) {
            const indices = log.filter((c) => c.startsWith(`${name}:`)).map((c) => Number(c.slice(2)));
            expect(indices.sort((x, y) => x - y)).toEqual(calls);
        }
        expect(a).toMatchObject({ errors: 0 });
        expect(b.perSecond).toBeGreaterThan(0);
    });

    it('runs a short pair as one round each way, the first way first, and sums failures over rounds', async () => {
        const order: string[] = [];
        const [a, b] = await measureAlternating(
            2,
            1,
            [
                async (): Promise<void> => {
                    order.push('a');
                    await tick();
                },
                async (i): Promise<void> => {
                    order.push('b');
                    await tick();
                    throw new Error(`refused ${i}`);
                },
            ],
            500,
        );

        expect(order).toEqual(['a', 'a', 'b', 'b']);
        expect(a).toMatchObject({ errors: 0 });
        expect(b).toMatchObject({ perSecond: 0, errors: 1000, firstError: 'refused 0' });
    });
});
