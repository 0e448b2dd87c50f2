import type { Context } from 'fabric-contract-api';
import { exemptionByTradeKey } from '../model/keys';
import type { ExemptionByTrade, Trade } from '../model/records';
import type { ExemptionTradeFacts } from '../rules/exemption-guard';
import { getRecord } from '../store/records';
import { Facts } from './facts';

/** A claimed trade as CU-09 sees it, with the records behind it. */
export interface LoadedTrade {
    readonly trade: Trade | undefined;
    readonly facts: ExemptionTradeFacts;
    readonly declNo: string | null;
}

async function exemptionFactsOf(ctx: Context, facts: Facts, tradeNo: string): Promise<LoadedTrade> {
    const trade = await facts.trade(tradeNo);
    const declNo = trade?.declNo ?? null;
    const declaration = declNo === null ? undefined : await facts.declaration(declNo);
    const claim = await getRecord<ExemptionByTrade>(ctx, exemptionByTradeKey(ctx, tradeNo), 'exemptionByTrade');
    return {
        trade,
        declNo,
        facts: {
            tradeNo,
            status: trade?.status ?? null,
            vendorId: trade?.vendorId ?? null,
            exitDate: declaration?.exitDate ?? null,
            exemptedBy: claim === undefined || claim.withdrawn === true ? null : claim.filingNo,
        },
    };
}

/** What CU-09 needs of each claimed trade: status, vendor, exit date, and any filing that already claims it. */
export async function loadExemptionFacts(ctx: Context, tradeNos: readonly string[]): Promise<LoadedTrade[]> {
    const facts = new Facts(ctx);
    const loaded: LoadedTrade[] = [];
    for (const tradeNo of tradeNos) loaded.push(await exemptionFactsOf(ctx, facts, tradeNo));
    return loaded;
}
