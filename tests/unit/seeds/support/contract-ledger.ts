import { createHash } from 'node:crypto';
import { ChaincodeError } from '../../../../chaincode/src/lib/errors';
import { ChaincodeRejection, CommitRejected } from '../../../../gateway/src/ledger/errors';
import type { Ledger, LedgerIdentity, SubmitResult, TxRequest, TxStatus } from '../../../../gateway/src/ledger/ledger';
import type { FakeIdentity } from '../../chaincode/support/fake-ledger';
import { identity } from '../../chaincode/support/identities';
import { txFunction, type Replay } from './replay';

/**
 * The gateway's Ledger interface over the real contracts on the in-memory ledger: the gateway's fake certificates
 * (`fake-cert|mspId|username|role|party`, tests/unit/gateway) become chaincode identities with the same MSP,
 * role and party. Chaincode errors surface as the gateway's ChaincodeRejection, MVCC failures as CommitRejected.
 */
export class ContractLedger implements Ledger {
    readonly #replay: Replay;
    readonly #committed = new Map<string, TxStatus>();
    #tx = 0;

    constructor(replay: Replay) {
        this.#replay = replay;
    }

    #caller(id: LedgerIdentity): FakeIdentity {
        const [, mspId = id.mspId, , role = '', party = ''] = id.certificate.split('|');
        if (role === 'admin')
            return { ...identity(null, undefined, mspId), attributes: { 'hf.Registrar.Roles': 'client' } };
        return identity(role === '' ? null : role, party === '' ? undefined : party, mspId);
    }

    async #run(id: LedgerIdentity, request: TxRequest, submit: boolean): Promise<{ payload: string; txId: string }> {
        const txId = createHash('sha256').update(`contract-ledger-${++this.#tx}`).digest('hex');
        const fn = txFunction(request.fn);
        const options = { txId, ...(request.transient === undefined ? {} : { transient: request.transient }) };
        const run = submit
            ? this.#replay.ledger.submit.bind(this.#replay.ledger)
            : this.#replay.ledger.evaluate.bind(this.#replay.ledger);
        try {
            const payload = await run(this.#caller(id), (ctx) => fn(ctx, ...(request.args ?? [])), options);
            return { payload, txId };
        } catch (error) {
            if (error instanceof ChaincodeError) throw new ChaincodeRejection(error.code, error.message, { txId });
            const invalid = /invalid: ([A-Z_]+)/.exec(error instanceof Error ? error.message : '');
            if (invalid?.[1] !== undefined)
                throw new CommitRejected(invalid[1], txId, invalid[1].includes('READ_CONFLICT'));
            throw error;
        }
    }

    async evaluate(id: LedgerIdentity, request: TxRequest): Promise<string> {
        return (await this.#run(id, request, false)).payload;
    }

    async submit(id: LedgerIdentity, request: TxRequest): Promise<SubmitResult> {
        const { payload, txId } = await this.#run(id, request, true);
        const blockNumber = String(this.#committed.size + 1);
        this.#committed.set(txId, { valid: true, code: 'VALID', blockNumber });
        return { payload, txId, blockNumber, attempts: 1 };
    }

    status(_id: LedgerIdentity, txId: string): Promise<TxStatus | undefined> {
        return Promise.resolve(this.#committed.get(txId));
    }

    ready(): Promise<void> {
        return Promise.resolve();
    }

    close(): void {
        // nothing to close
    }
}
