import { z } from 'zod';
import { defineRoute, EMPTY, type AnyRoute, type CallerLedger, type RouteDef } from '../http/route';
import { Evidence, Evidenced, WriteResponse } from './common';

type Empty = typeof EMPTY;

export interface TxInput<P, Q, B> {
    readonly params: P;
    readonly query: Q;
    readonly body: B;
}

export interface TxRouteDef<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType> extends Omit<
    RouteDef<PS, QS, BS>,
    'handle' | 'response'
> {
    /** `Contract:Transaction`. */
    readonly tx: string;
    readonly args: (input: TxInput<z.output<PS>, z.output<QS>, z.output<BS>>) => string[];
    readonly transient?: (
        input: TxInput<z.output<PS>, z.output<QS>, z.output<BS>>,
    ) => Record<string, string> | undefined;
    /** Schema of the chaincode's answer: validated before it is passed on, and documented. */
    readonly result: z.ZodType;
    /** Verdicts: add the block number of every ledger txId the answer cites. */
    readonly evidence?: boolean;
}

/** Every distinct 64-hex `txId` value anywhere in a ledger answer. */
export function citedTxIds(value: unknown, found = new Set<string>()): Set<string> {
    if (Array.isArray(value)) {
        value.forEach((item) => citedTxIds(item, found));
    } else if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
            if (key === 'txId' && typeof inner === 'string' && /^[0-9a-f]{64}$/.test(inner)) {
                found.add(inner);
            } else {
                citedTxIds(inner, found);
            }
        }
    }
    return found;
}

const MAX_EVIDENCE = 100;

/** The block of each cited txId (a check's own txId is a read and has none: `valid: false`). */
export async function evidenceFor(ledger: CallerLedger, answer: unknown): Promise<z.output<typeof Evidence>[]> {
    const txIds = [...citedTxIds(answer)].slice(0, MAX_EVIDENCE);
    const located = await ledger.locate(txIds);
    return txIds.map((txId) => {
        const status = located.get(txId);
        return { txId, blockNumber: status?.blockNumber ?? null, valid: status?.valid ?? false };
    });
}

/** A route that is one chaincode transaction: writes answer `{result, txId, blockNumber}`, reads the record. */
export function txRoute<PS extends z.ZodType = Empty, QS extends z.ZodType = Empty, BS extends z.ZodType = Empty>(
    def: TxRouteDef<PS, QS, BS>,
): AnyRoute {
    const { tx, args, transient, evidence, result, ...rest } = def;
    const route = { ...rest, ledger: [tx.replace(':', '.')] };
    if (def.write) {
        return defineRoute({
            ...route,
            response: WriteResponse(result),
            handle: async ({ ledger, params, query, body }) => {
                const input = { params, query, body };
                const submitted = await ledger.submit({
                    fn: tx,
                    args: args(input),
                    transient: transient?.(input),
                });
                return {
                    result: JSON.parse(submitted.payload) as unknown,
                    txId: submitted.txId,
                    blockNumber: submitted.blockNumber,
                };
            },
        });
    }
    if (evidence) {
        return defineRoute({
            ...route,
            response: Evidenced(result),
            handle: async ({ ledger, params, query, body }) => {
                const input = { params, query, body };
                const answer = await ledger.query({ fn: tx, args: args(input), transient: transient?.(input) });
                return { result: answer, evidence: await evidenceFor(ledger, answer) };
            },
        });
    }
    return defineRoute({
        ...route,
        response: result,
        handle: ({ ledger, params, query, body }) => {
            const input = { params, query, body };
            return ledger.query({ fn: tx, args: args(input), transient: transient?.(input) });
        },
    });
}
