import { createHash } from 'node:crypto';
import { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import type {
    ChaincodeProposal,
    ChaincodeResponse,
    ChaincodeStub,
    ClientIdentity,
    Iterators,
    SerializedIdentity,
    SplitCompositekey,
    StateQueryResponse,
    Timestamp,
} from 'fabric-shim-api';
import Long from 'long';

/**
 * An in-memory Fabric ledger for unit tests. Each `submit` is one transaction: it is simulated against the
 * committed state (reads never see the same transaction's writes, as on a peer), then validated
 * (MVCC read versions, key-level endorsement policies, the chaincode-level policy: peers of any two orgs) and committed atomically.
 * `evaluate` simulates and throws the write set away. Composite keys use fabric-shim's encoding.
 */

const NS = '\u0000';
const MAX_RUNE = '\u{10ffff}';

export interface FakeIdentity {
    readonly mspId: string;
    readonly id: string;
    readonly attributes: Readonly<Record<string, string>>;
}

export class FakeClientIdentity implements ClientIdentity {
    readonly #identity: FakeIdentity;

    constructor(identity: FakeIdentity) {
        this.#identity = identity;
    }

    assertAttributeValue(attrName: string, attrValue: string): boolean {
        return this.#identity.attributes[attrName] === attrValue;
    }

    getAttributeValue(attrName: string): string | null {
        return this.#identity.attributes[attrName] ?? null;
    }

    getID(): string {
        return this.#identity.id;
    }

    getIDBytes(): Uint8Array {
        return Buffer.from(this.#identity.id, 'utf8');
    }

    getMSPID(): string {
        return this.#identity.mspId;
    }
}

export interface TxOptions {
    readonly transient?: Readonly<Record<string, string | Uint8Array>>;
    readonly txId?: string;
    /** Transaction timestamp; defaults to the ledger clock, which moves one second per transaction. */
    readonly timestamp?: Date;
    /** MSP IDs of the peers that endorse; defaults to every channel org. */
    readonly endorsers?: readonly string[];
}

export interface EmittedEvent {
    readonly name: string;
    readonly payload: unknown;
}

export interface TxRecord {
    readonly txId: string;
    readonly timestamp: string;
    readonly creator: FakeIdentity;
    readonly validationCode: 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'ENDORSEMENT_POLICY_FAILURE';
    readonly events: EmittedEvent[];
    readonly writes: string[];
}

interface Versioned {
    readonly value: Buffer;
    readonly version: number;
}

interface CollectionConfig {
    readonly members: readonly string[];
    readonly memberOnlyRead: boolean;
    readonly memberOnlyWrite: boolean;
}

/** One entry of a Fabric collections config JSON (the fields the fake uses). */
export interface CollectionDefinition {
    readonly name: string;
    readonly policy: string;
    readonly memberOnlyRead?: boolean;
    readonly memberOnlyWrite?: boolean;
}

/** A simulated transaction: read versions, buffered writes, event calls. */
export class PendingTx {
    readonly reads = new Map<string, number>();
    readonly writes = new Map<string, Buffer | null>();
    readonly privateWrites = new Map<string, Map<string, Buffer | null>>();
    readonly validationParameters = new Map<string, Buffer>();
    readonly events: EmittedEvent[] = [];
    /** Range queries with the keys and versions they saw (phantom-read validation). */
    readonly rangeReads: { start: string; end: string; seen: string }[] = [];
    paginatedQuery = false;

    constructor(
        readonly txId: string,
        readonly timestamp: Date,
        readonly creator: FakeIdentity,
        readonly endorsers: readonly string[],
    ) {}

    get wroteSomething(): boolean {
        return this.writes.size > 0 || this.privateWrites.size > 0 || this.validationParameters.size > 0;
    }
}

export class FakeLedger {
    readonly channelOrgs: string[];
    readonly #state = new Map<string, Versioned>();
    readonly #history = new Map<string, Iterators.KeyModification[]>();
    readonly #private = new Map<string, Map<string, Buffer>>();
    readonly #collections = new Map<string, CollectionConfig>();
    readonly #validationParameters = new Map<string, Buffer>();
    readonly transactions: TxRecord[] = [];
    #clock = new Date('2024-03-01T08:00:00.000Z');
    #txCount = 0;
    #version = 0;

    constructor(channelOrgs: readonly string[] = ['MarketOrgMSP', 'CustomsOrgMSP', 'BankOrgMSP']) {
        this.channelOrgs = [...channelOrgs];
    }

    /** Declares private data collections from a collections config (members = MSP IDs named in the policy). */
    defineCollections(definitions: readonly CollectionDefinition[]): void {
        for (const definition of definitions) {
            const members = [...definition.policy.matchAll(/'([A-Za-z0-9-]+)\.(?:member|peer|client|admin)'/g)].map(
                (match) => match[1] ?? '',
            );
            this.#collections.set(definition.name, {
                members,
                memberOnlyRead: definition.memberOnlyRead ?? false,
                memberOnlyWrite: definition.memberOnlyWrite ?? false,
            });
        }
    }

    setTime(iso: string): void {
        this.#clock = new Date(iso);
    }

    /** Runs `fn` as one committed transaction; throws its error (nothing written) or a validation failure. */
    async submit<T>(identity: FakeIdentity, fn: (ctx: Context) => T | Promise<T>, options: TxOptions = {}): Promise<T> {
        const { result, pending } = await this.endorse(identity, fn, options);
        this.commit(pending);
        return result;
    }

    /** Runs `fn` as a query: simulated against committed state, nothing written. */
    async evaluate<T>(
        identity: FakeIdentity,
        fn: (ctx: Context) => T | Promise<T>,
        options: TxOptions = {},
    ): Promise<T> {
        const { result } = await this.endorse(identity, fn, options);
        return result;
    }

    /** Simulation only; `commit` it later (possibly after other commits, to provoke MVCC conflicts). */
    async endorse<T>(
        identity: FakeIdentity,
        fn: (ctx: Context) => T | Promise<T>,
        options: TxOptions = {},
    ): Promise<{ result: T; pending: PendingTx }> {
        this.#txCount += 1;
        const timestamp = options.timestamp ?? new Date(this.#clock.getTime() + this.#txCount * 1000);
        const txId = options.txId ?? createHash('sha256').update(`fake-tx-${this.#txCount}`).digest('hex');
        const pending = new PendingTx(txId, timestamp, identity, options.endorsers ?? this.channelOrgs);
        const stub = new FakeStub(this, pending, toTransient(options.transient));
        const ctx = new Context();
        ctx.stub = stub;
        ctx.clientIdentity = new FakeClientIdentity(identity);
        const result = await fn(ctx);
        return { result, pending };
    }

    /** Validates and commits a simulated transaction; throws with the validation code when invalid. */
    commit(pending: PendingTx): TxRecord {
        const code = this.#validate(pending);
        const record: TxRecord = {
            txId: pending.txId,
            timestamp: pending.timestamp.toISOString(),
            creator: pending.creator,
            validationCode: code,
            events: code === 'VALID' ? pending.events.slice(-1) : [],
            writes: [...pending.writes.keys()],
        };
        this.transactions.push(record);
        if (code !== 'VALID') throw new Error(`transaction ${pending.txId} invalid: ${code}`);
        this.#version += 1;
        for (const [key, value] of pending.writes) this.#applyWrite(pending, key, value);
        for (const [collection, writes] of pending.privateWrites) {
            const store = this.#private.get(collection) ?? new Map<string, Buffer>();
            this.#private.set(collection, store);
            for (const [key, value] of writes) {
                if (value === null) store.delete(key);
                else store.set(key, value);
            }
        }
        for (const [key, parameter] of pending.validationParameters) this.#validationParameters.set(key, parameter);
        return record;
    }

    #applyWrite(pending: PendingTx, key: string, value: Buffer | null): void {
        if (value === null) this.#state.delete(key);
        else this.#state.set(key, { value, version: this.#version });
        const history = this.#history.get(key) ?? [];
        history.push({
            isDelete: value === null,
            value: value ?? Buffer.alloc(0),
            timestamp: toTimestamp(pending.timestamp),
            txId: pending.txId,
        });
        this.#history.set(key, history);
    }

    #validate(pending: PendingTx): TxRecord['validationCode'] {
        for (const [key, version] of pending.reads) {
            if ((this.#state.get(key)?.version ?? -1) !== version) return 'MVCC_READ_CONFLICT';
        }
        for (const range of pending.rangeReads) {
            if (this.rangeFingerprint(range.start, range.end) !== range.seen) return 'PHANTOM_READ_CONFLICT';
        }
        const endorsers = new Set(pending.endorsers);
        const anyTwoOrgs = endorsers.size >= 2;
        const touched = new Set([...pending.writes.keys(), ...pending.validationParameters.keys()]);
        for (const key of touched) {
            const parameter = this.#validationParameters.get(key);
            const ok =
                parameter === undefined
                    ? anyTwoOrgs
                    : new KeyEndorsementPolicy(parameter).listOrgs().every((org) => endorsers.has(org));
            if (!ok) return 'ENDORSEMENT_POLICY_FAILURE';
        }
        return 'VALID';
    }

    // Read access used by FakeStub and by tests -----------------------------------------------------------

    committed(key: string): Versioned | undefined {
        return this.#state.get(key);
    }

    /** Committed value as parsed JSON (tests). */
    read(key: string): unknown {
        const entry = this.#state.get(key);
        return entry === undefined ? undefined : JSON.parse(entry.value.toString('utf8'));
    }

    keysInRange(start: string, end: string): string[] {
        return [...this.#state.keys()].filter((key) => key >= start && key < end).sort(compareKeys);
    }

    /** Keys and versions in a range, as one string (what a range query saw). */
    rangeFingerprint(start: string, end: string): string {
        return this.keysInRange(start, end)
            .map((key) => `${key}@${this.#state.get(key)?.version ?? -1}`)
            .join('|');
    }

    historyOf(key: string): Iterators.KeyModification[] {
        return [...(this.#history.get(key) ?? [])];
    }

    privateValue(collection: string, key: string): Buffer | undefined {
        return this.#private.get(collection)?.get(key);
    }

    collection(name: string): CollectionConfig | undefined {
        return this.#collections.get(name);
    }

    validationParameter(key: string): Buffer | undefined {
        return this.#validationParameters.get(key);
    }

    /** Events of valid transactions, oldest first. */
    get events(): EmittedEvent[] {
        return this.transactions.filter((tx) => tx.validationCode === 'VALID').flatMap((tx) => tx.events);
    }

    get lastTx(): TxRecord | undefined {
        return this.transactions[this.transactions.length - 1];
    }
}

function compareKeys(a: string, b: string): number {
    const x = Buffer.from(a, 'utf8');
    const y = Buffer.from(b, 'utf8');
    return Buffer.compare(x, y);
}

function toTransient(input: TxOptions['transient']): Map<string, Uint8Array> {
    const map = new Map<string, Uint8Array>();
    for (const [name, value] of Object.entries(input ?? {})) {
        map.set(name, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
    }
    return map;
}

function toTimestamp(date: Date): Timestamp {
    const millis = date.getTime();
    return { seconds: Long.fromNumber(Math.floor(millis / 1000)), nanos: (millis % 1000) * 1_000_000 };
}

function checkAttribute(value: string): void {
    if (typeof value !== 'string' || value.length === 0) {
        throw new Error('object type or attribute not a non-zero length string');
    }
    if (value.includes(NS) || value.includes(MAX_RUNE)) {
        throw new Error(`input contains unicode NUL or U+10FFFF: ${JSON.stringify(value)}`);
    }
}

function unsupported(name: string): never {
    throw new Error(`FakeStub.${name} is not supported`);
}

type QueryPromise<T> = Promise<T> & AsyncIterable<Iterators.KV>;

function listIterator<T>(items: T[]): Iterators.CommonIterator<T> {
    let index = 0;
    return {
        close: (): Promise<void> => Promise.resolve(),
        next: (): Promise<Iterators.NextResult<T>> => {
            const value = items[index];
            index += 1;
            return Promise.resolve(
                value === undefined ? { value: undefined as unknown as T, done: true } : { value, done: false },
            );
        },
    };
}

function asQuery<T>(promise: Promise<T>, items: Iterators.KV[]): QueryPromise<T> {
    return Object.assign(promise, {
        async *[Symbol.asyncIterator](): AsyncGenerator<Iterators.KV> {
            await promise;
            yield* items;
        },
    });
}

export class FakeStub implements ChaincodeStub {
    readonly #ledger: FakeLedger;
    readonly #tx: PendingTx;
    readonly #transient: Map<string, Uint8Array>;

    constructor(ledger: FakeLedger, tx: PendingTx, transient: Map<string, Uint8Array>) {
        this.#ledger = ledger;
        this.#tx = tx;
        this.#transient = transient;
    }

    /** setEvent calls in this transaction (Fabric keeps only the last). */
    get eventCalls(): number {
        return this.#tx.events.length;
    }

    getArgs(): string[] {
        return unsupported('getArgs');
    }
    getStringArgs(): string[] {
        return unsupported('getStringArgs');
    }
    getFunctionAndParameters(): { params: string[]; fcn: string } {
        return unsupported('getFunctionAndParameters');
    }
    getTxID(): string {
        return this.#tx.txId;
    }
    getChannelID(): string {
        return 'mpt';
    }
    getCreator(): SerializedIdentity {
        return { mspid: this.#tx.creator.mspId, idBytes: Buffer.from(this.#tx.creator.id) };
    }
    getMspID(): string {
        return this.#tx.endorsers[0] ?? 'MarketOrgMSP';
    }
    getTransient(): Map<string, Uint8Array> {
        return new Map(this.#transient);
    }
    getSignedProposal(): ChaincodeProposal.SignedProposal {
        return unsupported('getSignedProposal');
    }
    getTxTimestamp(): Timestamp {
        return toTimestamp(this.#tx.timestamp);
    }
    getDateTimestamp(): Date {
        return new Date(this.#tx.timestamp);
    }
    getBinding(): string {
        return unsupported('getBinding');
    }

    getState(key: string): Promise<Uint8Array> {
        const entry = this.#ledger.committed(key);
        this.#tx.reads.set(key, entry?.version ?? -1);
        return Promise.resolve(entry === undefined ? Buffer.alloc(0) : Buffer.from(entry.value));
    }

    putState(key: string, value: Uint8Array): Promise<void> {
        this.#checkWrite(key);
        // Fabric treats an empty value as a delete.
        this.#tx.writes.set(key, value.length === 0 ? null : Buffer.from(value));
        return Promise.resolve();
    }

    deleteState(key: string): Promise<void> {
        this.#checkWrite(key);
        this.#tx.writes.set(key, null);
        return Promise.resolve();
    }

    #checkWrite(key: string): void {
        if (typeof key !== 'string' || key.length === 0) throw new Error('key must not be empty');
        if (this.#tx.paginatedQuery) {
            throw new Error('transaction with paginated queries cannot perform writes');
        }
    }

    setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
        this.#checkWrite(key);
        this.#tx.validationParameters.set(key, Buffer.from(ep));
        return Promise.resolve();
    }

    getStateValidationParameter(key: string): Promise<Uint8Array> {
        return Promise.resolve(this.#ledger.validationParameter(key) ?? Buffer.alloc(0));
    }

    getStateByRange(startKey: string, endKey: string): QueryPromise<Iterators.StateQueryIterator> {
        if (startKey.startsWith(NS) || endKey.startsWith(NS)) {
            throw new Error('first character of the key contains a null character which is not allowed');
        }
        return unsupported('getStateByRange (use composite keys)');
    }

    getStateByRangeWithPagination(): QueryPromise<StateQueryResponse<Iterators.StateQueryIterator>> {
        return unsupported('getStateByRangeWithPagination (use composite keys)');
    }

    #scan(objectType: string, attributes: string[]): Iterators.KV[] {
        const start = this.createCompositeKey(objectType, attributes);
        const end = start + MAX_RUNE;
        this.#tx.rangeReads.push({ start, end, seen: this.#ledger.rangeFingerprint(start, end) });
        return this.#ledger.keysInRange(start, end).map((key) => this.#kv(key));
    }

    #kv(key: string): Iterators.KV {
        const entry = this.#ledger.committed(key);
        return { namespace: 'mpt', key, value: Buffer.from(entry?.value ?? Buffer.alloc(0)) };
    }

    getStateByPartialCompositeKey(
        objectType: string,
        attributes: string[],
    ): QueryPromise<Iterators.StateQueryIterator> {
        const items = this.#scan(objectType, attributes);
        return asQuery(Promise.resolve(listIterator(items)), items);
    }

    getStateByPartialCompositeKeyWithPagination(
        objectType: string,
        attributes: string[],
        pageSize: number,
        bookmark?: string,
    ): QueryPromise<StateQueryResponse<Iterators.StateQueryIterator>> {
        if (this.#tx.wroteSomething) {
            throw new Error('txSimulator does not support paginated queries in transactions that perform writes');
        }
        this.#tx.paginatedQuery = true;
        const start = this.createCompositeKey(objectType, attributes);
        // as a real peer does: a non-empty bookmark replaces the start key, unchecked; only the end key stays
        const from = bookmark !== undefined && bookmark !== '' ? bookmark : start;
        const keys = this.#ledger.keysInRange(from, start + MAX_RUNE);
        const page = keys.slice(0, pageSize).map((key) => this.#kv(key));
        const next = keys[pageSize] ?? '';
        // a real peer sends an empty page without metadata (its protobuf encoding is empty bytes)
        const response = {
            iterator: listIterator(page),
            metadata: (page.length === 0 ? undefined : { fetchedRecordsCount: page.length, bookmark: next }) as {
                fetchedRecordsCount: number;
                bookmark: string;
            },
        };
        return asQuery(Promise.resolve(response), page);
    }

    getQueryResult(): QueryPromise<Iterators.StateQueryIterator> {
        return unsupported('getQueryResult (LevelDB has no rich queries)');
    }
    getQueryResultWithPagination(): QueryPromise<StateQueryResponse<Iterators.StateQueryIterator>> {
        return unsupported('getQueryResultWithPagination (LevelDB has no rich queries)');
    }

    getHistoryForKey(key: string): Promise<Iterators.HistoryQueryIterator> & AsyncIterable<Iterators.KeyModification> {
        const items = this.#ledger.historyOf(key);
        const promise = Promise.resolve(listIterator(items));
        return Object.assign(promise, {
            async *[Symbol.asyncIterator](): AsyncGenerator<Iterators.KeyModification> {
                await promise;
                yield* items;
            },
        });
    }

    invokeChaincode(): Promise<ChaincodeResponse> {
        return unsupported('invokeChaincode');
    }

    setEvent(name: string, payload: Uint8Array): void {
        if (typeof name !== 'string' || name === '') throw new Error('event name must be a non-empty string');
        const text = Buffer.from(payload).toString('utf8');
        let parsed: unknown = text;
        try {
            parsed = JSON.parse(text);
        } catch {
            // not JSON: keep the text
        }
        this.#tx.events.push({ name, payload: parsed });
    }

    createCompositeKey(objectType: string, attributes: string[]): string {
        checkAttribute(objectType);
        if (!Array.isArray(attributes)) throw new Error('attributes must be an array');
        let key = NS + objectType + NS;
        for (const attribute of attributes) {
            checkAttribute(attribute);
            key += attribute + NS;
        }
        return key;
    }

    splitCompositeKey(compositeKey: string): SplitCompositekey {
        if (compositeKey.length < 2 || !compositeKey.startsWith(NS))
            return { objectType: null as unknown as string, attributes: [] };
        const parts = compositeKey.substring(1).split(NS);
        parts.pop();
        const [objectType = '', ...attributes] = parts;
        return { objectType, attributes };
    }

    #collectionFor(collection: string, read: boolean): void {
        const config = this.#ledger.collection(collection);
        if (config === undefined) throw new Error(`collection ${collection} is not defined`);
        const member = config.members.includes(this.#tx.creator.mspId);
        if (read && config.memberOnlyRead && !member) {
            throw new Error(
                `tx creator does not have read access permission on privatedata in collectionName:${collection}`,
            );
        }
        if (!read && config.memberOnlyWrite && !member) {
            throw new Error(
                `tx creator does not have write access permission on privatedata in collectionName:${collection}`,
            );
        }
    }

    getPrivateData(collection: string, key: string): Promise<Uint8Array> {
        this.#collectionFor(collection, true);
        return Promise.resolve(Buffer.from(this.#ledger.privateValue(collection, key) ?? Buffer.alloc(0)));
    }

    getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
        this.#collectionFor(collection, false);
        const value = this.#ledger.privateValue(collection, key);
        return Promise.resolve(value === undefined ? Buffer.alloc(0) : createHash('sha256').update(value).digest());
    }

    putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
        this.#collectionFor(collection, false);
        this.#checkWrite(key);
        if (value.length === 0) throw new Error('value must not be empty for putPrivateData');
        const writes = this.#tx.privateWrites.get(collection) ?? new Map<string, Buffer | null>();
        writes.set(key, Buffer.from(value));
        this.#tx.privateWrites.set(collection, writes);
        return Promise.resolve();
    }

    deletePrivateData(collection: string, key: string): Promise<void> {
        this.#collectionFor(collection, false);
        const writes = this.#tx.privateWrites.get(collection) ?? new Map<string, Buffer | null>();
        writes.set(key, null);
        this.#tx.privateWrites.set(collection, writes);
        return Promise.resolve();
    }

    purgePrivateData(collection: string, key: string): Promise<void> {
        return this.deletePrivateData(collection, key);
    }
    setPrivateDataValidationParameter(): Promise<void> {
        return unsupported('setPrivateDataValidationParameter');
    }
    getPrivateDataValidationParameter(): Promise<Uint8Array> {
        return unsupported('getPrivateDataValidationParameter');
    }
    getPrivateDataByRange(): QueryPromise<Iterators.StateQueryIterator> {
        return unsupported('getPrivateDataByRange');
    }
    getPrivateDataByPartialCompositeKey(): QueryPromise<Iterators.StateQueryIterator> {
        return unsupported('getPrivateDataByPartialCompositeKey');
    }
    getPrivateDataQueryResult(): QueryPromise<Iterators.StateQueryIterator> {
        return unsupported('getPrivateDataQueryResult');
    }
}
