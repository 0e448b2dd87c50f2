import type { ProposalOptions } from '@hyperledger/fabric-gateway';
import { businessDateOf } from '../../chaincode/src/lib/identity';
import { REGISTRAR, userAttributes, type StoredIdentity } from '../../network/client';
import { caClient } from '../../network/src/identities';
import type { FabricNetwork } from '../../network/src/network';
import { runIds, type RunIds } from './support';

/**
 * One run's small market as the chaincode takes it, for the suites that drive Fabric directly rather than through the
 * gateway (chaincode-flow on the test network, multihost on a network spread over namespaces): a cluster, its
 * parties, goods, a trade, an agency agreement and a receipt, every ID new per run because the ledger outlives it.
 */

export type Json = Record<string, unknown>;

/** What a submit adds to its arguments: private data, and which orgs must endorse. */
export interface Call {
    transient?: Record<string, string>;
    endorsingOrganizations?: string[];
}

/** A transaction's proposal: the arguments as the chaincode reads them (JSON unless a plain string), and the call. */
export const proposalOptions = (args: readonly unknown[], call: Call = {}): ProposalOptions => ({
    arguments: args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))),
    ...(call.transient ? { transientData: call.transient } : {}),
    ...(call.endorsingOrganizations ? { endorsingOrganizations: call.endorsingOrganizations } : {}),
});

/** Submits `Contract.Transaction` (e.g. `PartyContract.RegisterParty`) as one identity, through one org's peer. */
export type Submit = (fn: string, args: unknown[], call?: Call) => Promise<unknown>;

/** The orgs that hold buyers' identity documents (the market's private collection). */
const PII_ORGS = ['MarketOrgMSP', 'CustomsOrgMSP'];

/** Every kind of party the fixture files. */
export type PartyKind = 'vendor' | 'agent' | 'buyer' | 'producer' | 'consolidator' | 'broker' | 'bank';

export interface MarketFixture {
    readonly run: string;
    readonly ids: RunIds;
    /** The China business date: release and exit are dated on it (V32), so trades and receipts are too. */
    readonly today: string;
    readonly cluster: Json;
    readonly parties: Readonly<Record<PartyKind, Json>>;
    /** The buyer's identity document, sent as private data. */
    readonly buyerDocument: Record<string, string>;
    readonly agencyAgreement: Json;
    goods(goodsCode: string): Json;
    trade(tradeNo: string, goodsCode: string): Json;
    receipt(tradeNo: string): Json;
    /** How a receipt is filed and verified: its payer as private data, endorsed by the bank and the market. */
    readonly receiptCall: Call;
}

export function marketFixture(run: string): MarketFixture {
    const ids = runIds(run);
    const today = businessDateOf(new Date().toISOString());
    const base = { countryCode: 'CN' };
    const payer = JSON.stringify({ salt: `salt-${run}-payer-0123`, name: 'Omar Haddad', country: 'AE' });
    return {
        run,
        ids,
        today,
        cluster: {
            clusterId: ids.cluster,
            name: 'Yiwu International Trade City',
            city: 'Yiwu',
            customsOffice: '2920',
            acceptanceDate: '2014-01-01',
            streets: [{ streetId: 'D1', name: 'District 1', stalls: ['S-101'] }],
        },
        parties: {
            vendor: {
                ...base,
                partyId: ids.vendor,
                type: 'MERCHANT',
                legalName: '义乌测试商行',
                clusterId: ids.cluster,
                stallNo: 'S-101',
            },
            agent: {
                ...base,
                partyId: ids.agent,
                type: 'AGENT',
                legalName: 'Test Agent',
                commerceFilingNo: 'CF-1',
                customsRegNo: 'CR-1',
            },
            buyer: {
                partyId: ids.buyer,
                type: 'BUYER',
                legalName: 'Omar Haddad',
                nameEn: 'Omar Haddad',
                countryCode: 'AE',
                nationality: 'AE',
                idType: 'PASSPORT',
            },
            producer: { ...base, partyId: ids.producer, type: 'PRODUCER', legalName: 'Test Producer' },
            consolidator: { ...base, partyId: ids.consolidator, type: 'CONSOLIDATOR', legalName: 'Test Consolidator' },
            broker: { ...base, partyId: ids.broker, type: 'BROKER', legalName: 'Test Broker' },
            bank: { ...base, partyId: ids.bank, type: 'BANK', legalName: 'Test Bank', orgMspId: 'BankOrgMSP' },
        },
        buyerDocument: { idNumber: `P${run}`, salt: `salt-${run}-0123456789` },
        agencyAgreement: {
            agreementNo: `AG-${run}`,
            merchantId: ids.vendor,
            agentId: ids.agent,
            validFrom: '2026-01-01',
            validTo: '2027-12-31',
            documentHash: 'a'.repeat(64),
        },
        goods: (goodsCode) => ({
            goodsCode,
            ownerId: ids.vendor,
            nameCn: '塑料玩具',
            nameEn: 'Plastic toy',
            hsCode: '9503008900',
            unit: 'PCS',
            producerId: ids.producer,
            priceRange: { currency: 'USD', minUnitPrice: 50, maxUnitPrice: 2000 },
        }),
        trade: (tradeNo, goodsCode) => ({
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
        }),
        receipt: (tradeNo) => ({
            receiptRef: `R-${run}`,
            payeePartyId: ids.vendor,
            amountMinor: 120_000,
            currency: 'USD',
            valueDate: today,
            channel: 'SWIFT',
            allocations: [{ tradeNo, amountMinor: 120_000 }],
        }),
        receiptCall: { transient: { payer }, endorsingOrganizations: ['BankOrgMSP', 'MarketOrgMSP'] },
    };
}

/**
 * Files the cluster and the `kinds` of parties as the market operator (`asOperator` submits as them): each party
 * registered (the buyer with its identity document as private data), verified and activated.
 */
export async function fileMarket(
    fixture: MarketFixture,
    asOperator: Submit,
    kinds: readonly PartyKind[],
): Promise<void> {
    await asOperator('PartyContract.RegisterCluster', [fixture.cluster]);
    for (const kind of kinds) {
        const party = fixture.parties[kind];
        const call = kind === 'buyer' ? { transient: fixture.buyerDocument, endorsingOrganizations: PII_ORGS } : {};
        await asOperator('PartyContract.RegisterParty', [party], call);
        await asOperator('PartyContract.VerifyParty', [party.partyId, 'documents checked']);
        await asOperator('PartyContract.ActivateParty', [party.partyId, 'filing complete']);
    }
}

/** Registers a person for `party` with `role` at the org's CA (as its registrar) and enrols them. */
export async function enrol(network: FabricNetwork, org: string, role: string, party: string): Promise<StoredIdentity> {
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
