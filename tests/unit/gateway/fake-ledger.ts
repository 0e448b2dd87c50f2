import { createHash } from 'node:crypto';
import { ChaincodeRejection, CommitUnknown, LedgerUnavailable } from '../../../gateway/src/ledger/errors';
import type {
    Ledger,
    LedgerIdentity,
    SubmitObserver,
    SubmitResult,
    TxRequest,
    TxStatus,
} from '../../../gateway/src/ledger/ledger';

export interface FakeCall {
    readonly kind: 'evaluate' | 'submit';
    readonly fn: string;
    readonly args: readonly string[];
    readonly transient: Readonly<Record<string, string>> | undefined;
    /** Whose identity signed: the certificate text of the caller. */
    readonly certificate: string;
}

type Handler = (args: readonly string[], identity: LedgerIdentity) => unknown;

/** What a fake certificate says about its holder (the fake CA writes `fake-cert|mspId|username|role|party`). */
export function fakeCertificate(mspId: string, username: string, role: string, party: string | null): string {
    return `fake-cert|${mspId}|${username}|${role}|${party ?? ''}`;
}

/** `mpt.role` / `mpt.party` of a fake certificate, as certificateAttributes reads them from a real one. */
export function fakeCertificateAttributes(certificate: string): Record<string, string> {
    const [, , , role = '', party = ''] = certificate.split('|');
    return {
        ...(role === '' || role === 'admin' ? {} : { 'mpt.role': role }),
        ...(party === '' ? {} : { 'mpt.party': party }),
    };
}

function holder(identity: LedgerIdentity): { username: string; role: string | null; party: string | null } {
    const [, , username = '', role = '', party = ''] = identity.certificate.split('|');
    return { username, role: role === 'admin' || role === '' ? null : role, party: party === '' ? null : party };
}

/**
 * An in-memory Ledger for API tests: records every call with the signing identity, answers the document and
 * identity contracts like the chaincode does, lets a test script any transaction's answer or failure, and
 * keeps a "ledger" of committed transactions for status look-ups.
 */
export class FakeLedger implements Ledger {
    readonly calls: FakeCall[] = [];
    readonly committed = new Map<string, TxStatus>();
    readonly handlers = new Map<string, Handler>();
    readonly #failures: { fn: string; error: unknown }[] = [];
    readonly #crashAfter = new Set<string>();
    readonly #documents = new Map<string, unknown>();
    #block = 10;
    #tx = 0;
    down = false;

    constructor() {
        this.handlers.set('IdentityContract:WhoAmI', (_args, identity) => {
            const who = holder(identity);
            return { mspId: identity.mspId, id: `x509::/CN=${who.username}`, role: who.role, party: who.party };
        });
        this.handlers.set('DocumentContract:RegisterDocument', ([sha256 = '', kind = ''], identity) => {
            if (this.#documents.has(sha256)) {
                throw new ChaincodeRejection('CONFLICT', `document ${sha256} is already registered`);
            }
            const who = holder(identity);
            const record = {
                docType: 'document',
                sha256,
                kind,
                registeredBy: {
                    mspId: identity.mspId,
                    id: `x509::/CN=${who.username}`,
                    role: who.role,
                    party: who.party,
                },
                registeredAt: '2026-01-01T00:00:00.000Z',
                txId: this.#nextTxId(),
            };
            this.#documents.set(sha256, record);
            return record;
        });
        this.handlers.set('IdentityContract:RecordOnboarding', ([request = '{}'], identity) => {
            const onboarding = JSON.parse(request) as { username: string; role: string; party: string };
            if (onboarding.party === 'NO-SUCH-PARTY') {
                throw new ChaincodeRejection('NOT_FOUND', `party ${onboarding.party} does not exist`);
            }
            return JSON.stringify({ docType: 'onboarding', mspId: identity.mspId, ...onboarding });
        });
        this.handlers.set('DocumentContract:GetDocument', ([sha256 = '']) => {
            const record = this.#documents.get(sha256);
            if (record === undefined) {
                throw new ChaincodeRejection('NOT_FOUND', `document ${sha256} is not registered`);
            }
            return record;
        });
    }

    /** The next call of `fn` (any kind) throws `error` instead of running. */
    failNext(fn: string, error: unknown): void {
        this.#failures.push({ fn, error });
    }

    /** Answers `fn` with `answer(args, identity)` (JSON-encoded unless it is a string). */
    on(fn: string, answer: Handler): void {
        this.handlers.set(fn, answer);
    }

    submits(fn?: string): FakeCall[] {
        return this.calls.filter((c) => c.kind === 'submit' && (fn === undefined || c.fn === fn));
    }

    evaluate(identity: LedgerIdentity, request: TxRequest): Promise<string> {
        return Promise.resolve(this.#run('evaluate', identity, request));
    }

    /** The next submission of `fn` commits, but the caller never hears of it (the process died waiting). */
    crashAfterCommit(fn: string): void {
        this.#crashAfter.add(fn);
    }

    async submit(identity: LedgerIdentity, request: TxRequest, observer?: SubmitObserver): Promise<SubmitResult> {
        let payload: string;
        try {
            payload = this.#run('submit', identity, request);
        } catch (error) {
            // like FabricLedger: an unknown outcome only arises after endorsement, which the observer hears (and
            // journals) first
            if (error instanceof CommitUnknown && error.txId !== undefined)
                await observer?.endorsed(error.txId, error.payload);
            throw error instanceof Error ? error : new Error(String(error));
        }
        const txId = this.#lastTxId ?? this.#nextTxId();
        this.#lastTxId = undefined;
        await observer?.endorsed(txId, payload);
        const blockNumber = String(++this.#block);
        this.committed.set(txId, { valid: true, code: 'VALID', blockNumber });
        if (this.#crashAfter.delete(request.fn)) {
            throw new Error(`process killed after ${txId} committed`);
        }
        return { payload, txId, blockNumber, attempts: 1 };
    }

    status(_identity: LedgerIdentity, txId: string): Promise<TxStatus | undefined> {
        if (this.down) {
            return Promise.reject(new LedgerUnavailable('peer down'));
        }
        return Promise.resolve(this.committed.get(txId));
    }

    ready(): Promise<void> {
        return this.down ? Promise.reject(new Error('peer down')) : Promise.resolve();
    }

    close(): void {
        // nothing to release
    }

    #lastTxId: string | undefined;

    #nextTxId(): string {
        const id = createHash('sha256').update(`tx${++this.#tx}`).digest('hex');
        this.#lastTxId = id;
        return id;
    }

    #run(kind: 'evaluate' | 'submit', identity: LedgerIdentity, request: TxRequest): string {
        this.calls.push({
            kind,
            fn: request.fn,
            args: request.args ?? [],
            transient: request.transient,
            certificate: identity.certificate,
        });
        this.#lastTxId = undefined;
        const failure = this.#failures.findIndex((f) => f.fn === request.fn);
        if (failure >= 0) {
            const [removed] = this.#failures.splice(failure, 1);
            throw removed?.error;
        }
        const handler = this.handlers.get(request.fn);
        if (!handler) {
            throw new ChaincodeRejection('NOT_FOUND', `fake ledger has no transaction ${request.fn}`);
        }
        const answer = handler(request.args ?? [], identity);
        return typeof answer === 'string' ? answer : JSON.stringify(answer);
    }
}
