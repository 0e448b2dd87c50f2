import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '../../../chaincode/src/index';
import { permissionTable } from '../../../chaincode/src/lib/auth';
import type { Role } from '../../../chaincode/src/vocabulary';
import { WORK_LISTS, type WorkListName } from '../../../gateway/src/worklists';
import { harness, servedOperations, type Harness } from './harness';

interface Operation {
    operationId: string;
    'x-ledger-transactions'?: string[];
    'x-roles'?: string[];
    security?: unknown[];
    tags?: string[];
}

/** Contracts outside the permission matrix: they check the caller themselves (document: any ledger role). */
const UNGUARDED = new Set([
    'DocumentContract.RegisterDocument',
    'DocumentContract.GetDocument',
    'IdentityContract.WhoAmI',
]);

describe('OpenAPI names the chaincode transactions behind each operation', () => {
    let h: Harness;
    let operations: Operation[];

    beforeAll(async () => {
        h = harness();
        operations = (await servedOperations<Operation>(h.app))
            .filter((served) => served.path.startsWith('/v1/'))
            .map((served) => served.operation);
    });
    afterAll(() => {
        h.cleanup();
    });

    it('every named transaction exists in the chaincode permission matrix (or guards itself)', () => {
        const matrix = new Set<string>(permissionTable().map(([tx]) => tx));
        const named = operations.flatMap((op) => op['x-ledger-transactions'] ?? []);

        expect(named.length).toBeGreaterThan(60);
        expect(named.filter((tx) => !matrix.has(tx) && !UNGUARDED.has(tx))).toEqual([]);
    });

    it('an operation without a ledger transaction is gated by the gateway, open to every key, or (enrolment) to anyone', () => {
        // the read side's work lists and market views are gated by the permission table itself: the next test and
        // views-access.test.ts
        const readSide = ['work lists', 'market views'];
        const offLedger = operations.filter(
            (op) =>
                (op['x-ledger-transactions'] ?? []).length === 0 &&
                !readSide.some((tag) => (op.tags ?? []).includes(tag)),
        );

        const gate = (op: Operation): string | string[] =>
            op.security?.length === 0 ? 'no key' : (op['x-roles'] ?? 'any key');
        expect(offLedger.map((op) => [op.operationId, gate(op)])).toEqual([
            ['enrol', 'no key'],
            ['rotateKey', 'any key'],
            ['revokeIdentity', ['operator', 'admin']],
            // webhooks are kept per org in the gateway's own state: its admin's alone (docs/events.md)
            ['createWebhookSubscription', ['admin']],
            ['listWebhookSubscriptions', ['admin']],
            ['deleteWebhookSubscription', ['admin']],
            ['listWebhookDeliveries', ['admin']],
            ['replayWebhookDeliveries', ['admin']],
            // reads the auditor's own org read model against its ledger: docs/read-side.md
            ['verifyReadModel', ['auditor']],
        ]);
    });

    it('list operations name every transaction their filters select', () => {
        const byId = new Map(operations.map((op) => [op.operationId, op['x-ledger-transactions']]));

        expect(byId.get('listTrades')).toEqual(['TradeContract.ListTradesByVendor', 'TradeContract.ListTradesByAgent']);
        expect(byId.get('listReceipts')).toEqual([
            'ReceiptContract.ListReceiptsByTrade',
            'ReceiptContract.ListReceiptsByPayee',
        ]);
        expect(byId.get('registerTrade')).toEqual(['TradeContract.RegisterTrade']);
    });

    it('each work list admits exactly the roles of the ledger list transactions it mirrors, where rows can be scoped', () => {
        const byId = new Map(operations.map((op) => [op.operationId, op['x-roles']]));
        const lists: [string, WorkListName][] = [
            ['workListTrades', 'trades'],
            ['workListDeclarations', 'declarations'],
            ['workListReceipts', 'receipts'],
            ['workListReceiptTotals', 'receipts'],
            ['workListRiskFlags', 'riskFlags'],
            ['workListExemptions', 'exemptions'],
            ['workListParties', 'parties'],
            ['workListGoods', 'goods'],
        ];
        const matrix = new Map(permissionTable());
        for (const [operationId, list] of lists) {
            // an OWN row the list has no owner columns for is not served from the read model (a bank's parties, V34)
            const mirrored = WORK_LISTS[list].mirrors.flatMap((tx) =>
                Object.entries(matrix.get(tx as never)?.roles ?? {})
                    .filter(([role, scope]) => scope === 'ANY' || WORK_LISTS[list].own[role as Role] !== undefined)
                    .map(([role]) => role),
            );
            expect([operationId, [...(byId.get(operationId) ?? [])].sort()]).toEqual([
                operationId,
                [...new Set(mirrored)].sort(),
            ]);
        }
        expect(byId.get('workListTrades')).not.toContain('bank');
        expect(byId.get('workListParties')).not.toContain('bank');
        expect(byId.get('workListReceipts')).toEqual(expect.arrayContaining(['bank', 'vendor', 'customs']));
    });
});
