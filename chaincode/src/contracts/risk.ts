import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { authorize } from '../lib/auth';
import { invalid, precondition } from '../lib/errors';
import { LISTS, listPage } from '../lib/lists';
import { jsonTextProblem } from '../lib/text';
import { ID, PAGE_SIZE, REASON, object, oneOf, parseArg, parseJson, str } from '../lib/validate';
import { FLAG_RULES, RecordType, RISK_SEVERITIES, RISK_SUBJECTS, type RiskSubject } from '../vocabulary';
import { lastAttribute } from '../store/scan';
import { recordKey } from '../model/keys';
import { type RiskFlag, splitReceiptId } from '../model/records';
import { raise, resolveFlag } from '../store/risk-flags';
import { emit } from '../store/events';
import { getRecord, mustGetRecord } from '../store/records';
import { jsonResult } from '../lib/canonical';

const FLAG = object({
    subjectType: oneOf(RISK_SUBJECTS),
    subjectId: str({ max: 130 }),
    ruleId: oneOf(FLAG_RULES),
    severity: oneOf(RISK_SEVERITIES),
    evidence: (value: unknown, path: string): Record<string, unknown> => {
        if (value === null || typeof value !== 'object' || Array.isArray(value))
            throw invalid(`${path} must be an object`);
        const problem = jsonTextProblem(value, path);
        if (problem !== undefined) throw invalid(problem);
        if (JSON.stringify(value).length > 4000) throw invalid(`${path} is larger than 4000 characters`);
        return value as Record<string, unknown>;
    },
});

/** A receipt is named `<bank MSP>:<receiptRef>`; every other subject by a plain ID. */
function checkSubjectId(type: RiskSubject, id: string, path: string): string {
    if (type !== 'receipt') return ID(id, path);
    if (splitReceiptId(id) === null) throw invalid(`${path} must look like <Bank…MSP>:<receiptRef> for a receipt`);
    return id;
}

const FLAG_ID = str({ pattern: /^[0-9a-f]{32}$/, max: 32, hint: 'must be a 32-hex flag ID' });

function loadFlag(ctx: Context, flagId: string): Promise<RiskFlag> {
    return mustGetRecord<RiskFlag>(ctx, recordKey(ctx, RecordType.risk, flagId), 'risk', `risk flag ${flagId}`);
}

/** Risk flags: raised automatically by the rules (lib/risk.ts raise) or by hand; cleared or confirmed by customs or a bank. */
@Info({ title: 'RiskContract', description: 'Risk flags' })
export class RiskContract extends Contract {
    constructor() {
        super('RiskContract');
    }

    @Transaction()
    async RaiseFlag(ctx: Context, flagJson: string): Promise<string> {
        const input = parseJson(flagJson, FLAG, 'flag');
        checkSubjectId(input.subjectType, input.subjectId, 'flag.subjectId');
        const actor = await authorize(ctx, 'RiskContract.RaiseFlag');
        const flag = await raise(ctx, input, actor.signature);
        if (flag === null)
            throw precondition(`an open ${input.ruleId} flag on ${input.subjectType} ${input.subjectId} exists`);
        emit(ctx, 'RiskFlagRaised', {
            flagId: flag.flagId,
            subjectType: flag.subjectType,
            subjectId: flag.subjectId,
            ruleId: flag.ruleId,
        });
        return jsonResult(flag);
    }

    @Transaction()
    ClearFlag(ctx: Context, flagId: string, resolution: string): Promise<string> {
        return this.#resolve(ctx, 'ClearFlag', flagId, resolution);
    }

    @Transaction()
    ConfirmFlag(ctx: Context, flagId: string, resolution: string): Promise<string> {
        return this.#resolve(ctx, 'ConfirmFlag', flagId, resolution);
    }

    async #resolve(
        ctx: Context,
        tx: 'ClearFlag' | 'ConfirmFlag',
        flagIdArg: string,
        resolutionArg: string,
    ): Promise<string> {
        const flagId = parseArg(flagIdArg, FLAG_ID, 'flagId');
        const resolution = parseArg(resolutionArg, REASON, 'resolution');
        const actor = await authorize(ctx, `RiskContract.${tx}`);
        const flag = await loadFlag(ctx, flagId);
        if (flag.status !== 'OPEN') throw precondition(`risk flag ${flagId} is ${flag.status}, not OPEN`);
        const status = tx === 'ClearFlag' ? 'CLEARED' : 'CONFIRMED';
        const next = await resolveFlag(ctx, flag, status, resolution, actor.signature);
        emit(ctx, tx === 'ClearFlag' ? 'RiskFlagCleared' : 'RiskFlagConfirmed', { flagId, status });
        return jsonResult(next);
    }

    @Transaction(false)
    async GetFlag(ctx: Context, flagId: string): Promise<string> {
        const id = parseArg(flagId, FLAG_ID, 'flagId');
        await authorize(ctx, 'RiskContract.GetFlag');
        return jsonResult(await loadFlag(ctx, id));
    }

    @Transaction(false)
    async ListFlagsBySubject(
        ctx: Context,
        subjectType: string,
        subjectId: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const type = parseArg(subjectType, oneOf(RISK_SUBJECTS), 'subjectType');
        const id = checkSubjectId(type, subjectId, 'subjectId');
        const size = parseJson(pageSize, PAGE_SIZE, 'pageSize');
        const actor = await authorize(ctx, 'RiskContract.ListFlagsBySubject');
        const page = await listPage(
            ctx,
            actor,
            LISTS['RiskContract.ListFlagsBySubject'],
            [type, id],
            size,
            bookmark,
            (entry) => getRecord<RiskFlag>(ctx, recordKey(ctx, RecordType.risk, lastAttribute(entry)), 'risk'),
        );
        return jsonResult({ items: page.items, bookmark: page.bookmark });
    }
}
