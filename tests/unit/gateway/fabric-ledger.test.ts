/* eslint-disable @typescript-eslint/explicit-function-return-type -- a scripted fake of fabric-gateway's objects */
import { describe, expect, it } from '@jest/globals';
import { Metadata, status as grpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import { CommitStatusError, EndorseError, GatewayError, StatusCode, type Gateway } from '@hyperledger/fabric-gateway';
import { FabricLedger, endorsersWith } from '../../../gateway/src/ledger/fabric-ledger';
import {
    ChaincodeRejection,
    CommitRejected,
    CommitUnknown,
    LedgerFailure,
    LedgerUnavailable,
} from '../../../gateway/src/ledger/errors';
import type { LedgerIdentity } from '../../../gateway/src/ledger/ledger';
import type { ConnectionProfile } from '../../../network/client';
import { peer } from '@hyperledger/fabric-protos';

const profile: ConnectionProfile = {
    channel: 'trade',
    chaincode: 'mpt',
    orgs: [
        {
            org: 'MarketOrg',
            mspId: 'MarketOrgMSP',
            peerEndpoint: '127.0.0.1:7051',
            peerHostAlias: 'peer0',
            peerTlsCaFile: '/dev/null',
            caUrl: 'https://127.0.0.1:7054',
            caName: 'ca',
            caTlsCaFile: '/dev/null',
            walletDir: '/dev/null',
        },
    ],
};
const alice: LedgerIdentity = { key: 'alice', mspId: 'MarketOrgMSP', certificate: 'cert-a', privateKey: 'key-a' };
const bob: LedgerIdentity = { key: 'bob', mspId: 'MarketOrgMSP', certificate: 'cert-b', privateKey: 'key-b' };

const serviceError = (code: grpcStatus): ServiceError =>
    Object.assign(new Error('grpc'), { code, details: 'grpc', metadata: new Metadata() });

type Step = { commit: number } | { statusError: true } | { endorseError: Error } | { submitError: Error };

/** A scripted fake of the fabric-gateway objects a submission goes through. */
function fakeFabric(
    steps: Step[],
    options: { qscc?: (fn: string) => Uint8Array; qsccError?: Error; commitWaitMs?: number } = {},
) {
    const log = {
        proposals: 0,
        statusCalls: 0,
        statusDeadlines: [] as number[],
        submitted: [] as string[],
        connects: [] as string[],
        qscc: [] as string[],
        endorsers: [] as (string[] | undefined)[],
    };
    let txCounter = 0;
    let step = 0;
    const contract = {
        newProposal: (_fn: string, proposalOptions?: { endorsingOrganizations?: string[] }) => {
            log.proposals++;
            log.endorsers.push(proposalOptions?.endorsingOrganizations);
            const txId = `tx${++txCounter}`;
            const current = steps[step++] ?? { commit: StatusCode.VALID };
            return {
                getTransactionId: () => txId,
                evaluate: () => Promise.resolve(Buffer.from('{}')),
                endorse: () => {
                    if ('endorseError' in current) {
                        return Promise.reject(current.endorseError);
                    }
                    return Promise.resolve({
                        getResult: () => Buffer.from(`{"n":${txCounter}}`),
                        submit: () => {
                            log.submitted.push(txId);
                            if ('submitError' in current) {
                                return Promise.reject(current.submitError);
                            }
                            return Promise.resolve({
                                getResult: () => Buffer.from(`{"n":${txCounter}}`),
                                getStatus: (callOptions?: { deadline: number }) => {
                                    log.statusCalls++;
                                    log.statusDeadlines.push(callOptions?.deadline ?? Infinity);
                                    if ('statusError' in current) {
                                        return Promise.reject(
                                            new CommitStatusError({
                                                code: grpcStatus.DEADLINE_EXCEEDED,
                                                details: [],
                                                cause: serviceError(grpcStatus.DEADLINE_EXCEEDED),
                                                transactionId: txId,
                                            }),
                                        );
                                    }
                                    return Promise.resolve({
                                        blockNumber: 42n,
                                        code: current.commit,
                                        successful: current.commit === StatusCode.VALID,
                                        transactionId: txId,
                                    });
                                },
                            });
                        },
                    });
                },
            };
        },
        evaluateTransaction: (fn: string) => {
            log.qscc.push(fn);
            if (options.qsccError !== undefined) {
                return Promise.reject(options.qsccError);
            }
            const answer = options.qscc;
            return answer === undefined
                ? Promise.reject(new Error('not found'))
                : new Promise<Uint8Array>((resolve) => {
                      resolve(answer(fn));
                  });
        },
    };
    const connect = (_client: Client, identity: LedgerIdentity): Gateway => {
        log.connects.push(identity.key);
        return {
            getNetwork: () => ({ getContract: () => contract }),
            close: () => undefined,
        } as unknown as Gateway;
    };
    const ledger = new FabricLedger({
        profile,
        connect,
        newClient: () => ({ close: () => undefined }) as unknown as Client,
        sleep: () => Promise.resolve(),
        conflictRetry: { attempts: 3, baseMs: 1, maxMs: 2 },
        statusRetry: { attempts: 3, baseMs: 1, maxMs: 2 },
        ...(options.commitWaitMs === undefined ? {} : { commitWaitMs: options.commitWaitMs }),
    });
    return { ledger, log };
}

describe('FabricLedger', () => {
    it('returns the txId, block number and chaincode result of a valid commit', async () => {
        const { ledger } = fakeFabric([{ commit: StatusCode.VALID }]);

        const result = await ledger.submit(alice, { fn: 'X:Y' });

        expect(result).toEqual({ payload: '{"n":1}', txId: 'tx1', blockNumber: '42', attempts: 1 });
    });

    it('retries MVCC and phantom read conflicts with a new proposal, then succeeds', async () => {
        const { ledger, log } = fakeFabric([
            { commit: StatusCode.MVCC_READ_CONFLICT },
            { commit: StatusCode.PHANTOM_READ_CONFLICT },
            { commit: StatusCode.VALID },
        ]);

        const result = await ledger.submit(alice, { fn: 'X:Y' });

        expect(result.attempts).toBe(3);
        expect(result.txId).toBe('tx3');
        expect(log.proposals).toBe(3);
    });

    it('gives up after the last attempt with a retryable CommitRejected', async () => {
        const { ledger, log } = fakeFabric([
            { commit: StatusCode.MVCC_READ_CONFLICT },
            { commit: StatusCode.MVCC_READ_CONFLICT },
            { commit: StatusCode.MVCC_READ_CONFLICT },
        ]);

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(CommitRejected);
        expect((error as CommitRejected).retryable).toBe(true);
        expect(log.proposals).toBe(3);
    });

    it('never retries other invalid commits', async () => {
        const { ledger, log } = fakeFabric([{ commit: StatusCode.ENDORSEMENT_POLICY_FAILURE }]);

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toMatchObject({ status: 'ENDORSEMENT_POLICY_FAILURE', retryable: false, txId: 'tx1' });
        expect(log.proposals).toBe(1);
    });

    it('asks for an unknown commit status again and then looks on the ledger, never resubmitting', async () => {
        const { ledger, log } = fakeFabric([{ statusError: true }]);

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(CommitUnknown);
        expect(error).toMatchObject({ txId: 'tx1', payload: '{"n":1}' });
        expect(log.statusCalls).toBe(3);
        expect(log.qscc).toEqual(['GetTransactionByID']);
        expect(log.proposals).toBe(1);
    });

    it('tells the observer the txId and result once endorsed, before the transaction is sent for ordering', async () => {
        const { ledger, log } = fakeFabric([{ commit: StatusCode.MVCC_READ_CONFLICT }, { commit: StatusCode.VALID }]);
        const heard: string[] = [];

        await ledger.submit(
            alice,
            { fn: 'X:Y' },
            {
                endorsed: (txId, payload): void => {
                    heard.push(`${txId} ${payload} sent:${log.submitted.length}`);
                },
            },
        );

        expect(heard).toEqual(['tx1 {"n":1} sent:0', 'tx2 {"n":2} sent:1']);
    });

    it('a failure to send an endorsed transaction is an unknown outcome, not "nothing written"', async () => {
        const lost = new GatewayError({
            code: grpcStatus.UNAVAILABLE,
            details: [],
            cause: serviceError(grpcStatus.UNAVAILABLE),
            message: '14 UNAVAILABLE: orderer gone',
        });
        const { ledger } = fakeFabric([{ submitError: lost }]);

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(CommitUnknown);
        expect(error).toMatchObject({ txId: 'tx1', payload: '{"n":1}' });
    });

    it('waits for a commit status no longer than the commit wait in all, then answers CommitUnknown', async () => {
        const { ledger, log } = fakeFabric([{ statusError: true }], { commitWaitMs: 25_000 });
        const started = Date.now();

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(CommitUnknown);
        expect(log.statusDeadlines.length).toBeGreaterThan(0);
        for (const deadline of log.statusDeadlines) {
            expect(deadline).toBeGreaterThanOrEqual(started + 25_000);
            expect(deadline).toBeLessThanOrEqual(Date.now() + 25_000);
            expect(deadline).toBe(log.statusDeadlines[0]);
        }
    });

    it('status() is undefined only when the peer answers that it has no such transaction', async () => {
        const notFound = new GatewayError({
            code: grpcStatus.UNKNOWN,
            details: [],
            cause: serviceError(grpcStatus.UNKNOWN),
            message:
                '2 UNKNOWN: evaluate call to endorser returned error: Failed to get transaction with id tx9, error Entry not found in index',
        });
        const { ledger } = fakeFabric([], { qsccError: notFound });

        await expect(ledger.status(alice, 'tx9')).resolves.toBeUndefined();
    });

    it('status() answers the txId of a proposal it only evaluated as not on the ledger, without asking the peer', async () => {
        const { ledger, log } = fakeFabric([]);
        await ledger.evaluate(alice, { fn: 'CustomsContract:CheckDeclaration', args: ['D1'] });

        await expect(ledger.status(alice, 'tx1')).resolves.toBeUndefined();
        expect(log.qscc).toEqual([]);
        // any other txId is still looked up on the ledger
        await expect(ledger.status(alice, 'tx2')).rejects.toBeInstanceOf(LedgerUnavailable);
        expect(log.qscc).toEqual(['GetTransactionByID']);
    });

    it('status() rejects with LedgerUnavailable when the block of a found transaction cannot be fetched', async () => {
        const found = new peer.ProcessedTransaction();
        found.setValidationcode(peer.TxValidationCode.VALID);
        const timeout = new GatewayError({
            code: grpcStatus.DEADLINE_EXCEEDED,
            details: [],
            cause: serviceError(grpcStatus.DEADLINE_EXCEEDED),
            message: '4 DEADLINE_EXCEEDED',
        });
        const { ledger } = fakeFabric([], {
            qscc: (fn) => {
                if (fn === 'GetTransactionByID') return found.serializeBinary();
                throw timeout;
            },
        });

        await expect(ledger.status(alice, 'tx9')).rejects.toBeInstanceOf(LedgerUnavailable);
    });

    it.each([
        ['an unreachable peer', grpcStatus.UNAVAILABLE, '14 UNAVAILABLE: No connection established'],
        ['a timeout', grpcStatus.DEADLINE_EXCEEDED, '4 DEADLINE_EXCEEDED'],
        ['any other failure', grpcStatus.UNKNOWN, '2 UNKNOWN: access denied'],
    ])(
        'status() rejects with LedgerUnavailable on %s instead of answering "not found"',
        async (_what, code, message) => {
            const error = new GatewayError({ code, details: [], cause: serviceError(code), message });
            const { ledger } = fakeFabric([], { qsccError: error });

            await expect(ledger.status(alice, 'tx9')).rejects.toBeInstanceOf(LedgerUnavailable);
        },
    );

    it('maps chaincode-coded endorsement errors to ChaincodeRejection', async () => {
        const endorseError = new EndorseError({
            code: grpcStatus.ABORTED,
            details: [
                { address: 'p', mspId: 'MarketOrgMSP', message: 'chaincode response 500, RULE_V01: over the cap' },
            ],
            cause: serviceError(grpcStatus.ABORTED),
            transactionId: 'tx1',
            message: '10 ABORTED: failed to endorse transaction',
        });
        const { ledger } = fakeFabric([{ endorseError }]);

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(ChaincodeRejection);
        expect(error).toMatchObject({ code: 'RULE_V01', message: 'over the cap' });
    });

    it('maps a peer that cannot reach the chaincode server (restarting) to LedgerUnavailable', async () => {
        // what a Fabric 2.5 peer answers while the external chaincode server is down
        const ccid = 'mpt_da0cbfe296489c15:3eacafcf';
        const chaincodeDown = new EndorseError({
            code: grpcStatus.ABORTED,
            details: [
                {
                    address: 'p',
                    mspId: 'MarketOrgMSP',
                    message: `error in simulation: failed to execute transaction 20a6: could not launch chaincode ${ccid}: connection to ${ccid} failed: error cannot create connection for ${ccid}: error creating grpc connection to 127.0.0.1:7999: connection refused`,
                },
            ],
            cause: serviceError(grpcStatus.ABORTED),
            transactionId: 'tx1',
            message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
        });
        const { ledger } = fakeFabric([{ endorseError: chaincodeDown }]);

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(LedgerUnavailable);
    });

    it.each([
        [
            'the gateway peer cannot reach an endorsing peer',
            grpcStatus.ABORTED,
            'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:9051: connect: connection refused"',
        ],
        [
            'the gateway peer loses its chaincode server mid-call',
            grpcStatus.ABORTED,
            'error in simulation: failed to execute transaction 22e9: error sending: chaincode stream terminated',
        ],
        [
            'discovery sees too few live peers for the policy',
            grpcStatus.FAILED_PRECONDITION,
            'no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy',
        ],
    ])('maps a write while %s to LedgerUnavailable (503, retry), not an internal error', async (_what, code, text) => {
        const partlyDown = new EndorseError({
            code,
            details: [{ address: 'peer0.market:7051', mspId: 'MarketOrgMSP', message: text }],
            cause: serviceError(code),
            transactionId: 'tx1',
            message: `${code} failed to endorse transaction, see attached details for more info`,
        });
        const { ledger } = fakeFabric([{ endorseError: partlyDown }]);

        const error = await ledger.submit(alice, { fn: 'X:Y' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(LedgerUnavailable);
        expect((error as Error).message).toContain('MarketOrgMSP peer0.market:7051');
    });

    it('maps an unreachable peer to LedgerUnavailable and other uncoded errors to LedgerFailure', async () => {
        const unavailable = new GatewayError({
            code: grpcStatus.UNAVAILABLE,
            details: [],
            cause: serviceError(grpcStatus.UNAVAILABLE),
            message: '14 UNAVAILABLE',
        });
        const uncoded = new GatewayError({
            code: grpcStatus.UNKNOWN,
            details: [
                { address: 'p', mspId: 'MarketOrgMSP', message: 'chaincode response 500, Contract name is not known' },
            ],
            cause: serviceError(grpcStatus.UNKNOWN),
            message: '2 UNKNOWN',
        });
        const { ledger } = fakeFabric([{ endorseError: unavailable }, { endorseError: uncoded }]);

        await expect(ledger.submit(alice, { fn: 'X:Y' })).rejects.toBeInstanceOf(LedgerUnavailable);
        await expect(ledger.submit(alice, { fn: 'X:Y' })).rejects.toBeInstanceOf(LedgerFailure);
    });

    it('keeps one gateway per caller identity', async () => {
        const { ledger, log } = fakeFabric([]);

        await ledger.submit(alice, { fn: 'X:Y' });
        await ledger.submit(bob, { fn: 'X:Y' });
        await ledger.evaluate(alice, { fn: 'X:Z' });

        expect(log.connects).toEqual(['alice', 'bob']);
    });
});

describe('FabricLedger endorsement refused by another org', () => {
    const refusedBy = (mspId: string): EndorseError =>
        new EndorseError({
            code: grpcStatus.ABORTED,
            details: [
                { address: 'p', mspId, message: 'chaincode response 500, PRECONDITION: declaration is SUBMITTED' },
            ],
            cause: serviceError(grpcStatus.ABORTED),
            transactionId: 'tx1',
            message: '10 ABORTED: failed to endorse transaction',
        });

    it('endorses again when only another org’s peer refused (it had not committed what the caller’s peer had)', async () => {
        const { ledger, log } = fakeFabric([
            { endorseError: refusedBy('CustomsOrgMSP') },
            { commit: StatusCode.VALID },
        ]);

        const result = await ledger.submit(alice, { fn: 'CustomsContract:ReleaseDeclaration' });

        expect(result.attempts).toBe(2);
        expect(log.proposals).toBe(2);
    });

    it('answers the refusal after the retries when the other org’s peer keeps refusing', async () => {
        const refusal = refusedBy('CustomsOrgMSP');
        const { ledger, log } = fakeFabric([refusal, refusal, refusal].map((endorseError) => ({ endorseError })));

        const error = await ledger.submit(alice, { fn: 'CustomsContract:ReleaseDeclaration' }).catch((e: unknown) => e);

        expect(error).toMatchObject({ code: 'PRECONDITION', message: 'declaration is SUBMITTED' });
        expect(log.proposals).toBe(3);
    });

    it('does not retry a refusal by the caller’s own org peer', async () => {
        const { ledger, log } = fakeFabric([{ endorseError: refusedBy('MarketOrgMSP') }]);

        const error = await ledger.submit(alice, { fn: 'CustomsContract:ReleaseDeclaration' }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(ChaincodeRejection);
        expect(log.proposals).toBe(1);
    });
});

describe('FabricLedger endorsers', () => {
    it('names the endorsers of a write with transient data (the caller org first), and lets Fabric pick otherwise', async () => {
        const { ledger, log } = fakeFabric([]);

        await ledger.submit(alice, { fn: 'PartyContract:RegisterParty', transient: { salt: 's' } });
        await ledger.submit(alice, { fn: 'TradeContract:RegisterTrade' });

        expect(log.endorsers).toEqual([['MarketOrgMSP'], undefined]);
    });
});

describe('endorsersWith', () => {
    const orgs = (...ids: string[]): { orgs: { mspId: string }[] } => ({ orgs: ids.map((mspId) => ({ mspId })) });
    const channel = orgs('MarketOrgMSP', 'CustomsOrgMSP', 'BankOrgMSP', 'Bank2OrgMSP');

    it('endorses on the caller org plus the first other org, as the any-two-orgs policy needs', () => {
        expect(endorsersWith('MarketOrgMSP', channel)).toEqual(['MarketOrgMSP', 'CustomsOrgMSP']);
        expect(endorsersWith('Bank2OrgMSP', channel)).toEqual(['Bank2OrgMSP', 'MarketOrgMSP']);
        expect(endorsersWith('MarketOrgMSP', orgs('MarketOrgMSP'))).toEqual(['MarketOrgMSP']);
    });
});
