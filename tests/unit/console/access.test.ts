import { describe, expect, it } from '@jest/globals';
import { permissionOf } from '../../../chaincode/src/lib/auth';
import { ROLES, type Role } from '../../../chaincode/src/vocabulary';
import { mayOpen, PAGES, type ConsolePage } from '../../../gateway/src/console/access';

const allows = (role: Role, txs: readonly string[]): boolean =>
    txs.every((tx) => permissionOf(tx).roles[role] !== undefined);

const pages: readonly ConsolePage[] = Object.values(PAGES);

describe('console pages follow the chaincode’s permission matrix', () => {
    it.each(pages)('$path: each role it opens for may call every transaction it calls for that role', (page) => {
        const openFor = ROLES.filter((role) => mayOpen(page, role));
        expect(openFor.length).toBeGreaterThan(0);
        expect(openFor.filter((role) => !allows(role, page.calls[role] ?? []))).toEqual([]);
        expect(mayOpen(page, 'admin')).toBe(false);
    });

    it.each(pages.filter((page) => page !== PAGES.myTrades && page !== PAGES.bankReceipts))(
        '$path opens for every role the matrix allows all its transactions, and no other',
        (page) => {
            const txs = [...new Set(Object.values(page.calls).flat())];
            expect(ROLES.filter((role) => mayOpen(page, role))).toEqual(ROLES.filter((role) => allows(role, txs)));
        },
    );

    it('lists "my trades" for the roles that act for a vendor or agent party, by that party', () => {
        // operator, customs and auditor may list any party's trades, but have no trades of their own to list
        expect(ROLES.filter((role) => mayOpen(PAGES.myTrades, role))).toEqual(['vendor', 'agent']);
        expect(permissionOf('TradeContract.ListTradesByVendor').roles.vendor).toBe('OWN');
        expect(permissionOf('TradeContract.ListTradesByAgent').roles.agent).toBe('OWN');
    });

    it('keeps the receipts work list a bank page, and customs decisions to customs', () => {
        // vendors and agents may list receipts paid to them, but the stages (allocate, check, settle) are a bank's work
        expect(ROLES.filter((role) => mayOpen(PAGES.bankReceipts, role))).toEqual(['bank']);
        expect(permissionOf('ReceiptContract.ListReceiptsByPayee').roles.bank).toBe('OWN');
        expect(ROLES.filter((role) => mayOpen(PAGES.customsDecision, role))).toEqual(['customs']);
        expect(mayOpen(PAGES.customsQueue, 'vendor')).toBe(false);
    });
});
