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

/** China's business days run on Beijing time (UTC+8, no daylight saving), not UTC. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The China business date (YYYY-MM-DD) of an ISO-8601 instant, e.g. a signature's `at`. */
export function businessDateOf(instant: string): string {
    return new Date(Date.parse(instant) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The China business date of the transaction proposal: "today" for every date rule (V32). */
export function txBusinessDate(ctx: Context): string {
    return businessDateOf(txTime(ctx));
}

/** The calendar day before `date` (YYYY-MM-DD). */
export function dayBefore(date: string): string {
    return new Date(Date.parse(`${date}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10);
}
