import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { repoRoot } from '../../network/client';
import { queryCommitted } from '../../network/src/chaincode';
import { FabricNetwork } from '../../network/src/network';
import { asUser, json, onChannelAs, sha256Hex } from './support';

const fixture = path.join(__dirname, 'fixtures', 'four-orgs.yaml');
const stateDir = mkdtempSync(path.join(tmpdir(), 'mpt-four-orgs-'));
// a copy of the compiled chaincode, so the deploy test can change it without touching dist/
const chaincodeDir = mkdtempSync(path.join(tmpdir(), 'mpt-four-orgs-chaincode-'));
cpSync(path.join(repoRoot(), 'dist', 'chaincode'), chaincodeDir, { recursive: true });
const network = new FabricNetwork({ topologyFile: fixture, stateDir, chaincodeDir });

afterAll(async () => {
    await network.reset();
    rmSync(chaincodeDir, { recursive: true, force: true });
});

/** Starts `network up` in a child process and kills it (SIGKILL) once it prints `marker`. */
function upKilledAt(marker: string): Promise<void> {
    const cli = path.join(repoRoot(), 'dist', 'network', 'src', 'cli.js');
    const child = spawn(process.execPath, [cli, '--topology', fixture, '--state-dir', stateDir, 'up']);
    return new Promise((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes(marker)) {
                child.kill('SIGKILL');
            }
        });
        child.on('close', (_code, signal) => {
            if (signal === 'SIGKILL') {
                resolve();
            } else {
                reject(new Error(`up finished before "${marker}":\n${output}`));
            }
        });
    });
}

/** MSP IDs of the peers whose endorsements are in committed transaction `txId` of block `blockNumber`. */
async function endorsersOf(txId: string, blockNumber: bigint): Promise<string[]> {
    const block = await onChannelAs(
        network,
        'MarketOrg',
        network.wallet('MarketOrg').get('operator1'),
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
    it('an up killed halfway is finished by the next up', async () => {
        await upKilledAt('Starting chaincode servers and deploying chaincode');
        await network.up();
        expect((await network.status()).ok).toBe(true);
    });

    it('up refuses to start a node whose port is taken, naming the port, and succeeds once it is free', async () => {
        await network.down();
        const blocker = createServer();
        const adminPort = network.topology.orderer.nodes[0]?.adminPort ?? 0;
        await new Promise<void>((resolve) => blocker.listen(adminPort, '127.0.0.1', resolve));
        try {
            await expect(network.up()).rejects.toThrow(`port ${adminPort} on 127.0.0.1 is already in use`);
        } finally {
            await new Promise((resolve) => blocker.close(resolve));
        }
        await network.up();
        expect((await network.status()).ok).toBe(true);
    });

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

    it('deploy commits changed chaincode as the next sequence and keeps the data', async () => {
        const sha256 = sha256Hex();
        await asUser(network, 'MarketOrg', 'operator1', 'DocumentContract', (contract) =>
            contract.submitTransaction('RegisterDocument', sha256, 'INVOICE'),
        );
        const [market] = network.topology.peerOrgs;
        if (!market) {
            throw new Error('no MarketOrg');
        }
        const before = await queryCommitted(network.layout, network.topology, market);
        appendFileSync(path.join(chaincodeDir, 'src', 'index.js'), '\n// changed by the deploy test\n');

        await network.deploy();

        const after = await queryCommitted(network.layout, network.topology, market);
        expect(after?.sequence).toBe((before?.sequence ?? 0) + 1);
        expect(after?.version).not.toBe(before?.version);
        const read = await asUser(network, 'CustomsOrg', 'officer1', 'DocumentContract', async (contract) =>
            json<{ sha256: string }>(await contract.evaluateTransaction('GetDocument', sha256)),
        );
        expect(read.sha256).toBe(sha256);
        expect((await network.status()).ok).toBe(true);
    });

    it('a write is endorsed by two of the four orgs, goes on with both banks down, and fails with one org left', async () => {
        const register = (): Promise<{ txId: string; blockNumber: bigint }> =>
            asUser(network, 'MarketOrg', 'operator1', 'DocumentContract', async (contract) => {
                const submitted = await contract.submitAsync('RegisterDocument', {
                    arguments: [sha256Hex(), 'INVOICE'],
                });
                const status = await submitted.getStatus();
                expect(status.successful).toBe(true);
                return { txId: submitted.getTransactionId(), blockNumber: status.blockNumber };
            });
        const first = await register();
        expect(new Set(await endorsersOf(first.txId, first.blockNumber)).size).toBeGreaterThanOrEqual(2);

        network.crash('peer0.bank.trade.test');
        network.crash('peer0.bank2.trade.test');
        const withoutBanks = await register();
        expect(new Set(await endorsersOf(withoutBanks.txId, withoutBanks.blockNumber))).toEqual(
            new Set(['MarketOrgMSP', 'CustomsOrgMSP']),
        );

        network.crash('peer0.customs.trade.test');
        await expect(
            asUser(network, 'MarketOrg', 'operator1', 'DocumentContract', (contract) =>
                contract.submitTransaction('RegisterDocument', sha256Hex(), 'INVOICE'),
            ),
        ).rejects.toThrow();
    });
});
