import { describe, expect, it } from '@jest/globals';
import { FabricNetwork } from '../../network/src/network';
import { asUser, json, sha256Hex } from './support';

const network = new FabricNetwork();

const register = (sha256: string): Promise<{ sha256: string }> =>
    asUser(network, 'MarketOrg', 'operator1', 'DocumentContract', async (contract) =>
        json<{ sha256: string }>(await contract.submitTransaction('RegisterDocument', sha256, 'PACKING_LIST')),
    );

const read = (sha256: string): Promise<{ sha256: string }> =>
    asUser(network, 'CustomsOrg', 'officer1', 'DocumentContract', async (contract) =>
        json<{ sha256: string }>(await contract.evaluateTransaction('GetDocument', sha256)),
    );

describe('restart keeps the ledger', () => {
    it('a record written before down is still there after up, and new writes work', async () => {
        const before = sha256Hex();
        await register(before);

        await network.down();
        expect(network.processNames().filter((name) => network.isRunning(name))).toEqual([]);
        await network.up();

        expect(await read(before)).toMatchObject({ sha256: before });
        const after = sha256Hex();
        await register(after);
        expect(await read(after)).toMatchObject({ sha256: after });
    });
});
