import { ApiError } from '../../http/errors';
import { defineRoute, type AnyRoute } from '../../http/route';
import type { Projections } from '../../projection';
import { VerifyQuery, VerifyResponse } from './schema';

/** The verifier of each org's read model: the gateway's projections (none when it runs without the read side). */
export type ReadModelVerifier = Pick<Projections, 'verify'>;

export function readModelRoutes(verifier: ReadModelVerifier | undefined): AnyRoute[] {
    return [
        defineRoute({
            method: 'get',
            path: '/v1/readmodel/verify',
            operationId: 'verifyReadModel',
            summary: "Proof that the caller's org read model equals its peer's ledger",
            description:
                "Re-reads the chain from block 0 from the org's own peer, rebuilds every row with the projector's " +
                'own code and compares it with the read model up to its checkpoint, table by table: each missing, ' +
                'extra or altered row with its key and the block and transaction it should and does come from, and ' +
                'each checkpoint problem (a block skipped, a transaction unknown, moved or repeated). Auditors only ' +
                '(docs/read-side.md "Verifying the read model"); it reads the whole chain, so it takes as long as a ' +
                'catch-up, and calls made while one runs share its answer.',
            tag: 'read model',
            roles: ['auditor'],
            errors: ['READ_MODEL_UNAVAILABLE'],
            query: VerifyQuery,
            response: VerifyResponse,
            handle: async ({ principal, query }) => {
                const running = verifier?.verify(principal.org);
                if (running === undefined) {
                    throw new ApiError(
                        503,
                        'READ_MODEL_UNAVAILABLE',
                        `the read model of ${principal.org} is not projected by this gateway / ` +
                            `此网关未投影 ${principal.org} 的读模型`,
                    );
                }
                const report = await running;
                return {
                    org: principal.org,
                    clean: report.clean,
                    throughBlock: report.throughBlock,
                    peerHeight: report.peerHeight,
                    elapsedMs: report.elapsedMs,
                    tables: [...report.tables],
                    divergenceCount: report.divergenceCount,
                    divergences: report.divergences.slice(0, query.max).map((d) => ({ ...d, columns: [...d.columns] })),
                    checkpointProblems: report.checkpointProblems.map((p) => ({ ...p, txIds: [...p.txIds] })),
                };
            },
        }),
    ];
}
