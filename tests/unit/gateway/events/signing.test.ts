import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import {
    DEFAULT_RETRY_POLICY,
    newWebhookSecret,
    retryDelayMs,
    signatureOf,
    webhookHeaders,
} from '../../../../gateway/src/events';

describe('Standard Webhooks signatures', () => {
    it('match the specification’s published example', () => {
        // https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md (signature example)
        const signature = signatureOf(
            'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
            'msg_p5jXN8AQM9LWM0D4loKWxJek',
            1614265330,
            '{"test": 2432232314}',
        );
        expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    });

    it('verify with the reference library, and a changed body or another secret does not', () => {
        const secret = newWebhookSecret();
        const body = JSON.stringify({ type: 'TradeRegistered', data: { tradeNo: 'T-1' } });
        const now = Math.floor(Date.now() / 1000);
        const headers = webhookHeaders(secret, 'tx-1', now, body);

        expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
        expect(() => new Webhook(secret).verify(body.replace('T-1', 'T-2'), headers)).toThrow();
        expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    });

    it('a new secret is whsec_ and 32 random bytes, never the same twice', () => {
        const secrets = [newWebhookSecret(), newWebhookSecret()];
        for (const secret of secrets) {
            expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
            expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
        }
        expect(secrets[0]).not.toBe(secrets[1]);
    });
});

describe('retry schedule', () => {
    it('doubles from the first wait up to the longest, and ends after the last attempt', () => {
        const middle = (): number => 0.5;
        const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(attempt, DEFAULT_RETRY_POLICY, middle));
        expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, undefined]);

        const long = { ...DEFAULT_RETRY_POLICY, maxAttempts: 20 };
        expect(retryDelayMs(19, long, middle)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
    });

    it('spreads each wait by the jitter at most, both ways', () => {
        const lowest = retryDelayMs(3, DEFAULT_RETRY_POLICY, () => 0);
        const highest = retryDelayMs(3, DEFAULT_RETRY_POLICY, () => 0.999_999);
        expect(lowest).toBe(32_000);
        expect(highest).toBeGreaterThan(47_999);
        expect(highest).toBeLessThanOrEqual(48_000);
        const waits = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, DEFAULT_RETRY_POLICY)));
        for (const wait of waits) {
            expect(wait).toBeGreaterThanOrEqual(32_000);
            expect(wait).toBeLessThanOrEqual(48_000);
        }
        // guard: real randomness did spread them
        expect(waits.size).toBeGreaterThan(1);
    });
});
