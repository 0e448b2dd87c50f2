import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize, type Actor } from '../lib/auth';
import { canonicalJson, jsonResult } from '../lib/canonical';
import { conflict, forbidden, invalid, notFound, precondition, ruleViolation } from '../lib/errors';
import { txBusinessDate } from '../lib/identity';
import { LISTS, listPage } from '../lib/lists';
import {
    COUNTRY,
    CURRENCY,
    DATE,
    ID,
    NAME,
    REASON,
    TEXT,
    arrayOf,
    int,
    object,
    oneOf,
    optional,
    parseArg,
    parseJson,
    str,
    type Parser,
    text,
    parsePageSize,
} from '../lib/validate';
import { summariseTrade, tradeSettlementStatus, usdEquivalent } from '../rules/allocation';
import {
    isExported,
    runBankCheck,
    type BankCheckResult,
    type PayerFacts,
    type ReceiptUnderCheck,
    receiptUnderCheck,
    payerFacts,
    verificationSummary,
} from '../rules/bank-check';
import { futureDate } from '../rules/dates';
import { assertDealingRate, monthOf } from '../rules/rates';
import { RECEIPT_CHANNELS } from '../vocabulary';
import {
    receiptIdOf,
    type AllocationRecord,
    type PayerPrivate,
    type ReceiptAllocationEntry,
    type ReceiptByPayee,
    type ReceiptRecord,
    type Signature,
} from '../model/records';
import { raise } from '../store/risk-flags';
import { findParty, findTrade, allocationsOfTrade, parseReceiptId, loadReceipt, loadTrade } from '../store/loaders';
import { allocationKey, implicitCollection, receiptKey } from '../model/keys';
import { exists, getRecord, historyOf } from '../store/records';
import { voidAllocation } from '../rules/allocation-void';
import { emit } from '../store/events';
import { saltedHash } from '../lib/hash';
import { transientText, getPrivateRecord } from '../store/private';
import { recordOf } from '../store/scan';
import type { RecordEvidence } from '../facts/evidence';
import { bankCheckEvidence, customsRatesOf, loadBankCheckFacts, storedPayer } from '../facts/bank-check';
import {
    allocateToTrade,
    assertDistinctTrades,
    receiptAllocationState,
    type AllocationInput,
    type ReceiptHead,
} from '../rules/receipt-allocation';
import { putNewReceipt, putAllocations, putReceipt } from '../store/receipts';
import { Facts } from '../facts/facts';
import { recordPartiesSeen } from '../store/bank-sight';
import { sharesOfTrade } from '../store/financings';
import { financingView } from '../rules/financing';

/**
 * Foreign-exchange receipts filed by banks and allocated to trades (V20–V25, BK-01..BK-09, F2, F9).
 *
 * A receipt is written only by the bank that filed it: the chaincode checks the caller's MSP and bank party, and every
 * key the receipt owns (receipt, its allocations, its payee index entry) carries a state-based endorsement policy that
 * requires a peer of that bank. Allocations live under one key per (trade, receipt); a trade's total is the sum of its
 * allocation keys, read by partial-key range (phantom-read protected), never a shared running total.
 */

// Argument shapes --------------------------------------------------------------------------------------------

const RATE = str({
    pattern: /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/,
    max: 25,
    hint: 'must be a positive decimal such as "7.1234"',
});
const AMOUNT = int({ min: 1 });
const ALLOCATION = object({ tradeNo: ID, amountMinor: AMOUNT, rate: optional(RATE), lineId: optional(ID) });
type Parsed<P> = P extends Parser<infer T> ? T : never;

const RECEIPT_FIELDS = {
    payeePartyId: ID,
    amountMinor: AMOUNT,
    currency: CURRENCY,
    valueDate: DATE,
    usdRate: optional(RATE),
    allocations: arrayOf(ALLOCATION, { max: 50 }),
};
const FILE_RECEIPT = object({
    ...RECEIPT_FIELDS,
    receiptRef: ID,
    channel: oneOf(RECEIPT_CHANNELS),
    declaredPurpose: optional(TEXT),
});
const PROPOSED_RECEIPT = object({ ...RECEIPT_FIELDS, receiptRef: optional(ID) });
const CHECK_REQUEST = object({ receiptId: optional(str({ max: 200 })), receipt: optional(PROPOSED_RECEIPT) });
const PAYER = object({
    salt: str({ min: 16, max: 128 }),
    name: NAME,
    country: COUNTRY,
    bank: optional(NAME),
    account: optional(text(64)),
    thirdPartyReason: optional(REASON),
});
type PayerInput = Parsed<typeof PAYER>;
const SETTLEMENT = object({ outcome: oneOf(['SETTLED', 'CREDITED'] as const), reviewNote: optional(REASON) });

function parsePayer(ctx: Context): PayerInput | null {
    const raw = transientText(ctx, 'payer');
    return raw === undefined ? null : parseJson(raw, PAYER, 'transient payer');
}

function payerRecord(receipt: ReceiptRecord, payer: PayerInput): PayerPrivate {
    const { salt, ...details } = payer;
    return { docType: 'receiptPayer', receiptId: receipt.receiptId, salt, ...details };
}

function payerDigest(payer: PayerInput): string {
    const { salt, ...details } = payer;
    return saltedHash(salt, canonicalJson(details));
}

// Allocation -------------------------------------------------------------------------------------------------

interface Allocated {
    readonly entries: ReceiptAllocationEntry[];
    readonly records: AllocationRecord[];
    readonly flags: string[];
}

/** Allocates to each trade in turn (V24, V25, V31) and raises the F2 / F9 flags each allocation signals. */
async function allocateAll(
    ctx: Context,
    receipt: Omit<ReceiptHead, 'customsRates'>,
    inputs: readonly AllocationInput[],
    by: Signature,
): Promise<Allocated> {
    const out: Allocated = { entries: [], records: [], flags: [] };
    const head: ReceiptHead = { ...receipt, customsRates: await customsRatesOf(ctx, receipt.valueDate) };
    for (const input of inputs) {
        const trade = await loadTrade(ctx, input.tradeNo);
        const allocation = allocateToTrade(head, trade, await allocationsOfTrade(ctx, input.tradeNo), input, by);
        await recordPartiesSeen(ctx, { mspId: head.bankMspId, partyId: by.party ?? '' }, trade, head.payeePartyId);
        out.entries.push(allocation.entry);
        out.records.push(allocation.record);
        for (const signal of allocation.signals) {
            const flag = await raise(ctx, signal, by);
            if (flag !== null) out.flags.push(flag.flagId);
        }
    }
    return out;
}

/** Totals and status of a receipt with these allocations (a prepayment is PENDING_EXPORT until every trade left). */
async function allocationState(
    facts: Facts,
    amountMinor: number,
    entries: readonly ReceiptAllocationEntry[],
): Promise<Pick<ReceiptRecord, 'allocatedMinor' | 'unallocatedMinor' | 'status'>> {
    const exported = await facts.allExported(entries.map((e) => e.tradeNo));
    return receiptAllocationState(amountMinor, entries, exported);
}

// Access -----------------------------------------------------------------------------------------------------

/** A bank acts only on receipts whose ID carries its own MSP, and that its own bank party filed. */
function assertFilingBank(actor: Actor, bankMspId: string, receipt?: ReceiptRecord): void {
    if (actor.role !== 'bank') return;
    if (actor.caller.mspId !== bankMspId)
        throw forbidden(`receipts of ${bankMspId} are written and read by that bank only`);
    if (receipt !== undefined) assertOwns(actor, { bank: receipt.bankPartyId }, `receipt ${receipt.receiptId}`);
}

async function loadOwnReceipt(ctx: Context, actor: Actor, receiptId: string): Promise<ReceiptRecord> {
    assertFilingBank(actor, parseReceiptId(receiptId).bankMspId);
    const receipt = await loadReceipt(ctx, receiptId);
    assertFilingBank(actor, receipt.bankMspId, receipt);
    return receipt;
}

/**
 * A receipt the actor may read: the filing bank, or the payee vendor or agent. One it may not see answers as
 * missing (see assertSees), including a receipt of another bank's MSP, so reads never tell which IDs exist.
 */
async function loadVisibleReceipt(ctx: Context, actor: Actor, receiptId: string): Promise<ReceiptRecord> {
    const missing = notFound(`receipt ${receiptId} does not exist`);
    if (actor.role === 'bank' && actor.caller.mspId !== parseReceiptId(receiptId).bankMspId) throw missing;
    const receipt = await loadReceipt(ctx, receiptId);
    if (actor.role === 'bank' && actor.caller.mspId !== receipt.bankMspId) throw missing;
    assertSees(
        actor,
        { bank: receipt.bankPartyId, vendor: receipt.payeePartyId, agent: receipt.payeePartyId },
        `receipt ${receiptId}`,
    );
    return receipt;
}

// Bank check -------------------------------------------------------------------------------------------------

async function checkFiled(
    ctx: Context,
    facts: Facts,
    receipt: ReceiptRecord,
    payer: PayerFacts | null,
): Promise<BankCheckResult> {
    const checked = await loadBankCheckFacts(ctx, facts, {
        payeePartyId: receipt.payeePartyId,
        tradeNos: receipt.allocations.map((a) => a.tradeNo),
        valueDate: receipt.valueDate,
        receiptId: receipt.receiptId,
        bankMspId: receipt.bankMspId,
    });
    return withEvidence(facts, runBankCheck(receiptUnderCheck(receipt, payer), checked), receipt.payeePartyId);
}

/** Adds the records the verdict relied on (payee, trades, declarations), each with its last change's txId. */
async function withEvidence(
    facts: Facts,
    result: BankCheckResult,
    payeePartyId: string,
): Promise<BankCheckResult & { records: RecordEvidence[] }> {
    return { ...result, records: await bankCheckEvidence(facts, payeePartyId, result.reliedOn) };
}

async function checkProposed(
    ctx: Context,
    actor: Actor,
    proposal: Parsed<typeof PROPOSED_RECEIPT>,
): Promise<BankCheckResult> {
    assertDistinctTrades(proposal.allocations);
    const bankMspId = actor.role === 'bank' ? actor.caller.mspId : null;
    const receiptId =
        proposal.receiptRef === undefined || bankMspId === null ? null : receiptIdOf(bankMspId, proposal.receiptRef);
    const facts = new Facts(ctx);
    const checked = await loadBankCheckFacts(ctx, facts, {
        payeePartyId: proposal.payeePartyId,
        tradeNos: proposal.allocations.map((a) => a.tradeNo),
        valueDate: proposal.valueDate,
        receiptId,
        bankMspId,
    });
    const receipt: ReceiptUnderCheck = {
        receiptRef: receiptId,
        payeePartyId: proposal.payeePartyId,
        amountMinor: proposal.amountMinor,
        currency: proposal.currency,
        valueDate: proposal.valueDate,
        usdEquivalentMinor: usdEquivalent(proposal.amountMinor, proposal.currency, proposal.usdRate),
        allocations: proposal.allocations.map((a) => ({
            tradeNo: a.tradeNo,
            amountMinor: a.amountMinor,
            rate: a.rate ?? null,
            lineId: a.lineId,
        })),
        payer: payerFacts(parsePayer(ctx)),
    };
    return withEvidence(facts, runBankCheck(receipt, checked), proposal.payeePartyId);
}

// Contract ---------------------------------------------------------------------------------------------------

@Info({
    title: 'ReceiptContract',
    description: 'Foreign-exchange receipts, their allocation to trades and bank checks',
})
export class ReceiptContract extends Contract {
    constructor() {
        super('ReceiptContract');
    }

    /**
     * Files a receipt for the calling bank, optionally with its allocations (Σ ≤ amount; = amount makes it
     * PENDING_EXPORT or ALLOCATED). Transient `payer` (personal data) goes to the bank's implicit collection; the
     * channel keeps its salted hash.
     */
    @Transaction()
    async FileReceipt(ctx: Context, receiptJson: string): Promise<string> {
        const input = parseJson(receiptJson, FILE_RECEIPT, 'receipt');
        const payer = parsePayer(ctx);
        assertDistinctTrades(input.allocations);
        const actor = await authorize(ctx, 'ReceiptContract.FileReceipt');
        const bankMspId = actor.caller.mspId;
        const key = receiptKey(ctx, bankMspId, input.receiptRef);
        if (await exists(ctx, key)) {
            throw conflict(`receipt ${input.receiptRef} of ${bankMspId} is already filed`);
        }
        const future = futureDate('receipt.valueDate', input.valueDate, txBusinessDate(ctx));
        if (future !== null) throw future;
        const usdEquivalentMinor = usdEquivalent(input.amountMinor, input.currency, input.usdRate);
        if (input.usdRate !== undefined) {
            assertDealingRate(await customsRatesOf(ctx, input.valueDate), {
                from: input.currency,
                to: 'USD',
                rate: input.usdRate,
                month: monthOf(input.valueDate),
                what: 'receipt.usdRate',
            });
        }
        await this.#assertPayee(ctx, input.payeePartyId);
        const head = { ...input, receiptId: receiptIdOf(bankMspId, input.receiptRef), bankMspId };
        const allocated = await allocateAll(ctx, head, input.allocations, actor.signature);
        const receipt: ReceiptRecord = {
            docType: 'receipt',
            receiptId: head.receiptId,
            receiptRef: input.receiptRef,
            bankMspId,
            bankPartyId: actor.partyId ?? '',
            payeePartyId: input.payeePartyId,
            amountMinor: input.amountMinor,
            currency: input.currency,
            valueDate: input.valueDate,
            channel: input.channel,
            declaredPurpose: input.declaredPurpose,
            usdRate: input.usdRate ?? null,
            usdEquivalentMinor,
            payerHash: payer === null ? null : payerDigest(payer),
            allocations: allocated.entries,
            ...(await allocationState(new Facts(ctx), input.amountMinor, allocated.entries)),
            flags: allocated.flags,
            filedBy: actor.signature,
            updatedBy: actor.signature,
        };
        await putNewReceipt(ctx, receipt, allocated.records, payer === null ? null : payerRecord(receipt, payer));
        emit(ctx, 'ReceiptFiled', {
            receiptId: receipt.receiptId,
            payeePartyId: receipt.payeePartyId,
            status: receipt.status,
            tradeNos: receipt.allocations.map((a) => a.tradeNo),
            flags: receipt.flags,
        });
        return jsonResult(receipt);
    }

    /** Adds allocations to a RECEIVED receipt of the calling bank; V24/V25/V31 as in FileReceipt. */
    @Transaction()
    async AllocateReceipt(ctx: Context, receiptId: string, allocationsJson: string): Promise<string> {
        const inputs = parseJson(allocationsJson, arrayOf(ALLOCATION, { min: 1, max: 50 }), 'allocations');
        const actor = await authorize(ctx, 'ReceiptContract.AllocateReceipt');
        const receipt = await loadOwnReceipt(ctx, actor, receiptId);
        if (receipt.status !== 'RECEIVED') {
            throw precondition(`receipt ${receiptId} is ${receipt.status}; only a RECEIVED receipt takes allocations`);
        }
        assertDistinctTrades(
            inputs,
            receipt.allocations.map((a) => a.tradeNo),
        );
        const allocated = await allocateAll(ctx, receipt, inputs, actor.signature);
        const entries = [...receipt.allocations, ...allocated.entries];
        const next: ReceiptRecord = {
            ...receipt,
            allocations: entries,
            ...(await allocationState(new Facts(ctx), receipt.amountMinor, entries)),
            flags: [...receipt.flags, ...allocated.flags],
            updatedBy: actor.signature,
        };
        await putReceipt(ctx, next);
        await putAllocations(ctx, allocated.records, receipt.bankMspId);
        emit(ctx, 'ReceiptAllocated', {
            receiptId,
            status: next.status,
            tradeNos: allocated.entries.map((a) => a.tradeNo),
            flags: allocated.flags,
        });
        return jsonResult(next);
    }

    /**
     * Runs BK-01..BK-09 for the calling bank's receipt and records the outcome on the channel. PASS makes it VERIFIED;
     * otherwise the status follows the allocations (a prepayment moves from PENDING_EXPORT to ALLOCATED once every
     * trade is exported). Transient `payer` (same details and salt as filed) lets BK-05 run.
     */
    @Transaction()
    async VerifyReceipt(ctx: Context, receiptId: string): Promise<string> {
        const payer = parsePayer(ctx);
        const actor = await authorize(ctx, 'ReceiptContract.VerifyReceipt');
        const receipt = await loadOwnReceipt(ctx, actor, receiptId);
        if (receipt.status === 'SETTLED' || receipt.status === 'CREDITED') {
            throw precondition(`receipt ${receiptId} is already ${receipt.status}`);
        }
        if (payer !== null && payerDigest(payer) !== receipt.payerHash) {
            throw invalid('transient payer does not match the payer details filed with the receipt');
        }
        const facts = new Facts(ctx);
        const result = await checkFiled(ctx, facts, receipt, payerFacts(payer));
        const state = await allocationState(facts, receipt.amountMinor, receipt.allocations);
        const next: ReceiptRecord = {
            ...receipt,
            status: result.verdict === 'PASS' ? 'VERIFIED' : state.status,
            verification: verificationSummary(result, actor.signature),
            updatedBy: actor.signature,
        };
        await putReceipt(ctx, next);
        emit(ctx, 'ReceiptVerified', { receiptId, verdict: result.verdict, status: next.status });
        return jsonResult({ receipt: next, check: result });
    }

    /**
     * Closes a receipt as SETTLED (converted to RMB) or CREDITED (kept in FX). Needs VERIFIED, or ALLOCATED with a
     * REFER verdict and the bank's `reviewNote` (a person reviewed the referral). A FAIL verdict never settles.
     */
    @Transaction()
    async SettleReceipt(ctx: Context, receiptId: string, settlementJson: string): Promise<string> {
        const input = parseJson(settlementJson, SETTLEMENT, 'settlement');
        const actor = await authorize(ctx, 'ReceiptContract.SettleReceipt');
        const receipt = await loadOwnReceipt(ctx, actor, receiptId);
        const referredAndReviewed =
            receipt.status === 'ALLOCATED' &&
            receipt.verification?.verdict === 'REFER' &&
            input.reviewNote !== undefined;
        if (receipt.status !== 'VERIFIED' && !referredAndReviewed) {
            throw precondition(
                `receipt ${receiptId} is ${receipt.status} (last verdict ${receipt.verification?.verdict ?? 'none'}); ` +
                    'it settles when VERIFIED, or ALLOCATED with a REFER verdict and a reviewNote',
            );
        }
        const next: ReceiptRecord = {
            ...receipt,
            status: input.outcome,
            settlementNote: input.reviewNote,
            updatedBy: actor.signature,
        };
        await putReceipt(ctx, next);
        emit(ctx, 'ReceiptSettled', { receiptId, status: next.status });
        return jsonResult(next);
    }

    /**
     * Voids one allocation of the calling bank's receipt (see rules/allocation-void.ts): the amount is unallocated
     * again, the trade's remaining value (V25, BK-04) grows back, the recorded verdict is dropped (check again).
     */
    @Transaction()
    async VoidAllocation(ctx: Context, receiptId: string, tradeNo: string, reason: string): Promise<string> {
        const trade = parseArg(tradeNo, ID, 'tradeNo');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'ReceiptContract.VoidAllocation');
        const receipt = await loadOwnReceipt(ctx, actor, receiptId);
        const key = allocationKey(ctx, trade, receipt.bankMspId, receipt.receiptRef);
        const record = await getRecord<AllocationRecord>(ctx, key, 'allocation');
        const voided = voidAllocation(receipt, record, trade, { reason: why, by: actor.signature });
        const next: ReceiptRecord = {
            ...voided.receipt,
            ...(await allocationState(new Facts(ctx), receipt.amountMinor, voided.receipt.allocations)),
            amendments: (receipt.amendments ?? 0) + 1,
            correction: { reason: why, by: actor.signature },
            updatedBy: actor.signature,
        };
        await putReceipt(ctx, next);
        await putAllocations(ctx, [voided.record], receipt.bankMspId);
        emit(ctx, 'AllocationVoided', {
            receiptId: receipt.receiptId,
            tradeNo: trade,
            status: next.status,
            unallocatedMinor: next.unallocatedMinor,
            amendments: next.amendments ?? 1,
            reason: why,
        });
        return jsonResult(next);
    }

    /** Every committed version of a receipt (allocations, voids, verdicts, settlement), for whoever may read it. */
    @Transaction(false)
    async GetReceiptHistory(ctx: Context, receiptId: string): Promise<string> {
        const actor = await authorize(ctx, 'ReceiptContract.GetReceiptHistory');
        const receipt = await loadVisibleReceipt(ctx, actor, receiptId);
        const history = await historyOf(ctx, receiptKey(ctx, receipt.bankMspId, receipt.receiptRef));
        return jsonResult({ receiptId: receipt.receiptId, history });
    }

    @Transaction(false)
    async GetReceipt(ctx: Context, receiptId: string): Promise<string> {
        const actor = await authorize(ctx, 'ReceiptContract.GetReceipt');
        return jsonResult(await loadVisibleReceipt(ctx, actor, receiptId));
    }

    /** The payer details the filing bank keeps in its implicit collection (evaluate on that bank's own peer). */
    @Transaction(false)
    async GetReceiptPayer(ctx: Context, receiptId: string): Promise<string> {
        const actor = await authorize(ctx, 'ReceiptContract.GetReceiptPayer');
        const receipt = await loadVisibleReceipt(ctx, actor, receiptId);
        const payer = await getPrivateRecord<PayerPrivate>(
            ctx,
            implicitCollection(receipt.bankMspId),
            receipt.receiptId,
            'receiptPayer',
        );
        if (payer === undefined) throw notFound(`receipt ${receiptId} has no payer details on this peer`);
        return jsonResult(payer);
    }

    /** Allocations to a trade, one per receipt; a bank sees only its own. */
    @Transaction(false)
    async ListReceiptsByTrade(ctx: Context, tradeNo: string, pageSize: string, bookmark: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const size = parsePageSize(pageSize);
        const actor = await authorize(ctx, 'ReceiptContract.ListReceiptsByTrade');
        if (actor.role === 'vendor' || actor.role === 'agent') {
            const trade = await findTrade(ctx, id);
            if (trade === undefined) throw notFound(`trade ${id} does not exist`);
            // someone else's trade answers like a missing one: the list must not tell which tradeNos exist
            assertSees(actor, { vendor: trade.vendorId, agent: trade.agentId }, `trade ${id}`);
        }
        const prefix = actor.role === 'bank' ? [id, actor.caller.mspId] : [id];
        const list = LISTS['ReceiptContract.ListReceiptsByTrade'];
        const page = await listPage(ctx, actor, list, prefix, size, bookmark, (entry) =>
            recordOf<AllocationRecord>(entry, 'allocation'),
        );
        return jsonResult(page);
    }

    /** Receipts paid to a party, by year; a bank sees only its own (a page may then hold fewer items). */
    @Transaction(false)
    async ListReceiptsByPayee(ctx: Context, payeePartyId: string, pageSize: string, bookmark: string): Promise<string> {
        const payee = parseArg(payeePartyId, ID, 'payeePartyId');
        const size = parsePageSize(pageSize);
        const actor = await authorize(ctx, 'ReceiptContract.ListReceiptsByPayee');
        assertOwns(actor, { vendor: payee, agent: payee, bank: actor.partyId ?? '' }, `receipts of ${payee}`);
        const list = LISTS['ReceiptContract.ListReceiptsByPayee'];
        const range = actor.role === 'bank' ? [payee, actor.caller.mspId] : [payee];
        const page = await listPage(ctx, actor, list, range, size, bookmark, async (entry) => {
            const index = recordOf<ReceiptByPayee>(entry, 'receiptByPayee');
            const receipt = await loadReceipt(ctx, index.receiptId);
            return actor.role !== 'bank' || receipt.bankMspId === actor.caller.mspId ? receipt : undefined;
        });
        return jsonResult(page);
    }

    /**
     * Read-only bank check (BK-01..BK-09). `requestJson` is `{"receiptId": "..."}` for a filed receipt or
     * `{"receipt": {...}}` for a proposed one (transient `payer` optional). Records nothing.
     */
    @Transaction(false)
    async CheckReceipt(ctx: Context, requestJson: string): Promise<string> {
        const request = parseJson(requestJson, CHECK_REQUEST, 'request');
        if ((request.receiptId === undefined) === (request.receipt === undefined)) {
            throw invalid('request must hold exactly one of receiptId or receipt');
        }
        const actor = await authorize(ctx, 'ReceiptContract.CheckReceipt');
        if (request.receipt !== undefined) return jsonResult(await checkProposed(ctx, actor, request.receipt));
        const receiptId = request.receiptId ?? '';
        assertFilingBank(actor, parseReceiptId(receiptId).bankMspId);
        const receipt = await loadReceipt(ctx, receiptId);
        assertFilingBank(actor, receipt.bankMspId, receipt);
        const payer = await storedPayer(ctx, actor.caller.mspId, receipt);
        return jsonResult(await checkFiled(ctx, new Facts(ctx), receipt, payer));
    }

    /**
     * How much of a trade has been paid: amounts and counts only, never which bank (CU-08, and what a second bank
     * sees before accepting a receipt on the same trade). A bank also sees its own share.
     */
    @Transaction(false)
    async GetTradeSettlement(ctx: Context, tradeNo: string): Promise<string> {
        const actor = await authorize(ctx, 'ReceiptContract.GetTradeSettlement');
        const trade = await findTrade(ctx, tradeNo);
        if (trade === undefined) throw notFound(`trade ${tradeNo} does not exist`);
        assertSees(actor, { vendor: trade.vendorId, agent: trade.agentId }, `trade ${tradeNo}`);
        const allocations = await allocationsOfTrade(ctx, tradeNo);
        const summary = summariseTrade(
            { amountMinor: trade.totalAmount, currency: trade.currency },
            allocations.map((a) => a.tradeAmountMinor),
        );
        const exported = isExported(trade.status);
        const own = actor.role === 'bank' ? allocations.filter((a) => a.bankMspId === actor.caller.mspId) : [];
        const shares = await sharesOfTrade(ctx, tradeNo);
        return jsonResult({
            tradeNo,
            ...summary,
            exported,
            settlementStatus: tradeSettlementStatus(summary, exported),
            bankCount: new Set(allocations.map((a) => a.bankMspId)).size,
            // V33/V34: financings next to receipts, as a total and counts; a bank also sees its own open share
            ...financingView(shares),
            ...(actor.role === 'bank'
                ? {
                      ownAllocatedMinor: own.reduce((sum, a) => sum + a.tradeAmountMinor, 0),
                      otherBanksCount: new Set(
                          allocations.map((a) => a.bankMspId).filter((m) => m !== actor.caller.mspId),
                      ).size,
                      ownFinancedMinor: shares
                          .filter((s) => s.status === 'OPEN' && s.bankMspId === actor.caller.mspId)
                          .reduce((sum, s) => sum + s.amountMinor, 0),
                  }
                : {}),
        });
    }

    async #assertPayee(ctx: Context, payeePartyId: string): Promise<void> {
        const payee = await findParty(ctx, payeePartyId);
        if (payee === undefined) throw notFound(`payee party ${payeePartyId} does not exist`);
        if (payee.type !== 'MERCHANT' && payee.type !== 'AGENT') {
            throw precondition(`payee ${payeePartyId} is a ${payee.type}; proceeds go to a vendor or an agent`);
        }
        if (payee.status !== 'ACTIVE') {
            throw ruleViolation(
                'V20',
                `payee ${payeePartyId} is ${payee.status}; only an ACTIVE filed party receives proceeds`,
            );
        }
    }
}
