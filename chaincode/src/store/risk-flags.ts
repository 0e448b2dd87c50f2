import type { Context } from 'fabric-contract-api';
import { RecordType, type RiskStatus, type RiskSubject } from '../vocabulary';
import { IndexType, recordKey } from '../model/keys';
import { putIndex, getRecord, putRecord } from './records';
import { scanAll } from './scan';
import { type RiskFlag, type Signature, type RaiseInput } from '../model/records';
import { sha256Hex } from '../lib/hash';

/** Deterministic flag ID: the same rule on the same subject in the same transaction is one flag. */
export function flagIdOf(ctx: Context, input: Pick<RaiseInput, 'ruleId' | 'subjectType' | 'subjectId'>): string {
    return sha256Hex(`${input.ruleId}|${input.subjectType}|${input.subjectId}|${ctx.stub.getTxID()}`).slice(0, 32);
}

/**
 * Raises a risk flag inside the calling transaction (no event: the caller's one event should list the
 * flags it raised). Returns null, writing nothing, when an OPEN flag for the same rule and subject exists.
 */
export async function raise(ctx: Context, input: RaiseInput, by: Signature): Promise<RiskFlag | null> {
    const open = await openFlags(ctx, input.subjectType, input.subjectId, input.ruleId);
    if (open.length > 0) return null;
    const flag: RiskFlag = {
        docType: 'risk',
        flagId: flagIdOf(ctx, input),
        subjectType: input.subjectType,
        subjectId: input.subjectId,
        ruleId: input.ruleId,
        severity: input.severity,
        evidence: input.evidence,
        status: 'OPEN',
        raisedBy: by,
    };
    await putRecord(ctx, recordKey(ctx, RecordType.risk, flag.flagId), flag);
    await putIndex(ctx, IndexType.riskBySubject, [flag.subjectType, flag.subjectId, flag.ruleId, flag.flagId]);
    return flag;
}

/** OPEN flags on a subject (optionally for one rule); bounded by subject, so usable in write transactions. */
export async function openFlags(
    ctx: Context,
    subjectType: RiskSubject,
    subjectId: string,
    ruleId?: string,
): Promise<RiskFlag[]> {
    const attributes = ruleId === undefined ? [subjectType, subjectId] : [subjectType, subjectId, ruleId];
    const entries = await scanAll(ctx, IndexType.riskBySubject, attributes);
    const flags: RiskFlag[] = [];
    for (const entry of entries) {
        const flagId = entry.attributes[3];
        if (flagId === undefined) continue;
        const flag = await getRecord<RiskFlag>(ctx, recordKey(ctx, RecordType.risk, flagId), 'risk');
        if (flag?.status === 'OPEN') flags.push(flag);
    }
    return flags;
}

/** Moves a flag out of OPEN. */
export async function resolveFlag(
    ctx: Context,
    flag: RiskFlag,
    status: Exclude<RiskStatus, 'OPEN'>,
    resolution: string,
    by: Signature,
): Promise<RiskFlag> {
    const next: RiskFlag = { ...flag, status, resolution, resolvedBy: by };
    await putRecord(ctx, recordKey(ctx, RecordType.risk, flag.flagId), next);
    return next;
}
