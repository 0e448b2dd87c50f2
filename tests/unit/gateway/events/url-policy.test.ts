import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { guardedPost, isAllowListEntry, WebhookUrlPolicy, WebhookUrlRefused } from '../../../../gateway/src/events';

/**
 * Where webhooks may go (docs/events.md): public addresses only unless MPT_WEBHOOK_ALLOWED_HOSTS allows a host,
 * checked at subscription and again in the DNS lookup a delivery connects with (DNS rebinding).
 */

/** A resolver answering `answers[host]` (a host it does not know: ENOTFOUND), counting its calls. */
function fakeDns(answers: Record<string, string[]>): { lookup: ConstructorParameters<typeof WebhookUrlPolicy>[1] } {
    const lookup = ((
        hostname: string,
        options: { all?: boolean },
        callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ): void => {
        const found = answers[hostname];
        if (found === undefined) {
            callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
            return;
        }
        const all = found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        if (options.all === true) callback(null, all);
        else callback(null, all[0]?.address ?? '', all[0]?.family);
    }) as ConstructorParameters<typeof WebhookUrlPolicy>[1];
    return { lookup };
}

const refusal = (check: () => unknown): string => {
    try {
        check();
    } catch (error) {
        if (error instanceof WebhookUrlRefused) return error.message;
        throw error;
    }
    return 'allowed';
};

describe('the webhook URL policy', () => {
    it('refuses loopback, private, link-local (cloud metadata), unique-local and IPv4-in-IPv6 addresses by default', () => {
        const policy = new WebhookUrlPolicy();
        const refused = [
            'http://127.0.0.1:8080/hook',
            'http://10.1.2.3/',
            'http://172.20.0.1/',
            'http://192.168.1.10/',
            'http://169.254.169.254/latest/meta-data/',
            'http://100.64.0.1/',
            'http://0.0.0.0/',
            'http://[::1]/',
            'http://[fd00:ec2::254]/',
            'http://[fe80::1]/',
            'http://[::ffff:127.0.0.1]/',
            'http://[::ffff:a9fe:a9fe]/',
        ];
        const answers = refused.map((url) => refusal(() => policy.checkUrl(url)));

        expect(answers.filter((answer) => answer === 'allowed')).toEqual([]);
        expect(answers[4]).toBe(
            '169.254.169.254 is a link-local address (169.254.169.254): webhooks go to public addresses unless ' +
                'MPT_WEBHOOK_ALLOWED_HOSTS allows it / 169.254.169.254 是链路本地地址（169.254.169.254）：Webhook ' +
                '只发往公网地址，除非 MPT_WEBHOOK_ALLOWED_HOSTS 允许',
        );
        expect(refusal(() => policy.checkUrl('http://93.184.215.14/hook'))).toBe('allowed');
        expect(refusal(() => policy.checkUrl('https://[2606:4700::1111]/hook'))).toBe('allowed');
        expect(refusal(() => policy.checkUrl('ftp://93.184.215.14/hook'))).toMatch(/http or https/);
        expect(refusal(() => policy.checkUrl('file:///etc/passwd'))).toMatch(/http or https/);
    });

    it('allows exactly the listed addresses, CIDRs and host names', async () => {
        const policy = new WebhookUrlPolicy(
            ['127.0.0.1', '10.20.0.0/16', 'hooks.internal'],
            fakeDns({ 'hooks.internal': ['10.9.9.9'], 'other.internal': ['10.9.9.9'] }).lookup,
        );

        expect(refusal(() => policy.checkUrl('http://127.0.0.1:9/'))).toBe('allowed');
        expect(refusal(() => policy.checkUrl('http://127.0.0.2:9/'))).toMatch(/loopback/);
        expect(refusal(() => policy.checkUrl('http://10.20.255.1/'))).toBe('allowed');
        expect(refusal(() => policy.checkUrl('http://10.21.0.1/'))).toMatch(/private/);
        await expect(policy.checkSubscription('http://hooks.internal/x')).resolves.toBeUndefined();
        await expect(policy.checkSubscription('http://other.internal/x')).rejects.toThrow(
            /other.internal is a private address \(10.9.9.9\)/,
        );
        // a name that does not resolve yet is left to the delivery's own check
        await expect(policy.checkSubscription('https://not-yet.example/x')).resolves.toBeUndefined();
    });

    it('takes host names, addresses and CIDRs as allow-list entries, nothing else', () => {
        expect(
            ['localhost', 'hooks.example.cn', '127.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1'].every(isAllowListEntry),
        ).toBe(true);
        expect(['10.0.0.0/33', 'http://x', 'a b', '10.0.0.0/8/1', '', '::1/129'].some(isAllowListEntry)).toBe(false);
    });

    describe('at delivery time', () => {
        let server: Server;
        let port = 0;
        let hits = 0;

        beforeAll(async () => {
            server = createServer((req, res) => {
                hits += 1;
                req.resume();
                res.writeHead(204).end();
            });
            await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
            port = (server.address() as AddressInfo).port;
        });
        afterAll(async () => {
            await new Promise<void>((resolve) => {
                server.close(() => {
                    resolve();
                });
            });
        });

        it('refuses a name that now resolves to loopback (DNS rebinding) before connecting, and sends when allowed', async () => {
            const dns = fakeDns({ 'rebound.example': ['127.0.0.1'] });
            const url = `http://rebound.example:${port}/hook`;
            hits = 0;

            const post = guardedPost(new WebhookUrlPolicy([], dns.lookup));
            await expect(post(url, {}, '{}', 2000)).rejects.toBeInstanceOf(WebhookUrlRefused);
            expect(hits).toBe(0);

            const allowed = guardedPost(new WebhookUrlPolicy(['127.0.0.1'], dns.lookup));
            await expect(allowed(url, {}, '{}', 2000)).resolves.toBe(204);
            expect(hits).toBe(1);
        });
    });
});
