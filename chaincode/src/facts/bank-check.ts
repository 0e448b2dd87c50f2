import type { Context } from 'fabric-contract-api';
import {
    type BankCheckFacts,
    type BankCheckResult,
    type BuyerFacts,
    type DeclarationFacts,
    type PayeeFacts,
    type RiskFlagFacts,
    type TradeFacts,
    payerFacts,
    type PayerFacts,
} from '../rules/bank-check';
import { businessDateOf, txTime } from '../lib/identity';
import { monthOf, ratesInForce } from '../rules/rates';
import {
    type Declaration,
    type ExchangeRates,
    type Party,
    type Trade,
    type PayerPrivate,
    type ReceiptRecord,
    type RiskFlag,
} from '../model/records';
import { allocationsOfTrade, flagsOfSubject, loadExchangeRates, payeeYearToDate } from '../store/loaders';
import { evidenceOf, type RecordEvidence } from './evidence';
import type { Facts } from './facts';
import { implicitCollection } from '../model/keys';
import { getPrivateRecord } from '../store/private';
import { sharesOfTrade } from '../store/financings';
import { openFinancedMinor } from '../rules/financing';
import { RecordType } from '../vocabulary';

/**
 * Loads what the bank check needs from the ledger. Other banks' allocations and financings are reduced to amounts and
 * counts here, so nothing downstream can leak which bank used a trade.
 */
export interface FactsRequest {
    readonly payeePartyId: string;
    readonly tradeNos: readonly string[];
    readonly valueDate: string;
    /** The receipt being checked, when filed: its own allocations are not "other" allocations. */
    readonly receiptId: string | null;
    /** The bank asking (or the filing bank); null for authorities checking a proposal. */
    readonly bankMspId: string | null;
}

type TradeBase = Omit<
    TradeFacts,
    | 'allocatedByOthersMinor'
    | 'otherReceiptCount'
    | 'otherBanksCount'
    | 'financedByOthersMinor'
    | 'otherFinancingBanksCount'
    | 'financedByThisBankMinor'
    | 'otherLineCredits'
>;

function tradeBase(tradeNo: string, trade: Trade | undefined): TradeBase {
    if (trade === undefined) {
        return {
            tradeNo,
            state: null,
            merchantId: '',
            agentId: null,
            buyerId: null,
            agencyReceipt: false,
            valueMinor: 1,
            currency: 'USD',
            registeredOn: null,
            lines: [],
        };
    }
    return {
        tradeNo,
        state: trade.status,
        merchantId: trade.vendorId,
        agentId: trade.agentId,
        buyerId: trade.buyerId,
        agencyReceipt: trade.agencyReceipt,
        valueMinor: trade.totalAmount,
        currency: trade.currency,
        registeredOn: businessDateOf(trade.registeredBy.at),
        lines: trade.lines.map((l) => ({ lineId: l.lineId, amount: l.amount })),
    };
}

async function tradeFacts(ctx: Context, facts: Facts, tradeNo: string, request: FactsRequest): Promise<TradeFacts> {
    const trade = await facts.trade(tradeNo);
    const others = (await allocationsOfTrade(ctx, tradeNo)).filter((a) => a.receiptId !== request.receiptId);
    const otherBanks = new Set(others.map((a) => a.bankMspId).filter((msp) => msp !== request.bankMspId));
    const open = (await sharesOfTrade(ctx, tradeNo)).filter((s) => s.status === 'OPEN');
    const byOthers = open.filter((s) => s.bankMspId !== request.bankMspId);
    return {
        ...tradeBase(tradeNo, trade),
        allocatedByOthersMinor: others.reduce((sum, a) => sum + a.tradeAmountMinor, 0),
        otherReceiptCount: others.length,
        otherBanksCount: otherBanks.size,
        financedByOthersMinor: openFinancedMinor(byOthers),
        otherFinancingBanksCount: new Set(byOthers.map((s) => s.bankMspId)).size,
        financedByThisBankMinor: openFinancedMinor(open.filter((s) => s.bankMspId === request.bankMspId)),
        otherLineCredits: others.map((a) => ({ lineId: a.lineId, tradeAmountMinor: a.tradeAmountMinor })),
    };
}

function declarationFacts(declaration: Declaration): DeclarationFacts {
    return {
        declNo: declaration.declNo,
        status: declaration.status,
        tradeNos: declaration.tradeNos,
        releaseDate: declaration.releaseDate ?? null,
        exitDate: declaration.exitDate ?? null,
    };
}

function buyerFacts(buyer: Party): BuyerFacts {
    const names = [buyer.legalName, buyer.nameEn].filter((n): n is string => n !== undefined);
    const countryCodes = [buyer.countryCode, buyer.nationality].filter((c): c is string => c !== undefined);
    return { partyId: buyer.partyId, names, countryCodes };
}

function flagFacts(flags: readonly RiskFlag[]): RiskFlagFacts[] {
    return flags.map((f) => ({
        flagId: f.flagId,
        subjectId: f.subjectId,
        ruleId: f.ruleId,
        severity: f.severity,
        status: f.status,
    }));
}

async function relatedRecords(
    facts: Facts,
    trades: readonly TradeFacts[],
): Promise<{ declarations: DeclarationFacts[]; buyers: BuyerFacts[]; declNos: string[] }> {
    const declarations: DeclarationFacts[] = [];
    const buyers: BuyerFacts[] = [];
    const seenDecl = new Set<string>();
    const seenBuyer = new Set<string>();
    for (const fact of trades) {
        const trade = await facts.trade(fact.tradeNo);
        const declNo = trade?.declNo;
        if (declNo !== undefined && !seenDecl.has(declNo)) {
            seenDecl.add(declNo);
            const declaration = await facts.declaration(declNo);
            if (declaration !== undefined) declarations.push(declarationFacts(declaration));
        }
        if (fact.buyerId !== null && !seenBuyer.has(fact.buyerId)) {
            seenBuyer.add(fact.buyerId);
            const buyer = await facts.party(fact.buyerId);
            if (buyer !== undefined) buyers.push(buyerFacts(buyer));
        }
    }
    return { declarations, buyers, declNos: [...seenDecl] };
}

async function riskFacts(
    ctx: Context,
    request: FactsRequest,
    tradeNos: readonly string[],
    declNos: readonly string[],
): Promise<RiskFlagFacts[]> {
    const flags = [...(await flagsOfSubject(ctx, 'party', request.payeePartyId))];
    for (const tradeNo of tradeNos) flags.push(...(await flagsOfSubject(ctx, 'trade', tradeNo)));
    for (const declNo of declNos) flags.push(...(await flagsOfSubject(ctx, 'declaration', declNo)));
    if (request.receiptId !== null) flags.push(...(await flagsOfSubject(ctx, 'receipt', request.receiptId)));
    return flagFacts(flags);
}

/** V31: customs' rates in force now for the month of a value date (what a bank's dealing rates are held to). */
export async function customsRatesOf(ctx: Context, valueDate: string): Promise<ExchangeRates | undefined> {
    return ratesInForce(await loadExchangeRates(ctx, monthOf(valueDate)), txTime(ctx));
}

/** `facts` is the transaction's record cache: the evidence of the verdict is then read from it, not again. */
export async function loadBankCheckFacts(ctx: Context, facts: Facts, request: FactsRequest): Promise<BankCheckFacts> {
    const payee = await facts.party(request.payeePartyId);
    const payeeFacts: PayeeFacts = {
        partyId: request.payeePartyId,
        status: payee?.status ?? null,
        inSafeDirectory: null,
    };
    const trades: TradeFacts[] = [];
    for (const tradeNo of request.tradeNos) trades.push(await tradeFacts(ctx, facts, tradeNo, request));
    const related = await relatedRecords(facts, trades);
    const ytd = await payeeYearToDate(ctx, request.payeePartyId, request.valueDate.slice(0, 4), request.receiptId);
    return {
        payee: payeeFacts,
        trades,
        declarations: related.declarations,
        buyers: related.buyers,
        flags: await riskFacts(ctx, request, request.tradeNos, related.declNos),
        payeeYtdUsdMinor: ytd.usdMinor,
        customsRates: await customsRatesOf(ctx, request.valueDate),
    };
}

/** The records a bank verdict relied on (payee, trades, declarations), from the facts it was judged on. */
export async function bankCheckEvidence(
    facts: Facts,
    payeePartyId: string,
    reliedOn: BankCheckResult['reliedOn'],
): Promise<RecordEvidence[]> {
    const loaded: [RecordType, string, unknown][] = [[RecordType.party, payeePartyId, await facts.party(payeePartyId)]];
    for (const id of reliedOn.tradeNos) loaded.push([RecordType.trade, id, await facts.trade(id)]);
    for (const id of reliedOn.declNos) loaded.push([RecordType.declaration, id, await facts.declaration(id)]);
    return evidenceOf(loaded);
}

/**
 * The filing bank's own peer holds the payer details; another caller, or another org's peer (which holds nothing
 * under the key), gets none and BK-05 refers. A stored value that is not a payer record is an error, not a missing payer.
 */
export async function storedPayer(
    ctx: Context,
    callerMspId: string,
    receipt: ReceiptRecord,
): Promise<PayerFacts | null> {
    if (callerMspId !== receipt.bankMspId) return null;
    const payer = await getPrivateRecord<PayerPrivate>(
        ctx,
        implicitCollection(receipt.bankMspId),
        receipt.receiptId,
        'receiptPayer',
    );
    return payer === undefined ? null : payerFacts(payer);
}
