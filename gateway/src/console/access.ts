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
    // the declarations work list mirrors the ledger's list of a day's declarations (gateway/src/worklists/scope.ts)
    customsQueue: {
        id: 'customsQueue',
        path: '/customs/queue',
        title: 'page.customsQueue',
        calls: each(AUTHORITIES, ['DeclarationContract.ListDeclarationsByDate']),
    },
    declaration: {
        id: 'declaration',
        path: '/declarations/:declNo',
        title: 'page.declaration',
        calls: each(
            [...AUTHORITIES, 'agent', 'broker'],
            [
                'DeclarationContract.GetDeclaration',
                'CustomsContract.GetCustomsEvents',
                'CustomsContract.CheckDeclaration',
            ],
        ),
    },
    // the decision form on the declaration page posts here: one customs transition per action
    customsDecision: {
        id: 'customsDecision',
        path: '/declarations/:declNo/decision',
        title: 'page.declaration',
        calls: each(
            ['customs'],
            [
                'CustomsContract.AcceptDeclaration',
                'CustomsContract.ReturnDeclaration',
                'CustomsContract.HoldDeclaration',
                'CustomsContract.LiftHold',
                'CustomsContract.ReleaseDeclaration',
                'CustomsContract.ConfirmExit',
            ],
        ),
    },
    riskFlags: {
        id: 'riskFlags',
        path: '/risk-flags',
        title: 'page.riskFlags',
        calls: each([...AUTHORITIES, 'bank'], ['RiskContract.ListFlagsBySubject']),
    },
    // the bank's work list (the receipts list mirrors ListReceiptsByPayee, a bank's rows being its own)
    bankReceipts: {
        id: 'bankReceipts',
        path: '/bank/receipts',
        title: 'page.bankReceipts',
        calls: { bank: ['ReceiptContract.ListReceiptsByPayee'] },
    },
    receipt: {
        id: 'receipt',
        path: '/receipts/:receiptId',
        title: 'page.receipt',
        calls: each(
            [...AUTHORITIES, 'bank', 'vendor', 'agent'],
            ['ReceiptContract.GetReceipt', 'ReceiptContract.GetReceiptHistory'],
        ),
    },
    allocateReceipt: {
        id: 'allocateReceipt',
        path: '/receipts/:receiptId/allocate',
        title: 'page.receipt',
        calls: { bank: ['ReceiptContract.AllocateReceipt'] },
    },
    verifyReceipt: {
        id: 'verifyReceipt',
        path: '/receipts/:receiptId/verify',
        title: 'page.receipt',
        calls: { bank: ['ReceiptContract.VerifyReceipt', 'ReceiptContract.GetReceiptPayer'] },
    },
    settleReceipt: {
        id: 'settleReceipt',
        path: '/receipts/:receiptId/settle',
        title: 'page.receipt',
        calls: { bank: ['ReceiptContract.SettleReceipt'] },
    },
    financeTrade: {
        id: 'financeTrade',
        path: '/receipts/:receiptId/finance',
        title: 'page.receipt',
        calls: { bank: ['FinancingContract.FinanceTrades'] },
    },
    // signs with the exporting person's own key: any role that may run the check may export what it saw
    exportVerdict: {
        id: 'exportVerdict',
        path: '/receipts/check/export',
        title: 'page.checkReceipt',
        calls: each([...AUTHORITIES, 'bank'], ['ReceiptContract.CheckReceipt']),
    },
    // goods are picked from those the vendor's own trades carry
    newTrade: {
        id: 'newTrade',
        path: '/trades/new',
        title: 'page.newTrade',
        // the goods picker reads the goods work list, authorised as RegisterGoods (a vendor: the goods it owns)
        calls: { vendor: ['TradeContract.RegisterTrade', 'GoodsContract.RegisterGoods'] },
    },
    importTrades: {
        id: 'importTrades',
        path: '/trades/import',
        title: 'page.importTrades',
        calls: each(['vendor', 'agent'], ['TradeContract.RegisterTrades']),
    },
    // the declarations work list, authorised as the ledger's GetCustomsEvents: an agent or broker its own
    declarations: {
        id: 'declarations',
        path: '/declarations',
        title: 'page.declarations',
        calls: each([...AUTHORITIES, 'agent', 'broker'], ['CustomsContract.GetCustomsEvents']),
    },
    // the agent's packed trades to pick from, the preview, the filing
    newDeclaration: {
        id: 'newDeclaration',
        path: '/declarations/new',
        title: 'page.newDeclaration',
        calls: {
            agent: [
                'TradeContract.ListTradesByAgent',
                'DeclarationContract.PreviewDeclaration',
                'DeclarationContract.FileDeclaration',
            ],
        },
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
export const HOME_PAGES: readonly ConsolePage[] = [
    PAGES.myTrades,
    PAGES.customsQueue,
    PAGES.riskFlags,
    PAGES.bankReceipts,
    PAGES.newTrade,
    PAGES.importTrades,
    PAGES.declarations,
    PAGES.newDeclaration,
    PAGES.checkReceipt,
    PAGES.trace,
    PAGES.market,
];

/**
 * Whether `role` may open `page`. Ownership (OWN cells) stays the ledger's to check, record by record, under the
 * caller's own identity.
 */
export function mayOpen(page: ConsolePage, role: GatewayRole): boolean {
    return role !== 'admin' && page.calls[role] !== undefined;
}
