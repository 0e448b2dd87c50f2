import { beforeEach, describe, expect, it } from '@jest/globals';
import { isPrepackagedFood } from '../../../chaincode/src/rules/prepackaged-food';
import * as id from './support/identities';
import { DECL1, TODAY, World } from './support/world';

/** V11: prepackaged food goes through 1039 only from producers on the cluster's qualified supplier list in force. */
const j = JSON.stringify;
const FOOD = { goods: 'FOOD', qty: 10, unitPrice: 500 };
const TEA = { goods: 'TEA', qty: 10, unitPrice: 500 };

async function publish(w: World, version: number, validFrom: string, suppliers: string[]): Promise<unknown> {
    return w.json(id.operator(), (ctx) =>
        w.goods.PublishQualifiedSuppliers(
            ctx,
            'YIWU',
            j({ version, validFrom, suppliers: suppliers.map((partyId) => ({ partyId })) }),
        ),
    );
}

async function foodMarket(): Promise<World> {
    const w = await World.market();
    await w.fileParty({ partyId: 'P2', type: 'PRODUCER', legalName: 'Producer Two', countryCode: 'CN' });
    // chapter 21 (food preparations): prepackaged food by its HS code, whatever the owner says
    await w.registerGoods({ code: 'FOOD', hs: '2106909090', owner: 'V1', min: 100, max: 1000 });
    // chapter 09 tea is not in 16–22: prepackaged food because the owner declares it
    await w.submit(id.vendor('V1'), (ctx) =>
        w.goods.RegisterGoods(
            ctx,
            j({
                goodsCode: 'TEA',
                ownerId: 'V1',
                nameCn: '袋泡茶',
                nameEn: 'Tea bags',
                hsCode: '0902301000',
                unit: 'BOX',
                producerId: 'P2',
                prepackagedFood: true,
                priceRange: { currency: 'USD', minUnitPrice: 100, maxUnitPrice: 1000 },
            }),
        ),
    );
    return w;
}

describe('which goods are prepackaged food', () => {
    it('is every HS chapter 16–22 code, and any code the owner declares', () => {
        expect(isPrepackagedFood({ hsCode: '1601000000' })).toBe(true);
        expect(isPrepackagedFood({ hsCode: '2202100000' })).toBe(true);
        expect(isPrepackagedFood({ hsCode: '1501000000' })).toBe(false);
        expect(isPrepackagedFood({ hsCode: '2301000000' })).toBe(false);
        expect(isPrepackagedFood({ hsCode: '0902301000', prepackagedFood: true })).toBe(true);
        expect(isPrepackagedFood({ hsCode: '2106909090', prepackagedFood: false })).toBe(true);
    });
});

describe('V11 qualified supplier list', () => {
    let w: World;
    beforeEach(async () => {
        w = await foodMarket();
    });

    it('refuses prepackaged food while the cluster has no list in force, and writes nothing', async () => {
        await expect(w.registerTrade('T-FOOD', [FOOD])).rejects.toThrow(/^RULE_V11_NO_QUALIFIED_LIST: trade T-FOOD/);
        await expect(w.query(id.operator(), (ctx) => w.trade.GetTrade(ctx, 'T-FOOD'))).rejects.toThrow('NOT_FOUND');
        // goods that are not food are untouched by V11
        await expect(w.registerTrade('T-SHIRT', [{ goods: 'G1', qty: 10, unitPrice: 500 }])).resolves.toMatchObject({
            status: 'CONFIRMED',
        });
    });

    it('admits food from a listed producer and refuses a producer not on the list', async () => {
        await publish(w, 1, '2024-01-01', ['P1']);
        await expect(w.registerTrade('T-FOOD', [FOOD])).resolves.toMatchObject({ status: 'CONFIRMED' });
        await expect(w.registerTrade('T-TEA', [TEA])).rejects.toThrow(
            /^RULE_V11_SUPPLIER_NOT_QUALIFIED: trade T-TEA line L1: goods TEA .* from P2, who is not on cluster YIWU's qualified supplier list v1/,
        );
    });

    it('answers each date with the version then in force, and refuses a list that rewrites the past', async () => {
        await publish(w, 1, '2024-01-01', ['P1']);
        await publish(w, 2, '2024-03-20', ['P2']);
        const on = async (date: string): Promise<unknown> =>
            (
                await w.query<{ list: { version: number } | null }>(id.vendor('V1'), (ctx) =>
                    w.goods.GetQualifiedSuppliers(ctx, 'YIWU', date),
                )
            ).list?.version ?? null;
        expect(await on('2023-12-31')).toBeNull();
        expect(await on('2024-03-10')).toBe(1);
        expect(await on('2024-03-20')).toBe(2);
        await expect(publish(w, 2, '2024-04-01', ['P1'])).rejects.toThrow(/^CONFLICT: .*version 2 is not above/);
        await expect(publish(w, 3, '2024-03-01', ['P1'])).rejects.toThrow(/^INVALID: list.validFrom 2024-03-01/);
        await expect(publish(w, 3, '2024-04-01', ['V1'])).rejects.toThrow(
            'INVALID: supplier V1 is not a filed producer',
        );
        await expect(publish(w, 3, '2024-04-01', ['P1', 'P1'])).rejects.toThrow('names P1 twice');
    });

    it('judges a trade by its trade date and a declaration by its declaration date', async () => {
        await publish(w, 1, '2024-01-01', ['P1']);
        await publish(w, 2, '2024-03-20', ['P2']);
        // dated 2024-03-10, when P1 was qualified
        await w.registerTrade('T-FOOD', [FOOD]);
        await w.consolidate('O-1', ['T-FOOD']);
        await w.pack('PK-1', ['O-1']);
        // declared on TODAY (2024-03-25), when only P2 is qualified
        await expect(w.fileDeclaration(DECL1, 'PK-1', ['T-FOOD'])).rejects.toThrow(
            new RegExp(`^RULE_V11_SUPPLIER_NOT_QUALIFIED: T-FOOD/L1: .* from P1, .* v2 .* on ${TODAY}`),
        );
        await publish(w, 3, TODAY, ['P1', 'P2']);
        await expect(w.fileDeclaration(DECL1, 'PK-1', ['T-FOOD'])).resolves.toMatchObject({ status: 'SUBMITTED' });
    });

    it('lets only the market operator publish the list', async () => {
        await expect(
            w.submit(id.customs(), (ctx) =>
                w.goods.PublishQualifiedSuppliers(
                    ctx,
                    'YIWU',
                    j({ version: 1, validFrom: '2024-01-01', suppliers: [] }),
                ),
            ),
        ).rejects.toThrow(/^FORBIDDEN/);
        await expect(
            w.submit(id.operator(), (ctx) =>
                w.goods.PublishQualifiedSuppliers(
                    ctx,
                    'NOPE',
                    j({ version: 1, validFrom: '2024-01-01', suppliers: [] }),
                ),
            ),
        ).rejects.toThrow(/^NOT_FOUND/);
    });
});
