import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { applyBlock, parseBlock, type OrgReadModel } from '../../../../gateway/src/projection';
import { bearer, harness, type Harness } from '../harness';
import { buildBlock, CHAINCODE, type TxSpec } from './blocks';
import { goodsWrite, party, partyWrite } from './records';
import { DIALECTS, newTestModel, type TestModel } from './support';

/**
 * GET /v1/worklists/goods over a real read model: a vendor lists the goods it owns (the registry its trade form picks
 * from), whatever owner it asks for; the operator lists the whole registry; every other role is refused.
 */

interface GoodsItem {
    goodsCode: string;
    ownerId: string;
    nameCn: string;
    hsCode: string;
    status: string;
    txId: string;
}
interface PageBody {
    items: GoodsItem[];
    nextCursor: string | null;
}

const VENDOR_A = 'M001';
const VENDOR_B = 'M002';
const A_GOODS = 23;

function registryBlocks(): TxSpec[][] {
    const parties = [
        party(VENDOR_A, 'p1', { status: 'ACTIVE' }),
        party(VENDOR_B, 'p2', { legalName: '金华东阳五金店', status: 'ACTIVE' }),
    ].map((p) => ({ txId: `tx-${p.partyId}`, writes: [partyWrite(p)] }));
    const own: TxSpec[] = Array.from({ length: A_GOODS }, (_x, i) => {
        const code = `GA-${String(i).padStart(3, '0')}`;
        return { txId: `tx-${code}`, writes: [goodsWrite(code, VENDOR_A, `tx-${code}`)] };
    });
    const others: TxSpec[] = [
        {
            txId: 'tx-GB-1',
            writes: [goodsWrite('GB-1', VENDOR_B, 'tx-GB-1', { nameCn: '五金扳手', hsCode: '8204110000' })],
        },
        { txId: 'tx-GB-2', writes: [goodsWrite('GB-2', VENDOR_B, 'tx-GB-2', { status: 'VOID' })] },
        { txId: 'tx-GA-V', writes: [goodsWrite('GA-VOID', VENDOR_A, 'tx-GA-V', { status: 'VOID' })] },
    ];
    return [parties, own, others];
}

describe.each(DIALECTS)('the goods registry list on %s', (dialect) => {
    let model: TestModel;
    let h: Harness;
    const keys: Record<string, string> = {};

    const get = (who: string, query: Record<string, string> = {}): request.Test =>
        request(h.app)
            .get('/v1/worklists/goods')
            .set(bearer(keys[who] ?? ''))
            .query(query);

    async function codes(who: string, query: Record<string, string> = {}): Promise<string[]> {
        const found: string[] = [];
        let cursor: string | null = null;
        do {
            const res = await get(who, cursor === null ? query : { ...query, cursor });
            expect([res.status, res.body]).toEqual([200, expect.anything()]);
            const body = res.body as PageBody;
            found.push(...body.items.map((g) => g.goodsCode));
            cursor = body.nextCursor;
        } while (cursor !== null && found.length < 1000);
        return found;
    }

    beforeAll(async () => {
        model = await newTestModel(dialect);
        const { database } = model;
        let blockNo = 0;
        for (const txs of [[{ txId: 'genesis', writes: [] }], ...registryBlocks()]) {
            await applyBlock(database.db, parseBlock(buildBlock(blockNo, txs), CHAINCODE));
            blockNo += 1;
        }
        const readModel: OrgReadModel = {
            database,
            status: () =>
                Promise.resolve({
                    org: 'MarketOrg',
                    state: 'following',
                    lastBlock: blockNo - 1,
                    peerHeight: blockNo,
                    lagBlocks: 0,
                    transactions: 0,
                    database: 'test',
                }),
        };
        h = harness({ readModels: { readModel: () => readModel } });
        keys.vendorA = h.user('MarketOrg', 'vendorA', 'vendor', VENDOR_A);
        keys.operator = h.user('MarketOrg', 'operator1', 'operator', null);
        keys.agent = h.user('MarketOrg', 'agent1', 'agent', 'A001');
        keys.customs = h.user('CustomsOrg', 'customs1', 'customs', null);
        // opening a PostgreSQL read model on a loaded machine takes longer than a test's default 5 s
    }, 60_000);

    afterAll(async () => {
        h.cleanup();
        await model.cleanup();
    });

    it('a vendor pages through exactly the goods it owns, in goodsCode order', async () => {
        const found = await codes('vendorA', { limit: '5' });

        const expected = [...Array.from({ length: A_GOODS }, (_x, i) => `GA-${String(i).padStart(3, '0')}`), 'GA-VOID'];
        expect(found).toEqual(expected);
    });

    it.each([
        ['owner', { owner: VENDOR_B }],
        ['goodsCode prefix', { q: 'GB-' }],
        ['name (CJK)', { q: '扳手' }],
        ['hsCode', { hsCode: '8204' }],
    ])("a vendor asking for another vendor's goods by %s sees none of them", async (_what, query) => {
        expect(await codes('vendorA', query)).toEqual([]);
    });

    it('the trade form’s picker asks for ACTIVE goods: a voided entry is left out', async () => {
        const found = await codes('vendorA', { status: 'ACTIVE', limit: '200' });

        expect(found).toHaveLength(A_GOODS);
        expect(found).not.toContain('GA-VOID');
    });

    it('the operator lists the whole registry and may narrow it by owner, HS code and name', async () => {
        expect(await codes('operator', { limit: '200' })).toHaveLength(A_GOODS + 3);
        expect(await codes('operator', { owner: VENDOR_B })).toEqual(['GB-1', 'GB-2']);
        expect(await codes('operator', { hsCode: '8204' })).toEqual(['GB-1']);
        expect(await codes('operator', { q: '扳手' })).toEqual(['GB-1']);
    });

    it('each row names the ledger transaction that last wrote it', async () => {
        const res = await get('operator', { owner: VENDOR_B, status: 'ACTIVE' });

        expect((res.body as PageBody).items).toEqual([
            expect.objectContaining({ goodsCode: 'GB-1', ownerId: VENDOR_B, nameCn: '五金扳手', txId: 'tx-GB-1' }),
        ]);
    });

    it.each(['agent', 'customs'])('a %s may not list the registry: 403', async (who) => {
        const res = await get(who);

        expect(res.status).toBe(403);
        expect((res.body as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    });

    it('a bad filter is a 400 naming it in English and Chinese', async () => {
        const res = await get('vendorA', { hsCode: '95x' });

        expect(res.status).toBe(400);
        expect((res.body as { error: { message: string } }).error.message).toContain('hsCode 必须是');
    });
});
