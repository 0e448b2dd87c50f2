import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { repoRoot } from '../../network/client';

/**
 * Machines on one machine: each host a network namespace of its own (`ip netns`) with one address on a private
 * /24, all joined by a bridge in a namespace of its own, plus one more address in the namespace running the test
 * (its client). Nothing else reaches them, and they reach nothing else. Needs root.
 */
export class NamespaceHosts {
    /** `mpt-<random>`: every namespace and link name starts with it (links within the 15 characters Linux allows). */
    readonly prefix = `mpt-${randomBytes(3).toString('hex')}`;
    readonly #bridge = `${this.prefix}-br`;
    readonly #clientLink = `c${this.prefix.slice(4)}`;
    readonly #created: string[] = [];

    /** `subnet` is the first three octets, e.g. 10.77.0; `hosts` maps each host name to its last octet. */
    constructor(
        readonly subnet: string,
        readonly hosts: Readonly<Record<string, number>>,
    ) {}

    address(host: string): string {
        const octet = this.hosts[host];
        if (octet === undefined) throw new Error(`no host ${host}`);
        return `${this.subnet}.${octet}`;
    }

    namespace(host: string): string {
        return `${this.prefix}-${host}`;
    }

    /** Creates the bridge, each host's namespace and link, and the test's own link (address .2). */
    create(): void {
        this.#addNamespace(this.#bridge);
        this.#in(this.#bridge, ['link', 'add', 'br0', 'type', 'bridge']);
        this.#in(this.#bridge, ['link', 'set', 'br0', 'up']);
        Object.keys(this.hosts).forEach((host, i) => {
            const ns = this.namespace(host);
            this.#addNamespace(ns);
            this.#plug(`h${i}${this.prefix.slice(4)}`, ns, this.address(host));
        });
        this.#plug(this.#clientLink, undefined, `${this.subnet}.2`);
    }

    /** Cuts a host off the bridge (its link down: packets to and from it are dropped), or plugs it back in. */
    setConnected(host: string, connected: boolean): void {
        const index = Object.keys(this.hosts).indexOf(host);
        this.#in(this.#bridge, ['link', 'set', `b${index}${this.prefix.slice(4)}`, connected ? 'up' : 'down']);
    }

    /** Runs a command inside a host's namespace, as a process on that machine would. */
    exec(host: string, command: string, args: readonly string[], timeoutMs = 300_000): Promise<string> {
        return new Promise((resolve, reject) => {
            execFile(
                'ip',
                ['netns', 'exec', this.namespace(host), command, ...args],
                { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, cwd: repoRoot() },
                (error, stdout, stderr) => {
                    if (error) {
                        reject(new Error(`${host}: ${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`));
                        return;
                    }
                    resolve(stdout);
                },
            );
        });
    }

    /** The supervisor CLI inside a host's namespace. */
    cli(host: string, args: readonly string[]): Promise<string> {
        return this.exec(host, process.execPath, [path.join(repoRoot(), 'dist', 'network', 'src', 'cli.js'), ...args]);
    }

    /** Deletes every namespace it made (their links go with them); safe to call after a failed `create`. */
    remove(): void {
        for (const ns of this.#created.splice(0).reverse()) {
            execFileSync('ip', ['netns', 'delete', ns]);
        }
    }

    #addNamespace(ns: string): void {
        execFileSync('ip', ['netns', 'add', ns]);
        this.#created.push(ns);
        this.#in(ns, ['link', 'set', 'lo', 'up']);
    }

    /** A veth pair: one end in `ns` (this namespace when undefined) with `address`, the other on the bridge. */
    #plug(link: string, ns: string | undefined, address: string): void {
        const bridgeEnd = `b${link.slice(1)}`;
        execFileSync('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', bridgeEnd]);
        execFileSync('ip', ['link', 'set', bridgeEnd, 'netns', this.#bridge]);
        this.#in(this.#bridge, ['link', 'set', bridgeEnd, 'master', 'br0']);
        this.#in(this.#bridge, ['link', 'set', bridgeEnd, 'up']);
        if (ns) {
            execFileSync('ip', ['link', 'set', link, 'netns', ns]);
        }
        this.#in(ns, ['addr', 'add', `${address}/24`, 'dev', link]);
        this.#in(ns, ['link', 'set', link, 'up']);
    }

    #in(ns: string | undefined, args: string[]): void {
        execFileSync('ip', ns ? ['netns', 'exec', ns, 'ip', ...args] : args);
    }
}
