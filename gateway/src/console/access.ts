import type { Role } from '../../../chaincode/src/vocabulary';
import type { GatewayRole } from '../auth/principal';
import type { MessageKey } from './messages';

/** A console page, the chaincode transactions it calls as the signed-in person, and the roles that may open it. */
export interface ConsolePage {
    readonly id: string;
    readonly path: string;
    readonly title: MessageKey;
    /**
     * Per role that may open the page, the transactions it calls for that role. Exactly the roles the chaincode's
     * permission matrix allows every one of those transactions (tests/unit/console/access.test.ts holds the two
     * together: the gateway imports only the chaincode's vocabulary).
     */
    readonly calls: Readonly<Partial<Record<Role, readonly string[]>>>;
}

const AUTHORITIES = ['operator', 'customs', 'auditor'] as const;
const each = (roles: readonly Role[], txs: readonly string[]): Partial<Record<Role, readonly string[]>> =>
    Object.fromEntries(roles.map((role) => [role, txs]));

/** The ledger lists the market views mirror (gateway/src/views/access.ts INDICATOR_LISTS). */
const MARKET_LISTS = [
    'TradeContract.ListTradesByVendor',
    'TradeContract.ListTradesByAgent',
    'DeclarationContract.ListDeclarationsByDate',
    'CustomsContract.GetCustomsEvents',
    'PartyContract.ListPartiesByType',
    'ExemptionContract.ListExemptionsByMerchant',
];

export const PAGES = {
    // "my trades" lists by the party the role acts as
    myTrades: {
        id: 'myTrades',
        path: '/trades',
        title: 'page.myTrades',
        calls: { vendor: ['TradeContract.ListTradesByVendor'], agent: ['TradeContract.ListTradesByAgent'] },
    },
    trade: {
        id: 'trade',
        path: '/trades/:tradeNo',
        title: 'page.trade',
        calls: each([...AUTHORITIES, 'vendor', 'agent'], ['TradeContract.GetTrade', 'TradeContract.GetTradeHistory']),
    },
    checkReceipt: {
        id: 'checkReceipt',
        path: '/receipts/check',
        title: 'page.checkReceipt',
        calls: each([...AUTHORITIES, 'bank'], ['ReceiptContract.CheckReceipt']),
    },
    trace: {
        id: 'trace',
        path: '/trace',
        title: 'page.trace',
        calls: each(AUTHORITIES, ['CustomsContract.TraceDeclarationLine']),
    },
    // the indicators count every trade, declaration, party and exemption filing, and open those lists
    market: {
        id: 'market',
        path: '/market',
        title: 'page.market',
        calls: each(AUTHORITIES, MARKET_LISTS),
    },
    marketRecords: {
        id: 'marketRecords',
        path: '/market/records',
        title: 'page.marketRecords',
        calls: each(AUTHORITIES, MARKET_LISTS),
    },
} as const satisfies Record<string, ConsolePage>;

/** Pages linked from a role's home page, in this order. */
export const HOME_PAGES: readonly ConsolePage[] = [PAGES.myTrades, PAGES.checkReceipt, PAGES.trace, PAGES.market];

/**
 * Whether `role` may open `page`. Ownership (OWN cells) stays the ledger's to check, record by record, under the
 * caller's own identity.
 */
export function mayOpen(page: ConsolePage, role: GatewayRole): boolean {
    return role !== 'admin' && page.calls[role] !== undefined;
}
