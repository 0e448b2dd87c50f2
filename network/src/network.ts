import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { ensureBinaries } from './binaries';
import { codeHash, defaultChaincodeDir, deployChaincode, packageFor, queryCommitted } from './chaincode';
import { connectAs, newPeerClient, REGISTRAR, repoRoot, Wallet, type ConnectionProfile } from '../client';
import { DEFAULT_STATE_DIR } from '../client/paths';
import { connectionProfile, writeConnectionProfile } from './connection';
import { generate } from './generate';
import { healthy, metric } from './health';
import { bootstrapSecret, caClient, ensureIdentities } from './identities';
import { binary, Layout } from './layout';
import {
    adminEnv,
    caProcess,
    caProcessName,
    chaincodeProcess,
    chaincodeProcessName,
    ordererProcess,
    peerProcess,
} from './nodes';
import { ifUnlocked, withLock } from './lock';
import {
    crashProcess,
    isListening,
    isRunning,
    residentMiB,
    startProcess,
    stopProcess,
    type ProcessSpec,
} from './processes';
import { run, silentReporter, sleep, timed, waitFor, type Reporter } from './run';
import { DEFAULT_TOPOLOGY, loadTopology, ordererName, peerName, type PeerOrg, type Topology } from './topology';

export interface NetworkOptions {
    topologyFile?: string;
    stateDir?: string;
    reporter?: Reporter;
    /** Compiled chaincode to deploy (default dist/chaincode). */
    chaincodeDir?: string;
}

export interface NodeStatus {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
    /** Resident memory of the node's process, when it runs. */
    readonly memoryMiB?: number | undefined;
}

export interface StatusReport {
    readonly ok: boolean;
    readonly nodes: readonly NodeStatus[];
}

/**
 * A Fabric peer refuses to start on a host without a non-loopback IPv4 interface ("local IP address not
 * auto-detectable"), even when every address it uses is 127.0.0.1. Say so before starting it.
 */
function assertNonLoopbackIPv4(): void {
    const addresses = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
    if (!addresses.some((address) => address.family === 'IPv4' && !address.internal)) {
        throw new Error(
            'Fabric peers need at least one non-loopback IPv4 interface on this host, even though the network ' +
                'only uses 127.0.0.1; add one (a dummy or veth interface with any private address is enough)',
        );
    }
}

/**
 * `reset` deletes the state directory, which a flag or an environment variable names: refuse anything that
 * is not a network's (no generated.json, not empty), so a mistyped --state-dir cannot wipe another folder.
 */
function assertNetworkDir(layout: Layout): void {
    if (!existsSync(layout.root) || existsSync(layout.generatedMarker) || readdirSync(layout.root).length === 0) {
        return;
    }
    const ours = readdirSync(layout.root).every((entry) =>
        ['supervisor.lock', '.staging', 'crypto', 'config', 'artifacts', 'run', 'logs', 'ca', 'data'].includes(entry),
    );
    if (!ours) {
        throw new Error(
            `${layout.root} does not look like a network state directory (no generated.json); not deleting it`,
        );
    }
}

/** A process that uses the network; see FabricNetwork.startService. */
export interface ServiceSpec {
    readonly name: string;
    readonly command: string;
    readonly args: string[];
    readonly env: Record<string, string>;
    readonly ports: number[];
}

const serviceProcess = (service: ServiceSpec): ProcessSpec => ({ ...service, env: { ...process.env, ...service.env } });

/** Process name of the background watcher that restarts stopped processes. */
export const WATCHDOG = 'watchdog';

/** One Fabric network on this machine: its topology, its files, and every process it runs. */
export class FabricNetwork {
    readonly topology: Topology;
    readonly layout: Layout;
    readonly #reporter: Reporter;
    readonly #chaincodeDir: string;
    readonly #topologyFile: string;

    constructor(options: NetworkOptions = {}) {
        this.#topologyFile = path.resolve(options.topologyFile ?? DEFAULT_TOPOLOGY());
        this.#chaincodeDir = path.resolve(options.chaincodeDir ?? defaultChaincodeDir());
        this.topology = loadTopology(this.#topologyFile);
        this.layout = new Layout(path.resolve(options.stateDir ?? DEFAULT_STATE_DIR()));
        this.#reporter = options.reporter ?? silentReporter;
    }

    /** Brings everything up and waits until a query through each org's gateway answers. Safe to repeat. */
    up(): Promise<void> {
        return this.#exclusive(() => this.#up());
    }

    async #up(): Promise<void> {
        const report = this.#reporter;
        const { topology, layout } = this;
        await timed(report, 'Checking Fabric binaries', () => ensureBinaries(report));
        await timed(report, 'Generating crypto material and channel config', async () => {
            if (!(await generate(layout, topology))) {
                report.detail('  already generated, keeping the existing network');
            }
        });
        await timed(report, 'Starting certificate authorities', () => this.#startCas());
        await timed(report, 'Starting orderer and peers', () => this.#startNodes());
        await timed(report, `Joining channel ${topology.channel}`, () => this.#joinChannel());
        await timed(report, 'Starting chaincode servers and deploying chaincode', () => this.#deploy());
        await timed(report, 'Enrolling admins and demo users', async () => {
            for (const org of topology.peerOrgs) {
                await ensureIdentities(layout, org);
            }
            writeConnectionProfile(layout, topology);
        });
        await timed(report, 'Waiting until the network answers', () => this.#waitReady());
        for (const service of this.#services()) {
            if (!isRunning(layout, service.name)) {
                report.step(`Starting ${service.name} again`);
                await startProcess(layout, service);
            }
        }
    }

    /** Stops every process this network started; the ledger and identities stay on disk. */
    down(): Promise<void> {
        return this.#exclusive(() => this.#down());
    }

    async #down(): Promise<void> {
        // the watchdog first, or it would restart what is being stopped; then the services that use the network
        await this.stopWatchdog();
        const names = existsSync(this.layout.run)
            ? readdirSync(this.layout.run)
                  .filter((file) => file.endsWith('.pid'))
                  .map((file) => file.slice(0, -'.pid'.length))
            : [];
        const nodes = this.processNames();
        const order = (name: string): number => (nodes.includes(name) ? nodes.indexOf(name) : nodes.length);
        for (const name of names.sort((a, b) => order(b) - order(a))) {
            this.#reporter.detail(`  stopping ${name}`);
            await stopProcess(this.layout, name);
        }
    }

    /**
     * Runs a process that uses the network (the REST gateway, say) like the network's own: its own process
     * group, log and pid file, stopped by `down`, restarted by the watchdog. Restarts it when already running,
     * so it picks up new settings. `env` holds only what it adds to this process's environment.
     */
    startService(service: ServiceSpec): Promise<void> {
        return this.#exclusive(async () => {
            await stopProcess(this.layout, service.name);
            mkdirSync(this.layout.run, { recursive: true });
            writeFileSync(this.#serviceFile(service.name), JSON.stringify(service, null, 2));
            await startProcess(this.layout, serviceProcess(service));
        });
    }

    #serviceFile(name: string): string {
        return path.join(this.layout.run, `${name}.service.json`);
    }

    #services(): ProcessSpec[] {
        if (!existsSync(this.layout.run)) {
            return [];
        }
        return readdirSync(this.layout.run)
            .filter((file) => file.endsWith('.service.json'))
            .map((file) =>
                serviceProcess(JSON.parse(readFileSync(path.join(this.layout.run, file), 'utf8')) as ServiceSpec),
            );
    }

    /** Stops everything and deletes the network's state (binaries stay). */
    reset(): Promise<void> {
        assertNetworkDir(this.layout);
        return this.#exclusive(async () => {
            await this.#down();
            rmSync(this.layout.root, { recursive: true, force: true });
        });
    }

    /** Upgrades the chaincode to the current compiled code (next sequence) on a running network. */
    deploy(): Promise<void> {
        return this.#exclusive(async () => {
            await timed(this.#reporter, 'Deploying chaincode', () => this.#deploy());
            await timed(this.#reporter, 'Waiting until the network answers', () => this.#waitReady());
        });
    }

    /** One supervisor at a time changes this network; a second one waits for the first. */
    #exclusive<T>(work: () => Promise<T>): Promise<T> {
        mkdirSync(this.layout.root, { recursive: true });
        return withLock(
            this.#lockFile(),
            () => {
                this.#reporter.step(`Waiting for another supervisor working on ${this.layout.root}`);
            },
            work,
        );
    }

    #lockFile(): string {
        return path.join(this.layout.root, 'supervisor.lock');
    }

    /** Every process of this network, in start order. */
    processNames(): string[] {
        const { topology } = this;
        return [
            ...topology.peerOrgs.map(caProcessName),
            ordererName(topology),
            ...topology.peerOrgs.map(peerName),
            ...topology.peerOrgs.map((org) => chaincodeProcessName(topology, org)),
        ];
    }

    isRunning(name: string): boolean {
        return isRunning(this.layout, name);
    }

    /** Kills one process as a crash would; `up` brings it back. */
    crash(name: string): void {
        crashProcess(this.layout, name);
    }

    connectionProfile(): ConnectionProfile {
        return connectionProfile(this.layout, this.topology);
    }

    wallet(org: string): Wallet {
        return new Wallet(this.layout.usersDir(this.org(org)));
    }

    org(name: string): PeerOrg {
        const org = this.topology.peerOrgs.find((o) => o.name === name || o.mspId === name);
        if (!org) {
            throw new Error(`no organisation ${name} in the topology`);
        }
        return org;
    }

    /** Environment for running the `peer` CLI as an org's admin. */
    adminEnv(org: string): NodeJS.ProcessEnv {
        return {
            ...adminEnv(this.layout, this.org(org)),
            PATH: `${path.dirname(binary('peer'))}:${process.env.PATH ?? ''}`,
        };
    }

    async status(): Promise<StatusReport> {
        const { topology, layout } = this;
        if (!existsSync(layout.generatedMarker)) {
            return {
                ok: false,
                nodes: [{ name: 'network', ok: false, detail: `nothing in ${layout.root}: run network:up` }],
            };
        }
        const nodes: NodeStatus[] = [];
        for (const org of topology.peerOrgs) {
            nodes.push(await this.#caStatus(org));
        }
        nodes.push(await this.#ordererStatus(), ...(await this.#peerStatuses()), ...(await this.#chaincodeStatus()));
        const checked = nodes.map((node) =>
            this.processNames().includes(node.name) && !isRunning(layout, node.name)
                ? { name: node.name, ok: false, detail: 'process not running' }
                : node,
        );
        const withMemory = checked.map((node) => ({ ...node, memoryMiB: residentMiB(layout, node.name) }));
        return { ok: checked.every((node) => node.ok), nodes: withMemory };
    }

    async #ordererStatus(): Promise<NodeStatus> {
        const { orderer, channel } = this.topology;
        const operations = `${orderer.host}:${orderer.operationsPort}`;
        const leader = await metric(operations, 'consensus_etcdraft_is_leader', { channel });
        return this.#nodeStatus(
            ordererName(this.topology),
            operations,
            leader === 1
                ? { ok: true, detail: 'raft leader' }
                : { ok: false, detail: `not raft leader of ${channel} (is_leader=${leader ?? 'absent'})` },
        );
    }

    /** Every peer must have the channel at the same height as the tallest. */
    async #peerStatuses(): Promise<NodeStatus[]> {
        const { peerOrgs, channel } = this.topology;
        const heights = await Promise.all(
            peerOrgs.map((org) => metric(`${org.host}:${org.operationsPort}`, 'ledger_blockchain_height', { channel })),
        );
        const tallest = Math.max(0, ...heights.map((h) => h ?? 0));
        return Promise.all(
            peerOrgs.map((org, i) => {
                const height = heights[i];
                return this.#nodeStatus(
                    peerName(org),
                    `${org.host}:${org.operationsPort}`,
                    height === tallest && height > 0
                        ? { ok: true, detail: `height ${height}` }
                        : {
                              ok: false,
                              detail: `channel ${channel} at height ${height ?? 'none'}, others at ${tallest}`,
                          },
                );
            }),
        );
    }

    /** A node is healthy when its /healthz answers OK and `verdict` (what its metrics say) is ok. */
    async #nodeStatus(name: string, operations: string, verdict: { ok: boolean; detail: string }): Promise<NodeStatus> {
        if (!(await healthy(operations))) {
            return { name, ok: false, detail: `/healthz on ${operations} does not answer OK` };
        }
        return { name, ...verdict };
    }

    async #caStatus(org: PeerOrg): Promise<NodeStatus> {
        const ca = caClient(this.layout, org);
        try {
            const info = await ca.info();
            return { name: caProcessName(org), ok: true, detail: `${info.CAName} ${info.Version}` };
        } catch (error) {
            return { name: caProcessName(org), ok: false, detail: `does not answer: ${(error as Error).message}` };
        } finally {
            ca.close();
        }
    }

    async #chaincodeStatus(): Promise<NodeStatus[]> {
        const { topology, layout } = this;
        const first = topology.peerOrgs[0];
        const committed = first ? await queryCommitted(layout, topology, first).catch(() => undefined) : undefined;
        if (!committed) {
            return [{ name: topology.chaincode.name, ok: false, detail: 'chaincode is not committed' }];
        }
        const statuses: NodeStatus[] = [];
        for (const org of topology.peerOrgs) {
            const name = chaincodeProcessName(topology, org);
            try {
                await this.#evaluateAs(org);
                statuses.push({
                    name,
                    ok: true,
                    detail: `version ${committed.version} sequence ${committed.sequence} answers`,
                });
            } catch (error) {
                statuses.push({
                    name,
                    ok: false,
                    detail: `query through ${peerName(org)} fails: ${(error as Error).message}`,
                });
            }
        }
        return statuses;
    }

    /** A read through the org's gateway peer, signed by the org's registrar: proves peer, chaincode and identity work. */
    async #evaluateAs(org: PeerOrg): Promise<string> {
        const profile = this.connectionProfile();
        const connection = profile.orgs.find((o) => o.org === org.name);
        if (!connection) {
            throw new Error(`no connection settings for ${org.name}`);
        }
        const client: grpc.Client = newPeerClient(connection);
        const gateway = connectAs(client, this.wallet(org.name).get(REGISTRAR));
        try {
            const contract = gateway.getNetwork(profile.channel).getContract(profile.chaincode, 'IdentityContract');
            return Buffer.from(await contract.evaluateTransaction('WhoAmI')).toString('utf8');
        } finally {
            gateway.close();
            client.close();
        }
    }

    async #startCas(): Promise<void> {
        for (const org of this.topology.peerOrgs) {
            await startProcess(this.layout, caProcess(this.layout, org, bootstrapSecret(this.layout, org)));
        }
        for (const org of this.topology.peerOrgs) {
            const ca = caClient(this.layout, org);
            try {
                await waitFor(`the CA of ${org.name}`, async () => (await ca.info()).CAName, { timeoutMs: 30_000 });
            } finally {
                ca.close();
            }
        }
    }

    async #startNodes(): Promise<void> {
        const { topology, layout } = this;
        assertNonLoopbackIPv4();
        await startProcess(layout, ordererProcess(layout, topology));
        for (const org of topology.peerOrgs) {
            await startProcess(layout, peerProcess(layout, org));
        }
        const operations = [
            { name: ordererName(topology), address: `${topology.orderer.host}:${topology.orderer.operationsPort}` },
            ...topology.peerOrgs.map((org) => ({ name: peerName(org), address: `${org.host}:${org.operationsPort}` })),
        ];
        for (const node of operations) {
            await waitFor(`${node.name} to report healthy (see ${layout.log(node.name)})`, async () =>
                (await healthy(node.address)) ? true : undefined,
            );
        }
    }

    async #joinChannel(): Promise<void> {
        const { topology, layout } = this;
        const { orderer } = topology;
        const adminTls = layout.ordererAdminTls(topology);
        const osnadmin = (args: string[]): Promise<string> =>
            run(binary('osnadmin'), [
                'channel',
                ...args,
                '-o',
                `${orderer.host}:${orderer.adminPort}`,
                '--ca-file',
                layout.ordererTlsCa(topology),
                '--client-cert',
                adminTls.cert,
                '--client-key',
                adminTls.key,
            ]);
        // the orderer reports healthy on its operations port before its admin port listens
        await waitFor(`the orderer's admin endpoint ${orderer.host}:${orderer.adminPort} to listen`, async () =>
            (await isListening(orderer.adminPort, orderer.host)) ? true : undefined,
        );
        const listed = await osnadmin(['list']);
        if (!listed.includes(`"name": "${topology.channel}"`)) {
            await osnadmin(['join', '--channelID', topology.channel, '--config-block', layout.channelBlock(topology)]);
        }
        const ops = `${orderer.host}:${orderer.operationsPort}`;
        await waitFor(`the orderer to lead channel ${topology.channel}`, async () =>
            (await metric(ops, 'consensus_etcdraft_is_leader', { channel: topology.channel })) === 1 ? true : undefined,
        );
        for (const org of topology.peerOrgs) {
            const env = adminEnv(layout, org);
            const channels = await run(binary('peer'), ['channel', 'list'], { env });
            if (!channels.split('\n').includes(topology.channel)) {
                await run(binary('peer'), ['channel', 'join', '-b', layout.channelBlock(topology)], { env });
            }
        }
    }

    async #deploy(): Promise<void> {
        const { topology, layout } = this;
        const hash = codeHash(this.#chaincodeDir);
        const code = this.#snapshotChaincode(hash);
        const previous = new Map(topology.peerOrgs.map((org) => [org, this.#deployedChaincode(org)]));
        try {
            await deployChaincode(layout, topology, hash, this.#reporter, async () => {
                for (const org of topology.peerOrgs) {
                    const { packageId } = await packageFor(layout, topology, org, hash);
                    await this.#runChaincodeServer(org, packageId, code);
                }
            });
        } catch (error) {
            // the commit failed after the switch: peers still name the old packages, so serve those again
            for (const [org, deployed] of previous) {
                if (deployed && this.#deployedChaincode(org)?.packageId !== deployed.packageId) {
                    await this.#runChaincodeServer(org, deployed.packageId, deployed.codeDir);
                }
            }
            throw error;
        }
    }

    /**
     * Copies the compiled chaincode aside under its hash, so the servers run exactly the code that was
     * packaged even when the working copy is rebuilt later.
     */
    #snapshotChaincode(hash: string): string {
        const dir = path.join(this.layout.artifacts, 'chaincode', 'code', hash);
        if (!existsSync(path.join(dir, 'package.json'))) {
            const staging = `${dir}.staging`;
            rmSync(staging, { recursive: true, force: true });
            cpSync(this.#chaincodeDir, staging, { recursive: true });
            const manifest = JSON.parse(
                readFileSync(path.join(repoRoot(), 'chaincode', 'package.json'), 'utf8'),
            ) as Record<string, unknown>;
            writeFileSync(
                path.join(staging, 'package.json'),
                JSON.stringify({ ...manifest, main: 'src/index.js' }, null, 2),
            );
            rmSync(dir, { recursive: true, force: true });
            cpSync(staging, dir, { recursive: true });
            rmSync(staging, { recursive: true, force: true });
        }
        return dir;
    }

    async #runChaincodeServer(org: PeerOrg, packageId: string, codeDir: string): Promise<void> {
        const { topology, layout } = this;
        const name = chaincodeProcessName(topology, org);
        const current = this.#deployedChaincode(org);
        if (isRunning(layout, name) && current?.packageId === packageId) {
            return;
        }
        await stopProcess(layout, name);
        mkdirSync(layout.run, { recursive: true });
        writeFileSync(this.#deployedRecord(org), JSON.stringify({ packageId, codeDir }));
        await startProcess(layout, chaincodeProcess(topology, org, packageId, codeDir));
    }

    #deployedRecord(org: PeerOrg): string {
        return path.join(this.layout.run, `${chaincodeProcessName(this.topology, org)}.deployed.json`);
    }

    /** The package and code an org's chaincode server was last started with, if any. */
    #deployedChaincode(org: PeerOrg): { packageId: string; codeDir: string } | undefined {
        const record = this.#deployedRecord(org);
        return existsSync(record)
            ? (JSON.parse(readFileSync(record, 'utf8')) as { packageId: string; codeDir: string })
            : undefined;
    }

    /** Every process this network should be running, in start order. */
    #processSpecs(): ProcessSpec[] {
        const { topology, layout } = this;
        const chaincodeServers = topology.peerOrgs.flatMap((org) => {
            const deployed = this.#deployedChaincode(org);
            return deployed ? [chaincodeProcess(topology, org, deployed.packageId, deployed.codeDir)] : [];
        });
        return [
            ...topology.peerOrgs.map((org) => caProcess(layout, org, bootstrapSecret(layout, org))),
            ordererProcess(layout, topology),
            ...topology.peerOrgs.map((org) => peerProcess(layout, org)),
            ...chaincodeServers,
            ...this.#services(),
        ];
    }

    /**
     * Starts again every process of this network that has stopped; returns their names. Does nothing while
     * another supervisor is changing the network (it may be stopping processes on purpose).
     */
    async restartStopped(): Promise<string[]> {
        if (!existsSync(this.layout.generatedMarker)) {
            return [];
        }
        const restarted = await ifUnlocked(this.#lockFile(), async () => {
            const started: string[] = [];
            for (const spec of this.#processSpecs()) {
                if (!isRunning(this.layout, spec.name)) {
                    await startProcess(this.layout, spec);
                    started.push(spec.name);
                }
            }
            return started;
        });
        return restarted ?? [];
    }

    /** Runs `watch` in a background process of its own (name WATCHDOG), logging to logs/watchdog.log. */
    async startWatchdog(): Promise<void> {
        const { layout } = this;
        const cli = path.join(repoRoot(), 'dist', 'network', 'src', 'cli.js');
        await startProcess(layout, {
            name: WATCHDOG,
            command: process.execPath,
            args: [cli, '--topology', this.#topologyFile, '--state-dir', layout.root, 'watch'],
            env: process.env,
            ports: [],
        });
    }

    async stopWatchdog(): Promise<void> {
        await stopProcess(this.layout, WATCHDOG);
    }

    /**
     * Watches the network until `signal` aborts, restarting any process that stops (a crashed peer, orderer,
     * CA or chaincode server comes back within about `intervalMs`).
     */
    async watch(signal: AbortSignal, intervalMs = 2000): Promise<void> {
        while (!signal.aborted) {
            try {
                for (const name of await this.restartStopped()) {
                    this.#reporter.step(`${new Date().toISOString()} restarted ${name} (it had stopped)`);
                }
            } catch (error) {
                this.#reporter.step(`${new Date().toISOString()} restart failed: ${(error as Error).message}`);
            }
            await sleep(intervalMs, signal);
        }
    }

    async #waitReady(): Promise<void> {
        const { topology } = this;
        for (const org of topology.peerOrgs) {
            const ops = `${org.host}:${org.operationsPort}`;
            const others = topology.peerOrgs.length - 1;
            await waitFor(`${peerName(org)} to see ${others} other peers through gossip`, async () =>
                (await metric(ops, 'gossip_membership_total_peers_known', { channel: topology.channel })) === others
                    ? true
                    : undefined,
            );
        }
        for (const org of topology.peerOrgs) {
            await waitFor(`a query through ${peerName(org)} to answer`, () => this.#evaluateAs(org), {
                timeoutMs: 90_000,
            });
        }
    }
}
