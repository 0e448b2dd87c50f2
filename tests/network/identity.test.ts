import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { REGISTRAR, userAttributes } from '../../network/client';
import { caClient } from '../../network/src/identities';
import { binary } from '../../network/src/layout';
import { FabricNetwork } from '../../network/src/network';
import { run } from '../../network/src/run';
import { asIdentity, json, sha256Hex, uniqueId } from './support';

const network = new FabricNetwork();
const scratch = mkdtempSync(path.join(tmpdir(), 'mpt-identity-'));

afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
});

describe("identities from the organisations' Fabric CAs", () => {
    it('a user enrolled at runtime is seen by the chaincode with the mpt.role and mpt.party it was registered with', async () => {
        const org = network.org('MarketOrg');
        const ca = caClient(network.layout, org);
        const name = uniqueId('agent').toLowerCase();
        const party = uniqueId('A');
        try {
            const secret = await ca.register(network.wallet('MarketOrg').get(REGISTRAR), {
                id: name,
                attributes: userAttributes({ role: 'agent', party }),
            });
            const enrolment = await ca.enroll(name, secret);
            const identity = { mspId: org.mspId, ...enrolment };
            const seen = await asIdentity(network, 'MarketOrg', identity, 'IdentityContract', async (contract) =>
                json<{ mspId: string; role: string; party: string; id: string }>(
                    await contract.evaluateTransaction('WhoAmI'),
                ),
            );
            expect(seen).toMatchObject({ mspId: 'MarketOrgMSP', role: 'agent', party });
            expect(seen.id).toContain(`CN=${name}`);
        } finally {
            ca.close();
        }
    });

    it('the registrar cannot hand out attributes outside mpt.*', async () => {
        const ca = caClient(network.layout, network.org('CustomsOrg'));
        try {
            await expect(
                ca.register(network.wallet('CustomsOrg').get(REGISTRAR), {
                    id: uniqueId('rogue').toLowerCase(),
                    attributes: [{ name: 'hf.Registrar.Roles', value: 'client' }],
                }),
            ).rejects.toThrow(/CA POST \/api\/v1\/register failed/);
        } finally {
            ca.close();
        }
    });

    it('a certificate from a foreign CA that claims to be MarketOrg is refused by the peer', async () => {
        // Same org name and domain as MarketOrg, but a CA of its own: an impersonation attempt.
        const config = path.join(scratch, 'crypto-config.yaml');
        writeFileSync(
            config,
            'PeerOrgs:\n  - Name: MarketOrg\n    Domain: market.trade.test\n    EnableNodeOUs: true\n    Users: { Count: 1 }\n',
        );
        await run(binary('cryptogen'), ['generate', `--config=${config}`, `--output=${scratch}`]);
        const msp = path.join(
            scratch,
            'peerOrganizations',
            'market.trade.test',
            'users',
            'User1@market.trade.test',
            'msp',
        );
        const keystore = path.join(msp, 'keystore');
        const foreign = {
            mspId: 'MarketOrgMSP',
            certificate: readFileSync(path.join(msp, 'signcerts', 'User1@market.trade.test-cert.pem'), 'utf8'),
            privateKey: readFileSync(path.join(keystore, readdirSync(keystore)[0] ?? 'priv_sk'), 'utf8'),
        };
        await expect(
            asIdentity(network, 'MarketOrg', foreign, 'DocumentContract', (contract) =>
                contract.submitTransaction('RegisterDocument', sha256Hex(), 'INVOICE'),
            ),
        ).rejects.toMatchObject({
            details: [
                expect.objectContaining({
                    message: expect.stringContaining('access denied: channel [trade] creator org unknown'),
                }),
            ],
        });
    });
});
