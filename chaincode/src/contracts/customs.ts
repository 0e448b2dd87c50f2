import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertSees, authorize, type Actor } from '../lib/auth';
import { ChaincodeError, invalid, notFound, precondition } from '../lib/errors';
import { businessDateOf, txBusinessDate, txTime } from '../lib/identity';
import { DATE, ID, REASON, bool, int, object, oneOf, optional, parseArg, parseJson, DECL_NO } from '../lib/validate';
import { checkDeclaration, type CheckSnapshot } from '../rules/customs-check';
import { eventOrder, futureDate } from '../rules/dates';
import {
    CUSTOMS_MSP,
    RecordType,
    type CustomsEventType,
    type DeclarationStatus,
    type TransactionOf,
} from '../vocabulary';
import { recordKey, versionId, declarationKey } from '../model/keys';
import { recordsUnder } from '../store/scan';
import { loadDeclaration, loadTrade } from '../store/loaders';
import {
    type CustomsCheckRecord,
    type CustomsEvent,
    type Declaration,
    type LineSource,
    type PackingList,
    type Party,
    type Trade,
    type Signature,
} from '../model/records';
import { emit } from '../store/events';
import { getRecord, historyOf, putRecord } from '../store/records';
import { jsonResult } from '../lib/canonical';
import { without } from '../lib/objects';
import { evidenceOf, type RecordEvidence } from '../facts/evidence';
import { Facts } from '../facts/facts';
import { putOwnedRecord, requireCustomsEndorsement } from '../store/endorsement';

interface EventRule {
    readonly type: CustomsEventType;
    readonly from: readonly DeclarationStatus[];
    /** Target status; 'SAME' keeps it (amendment), 'HELD_FROM' returns to the status before the hold. */
    readonly to: DeclarationStatus | 'SAME' | 'HELD_FROM';
    /** What happens to the declared trades. */
    readonly trades?: 'RELEASED' | 'EXPORTED' | 'UNLINK';
}

const LIVE: readonly DeclarationStatus[] = ['SUBMITTED', 'ACCEPTED', 'INSPECTION_ORDERED', 'INSPECTED'];

type CustomsEventTx = Exclude<
    TransactionOf<'CustomsContract'>,
    'GetCustomsEvents' | 'CheckDeclaration' | 'TraceDeclarationLine' | 'RecordCustomsCheck' | 'GetCustomsCheck'
>;

/** The declaration state machine, driven only by customs. */
export const CUSTOMS_EVENTS: Readonly<Record<CustomsEventTx, EventRule>> = {
    AcceptDeclaration: { type: 'ACCEPTED', from: ['SUBMITTED'], to: 'ACCEPTED' },
    OrderInspection: { type: 'INSPECTION_ORDERED', from: ['ACCEPTED'], to: 'INSPECTION_ORDERED' },
    RecordInspectionResult: { type: 'INSPECTED', from: ['INSPECTION_ORDERED'], to: 'INSPECTED' },
    ReleaseDeclaration: { type: 'RELEASED', from: ['ACCEPTED', 'INSPECTED'], to: 'RELEASED', trades: 'RELEASED' },
    ConfirmExit: { type: 'EXITED', from: ['RELEASED'], to: 'EXITED', trades: 'EXPORTED' },
    ReturnDeclaration: {
        type: 'RETURNED',
        from: ['SUBMITTED', 'ACCEPTED', 'INSPECTED'],
        to: 'RETURNED',
        trades: 'UNLINK',
    },
    AmendDeclaration: { type: 'AMENDED', from: LIVE, to: 'SAME' },
    WithdrawDeclaration: { type: 'WITHDRAWN', from: ['ACCEPTED'], to: 'WITHDRAWN', trades: 'UNLINK' },
    HoldDeclaration: { type: 'HELD', from: [...LIVE, 'RELEASED'], to: 'ON_HOLD' },
    LiftHold: { type: 'HOLD_LIFTED', from: ['ON_HOLD'], to: 'HELD_FROM' },
};

const INSPECTION = object({ passed: bool, remark: REASON });
const AMENDMENT = object({
    exitPort: optional(ID),
    transportMode: optional(oneOf(['SEA', 'ROAD', 'RAIL', 'AIR'] as const)),
    billOfLading: optional(ID),
});

interface EventInput {
    readonly reason?: string;
    readonly detail?: Record<string, unknown>;
    /** Overrides the rule's target (failed inspection → ON_HOLD). */
    readonly to?: DeclarationStatus;
    readonly patch?: Partial<Declaration>;
    /** The date customs states for the event (exit); otherwise the event is dated on the transaction's day. */
    readonly statedDate?: { readonly field: string; readonly date: string };
}

export interface PartyRef {
    readonly partyId: string;
    readonly type: string | null;
    readonly legalName: string | null;
    readonly status: string | null;
    readonly filedBy: Signature | null;
    readonly updatedBy: Signature | null;
}

function partyRef(partyId: string, party: Party | undefined): PartyRef {
    return {
        partyId,
        type: party?.type ?? null,
        legalName: party?.legalName ?? null,
        status: party?.status ?? null,
        filedBy: party?.filedBy ?? null,
        updatedBy: party?.updatedBy ?? null,
    };
}

/** Customs events on declarations (state machine + key-level endorsement), the CU checks, and the accountability trace. */
@Info({ title: 'CustomsContract', description: 'Customs events, declaration check, accountability trace' })
export class CustomsContract extends Contract {
    constructor() {
        super('CustomsContract');
    }

    @Transaction()
    AcceptDeclaration(ctx: Context, declNo: string): Promise<string> {
        return this.#event(ctx, 'AcceptDeclaration', declNo, {});
    }

    @Transaction()
    OrderInspection(ctx: Context, declNo: string, reason: string): Promise<string> {
        return this.#event(ctx, 'OrderInspection', declNo, { reason: parseArg(reason, REASON, 'reason') });
    }

    /** `resultJson`: { passed: boolean, remark: string }; a failed inspection puts the declaration ON_HOLD. */
    @Transaction()
    RecordInspectionResult(ctx: Context, declNo: string, resultJson: string): Promise<string> {
        const result = parseJson(resultJson, INSPECTION, 'result');
        return this.#event(ctx, 'RecordInspectionResult', declNo, {
            reason: result.remark,
            detail: { passed: result.passed },
            ...(result.passed ? {} : { to: 'ON_HOLD', patch: { heldFrom: 'INSPECTION_ORDERED' } }),
        });
    }

    @Transaction()
    ReleaseDeclaration(ctx: Context, declNo: string): Promise<string> {
        return this.#event(ctx, 'ReleaseDeclaration', declNo, { patch: { releaseDate: txBusinessDate(ctx) } });
    }

    /** `exitDate` is customs' fact (the goods may leave before it is recorded): not in the future, not before release. */
    @Transaction()
    ConfirmExit(ctx: Context, declNo: string, exitDate: string): Promise<string> {
        const date = parseArg(exitDate, DATE, 'exitDate');
        return this.#event(ctx, 'ConfirmExit', declNo, {
            patch: { exitDate: date },
            statedDate: { field: 'exitDate', date },
        });
    }

    @Transaction()
    ReturnDeclaration(ctx: Context, declNo: string, reason: string): Promise<string> {
        return this.#event(ctx, 'ReturnDeclaration', declNo, { reason: parseArg(reason, REASON, 'reason') });
    }

    /** Amends transport fields (exitPort, transportMode, billOfLading); value changes need return + refiling. */
    @Transaction()
    AmendDeclaration(ctx: Context, declNo: string, amendmentJson: string, reason: string): Promise<string> {
        const amendment = parseJson(amendmentJson, AMENDMENT, 'amendment');
        if (Object.keys(amendment).length === 0) throw invalid('amendment changes nothing');
        return this.#event(ctx, 'AmendDeclaration', declNo, {
            reason: parseArg(reason, REASON, 'reason'),
            detail: amendment,
            patch: amendment,
        });
    }

    @Transaction()
    WithdrawDeclaration(ctx: Context, declNo: string, reason: string): Promise<string> {
        return this.#event(ctx, 'WithdrawDeclaration', declNo, { reason: parseArg(reason, REASON, 'reason') });
    }

    @Transaction()
    HoldDeclaration(ctx: Context, declNo: string, reason: string): Promise<string> {
        return this.#event(ctx, 'HoldDeclaration', declNo, { reason: parseArg(reason, REASON, 'reason') });
    }

    @Transaction()
    LiftHold(ctx: Context, declNo: string, reason: string): Promise<string> {
        return this.#event(ctx, 'LiftHold', declNo, { reason: parseArg(reason, REASON, 'reason') });
    }

    async #event(ctx: Context, tx: CustomsEventTx, declNoArg: string, input: EventInput): Promise<string> {
        const declNo = parseArg(declNoArg, DECL_NO, 'declNo');
        const rule = CUSTOMS_EVENTS[tx];
        const actor = await authorize(ctx, `CustomsContract.${tx}`);
        const declaration = await loadDeclaration(ctx, declNo);
        if (!rule.from.includes(declaration.status)) {
            throw precondition(`declaration ${declNo} is ${declaration.status}; ${tx} needs ${rule.from.join(' or ')}`);
        }
        const misdated = misdatedEvent(ctx, rule.type, declaration, input.statedDate);
        if (misdated !== null) throw misdated;
        const to = input.to ?? targetOf(rule, declaration);
        const seq = declaration.customsEvents + 1;
        const event: CustomsEvent = {
            docType: 'customsEvent',
            declNo,
            seq,
            type: rule.type,
            fromStatus: declaration.status,
            toStatus: to,
            ...(input.reason !== undefined ? { reason: input.reason } : {}),
            ...(input.detail !== undefined ? { detail: input.detail } : {}),
            by: actor.signature,
        };
        const eventKey = recordKey(ctx, RecordType.customsEvent, declNo, String(seq).padStart(4, '0'));
        await putRecord(ctx, eventKey, event);
        await requireCustomsEndorsement(ctx, eventKey);
        const next: Declaration = {
            ...without(declaration, 'heldFrom'),
            ...input.patch,
            ...(to === 'ON_HOLD' && input.patch?.heldFrom === undefined ? { heldFrom: declaration.status } : {}),
            status: to,
            ...(input.reason !== undefined ? { statusReason: input.reason } : {}),
            customsEvents: seq,
            updatedBy: actor.signature,
        };
        await putRecord(ctx, declarationKey(ctx, declNo), next);
        await this.#moveTrades(ctx, actor, declaration, rule.trades);
        emit(ctx, 'CustomsEventRecorded', {
            declNo,
            seq,
            type: rule.type,
            from: declaration.status,
            to,
            tradeNos: declaration.tradeNos,
        });
        return jsonResult(next);
    }

    async #moveTrades(ctx: Context, actor: Actor, declaration: Declaration, move: EventRule['trades']): Promise<void> {
        if (move === undefined) return;
        for (const tradeNo of declaration.tradeNos) {
            const trade = await loadTrade(ctx, tradeNo);
            const key = recordKey(ctx, RecordType.trade, tradeNo);
            if (move === 'UNLINK') {
                const unlinked: Trade = { ...without(trade, 'declNo'), status: 'PACKED', updatedBy: actor.signature };
                await putRecord(ctx, key, unlinked);
            } else {
                const moved: Trade = { ...trade, status: move, updatedBy: actor.signature };
                await putRecord(ctx, key, moved);
            }
        }
    }

    @Transaction(false)
    async GetCustomsEvents(ctx: Context, declNo: string): Promise<string> {
        const id = parseArg(declNo, DECL_NO, 'declNo');
        const actor = await authorize(ctx, 'CustomsContract.GetCustomsEvents');
        const declaration = await loadDeclaration(ctx, id);
        assertSees(actor, { agent: declaration.consignorId, broker: declaration.brokerId }, `declaration ${id}`);
        const events = await recordsUnder<CustomsEvent>(ctx, RecordType.customsEvent, [id], 'customsEvent');
        return jsonResult({ declNo: id, status: declaration.status, events });
    }

    /** CU-01..CU-08: recompute, compare and sum the trades' payments; verdict PASS / REFER / FAIL with every reason. */
    @Transaction(false)
    async CheckDeclaration(ctx: Context, declNo: string): Promise<string> {
        const id = parseArg(declNo, DECL_NO, 'declNo');
        const actor = await authorize(ctx, 'CustomsContract.CheckDeclaration');
        const declaration = await loadDeclaration(ctx, id);
        assertSees(actor, { agent: declaration.consignorId, broker: declaration.brokerId }, `declaration ${id}`);
        const snapshot = await new Facts(ctx).forCustomsCheck(declaration);
        const report = checkDeclaration(snapshot);
        return jsonResult({
            ...report,
            reliedOn: snapshotEvidence(snapshot),
            checkedAt: txTime(ctx),
            txId: ctx.stub.getTxID(),
        });
    }

    /**
     * Records the customs check (CU-01..CU-08) on the ledger, as a bank records its check on a receipt: the verdict,
     * each check's result and reason codes, and the records it relied on with the transaction that last changed each.
     * One key per declaration, changed only with a CustomsOrg peer endorsing; its history is every check recorded.
     */
    @Transaction()
    async RecordCustomsCheck(ctx: Context, declNo: string): Promise<string> {
        const id = parseArg(declNo, DECL_NO, 'declNo');
        const actor = await authorize(ctx, 'CustomsContract.RecordCustomsCheck');
        const declaration = await loadDeclaration(ctx, id);
        const snapshot = await new Facts(ctx).forCustomsCheck(declaration);
        const report = checkDeclaration(snapshot);
        const key = recordKey(ctx, RecordType.customsCheck, id);
        const previous = await getRecord<CustomsCheckRecord>(ctx, key, 'customsCheck');
        const record: CustomsCheckRecord = {
            docType: 'customsCheck',
            declNo: id,
            seq: (previous?.seq ?? 0) + 1,
            verdict: report.verdict,
            negativeListVersion: report.negativeListVersion,
            checks: report.checks.map((c) => ({
                id: c.id,
                result: c.result,
                reasons: c.reasons.map((r) => ({ code: r.code, severity: r.severity })),
            })),
            reliedOn: snapshotEvidence(snapshot),
            recordedBy: actor.signature,
        };
        await putOwnedRecord(ctx, key, record, CUSTOMS_MSP);
        emit(ctx, 'CustomsCheckRecorded', { declNo: id, verdict: record.verdict, checks: record.seq });
        return jsonResult({ record, report });
    }

    /** The latest customs check recorded for a declaration (null when none) and every one before it, oldest first. */
    @Transaction(false)
    async GetCustomsCheck(ctx: Context, declNo: string): Promise<string> {
        const id = parseArg(declNo, DECL_NO, 'declNo');
        const actor = await authorize(ctx, 'CustomsContract.GetCustomsCheck');
        const declaration = await loadDeclaration(ctx, id);
        assertSees(actor, { agent: declaration.consignorId, broker: declaration.brokerId }, `declaration ${id}`);
        const key = recordKey(ctx, RecordType.customsCheck, id);
        const latest = await getRecord<CustomsCheckRecord>(ctx, key, 'customsCheck');
        const history = latest === undefined ? [] : await historyOf(ctx, key);
        return jsonResult({
            declNo: id,
            latest: latest ?? null,
            history: history.map((entry) => ({ txId: entry.txId, timestamp: entry.timestamp, record: entry.value })),
        });
    }

    /** Who answers for one declaration line: every trade line, party and signature behind it, with values. */
    @Transaction(false)
    async TraceDeclarationLine(ctx: Context, declNo: string, gNo: string): Promise<string> {
        const id = parseArg(declNo, DECL_NO, 'declNo');
        const lineNo = parseJson(gNo, int({ min: 1, max: 999 }), 'gNo');
        await authorize(ctx, 'CustomsContract.TraceDeclarationLine');
        const declaration = await loadDeclaration(ctx, id);
        const line = declaration.lines.find((l) => l.gNo === lineNo);
        if (line === undefined) throw precondition(`declaration ${id} has no line ${lineNo}`);
        const load = new Facts(ctx);
        const contributions = [];
        for (const source of line.sources) {
            contributions.push(await this.#contribution(load, source));
        }
        const packing = await getRecord<PackingList>(
            ctx,
            recordKey(ctx, RecordType.packing, declaration.packingNo),
            'packing',
        );
        const accountable = new Map<string, { partyId: string; role: string; valueUsd: number }>();
        const add = (partyId: string, role: string, valueUsd: number): void => {
            const key = `${role}/${partyId}`;
            const entry = accountable.get(key) ?? { partyId, role, valueUsd: 0 };
            accountable.set(key, { ...entry, valueUsd: entry.valueUsd + valueUsd });
        };
        for (const c of contributions) {
            add(c.vendor.partyId, 'VENDOR', c.valueUsd);
            add(c.agent.partyId, 'AGENT', c.valueUsd);
            add(c.buyer.partyId, 'BUYER', c.valueUsd);
            if (c.producer !== null) add(c.producer.partyId, 'PRODUCER', c.valueUsd);
            if (c.consolidator !== null) add(c.consolidator.partyId, 'CONSOLIDATOR', c.valueUsd);
            add(declaration.brokerId, 'BROKER', c.valueUsd);
        }
        return jsonResult({
            declNo: id,
            gNo: lineNo,
            hsCode: line.hsCode,
            name: line.name,
            valueUsd: line.valueUsd,
            mergedChapter: line.mergedChapter,
            declarationStatus: declaration.status,
            declarationFiledBy: declaration.filedBy,
            consignor: partyRef(declaration.consignorId, await load.party(declaration.consignorId)),
            broker: partyRef(declaration.brokerId, await load.party(declaration.brokerId)),
            packing:
                packing === undefined
                    ? null
                    : { packingNo: packing.packingNo, site: packing.site, createdBy: packing.createdBy },
            contributions,
            accountable: [...accountable.values()].sort((a, b) => (a.role + a.partyId < b.role + b.partyId ? -1 : 1)),
        });
    }

    async #contribution(load: Facts, source: LineSource): Promise<Contribution> {
        const trade = await load.trade(source.tradeNo);
        if (trade === undefined) throw notFound(`trade ${source.tradeNo} behind this line does not exist`);
        const goods = await load.goods(source.goodsCode);
        const order = trade.consolidationOrder === undefined ? undefined : await load.order(trade.consolidationOrder);
        const ref = async (partyId: string): Promise<PartyRef> => partyRef(partyId, await load.party(partyId));
        return {
            ...source,
            tradeDate: trade.tradeDate,
            stall: { clusterId: trade.clusterId, stallNo: trade.stallNo },
            unitPrice: trade.lines.find((l) => l.lineId === source.lineId)?.unitPrice ?? null,
            tradeRegisteredBy: trade.registeredBy,
            tradeUpdatedBy: trade.updatedBy,
            vendor: await ref(trade.vendorId),
            agent: await ref(trade.agentId),
            buyer: await ref(trade.buyerId),
            producer: goods === undefined ? null : await ref(goods.producerId),
            goodsFiledBy: goods?.filedBy ?? null,
            ...(order === undefined
                ? { consolidationOrder: null, consolidator: null, consolidatedBy: null }
                : {
                      consolidationOrder: order.orderCode,
                      consolidator: await ref(order.consolidatorId),
                      consolidatedBy: order.createdBy,
                  }),
        };
    }
}

interface Contribution {
    readonly tradeNo: string;
    readonly lineId: string;
    readonly valueUsd: number;
    readonly vendor: PartyRef;
    readonly agent: PartyRef;
    readonly buyer: PartyRef;
    readonly producer: PartyRef | null;
    readonly consolidator: PartyRef | null;
    readonly [more: string]: unknown;
}

/** V32: an event dated before the previous one on the declaration, or a date customs states that lies in the future. */
function misdatedEvent(
    ctx: Context,
    type: CustomsEventType,
    declaration: Declaration,
    stated: EventInput['statedDate'],
): ChaincodeError | null {
    const today = txBusinessDate(ctx);
    const previous = businessDateOf(declaration.updatedBy.at);
    if (stated === undefined) return eventOrder(`${type} on`, today, previous);
    return futureDate(stated.field, stated.date, today) ?? eventOrder(`${type} on`, stated.date, previous);
}

function targetOf(rule: EventRule, declaration: Declaration): DeclarationStatus {
    if (rule.to === 'SAME') return declaration.status;
    if (rule.to === 'HELD_FROM') {
        if (declaration.heldFrom === undefined)
            throw precondition(`declaration ${declaration.declNo} has no status to return to`);
        return declaration.heldFrom;
    }
    return rule.to;
}

/** The records a customs check relied on, each with the transaction that last changed it. */
function snapshotEvidence(s: CheckSnapshot): RecordEvidence[] {
    const entries: (readonly [RecordType, string, unknown])[] = [
        [RecordType.declaration, s.declaration.declNo, s.declaration],
    ];
    const add = (type: RecordType, records: ReadonlyMap<string, unknown>): void => {
        for (const [id, record] of records) entries.push([type, id, record]);
    };
    add(RecordType.trade, s.trades);
    add(RecordType.party, s.parties);
    add(RecordType.goods, s.goods);
    add(RecordType.cluster, s.clusters);
    add(RecordType.consolidation, s.orders);
    if (s.packing !== undefined) entries.push([RecordType.packing, s.packing.packingNo, s.packing]);
    if (s.negativeList !== undefined)
        entries.push([RecordType.negativeList, versionId(s.negativeList.version), s.negativeList]);
    if (s.customsRates !== undefined) {
        const rates = s.customsRates;
        entries.push([RecordType.exchangeRates, `${rates.month}/${versionId(rates.version)}`, rates]);
    }
    return evidenceOf(entries);
}
