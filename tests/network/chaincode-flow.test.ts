import { describe, expect, it } from '@jest/globals';
import { StatusCode } from '@hyperledger/fabric-gateway';
import type { StoredIdentity } from '../../network/client';
import { FabricNetwork } from '../../network/src/network';
import { enrol, fileMarket, marketFixture, proposalOptions, type Call, type Json } from './market-fixture';
import { onChannelAs, uniqueId } from './support';

/**
 * The chaincode's main path on the real network: parties filed by the operator, people enrolled at their
 * org's CA with those parties, then trade → consolidation → declaration → customs → checks → trace → receipt.
 * Every party ID is new per run, because the ledger outlives the test.
 */
const network = new FabricNetwork();
const market = marketFixture(uniqueId('R'));
const { run, ids, today } = market;
const declNo = `2920${String(Date.now()).padStart(14, '0')}`;
const tradeNo = `T-${run}`;

async function submit(who: StoredIdentity, org: string, fn: string, args: unknown[], call: Call = {}): Promise<Json> {
    const { chaincode } = network.connectionProfile();
    const [contract, transaction] = fn.split('.') as [string, string];
    return onChannelAs(network, org, who, async (channel) => {
        const result = await channel.getContract(chaincode, contract).submit(transaction, proposalOptions(args, call));
        return JSON.parse(Buffer.from(result).toString('utf8')) as Json;
    });
}

async function evaluate(who: StoredIdentity, org: string, fn: string, args: string[]): Promise<Json> {
    const { chaincode } = network.connectionProfile();
    const [contract, transaction] = fn.split('.') as [string, string];
    return onChannelAs(network, org, who, async (channel) => {
        const result = await channel.getContract(chaincode, contract).evaluateTransaction(transaction, ...args);
        return JSON.parse(Buffer.from(result).toString('utf8')) as Json;
    });
}

describe('chaincode main path on the real network', () => {
    it('a trade goes from registration to exit, passes the customs and bank checks, and traces to its vendor', async () => {
        const operator = network.wallet('MarketOrg').get('operator1');
        const officer = network.wallet('CustomsOrg').get('officer1');
        await fileMarket(market, (fn, args, call) => submit(operator, 'MarketOrg', fn, args, call), [
            'vendor',
            'agent',
            'buyer',
            'producer',
            'consolidator',
            'broker',
            'bank',
        ]);

        const vendor = await enrol(network, 'MarketOrg', 'vendor', ids.vendor);
        const agent = await enrol(network, 'MarketOrg', 'agent', ids.agent);
        const consolidator = await enrol(network, 'MarketOrg', 'consolidator', ids.consolidator);
        const broker = await enrol(network, 'MarketOrg', 'broker', ids.broker);
        const bank = await enrol(network, 'BankOrg', 'bank', ids.bank);

        await submit(agent, 'MarketOrg', 'PartyContract.FileAgencyAgreement', [market.agencyAgreement]);
        await submit(vendor, 'MarketOrg', 'PartyContract.SignAgencyAgreement', [market.agencyAgreement.agreementNo]);
        const goodsCode = `G-${run}`;
        await submit(vendor, 'MarketOrg', 'GoodsContract.RegisterGoods', [market.goods(goodsCode)]);

        const trade = await submit(vendor, 'MarketOrg', 'TradeContract.RegisterTrade', [
            market.trade(tradeNo, goodsCode),
        ]);
        expect(trade).toMatchObject({ status: 'CONFIRMED', totalAmount: 120_000 });

        const orderCode = `O-${run}`;
        const packingNo = `PK-${run}`;
        await submit(consolidator, 'MarketOrg', 'ConsolidationContract.CreateConsolidationOrder', [
            {
                orderCode,
                consolidatorId: ids.consolidator,
                agentId: ids.agent,
                destCountry: 'AE',
                site: 'YIWU-CSP',
                tradeNos: [tradeNo],
            },
        ]);
        await submit(consolidator, 'MarketOrg', 'ConsolidationContract.RecordPackingList', [
            {
                packingNo,
                consolidatorId: ids.consolidator,
                brokerId: ids.broker,
                packDate: today,
                site: 'YIWU-CSP',
                destCountry: 'AE',
                containers: [
                    {
                        containerNo: 'MSCU1234565',
                        type: '45G1',
                        sealNo: `SEAL-${run}`,
                        tareKg: 3800,
                        orderCodes: [orderCode],
                    },
                ],
            },
        ]);
        const declaration = await submit(broker, 'MarketOrg', 'DeclarationContract.FileDeclaration', [
            {
                declNo,
                packingNo,
                consignorId: ids.agent,
                brokerId: ids.broker,
                customsOffice: '2920',
                exitPort: 'CNNGB',
                declDate: today,
                destCountry: 'AE',
                tradeCountry: 'AE',
                transportMode: 'SEA',
                tradeNos: [tradeNo],
            },
        ]);
        expect(declaration).toMatchObject({ status: 'SUBMITTED', totalValueUsd: 120_000 });

        // key-level endorsement: a customs event endorsed without CustomsOrg's peer is invalidated at commit
        await expect(
            submit(officer, 'CustomsOrg', 'CustomsContract.AcceptDeclaration', [declNo], {
                endorsingOrganizations: ['MarketOrgMSP', 'BankOrgMSP'],
            }),
        ).rejects.toMatchObject({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE });
        await submit(officer, 'CustomsOrg', 'CustomsContract.AcceptDeclaration', [declNo]);
        await submit(officer, 'CustomsOrg', 'CustomsContract.ReleaseDeclaration', [declNo]);
        await submit(officer, 'CustomsOrg', 'CustomsContract.ConfirmExit', [declNo, today]);

        const check = await evaluate(officer, 'CustomsOrg', 'CustomsContract.CheckDeclaration', [declNo]);
        expect(check.verdict).toBe('PASS');
        const trace = await evaluate(officer, 'CustomsOrg', 'CustomsContract.TraceDeclarationLine', [declNo, '1']);
        expect(trace).toMatchObject({ contributions: [{ tradeNo, vendor: { partyId: ids.vendor } }] });

        const receipt = await submit(
            bank,
            'BankOrg',
            'ReceiptContract.FileReceipt',
            [market.receipt(tradeNo)],
            market.receiptCall,
        );
        const verified = await submit(
            bank,
            'BankOrg',
            'ReceiptContract.VerifyReceipt',
            [String(receipt.receiptId)],
            market.receiptCall,
        );
        expect(verified).toMatchObject({ receipt: { status: 'VERIFIED' }, check: { verdict: 'PASS' } });

        const seenByBank = await evaluate(bank, 'BankOrg', 'TradeContract.GetTrade', [tradeNo]);
        expect(seenByBank).toMatchObject({ status: 'EXPORTED', declNo });
    });
});
