import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize, owns, type Actor } from '../lib/auth';
import { conflict, forbidden, invalid, notFound, precondition, refused, ruleViolation } from '../lib/errors';
import { businessDateOf, txBusinessDate } from '../lib/identity';
import { LISTS, listPage } from '../lib/lists';
import { ID, REASON, arrayOf, object, parseArg, parseJson, str, parsePageSize } from '../lib/validate';
import { corrected } from '../rules/corrections';
import { REASON_RULE, guardExemption, type ExemptionGuardResult } from '../rules/exemption-guard';
import { RecordType } from '../vocabulary';
import { IndexType, recordKey, exemptionByTradeKey, exemptionKey, SettlementType } from '../model/keys';
import { lastAttribute, scanAll } from '../store/scan';
import { loadActiveParty, findTrade } from '../store/loaders';
import { type AgencyAgreement, type ExemptionByTrade, type ExemptionRecord } from '../model/records';
import { emit } from '../store/events';
import { getRecord, historyOf, putRecord, putIndex, exists } from '../store/records';
import { jsonResult } from '../lib/canonical';
import { loadExemptionFacts, type LoadedTrade } from '../facts/exemption';

/**
 * VAT-exemption filings (免税申报): V28 (period after the export month; the agent may file for entrusted exports),
 * V29 (EXPORTED trades only, once per trade), F10 (double or premature claims), CU-09 ExemptionGuard.
 * "Once per trade" is one key per trade (`idx~exemption~trade`), so two filings for one trade conflict on that key
 * even when they race.
 */

const PERIOD = str({ pattern: /^\d{4}-(0[1-9]|1[0-2])$/, max: 7, hint: 'must be a month YYYY-MM' });
const FILING = object({ filingNo: ID, merchantId: ID, period: PERIOD, tradeNos: arrayOf(ID, { min: 1, max: 200 }) });
interface FilingInput {
    readonly filingNo: string;
    readonly merchantId: string;
    readonly period: string;
    readonly tradeNos: string[];
}

function parseFiling(raw: string): FilingInput {
    const filing = parseJson(raw, FILING, 'filing');
    if (new Set(filing.tradeNos).size !== filing.tradeNos.length) throw invalid('filing.tradeNos lists a trade twice');
    return filing;
}

/**
 * The trades as the caller may see them: a vendor or agent naming someone else's trade learns what it would of a
 * trade that does not exist (CU09_TRADE_NOT_FOUND), not whose it is or when it left the country.
 */
async function loadVisible(ctx: Context, actor: Actor, tradeNos: readonly string[]): Promise<LoadedTrade[]> {
    return (await loadExemptionFacts(ctx, tradeNos)).map((loaded) => {
        const { trade } = loaded;
        if (trade === undefined || owns(actor, { vendor: trade.vendorId, agent: trade.agentId })) return loaded;
        const missing = { status: null, vendorId: null, exitDate: null, exemptedBy: null };
        return { trade: undefined, declNo: null, facts: { tradeNo: loaded.facts.tradeNo, ...missing } };
    });
}

/** The agent files only for its own entrusted exports: it is every trade's agent under a SIGNED agreement. */
async function assertEntrusted(
    ctx: Context,
    actor: Actor,
    merchantId: string,
    loaded: readonly LoadedTrade[],
): Promise<void> {
    const agentId = actor.partyId ?? '';
    for (const { trade, facts } of loaded) {
        if (trade !== undefined && trade.agentId !== agentId) {
            throw ruleViolation('V28', `agent ${agentId} is not the export agent of trade ${facts.tradeNo}`);
        }
    }
    const entries = await scanAll(ctx, IndexType.agreementByPair, [merchantId, agentId]);
    for (const entry of entries) {
        const agreementNo = entry.attributes[entry.attributes.length - 1] ?? '';
        const agreement = await getRecord<AgencyAgreement>(
            ctx,
            recordKey(ctx, RecordType.agreement, agreementNo),
            'agreement',
        );
        if (agreement?.status === 'SIGNED') return;
    }
    throw ruleViolation(
        'V28',
        `agent ${agentId} has no signed agency agreement with ${merchantId}; only the vendor may file`,
    );
}

function throwFirstFailure(result: ExemptionGuardResult): void {
    const failure = result.findings.find((f) => f.outcome === 'FAIL');
    if (failure === undefined) return;
    const rule = REASON_RULE[failure.reason as keyof typeof REASON_RULE];
    const message = `trade ${failure.tradeNo}: ${failure.reason}`;
    if (rule === 'NOT_FOUND') throw notFound(message);
    if (rule === 'PRECONDITION') throw precondition(message);
    throw ruleViolation(rule, message);
}

function guard(
    input: FilingInput,
    filingNo: string | null,
    filedMonth: string,
    loaded: readonly LoadedTrade[],
): ExemptionGuardResult {
    return guardExemption({
        filingNo,
        merchantId: input.merchantId,
        period: input.period,
        filedMonth,
        trades: loaded.map((l) => l.facts),
    });
}

async function loadFiling(ctx: Context, filingNo: string): Promise<ExemptionRecord> {
    const filing = await getRecord<ExemptionRecord>(ctx, exemptionKey(ctx, filingNo), 'exemption');
    if (filing === undefined) throw notFound(`exemption filing ${filingNo} does not exist`);
    return filing;
}

/** A filing the actor may read; one it may not see answers as missing (see assertSees). */
async function loadVisibleFiling(ctx: Context, actor: Actor, filingNo: string): Promise<ExemptionRecord> {
    const filing = await loadFiling(ctx, filingNo);
    assertSees(actor, { vendor: filing.merchantId, agent: filing.filerPartyId }, `exemption filing ${filingNo}`);
    return filing;
}

@Info({ title: 'ExemptionContract', description: 'VAT-exemption filings for exported market-procurement trades' })
export class ExemptionContract extends Contract {
    constructor() {
        super('ExemptionContract');
    }

    /** Files a VAT-exemption claim for exported trades of one merchant in the period after their export month. */
    @Transaction()
    async FileExemption(ctx: Context, filingJson: string): Promise<string> {
        const input = parseFiling(filingJson);
        const actor = await authorize(ctx, 'ExemptionContract.FileExemption');
        if (actor.role === 'vendor') assertOwns(actor, { vendor: input.merchantId }, `filings of ${input.merchantId}`);
        if (await exists(ctx, exemptionKey(ctx, input.filingNo))) {
            throw conflict(`exemption filing ${input.filingNo} already exists`);
        }
        await loadActiveParty(ctx, input.merchantId, ['MERCHANT']);
        const loaded = await loadVisible(ctx, actor, input.tradeNos);
        if (actor.role === 'agent') await assertEntrusted(ctx, actor, input.merchantId, loaded);
        const result = guard(input, null, txBusinessDate(ctx).slice(0, 7), loaded);
        throwFirstFailure(result);
        const record: ExemptionRecord = {
            docType: 'exemption',
            filingNo: input.filingNo,
            merchantId: input.merchantId,
            filerPartyId: actor.partyId ?? '',
            filerRole: actor.role === 'agent' ? 'agent' : 'vendor',
            period: input.period,
            exportMonth: result.findings[0]?.exportMonth ?? '',
            tradeNos: input.tradeNos,
            declNos: [...new Set(loaded.map((l) => l.declNo).filter((d): d is string => d !== null))].sort(),
            status: 'FILED',
            filedBy: actor.signature,
        };
        await putRecord(ctx, exemptionKey(ctx, record.filingNo), record);
        for (const tradeNo of record.tradeNos) {
            const claim: ExemptionByTrade = { docType: 'exemptionByTrade', tradeNo, filingNo: record.filingNo };
            await putRecord(ctx, exemptionByTradeKey(ctx, tradeNo), claim);
        }
        await putIndex(ctx, SettlementType.exemptionByMerchant, [record.merchantId, record.period, record.filingNo]);
        emit(ctx, 'ExemptionFiled', {
            filingNo: record.filingNo,
            merchantId: record.merchantId,
            period: record.period,
            tradeNos: record.tradeNos,
        });
        return jsonResult(record);
    }

    /** CU-09 on a proposed filing (same JSON as FileExemption), as of this transaction's month. Records nothing. */
    @Transaction(false)
    async CheckExemption(ctx: Context, filingJson: string): Promise<string> {
        const input = parseFiling(filingJson);
        const actor = await authorize(ctx, 'ExemptionContract.CheckExemption');
        const loaded = await loadVisible(ctx, actor, input.tradeNos);
        if (actor.role === 'vendor') assertOwns(actor, { vendor: input.merchantId }, `filings of ${input.merchantId}`);
        if (actor.role === 'agent') {
            assertOwns(actor, { agent: loaded.map((l) => l.trade?.agentId ?? '') }, `trades of ${input.merchantId}`);
        }
        return jsonResult(guard(input, null, txBusinessDate(ctx).slice(0, 7), loaded));
    }

    /** CU-09 ExemptionGuard on a filed claim: every trade EXPORTED, right period, claimed by this filing only. */
    @Transaction(false)
    async ExemptionGuard(ctx: Context, filingNo: string): Promise<string> {
        const actor = await authorize(ctx, 'ExemptionContract.ExemptionGuard');
        const filing = await loadVisibleFiling(ctx, actor, filingNo);
        const loaded = await loadExemptionFacts(ctx, filing.tradeNos);
        const input: FilingInput = { ...filing, tradeNos: [...filing.tradeNos] };
        return jsonResult(guard(input, filing.filingNo, businessDateOf(filing.filedBy.at).slice(0, 7), loaded));
    }

    /**
     * The filer withdraws its FILED claim (the only status before the tax bureau acts on it): every trade it claimed
     * is free to be claimed again (V29 counts claims of live filings only); the claim keys keep their history.
     */
    @Transaction()
    async WithdrawExemption(ctx: Context, filingNo: string, reason: string): Promise<string> {
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'ExemptionContract.WithdrawExemption');
        const filing = await loadVisibleFiling(ctx, actor, filingNo);
        if (filing.filerPartyId !== actor.partyId) {
            throw forbidden(
                `filing ${filing.filingNo} was filed by ${filing.filerPartyId}; only the filer withdraws it`,
            );
        }
        if (filing.status !== 'FILED') throw refused('ALREADY_VOID', `filing ${filing.filingNo} is ${filing.status}`);
        const next = corrected<ExemptionRecord>({ ...filing, status: 'WITHDRAWN' }, why, actor.signature);
        await putRecord(ctx, exemptionKey(ctx, filing.filingNo), next);
        for (const tradeNo of filing.tradeNos) {
            const released: ExemptionByTrade = {
                docType: 'exemptionByTrade',
                tradeNo,
                filingNo: filing.filingNo,
                withdrawn: true,
            };
            await putRecord(ctx, exemptionByTradeKey(ctx, tradeNo), released);
        }
        emit(ctx, 'ExemptionWithdrawn', {
            filingNo: filing.filingNo,
            tradeNos: filing.tradeNos,
            amendments: next.amendments ?? 1,
            reason: why,
        });
        return jsonResult(next);
    }

    /** Every committed version of a filing (filed, withdrawn), for whoever may read it. */
    @Transaction(false)
    async GetExemptionHistory(ctx: Context, filingNo: string): Promise<string> {
        const actor = await authorize(ctx, 'ExemptionContract.GetExemptionHistory');
        const filing = await loadVisibleFiling(ctx, actor, filingNo);
        return jsonResult({ filingNo, history: await historyOf(ctx, exemptionKey(ctx, filing.filingNo)) });
    }

    @Transaction(false)
    async GetExemption(ctx: Context, filingNo: string): Promise<string> {
        const actor = await authorize(ctx, 'ExemptionContract.GetExemption');
        return jsonResult(await loadVisibleFiling(ctx, actor, filingNo));
    }

    /** `{tradeNo, filingNo}` with filingNo null when the trade has not been claimed. */
    @Transaction(false)
    async GetExemptionByTrade(ctx: Context, tradeNo: string): Promise<string> {
        const actor = await authorize(ctx, 'ExemptionContract.GetExemptionByTrade');
        const trade = await findTrade(ctx, tradeNo);
        if (trade === undefined) throw notFound(`trade ${tradeNo} does not exist`);
        assertSees(actor, { vendor: trade.vendorId, agent: trade.agentId }, `trade ${tradeNo}`);
        const claim = await getRecord<ExemptionByTrade>(ctx, exemptionByTradeKey(ctx, tradeNo), 'exemptionByTrade');
        return jsonResult({
            tradeNo,
            filingNo: claim === undefined || claim.withdrawn === true ? null : claim.filingNo,
        });
    }

    @Transaction(false)
    async ListExemptionsByMerchant(
        ctx: Context,
        merchantId: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const merchant = parseArg(merchantId, ID, 'merchantId');
        const size = parsePageSize(pageSize);
        const actor = await authorize(ctx, 'ExemptionContract.ListExemptionsByMerchant');
        assertOwns(actor, { vendor: merchant }, `filings of ${merchant}`);
        const list = LISTS['ExemptionContract.ListExemptionsByMerchant'];
        const page = await listPage(ctx, actor, list, [merchant], size, bookmark, (entry) =>
            loadFiling(ctx, lastAttribute(entry)),
        );
        return jsonResult(page);
    }
}
