import type { Goods } from '../../../chaincode/src/model/records';
import { applyBlock, parseBlock, type OrgReadModel } from '../../../gateway/src/projection';
import { buildBlock, CHAINCODE, type TxSpec } from '../gateway/projection/blocks';
import { goodsWrite, party, partyWrite } from '../gateway/projection/records';
import { newTestModel, type TestModel } from '../gateway/projection/support';

/** A goods entry for {@link registryReadModel}: its code and what differs from the default toy. */
export type RegistryGoods = readonly [goodsCode: string, ownerId: string, overrides?: Partial<Goods>];

/**
 * A real SQLite read model holding filed, active vendors and their goods registry: what the trade form's goods picker
 * reads. `readModels` goes to `harness()`; `cleanup` deletes it.
 */
export async function registryReadModel(
    vendors: readonly string[],
    goods: readonly RegistryGoods[],
): Promise<{ readModels: { readModel: () => OrgReadModel }; cleanup: () => Promise<void> }> {
    const model: TestModel = await newTestModel('sqlite');
    const { database } = model;
    const txs: TxSpec[] = [
        ...vendors.map((id) => ({
            txId: `tx-${id}`,
            writes: [partyWrite(party(id, `tx-${id}`, { status: 'ACTIVE' }))],
        })),
        ...goods.map(([code, owner, overrides]) => ({
            txId: `tx-${code}`,
            writes: [goodsWrite(code, owner, `tx-${code}`, overrides)],
        })),
    ];
    await applyBlock(database.db, parseBlock(buildBlock(0, [{ txId: 'genesis', writes: [] }]), CHAINCODE));
    await applyBlock(database.db, parseBlock(buildBlock(1, txs), CHAINCODE));
    const readModel: OrgReadModel = {
        database,
        status: () =>
            Promise.resolve({
                org: 'MarketOrg',
                state: 'following',
                lastBlock: 1,
                peerHeight: 2,
                lagBlocks: 0,
                transactions: 0,
                database: 'test',
            }),
    };
    return { readModels: { readModel: () => readModel }, cleanup: () => model.cleanup() };
}
