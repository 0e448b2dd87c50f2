import type { z } from 'zod';
import type { CallerLedger } from '../../http/route';
import type { SubmitResult } from '../../ledger/ledger';
import type { BulkRegistration, BulkResult } from './schema';

/**
 * Rows per RegisterTrades transaction. The Node chaincode shim asks the peer one key at a time (four round trips a
 * row: the duplicate check, the record, two list indexes), so a 500-row transaction spends most of its time waiting;
 * several smaller transactions submitted at once overlap those waits on the peers. Fixed here, not configured: a retry with the same Idempotency-Key must split
 * the same body the same way, so each journalled submission answers for the same rows.
 */
export const ROWS_PER_TRANSACTION = 50;

export interface BulkChunk<T> {
    readonly firstIndex: number;
    readonly rows: readonly T[];
}

/**
 * Consecutive chunks of at most {@link ROWS_PER_TRANSACTION} rows. A request in which a tradeNo repeats goes whole,
 * as one transaction: the chaincode refuses the second row of a tradeNo only within its own transaction, and two
 * transactions writing the same trade would fail each other's commit (MVCC) instead.
 */
export function bulkChunks<T extends { readonly tradeNo: string }>(rows: readonly T[]): BulkChunk<T>[] {
    const distinct = new Set(rows.map((row) => row.tradeNo)).size === rows.length;
    const size = distinct ? ROWS_PER_TRANSACTION : rows.length;
    const chunks: BulkChunk<T>[] = [];
    for (let firstIndex = 0; firstIndex < rows.length; firstIndex += size) {
        chunks.push({ firstIndex, rows: rows.slice(firstIndex, firstIndex + size) });
    }
    return chunks;
}

type ChunkAnswer = z.input<typeof BulkResult>;

/** One answer for the request: every chunk's rows at their index in the request, counts summed, each transaction. */
export function mergeChunkAnswers(
    answers: readonly { readonly chunk: BulkChunk<unknown>; readonly submitted: SubmitResult }[],
): z.input<typeof BulkRegistration> {
    const parsed = answers.map(({ chunk, submitted }) => ({
        chunk,
        submitted,
        answer: JSON.parse(submitted.payload) as ChunkAnswer,
    }));
    if (parsed.length === 1) {
        // one transaction: its answer as the chaincode gave it (a malformed one is logged by the response check)
        const [{ chunk, submitted, answer }] = parsed as [(typeof parsed)[number]];
        return { ...answer, transactions: [receipt(chunk, submitted)] };
    }
    // a malformed chunk answer must not turn committed rows into a 500: it merges to what the response check logs
    const count = (n: unknown): number => (typeof n === 'number' ? n : NaN);
    return {
        results: parsed.flatMap(({ chunk, answer }) =>
            Array.isArray(answer.results)
                ? answer.results.map((row) => ({ ...row, index: row.index + chunk.firstIndex }))
                : [],
        ),
        registered: parsed.reduce((sum, { answer }) => sum + count(answer.registered), 0),
        failed: parsed.reduce((sum, { answer }) => sum + count(answer.failed), 0),
        transactions: parsed.map(({ chunk, submitted }) => receipt(chunk, submitted)),
    };
}

function receipt(
    chunk: BulkChunk<unknown>,
    submitted: SubmitResult,
): z.input<typeof BulkRegistration>['transactions'][number] {
    return {
        txId: submitted.txId,
        blockNumber: submitted.blockNumber,
        firstIndex: chunk.firstIndex,
        rows: chunk.rows.length,
    };
}

/**
 * Submits every chunk at once and waits for all of them, so no submission is still running (and journalling) when the
 * request is answered. When any failed, the request fails with the first failure: the chunks that committed are in the
 * request's idempotency journal, and a retry with the same Idempotency-Key answers them from there and submits only the
 * rest.
 */
export async function submitChunks<T>(
    ledger: CallerLedger,
    chunks: readonly BulkChunk<T>[],
): Promise<{ chunk: BulkChunk<T>; submitted: SubmitResult }[]> {
    const settled = await Promise.allSettled(
        chunks.map((chunk) =>
            ledger.submit({ fn: 'TradeContract:RegisterTrades', args: [JSON.stringify(chunk.rows)] }),
        ),
    );
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    return settled.map((outcome, i) => ({
        chunk: chunks[i] as BulkChunk<T>,
        submitted: (outcome as PromiseFulfilledResult<SubmitResult>).value,
    }));
}
