import type { Context } from 'fabric-contract-api';

/** Who is calling, as proven by the caller's certificate: MSP ID plus the `mpt.role` / `mpt.party` attributes. */
export interface Caller {
    readonly mspId: string;
    readonly id: string;
    readonly role: string | null;
    readonly party: string | null;
}

export function callerOf(ctx: Context): Caller {
    const identity = ctx.clientIdentity;
    return {
        mspId: identity.getMSPID(),
        id: identity.getID(),
        role: identity.getAttributeValue('mpt.role'),
        party: identity.getAttributeValue('mpt.party'),
    };
}

/** ISO-8601 time of the transaction proposal; the only clock chaincode may use (every endorser sees the same). */
export function txTime(ctx: Context): string {
    const ts = ctx.stub.getTxTimestamp();
    const millis = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
    return new Date(millis).toISOString();
}
