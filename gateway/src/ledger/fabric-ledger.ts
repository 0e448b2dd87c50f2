import type * as grpc from '@grpc/grpc-js';
import {
    CommitStatusError,
    EndorseError,
    GatewayError,
    StatusCode,
    type Contract,
    type Gateway,
    type Status,
} from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { connectAs, newPeerClient, type ConnectionProfile, type OrgConnection } from '../../../network/client';
import {
    chaincodeRejection,
    CommitRejected,
    CommitUnknown,
    LedgerError,
    LedgerFailure,
    LedgerUnavailable,
    type ChaincodeRejection,
} from './errors';
import type { Ledger, LedgerIdentity, SubmitObserver, SubmitResult, TxRequest, TxStatus } from './ledger';

export interface Backoff {
    /** Total tries, the first included. */
    readonly attempts: number;
    readonly baseMs: number;
    readonly maxMs: number;
}

export interface FabricLedgerOptions {
    readonly profile: ConnectionProfile;
    /** Per MSP ID, an identity used only by {@link FabricLedger.ready} to ask that org's peer a question. */
    readonly probes?: ReadonlyMap<string, LedgerIdentity>;
    /** Endorse+submit again on MVCC/phantom read conflicts and on endorsements refused only by other orgs' peers. */
    readonly conflictRetry?: Backoff;
    /** Ask for the commit status again when the answer did not come (never resubmits). */
    readonly statusRetry?: Backoff;
    /**
     * How long a submission waits for its commit status in all (default 20 s); then one ledger lookup, then
     * CommitUnknown. Bounds the answer when the ordering service is down instead of holding the caller for minutes.
     */
    readonly commitWaitMs?: number;
    /** Most gateways kept open at once (one per caller identity); the least recently used is closed first. */
    readonly maxGateways?: number;
    /** Seam for tests: how a gateway is opened for an identity on a peer client. */
    readonly connect?: (client: grpc.Client, identity: LedgerIdentity) => Gateway;
    readonly newClient?: (connection: OrgConnection) => grpc.Client;
    readonly sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE_COMMIT: ReadonlySet<number> = new Set([
    StatusCode.MVCC_READ_CONFLICT,
    StatusCode.PHANTOM_READ_CONFLICT,
]);
const DEFAULT_CONFLICT_RETRY: Backoff = { attempts: 5, baseMs: 50, maxMs: 1000 };
const DEFAULT_STATUS_RETRY: Backoff = { attempts: 4, baseMs: 500, maxMs: 4000 };
const DEFAULT_COMMIT_WAIT_MS = 20_000;
/** gRPC status codes that mean "the peer did not answer", not "the peer said no". */
const UNAVAILABLE_GRPC = new Set([4, 14]); // DEADLINE_EXCEEDED, UNAVAILABLE

const defaultSleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
        setTimeout(resolve, ms);
    });

/** Capped exponential backoff with full jitter. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
    const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

const STATUS_NAMES = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

function statusName(code: number): string {
    return STATUS_NAMES.get(code) ?? `STATUS_${code}`;
}

/** Finds the chaincode's coded message in a gateway error (per-peer details first, then the message itself). */
function rejectionOf(error: GatewayError, txId: string | undefined): ChaincodeRejection | undefined {
    const texts = [...error.details.map((detail) => detail.message), error.message];
    for (const text of texts) {
        // peers wrap the chaincode message: "chaincode response 500, CODE: text"
        const inner = text.replace(/^.*?chaincode response \d+, /s, '');
        const found = chaincodeRejection(inner, { txId, cause: error });
        if (found) {
            return found;
        }
    }
    return undefined;
}

/**
 * qscc's answer for a transaction ID its peer has not indexed: "Failed to get transaction with id <txId>, error Entry
 * not found in index" (older peers: "... error no such transaction ID [<txId>] in index"). qscc has no error code, so
 * its fixed text is the only way to tell "the peer answered: not there" from "the peer could not be asked".
 */
const QSCC_TX_NOT_FOUND = /Failed to get transaction with id [^,]*, error (?:Entry not found|no such transaction ID)/;

function isTxNotFound(error: unknown): boolean {
    if (!(error instanceof GatewayError)) {
        return false;
    }
    return [error.message, ...error.details.map((detail) => detail.message)].some((text) =>
        QSCC_TX_NOT_FOUND.test(text),
    );
}

/**
 * The caller's org, then the first other org of the profile: the two the chaincode's policy (a peer of any two
 * orgs, network/src/chaincode.ts) needs. The profile lists MarketOrg and CustomsOrg first, the members of the
 * market's private collection, so a market write that reads it is endorsed by peers that hold it.
 */
export function endorsersWith(
    mspId: string,
    profile: { readonly orgs: readonly { readonly mspId: string }[] },
): string[] {
    const others = profile.orgs.map((org) => org.mspId).filter((other) => other !== mspId);
    return [mspId, ...others].slice(0, 2);
}

/**
 * An endorsement refused only by peers of other orgs than the caller's: the gateway endorses on the caller org's
 * peer first, so that peer accepted the proposal and another org's peer, which has not yet committed the blocks the
 * caller's peer has (a release right after an acceptance needs CustomsOrg and MarketOrg), saw older state. Retried
 * like a read conflict; if the peers still disagree after the retries, the refusal is answered as it is.
 */
class StaleEndorsement extends Error {
    constructor(readonly refusal: LedgerError) {
        super(refusal.message);
    }
}

function refusedOnlyElsewhere(error: unknown, callerMspId: string): boolean {
    return (
        error instanceof EndorseError &&
        error.details.length > 0 &&
        error.details.every((detail) => detail.mspId !== callerMspId)
    );
}

/**
 * Answers that mean "part of the network is down right now" (retry later), not "the call failed":
 * - a peer that cannot reach the external chaincode server (stopped, restarting): "... could not launch chaincode
 *   <ccid>: connection to <ccid> failed ...", or loses it mid-call ("chaincode stream terminated"), under ABORTED
 *   like any endorsement failure;
 * - a peer that cannot reach another org's endorsing peer: the detail carries that gRPC call's own status;
 * - the gateway peer's discovery finding too few live peers for the endorsement policy (FAILED_PRECONDITION "no
 *   combination of peers can be derived"), as while a peer restarts.
 * Only these fixed texts tell them from a chaincode that failed (an internal error).
 */
const NETWORK_PARTLY_DOWN =
    /could not launch chaincode |chaincode stream terminated|rpc error: code = (?:Unavailable|DeadlineExceeded) |no combination of peers can be derived/;

function isNetworkPartlyDown(error: GatewayError): boolean {
    return [error.message, ...error.details.map((detail) => detail.message)].some((text) =>
        NETWORK_PARTLY_DOWN.test(text),
    );
}

/** The peers' own words, which GatewayError's message leaves out ("see attached details"), for the log. */
function withDetails(error: GatewayError): string {
    const details = error.details.map((detail) => `${detail.mspId} ${detail.address}: ${detail.message}`);
    return details.length === 0 ? error.message : `${error.message} [${details.join('; ')}]`;
}

/** Turns whatever fabric-gateway threw into a {@link LedgerError}. */
export function toLedgerError(error: unknown, txId?: string): LedgerError {
    if (error instanceof LedgerError) {
        return error;
    }
    if (error instanceof GatewayError) {
        const id = 'transactionId' in error && typeof error.transactionId === 'string' ? error.transactionId : txId;
        const rejection = rejectionOf(error, id);
        if (rejection) {
            return rejection;
        }
        if (UNAVAILABLE_GRPC.has(error.code) || isNetworkPartlyDown(error)) {
            return new LedgerUnavailable(`ledger did not answer: ${withDetails(error)}`, { txId: id, cause: error });
        }
        return new LedgerFailure(`ledger call failed: ${withDetails(error)}`, { txId: id, cause: error });
    }
    return new LedgerFailure(`ledger call failed: ${error instanceof Error ? error.message : String(error)}`, {
        txId,
        cause: error,
    });
}

/** How many evaluated proposals' txIds are remembered (enough for the verdicts being answered at any one time). */
const MAX_EVALUATED_REMEMBERED = 10_000;

/**
 * The Fabric Gateway client behind {@link Ledger}: one shared gRPC client per org peer, one Gateway per caller
 * identity (kept, least recently used closed first), deadlines from network/client/fabric-client, submissions retried
 * only on MVCC/phantom read conflicts and on endorsements only another org's peer refused, every submission waits for its commit status, and an unknown commit status is
 * resolved by asking again and then by looking the transaction up on the ledger, never by submitting it again.
 */
export class FabricLedger implements Ledger {
    readonly #profile: ConnectionProfile;
    readonly #options: FabricLedgerOptions;
    readonly #clients = new Map<string, grpc.Client>();
    readonly #gateways = new Map<string, Gateway>();
    /**
     * TxIds of the proposals this gateway only evaluated (oldest first): never sent for ordering, so never on the
     * ledger. A verdict cites its own (read) txId; {@link status} answers it without asking the peer.
     */
    readonly #evaluatedOnly = new Set<string>();
    readonly #sleep: (ms: number) => Promise<void>;

    constructor(options: FabricLedgerOptions) {
        this.#profile = options.profile;
        this.#options = options;
        this.#sleep = options.sleep ?? defaultSleep;
    }

    async evaluate(identity: LedgerIdentity, request: TxRequest): Promise<string> {
        const proposal = this.#contract(identity).newProposal(request.fn, {
            arguments: [...(request.args ?? [])],
            transientData: request.transient,
        });
        this.#evaluatedOnly.add(proposal.getTransactionId());
        for (const oldest of this.#evaluatedOnly) {
            if (this.#evaluatedOnly.size <= MAX_EVALUATED_REMEMBERED) break;
            this.#evaluatedOnly.delete(oldest);
        }
        const bytes = await proposal.evaluate().catch((error: unknown) => {
            throw toLedgerError(error);
        });
        return Buffer.from(bytes).toString('utf8');
    }

    async submit(identity: LedgerIdentity, request: TxRequest, observer?: SubmitObserver): Promise<SubmitResult> {
        const retry = this.#options.conflictRetry ?? DEFAULT_CONFLICT_RETRY;
        for (let attempt = 1; ; attempt++) {
            try {
                return { ...(await this.#submitOnce(identity, request, observer)), attempts: attempt };
            } catch (error) {
                const retryable =
                    (error instanceof CommitRejected && error.retryable) || error instanceof StaleEndorsement;
                if (!retryable || attempt >= retry.attempts) {
                    throw error instanceof StaleEndorsement ? error.refusal : error;
                }
                await this.#sleep(backoffDelay(retry, attempt));
            }
        }
    }

    async ready(): Promise<void> {
        const probes = this.#options.probes ?? new Map<string, LedgerIdentity>();
        await Promise.all(
            this.#profile.orgs.map(async (org) => {
                const probe = probes.get(org.mspId);
                if (probe === undefined) {
                    throw new LedgerUnavailable(`no probe identity for ${org.mspId}`);
                }
                await this.evaluate(probe, { fn: 'IdentityContract:WhoAmI' });
            }),
        );
    }

    close(): void {
        for (const gateway of this.#gateways.values()) {
            gateway.close();
        }
        this.#gateways.clear();
        for (const client of this.#clients.values()) {
            client.close();
        }
        this.#clients.clear();
    }

    async #submitOnce(
        identity: LedgerIdentity,
        request: TxRequest,
        observer: SubmitObserver | undefined,
    ): Promise<Omit<SubmitResult, 'attempts'>> {
        const contract = this.#contract(identity);
        const proposal = contract.newProposal(request.fn, {
            arguments: [...(request.args ?? [])],
            transientData: request.transient,
            ...(request.transient !== undefined
                ? { endorsingOrganizations: endorsersWith(identity.mspId, this.#profile) }
                : {}),
        });
        const txId = proposal.getTransactionId();
        const transaction = await proposal.endorse().catch((error: unknown) => {
            const refusal = toLedgerError(error, txId);
            throw refusedOnlyElsewhere(error, identity.mspId) ? new StaleEndorsement(refusal) : refusal;
        });
        const payload = Buffer.from(transaction.getResult()).toString('utf8');
        await observer?.endorsed(txId, payload);
        // from here the orderer may have the transaction: a failure says nothing about whether it commits
        const submitted = await transaction.submit().catch((error: unknown) => {
            throw new CommitUnknown(txId, payload, error);
        });
        const status = await this.#commitStatus(identity, submitted.getStatus.bind(submitted), txId, payload);
        if (!status.successful) {
            throw new CommitRejected(statusName(status.code), txId, RETRYABLE_COMMIT.has(status.code));
        }
        return { payload, txId, blockNumber: status.blockNumber.toString() };
    }

    /**
     * The commit status, asked again on CommitStatusError until the commit wait is spent, then looked up on the ledger;
     * never resubmits.
     */
    async #commitStatus(
        identity: LedgerIdentity,
        getStatus: (options: { deadline: number }) => Promise<Status>,
        txId: string,
        payload: string,
    ): Promise<Pick<Status, 'successful' | 'code' | 'blockNumber'>> {
        const retry = this.#options.statusRetry ?? DEFAULT_STATUS_RETRY;
        const deadline = Date.now() + (this.#options.commitWaitMs ?? DEFAULT_COMMIT_WAIT_MS);
        let lastError: unknown;
        for (let attempt = 1; attempt <= retry.attempts && Date.now() < deadline; attempt++) {
            try {
                return await getStatus({ deadline });
            } catch (error) {
                if (!(error instanceof CommitStatusError)) {
                    // the transaction was sent for ordering: whatever failed here, it may still commit
                    throw new CommitUnknown(txId, payload, error);
                }
                lastError = error;
                if (attempt < retry.attempts) {
                    await this.#sleep(Math.min(backoffDelay(retry, attempt), Math.max(0, deadline - Date.now())));
                }
            }
        }
        const found = await this.status(identity, txId).catch(() => undefined);
        if (found === undefined) {
            throw new CommitUnknown(txId, payload, lastError);
        }
        return {
            successful: found.valid,
            code: StatusCode[found.code as keyof typeof StatusCode],
            blockNumber: BigInt(found.blockNumber),
        };
    }

    /**
     * Looks a transaction up in the ledger (qscc); undefined only when the caller's peer answered that it has no such
     * transaction (yet). Rejects with {@link LedgerUnavailable} when the peer could not be asked (down, timeout, any
     * other failure): "could not ask" must never be read as "not there".
     */
    async status(identity: LedgerIdentity, txId: string): Promise<TxStatus | undefined> {
        if (this.#evaluatedOnly.has(txId)) return undefined;
        const network = this.#gateway(identity).getNetwork(this.#profile.channel);
        const qscc = network.getContract('qscc');
        const channel = this.#profile.channel;
        let processed: Uint8Array;
        try {
            processed = await qscc.evaluateTransaction('GetTransactionByID', channel, txId);
        } catch (error) {
            if (isTxNotFound(error)) {
                return undefined;
            }
            throw new LedgerUnavailable(`could not look transaction ${txId} up on the ledger`, { txId, cause: error });
        }
        const code = peer.ProcessedTransaction.deserializeBinary(processed).getValidationcode();
        const blockBytes = await qscc.evaluateTransaction('GetBlockByTxID', channel, txId).catch((error: unknown) => {
            throw new LedgerUnavailable(`could not look the block of ${txId} up on the ledger`, { txId, cause: error });
        });
        const block = common.Block.deserializeBinary(blockBytes);
        return {
            valid: code === StatusCode.VALID,
            code: statusName(code),
            blockNumber: String(block.getHeader()?.getNumber() ?? 0),
        };
    }

    #contract(identity: LedgerIdentity): Contract {
        return this.#gateway(identity).getNetwork(this.#profile.channel).getContract(this.#profile.chaincode);
    }

    #gateway(identity: LedgerIdentity): Gateway {
        const cached = this.#gateways.get(identity.key);
        if (cached) {
            // re-insert: Map keeps insertion order, so the first entry is the least recently used
            this.#gateways.delete(identity.key);
            this.#gateways.set(identity.key, cached);
            return cached;
        }
        const connect = this.#options.connect ?? connectAs;
        const gateway = connect(this.#client(identity.mspId), identity);
        this.#gateways.set(identity.key, gateway);
        const max = this.#options.maxGateways ?? 500;
        for (const [key, old] of this.#gateways) {
            if (this.#gateways.size <= max) {
                break;
            }
            old.close();
            this.#gateways.delete(key);
        }
        return gateway;
    }

    #client(mspId: string): grpc.Client {
        let client = this.#clients.get(mspId);
        if (!client) {
            const connection = this.#profile.orgs.find((org) => org.mspId === mspId);
            if (!connection) {
                throw new LedgerUnavailable(`no peer for ${mspId} in the connection profile`);
            }
            client = (this.#options.newClient ?? newPeerClient)(connection);
            this.#clients.set(mspId, client);
        }
        return client;
    }
}
