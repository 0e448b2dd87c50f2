import type { Context } from 'fabric-contract-api';
import { toBytes } from '../lib/canonical';
import { txTime } from '../lib/identity';
import type { EventName, EventPayloads, EventStamp } from '../vocabulary';

const emitted = new WeakSet();

/**
 * Emits the transaction's one chaincode event. Fabric keeps only the last `setEvent` of a transaction, so a
 * second call is a programming error and fails loudly instead of silently replacing the first.
 */
export function emit<N extends EventName>(ctx: Context, name: N, payload: EventPayloads[N]): void {
    if (emitted.has(ctx.stub))
        throw new Error(`a chaincode event was already emitted in transaction ${ctx.stub.getTxID()}`);
    emitted.add(ctx.stub);
    const stamp: EventStamp = { txId: ctx.stub.getTxID(), at: txTime(ctx) };
    ctx.stub.setEvent(name, toBytes({ ...payload, ...stamp }));
}
