import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { recordedProcessNames, repoRoot, Wallet, type ConnectionProfile } from '../client';
import { DEFAULT_STATE_DIR } from '../client/paths';
import { addOrgToChannel, generateOrgCrypto } from './add-org';
import { ensureBinaries } from './binaries';
import { joinChannel, joinPeers } from './channel';
import { defaultChaincodeDir, queryCommitted } from './chaincode';
import { deployAndServe, deployedChaincode } from './chaincode-servers';
import { connectionProfile, connectionProfileFile, writeConnectionProfile } from './connection';
import { generate } from './generate';
import { healthy, metric } from './health';
import { bootstrapSecret, caClient, ensureIdentities } from './identities';
import { binary, Layout } from './layout';
import { ifUnlocked, withLock } from './lock';
import { adminEnv, caProcess, chaincodeProcess, networkProcessNames, ordererProcesses, peerProcess } from './nodes';
import { crashProcess, isRunning, startProcess, stopProcess, waitListening, type ProcessSpec } from './processes';
import { silentReporter, sleep, timed, waitFor, type Reporter } from './run';
import { networkStatus, queryThrough, type StatusReport } from './status';
import {
    DEFAULT_TOPOLOGY,
    loadTopology,
    nextBankOrg,
    ordererName,
    ordererNodes,
    ordererOperations,
    peerName,
    withAddedOrgs,
    type PeerOrg,
    type Topology,
} from './topology';

export interface NetworkOptions {
    /** Default: $MPT_TOPOLOGY, else network/topology.yaml. */
    topologyFile?: string;
    /** Default: $MPT_STATE_DIR, else .fabric/net. */
    stateDir?: string;
    reporter?: Reporter;
    /** Compiled chaincode to deploy (default dist/chaincode). */
    chaincodeDir?: string;
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

/** What `addOrg` did, for its report. */
export interface AddedOrg {
    readonly org: PeerOrg;
    /** The orgs whose admins signed the channel config update (none when the channel already had the org). */
    readonly signers: readonly PeerOrg[];
    readonly sequence: number | undefined;
    readonly connectionProfile: string;
    readonly wallet: string;
}

/** One Fabric network on this machine: its topology, its files, and every process it runs. */
export class FabricNetwork {
    /** The topology file's network, as generated: `generate` checks the state directory was made from it. */
    readonly #generatedTopology: Topology;
    #topology: Topology;
    readonly layout: Layout;
    readonly #reporter: Reporter;
    readonly #chaincodeDir: string;
    readonly #topologyFile: string;

    constructor(options: NetworkOptions = {}) {
        this.#topologyFile = path.resolve(options.topologyFile ?? (process.env.MPT_TOPOLOGY || DEFAULT_TOPOLOGY()));
        this.#chaincodeDir = path.resolve(options.chaincodeDir ?? defaultChaincodeDir());
        this.layout = new Layout(path.resolve(options.stateDir ?? (process.env.MPT_STATE_DIR || DEFAULT_STATE_DIR())));
        this.#generatedTopology = loadTopology(this.#topologyFile);
        this.#topology = withAddedOrgs(this.#generatedTopology, this.layout.addedOrgs);
        this.#reporter = options.reporter ?? silentReporter;
    }

    /** The topology file's organisations, and the banks `addOrg` added to this network since. */
    get topology(): Topology {
        return this.#topology;
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
            if (!(await generate(layout, this.#generatedTopology))) {
                report.detail('  already generated, keeping the existing network');
            }
        });
        await timed(report, 'Starting certificate authorities', () => this.#startCas(topology.peerOrgs));
        await timed(report, 'Starting orderer nodes and peers', () => this.#startNodes());
        await timed(report, `Joining channel ${topology.channel}`, () => joinChannel(layout, topology, report));
        await timed(report, 'Starting chaincode servers and deploying chaincode', () => this.#deploy());
        await timed(report, 'Enrolling admins and demo users', async () => {
            for (const org of topology.peerOrgs) {
                await ensureIdentities(layout, org);
            }
            writeConnectionProfile(layout, topology);
        });
        await timed(report, 'Waiting until the network answers', () => this.#waitReady(topology));
        for (const service of this.#services()) {
            if (!isRunning(layout, service.name)) {
                await timed(report, `Starting ${service.name} again`, () => this.#start([service]));
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
        const names = recordedProcessNames(this.layout.root);
        const nodes = this.processNames();
        const order = (name: string): number => (nodes.includes(name) ? nodes.indexOf(name) : nodes.length);
        for (const name of names.sort((a, b) => order(b) - order(a))) {
            const started = Date.now();
            const outcome = await stopProcess(this.layout, name);
            this.#reporter.detail(`  ${name}: ${outcome} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
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
            await this.#start([serviceProcess(service)]);
        });
    }

    /** Stops a service `startService` started and forgets it: neither `up` nor the watchdog starts it again. */
    stopService(name: string): Promise<void> {
        return this.#exclusive(async () => {
            rmSync(this.#serviceFile(name), { force: true });
            await stopProcess(this.layout, name);
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
            await timed(this.#reporter, 'Waiting until the network answers', () => this.#waitReady(this.topology));
        });
    }

    /** One supervisor at a time changes this network; a second one waits for the first. */
    #exclusive<T>(work: () => Promise<T>): Promise<T> {
        mkdirSync(this.layout.root, { recursive: true });
        return withLock(this.#lockFile(), this.#reporter, work);
    }

    #lockFile(): string {
        return path.join(this.layout.root, 'supervisor.lock');
    }

    /** Every process of this network, in start order. */
    processNames(): string[] {
        return networkProcessNames(this.topology);
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

    status(): Promise<StatusReport> {
        return networkStatus(this.layout, this.topology);
    }

    /**
     * Starts the processes (those not running) all at once, then waits until each listens on all its ports:
     * whoever talks to them next never meets "connection refused".
     */
    async #start(specs: ProcessSpec[]): Promise<void> {
        for (const spec of specs) {
            await startProcess(this.layout, spec);
        }
        for (const spec of specs) {
            await waitListening(this.layout, spec, this.#reporter);
        }
    }

    async #startCas(orgs: readonly PeerOrg[]): Promise<void> {
        await this.#start(orgs.map((org) => caProcess(this.layout, org, bootstrapSecret(this.layout, org))));
        for (const org of orgs) {
            const ca = caClient(this.layout, org);
            try {
                await waitFor(`the CA of ${org.name} to answer`, async () => (await ca.info()).CAName, {
                    timeoutMs: 30_000,
                    reporter: this.#reporter,
                });
            } finally {
                ca.close();
            }
        }
    }

    async #startNodes(): Promise<void> {
        const { topology, layout } = this;
        assertNonLoopbackIPv4();
        // the orderer's admin port (osnadmin) and the peers' gRPC ports (peer CLI) listen only after /healthz answers
        await this.#start([
            ...ordererProcesses(layout, topology),
            ...topology.peerOrgs.map((org) => peerProcess(layout, org)),
        ]);
        await this.#waitHealthy([
            ...ordererNodes(topology).map((node) => ({
                name: ordererName(topology, node),
                address: ordererOperations(node),
            })),
            ...topology.peerOrgs.map((org) => ({ name: peerName(org), address: `${org.host}:${org.operationsPort}` })),
        ]);
    }

    /** Starts a new org's peer and waits until it reports healthy. */
    async #startPeer(org: PeerOrg): Promise<void> {
        assertNonLoopbackIPv4();
        await this.#start([peerProcess(this.layout, org)]);
        await this.#waitHealthy([{ name: peerName(org), address: `${org.host}:${org.operationsPort}` }]);
    }

    async #waitHealthy(nodes: readonly { name: string; address: string }[]): Promise<void> {
        const { layout } = this;
        for (const node of nodes) {
            await waitFor(
                `${node.name} to report healthy (see ${layout.log(node.name)})`,
                async () => ((await healthy(node.address)) ? true : undefined),
                { reporter: this.#reporter },
            );
        }
    }

    async #deploy(): Promise<void> {
        await deployAndServe(this.layout, this.topology, this.#chaincodeDir, this.#reporter);
    }

    /**
     * Adds a bank organisation to the running network: its crypto material and CA, the channel config update
     * (signed by a majority of the member orgs' admins), its peer joined, the chaincode installed, its server
     * started, and the next sequence of the chaincode definition (the same code; an endorsement policy naming the
     * new org too) approved by every org and committed; the ledger is kept. The org is recorded in the state
     * directory, so up, down, status, the watchdog and the connection profile see it from then on. A run that
     * fails part-way is finished by running it again with the same name.
     */
    addOrg(name: string): Promise<AddedOrg> {
        return this.#exclusive(() => this.#addOrg(name));
    }

    async #addOrg(name: string): Promise<AddedOrg> {
        const report = this.#reporter;
        const { layout } = this;
        const org = this.#orgToAdd(name);
        const topology = { ...this.topology, peerOrgs: [...this.topology.peerOrgs, org] };
        report.step(
            `Adding ${org.name} (${org.mspId}): peer ${org.host}:${org.peerPort}, CA ${org.caPort}, chaincode server ${org.chaincodeServerPort}`,
        );
        await timed(report, `Generating ${org.name}'s crypto material`, async () => {
            if (!(await generateOrgCrypto(layout, this.topology, org))) {
                report.detail('  already generated');
            }
        });
        await timed(report, `Starting ${org.name}'s certificate authority and enrolling its admin`, async () => {
            await this.#startCas([org]);
            await ensureIdentities(layout, org);
        });
        const signers = await timed(
            report,
            `Adding ${org.mspId} to channel ${topology.channel} (MAJORITY of ${this.topology.peerOrgs.length} org admins sign)`,
            () => addOrgToChannel(layout, this.topology, org, report),
        );
        await timed(report, `Starting ${peerName(org)} and joining it to ${topology.channel}`, async () => {
            await this.#startPeer(org);
            // the peer only: the orderer nodes are in the channel already, and one of them may be down
            await joinPeers(layout, topology, [org]);
        });
        await timed(report, `Approving the chaincode for ${org.name} and committing its next sequence`, () =>
            deployAndServe(layout, topology, this.#deployedCode(), report),
        );
        const added = topology.peerOrgs.slice(this.#generatedTopology.peerOrgs.length);
        writeFileSync(layout.addedOrgs, stringify(added));
        rmSync(layout.addingOrg, { force: true });
        this.#topology = withAddedOrgs(this.#generatedTopology, layout.addedOrgs);
        writeConnectionProfile(layout, this.topology);
        await timed(report, 'Waiting until the network answers', () => this.#waitReady(this.topology));
        if (isRunning(layout, WATCHDOG)) {
            // the watchdog read the topology when it started: start it again so that it watches the new org too
            await this.stopWatchdog();
            await this.startWatchdog();
        }
        const [market] = this.topology.peerOrgs;
        const committed = market ? await queryCommitted(layout, this.topology, market) : undefined;
        return {
            org,
            signers,
            sequence: committed?.sequence,
            connectionProfile: connectionProfileFile(layout),
            wallet: layout.usersDir(org),
        };
    }

    /** The org an unfinished add-org of the same name was adding, or a new one; refuses names taken or pending. */
    #orgToAdd(name: string): PeerOrg {
        const { layout } = this;
        const pending = existsSync(layout.addingOrg)
            ? (JSON.parse(readFileSync(layout.addingOrg, 'utf8')) as PeerOrg)
            : undefined;
        if (pending && pending.name !== name) {
            throw new Error(
                `adding ${pending.name} did not finish: run network:add-org ${pending.name} again to finish it first`,
            );
        }
        const org = pending ?? nextBankOrg(this.topology, name);
        const ordererRuns = ordererNodes(this.topology).some((node) =>
            isRunning(layout, ordererName(this.topology, node)),
        );
        if (!existsSync(layout.generatedMarker) || !ordererRuns) {
            throw new Error(`the network in ${layout.root} is not running: run network:up first`);
        }
        if (pending) {
            this.#reporter.detail(`  finishing the unfinished add-org of ${name}`);
        } else {
            writeFileSync(layout.addingOrg, JSON.stringify(org, null, 2));
        }
        return org;
    }

    /** The compiled chaincode the network runs now: adding an org deploys no new code. */
    #deployedCode(): string {
        const deployed = this.topology.peerOrgs
            .map((org) => deployedChaincode(this.layout, this.topology, org))
            .find((record) => record !== undefined);
        return deployed?.codeDir ?? this.#chaincodeDir;
    }

    /** Every process this network should be running, in start order. */
    #processSpecs(): ProcessSpec[] {
        const { topology, layout } = this;
        const chaincodeServers = topology.peerOrgs.flatMap((org) => {
            const deployed = deployedChaincode(layout, topology, org);
            return deployed ? [chaincodeProcess(topology, org, deployed.packageId, deployed.codeDir)] : [];
        });
        return [
            ...topology.peerOrgs.map((org) => caProcess(layout, org, bootstrapSecret(layout, org))),
            ...ordererProcesses(layout, topology),
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
            const stopped = this.#processSpecs().filter((spec) => !isRunning(this.layout, spec.name));
            await this.#start(stopped);
            return stopped.map((spec) => spec.name);
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
     * Watches the network until `signal` aborts, restarting any process that stops (a crashed peer, orderer node,
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

    async #waitReady(topology: Topology): Promise<void> {
        for (const org of topology.peerOrgs) {
            const ops = `${org.host}:${org.operationsPort}`;
            const others = topology.peerOrgs.length - 1;
            await waitFor(
                `${peerName(org)} to see ${others} other peers through gossip`,
                async () =>
                    (await metric(ops, 'gossip_membership_total_peers_known', { channel: topology.channel })) === others
                        ? true
                        : undefined,
                { reporter: this.#reporter },
            );
        }
        // a peer stopped before it committed the last blocks catches up from the orderer after it starts: until then
        // it endorses and answers queries on older state
        const channel = { channel: topology.channel };
        const heights = await Promise.all(
            ordererNodes(topology).map((node) => metric(ordererOperations(node), 'ledger_blockchain_height', channel)),
        );
        const ordered = Math.max(0, ...heights.map((height) => height ?? 0));
        for (const org of topology.peerOrgs) {
            await waitFor(
                `${peerName(org)} to hold the orderer's ${ordered} blocks`,
                async () =>
                    ((await metric(`${org.host}:${org.operationsPort}`, 'ledger_blockchain_height', channel)) ?? 0) >=
                    ordered
                        ? true
                        : undefined,
                { reporter: this.#reporter },
            );
        }
        for (const org of topology.peerOrgs) {
            await waitFor(
                `a query through ${peerName(org)} to answer`,
                () => queryThrough(this.layout, topology, org),
                { timeoutMs: 90_000, reporter: this.#reporter },
            );
        }
    }
}
