import { describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/**
 * The org admin's MSP directory with a wallet user's certificate and key instead of the admin's: the peer CLI then
 * signs as that user, whose certificate carries a ledger role (GetDocument authorises the caller like every call).
 */
function userMsp(org: string, user: string): string {
    const adminMsp = network.adminEnv(org).CORE_PEER_MSPCONFIGPATH ?? '';
    const dir = mkdtempSync(path.join(tmpdir(), 'mpt-msp-'));
    cpSync(adminMsp, dir, { recursive: true });
    const identity = network.wallet(org).get(user);
    for (const sub of ['signcerts', 'keystore']) {
        for (const file of readdirSync(path.join(dir, sub))) rmSync(path.join(dir, sub, file));
    }
    writeFileSync(path.join(dir, 'signcerts', 'cert.pem'), identity.certificate);
    writeFileSync(path.join(dir, 'keystore', 'key_sk'), identity.privateKey, { mode: 0o600 });
    return dir;
}

describe('first end-to-end slice on the real network', () => {
    // Institution roles (operator, customs) need no party filed on chain: a vendor or bank caller would need its
    // ACTIVE party (V-0001, BANK-0001), which the bare network does not hold.
    it('a record submitted by the MarketOrg operator is read back by customs, by the operator and by the peer CLI', async () => {
        const sha256 = sha256Hex();
        const written = await asUser(network, 'MarketOrg', 'operator1', 'DocumentContract', async (contract) =>
            json<DocumentRecord>(await contract.submitTransaction('RegisterDocument', sha256, 'INVOICE')),
        );
        expect(written.registeredBy).toMatchObject({ mspId: 'MarketOrgMSP', role: 'operator', party: 'OP-YIWU' });

        const byCustoms = await asUser(network, 'CustomsOrg', 'officer1', 'DocumentContract', async (contract) =>
            json<DocumentRecord>(await contract.evaluateTransaction('GetDocument', sha256)),
        );
        const byOperator = await asUser(network, 'MarketOrg', 'operator1', 'DocumentContract', async (contract) =>
            json<DocumentRecord>(await contract.evaluateTransaction('GetDocument', sha256)),
        );
        expect(byCustoms).toEqual(written);
        expect(byOperator).toEqual(written);

        const args = JSON.stringify({ Args: ['DocumentContract:GetDocument', sha256] });
        const { channel, chaincode } = network.connectionProfile();
        const msp = userMsp('CustomsOrg', 'officer1');
        try {
            const cliOutput = await run(
                binary('peer'),
                ['chaincode', 'query', '-C', channel, '-n', chaincode, '-c', args],
                { env: { ...network.adminEnv('CustomsOrg'), CORE_PEER_MSPCONFIGPATH: msp } },
            );
            expect(JSON.parse(cliOutput)).toEqual(written);
        } finally {
            rmSync(msp, { recursive: true, force: true });
        }
    });

    it('a read of a record nobody wrote fails with a NOT_FOUND code', async () => {
        const missing = sha256Hex();
        await expect(
            asUser(network, 'CustomsOrg', 'officer1', 'DocumentContract', async (contract) =>
                text(await contract.evaluateTransaction('GetDocument', missing)),
            ),
        ).rejects.toMatchObject({
            details: [expect.objectContaining({ message: expect.stringContaining('NOT_FOUND:') })],
        });
    });
});
