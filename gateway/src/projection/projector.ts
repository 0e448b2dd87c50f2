import type { peer } from '@hyperledger/fabric-protos';
import type { Logger } from '../ops/logger';
import { applyBlocks, nextBlock, readCheckpoint, type ApplyOptions } from './apply';
import { parseBlock } from './blocks';
import type { ReadModelDatabase } from './database';
import { deliveredGroups, transactionsIn, type GroupLimits } from './groups';

/** Blocks with private data from one org's peer. */
export interface BlockSource {
    /** Every block from `startBlock` on, in order, then each new block as it commits, until closed. */
    open(startBlock: number): Promise<BlockStream>;
    /** The peer's ledger height: its last block's number + 1. */
    height(): Promise<number>;
    close(): void;
}

export interface BlockStream extends AsyncIterable<peer.BlockAndPrivateData> {
    close(): void;
}

export type ProjectionState = 'starting' | 'catching-up' | 'following' | 'failing' | 'stopped';

/** What `/readyz` and `/metrics` tell about one org's projection. */
export interface ProjectionStatus {
    readonly org: string;
    readonly state: ProjectionState;
    /** The last block applied in full; null before block 0. */
    readonly lastBlock: number | null;
    /** The peer's height (last block + 1); null when the peer could not be asked. */
    readonly peerHeight: number | null;
    /** Blocks the peer has and the read model has not yet; null when the peer could not be asked. */
    readonly lagBlocks: number | null;
    readonly transactions: number;
    /** Where the read model lives (file, or schema@host/database); undefined until it could be opened. */
    readonly database: string | undefined;
    readonly error?: string;
}

export interface ProjectorOptions {
    readonly org: string;
    /**
     * Opens the read model (and migrates it). Called by the projector until it succeeds, so a database that cannot
     * be reached at start is retried like any other failure instead of stopping the gateway.
     */
    readonly open: () => Promise<ReadModelDatabase>;
    readonly source: BlockSource;
    /** The chaincode whose namespace is projected. */
    readonly chaincode: string;
    readonly logger: Logger;
    /** First and longest wait before reconnecting after a failure (default 500 ms and 30 s). */
    readonly retryMs?: { readonly first: number; readonly max: number };
    /** How long a peer height lookup for the status may take (default 2 s). */
    readonly heightTimeoutMs?: number;
    readonly apply?: ApplyOptions;
    /** How many blocks already delivered one database transaction may take (default: GROUP_LIMITS of groups.ts). */
    readonly groupLimits?: GroupLimits;
}

/** How long a peer height asked for {@link Projector.status} is reused. */
const HEIGHT_CACHE_MS = 1000;

/** Waits `ms`, or less when `signal` aborts (its listener removed either way, so retries never pile listeners up). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
        const done = (): void => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
    });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
            reject(new Error(`no answer within ${ms} ms`));
        }, ms);
        promise.then(resolve, reject).finally(() => {
            clearTimeout(timer);
        });
    });
}

/**
 * Keeps one organisation's read model equal to its peer's ledger: reads the checkpoint, asks the peer for every
 * block after it (with the private data the peer holds), applies the blocks delivered so far in one database
 * transaction with the checkpoint (many while catching up, each new block alone once following), and follows new
 * blocks as they commit. Any failure (peer gone, database full) is logged, shown in
 * {@link status}, and followed by a reconnect from the checkpoint after a backoff: never a gap, never a duplicate.
 */
export class Projector {
    readonly #options: ProjectorOptions;
    readonly #stop = new AbortController();
    #stream: BlockStream | undefined;
    #running: Promise<void> | undefined;
    #state: ProjectionState = 'starting';
    #lastBlock: number | null = null;
    #transactions = 0;
    #knownHeight = 0;
    #height: { readonly at: number; readonly value: Promise<number | null> } | undefined;
    #error: string | undefined;
    #database: ReadModelDatabase | undefined;

    constructor(options: ProjectorOptions) {
        this.#options = options;
    }

    get org(): string {
        return this.#options.org;
    }

    /** The read model once opened: the projector never closes it (its owner does, after {@link stop}). */
    get database(): ReadModelDatabase | undefined {
        return this.#database;
    }

    /** Starts projecting in the background; {@link stop} ends it. */
    start(): void {
        this.#running ??= this.#run();
    }

    /** Stops after the blocks being applied (their database transaction commits or rolls back whole). */
    async stop(): Promise<void> {
        this.#stop.abort();
        this.#stream?.close();
        await this.#running;
        this.#state = 'stopped';
    }

    /**
     * The projection's progress, with the peer's height asked at most once a second (null when the peer did not
     * answer in time), so probes and scrapes cannot flood the peer.
     */
    async status(): Promise<ProjectionStatus> {
        const now = Date.now();
        if (this.#height === undefined || now - this.#height.at >= HEIGHT_CACHE_MS) {
            const asked = withTimeout(this.#options.source.height(), this.#options.heightTimeoutMs ?? 2000).catch(
                () => null,
            );
            this.#height = { at: now, value: asked };
        }
        const peerHeight = await this.#height.value;
        const applied = this.#lastBlock === null ? 0 : this.#lastBlock + 1;
        return {
            org: this.#options.org,
            state: this.#state,
            lastBlock: this.#lastBlock,
            peerHeight,
            lagBlocks: peerHeight === null ? null : Math.max(0, peerHeight - applied),
            transactions: this.#transactions,
            database: this.#database?.where,
            ...(this.#error === undefined ? {} : { error: this.#error }),
        };
    }

    /** A method, not the property itself: TypeScript would narrow the property across awaits. */
    #stopped(): boolean {
        return this.#stop.signal.aborted;
    }

    async #run(): Promise<void> {
        const retry = this.#options.retryMs ?? { first: 500, max: 30_000 };
        let wait = retry.first;
        while (!this.#stopped()) {
            try {
                await this.#follow();
                wait = retry.first;
            } catch (error) {
                if (this.#stopped()) break;
                this.#state = 'failing';
                this.#error = error instanceof Error ? error.message : String(error);
                this.#options.logger.warn(
                    { err: error, org: this.#options.org, lastBlock: this.#lastBlock, retryInMs: wait },
                    'projection failed; resuming from its checkpoint',
                );
                await sleep(wait, this.#stop.signal);
                wait = Math.min(retry.max, wait * 2);
            }
        }
    }

    /** One connection: from the checkpoint to the end of the stream. */
    async #follow(): Promise<void> {
        this.#database ??= await this.#options.open();
        const { db } = this.#database;
        const checkpoint = await readCheckpoint(db);
        this.#lastBlock = checkpoint?.blockNumber ?? null;
        this.#transactions = checkpoint?.txCount ?? 0;
        const start = nextBlock(checkpoint);
        this.#knownHeight = await this.#options.source.height();
        this.#state = start < this.#knownHeight ? 'catching-up' : 'following';
        const stream = await this.#options.source.open(start);
        this.#stream = stream;
        this.#options.logger.info(
            { org: this.#options.org, from: start, height: this.#knownHeight },
            'projection started',
        );
        try {
            const groups = deliveredGroups(stream, transactionsIn, this.#options.groupLimits);
            for await (const delivered of groups) {
                if (this.#stopped()) return;
                const blocks = delivered.map((block) => parseBlock(block, this.#options.chaincode));
                const applied = await applyBlocks(db, blocks, this.#options.apply);
                if (applied.applied) {
                    this.#lastBlock = applied.blockNumber;
                    this.#transactions += applied.transactions;
                }
                this.#error = undefined;
                if (applied.blockNumber + 1 >= this.#knownHeight) this.#state = 'following';
            }
        } finally {
            stream.close();
            this.#stream = undefined;
        }
        if (!this.#stopped()) throw new Error('the peer ended the block stream');
    }
}
