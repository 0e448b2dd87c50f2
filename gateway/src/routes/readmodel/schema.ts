import { z } from 'zod';

export const VerifyQuery = z.object({
    max: z.coerce
        .number()
        .int()
        .min(0)
        .max(1000)
        .default(100)
        .describe('divergences listed in full (the rest are counted in divergenceCount)'),
});

const RowOrigin = z
    .object({ blockNumber: z.number().int(), txId: z.string() })
    .nullable()
    .describe('the transaction and block that last wrote the row (a line: its trade or declaration); null: no row');

export const Divergence = z
    .object({
        table: z.string(),
        key: z.record(z.string(), z.union([z.string(), z.number()])).describe("the row's primary key"),
        kind: z
            .enum(['missing', 'extra', 'altered'])
            .describe('missing: on the ledger, not in the read model; extra: the reverse; altered: other values'),
        expected: RowOrigin,
        found: RowOrigin,
        columns: z.array(z.string()).describe('the columns whose values differ (altered rows)'),
    })
    .meta({ id: 'ReadModelDivergence' });

export const CheckpointProblem = z
    .object({
        kind: z.enum([
            'block-skipped',
            'tx-missing',
            'tx-unknown',
            'tx-wrong-block',
            'tx-repeated',
            'checkpoint-ahead',
            'checkpoint-mismatch',
        ]),
        blockNumber: z.number().int(),
        txIds: z.array(z.string()),
        detail: z.string(),
    })
    .meta({ id: 'ReadModelCheckpointProblem' });

export const VerifyResponse = z
    .object({
        org: z.string(),
        clean: z.boolean().describe('true when the read model equals the ledger up to its checkpoint'),
        throughBlock: z.number().int().nullable().describe("the read model's checkpoint: the blocks verified"),
        peerHeight: z.number().int(),
        elapsedMs: z.number().int(),
        tables: z.array(
            z.object({
                table: z.string(),
                expectedRows: z.number().int(),
                foundRows: z.number().int(),
                divergences: z.number().int(),
            }),
        ),
        divergenceCount: z.number().int(),
        divergences: z.array(Divergence),
        checkpointProblems: z.array(CheckpointProblem),
    })
    .meta({ id: 'ReadModelVerification' });
