import { ChaincodeRejection, CommitRejected, CommitUnknown, LedgerUnavailable } from '../ledger/errors';
import type { Ledger, LedgerIdentity, SubmitObserver, SubmitResult, TxRequest, TxStatus } from '../ledger/ledger';
import type { Metrics } from './metrics';

/** Outcome label of a ledger call: ok, the chaincode code (lower case; `rule` for RULE_Vnn), or the failure kind. */
export function outcomeOf(error: unknown): string {
    if (error instanceof ChaincodeRejection) {
        return error.code.startsWith('RULE_') ? 'rule' : error.code.toLowerCase();
    }
    if (error instanceof CommitRejected) {
        return error.retryable ? 'mvcc_conflict' : 'commit_rejected';
    }
    if (error instanceof CommitUnknown) {
        return 'commit_unknown';
    }
    return error instanceof LedgerUnavailable ? 'unavailable' : 'failure';
}

/** Wraps a ledger so every call's latency lands in `mpt_fabric_call_duration_seconds` by kind, fn and outcome. */
export class MeteredLedger implements Ledger {
    constructor(
        readonly inner: Ledger,
        readonly metrics: Metrics,
    ) {}

    evaluate(identity: LedgerIdentity, request: TxRequest): Promise<string> {
        return this.#timed('evaluate', request.fn, () => this.inner.evaluate(identity, request));
    }

    submit(identity: LedgerIdentity, request: TxRequest, observer?: SubmitObserver): Promise<SubmitResult> {
        return this.#timed('submit', request.fn, () => this.inner.submit(identity, request, observer));
    }

    status(identity: LedgerIdentity, txId: string): Promise<TxStatus | undefined> {
        return this.#timed('status', 'qscc:GetTransactionByID', () => this.inner.status(identity, txId));
    }

    ready(): Promise<void> {
        return this.inner.ready();
    }

    close(): void {
        this.inner.close();
    }

    async #timed<T>(kind: string, fn: string, call: () => Promise<T>): Promise<T> {
        const started = process.hrtime.bigint();
        let outcome = 'ok';
        try {
            return await call();
        } catch (error) {
            outcome = outcomeOf(error);
            throw error;
        } finally {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            this.metrics.fabricCall(kind, fn, outcome, seconds);
        }
    }
}
