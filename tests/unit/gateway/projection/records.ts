import type {
    AllocationRecord,
    CustomsEvent,
    Declaration,
    Goods,
    Party,
    PartyPrivate,
    PayerPrivate,
    ReceiptRecord,
    RiskFlag,
    Signature,
    Trade,
} from '../../../../chaincode/src/model/records';
import { compositeKey, type PrivateWriteSpec, type WriteSpec } from './blocks';

/** Ledger records as the chaincode writes them, for building blocks. */

export const signature = (txId: string, mspId = 'MarketOrgMSP', role = 'operator'): Signature => ({
    mspId,
    id: `x509::CN=${role}1`,
    role,
    party: null,
    txId,
    at: '2026-11-29T10:00:00.000Z',
});

export function party(partyId: string, txId: string, overrides: Partial<Party> = {}): Party {
    return {
        docType: 'party',
        partyId,
        type: 'MERCHANT',
        legalName: `义乌 ${partyId} 商行`,
        countryCode: 'CN',
        clusterId: 'YW-FUTIAN',
        stallNo: 'A-1-001',
        status: 'SUBMITTED',
        filedBy: signature(txId),
        updatedBy: signature(txId),
        ...overrides,
    };
}

export const partyWrite = (p: Party): WriteSpec => ({ key: compositeKey('party', p.partyId), value: p });

export function partyPrivateWrite(partyId: string, idNumber: string): PrivateWriteSpec {
    const value: PartyPrivate = { docType: 'partyPrivate', partyId, salt: 'salt-0123456789abcdef', idNumber };
    return { collection: 'marketPrivate', key: compositeKey('party', partyId), value };
}

export function trade(tradeNo: string, txId: string, overrides: Partial<Trade> = {}): Trade {
    return {
        docType: 'trade',
        tradeNo,
        vendorId: 'M001',
        agentId: 'A001',
        buyerId: 'B001',
        clusterId: 'YW-FUTIAN',
        stallNo: 'A-1-001',
        tradeDate: '2026-11-28',
        currency: 'CNY',
        lines: [
            {
                lineId: '1',
                goodsCode: 'G-TOY-1',
                hsCode: '9503000090',
                nameEn: 'plastic toys',
                unit: 'PCS',
                qty: 100,
                unitPrice: 1250,
                amount: 125000,
            },
            {
                lineId: '2',
                goodsCode: 'G-SCARF-1',
                hsCode: '6214900000',
                nameEn: 'scarves',
                unit: 'PCS',
                qty: 10,
                unitPrice: 3000,
                amount: 30000,
            },
        ],
        totalAmount: 155000,
        agencyReceipt: false,
        paymentTerms: 'PREPAID',
        paymentChannel: 'BANK',
        documents: [],
        status: 'CONFIRMED',
        riskFlags: [],
        amendments: 0,
        registeredBy: signature(txId, 'MarketOrgMSP', 'vendor'),
        updatedBy: signature(txId, 'MarketOrgMSP', 'vendor'),
        ...overrides,
    };
}

export const tradeWrite = (t: Trade): WriteSpec => ({ key: compositeKey('trade', t.tradeNo), value: t });

/** An index entry, as the chaincode writes one beside each record (one byte). */
export const indexWrite = (index: string, ...attributes: string[]): WriteSpec => ({
    key: compositeKey(index, ...attributes),
    value: Uint8Array.from([1]),
});

export function declaration(declNo: string, txId: string, overrides: Partial<Declaration> = {}): Declaration {
    return {
        docType: 'declaration',
        declNo,
        packingNo: 'PK-1',
        consignorId: 'A001',
        brokerId: 'K001',
        customsOffice: '2901',
        exitPort: 'CNNGB',
        declDate: '2026-11-29',
        destCountry: 'AE',
        tradeCountry: 'AE',
        transportMode: 'SEA',
        tradeNos: ['T-1'],
        rates: [{ currency: 'CNY', rate: '0.14' }],
        totalValueUsd: 21700,
        simplified: true,
        lines: [
            {
                gNo: 1,
                hsCode: '9503000090',
                name: 'plastic toys',
                qty: 100,
                unit: 'PCS',
                valueUsd: 17500,
                mergedChapter: null,
                isItemised: true,
                sources: [
                    {
                        tradeNo: 'T-1',
                        lineId: '1',
                        goodsCode: 'G-TOY-1',
                        hsCode: '9503000090',
                        qty: 100,
                        amount: 125000,
                        currency: 'CNY',
                        valueUsd: 17500,
                    },
                ],
            },
            {
                gNo: 2,
                hsCode: '6214900000',
                name: 'scarves',
                qty: 10,
                unit: 'PCS',
                valueUsd: 4200,
                mergedChapter: '62',
                isItemised: false,
                sources: [
                    {
                        tradeNo: 'T-1',
                        lineId: '2',
                        goodsCode: 'G-SCARF-1',
                        hsCode: '6214900000',
                        qty: 10,
                        amount: 30000,
                        currency: 'CNY',
                        valueUsd: 4200,
                    },
                ],
            },
        ],
        remarkPurchaser: {
            buyerId: 'B001',
            name: 'Buyer',
            nationality: 'AE',
            idType: 'PASSPORT',
            idNumberHash: 'ab'.repeat(32),
        },
        status: 'SUBMITTED',
        customsEvents: 0,
        filedBy: signature(txId, 'MarketOrgMSP', 'agent'),
        updatedBy: signature(txId, 'MarketOrgMSP', 'agent'),
        ...overrides,
    };
}

export const declarationWrite = (d: Declaration): WriteSpec => ({
    key: compositeKey('declaration', d.declNo),
    value: d,
});

export function customsEventWrite(declNo: string, seq: number, txId: string): WriteSpec {
    const value: CustomsEvent = {
        docType: 'customsEvent',
        declNo,
        seq,
        type: 'ACCEPTED',
        fromStatus: 'SUBMITTED',
        toStatus: 'ACCEPTED',
        by: signature(txId, 'CustomsOrgMSP', 'customs'),
    };
    return { key: compositeKey('customsEvent', declNo, String(seq).padStart(4, '0')), value };
}

export function receipt(ref: string, txId: string, overrides: Partial<ReceiptRecord> = {}): ReceiptRecord {
    return {
        docType: 'receipt',
        receiptId: `BankOrgMSP:${ref}`,
        receiptRef: ref,
        bankMspId: 'BankOrgMSP',
        bankPartyId: 'BK001',
        payeePartyId: 'M001',
        amountMinor: 2170000,
        currency: 'USD',
        valueDate: '2026-11-29',
        channel: 'SWIFT',
        usdRate: null,
        usdEquivalentMinor: 2170000,
        payerHash: 'cd'.repeat(32),
        allocations: [],
        allocatedMinor: 0,
        unallocatedMinor: 2170000,
        status: 'RECEIVED',
        flags: [],
        filedBy: signature(txId, 'BankOrgMSP', 'bank'),
        updatedBy: signature(txId, 'BankOrgMSP', 'bank'),
        ...overrides,
    };
}

export const receiptWrite = (r: ReceiptRecord): WriteSpec => ({
    key: compositeKey('receipt', r.bankMspId, r.receiptRef),
    value: r,
});

export function payerWrite(receiptId: string): PrivateWriteSpec {
    const value: PayerPrivate = {
        docType: 'receiptPayer',
        receiptId,
        salt: 'salt-0123456789abcdef',
        name: 'Gulf Trading LLC',
        country: 'AE',
    };
    return { collection: '_implicit_org_BankOrgMSP', key: receiptId, value };
}

export function allocationWrite(tradeNo: string, ref: string, txId: string): WriteSpec {
    const value: AllocationRecord = {
        docType: 'allocation',
        tradeNo,
        receiptId: `BankOrgMSP:${ref}`,
        bankMspId: 'BankOrgMSP',
        receiptAmountMinor: 2170000,
        receiptCurrency: 'USD',
        rate: '7.1',
        tradeAmountMinor: 155000,
        tradeCurrency: 'CNY',
        valueDate: '2026-11-29',
        allocatedBy: signature(txId, 'BankOrgMSP', 'bank'),
    };
    return { key: compositeKey('allocation', tradeNo, 'BankOrgMSP', ref), value };
}

export function riskWrite(flagId: string, txId: string, overrides: Partial<RiskFlag> = {}): WriteSpec {
    const value: RiskFlag = {
        docType: 'risk',
        flagId,
        subjectType: 'trade',
        subjectId: 'T-1',
        ruleId: 'F3',
        severity: 'MEDIUM',
        evidence: { unitPrice: 1250 },
        status: 'OPEN',
        raisedBy: signature(txId),
        ...overrides,
    };
    return { key: compositeKey('risk', flagId), value };
}

/** A goods registry entry of `ownerId`, as RegisterGoods writes it. */
export function goodsWrite(
    goodsCode: string,
    ownerId: string,
    txId: string,
    overrides: Partial<Goods> = {},
): WriteSpec {
    const value: Goods = {
        docType: 'goods',
        goodsCode,
        ownerId,
        nameCn: '塑料玩具',
        nameEn: 'plastic toys',
        hsCode: '9503000090',
        unit: 'PCS',
        producerId: 'P001',
        priceRange: { currency: 'USD', minUnitPrice: 10, maxUnitPrice: 5000 },
        filedBy: signature(txId, 'MarketOrgMSP', 'vendor'),
        ...overrides,
    };
    return { key: compositeKey('goods', goodsCode), value };
}
