import type {
    AgencyAgreement,
    AllocationRecord,
    ConsolidationOrder,
    CustomsEvent,
    Declaration,
    DocumentRecord,
    ExemptionRecord,
    FinancingRecord,
    FinancingTermsPrivate,
    Goods,
    MarketCluster,
    PackingList,
    Party,
    PartyPrivate,
    PayerPrivate,
    ReceiptRecord,
    RiskFlag,
    Trade,
} from '../../../chaincode/src/model/records';
import type { LedgerTransaction, LedgerWrite, PrivateWrite } from './blocks';
import type { ReadModel, TableName } from './schema';

/**
 * What a transaction's writes do to the read model, as plain data (applied by apply.ts in the block's database
 * transaction). The ledger's write set is the source: it holds each record's exact new state, private data included
 * when this peer received it, whereas a chaincode event only summarises (TradesRegistered names the trades, not
 * their lines). Records are found by their `docType`; index keys (one byte) and records the read model does not
 * keep are ignored.
 */
export type RowChange =
    | { readonly kind: 'upsert'; readonly table: TableName; readonly key: readonly string[]; readonly row: Row }
    | { readonly kind: 'replace'; readonly table: TableName; readonly parent: Row; readonly rows: readonly Row[] }
    | { readonly kind: 'delete'; readonly table: TableName; readonly where: Row };

export type Row = Readonly<Record<string, string | number | null>>;

interface Change {
    readonly tx_id: string;
    readonly block_number: number;
}

const json = (value: unknown): string => JSON.stringify(value);
const upsert = <T extends TableName>(
    table: T,
    key: readonly (keyof ReadModel[T] & string)[],
    row: ReadModel[T],
): RowChange => ({ kind: 'upsert', table, key, row: row as unknown as Row });

/** `doc`: the record's JSON text as the ledger holds it (canonical JSON, the column's value as it is). */
type Mapper = (record: never, change: Change, doc: string) => RowChange[];

const party = (p: Party, change: Change, doc: string): RowChange[] => [
    upsert('parties', ['party_id'], {
        party_id: p.partyId,
        type: p.type,
        legal_name: p.legalName,
        name_en: p.nameEn ?? null,
        status: p.status,
        country_code: p.countryCode,
        cluster_id: p.clusterId ?? null,
        stall_no: p.stallNo ?? null,
        org_msp_id: p.orgMspId ?? null,
        filed_by_msp: p.filedBy.mspId,
        filed_at: p.filedBy.at,
        updated_at: p.updatedBy.at,
        doc,
        ...change,
    }),
];

const partyPrivate = (p: PartyPrivate, change: Change, doc: string): RowChange[] => [
    upsert('party_private', ['party_id'], {
        party_id: p.partyId,
        id_number: p.idNumber ?? null,
        bank_account: p.bankAccount ?? null,
        doc,
        ...change,
    }),
];

const cluster = (c: MarketCluster, change: Change, doc: string): RowChange[] => [
    upsert('clusters', ['cluster_id'], {
        cluster_id: c.clusterId,
        name: c.name,
        city: c.city,
        customs_office: c.customsOffice,
        acceptance_date: c.acceptanceDate,
        filed_at: c.filedBy.at,
        doc,
        ...change,
    }),
];

const goods = (g: Goods, change: Change, doc: string): RowChange[] => [
    upsert('goods', ['goods_code'], {
        goods_code: g.goodsCode,
        owner_id: g.ownerId,
        producer_id: g.producerId,
        hs_code: g.hsCode,
        name_cn: g.nameCn,
        name_en: g.nameEn,
        unit: g.unit,
        status: g.status ?? 'ACTIVE',
        filed_at: g.filedBy.at,
        doc,
        ...change,
    }),
];

const trade = (t: Trade, change: Change, doc: string): RowChange[] => [
    upsert('trades', ['trade_no'], {
        trade_no: t.tradeNo,
        vendor_id: t.vendorId,
        agent_id: t.agentId,
        buyer_id: t.buyerId,
        cluster_id: t.clusterId,
        stall_no: t.stallNo,
        trade_date: t.tradeDate,
        currency: t.currency,
        total_amount: t.totalAmount,
        status: t.status,
        consolidation_order: t.consolidationOrder ?? null,
        packing_no: t.packingNo ?? null,
        decl_no: t.declNo ?? null,
        risk_flag_count: t.riskFlags.length,
        owner_msp: t.registeredBy.mspId,
        registered_at: t.registeredBy.at,
        updated_at: t.updatedBy.at,
        doc,
        ...change,
    }),
    {
        kind: 'replace',
        table: 'trade_lines',
        parent: { trade_no: t.tradeNo },
        rows: t.lines.map((line) => ({
            trade_no: t.tradeNo,
            line_id: line.lineId,
            goods_code: line.goodsCode,
            hs_code: line.hsCode,
            name_en: line.nameEn,
            unit: line.unit,
            qty: line.qty,
            unit_price: line.unitPrice,
            amount: line.amount,
        })),
    },
];

const declaration = (d: Declaration, change: Change, doc: string): RowChange[] => [
    upsert('declarations', ['decl_no'], {
        decl_no: d.declNo,
        packing_no: d.packingNo,
        consignor_id: d.consignorId,
        broker_id: d.brokerId,
        buyer_id: d.remarkPurchaser.buyerId,
        customs_office: d.customsOffice,
        exit_port: d.exitPort,
        decl_date: d.declDate,
        dest_country: d.destCountry,
        transport_mode: d.transportMode,
        total_value_usd: d.totalValueUsd,
        status: d.status,
        release_date: d.releaseDate ?? null,
        exit_date: d.exitDate ?? null,
        customs_events: d.customsEvents,
        filed_by_msp: d.filedBy.mspId,
        filed_at: d.filedBy.at,
        updated_at: d.updatedBy.at,
        doc,
        ...change,
    }),
    {
        kind: 'replace',
        table: 'declaration_lines',
        parent: { decl_no: d.declNo },
        rows: d.lines.map((line) => ({
            decl_no: d.declNo,
            g_no: line.gNo,
            hs_code: line.hsCode,
            name: line.name,
            qty: line.qty,
            unit: line.unit,
            value_usd: line.valueUsd,
            merged_chapter: line.mergedChapter,
            is_itemised: line.isItemised ? 1 : 0,
        })),
    },
    {
        kind: 'replace',
        table: 'declaration_line_sources',
        parent: { decl_no: d.declNo },
        rows: d.lines.flatMap((line) =>
            line.sources.map((source) => ({
                decl_no: d.declNo,
                g_no: line.gNo,
                trade_no: source.tradeNo,
                line_id: source.lineId,
                goods_code: source.goodsCode,
                qty: source.qty,
                amount: source.amount,
                currency: source.currency,
                value_usd: source.valueUsd,
            })),
        ),
    },
];

const customsEvent = (e: CustomsEvent, change: Change, doc: string): RowChange[] => [
    upsert('customs_events', ['decl_no', 'seq'], {
        decl_no: e.declNo,
        seq: e.seq,
        type: e.type,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        reason: e.reason ?? null,
        by_msp: e.by.mspId,
        at: e.by.at,
        doc,
        ...change,
    }),
];

const receipt = (r: ReceiptRecord, change: Change, doc: string): RowChange[] => [
    upsert('receipts', ['receipt_id'], {
        receipt_id: r.receiptId,
        bank_msp_id: r.bankMspId,
        bank_party_id: r.bankPartyId,
        payee_party_id: r.payeePartyId,
        amount_minor: r.amountMinor,
        currency: r.currency,
        value_date: r.valueDate,
        channel: r.channel,
        usd_equivalent_minor: r.usdEquivalentMinor,
        allocated_minor: r.allocatedMinor,
        unallocated_minor: r.unallocatedMinor,
        status: r.status,
        verdict: r.verification?.verdict ?? null,
        filed_at: r.filedBy.at,
        updated_at: r.updatedBy.at,
        doc,
        ...change,
    }),
];

const receiptPayer = (p: PayerPrivate, change: Change, doc: string): RowChange[] => [
    upsert('receipt_payers', ['receipt_id'], {
        receipt_id: p.receiptId,
        name: p.name,
        country: p.country,
        doc,
        ...change,
    }),
];

const allocation = (a: AllocationRecord, change: Change): RowChange[] => [
    upsert('allocations', ['trade_no', 'receipt_id'], {
        trade_no: a.tradeNo,
        receipt_id: a.receiptId,
        bank_msp_id: a.bankMspId,
        receipt_amount_minor: a.receiptAmountMinor,
        receipt_currency: a.receiptCurrency,
        trade_amount_minor: a.tradeAmountMinor,
        trade_currency: a.tradeCurrency,
        value_date: a.valueDate,
        allocated_at: a.allocatedBy.at,
        status: a.status ?? 'ACTIVE',
        ...change,
    }),
];

const exemption = (e: ExemptionRecord, change: Change, doc: string): RowChange[] => [
    upsert('exemptions', ['filing_no'], {
        filing_no: e.filingNo,
        merchant_id: e.merchantId,
        filer_party_id: e.filerPartyId,
        filer_role: e.filerRole,
        period: e.period,
        export_month: e.exportMonth,
        status: e.status,
        filed_at: e.filedBy.at,
        doc,
        ...change,
    }),
];

const risk = (f: RiskFlag, change: Change, doc: string): RowChange[] => [
    upsert('risk_flags', ['flag_id'], {
        flag_id: f.flagId,
        subject_type: f.subjectType,
        subject_id: f.subjectId,
        rule_id: f.ruleId,
        severity: f.severity,
        status: f.status,
        raised_by_msp: f.raisedBy.mspId,
        raised_at: f.raisedBy.at,
        resolved_at: f.resolvedBy?.at ?? null,
        doc,
        ...change,
    }),
];

const consolidation = (o: ConsolidationOrder, change: Change, doc: string): RowChange[] => [
    upsert('consolidation_orders', ['order_code'], {
        order_code: o.orderCode,
        consolidator_id: o.consolidatorId,
        agent_id: o.agentId,
        dest_country: o.destCountry,
        site: o.site,
        status: o.status,
        packing_no: o.packingNo ?? null,
        created_at: o.createdBy.at,
        updated_at: o.updatedBy.at,
        doc,
        ...change,
    }),
    {
        kind: 'replace',
        table: 'consolidation_order_trades',
        parent: { order_code: o.orderCode },
        rows: o.tradeNos.map((tradeNo) => ({ order_code: o.orderCode, trade_no: tradeNo })),
    },
];

const packing = (p: PackingList, change: Change, doc: string): RowChange[] => [
    upsert('packing_lists', ['packing_no'], {
        packing_no: p.packingNo,
        consolidator_id: p.consolidatorId,
        broker_id: p.brokerId,
        agent_id: p.agentId,
        pack_date: p.packDate,
        site: p.site,
        dest_country: p.destCountry,
        bill_of_lading: p.billOfLading ?? null,
        status: p.status ?? 'PACKED',
        created_at: p.createdBy.at,
        doc,
        ...change,
    }),
    {
        kind: 'replace',
        table: 'packing_containers',
        parent: { packing_no: p.packingNo },
        rows: p.containers.map((c) => ({
            packing_no: p.packingNo,
            container_no: c.containerNo,
            type: c.type,
            seal_no: c.sealNo,
            tare_kg: c.tareKg,
            order_codes: json(c.orderCodes),
        })),
    },
];

const agreement = (a: AgencyAgreement, change: Change, doc: string): RowChange[] => [
    upsert('agreements', ['agreement_no'], {
        agreement_no: a.agreementNo,
        merchant_id: a.merchantId,
        agent_id: a.agentId,
        valid_from: a.validFrom,
        valid_to: a.validTo,
        status: a.status,
        filed_at: a.filedBy.at,
        doc,
        ...change,
    }),
];

const documentAnchor = (d: DocumentRecord, change: Change, doc: string): RowChange[] => [
    upsert('documents', ['sha256'], {
        sha256: d.sha256,
        kind: d.kind,
        registered_by_msp: d.registeredBy.mspId,
        registered_at: d.registeredAt,
        doc,
        ...change,
    }),
];

const financing = (f: FinancingRecord, change: Change, doc: string): RowChange[] => [
    upsert('financings', ['financing_id'], {
        financing_id: f.financingId,
        bank_msp_id: f.bankMspId,
        bank_party_id: f.bankPartyId,
        borrower_party_id: f.borrowerPartyId,
        decl_no: f.declNo,
        status: f.status,
        filed_at: f.filedBy.at,
        updated_at: f.updatedBy.at,
        doc,
        ...change,
    }),
    {
        kind: 'replace',
        table: 'financing_items',
        parent: { financing_id: f.financingId },
        rows: f.items.map((item) => ({
            financing_id: f.financingId,
            trade_no: item.tradeNo,
            amount_minor: item.amountMinor,
            currency: item.currency,
        })),
    },
];

const financingTerms = (t: FinancingTermsPrivate, change: Change, doc: string): RowChange[] => [
    upsert('financing_terms', ['financing_id'], {
        financing_id: t.financingId,
        loan_account: t.loanAccount ?? null,
        contract_ref: t.contractRef ?? null,
        annual_rate_bps: t.annualRateBps ?? null,
        due_date: t.dueDate ?? null,
        doc,
        ...change,
    }),
];

/** Records on the channel, by docType. */
const PUBLIC: Readonly<Record<string, Mapper>> = {
    party,
    cluster,
    goods,
    trade,
    declaration,
    customsEvent,
    receipt,
    allocation,
    exemption,
    risk,
    consolidation,
    packing,
    agreement,
    document: documentAnchor,
    financing,
};

/** Records in private data collections, by docType. */
const PRIVATE: Readonly<Record<string, Mapper>> = { partyPrivate, receiptPayer, financingTerms };

/**
 * A deleted record key, by its composite key's object type: the rows it leaves behind. The chaincode never deletes a
 * record (amend or void, with history), only index keys; this keeps the read model equal to the ledger should it.
 */
const DELETED: Readonly<Record<string, (attributes: readonly string[]) => RowChange[]>> = {
    party: ([id = '']) => [{ kind: 'delete', table: 'parties', where: { party_id: id } }],
    cluster: ([id = '']) => [{ kind: 'delete', table: 'clusters', where: { cluster_id: id } }],
    goods: ([id = '']) => [{ kind: 'delete', table: 'goods', where: { goods_code: id } }],
    trade: ([id = '']) => [
        { kind: 'delete', table: 'trades', where: { trade_no: id } },
        { kind: 'delete', table: 'trade_lines', where: { trade_no: id } },
    ],
    declaration: ([id = '']) => [
        { kind: 'delete', table: 'declarations', where: { decl_no: id } },
        { kind: 'delete', table: 'declaration_lines', where: { decl_no: id } },
        { kind: 'delete', table: 'declaration_line_sources', where: { decl_no: id } },
    ],
    customsEvent: ([declNo = '', seq = '']) => [
        { kind: 'delete', table: 'customs_events', where: { decl_no: declNo, seq: Number(seq) } },
    ],
    risk: ([id = '']) => [{ kind: 'delete', table: 'risk_flags', where: { flag_id: id } }],
    receipt: ([bank = '', ref = '']) => [
        { kind: 'delete', table: 'receipts', where: { receipt_id: `${bank}:${ref}` } },
    ],
    allocation: ([tradeNo = '', bank = '', ref = '']) => [
        { kind: 'delete', table: 'allocations', where: { trade_no: tradeNo, receipt_id: `${bank}:${ref}` } },
    ],
    exemption: ([id = '']) => [{ kind: 'delete', table: 'exemptions', where: { filing_no: id } }],
    consolidation: ([id = '']) => [
        { kind: 'delete', table: 'consolidation_orders', where: { order_code: id } },
        { kind: 'delete', table: 'consolidation_order_trades', where: { order_code: id } },
    ],
    packing: ([id = '']) => [
        { kind: 'delete', table: 'packing_lists', where: { packing_no: id } },
        { kind: 'delete', table: 'packing_containers', where: { packing_no: id } },
    ],
    agreement: ([id = '']) => [{ kind: 'delete', table: 'agreements', where: { agreement_no: id } }],
    document: ([sha256 = '']) => [{ kind: 'delete', table: 'documents', where: { sha256 } }],
    financing: ([bank = '', ref = '']) => [
        { kind: 'delete', table: 'financings', where: { financing_id: `${bank}:${ref}` } },
        { kind: 'delete', table: 'financing_items', where: { financing_id: `${bank}:${ref}` } },
    ],
};

/** Object type and attributes of a composite key (U+0000 type U+0000 attr U+0000 …); undefined for a plain key. */
export function splitCompositeKey(key: string): { objectType: string; attributes: string[] } | undefined {
    if (!key.startsWith('\u0000')) return undefined;
    const parts = key.slice(1).split('\u0000');
    return { objectType: parts[0] ?? '', attributes: parts.slice(1, -1) };
}

/** The record a value holds, with its JSON text, when it is a JSON object with a docType. */
function recordOf(value: Uint8Array): { readonly record: { docType: string }; readonly text: string } | undefined {
    // index keys hold one byte (0x01) and other values may be anything: only a JSON object can be a record
    if (value[0] !== 0x7b) return undefined;
    const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const { docType } = parsed as { docType?: unknown };
    return typeof docType === 'string' ? { record: parsed as { docType: string }, text } : undefined;
}

/** The row changes of a record written, by the mapper of its docType; none for a value that is no record of `mappers`. */
function recordChanges(value: Uint8Array, mappers: Readonly<Record<string, Mapper>>, change: Change): RowChange[] {
    const found = recordOf(value);
    const mapper = found === undefined ? undefined : mappers[found.record.docType];
    return found === undefined || mapper === undefined ? [] : mapper(found.record as never, change, found.text);
}

function publicChanges(write: LedgerWrite, change: Change): RowChange[] {
    if (write.value === null) {
        const key = splitCompositeKey(write.key);
        return key === undefined ? [] : (DELETED[key.objectType]?.(key.attributes) ?? []);
    }
    return recordChanges(write.value, PUBLIC, change);
}

function privateChanges(write: PrivateWrite, change: Change): RowChange[] {
    if (write.value === null) {
        const key = splitCompositeKey(write.key);
        if (key?.objectType === 'party') {
            return [{ kind: 'delete', table: 'party_private', where: { party_id: key.attributes[0] ?? '' } }];
        }
        // a bank's implicit collection keys the payer by the plain receipt ID, the terms by the plain financing ID
        return key === undefined && write.collection.startsWith('_implicit_org_')
            ? [
                  { kind: 'delete', table: 'receipt_payers', where: { receipt_id: write.key } },
                  { kind: 'delete', table: 'financing_terms', where: { financing_id: write.key } },
              ]
            : [];
    }
    return recordChanges(write.value, PRIVATE, change);
}

/** The row changes of one VALID transaction, public writes first, then the private data this peer holds. */
export function changesOf(tx: LedgerTransaction, blockNumber: number): RowChange[] {
    const change: Change = { tx_id: tx.txId, block_number: blockNumber };
    return [
        ...tx.writes.flatMap((write) => publicChanges(write, change)),
        ...tx.privateWrites.flatMap((write) => privateChanges(write, change)),
    ];
}
