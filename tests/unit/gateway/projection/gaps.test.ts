import { afterEach, describe, expect, test } from '@jest/globals';
import type { peer } from '@hyperledger/fabric-protos';
import type {
    AgencyAgreement,
    ConsolidationOrder,
    DocumentRecord,
    FinancingRecord,
    FinancingTermsPrivate,
    PackingList,
} from '../../../../chaincode/src/model/records';
import { applyBlock, parseBlock, type ReadModelDatabase } from '../../../../gateway/src/projection';
import { receiptTotals, rowScope, type ReceiptTotals } from '../../../../gateway/src/worklists';
import { buildBlock, CHAINCODE, compositeKey, type TxSpec, type WriteSpec } from './blocks';
import { receipt, receiptWrite, signature } from './records';
import { DIALECTS, newTestModel, type TestModel } from './support';

/**
 * Migration 0004: consolidation orders, packing lists (voided ones too), agency agreements, documents and financings
 * (terms only in the financing bank's model), and the bank's financed totals over them.
 */

const order = (orderCode: string, txId: string, overrides: Partial<ConsolidationOrder> = {}): ConsolidationOrder => ({
    docType: 'consolidation',
    orderCode,
    consolidatorId: 'C001',
    agentId: 'A001',
    destCountry: 'AE',
    site: 'YIWU-CSP',
    tradeNos: ['T-1', 'T-2'],
    status: 'OPEN',
    createdBy: signature(txId, 'MarketOrgMSP', 'consolidator'),
    updatedBy: signature(txId, 'MarketOrgMSP', 'consolidator'),
    ...overrides,
});

const packingList = (packingNo: string, txId: string, overrides: Partial<PackingList> = {}): PackingList => ({
    docType: 'packing',
    packingNo,
    consolidatorId: 'C001',
    brokerId: 'BR001',
    agentId: 'A001',
    packDate: '2026-11-29',
    site: 'YIWU-CSP',
    destCountry: 'AE',
    containers: [
        { containerNo: 'MSCU1234565', type: '45G1', sealNo: 'SEAL-1', tareKg: 3800, orderCodes: ['O-1'] },
        { containerNo: 'TGHU7654321', type: '22G1', sealNo: 'SEAL-2', tareKg: 2200, orderCodes: ['O-1'] },
    ],
    orderCodes: ['O-1'],
    tradeNos: ['T-1', 'T-2'],
    createdBy: signature(txId, 'MarketOrgMSP', 'consolidator'),
    ...overrides,
});

const agreement: AgencyAgreement = {
    docType: 'agreement',
    agreementNo: 'AG-1',
    merchantId: 'M001',
    agentId: 'A001',
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    documentHash: 'a'.repeat(64),
    status: 'SIGNED',
    filedBy: signature('tx3', 'MarketOrgMSP', 'agent'),
};

const anchor: DocumentRecord = {
    docType: 'document',
    sha256: 'b'.repeat(64),
    kind: 'invoice',
    registeredBy: { mspId: 'MarketOrgMSP', id: 'x509::CN=vendor1', role: 'vendor', party: 'M001' },
    registeredAt: '2026-11-29T10:00:00.000Z',
    txId: 'tx3',
};

function financing(
    bankMspId: string,
    ref: string,
    txId: string,
    overrides: Partial<FinancingRecord> = {},
): FinancingRecord {
    return {
        docType: 'financing',
        financingId: `${bankMspId}:${ref}`,
        financingRef: ref,
        bankMspId,
        bankPartyId: bankMspId === 'BankOrgMSP' ? 'BK001' : 'BK002',
        borrowerPartyId: 'M001',
        declNo: null,
        items: [
            { tradeNo: 'T-1', amountMinor: 100_000, currency: 'USD' },
            { tradeNo: 'T-2', amountMinor: 50_000, currency: 'CNY' },
        ],
        termsHash: 'c'.repeat(64),
        status: 'OPEN',
        filedBy: signature(txId, bankMspId, 'bank'),
        updatedBy: signature(txId, bankMspId, 'bank'),
        ...overrides,
    };
}

const write = (objectType: string, ids: string[], value: object): WriteSpec => ({
    key: compositeKey(objectType, ...ids),
    value,
});

const terms: FinancingTermsPrivate = {
    docType: 'financingTerms',
    financingId: 'BankOrgMSP:F1',
    salt: 'salt-0123456789abcdef',
    loanAccount: 'LOAN-001',
    annualRateBps: 425,
    dueDate: '2027-02-28',
};

/** The ledger as a peer delivers it; `bankPeer` is whether this peer is BankOrg's (it receives the terms). */
function ledger(bankPeer: boolean): peer.BlockAndPrivateData[] {
    const txs: TxSpec[][] = [
        [
            { txId: 'tx1', writes: [write('consolidation', ['O-1'], order('O-1', 'tx1'))] },
            { txId: 'tx2', writes: [write('consolidation', ['O-2'], order('O-2', 'tx2', { tradeNos: ['T-3'] }))] },
        ],
        [
            {
                txId: 'tx3',
                writes: [
                    write('packing', ['PK-1'], packingList('PK-1', 'tx3')),
                    write('consolidation', ['O-1'], order('O-1', 'tx1', { status: 'PACKED', packingNo: 'PK-1' })),
                    write('agreement', ['AG-1'], agreement),
                    write('document', [anchor.sha256], anchor),
                ],
            },
            {
                txId: 'tx4',
                writes: [write('consolidation', ['O-2'], order('O-2', 'tx2', { tradeNos: ['T-3'], status: 'VOID' }))],
            },
        ],
        [
            {
                txId: 'tx5',
                creatorMsp: 'BankOrgMSP',
                writes: [
                    write('financing', ['BankOrgMSP', 'F1'], financing('BankOrgMSP', 'F1', 'tx5')),
                    receiptWrite(receipt('R1', 'tx5')),
                ],
                privateWrites: [{ collection: '_implicit_org_BankOrgMSP', key: 'BankOrgMSP:F1', value: terms }],
                privateDelivered: bankPeer,
            },
            {
                txId: 'tx6',
                creatorMsp: 'Bank2OrgMSP',
                writes: [
                    write(
                        'financing',
                        ['Bank2OrgMSP', 'F9'],
                        financing('Bank2OrgMSP', 'F9', 'tx6', {
                            items: [{ tradeNo: 'T-3', amountMinor: 70_000, currency: 'USD' }],
                            status: 'REPAID',
                        }),
                    ),
                ],
            },
        ],
        [{ txId: 'tx7', writes: [write('packing', ['PK-1'], packingList('PK-1', 'tx3', { status: 'VOID' }))] }],
    ];
    return [buildBlock(0, [], { config: true }), ...txs.map((block, index) => buildBlock(index + 1, block))];
}

describe.each(DIALECTS)('the records of migration 0004 on %s', (dialect) => {
    let model: TestModel | undefined;
    afterEach(async () => {
        await model?.cleanup();
        model = undefined;
    });

    async function projected(bankPeer: boolean): Promise<ReadModelDatabase> {
        model = await newTestModel(dialect);
        for (const block of ledger(bankPeer)) await applyBlock(model.database.db, parseBlock(block, CHAINCODE));
        return model.database;
    }

    test('consolidation orders with their trades, voided ones kept with their status', async () => {
        const { db } = await projected(false);

        const orders = await db
            .selectFrom('consolidation_orders')
            .select(['order_code', 'status', 'packing_no', 'tx_id', 'block_number'])
            .orderBy('order_code')
            .execute();
        expect(orders).toEqual([
            { order_code: 'O-1', status: 'PACKED', packing_no: 'PK-1', tx_id: 'tx3', block_number: 2 },
            { order_code: 'O-2', status: 'VOID', packing_no: null, tx_id: 'tx4', block_number: 2 },
        ]);
        const trades = await db
            .selectFrom('consolidation_order_trades')
            .selectAll()
            .orderBy('order_code')
            .orderBy('trade_no')
            .execute();
        expect(trades.map((t) => `${t.order_code}/${t.trade_no}`)).toEqual(['O-1/T-1', 'O-1/T-2', 'O-2/T-3']);
    });

    test('packing lists with their containers and seals; a voided list keeps its rows as VOID', async () => {
        const { db } = await projected(false);

        const lists = await db.selectFrom('packing_lists').select(['packing_no', 'status', 'tx_id']).execute();
        expect(lists).toEqual([{ packing_no: 'PK-1', status: 'VOID', tx_id: 'tx7' }]);
        const containers = await db
            .selectFrom('packing_containers')
            .select(['container_no', 'seal_no', 'tare_kg', 'order_codes'])
            .orderBy('container_no')
            .execute();
        expect(containers).toEqual([
            { container_no: 'MSCU1234565', seal_no: 'SEAL-1', tare_kg: 3800, order_codes: '["O-1"]' },
            { container_no: 'TGHU7654321', seal_no: 'SEAL-2', tare_kg: 2200, order_codes: '["O-1"]' },
        ]);
    });

    test('agency agreements and document anchors', async () => {
        const { db } = await projected(false);

        expect(
            await db.selectFrom('agreements').select(['agreement_no', 'merchant_id', 'agent_id', 'status']).execute(),
        ).toEqual([{ agreement_no: 'AG-1', merchant_id: 'M001', agent_id: 'A001', status: 'SIGNED' }]);
        expect(
            await db.selectFrom('documents').select(['sha256', 'kind', 'registered_by_msp', 'tx_id']).execute(),
        ).toEqual([{ sha256: anchor.sha256, kind: 'invoice', registered_by_msp: 'MarketOrgMSP', tx_id: 'tx3' }]);
    });

    test('financings with their items; the terms only in the model of the peer that received them', async () => {
        const { db } = await projected(true);
        const financings = await db
            .selectFrom('financings')
            .select(['financing_id', 'bank_msp_id', 'status'])
            .orderBy('financing_id')
            .execute();
        expect(financings).toEqual([
            { financing_id: 'Bank2OrgMSP:F9', bank_msp_id: 'Bank2OrgMSP', status: 'REPAID' },
            { financing_id: 'BankOrgMSP:F1', bank_msp_id: 'BankOrgMSP', status: 'OPEN' },
        ]);
        expect(
            await db.selectFrom('financing_items').select(['trade_no', 'amount_minor']).orderBy('trade_no').execute(),
        ).toEqual([
            { trade_no: 'T-1', amount_minor: 100_000 },
            { trade_no: 'T-2', amount_minor: 50_000 },
            { trade_no: 'T-3', amount_minor: 70_000 },
        ]);
        expect(
            await db
                .selectFrom('financing_terms')
                .select(['financing_id', 'loan_account', 'annual_rate_bps'])
                .execute(),
        ).toEqual([{ financing_id: 'BankOrgMSP:F1', loan_account: 'LOAN-001', annual_rate_bps: 425 }]);
        await model?.cleanup();

        const elsewhere = await projected(false);
        expect(await elsewhere.db.selectFrom('financing_terms').selectAll().execute()).toEqual([]);
        expect(await elsewhere.db.selectFrom('financings').selectAll().execute()).toHaveLength(2);
    });

    test('receipt totals gain financed totals: a bank its own, the authorities every bank’s, a payee none', async () => {
        const database = await projected(true);
        const totals = (mspId: string, role: string, party: string | null): Promise<ReceiptTotals[]> =>
            receiptTotals(database, rowScope('receipts', { mspId, role, party }), {});

        const bank = await totals('BankOrgMSP', 'bank', 'BK001');
        expect(bank.map((t) => [t.currency, t.receipts, t.financings, t.financedMinor, t.openFinancedMinor])).toEqual([
            ['CNY', 0, 1, 50_000, 50_000],
            ['USD', 1, 1, 100_000, 100_000],
        ]);
        const otherBank = await totals('Bank2OrgMSP', 'bank', 'BK002');
        expect(
            otherBank.map((t) => [t.currency, t.receipts, t.financings, t.financedMinor, t.openFinancedMinor]),
        ).toEqual([['USD', 0, 1, 70_000, 0]]);
        const customs = await totals('CustomsOrgMSP', 'customs', 'CUSTOMS-YIWU');
        expect(customs.map((t) => [t.currency, t.financings, t.financedMinor])).toEqual([
            ['CNY', 1, 50_000],
            ['USD', 2, 170_000],
        ]);
        const vendor = await totals('MarketOrgMSP', 'vendor', 'M001');
        expect(vendor.every((t) => t.financings === 0 && t.financedMinor === 0)).toBe(true);
        // the vacuity guard: the vendor's scope did see its receipt
        expect(vendor.map((t) => [t.currency, t.receipts])).toEqual([['USD', 1]]);
    });
});
