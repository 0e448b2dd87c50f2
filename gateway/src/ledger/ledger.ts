/**
 * The gateway's only view of the ledger. The Fabric implementation is {@link FabricLedger}; API tests use a fake.
 * Transactions are named `Contract:Transaction` exactly as fabric-contract-api exposes them.
 */

/** An enrolled Fabric identity that signs proposals and transactions: always the real caller's own. */
export interface LedgerIdentity {
    /** Stable cache key for this certificate (e.g. its SHA-256); a new certificate gets a new gateway. */
    readonly key: string;
    readonly mspId: string;
    readonly certificate: string;
    readonly privateKey: string;
}

export interface TxRequest {
    /** `Contract:Transaction`, e.g. `DocumentContract:RegisterDocument`. */
    readonly fn: string;
    readonly args?: readonly string[];
    /**
     * Private inputs sent as transient data (never written to the channel as given). Fabric refuses to pick
     * endorsers itself for them when the policy needs an org outside the collection ("retry specifying trusted
     * endorsing organizations to protect transient data"), and every endorser sees them: the ledger endorses such a
     * write on the caller's own org plus one other, as the chaincode's policy (any two orgs) needs.
     */
    readonly transient?: Readonly<Record<string, string>>;
}

export interface SubmitResult {
    /** The chaincode's return value (UTF-8). */
    readonly payload: string;
    readonly txId: string;
    /** Block that committed the transaction, as a decimal string (uint64). */
    readonly blockNumber: string;
    /** Endorse+submit attempts made (more than 1 after MVCC/phantom read conflicts). */
    readonly attempts: number;
}

/** Where a transaction ended up, as the ledger itself records it. */
export interface TxStatus {
    readonly valid: boolean;
    /** Fabric validation code name, e.g. VALID, MVCC_READ_CONFLICT. */
    readonly code: string;
    readonly blockNumber: string;
}

/** What a caller of {@link Ledger.submit} is told while its transaction is under way. */
export interface SubmitObserver {
    /**
     * The transaction is endorsed and about to be sent for ordering: from here on it may commit even if this process
     * dies, so this is the moment to journal its ID (ordering waits until a returned promise settles). Called again
     * for each new proposal after a read conflict.
     */
    endorsed(txId: string, payload: string): Promise<void> | void;
}

export interface Ledger {
    /** Runs a read-only transaction on the caller's org peer; nothing is ordered. */
    evaluate(identity: LedgerIdentity, request: TxRequest): Promise<string>;
    /**
     * Endorses, orders and waits for the commit; resolves only for a VALID commit. Once endorsed, a failure is
     * CommitUnknown (the transaction may still commit), answered within a bounded time.
     */
    submit(identity: LedgerIdentity, request: TxRequest, observer?: SubmitObserver): Promise<SubmitResult>;
    /**
     * Looks a transaction up on the ledger; undefined when the caller's peer answered that it has no such transaction
     * (yet). Rejects (LedgerUnavailable) when the peer could not be asked: the outcome is then still unknown.
     */
    status(identity: LedgerIdentity, txId: string): Promise<TxStatus | undefined>;
    /** Resolves when every org peer answers a query; rejects with the first failure. */
    ready(): Promise<void>;
    close(): void;
}
