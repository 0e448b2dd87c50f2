/**
 * The tables of one organisation's read model (Kysely's view of them; migrations.ts creates them). Every projected
 * row carries `tx_id` and `block_number` of the transaction that last changed it, so a page can link to the ledger
 * fact. `doc` is the record exactly as the ledger holds it (canonical JSON); the other columns are what work lists
 * filter and sort on. Dates are `YYYY-MM-DD`, times ISO-8601, money integer minor units, as on the ledger.
 */

export interface LastChange {
    tx_id: string;
    block_number: number;
}

/** One row: the last block applied in full, and its last transaction. */
export interface CheckpointTable {
    id: number;
    block_number: number;
    tx_id: string | null;
    tx_count: number;
    applied_at: string;
}

/** Every VALID transaction of the chaincode applied, with its one chaincode event. */
export interface TransactionTable {
    tx_id: string;
    block_number: number;
    tx_index: number;
    timestamp: string;
    creator_msp: string;
    event_name: string | null;
    event_payload: string | null;
}

export interface PartyTable extends LastChange {
    party_id: string;
    type: string;
    legal_name: string;
    name_en: string | null;
    status: string;
    country_code: string;
    cluster_id: string | null;
    stall_no: string | null;
    org_msp_id: string | null;
    filed_by_msp: string;
    filed_at: string;
    updated_at: string;
    doc: string;
}

/** A party's personal data from the marketPrivate collection: only on the peers of its member orgs. */
export interface PartyPrivateTable extends LastChange {
    party_id: string;
    id_number: string | null;
    bank_account: string | null;
    doc: string;
}

export interface ClusterTable extends LastChange {
    cluster_id: string;
    name: string;
    city: string;
    customs_office: string;
    acceptance_date: string;
    filed_at: string;
    doc: string;
}

export interface GoodsTable extends LastChange {
    goods_code: string;
    owner_id: string;
    producer_id: string;
    hs_code: string;
    name_cn: string;
    name_en: string;
    unit: string;
    /** ACTIVE or VOID (a voided entry takes no new trade). */
    status: string;
    filed_at: string;
    doc: string;
}

export interface TradeTable extends LastChange {
    trade_no: string;
    vendor_id: string;
    agent_id: string;
    buyer_id: string;
    cluster_id: string;
    stall_no: string;
    trade_date: string;
    currency: string;
    total_amount: number;
    status: string;
    consolidation_order: string | null;
    packing_no: string | null;
    decl_no: string | null;
    risk_flag_count: number;
    owner_msp: string;
    registered_at: string;
    updated_at: string;
    doc: string;
}

export interface TradeLineTable {
    trade_no: string;
    line_id: string;
    goods_code: string;
    hs_code: string;
    name_en: string;
    unit: string;
    qty: number;
    unit_price: number;
    amount: number;
}

export interface DeclarationTable extends LastChange {
    decl_no: string;
    packing_no: string;
    consignor_id: string;
    broker_id: string;
    buyer_id: string;
    customs_office: string;
    exit_port: string;
    decl_date: string;
    dest_country: string;
    transport_mode: string;
    total_value_usd: number;
    status: string;
    release_date: string | null;
    exit_date: string | null;
    customs_events: number;
    filed_by_msp: string;
    filed_at: string;
    updated_at: string;
    doc: string;
}

export interface DeclarationLineTable {
    decl_no: string;
    g_no: number;
    hs_code: string;
    name: string;
    qty: number;
    unit: string;
    value_usd: number;
    merged_chapter: string | null;
    is_itemised: number;
}

/** Which trade lines make up a declaration line (the trace of CU-07). */
export interface DeclarationLineSourceTable {
    decl_no: string;
    g_no: number;
    trade_no: string;
    line_id: string;
    goods_code: string;
    qty: number;
    amount: number;
    currency: string;
    value_usd: number;
}

export interface CustomsEventTable extends LastChange {
    decl_no: string;
    seq: number;
    type: string;
    from_status: string;
    to_status: string;
    reason: string | null;
    by_msp: string;
    at: string;
    doc: string;
}

export interface ReceiptTable extends LastChange {
    receipt_id: string;
    bank_msp_id: string;
    bank_party_id: string;
    payee_party_id: string;
    amount_minor: number;
    currency: string;
    value_date: string;
    channel: string;
    usd_equivalent_minor: number | null;
    allocated_minor: number;
    unallocated_minor: number;
    status: string;
    verdict: string | null;
    filed_at: string;
    updated_at: string;
    doc: string;
}

/** A receipt's payer from the filing bank's implicit collection: only in that bank's projection. */
export interface ReceiptPayerTable extends LastChange {
    receipt_id: string;
    name: string;
    country: string;
    doc: string;
}

export interface AllocationTable extends LastChange {
    trade_no: string;
    receipt_id: string;
    bank_msp_id: string;
    receipt_amount_minor: number;
    receipt_currency: string;
    trade_amount_minor: number;
    trade_currency: string;
    value_date: string;
    allocated_at: string;
    /** ACTIVE or VOID (a voided allocation counts for no trade). */
    status: string;
}

export interface ExemptionTable extends LastChange {
    filing_no: string;
    merchant_id: string;
    filer_party_id: string;
    filer_role: string;
    period: string;
    export_month: string;
    status: string;
    filed_at: string;
    doc: string;
}

export interface RiskFlagTable extends LastChange {
    flag_id: string;
    subject_type: string;
    subject_id: string;
    rule_id: string;
    severity: string;
    status: string;
    raised_by_msp: string;
    raised_at: string;
    resolved_at: string | null;
    doc: string;
}

/** A consolidation order (migration 0004); `status` OPEN, PACKED or VOID (voided before packing). */
export interface ConsolidationOrderTable extends LastChange {
    order_code: string;
    consolidator_id: string;
    agent_id: string;
    dest_country: string;
    site: string;
    status: string;
    packing_no: string | null;
    created_at: string;
    updated_at: string;
    doc: string;
}

/** The trades of a consolidation order, replaced whole with it. */
export interface ConsolidationOrderTradeTable {
    order_code: string;
    trade_no: string;
}

/** A packing list; `status` PACKED or VOID (voided before declaration). */
export interface PackingListTable extends LastChange {
    packing_no: string;
    consolidator_id: string;
    broker_id: string;
    agent_id: string;
    pack_date: string;
    site: string;
    dest_country: string;
    bill_of_lading: string | null;
    status: string;
    created_at: string;
    doc: string;
}

/** The containers of a packing list, replaced whole with it; `order_codes` is the JSON array of its orders. */
export interface PackingContainerTable {
    packing_no: string;
    container_no: string;
    type: string;
    seal_no: string;
    tare_kg: number;
    order_codes: string;
}

/** An agency agreement between a merchant and its agent: PENDING, SIGNED or TERMINATED. */
export interface AgreementTable extends LastChange {
    agreement_no: string;
    merchant_id: string;
    agent_id: string;
    valid_from: string;
    valid_to: string;
    status: string;
    filed_at: string;
    doc: string;
}

/** The anchor of an off-chain document's hash. */
export interface DocumentTable extends LastChange {
    sha256: string;
    kind: string;
    registered_by_msp: string;
    registered_at: string;
    doc: string;
}

/** A bank's financing against exported trades (V33): OPEN, REPAID or SETTLED. */
export interface FinancingTable extends LastChange {
    financing_id: string;
    bank_msp_id: string;
    bank_party_id: string;
    borrower_party_id: string;
    decl_no: string | null;
    status: string;
    filed_at: string;
    updated_at: string;
    doc: string;
}

/** The trades a financing covers, each in its own currency, replaced whole with the financing. */
export interface FinancingItemTable {
    financing_id: string;
    trade_no: string;
    amount_minor: number;
    currency: string;
}

/** A financing's terms: only in the financing bank's read model (its implicit collection). */
export interface FinancingTermsTable extends LastChange {
    financing_id: string;
    loan_account: string | null;
    contract_ref: string | null;
    annual_rate_bps: number | null;
    due_date: string | null;
    doc: string;
}

/** One chaincode event, written with its block (docs/events.md): what webhooks and the event stream send. */
export interface OutboxTable {
    /** The transaction's ID: Fabric carries one chaincode event per transaction. */
    event_id: string;
    tx_id: string;
    block_number: number;
    tx_index: number;
    /** The chaincode event name (vocabulary.ts EventPayloads). */
    type: string;
    /** The market cluster of the records the transaction wrote; null when none carries one. */
    cluster_id: string | null;
    /** The work list whose records the event is about (trades, declarations, ...); null for other records. */
    subject_kind: string | null;
    /** JSON array of those records' IDs. */
    subject_ids: string;
    payload: string;
    occurred_at: string;
}

export interface ReadModel {
    checkpoint: CheckpointTable;
    transactions: TransactionTable;
    parties: PartyTable;
    party_private: PartyPrivateTable;
    clusters: ClusterTable;
    goods: GoodsTable;
    trades: TradeTable;
    trade_lines: TradeLineTable;
    declarations: DeclarationTable;
    declaration_lines: DeclarationLineTable;
    declaration_line_sources: DeclarationLineSourceTable;
    customs_events: CustomsEventTable;
    receipts: ReceiptTable;
    receipt_payers: ReceiptPayerTable;
    allocations: AllocationTable;
    exemptions: ExemptionTable;
    risk_flags: RiskFlagTable;
    consolidation_orders: ConsolidationOrderTable;
    consolidation_order_trades: ConsolidationOrderTradeTable;
    packing_lists: PackingListTable;
    packing_containers: PackingContainerTable;
    agreements: AgreementTable;
    documents: DocumentTable;
    financings: FinancingTable;
    financing_items: FinancingItemTable;
    financing_terms: FinancingTermsTable;
    outbox: OutboxTable;
}

export type TableName = keyof ReadModel;
