import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import '../../../chaincode/src/index';
import { permissionTable } from '../../../chaincode/src/lib/auth';
import { harness, type Harness } from './harness';

interface Operation {
    operationId: string;
    'x-ledger-transactions'?: string[];
    'x-roles'?: string[];
    security?: unknown[];
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
        const doc = (await request(h.app).get('/openapi.json')).body as {
            paths: Record<string, Record<string, Operation>>;
        };
        operations = Object.entries(doc.paths)
            .filter(([path]) => path.startsWith('/v1/'))
            .flatMap(([, methods]) => Object.values(methods));
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
        const offLedger = operations.filter((op) => (op['x-ledger-transactions'] ?? []).length === 0);

        const gate = (op: Operation): string | string[] =>
            op.security?.length === 0 ? 'no key' : (op['x-roles'] ?? 'any key');
        expect(offLedger.map((op) => [op.operationId, gate(op)])).toEqual([
            ['enrol', 'no key'],
            ['rotateKey', 'any key'],
            ['revokeIdentity', ['operator', 'admin']],
        ]);
    });

    it('list operations name every transaction their filters select', () => {
        const byId = new Map(operations.map((op) => [op.operationId, op['x-ledger-transactions']]));

        expect(byId.get('listTrades')).toHaveLength(4);
        expect(byId.get('listReceipts')).toEqual([
            'ReceiptContract.ListReceiptsByTrade',
            'ReceiptContract.ListReceiptsByPayee',
        ]);
        expect(byId.get('registerTrade')).toEqual(['TradeContract.RegisterTrade']);
    });
});
