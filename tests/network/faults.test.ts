import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GatewayWallets } from '../../gateway/src/auth/identities';
import { bootstrap } from '../../gateway/src/cli/bootstrap';
import { GatewayClient } from '../../gateway/src/client';
import { repoRoot } from '../../network/client';
import { waitForLeader } from '../../network/src/channel';
import { sleep, waitFor } from '../../network/src/run';
import {
    certificatesOf,
    Client,
    connectionProfile,
    hex64,
    idem,
    network,
    onboardMarket,
    transactionsSince,
    channelHeight,
    type Market,
    type Res,
    type TestGateway,
} from './gateway-support';

/**
 * Issue #12: one process at a time is SIGKILLed under a steady write load through the gateway (documents, each
 * with its own Idempotency-Key): a Raft orderer node (the leader), each peer, each chaincode server, each CA and
 * the gateway itself. The watchdog restarts what died. Afterwards every acknowledged write is read back (none
 * missing), the ledger holds one valid transaction per write (no duplicate from a retry), and the time from the
 * kill until a write sent after it is acknowledged again is printed per process.
 */

const WORKERS = 3;
const GATEWAY = 'gateway';

interface Write {
    readonly key: string;
    readonly body: { sha256: string; kind: string };
    /** When the write was first sent, and when it was acknowledged (201), if it was. */
    readonly sentAt: number;
    ackedAt?: number;
    /** The process killed last when it was sent (or "none"). */
    readonly during: string;
    /** What the first attempt got when it was not a 201: a status and code, or the network error. */
    firstAnswer?: string;
}

/** The process killed last: the writes sent since are told apart by it in the report. */
let lastKilled = 'none';

/** Runs `work` on every item, `parallel` at a time (reading hundreds of writes back one by one takes minutes). */
async function eachInParallel<T>(
    items: readonly T[],
    parallel: number,
    work: (item: T) => Promise<void>,
): Promise<void> {
    let next = 0;
    await Promise.all(
        Array.from({ length: parallel }, async () => {
            while (next < items.length) {
                const item = items[next++] as T;
                await work(item);
            }
        }),
    );
}

/** A free port on 127.0.0.1 for the gateway process: it must keep its port across restarts. */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => {
                resolve(typeof address === 'object' && address ? address.port : 0);
            });
        });
    });
}

/** The gateway as a process of its own beside the network (as `npm start` runs it), so that it can be killed. */
async function startGatewayProcess(): Promise<TestGateway> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-faults-'));
    const bootstrapKeys = new Map<string, string>();
    for (const issued of await bootstrap({ connectionProfile, dataDir })) {
        if (issued.apiKey !== undefined) bootstrapKeys.set(`${issued.org}/${issued.username}`, issued.apiKey);
    }
    const port = await freePort();
    await network.startService({
        name: GATEWAY,
        command: process.execPath,
        args: [path.join(repoRoot(), 'dist', 'gateway', 'src', 'server.js')],
        env: {
            MPT_GATEWAY_HOST: '127.0.0.1',
            MPT_GATEWAY_PORT: String(port),
            MPT_CONNECTION_PROFILE: connectionProfile,
            MPT_GATEWAY_DATA_DIR: dataDir,
            MPT_LOG_LEVEL: 'warn',
            MPT_RATE_LIMIT_PER_SECOND: '1000',
            MPT_RATE_LIMIT_BURST: '1000',
            MPT_IP_RATE_LIMIT_PER_SECOND: '1000',
            MPT_PROJECTION: 'off',
            MPT_COMMIT_LOST_AFTER_MS: '10000',
        },
        ports: [port],
    });
    const url = `http://127.0.0.1:${port}`;
    await gatewayReady(url);
    const client = (apiKey: string | undefined): Client => new Client(url, apiKey);
    return {
        url,
        dataDir,
        wallets: new GatewayWallets(dataDir),
        bootstrapKeys,
        client,
        bootstrapClient: (org: string, username: string): Client => {
            const found = bootstrapKeys.get(`${org}/${username}`);
            if (found === undefined) throw new Error(`no bootstrap key for ${org}/${username}`);
            return client(found);
        },
        close: async (): Promise<void> => {
            await network.stopService(GATEWAY);
            rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

const gatewayReady = (url: string): Promise<boolean> =>
    waitFor(
        `the gateway at ${url} to be ready (see ${network.layout.log(GATEWAY)})`,
        async () => ((await new GatewayClient({ baseUrl: url }).ready()) ? true : undefined),
        { timeoutMs: 90_000, intervalMs: 250 },
    );

/**
 * Writes documents with a few workers, one write after another each, until stopped. A write that is not
 * acknowledged (503 COMMIT_UNKNOWN, no endorsement, gateway unreachable…) is kept to be resolved later, with its
 * own Idempotency-Key, as a client would.
 */
class Load {
    readonly writes: Write[] = [];
    #running = true;
    readonly #workers: Promise<unknown>;

    constructor(readonly api: Client) {
        this.#workers = Promise.all(Array.from({ length: WORKERS }, () => this.#worker()));
    }

    async #worker(): Promise<void> {
        while (this.#running) {
            const write: Write = {
                key: idem(),
                body: { sha256: hex64(), kind: 'INVOICE' },
                sentAt: Date.now(),
                during: lastKilled,
            };
            this.writes.push(write);
            const answer = await this.send(write);
            if (answer.status === 201) {
                write.ackedAt = Date.now();
            } else {
                write.firstAnswer = describeAnswer(answer);
                // a failing network answers fast, an unreachable gateway at once: do not spin
                await sleep(answer.status === 0 ? 1000 : 200);
            }
        }
    }

    /** One attempt; an unreachable gateway counts as a status 0 answer. */
    async send(write: Write): Promise<Res> {
        try {
            return await this.api.post('/v1/documents', write.body, write.key);
        } catch (error) {
            return { status: 0, body: { error: { code: (error as Error).name } } } as Res;
        }
    }

    acked(): number {
        return this.writes.filter((w) => w.ackedAt !== undefined).length;
    }

    /** Resolves after the first acknowledgement of a write sent after `since`; returns its time. */
    flowingAgain(what: string, since: number): Promise<number> {
        return waitFor(
            `writes to be acknowledged again after ${what}`,
            () => Promise.resolve(this.writes.find((w) => w.sentAt >= since && w.ackedAt !== undefined)?.ackedAt),
            { timeoutMs: 120_000, intervalMs: 100 },
        );
    }

    async stop(): Promise<void> {
        this.#running = false;
        await this.#workers;
    }
}

const describeAnswer = (answer: Res): string => {
    const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
    return code === undefined ? String(answer.status) : `${answer.status} ${code}`;
};

/** When `name`'s log says something matching `pattern` at `since` or later: ms after `since` (the log's times are UTC). */
function logged(name: string, pattern: RegExp, since: number): number[] {
    return readFileSync(network.layout.log(name), 'utf8')
        .split('\n')
        .flatMap((line) => {
            const stamp = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC/.exec(line);
            const at = stamp ? Date.parse(`${stamp[1]}T${stamp[2]}Z`) : Number.NaN;
            return at >= since && pattern.test(line) ? [at - since] : [];
        });
}

/**
 * Where the time after a Raft leader's SIGKILL went, from the other nodes' logs: when the followers noticed, when one
 * was elected and served, and how long transactions a follower forwarded to the dead leader waited for it.
 */
function raftFailoverPhases(leader: string, killedAt: number): string {
    const others = network.processNames().filter((name) => name.startsWith('orderer') && name !== leader);
    const first = (pattern: RegExp): string => {
        const times = others.flatMap((name) => logged(name, pattern, killedAt));
        return times.length > 0 ? `+${(Math.min(...times) / 1000).toFixed(2)} s` : 'not logged';
    };
    const stuck = others.flatMap((name) => logged(name, /waiting on forwarding/, killedAt));
    return [
        `followers noticed ${first(/lost leader|Raft leader changed: \d+ -> 0 /)}`,
        `new leader elected ${first(/became leader at term/)}`,
        `serving ${first(/Start accepting requests as Raft leader/)}`,
        `${stuck.length} forwards to the dead leader gave up`,
        ...(stuck.length > 0 ? [`the last at +${(Math.max(...stuck) / 1000).toFixed(2)} s`] : []),
    ].join(', ');
}

interface Fault {
    readonly process: string;
    readonly ackedBefore: number;
    readonly ackedDuringOutage: number;
    readonly recoveryMs: number;
}

const gw = {} as TestGateway;
const m = {} as Market;
let load: Load;
let fromBlock = 0;
const faults: Fault[] = [];

beforeAll(async () => {
    Object.assign(gw, await startGatewayProcess());
    Object.assign(m, await onboardMarket(gw));
    await network.startWatchdog();
    fromBlock = await channelHeight();
    load = new Load(m.vendor.api);
    await load.flowingAgain('the start', Date.now());
}, 300_000);

afterAll(async () => {
    await load.stop();
    await network.stopWatchdog();
    await gw.close();
    await network.up();
}, 180_000);

/** Kills `name` as a crash would; the watchdog restarts it. Records how long until writes flow again. */
async function crashAndRecover(name: string): Promise<Fault> {
    await load.flowingAgain(`before ${name}`, Date.now());
    const ackedBefore = load.acked();
    const killedAt = Date.now();
    lastKilled = name;
    network.crash(name);
    const flowing = await load.flowingAgain(`${name} was killed`, killedAt);
    await waitFor(
        `the watchdog to restart ${name}`,
        () => Promise.resolve(network.isRunning(name) ? true : undefined),
        {
            timeoutMs: 60_000,
        },
    );
    const fault = {
        process: name,
        ackedBefore,
        ackedDuringOutage: load.acked() - ackedBefore,
        recoveryMs: flowing - killedAt,
    };
    faults.push(fault);
    return fault;
}

describe('SIGKILL of one process at a time under a steady write load', () => {
    it('the Raft leader: writes keep being acknowledged while it is down, and it rejoins', async () => {
        const leader = await waitForLeader(network.topology);
        // held down for a while (the watchdog stopped) so that the acknowledgements below are the other two nodes'
        await network.stopWatchdog();
        await load.flowingAgain(`before ${leader}`, Date.now());
        const ackedBefore = load.acked();
        const killedAt = Date.now();
        lastKilled = leader;
        network.crash(leader);
        const flowing = await load.flowingAgain(`${leader} was killed`, killedAt);
        const newLeader = await waitForLeader(network.topology);
        await sleep(10_000);
        const ackedWhileDown = load.acked() - ackedBefore;
        expect(network.isRunning(leader)).toBe(false);
        await network.startWatchdog();
        await waitFor(
            `${leader} to rejoin the channel's Raft cluster`,
            async () => {
                const node = (await network.status()).nodes.find((n) => n.name === leader);
                return node?.ok ? node.detail : undefined;
            },
            { timeoutMs: 60_000 },
        );
        faults.push({
            process: leader,
            ackedBefore,
            ackedDuringOutage: ackedWhileDown,
            recoveryMs: flowing - killedAt,
        });
        console.log(
            `${leader} (Raft leader) SIGKILL at ${new Date(killedAt).toISOString()}: ${ackedWhileDown} writes acknowledged in the ` +
                `${((Date.now() - killedAt) / 1000).toFixed(0)} s it was down, ${newLeader} leads now, first write after the kill ` +
                `acknowledged in ${flowing - killedAt} ms; ${raftFailoverPhases(leader, killedAt)} (load average ${loadavg()[0]?.toFixed(1)})`,
        );
        expect(newLeader).not.toBe(leader);
        expect(ackedWhileDown).toBeGreaterThan(5);
    }, 180_000);

    it('each peer, each chaincode server and each CA: writes flow again once the watchdog restarts it', async () => {
        const names = network.processNames().filter((name) => !name.startsWith('orderer'));
        for (const name of names) {
            await crashAndRecover(name);
        }
        expect(faults.map((f) => f.process)).toEqual(expect.arrayContaining(names));
    }, 600_000);

    it('the gateway itself: writes flow again once the watchdog restarts it', async () => {
        const fault = await crashAndRecover(GATEWAY);
        await gatewayReady(gw.url);
        expect(fault.recoveryMs).toBeGreaterThan(0);
    }, 180_000);

    it('no acknowledged write is missing, and none is on the ledger twice', async () => {
        await load.stop();
        console.log(
            [
                'process                        acknowledged before  during outage  writes flow again after',
                ...faults.map(
                    (f) =>
                        `${f.process.padEnd(30)} ${String(f.ackedBefore).padStart(20)} ${String(f.ackedDuringOutage).padStart(14)}  ${(f.recoveryMs / 1000).toFixed(1)} s`,
                ),
            ].join('\n'),
        );
        // every write not acknowledged at first is retried with its own key until the gateway knows its outcome
        const unacknowledged = load.writes.filter((w) => w.ackedAt === undefined);
        const retried: Record<string, number> = {};
        await eachInParallel(unacknowledged, 8, async (write) => {
            const final = await waitFor(
                `${write.key} to be resolved`,
                async () => {
                    const answer = await load.send(write);
                    return [0, 409, 503].includes(answer.status) ? undefined : answer;
                },
                { timeoutMs: 90_000, intervalMs: 1000 },
            );
            const outcome = `after ${write.during}: ${write.firstAnswer ?? '?'} → ${describeAnswer(final)}`;
            retried[outcome] = (retried[outcome] ?? 0) + 1;
            if (final.status === 201) write.ackedAt = Date.now();
        });
        console.log(`writes not acknowledged at first, and their retry:\n${JSON.stringify(retried, null, 1)}`);

        const acked = load.writes.filter((w) => w.ackedAt !== undefined);
        const missing: string[] = [];
        await eachInParallel(acked, 8, async (write) => {
            const read = await m.vendor.api.get(`/v1/documents/${write.body.sha256}`);
            if (read.status !== 200 || (read.body as { registered?: boolean }).registered !== true) {
                missing.push(write.body.sha256);
            }
        });
        const vendor = certificatesOf(gw, [m.vendor]);
        const valid = (await transactionsSince(fromBlock)).filter((tx) => tx.valid && vendor.has(tx.creator)).length;
        console.log(
            `${load.writes.length} writes, ${acked.length} acknowledged (${acked.length - unacknowledged.length} at once), ` +
                `${missing.length} missing, ${valid} valid vendor transactions on the ledger`,
        );
        expect(missing).toEqual([]);
        // a process down is an outage the client may retry (503 with Retry-After), never an internal error
        expect(load.writes.filter((w) => w.firstAnswer?.startsWith('500') === true).map((w) => w.during)).toEqual([]);
        // one valid transaction per registered document: a retry that wrote again would show as one more
        expect(valid).toBe(acked.length);
        expect(Object.keys(retried).every((outcome) => outcome.endsWith('→ 201'))).toBe(true);
    }, 600_000);
});
