import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../../network/client';
import { ConfigError, loadConfig } from '../../../gateway/src/config';

describe('gateway configuration', () => {
    it('applies the documented defaults: the data directory beside the network, whatever the working directory', () => {
        const config = loadConfig({ MPT_CONNECTION_PROFILE: __filename }, '/srv/app');

        expect(config).toMatchObject({
            host: '127.0.0.1',
            port: 3000,
            connectionProfile: __filename,
            dataDir: path.join(repoRoot(), '.fabric', 'gateway'),
            bodyLimitBytes: 1048576,
            rateLimit: { perSecond: 20, burst: 40 },
            ipRateLimit: { perSecond: 100, burst: 200 },
        });
    });

    it('reads the per-client-IP limit, burst twice the rate', () => {
        const config = loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_IP_RATE_LIMIT_PER_SECOND: '7' });

        expect(config.ipRateLimit).toEqual({ perSecond: 7, burst: 14 });
    });

    it("keeps the gateway's state in schema gateway_state unless told, and refuses a schema name that is not plain", () => {
        expect(loadConfig({ MPT_CONNECTION_PROFILE: __filename }).stateSchema).toBe('gateway_state');
        expect(
            loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_GATEWAY_STATE_SCHEMA: 'yiwu_gw2' }).stateSchema,
        ).toBe('yiwu_gw2');
        expect(() =>
            loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_GATEWAY_STATE_SCHEMA: 'x; DROP SCHEMA public' }),
        ).toThrow(/MPT_GATEWAY_STATE_SCHEMA=.*lower-case PostgreSQL name/);
    });

    it('bases EPCIS identifiers on https://id.mpt.example/ unless told, and refuses a base that is no http(s) folder', () => {
        expect(loadConfig({ MPT_CONNECTION_PROFILE: __filename }).epcisIdBase).toBe('https://id.mpt.example/');
        expect(
            loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_EPCIS_ID_BASE: 'https://trace.yiwu.example/id/' })
                .epcisIdBase,
        ).toBe('https://trace.yiwu.example/id/');
        for (const base of ['https://trace.yiwu.example/id', 'urn:epc:id:', 'https://x.example/?q=/']) {
            expect(() => loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_EPCIS_ID_BASE: base })).toThrow(
                /MPT_EPCIS_ID_BASE=.*http\(s\) URL ending in \//,
            );
        }
    });

    it('sends webhooks to public addresses only unless MPT_WEBHOOK_ALLOWED_HOSTS lists hosts, addresses or CIDRs', () => {
        expect(loadConfig({ MPT_CONNECTION_PROFILE: __filename }).webhooks.allowedHosts).toEqual([]);
        expect(
            loadConfig({
                MPT_CONNECTION_PROFILE: __filename,
                MPT_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, 10.20.0.0/16,hooks.internal',
            }).webhooks.allowedHosts,
        ).toEqual(['127.0.0.1', '10.20.0.0/16', 'hooks.internal']);
        expect(() =>
            loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_WEBHOOK_ALLOWED_HOSTS: 'http://10.0.0.1/' }),
        ).toThrow(/MPT_WEBHOOK_ALLOWED_HOSTS=.*host names, IP addresses or CIDRs/);
    });

    it('takes the webhook secret key as 32 bytes of base64 or hex, and never echoes a wrong one', () => {
        const key = Buffer.alloc(32, 7);
        const of = (text: string): Buffer | undefined =>
            loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_WEBHOOK_SECRET_KEY: text }).webhooks.secretKey;
        expect(of('')).toBeUndefined();
        expect(of(key.toString('base64'))).toEqual(key);
        expect(of(key.toString('hex'))).toEqual(key);
        const short = Buffer.alloc(16, 7).toString('base64');
        expect(() => of(short)).toThrow(/MPT_WEBHOOK_SECRET_KEY=\(not shown\): must be empty or 32 bytes/);
        expect(() => of(short)).not.toThrow(short);
    });

    it('resolves a relative path setting against the working directory', () => {
        const config = loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_GATEWAY_DATA_DIR: 'data' }, '/srv/app');

        expect(config.dataDir).toBe('/srv/app/data');
    });

    it('lists every missing or invalid setting at once, with the usage table', () => {
        const attempt = (): unknown =>
            loadConfig({ MPT_GATEWAY_PORT: '70000', MPT_LOG_LEVEL: 'loud', MPT_CONNECTION_PROFILE: '/nope.json' });

        expect(attempt).toThrow(ConfigError);
        try {
            attempt();
        } catch (error) {
            const problems = (error as ConfigError).problems.join('\n');
            expect(problems).toMatch(/MPT_GATEWAY_PORT="70000"/);
            expect(problems).toMatch(/MPT_LOG_LEVEL="loud"/);
            expect(problems).toMatch(/MPT_CONNECTION_PROFILE="\/nope.json": file does not exist/);
            expect((error as Error).message).toMatch(/MPT_RATE_LIMIT_BURST/);
        }
    });
});
