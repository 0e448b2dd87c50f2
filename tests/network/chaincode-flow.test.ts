import { describe, expect, it } from '@jest/globals';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { businessDateOf } from '../../chaincode/src/lib/identity';
import { REGISTRAR, userAttributes, type StoredIdentity } from '../../network/client';
import { caClient } from '../../network/src/identities';
import { FabricNetwork } from '../../network/src/network';
import { onChannelAs, runIds, uniqueId } from './support';

/**
 * The chaincode's main path on the real network: parties filed by the operator, people enrolled at their
 * org's CA with those parties, then trade → consolidation → declaration → customs → checks → trace → receipt.
 * Every party ID is new per run, because the ledger outlives the test.
 */
const network = new FabricNetwork();
const run = uniqueId('R');
const ids = runIds(run);
/** The China business date: release and exit are dated on it (V32), so the test's dates must be too. */
const today = businessDateOf(new Date().toISOString());
const declNo = `2920${String(Date.now()).padStart(14, '0')}`;
const tradeNo = `T-${run}`;
const PII_ORGS = ['MarketOrgMSP', 'CustomsOrgMSP'];

interface Call {
    transient?: Record<string, string>;
    endorsingOrganizations?: string[];
}

type Json = Record<string, unknown>;

async function submit(who: StoredIdentity, org: string, fn: string, args: unknown[], call: Call = {}): Promise<Json> {
    const { chaincode } = network.connectionProfile();
    const [contract, transaction] = fn.split('.') as [string, string];
    return onChannelAs(network, org, who, async (channel) => {
        const result = await channel.getContract(chaincode, contract).submit(transaction, {
            arguments: args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))),
            ...(call.transient ? { transientData: call.transient } : {}),
            ...(call.endorsingOrganizations ? { endorsingOrganizations: call.endorsingOrganizations } : {}),
        });
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

async function enrol(org: string, role: string, party: string): Promise<StoredIdentity> {
    const ca = caClient(network.layout, network.org(org));
    try {
        const name = `${role}-${party}`.toLowerCase();
        const secret = await ca.register(network.wallet(org).get(REGISTRAR), {
            id: name,
            attributes: userAttributes({ role, party }),
        });
        return { mspId: network.org(org).mspId, ...(await ca.enroll(name, secret)) };
    } finally {
        ca.close();
    }
}

async function fileParty(operator: StoredIdentity, party: Json, transient?: Record<string, string>): Promise<void> {
    const call: Call = transient ? { transient, endorsingOrganizations: PII_ORGS } : {};
    await submit(operator, 'MarketOrg', 'PartyContract.RegisterParty', [party], call);
    await submit(operator, 'MarketOrg', 'PartyContract.VerifyParty', [party.partyId, 'documents checked']);
    await submit(operator, 'MarketOrg', 'PartyContract.ActivateParty', [party.partyId, 'filing complete']);
}

describe('chaincode main path on the real network', () => {
    it('a trade goes from registration to exit, passes the customs and bank checks, and traces to its vendor', async () => {
        const operator = network.wallet('MarketOrg').get('operator1');
        const officer = network.wallet('CustomsOrg').get('officer1');
        await submit(operator, 'MarketOrg', 'PartyContract.RegisterCluster', [
            {
                clusterId: ids.cluster,
                name: 'Yiwu International Trade City',
                city: 'Yiwu',
                customsOffice: '2920',
                acceptanceDate: '2014-01-01',
                streets: [{ streetId: 'D1', name: 'District 1', stalls: ['S-101'] }],
            },
        ]);
        const base = { countryCode: 'CN' };
        await fileParty(operator, {
            ...base,
            partyId: ids.vendor,
            type: 'MERCHANT',
            legalName: '义乌测试商行',
            clusterId: ids.cluster,
            stallNo: 'S-101',
        });
        await fileParty(operator, {
            ...base,
            partyId: ids.agent,
            type: 'AGENT',
            legalName: 'Test Agent',
            commerceFilingNo: 'CF-1',
            customsRegNo: 'CR-1',
        });
        await fileParty(
            operator,
            {
                partyId: ids.buyer,
                type: 'BUYER',
                legalName: 'Omar Haddad',
                nameEn: 'Omar Haddad',
                countryCode: 'AE',
                nationality: 'AE',
                idType: 'PASSPORT',
            },
            { idNumber: `P${run}`, salt: `salt-${run}-0123456789` },
        );
        await fileParty(operator, { ...base, partyId: ids.producer, type: 'PRODUCER', legalName: 'Test Producer' });
        await fileParty(operator, {
            ...base,
            partyId: ids.consolidator,
            type: 'CONSOLIDATOR',
            legalName: 'Test Consolidator',
        });
        await fileParty(operator, { ...base, partyId: ids.broker, type: 'BROKER', legalName: 'Test Broker' });
        await fileParty(operator, {
            ...base,
            partyId: ids.bank,
            type: 'BANK',
            legalName: 'Test Bank',
            orgMspId: 'BankOrgMSP',
        });

        const vendor = await enrol('MarketOrg', 'vendor', ids.vendor);
        const agent = await enrol('MarketOrg', 'agent', ids.agent);
        const consolidator = await enrol('MarketOrg', 'consolidator', ids.consolidator);
        const broker = await enrol('MarketOrg', 'broker', ids.broker);
        const bank = await enrol('BankOrg', 'bank', ids.bank);

        const agreementNo = `AG-${run}`;
        await submit(agent, 'MarketOrg', 'PartyContract.FileAgencyAgreement', [
            {
                agreementNo,
                merchantId: ids.vendor,
                agentId: ids.agent,
                validFrom: '2026-01-01',
                validTo: '2027-12-31',
                documentHash: 'a'.repeat(64),
            },
        ]);
        await submit(vendor, 'MarketOrg', 'PartyContract.SignAgencyAgreement', [agreementNo]);
        const goodsCode = `G-${run}`;
        await submit(vendor, 'MarketOrg', 'GoodsContract.RegisterGoods', [
            {
                goodsCode,
                ownerId: ids.vendor,
                nameCn: '塑料玩具',
                nameEn: 'Plastic toy',
                hsCode: '9503008900',
                unit: 'PCS',
                producerId: ids.producer,
                priceRange: { currency: 'USD', minUnitPrice: 50, maxUnitPrice: 2000 },
            },
        ]);

        const trade = await submit(vendor, 'MarketOrg', 'TradeContract.RegisterTrade', [
            {
                tradeNo,
                vendorId: ids.vendor,
                agentId: ids.agent,
                buyerId: ids.buyer,
                tradeDate: today,
                currency: 'USD',
                agencyReceipt: false,
                paymentTerms: 'PREPAID',
                paymentChannel: 'BANK',
                lines: [{ lineId: 'L1', goodsCode, qty: 1000, unitPrice: 120, amount: 120_000 }],
                documents: ['b'.repeat(64)],
            },
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

        const payer = JSON.stringify({ salt: `salt-${run}-payer-0123`, name: 'Omar Haddad', country: 'AE' });
        const receipt = await submit(
            bank,
            'BankOrg',
            'ReceiptContract.FileReceipt',
            [
                {
                    receiptRef: `R-${run}`,
                    payeePartyId: ids.vendor,
                    amountMinor: 120_000,
                    currency: 'USD',
                    valueDate: today,
                    channel: 'SWIFT',
                    allocations: [{ tradeNo, amountMinor: 120_000 }],
                },
            ],
            { transient: { payer }, endorsingOrganizations: ['BankOrgMSP', 'MarketOrgMSP'] },
        );
        const verified = await submit(bank, 'BankOrg', 'ReceiptContract.VerifyReceipt', [String(receipt.receiptId)], {
            transient: { payer },
            endorsingOrganizations: ['BankOrgMSP', 'MarketOrgMSP'],
        });
        expect(verified).toMatchObject({ receipt: { status: 'VERIFIED' }, check: { verdict: 'PASS' } });

        const seenByBank = await evaluate(bank, 'BankOrg', 'TradeContract.GetTrade', [tradeNo]);
        expect(seenByBank).toMatchObject({ status: 'EXPORTED', declNo });
    });
});
