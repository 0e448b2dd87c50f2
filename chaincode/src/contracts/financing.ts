import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, authorize, type Actor } from '../lib/auth';
import { canonicalJson, jsonResult } from '../lib/canonical';
import { conflict, forbidden, invalid, notFound, precondition, ruleViolation } from '../lib/errors';
import { saltedHash } from '../lib/hash';
import { LISTS, listPage } from '../lib/lists';
import {
    DATE,
    DECL_NO,
    ID,
    REASON,
    arrayOf,
    int,
    object,
    oneOf,
    optional,
    parseArg,
    parseJson,
    parsePageSize,
    str,
    text,
    type Parser,
} from '../lib/validate';
import { financingKey } from '../model/keys';
import {
    type FinancedItem,
    type FinancedShare,
    type FinancingRecord,
    type FinancingTermsPrivate,
    type Trade,
} from '../model/records';
import { assertFinanceable, assertWithinFinanceable, openFinancedMinor } from '../rules/financing';
import { assertDistinctTrades } from '../rules/receipt-allocation';
import { recordPartiesSeen } from '../store/bank-sight';
import { emit } from '../store/events';
import { loadFinancing, parseFinancingId, putFinancing, putFinancingTerms, sharesOfTrade } from '../store/financings';
import { allocationsOfTrade, findParty, loadDeclaration, loadReceipt, loadTrade } from '../store/loaders';
import { transientText } from '../store/private';
import { exists } from '../store/records';
import { recordOf } from '../store/scan';

/**
 * Financing against exported, filed market-procurement income (V33; F2 一单多融).
 *
 * A bank finances trades (or every trade of an exited declaration) up to what they have left: value less receipts
 * already paid less every bank's OPEN financings. Each financed trade gets one share key per financing, owned by the
 * financing bank; the cross-bank total is the sum of a trade's share keys read by partial-key range, so a second
 * bank's financing of the same value reads the first one's key and is refused (and two concurrent ones conflict on
 * the range). The financing terms are the bank's secret (implicit collection, salted hash on the channel); other
 * banks see a trade's financings only as a total and counts (GetTradeSettlement, BK-10).
 */

type Parsed<P> = P extends Parser<infer T> ? T : never;

const ITEM = object({ tradeNo: ID, amountMinor: int({ min: 1 }) });
const FINANCE = object({
    financingRef: ID,
    borrowerPartyId: ID,
    declNo: optional(DECL_NO),
    items: optional(arrayOf(ITEM, { min: 1, max: 50 })),
});
const TERMS = object({
    salt: str({ min: 16, max: 128 }),
    loanAccount: optional(text(64)),
    contractRef: optional(text(64)),
    annualRateBps: optional(int({ min: 0, max: 100_000 })),
    dueDate: optional(DATE),
});
const CLOSE = object({
    outcome: oneOf(['REPAID', 'SETTLED'] as const),
    receiptId: optional(str({ max: 200 })),
    note: optional(REASON),
});
type TermsInput = Parsed<typeof TERMS>;

function parseTerms(ctx: Context): TermsInput | null {
    const raw = transientText(ctx, 'terms');
    return raw === undefined ? null : parseJson(raw, TERMS, 'transient terms');
}

function termsDigest(terms: TermsInput): string {
    const { salt, ...details } = terms;
    return saltedHash(salt, canonicalJson(details));
}

/** A bank acts on and reads only financings its own MSP and bank party made; others answer as missing. */
function assertFinancingBank(actor: Actor, financing: FinancingRecord): void {
    if (actor.role !== 'bank') return;
    if (actor.caller.mspId !== financing.bankMspId || actor.partyId !== financing.bankPartyId) {
        throw notFound(`financing ${financing.financingId} does not exist`);
    }
}

async function loadOwnFinancing(ctx: Context, actor: Actor, financingId: string): Promise<FinancingRecord> {
    const { bankMspId } = parseFinancingId(financingId);
    if (actor.role === 'bank' && actor.caller.mspId !== bankMspId) {
        throw notFound(`financing ${financingId} does not exist`);
    }
    const financing = await loadFinancing(ctx, financingId);
    assertFinancingBank(actor, financing);
    return financing;
}

/** What the trade has left to finance, checked against the amount asked (V33). */
async function financedItem(ctx: Context, trade: Trade, amountMinor: number | null): Promise<FinancedItem> {
    const allocated = (await allocationsOfTrade(ctx, trade.tradeNo)).reduce((sum, a) => sum + a.tradeAmountMinor, 0);
    const use = {
        valueMinor: trade.totalAmount,
        allocatedMinor: allocated,
        financedMinor: openFinancedMinor(await sharesOfTrade(ctx, trade.tradeNo)),
    };
    const amount = amountMinor ?? Math.max(0, use.valueMinor - use.allocatedMinor - use.financedMinor);
    if (amount === 0) {
        throw ruleViolation('V33', `trade ${trade.tradeNo} has nothing left to finance`);
    }
    assertWithinFinanceable(trade.tradeNo, use, amount);
    return { tradeNo: trade.tradeNo, amountMinor: amount, currency: trade.currency };
}

/** The trades asked for, each with its amount (a whole declaration: each trade's remaining value). */
async function requestedTrades(
    ctx: Context,
    input: Parsed<typeof FINANCE>,
): Promise<{ tradeNo: string; amountMinor: number | null }[]> {
    if (input.items !== undefined) {
        assertDistinctTrades(input.items);
        return input.items;
    }
    const declNo = input.declNo ?? '';
    const declaration = await loadDeclaration(ctx, declNo);
    if (declaration.status !== 'EXITED') {
        throw ruleViolation(
            'V33',
            `declaration ${declNo} is ${declaration.status}; only an exited declaration may be financed`,
        );
    }
    return declaration.tradeNos.map((tradeNo) => ({ tradeNo, amountMinor: null }));
}

@Info({ title: 'FinancingContract', description: 'Bank financing against exported, filed trades (V33)' })
export class FinancingContract extends Contract {
    constructor() {
        super('FinancingContract');
    }

    /**
     * Finances `items` (trade + amount in the trade's currency) or every trade of `declNo` at its remaining value,
     * for the borrower the trades' income goes to. Transient `terms` go to the bank's implicit collection.
     */
    @Transaction()
    async FinanceTrades(ctx: Context, financingJson: string): Promise<string> {
        const input = parseJson(financingJson, FINANCE, 'financing');
        if ((input.declNo === undefined) === (input.items === undefined)) {
            throw invalid('financing must hold exactly one of declNo or items');
        }
        const terms = parseTerms(ctx);
        const actor = await authorize(ctx, 'FinancingContract.FinanceTrades');
        const bankMspId = actor.caller.mspId;
        const bankPartyId = actor.partyId ?? '';
        if (await exists(ctx, financingKey(ctx, bankMspId, input.financingRef))) {
            throw conflict(`financing ${input.financingRef} of ${bankMspId} is already filed`);
        }
        await this.#assertBorrower(ctx, input.borrowerPartyId);
        const items: FinancedItem[] = [];
        for (const requested of await requestedTrades(ctx, input)) {
            const trade = await loadTrade(ctx, requested.tradeNo);
            assertFinanceable(trade, input.borrowerPartyId);
            items.push(await financedItem(ctx, trade, requested.amountMinor));
            await recordPartiesSeen(ctx, { mspId: bankMspId, partyId: bankPartyId }, trade, input.borrowerPartyId);
        }
        const financingId = `${bankMspId}:${input.financingRef}`;
        const financing: FinancingRecord = {
            docType: 'financing',
            financingId,
            financingRef: input.financingRef,
            bankMspId,
            bankPartyId,
            borrowerPartyId: input.borrowerPartyId,
            declNo: input.declNo ?? null,
            items,
            termsHash: terms === null ? null : termsDigest(terms),
            status: 'OPEN',
            filedBy: actor.signature,
            updatedBy: actor.signature,
        };
        await putFinancing(ctx, financing);
        if (terms !== null) {
            const { salt, ...details } = terms;
            const record: FinancingTermsPrivate = { docType: 'financingTerms', financingId, salt, ...details };
            await putFinancingTerms(ctx, bankMspId, record);
        }
        emit(ctx, 'TradesFinanced', { financingId, status: 'OPEN', tradeNos: items.map((i) => i.tradeNo) });
        return jsonResult(financing);
    }

    /**
     * Closes an OPEN financing: REPAID (the borrower paid it back), or SETTLED by the financed income, which needs a
     * receipt of the same bank allocated to at least one financed trade. The trades are then free to finance again.
     */
    @Transaction()
    async CloseFinancing(ctx: Context, financingId: string, closeJson: string): Promise<string> {
        const input = parseJson(closeJson, CLOSE, 'close');
        const actor = await authorize(ctx, 'FinancingContract.CloseFinancing');
        const financing = await loadOwnFinancing(ctx, actor, financingId);
        if (financing.status !== 'OPEN') throw precondition(`financing ${financingId} is already ${financing.status}`);
        if (input.outcome === 'SETTLED') await this.#assertSettlingReceipt(ctx, actor, financing, input.receiptId);
        else if (input.receiptId !== undefined) throw invalid('receiptId is given only for a SETTLED financing');
        const next: FinancingRecord = {
            ...financing,
            status: input.outcome,
            ...(input.receiptId === undefined ? {} : { settledByReceiptId: input.receiptId }),
            ...(input.note === undefined ? {} : { closeNote: input.note }),
            updatedBy: actor.signature,
        };
        await putFinancing(ctx, next);
        emit(ctx, 'FinancingClosed', {
            financingId,
            status: next.status,
            tradeNos: next.items.map((i) => i.tradeNo),
        });
        return jsonResult(next);
    }

    @Transaction(false)
    async GetFinancing(ctx: Context, financingId: string): Promise<string> {
        const actor = await authorize(ctx, 'FinancingContract.GetFinancing');
        return jsonResult(await loadOwnFinancing(ctx, actor, financingId));
    }

    /** Financings of a trade, one share per financing; a bank lists only its own. */
    @Transaction(false)
    async ListFinancingsByTrade(ctx: Context, tradeNo: string, pageSize: string, bookmark: string): Promise<string> {
        const id = parseArg(tradeNo, ID, 'tradeNo');
        const size = parsePageSize(pageSize);
        const actor = await authorize(ctx, 'FinancingContract.ListFinancingsByTrade');
        const prefix = actor.role === 'bank' ? [id, actor.caller.mspId] : [id];
        const list = LISTS['FinancingContract.ListFinancingsByTrade'];
        const page = await listPage(ctx, actor, list, prefix, size, bookmark, (entry) =>
            recordOf<FinancedShare>(entry, 'financedShare'),
        );
        return jsonResult(page);
    }

    async #assertBorrower(ctx: Context, borrowerPartyId: string): Promise<void> {
        const borrower = await findParty(ctx, borrowerPartyId);
        if (borrower === undefined) throw notFound(`borrower party ${borrowerPartyId} does not exist`);
        if (borrower.type !== 'MERCHANT' && borrower.type !== 'AGENT') {
            throw precondition(`borrower ${borrowerPartyId} is a ${borrower.type}; banks finance a vendor or an agent`);
        }
        if (borrower.status !== 'ACTIVE') {
            throw ruleViolation('V20', `borrower ${borrowerPartyId} is ${borrower.status}; only an ACTIVE filed party`);
        }
    }

    async #assertSettlingReceipt(
        ctx: Context,
        actor: Actor,
        financing: FinancingRecord,
        receiptId: string | undefined,
    ): Promise<void> {
        if (receiptId === undefined) throw invalid('a SETTLED financing names the receiptId that settled it');
        const receipt = await loadReceipt(ctx, receiptId);
        if (receipt.bankMspId !== financing.bankMspId) {
            throw forbidden(`receipt ${receiptId} is not of the financing bank ${financing.bankMspId}`);
        }
        assertOwns(actor, { bank: receipt.bankPartyId }, `receipt ${receiptId}`);
        const financed = new Set(financing.items.map((i) => i.tradeNo));
        if (!receipt.allocations.some((a) => financed.has(a.tradeNo))) {
            throw precondition(`receipt ${receiptId} pays none of the financed trades`);
        }
    }
}
