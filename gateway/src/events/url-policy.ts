import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may be sent (docs/events.md, "Where deliveries may go"). An admin's URL must not turn the gateway
 * into a proxy into its own network (SSRF): by default only http(s) to public addresses, never loopback, private,
 * carrier-grade NAT, link-local (cloud metadata at 169.254.169.254), unique-local, multicast or reserved ones.
 * `MPT_WEBHOOK_ALLOWED_HOSTS` opens exact host names, addresses or CIDRs for receivers inside the network.
 * The address is checked again in the very DNS lookup a delivery connects with, so a name that resolved to a
 * public address at subscription time and to an internal one later (DNS rebinding) is refused too.
 */

interface Range {
    readonly network: string;
    readonly prefix: number;
    readonly type: 'ipv4' | 'ipv6';
    readonly en: string;
    readonly zh: string;
}

const range = (network: string, prefix: number, en: string, zh: string): Range => ({
    network,
    prefix,
    type: isIP(network) === 6 ? 'ipv6' : 'ipv4',
    en,
    zh,
});

const NOT_PUBLIC = [
    range('0.0.0.0', 8, '"this network"', '本网络'),
    range('10.0.0.0', 8, 'private', '私有'),
    range('100.64.0.0', 10, 'carrier-grade NAT', '运营商 NAT'),
    range('127.0.0.0', 8, 'loopback', '环回'),
    range('169.254.0.0', 16, 'link-local', '链路本地'),
    range('172.16.0.0', 12, 'private', '私有'),
    range('192.0.0.0', 24, 'reserved', '保留'),
    range('192.168.0.0', 16, 'private', '私有'),
    range('198.18.0.0', 15, 'reserved', '保留'),
    range('224.0.0.0', 4, 'multicast', '组播'),
    range('240.0.0.0', 4, 'reserved', '保留'),
    range('::', 128, 'unspecified', '未指定'),
    range('::1', 128, 'loopback', '环回'),
    range('fc00::', 7, 'unique-local', '唯一本地'),
    range('fe80::', 10, 'link-local', '链路本地'),
    range('ff00::', 8, 'multicast', '组播'),
].map((r) => ({ ...r, list: listOf(r) }));

function listOf(r: Range): BlockList {
    const list = new BlockList();
    list.addSubnet(r.network, r.prefix, r.type);
    return list;
}

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** The non-public range an address is in, or undefined when it is public. */
function nonPublicRange(address: string): (typeof NOT_PUBLIC)[number] | undefined {
    const family = familyOf(address);
    // an IPv4 address written as IPv6 (::ffff:127.0.0.1, 64:ff9b::7f00:1) reaches the IPv4 host
    const embedded = family === 'ipv6' ? embeddedIpv4(address) : undefined;
    if (embedded !== undefined) return nonPublicRange(embedded);
    return NOT_PUBLIC.find((r) => r.type === family && r.list.check(address, family));
}

function embeddedIpv4(address: string): string | undefined {
    const lower = address.toLowerCase();
    const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (dotted?.[1] !== undefined) return dotted[1];
    const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (hex?.[1] === undefined || hex[2] === undefined) return undefined;
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** A URL the policy refuses, with the reason in English and Chinese. */
export class WebhookUrlRefused extends Error {
    constructor(
        readonly en: string,
        readonly zh: string,
    ) {
        super(`${en} / ${zh}`);
        this.name = 'WebhookUrlRefused';
    }
}

const HOST_NAME =
    /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?)*$/;

/** Whether `entry` is a host name, an IP address or a CIDR, as `MPT_WEBHOOK_ALLOWED_HOSTS` takes them. */
export function isAllowListEntry(entry: string): boolean {
    const [address, prefix, ...rest] = entry.split('/');
    if (address === undefined || rest.length > 0) return false;
    if (prefix !== undefined) {
        const version = isIP(address);
        const bits = Number(prefix);
        return version !== 0 && /^\d{1,3}$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
    }
    return isIP(address) !== 0 || HOST_NAME.test(address.toLowerCase());
}

type Lookup = typeof dnsLookup;

export class WebhookUrlPolicy {
    readonly #names: ReadonlySet<string>;
    readonly #addresses = new BlockList();
    readonly #lookup: Lookup;

    /** `allowed`: host names, addresses and CIDRs that may be non-public (checked by {@link isAllowListEntry}). */
    constructor(allowed: readonly string[] = [], lookup: Lookup = dnsLookup) {
        const names = new Set<string>();
        for (const entry of allowed) {
            if (!isAllowListEntry(entry)) throw new Error(`${entry} is no host name, IP address or CIDR`);
            const [address = '', prefix] = entry.split('/');
            const version = isIP(address);
            if (version === 0) {
                names.add(address.toLowerCase());
            } else {
                const type = version === 4 ? 'ipv4' : 'ipv6';
                this.#addresses.addSubnet(
                    address,
                    prefix === undefined ? (version === 4 ? 32 : 128) : Number(prefix),
                    type,
                );
            }
        }
        this.#names = names;
        this.#lookup = lookup;
    }

    /** Throws {@link WebhookUrlRefused} unless `address` is public or allowed. */
    checkAddress(address: string, host = address): void {
        const refused = nonPublicRange(address);
        if (refused === undefined || this.#names.has(host.toLowerCase())) return;
        if (this.#addresses.check(address, familyOf(address))) return;
        throw new WebhookUrlRefused(
            `${host} is a ${refused.en} address (${address}): webhooks go to public addresses unless ` +
                'MPT_WEBHOOK_ALLOWED_HOSTS allows it',
            `${host} 是${refused.zh}地址（${address}）：Webhook 只发往公网地址，除非 MPT_WEBHOOK_ALLOWED_HOSTS 允许`,
        );
    }

    /** The URL parsed, or {@link WebhookUrlRefused} for another scheme or an IP literal that is refused. */
    checkUrl(url: string): URL {
        const parsed = URL.canParse(url) ? new URL(url) : undefined;
        if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
            throw new WebhookUrlRefused('a webhook URL is http or https', 'Webhook URL 须为 http 或 https');
        }
        const host = hostOf(parsed);
        if (isIP(host) !== 0) this.checkAddress(host);
        return parsed;
    }

    /**
     * Checks the URL and every address its host resolves to now (at subscription time); a name that does not resolve
     * yet is left to the delivery's own check.
     */
    async checkSubscription(url: string): Promise<void> {
        const host = hostOf(this.checkUrl(url));
        if (isIP(host) !== 0) return;
        const addresses = await new Promise<LookupAddress[]>((resolve) => {
            this.#lookup(host, { all: true }, (error, found) => {
                resolve(error === null ? found : []);
            });
        });
        for (const { address } of addresses) this.checkAddress(address, host);
    }

    /**
     * A `lookup` for `http.request` that refuses non-public answers: the connection goes to an address this policy
     * checked, so a host name cannot be re-pointed between the check and the connection.
     */
    readonly guardedLookup: Lookup = ((
        hostname: string,
        options: unknown,
        callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ): void => {
        this.#lookup(hostname, options as { all: true }, (error, found) => {
            if (error !== null) {
                callback(error, []);
                return;
            }
            const all: LookupAddress[] = Array.isArray(found) ? found : [{ address: found, family: 4 }];
            try {
                for (const { address } of all) this.checkAddress(address, hostname);
            } catch (refused) {
                callback(refused as NodeJS.ErrnoException, []);
                return;
            }
            if ((options as { all?: boolean }).all === true) {
                callback(null, all);
            } else {
                const first = all[0];
                callback(null, first?.address ?? '', first?.family);
            }
        });
    }) as Lookup;
}

/** The URL's host without the brackets of an IPv6 literal. */
function hostOf(url: URL): string {
    return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
