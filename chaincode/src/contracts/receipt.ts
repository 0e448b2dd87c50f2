import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize, type Actor } from '../lib/auth';
import { canonicalJson, jsonResult } from '../lib/canonical';
import { conflict, forbidden, invalid, notFound, precondition, ruleViolation } from '../lib/errors';
import { businessDateOf, txBusinessDate } from '../lib/identity';
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
} from '../lib/validate';
import {
    convertMinor,
    evaluateAllocation,
    receiptAllocationStatus,
    summariseReceipt,
    summariseTrade,
    tradeSettlementStatus,
} from '../rules/allocation';
import {
    EXPORTED_STATES,
    expectedPayee,
    runBankCheck,
    type BankCheckResult,
    type PayerFacts,
    type ReceiptUnderCheck,
} from '../rules/bank-check';
import { futureDate } from '../rules/dates';
import { RecordType, RECEIPT_CHANNELS } from '../vocabulary';
import {
    type Trade,
    receiptIdOf,
    type AllocationRecord,
    type PayerPrivate,
    type ReceiptAllocationEntry,
    type ReceiptByPayee,
    type ReceiptRecord,
    type VerificationSummary,
    type Signature,
} from '../model/records';
import { raise } from '../store/risk-flags';
import { findParty, findTrade, allocationsOfTrade, parseReceiptId, loadReceipt } from '../store/loaders';
import { allocationKey, implicitCollection, receiptByPayeeBankKey, receiptByPayeeKey, receiptKey } from '../model/keys';
import { putOwnedRecord, exists } from '../store/records';
import { emit } from '../store/events';
import { saltedHash } from '../lib/hash';
import { transientText, getPrivateRecord, putPrivate } from '../store/private';
import { recordOf } from '../store/scan';
import { loadEvidence, type RecordEvidence } from '../facts/evidence';
import { loadBankCheckFacts } from '../facts/bank-check';

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
const ALLOCATION = object({ tradeNo: ID, amountMinor: AMOUNT, rate: optional(RATE) });
type Parsed<P> = P extends Parser<infer T> ? T : never;
type AllocationInput = Parsed<typeof ALLOCATION>;

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
const PAGE_SIZE_ARG = /^[1-9][0-9]{0,2}$/;

function parsePayer(ctx: Context): PayerInput | null {
    const raw = transientText(ctx, 'payer');
    return raw === undefined ? null : parseJson(raw, PAYER, 'transient payer');
}

function payerDigest(payer: PayerInput): string {
    const { salt, ...details } = payer;
    return saltedHash(salt, canonicalJson(details));
}

function parsePageSize(raw: string): number {
    if (!PAGE_SIZE_ARG.test(raw) || Number(raw) > 500) throw invalid('pageSize must be an integer between 1 and 500');
    return Number(raw);
}

function assertDistinctTrades(allocations: readonly { tradeNo: string }[], already: readonly string[] = []): void {
    const seen = new Set(already);
    for (const { tradeNo } of allocations) {
        if (seen.has(tradeNo)) throw invalid(`trade ${tradeNo} appears twice in the allocations of one receipt`);
        seen.add(tradeNo);
    }
}

/** USD cents at the recorded rate; USD receipts need no rate, other currencies without one stay unknown. */
function usdEquivalent(amountMinor: number, currency: string, usdRate: string | undefined): number | null {
    if (currency === 'USD') {
        if (usdRate !== undefined) throw invalid('usdRate must be omitted for a USD receipt');
        return amountMinor;
    }
    return usdRate === undefined ? null : convertMinor(amountMinor, currency, 'USD', usdRate);
}

// Allocation -------------------------------------------------------------------------------------------------

interface Allocated {
    readonly entries: ReceiptAllocationEntry[];
    readonly records: AllocationRecord[];
    readonly flags: string[];
}

interface ReceiptHead {
    readonly receiptId: string;
    readonly receiptRef: string;
    readonly bankMspId: string;
    readonly payeePartyId: string;
    readonly currency: string;
    readonly valueDate: string;
}

async function loadAllocatableTrade(ctx: Context, tradeNo: string, payeePartyId: string): Promise<Trade> {
    const trade = await findTrade(ctx, tradeNo);
    if (trade === undefined) throw notFound(`trade ${tradeNo} does not exist`);
    if (trade.status === 'CANCELLED') throw precondition(`trade ${tradeNo} is CANCELLED`);
    const expected = expectedPayee({
        agencyReceipt: trade.agencyReceipt,
        agentId: trade.agentId,
        merchantId: trade.vendorId,
    });
    if (expected !== payeePartyId) {
        const who = trade.agencyReceipt ? 'its agent' : 'its vendor';
        throw ruleViolation('V24', `trade ${tradeNo} must be paid to ${who} ${expected ?? '?'}, not ${payeePartyId}`);
    }
    return trade;
}

/** Raises F2 (trade paid beyond its value by more than one receipt) and F9 (money before the trade) signals. */
async function raiseSignals(
    ctx: Context,
    head: ReceiptHead,
    trade: Trade,
    existing: readonly AllocationRecord[],
    afterMinor: number,
    by: Signature,
): Promise<string[]> {
    const raised: string[] = [];
    if (afterMinor > trade.totalAmount && existing.length > 0) {
        const banks = new Set([...existing.map((a) => a.bankMspId), head.bankMspId]);
        const evidence = { valueMinor: trade.totalAmount, currency: trade.currency, allocatedMinor: afterMinor };
        const flag = await raise(
            ctx,
            {
                subjectType: 'trade',
                subjectId: trade.tradeNo,
                ruleId: 'F2',
                severity: banks.size > 1 ? 'HIGH' : 'MEDIUM',
                evidence: { ...evidence, receiptCount: existing.length + 1, bankCount: banks.size },
            },
            by,
        );
        if (flag !== null) raised.push(flag.flagId);
    }
    const registeredOn = businessDateOf(trade.registeredBy.at);
    if (head.valueDate < registeredOn) {
        const flag = await raise(
            ctx,
            {
                subjectType: 'receipt',
                subjectId: head.receiptId,
                ruleId: 'F9',
                severity: 'MEDIUM',
                evidence: { tradeNo: trade.tradeNo, valueDate: head.valueDate, tradeRegisteredOn: registeredOn },
            },
            by,
        );
        if (flag !== null) raised.push(flag.flagId);
    }
    return raised;
}

async function allocateOne(ctx: Context, head: ReceiptHead, input: AllocationInput, by: Signature): Promise<Allocated> {
    const trade = await loadAllocatableTrade(ctx, input.tradeNo, head.payeePartyId);
    const existing = await allocationsOfTrade(ctx, input.tradeNo);
    const rate = input.rate ?? null;
    const decision = evaluateAllocation(
        { amountMinor: trade.totalAmount, currency: trade.currency },
        existing.map((a) => a.tradeAmountMinor),
        { amountMinor: input.amountMinor, currency: head.currency, rate },
    );
    if (!decision.accepted) throw ruleViolation('V25', `trade ${input.tradeNo}: ${decision.message}`);
    const entry: ReceiptAllocationEntry = {
        tradeNo: input.tradeNo,
        amountMinor: input.amountMinor,
        rate,
        tradeAmountMinor: decision.tradeAmountMinor,
        tradeCurrency: trade.currency,
        allocatedAt: by.at,
    };
    const record: AllocationRecord = {
        docType: 'allocation',
        tradeNo: input.tradeNo,
        receiptId: head.receiptId,
        bankMspId: head.bankMspId,
        receiptAmountMinor: input.amountMinor,
        receiptCurrency: head.currency,
        rate,
        tradeAmountMinor: decision.tradeAmountMinor,
        tradeCurrency: trade.currency,
        valueDate: head.valueDate,
        allocatedBy: by,
    };
    const flags = await raiseSignals(ctx, head, trade, existing, decision.after.allocatedMinor, by);
    return { entries: [entry], records: [record], flags };
}

async function allocateAll(
    ctx: Context,
    head: ReceiptHead,
    inputs: readonly AllocationInput[],
    by: Signature,
): Promise<Allocated> {
    const out: Allocated = { entries: [], records: [], flags: [] };
    for (const input of inputs) {
        const one = await allocateOne(ctx, head, input, by);
        out.entries.push(...one.entries);
        out.records.push(...one.records);
        out.flags.push(...one.flags);
    }
    return out;
}

async function allExported(ctx: Context, tradeNos: readonly string[]): Promise<boolean> {
    for (const tradeNo of tradeNos) {
        const trade = await findTrade(ctx, tradeNo);
        if (trade === undefined || !EXPORTED_STATES.has(trade.status)) return false;
    }
    return true;
}

/** Totals and allocation status of a receipt after adding allocations (V25: never above the amount). */
async function allocationState(
    ctx: Context,
    amountMinor: number,
    entries: readonly ReceiptAllocationEntry[],
): Promise<Pick<ReceiptRecord, 'allocatedMinor' | 'unallocatedMinor' | 'status'>> {
    const summary = summariseReceipt(
        amountMinor,
        entries.map((e) => e.amountMinor),
    );
    if (summary === null) {
        throw ruleViolation('V25', `allocations exceed the receipt amount of ${amountMinor} minor units`);
    }
    const exported = await allExported(
        ctx,
        entries.map((e) => e.tradeNo),
    );
    return {
        allocatedMinor: summary.allocatedMinor,
        unallocatedMinor: summary.unallocatedMinor,
        status: receiptAllocationStatus(summary, exported),
    };
}

async function writeAllocations(ctx: Context, records: readonly AllocationRecord[], bankMspId: string): Promise<void> {
    for (const record of records) {
        const { receiptRef } = parseReceiptId(record.receiptId);
        await putOwnedRecord(ctx, allocationKey(ctx, record.tradeNo, bankMspId, receiptRef), record, bankMspId);
    }
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

async function putReceipt(ctx: Context, receipt: ReceiptRecord): Promise<void> {
    await putOwnedRecord(ctx, receiptKey(ctx, receipt.bankMspId, receipt.receiptRef), receipt, receipt.bankMspId);
}

// Bank check -------------------------------------------------------------------------------------------------

function underCheck(receipt: ReceiptRecord, payer: PayerFacts | null): ReceiptUnderCheck {
    return {
        receiptRef: receipt.receiptId,
        payeePartyId: receipt.payeePartyId,
        amountMinor: receipt.amountMinor,
        currency: receipt.currency,
        valueDate: receipt.valueDate,
        usdEquivalentMinor: receipt.usdEquivalentMinor,
        allocations: receipt.allocations.map((a) => ({ tradeNo: a.tradeNo, amountMinor: a.amountMinor, rate: a.rate })),
        payer,
    };
}

function payerFacts(payer: { name: string; country: string; thirdPartyReason?: string } | null): PayerFacts | null {
    return payer === null
        ? null
        : { name: payer.name, country: payer.country, thirdPartyReason: payer.thirdPartyReason ?? null };
}

async function checkFiled(ctx: Context, receipt: ReceiptRecord, payer: PayerFacts | null): Promise<BankCheckResult> {
    const facts = await loadBankCheckFacts(ctx, {
        payeePartyId: receipt.payeePartyId,
        tradeNos: receipt.allocations.map((a) => a.tradeNo),
        valueDate: receipt.valueDate,
        receiptId: receipt.receiptId,
        bankMspId: receipt.bankMspId,
    });
    return withEvidence(ctx, runBankCheck(underCheck(receipt, payer), facts), receipt.payeePartyId);
}

/** Adds the records the verdict relied on (payee, trades, declarations), each with its last change's txId. */
async function withEvidence(
    ctx: Context,
    result: BankCheckResult,
    payeePartyId: string,
): Promise<BankCheckResult & { records: RecordEvidence[] }> {
    const records = await loadEvidence(ctx, [
        [RecordType.party, payeePartyId],
        ...result.reliedOn.tradeNos.map((id) => [RecordType.trade, id] as const),
        ...result.reliedOn.declNos.map((id) => [RecordType.declaration, id] as const),
    ]);
    return { ...result, records };
}

/**
 * The filing bank's own peer holds the payer details; another caller, or another org's peer (which holds nothing
 * under the key), gets none and BK-05 refers. A stored value that is not a payer record is an error, not a missing payer.
 */
async function storedPayer(ctx: Context, actor: Actor, receipt: ReceiptRecord): Promise<PayerFacts | null> {
    if (actor.caller.mspId !== receipt.bankMspId) return null;
    const payer = await getPrivateRecord<PayerPrivate>(
        ctx,
        implicitCollection(receipt.bankMspId),
        receipt.receiptId,
        'receiptPayer',
    );
    return payer === undefined ? null : payerFacts(payer);
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
    const facts = await loadBankCheckFacts(ctx, {
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
        })),
        payer: payerFacts(parsePayer(ctx)),
    };
    return withEvidence(ctx, runBankCheck(receipt, facts), proposal.payeePartyId);
}

function summaryOf(result: BankCheckResult, by: Signature): VerificationSummary {
    return {
        verdict: result.verdict,
        checks: result.checks.map((c) => ({ id: c.id, outcome: c.outcome, reason: c.reason })),
        tradeNos: result.reliedOn.tradeNos,
        declNos: result.reliedOn.declNos,
        by,
    };
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
        await this.#assertPayee(ctx, input.payeePartyId);
        const head: ReceiptHead = { ...input, receiptId: receiptIdOf(bankMspId, input.receiptRef), bankMspId };
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
            ...(await allocationState(ctx, input.amountMinor, allocated.entries)),
            flags: allocated.flags,
            filedBy: actor.signature,
            updatedBy: actor.signature,
        };
        await this.#writeNew(ctx, receipt, allocated.records, payer);
        emit(ctx, 'ReceiptFiled', {
            receiptId: receipt.receiptId,
            payeePartyId: receipt.payeePartyId,
            status: receipt.status,
            tradeNos: receipt.allocations.map((a) => a.tradeNo),
            flags: receipt.flags,
        });
        return jsonResult(receipt);
    }

    /** Adds allocations to a RECEIVED receipt of the calling bank; V24/V25 as in FileReceipt. */
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
            ...(await allocationState(ctx, receipt.amountMinor, entries)),
            flags: [...receipt.flags, ...allocated.flags],
            updatedBy: actor.signature,
        };
        await putReceipt(ctx, next);
        await writeAllocations(ctx, allocated.records, receipt.bankMspId);
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
        const result = await checkFiled(ctx, receipt, payerFacts(payer));
        const state = await allocationState(ctx, receipt.amountMinor, receipt.allocations);
        const next: ReceiptRecord = {
            ...receipt,
            status: result.verdict === 'PASS' ? 'VERIFIED' : state.status,
            verification: summaryOf(result, actor.signature),
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
        return jsonResult(await checkFiled(ctx, receipt, await storedPayer(ctx, actor, receipt)));
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
        const exported = EXPORTED_STATES.has(trade.status);
        const own = actor.role === 'bank' ? allocations.filter((a) => a.bankMspId === actor.caller.mspId) : [];
        return jsonResult({
            tradeNo,
            ...summary,
            exported,
            settlementStatus: tradeSettlementStatus(summary, exported),
            bankCount: new Set(allocations.map((a) => a.bankMspId)).size,
            ...(actor.role === 'bank'
                ? {
                      ownAllocatedMinor: own.reduce((sum, a) => sum + a.tradeAmountMinor, 0),
                      otherBanksCount: new Set(
                          allocations.map((a) => a.bankMspId).filter((m) => m !== actor.caller.mspId),
                      ).size,
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

    async #writeNew(
        ctx: Context,
        receipt: ReceiptRecord,
        records: readonly AllocationRecord[],
        payer: PayerInput | null,
    ): Promise<void> {
        await putReceipt(ctx, receipt);
        await writeAllocations(ctx, records, receipt.bankMspId);
        const index: ReceiptByPayee = {
            docType: 'receiptByPayee',
            receiptId: receipt.receiptId,
            usdEquivalentMinor: receipt.usdEquivalentMinor,
        };
        const indexKey = receiptByPayeeKey(
            ctx,
            receipt.payeePartyId,
            receipt.valueDate.slice(0, 4),
            receipt.bankMspId,
            receipt.receiptRef,
        );
        await putOwnedRecord(ctx, indexKey, index, receipt.bankMspId);
        const bankIndexKey = receiptByPayeeBankKey(
            ctx,
            receipt.payeePartyId,
            receipt.bankMspId,
            receipt.valueDate.slice(0, 4),
            receipt.receiptRef,
        );
        await putOwnedRecord(ctx, bankIndexKey, index, receipt.bankMspId);
        if (payer !== null) {
            const { salt, ...details } = payer;
            const stored: PayerPrivate = { docType: 'receiptPayer', receiptId: receipt.receiptId, salt, ...details };
            await putPrivate(ctx, implicitCollection(receipt.bankMspId), receipt.receiptId, stored);
        }
    }
}
