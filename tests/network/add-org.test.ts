import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { waitForLeader } from '../../network/src/channel';
import { endorsingMspIds, queryCommitted } from '../../network/src/chaincode';
import { connectionProfileFile } from '../../network/src/connection';
import { FabricNetwork } from '../../network/src/network';
import { waitFor } from '../../network/src/run';
import {
    at,
    BUYER_COUNTRY,
    BUYER_NAME,
    Client,
    exportTrades,
    fileParty,
    list,
    ok,
    omit,
    onboard,
    onboardMarket,
    startTestGateway,
    str,
    today,
    tradeBody,
    type Actor,
    type Market,
    type TestGateway,
} from './gateway-support';
import { networkCli, onChannelAs, uniqueId } from './support';

/**
 * `network:add-org` on a running network: the default topology (MarketOrg, CustomsOrg, BankOrg, Bank2Org) on ports
 * of its own (fixtures/add-org.yaml) in a temporary directory, so that the test network the other suites share keeps
 * its four orgs. Both banks allocate receipts to a trade; a third bank joins while orderer0 is down (the config update,
 * the approvals and the commit go through another orderer node); the gateway, restarted on the same data dir, serves
 * it; its officer checks the trade and sees the others' use as counts, and files a receipt of its own.
 */
const fixture = path.join(__dirname, 'fixtures', 'add-org.yaml');
const stateDir = mkdtempSync(path.join(tmpdir(), 'mpt-add-org-'));
const gatewayDir = mkdtempSync(path.join(tmpdir(), 'mpt-add-org-gateway-'));
const network = new FabricNetwork({ topologyFile: fixture, stateDir });
const gatewayEnv = { MPT_CONNECTION_PROFILE: connectionProfileFile(network.layout) };
const cli = (...args: string[]): ReturnType<typeof networkCli> =>
    networkCli(['--topology', fixture, '--state-dir', stateDir, ...args]);

let gateway: TestGateway | undefined;
let m: Market;
let otherBank: Actor;
const tradeNo = uniqueId('T');

const receipt = (amountMinor: number): Record<string, unknown> => ({
    receiptRef: uniqueId('R'),
    payeePartyId: m.ids.vendor,
    amountMinor,
    currency: 'USD',
    valueDate: today(),
    channel: 'SWIFT',
    allocations: [{ tradeNo, amountMinor }],
    payer: { name: BUYER_NAME, country: BUYER_COUNTRY },
});

/** The same API key on the restarted gateway. */
const on = (gw: TestGateway, actor: Actor): Client => new Client(gw.url, actor.api.apiKey);

/** MSP IDs of the peers that endorsed committed transaction `txId`. */
function endorsersOf(txId: string): Promise<string[]> {
    return onChannelAs(network, 'MarketOrg', network.wallet('MarketOrg').get('operator1'), async (channel) => {
        const bytes = await channel
            .getContract('qscc')
            .evaluateTransaction('GetTransactionByID', network.topology.channel, txId);
        const envelope = peer.ProcessedTransaction.deserializeBinary(bytes).getTransactionenvelope();
        const payload = common.Payload.deserializeBinary(envelope?.getPayload_asU8() ?? new Uint8Array());
        const [action] = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
        const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action?.getPayload_asU8() ?? new Uint8Array());
        return (endorsed.getAction()?.getEndorsementsList() ?? []).map((endorsement) =>
            msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid(),
        );
    });
}

beforeAll(async () => {
    await network.up();
    gateway = await startTestGateway(gatewayEnv, gatewayDir);
    m = await onboardMarket(gateway);
    // the market's second bank party banks at Bank2Org here (onboardMarket files both at BankOrg)
    const bank2Id = `BK2O-${m.run}`;
    await fileParty(m.operator.api, {
        countryCode: 'CN',
        partyId: bank2Id,
        type: 'BANK',
        legalName: 'Bank of the Second Org',
        orgMspId: 'Bank2OrgMSP',
    });
    otherBank = await onboard(
        gateway.bootstrapClient('Bank2Org', 'registrar'),
        'Bank2Org',
        `bank2o-${m.run.toLowerCase()}`,
        'bank',
        bank2Id,
    );
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
    await exportTrades(m, [tradeNo]);
    ok(await m.bank.api.post('/v1/receipts', receipt(30_000)), 201);
    ok(await otherBank.api.post('/v1/receipts', receipt(20_000)), 201);
});

afterAll(async () => {
    await gateway?.close();
    await network.reset();
    rmSync(gatewayDir, { recursive: true, force: true });
});

describe('network:add-org: a third bank joins the running network', () => {
    it('refuses a name that is not a bank organisation, or one already a member, and changes nothing', async () => {
        const invalid = await cli('add-org', 'Insurer1Org');
        const taken = await cli('add-org', 'Bank2Org');

        expect(invalid).toMatchObject({ code: 1, stderr: expect.stringContaining('invalid organisation name') });
        expect(taken).toMatchObject({ code: 1, stderr: expect.stringContaining('already a member') });
        expect(new FabricNetwork({ topologyFile: fixture, stateDir }).topology.peerOrgs).toHaveLength(4);
    });

    it('adds Bank3Org with orderer0 down: a config update a majority of the org admins sign, the next chaincode sequence', async () => {
        const [market] = network.topology.peerOrgs;
        if (!market) throw new Error('no MarketOrg');
        const before = await queryCommitted(network.layout, network.topology, market);
        network.crash('orderer0.trade.test');
        // the other two nodes are a majority: once one of them leads, the ordering service works without orderer0
        await waitForLeader(network.topology);

        const added = await cli('add-org', 'Bank3Org');

        expect(added).toMatchObject({ code: 0 });
        expect(added.stdout).toContain('signed by the admins of MarketOrgMSP, CustomsOrgMSP, BankOrgMSP');
        // each ordering step passed over the dead node, said so, and named the node it used
        const lines = added.stdout.split('\n');
        const lineAfter = (pattern: RegExp): string | undefined => lines[lines.findIndex((l) => pattern.test(l)) + 1];
        const failover = 'ordering through orderer1.trade.test: orderer0.trade.test (127.0.0.1:26050) did not answer';
        expect(lineAfter(/Adding Bank3OrgMSP to channel trade/)).toContain(failover);
        expect(lineAfter(/approving sequence \d+ for Bank3Org/)).toContain(failover);
        expect(lineAfter(/committing mpt version/)).toContain(failover);
        const grown = new FabricNetwork({ topologyFile: fixture, stateDir });
        expect(grown.topology.peerOrgs.map((org) => org.mspId)).toEqual([
            'MarketOrgMSP',
            'CustomsOrgMSP',
            'BankOrgMSP',
            'Bank2OrgMSP',
            'Bank3OrgMSP',
        ]);
        const after = await queryCommitted(grown.layout, grown.topology, market);
        expect(after).toMatchObject({ sequence: (before?.sequence ?? 0) + 1, version: before?.version });
        expect(new Set(endorsingMspIds(after ?? { sequence: 0, version: '' }))).toEqual(
            new Set(grown.topology.peerOrgs.map((org) => org.mspId)),
        );
        // orderer0 back, as the watchdog would bring it: it rejoins the Raft cluster and the network is healthy again.
        // Healthy includes caught up: until orderer0 has the config block naming Bank3OrgMSP it refuses Bank3Org's
        // transactions (FORBIDDEN, Writers policy), and the Fabric Gateway does not try another node after that answer
        expect(await grown.restartStopped()).toEqual(['orderer0.trade.test']);
        const status = await waitFor(
            'every node of the grown network to be healthy, orderer0 a Raft member again and caught up',
            async () => {
                const report = await grown.status();
                return report.ok ? report : undefined;
            },
            { timeoutMs: 90_000 },
        );
        expect(status.nodes.filter((node) => node.name.includes('bank3')).map((node) => node.name)).toEqual([
            'ca.bank3.trade.test',
            'peer0.bank3.trade.test',
            'mpt.bank3.trade.test',
        ]);
        expect((await cli('add-org', 'Bank3Org')).stderr).toContain('already a member');
    }, 360_000);

    it("keeps the data; the new bank's officer sees the other banks' use of a trade as counts, not who they are", async () => {
        await gateway?.close();
        // restarted on the same data dir, the gateway reads the grown connection profile: Bank3Org's admin key is new
        gateway = await startTestGateway(gatewayEnv, gatewayDir);
        const operator = on(gateway, m.operator);
        const bank3Id = `BK3O-${m.run}`;
        await fileParty(operator, {
            countryCode: 'CN',
            partyId: bank3Id,
            type: 'BANK',
            legalName: 'Bank of the Third Org',
            orgMspId: 'Bank3OrgMSP',
        });
        const bank3 = await onboard(
            gateway.bootstrapClient('Bank3Org', 'registrar'),
            'Bank3Org',
            `bank3o-${m.run.toLowerCase()}`,
            'bank',
            bank3Id,
        );

        const trade = ok(await operator.get(`/v1/trades/${tradeNo}`));
        const proposal = receipt(40_000);
        const check = ok(
            await bank3.api.post('/v1/receipts/check', { receipt: omit(proposal, 'receiptRef', 'channel', 'payer') }),
        );
        const settlement = ok(await bank3.api.get(`/v1/trades/${tradeNo}/settlement`));

        expect(trade).toMatchObject({ tradeNo, status: 'EXPORTED' });
        const reuse = list(check, 'result.checks').find((c) => at(c, 'id') === 'BK-04');
        expect(at(reuse, 'findings.0')).toMatchObject({
            subject: tradeNo,
            reason: 'BK04_WITHIN_REMAINING',
            detail: { alreadyAllocatedMinor: 50_000, remainingMinor: 70_000, otherReceipts: 2, otherBanks: 2 },
        });
        expect(at(check, 'result.trades.0')).toMatchObject({
            tradeNo,
            valueMinor: 120_000,
            allocatedBeforeMinor: 50_000,
            thisReceiptMinor: 40_000,
            remainingMinor: 30_000,
            otherBanksCount: 2,
        });
        expect(settlement).toMatchObject({ allocatedMinor: 50_000, ownAllocatedMinor: 0, otherBanksCount: 2 });
        for (const answer of [check, settlement]) {
            const text = JSON.stringify(answer);
            for (const secret of ['BankOrgMSP', 'Bank2OrgMSP', m.ids.bank, otherBank.party]) {
                expect(text).not.toContain(secret);
            }
        }

        const filed = ok(await bank3.api.post('/v1/receipts', proposal), 201);
        const receiptId = str(filed, 'result.receiptId');
        expect(receiptId).toBe(`Bank3OrgMSP:${String(proposal.receiptRef)}`);
        expect(await endorsersOf(str(filed, 'txId'))).toContain('Bank3OrgMSP');
        expect(ok(await bank3.api.get(`/v1/receipts/${receiptId}`))).toMatchObject({ allocatedMinor: 40_000 });
        expect((await on(gateway, m.bank).get(`/v1/receipts/${receiptId}`)).status).toBe(404);
        expect(ok(await bank3.api.get(`/v1/trades/${tradeNo}/settlement`))).toMatchObject({
            allocatedMinor: 90_000,
            ownAllocatedMinor: 40_000,
            otherBanksCount: 2,
        });
    });
});
