import type { Context } from 'fabric-contract-api';
import { FakeLedger, type FakeIdentity } from './support/fake-ledger';
import { collectionsConfig } from './support/collections';
import { operator } from './support/identities';
import { RecordType } from '../../../chaincode/src/vocabulary';
import { recordKey, IndexType, versionId } from '../../../chaincode/src/model/keys';
import { putIndex, putRecord } from '../../../chaincode/src/store/records';
import {
    type AgencyAgreement,
    type Declaration,
    type ExchangeRates,
    type Party,
    type Trade,
    type Signature,
} from '../../../chaincode/src/model/records';

/** Shared ledger set-up for the settlement tests: parties, trades and declarations written as stored records. */
export const BANK1_MSP = 'BankOrgMSP';
export const BANK2_MSP = 'Bank2OrgMSP';

export const seedSignature: Signature = {
    mspId: 'MarketOrgMSP',
    id: 'x509::seed',
    role: 'operator',
    party: 'OP-MARKET',
    txId: 'seed',
    at: '2024-03-01T08:00:00.000Z',
};

export function party(partyId: string, type: Party['type'], over: Partial<Party> = {}): Party {
    return {
        docType: 'party',
        partyId,
        type,
        legalName: `${partyId} Co.`,
        countryCode: 'CN',
        status: 'ACTIVE',
        filedBy: seedSignature,
        updatedBy: seedSignature,
        ...over,
    };
}

export function trade(tradeNo: string, over: Partial<Trade> = {}): Trade {
    return {
        docType: 'trade',
        tradeNo,
        vendorId: 'V1',
        agentId: 'A1',
        buyerId: 'B1',
        clusterId: 'YIWU',
        stallNo: 'S-1',
        tradeDate: '2024-03-01',
        currency: 'USD',
        lines: [],
        totalAmount: 100_000,
        agencyReceipt: false,
        paymentTerms: 'ON_DELIVERY',
        paymentChannel: 'BANK',
        documents: [],
        status: 'EXPORTED',
        riskFlags: [],
        declNo: 'D1',
        amendments: 0,
        registeredBy: seedSignature,
        updatedBy: seedSignature,
        ...over,
    };
}

export function declaration(declNo: string, tradeNos: string[], over: Partial<Declaration> = {}): Declaration {
    return {
        docType: 'declaration',
        declNo,
        packingNo: 'P1',
        consignorId: 'A1',
        brokerId: 'BR1',
        customsOffice: '2901',
        exitPort: 'NINGBO',
        declDate: '2024-03-15',
        destCountry: 'AE',
        tradeCountry: 'AE',
        transportMode: 'SEA',
        tradeNos,
        rates: [],
        totalValueUsd: 100_000,
        simplified: false,
        lines: [],
        remarkPurchaser: {
            buyerId: 'B1',
            name: 'Ahmed Trading LLC',
            nationality: 'AE',
            idType: 'PASSPORT',
            idNumberHash: 'h',
        },
        status: 'EXITED',
        releaseDate: '2024-03-18',
        exitDate: '2024-03-20',
        customsEvents: 3,
        filedBy: seedSignature,
        updatedBy: seedSignature,
        ...over,
    };
}

/**
 * Customs' rates of a month (V31). The standard world's March 2024: CNY 0.146 and EUR 1.08 USD, so the banks' dealing
 * rates of the tests (7 and 7.1234 CNY per USD, 7.1234 CNY per EUR, 1.08 USD per EUR) are all within 5 % of them.
 */
export function exchangeRates(month: string, rates: Record<string, string>, version = 1): ExchangeRates {
    return {
        docType: 'exchangeRates',
        month,
        version,
        rates: Object.entries(rates).map(([currency, rate]) => ({ currency, rate })),
        publishedBy: { ...seedSignature, mspId: 'CustomsOrgMSP', role: 'customs', party: null },
    };
}

export function agreement(agreementNo: string, status: AgencyAgreement['status']): AgencyAgreement {
    return {
        docType: 'agreement',
        agreementNo,
        merchantId: 'V1',
        agentId: 'A1',
        validFrom: '2024-01-01',
        validTo: '2024-12-31',
        documentHash: 'a'.repeat(64),
        status,
        filedBy: seedSignature,
    };
}

/** Writes records straight into the ledger, as the other contracts would have left them. */
export async function seed(
    ledger: FakeLedger,
    records: readonly (Party | Trade | Declaration | AgencyAgreement | ExchangeRates)[],
    who: FakeIdentity = operator(),
): Promise<void> {
    await ledger.submit(who, async (ctx: Context) => {
        for (const record of records) {
            if (record.docType === 'party')
                await putRecord(ctx, recordKey(ctx, RecordType.party, record.partyId), record);
            if (record.docType === 'trade')
                await putRecord(ctx, recordKey(ctx, RecordType.trade, record.tradeNo), record);
            if (record.docType === 'declaration') {
                await putRecord(ctx, recordKey(ctx, RecordType.declaration, record.declNo), record);
            }
            if (record.docType === 'exchangeRates') {
                const id = versionId(record.version);
                await putRecord(ctx, recordKey(ctx, RecordType.exchangeRates, record.month, id), record);
            }
            if (record.docType === 'agreement') {
                await putRecord(ctx, recordKey(ctx, RecordType.agreement, record.agreementNo), record);
                await putIndex(ctx, IndexType.agreementByPair, [record.merchantId, record.agentId, record.agreementNo]);
            }
        }
    });
}

export function settlementLedger(): FakeLedger {
    const ledger = new FakeLedger(['MarketOrgMSP', 'CustomsOrgMSP', BANK1_MSP, BANK2_MSP]);
    ledger.defineCollections([
        ...collectionsConfig(),
        ...[BANK1_MSP, BANK2_MSP].map((msp) => ({
            name: `_implicit_org_${msp}`,
            policy: `OR('${msp}.member')`,
            memberOnlyRead: true,
            memberOnlyWrite: false,
        })),
    ]);
    return ledger;
}

/** The standard world: vendor V1 (payee), agent A1, buyer B1, banks BANK1/BANK2, exported trade T1 on D1. */
export async function standardWorld(ledger: FakeLedger): Promise<void> {
    await seed(ledger, [
        party('V1', 'MERCHANT'),
        party('V2', 'MERCHANT'),
        party('VS', 'MERCHANT', { status: 'SUSPENDED' }),
        party('A1', 'AGENT'),
        party('A2', 'AGENT'),
        party('B1', 'BUYER', { legalName: 'Ahmed Trading LLC', countryCode: 'AE', nationality: 'AE' }),
        party('C1', 'CONSOLIDATOR'),
        party('BANK1', 'BANK', { orgMspId: BANK1_MSP }),
        party('BANK2', 'BANK', { orgMspId: BANK2_MSP }),
        trade('T1'),
        trade('T2', { status: 'CONFIRMED', declNo: undefined, agencyReceipt: true }),
        trade('T3', { currency: 'CNY', totalAmount: 712_340, declNo: 'D1' }),
        trade('T4', { vendorId: 'V2', agentId: 'A2' }),
        trade('TX', { status: 'CANCELLED' }),
        declaration('D1', ['T1', 'T3']),
        exchangeRates('2024-03', { CNY: '0.146', EUR: '1.08' }),
    ]);
}

export const payerJson = (over: Record<string, unknown> = {}): string =>
    JSON.stringify({
        salt: 'salt-0123456789abcdef',
        name: 'Ahmed Trading LLC',
        country: 'AE',
        account: 'AE070331234567890123456',
        ...over,
    });
