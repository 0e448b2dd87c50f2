import { describe, expect, it } from '@jest/globals';
import { MAX_CLIENTS, RateLimiter } from '../../../gateway/src/ops/rate-limit';

describe('RateLimiter', () => {
    it('keeps its memory bounded when every request comes from a new address, none of them refused', () => {
        const limiter = new RateLimiter({ perSecond: 1, burst: 5, now: (): number => 0 });
        const answers = new Set<number>();

        for (let i = 0; i < MAX_CLIENTS * 3; i++) answers.add(limiter.take(`ip:2001:db8::${i.toString(16)}`));

        expect([...answers]).toEqual([0]);
        expect(limiter.size).toBeLessThanOrEqual(MAX_CLIENTS);
        expect(limiter.size).toBeGreaterThan(MAX_CLIENTS / 2);
    });

    it('still limits a client that keeps asking while others come and go', () => {
        const limiter = new RateLimiter({ perSecond: 1, burst: 2, now: (): number => 0 });
        const mine = [limiter.take('me'), limiter.take('me')];
        for (let i = 0; i < 100; i++) limiter.take(`other-${i}`);

        expect([...mine, limiter.take('me')]).toEqual([0, 0, 1]);
    });
});
