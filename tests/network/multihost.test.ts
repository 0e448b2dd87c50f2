import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { peer } from '@hyperledger/fabric-protos';
import type { StoredIdentity } from '../../network/client';
import { metric } from '../../network/src/health';
import { FabricNetwork } from '../../network/src/network';
import { waitFor } from '../../network/src/run';
import { NamespaceHosts } from './hosts-in-namespaces';
import { enrol, fileMarket, marketFixture, proposalOptions, type Call, type Json } from './market-fixture';
import { onChannelAs, uniqueId } from './support';

/**
 * Issue #12 §4 on one machine: the network of fixtures/multihost.yaml spread over four hosts, each a network
 * namespace with its own address on a bridge, each with its own state directory (no shared disk: what a host
 * needs of another travels as a bundle file). Every host runs `network:up --host` inside its namespace; the test
 * is a fifth address on the bridge, the client.
 */
const octet = (): number => 16 + Math.floor(Math.random() * 200);
const hosts = new NamespaceHosts(`10.${octet()}.${octet()}`, { orderers: 10, market: 11, customs: 12, bank: 13 });
const work = mkdtempSync(path.join(tmpdir(), 'mpt-multihost-'));
const topologyFile = path.join(work, 'topology.yaml');
writeFileSync(
    topologyFile,
    readFileSync(path.join(__dirname, 'fixtures', 'multihost.yaml'), 'utf8').replaceAll('10.77.0.', `${hosts.subnet}.`),
);
const stateDir = (host: string): string => path.join(work, host);
const bundle = (host: string): string => path.join(work, 'bundles', `${host}.bundle`);
const PEER_HOSTS = ['market', 'customs', 'bank'] as const;

/** `network:up --host` run on the host itself; returns what it printed. */
const up = (host: string, imports: string[] = []): Promise<string> =>
    hosts.cli(host, [
        '--topology',
        topologyFile,
        '--state-dir',
        stateDir(host),
        'up',
        '--host',
        host,
        ...(imports.length > 0 ? ['--import', ...imports] : []),
    ]);
const exportFrom = (host: string): Promise<string> =>
    hosts.cli(host, [
        '--topology',
        topologyFile,
        '--state-dir',
        stateDir(host),
        'export',
        '--host',
        host,
        '--out',
        bundle(host),
    ]);

/** Each host's view of the network: its connection profile and its orgs' wallets. */
const view = (host: string): FabricNetwork => new FabricNetwork({ topologyFile, stateDir: stateDir(host) });

const market = marketFixture(uniqueId('MH'));
const { run, ids } = market;

async function submit(
    host: string,
    org: string,
    who: StoredIdentity,
    fn: string,
    args: unknown[],
    call: Call = {},
): Promise<{ result: Json; txId: string }> {
    const network = view(host);
    const [contract, transaction] = fn.split('.') as [string, string];
    return onChannelAs(network, org, who, async (channel) => {
        const proposal = channel
            .getContract(network.connectionProfile().chaincode, contract)
            .newProposal(transaction, proposalOptions(args, call));
        const submitted = await (await proposal.endorse()).submit();
        const status = await submitted.getStatus();
        if (!status.successful) {
            throw new Error(`${fn} ${status.transactionId} was not committed: code ${status.code}`);
        }
        return {
            result: JSON.parse(Buffer.from(submitted.getResult()).toString('utf8')) as Json,
            txId: status.transactionId,
        };
    });
}

/** The channel height a host's peer holds (its operations endpoint, reached over the bridge). */
async function height(host: string, org: string): Promise<number> {
    const { peerOrgs } = view(host).topology;
    const found = peerOrgs.find((candidate) => candidate.name === org);
    if (!found) throw new Error(`no ${org}`);
    return (
        (await metric(`${found.host}:${found.operationsPort}`, 'ledger_blockchain_height', { channel: 'trade' })) ?? 0
    );
}

beforeAll(() => {
    hosts.create();
});

afterAll(async () => {
    for (const host of ['orderers', ...PEER_HOSTS]) {
        await new FabricNetwork({ topologyFile, stateDir: stateDir(host) }).down();
    }
    hosts.remove();
    rmSync(work, { recursive: true, force: true });
});

describe('a network spread over hosts (network namespaces)', () => {
    let vendor: StoredIdentity;
    let bank: StoredIdentity;
    const goodsCode = `G-${run}`;
    const tradeNo = `T-${run}`;

    it('comes up host by host, exchanging bundles only: channel by the orderer host, approvals by each org', async () => {
        const started = Date.now();
        // each peer host makes its keys and starts its nodes; without the channel it says whose turn it is
        const first = await Promise.all(PEER_HOSTS.map((host) => up(host)));
        for (const output of first) {
            expect(output).toContain('host orderers: create channel trade');
        }
        await Promise.all(PEER_HOSTS.map(exportFrom));
        // the orderer host cannot make the genesis block without every org's certificates
        expect(await up('orderers', [bundle('market'), bundle('customs')])).toContain(
            "host bank: network:up --host bank, then network:export --host bank --out <file>, and give the file to host orderers (network:up --host orderers --import <file>): the channel's genesis block needs BankOrgMSP's certificates",
        );
        expect(await up('orderers', [bundle('bank')])).toContain('Host orderers is up and in the channel');
        await exportFrom('orderers');
        // one approval of three is not a majority: the market host says who must approve
        const market = await up('market', [bundle('orderers')]);
        expect(market).toContain('host customs: network:up --host customs --import');
        expect(market).toContain("CustomsOrgMSP's admin approves chaincode mpt");
        // the second approval makes a majority: the customs host commits
        expect(await up('customs', [bundle('orderers')])).toContain('Host customs is up and in the channel');
        expect(await up('bank', [bundle('orderers')])).toContain('Host bank is up and in the channel');
        expect(await up('market')).toContain('Host market is up and in the channel');
        console.log(`multi-host life cycle on four namespaces: ${((Date.now() - started) / 1000).toFixed(1)}s`);
        // no private key left its host: the bundles hold certificates and the genesis block only
        for (const host of ['orderers', ...PEER_HOSTS]) {
            expect(readFileSync(bundle(host), 'utf8')).not.toContain(Buffer.from('PRIVATE KEY').toString('base64'));
        }
    });

    it('the vendor writes a trade from the market host; the bank files a receipt and checks it from the bank host', async () => {
        const operator = view('market').wallet('MarketOrg').get('operator1');
        await fileMarket(market, (fn, args, call) => submit('market', 'MarketOrg', operator, fn, args, call), [
            'vendor',
            'agent',
            'buyer',
            'producer',
            'bank',
        ]);
        vendor = await enrol(view('market'), 'MarketOrg', 'vendor', ids.vendor);
        const agent = await enrol(view('market'), 'MarketOrg', 'agent', ids.agent);
        bank = await enrol(view('bank'), 'BankOrg', 'bank', ids.bank);

        await submit('market', 'MarketOrg', agent, 'PartyContract.FileAgencyAgreement', [market.agencyAgreement]);
        await submit('market', 'MarketOrg', vendor, 'PartyContract.SignAgencyAgreement', [
            market.agencyAgreement.agreementNo,
        ]);
        await submit('market', 'MarketOrg', vendor, 'GoodsContract.RegisterGoods', [market.goods(goodsCode)]);
        const trade = await submit('market', 'MarketOrg', vendor, 'TradeContract.RegisterTrade', [
            market.trade(tradeNo, goodsCode),
        ]);
        expect(trade.result).toMatchObject({ status: 'CONFIRMED', totalAmount: 120_000 });

        const receipt = await submit(
            'bank',
            'BankOrg',
            bank,
            'ReceiptContract.FileReceipt',
            [market.receipt(tradeNo)],
            market.receiptCall,
        );
        const checked = await submit(
            'bank',
            'BankOrg',
            bank,
            'ReceiptContract.VerifyReceipt',
            [String(receipt.result.receiptId)],
            market.receiptCall,
        );
        // the bank's check reads the trade the vendor wrote on another host; REFER only because it has not left China yet
        expect(checked.result).toMatchObject({
            receipt: { receiptId: receipt.result.receiptId },
            check: {
                verdict: 'REFER',
                checks: expect.arrayContaining([
                    expect.objectContaining({ id: 'BK-02', outcome: 'PASS', reason: 'BK02_TRADE_BACKED' }),
                    expect.objectContaining({ id: 'BK-03', outcome: 'REFER', reason: 'BK03_PENDING_EXPORT' }),
                    expect.objectContaining({ id: 'BK-04', outcome: 'PASS', reason: 'BK04_NO_PRIOR_USE' }),
                ]) as unknown,
            },
        });
    });

    it('the bank host cut off: writes go on through the other hosts; plugged back in, its peer catches up, none lost', async () => {
        const before = await height('bank', 'BankOrg');
        hosts.setConnected('bank', false);
        const acknowledged: string[] = [];
        const failed: string[] = [];
        try {
            for (let i = 0; i < 12; i++) {
                try {
                    const { txId } = await submit('market', 'MarketOrg', vendor, 'GoodsContract.RegisterGoods', [
                        market.goods(`${goodsCode}-CUT-${i}`),
                    ]);
                    acknowledged.push(txId);
                } catch (error) {
                    failed.push((error as Error).message.split('\n')[0] ?? '');
                }
            }
        } finally {
            hosts.setConnected('bank', true);
        }
        console.log(
            `while the bank host was cut off: ${acknowledged.length} writes acknowledged, ${failed.length} failed`,
        );
        expect(acknowledged.length).toBeGreaterThanOrEqual(10);

        const rejoined = Date.now();
        const target = await height('market', 'MarketOrg');
        // the writes made while it was cut off are blocks the bank's peer did not have
        expect(target - before).toBeGreaterThanOrEqual(acknowledged.length);
        await waitFor(
            `the bank's peer to catch up to block ${target}`,
            async () => ((await height('bank', 'BankOrg')) >= target ? true : undefined),
            { timeoutMs: 120_000 },
        );
        console.log(
            `bank peer caught up ${target} blocks' height ${((Date.now() - rejoined) / 1000).toFixed(1)}s after rejoining`,
        );
        // every acknowledged write is on the bank's own ledger, valid
        const lost: string[] = [];
        await onChannelAs(view('bank'), 'BankOrg', bank, async (channel) => {
            const qscc = channel.getContract('qscc');
            for (const txId of acknowledged) {
                try {
                    const bytes = await qscc.evaluateTransaction('GetTransactionByID', 'trade', txId);
                    if (
                        peer.ProcessedTransaction.deserializeBinary(bytes).getValidationcode() !==
                        peer.TxValidationCode.VALID
                    ) {
                        lost.push(txId);
                    }
                } catch {
                    lost.push(txId);
                }
            }
        });
        expect(lost).toEqual([]);
    });
});
