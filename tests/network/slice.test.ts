import { describe, expect, it } from '@jest/globals';
import { run } from '../../network/src/run';
import { binary } from '../../network/src/layout';
import { FabricNetwork } from '../../network/src/network';
import { asUser, json, sha256Hex, text } from './support';

interface DocumentRecord {
    sha256: string;
    kind: string;
    registeredBy: { mspId: string; role: string; party: string };
    txId: string;
}

const network = new FabricNetwork();

describe('first end-to-end slice on the real network', () => {
    it('a record submitted by a MarketOrg vendor is read back by customs, by a bank and by the peer CLI', async () => {
        const sha256 = sha256Hex();
        const written = await asUser(network, 'MarketOrg', 'vendor1', 'DocumentContract', async (contract) =>
            json<DocumentRecord>(await contract.submitTransaction('RegisterDocument', sha256, 'INVOICE')),
        );
        expect(written.registeredBy).toMatchObject({ mspId: 'MarketOrgMSP', role: 'vendor', party: 'V-0001' });

        const byCustoms = await asUser(network, 'CustomsOrg', 'officer1', 'DocumentContract', async (contract) =>
            json<DocumentRecord>(await contract.evaluateTransaction('GetDocument', sha256)),
        );
        const byBank = await asUser(network, 'BankOrg', 'officer1', 'DocumentContract', async (contract) =>
            json<DocumentRecord>(await contract.evaluateTransaction('GetDocument', sha256)),
        );
        expect(byCustoms).toEqual(written);
        expect(byBank).toEqual(written);

        const args = JSON.stringify({ Args: ['DocumentContract:GetDocument', sha256] });
        const { channel, chaincode } = network.connectionProfile();
        const cliOutput = await run(
            binary('peer'),
            ['chaincode', 'query', '-C', channel, '-n', chaincode, '-c', args],
            {
                env: network.adminEnv('CustomsOrg'),
            },
        );
        expect(JSON.parse(cliOutput)).toEqual(written);
    });

    it('a read of a record nobody wrote fails with a NOT_FOUND code', async () => {
        const missing = sha256Hex();
        await expect(
            asUser(network, 'BankOrg', 'officer1', 'DocumentContract', async (contract) =>
                text(await contract.evaluateTransaction('GetDocument', missing)),
            ),
        ).rejects.toMatchObject({
            details: [expect.objectContaining({ message: expect.stringContaining('NOT_FOUND:') })],
        });
    });
});
