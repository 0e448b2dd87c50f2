import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { FabricNetwork } from '../../network/src/network';
import { asUser, json, onChannelAs, sha256Hex } from './support';

const network = new FabricNetwork({
    topologyFile: path.join(__dirname, 'fixtures', 'four-orgs.yaml'),
    stateDir: mkdtempSync(path.join(tmpdir(), 'mpt-four-orgs-')),
});

beforeAll(async () => {
    await network.up();
});

afterAll(async () => {
    await network.reset();
});

/** MSP IDs of the peers whose endorsements are in committed transaction `txId` of block `blockNumber`. */
async function endorsersOf(txId: string, blockNumber: bigint): Promise<string[]> {
    const block = await onChannelAs(
        network,
        'MarketOrg',
        network.wallet('MarketOrg').get('vendor1'),
        async (channel) => {
            const blocks = await channel.getBlockEvents({ startBlock: blockNumber });
            try {
                for await (const received of blocks) {
                    return received;
                }
                throw new Error(`block ${blockNumber} never arrived`);
            } finally {
                blocks.close();
            }
        },
    );
    for (const data of block.getData()?.getDataList_asU8() ?? []) {
        const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(data).getPayload_asU8());
        const header = common.ChannelHeader.deserializeBinary(
            payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
        );
        if (header.getTxId() !== txId) {
            continue;
        }
        const [action] = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
        const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action?.getPayload_asU8() ?? new Uint8Array());
        return (endorsed.getAction()?.getEndorsementsList() ?? []).map((endorsement) =>
            msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid(),
        );
    }
    throw new Error(`transaction ${txId} is not in block ${blockNumber}`);
}

describe('a topology with a second bank', () => {
    it("comes up with four peer orgs, and the new bank's CA issues identities the chaincode recognises", async () => {
        expect(network.topology.peerOrgs.map((org) => org.mspId)).toEqual([
            'MarketOrgMSP',
            'CustomsOrgMSP',
            'BankOrgMSP',
            'Bank2OrgMSP',
        ]);
        const seen = await asUser(network, 'Bank2Org', 'officer1', 'IdentityContract', async (contract) =>
            json<{ mspId: string; role: string; party: string }>(await contract.evaluateTransaction('WhoAmI')),
        );
        expect(seen).toEqual(expect.objectContaining({ mspId: 'Bank2OrgMSP', role: 'bank', party: 'BANK-0002' }));
        expect((await network.status()).ok).toBe(true);
    });

    it('a write is endorsed by a majority of the four orgs, and fails when a majority cannot endorse', async () => {
        const { txId, blockNumber } = await asUser(
            network,
            'MarketOrg',
            'vendor1',
            'DocumentContract',
            async (contract) => {
                const submitted = await contract.submitAsync('RegisterDocument', {
                    arguments: [sha256Hex(), 'INVOICE'],
                });
                const status = await submitted.getStatus();
                expect(status.successful).toBe(true);
                return { txId: submitted.getTransactionId(), blockNumber: status.blockNumber };
            },
        );
        const endorsers = new Set(await endorsersOf(txId, blockNumber));
        expect(endorsers.size).toBeGreaterThanOrEqual(3);

        network.crash('peer0.bank.trade.test');
        network.crash('peer0.bank2.trade.test');
        await expect(
            asUser(network, 'MarketOrg', 'vendor1', 'DocumentContract', (contract) =>
                contract.submitTransaction('RegisterDocument', sha256Hex(), 'INVOICE'),
            ),
        ).rejects.toThrow();
    });
});
