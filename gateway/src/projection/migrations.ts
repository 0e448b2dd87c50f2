import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * The read model's migrations, in order. A shipped migration never changes: a new column or table is a new entry.
 * They run in one transaction (PostgreSQL: Kysely's migrator, under an advisory lock; SQLite: database.ts, under the
 * file's write lock), so a crash leaves the previous version or the next, never half of one.
 */

type ColumnType = 'text' | 'bigint' | 'integer';
/** name, type, nullable */
type Column = readonly [string, ColumnType, boolean?];

interface TableSpec {
    readonly columns: readonly Column[];
    readonly primaryKey: readonly string[];
    readonly indexes?: readonly (readonly string[])[];
}

const LAST_CHANGE: readonly Column[] = [
    ['tx_id', 'text'],
    ['block_number', 'bigint'],
];

/** Version 1: the main records of the ledger, the transactions applied and the checkpoint. */
const V1_TABLES: Readonly<Record<string, TableSpec>> = {
    checkpoint: {
        columns: [
            ['id', 'integer'],
            ['block_number', 'bigint'],
            ['tx_id', 'text', true],
            ['tx_count', 'bigint'],
            ['applied_at', 'text'],
        ],
        primaryKey: ['id'],
    },
    transactions: {
        columns: [
            ['tx_id', 'text'],
            ['block_number', 'bigint'],
            ['tx_index', 'integer'],
            ['timestamp', 'text'],
            ['creator_msp', 'text'],
            ['event_name', 'text', true],
            ['event_payload', 'text', true],
        ],
        primaryKey: ['tx_id'],
        indexes: [['block_number', 'tx_index'], ['event_name']],
    },
    parties: {
        columns: [
            ['party_id', 'text'],
            ['type', 'text'],
            ['legal_name', 'text'],
            ['name_en', 'text', true],
            ['status', 'text'],
            ['country_code', 'text'],
            ['cluster_id', 'text', true],
            ['stall_no', 'text', true],
            ['org_msp_id', 'text', true],
            ['filed_by_msp', 'text'],
            ['filed_at', 'text'],
            ['updated_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['party_id'],
        indexes: [['type', 'status'], ['cluster_id'], ['legal_name']],
    },
    party_private: {
        columns: [
            ['party_id', 'text'],
            ['id_number', 'text', true],
            ['bank_account', 'text', true],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['party_id'],
    },
    clusters: {
        columns: [
            ['cluster_id', 'text'],
            ['name', 'text'],
            ['city', 'text'],
            ['customs_office', 'text'],
            ['acceptance_date', 'text'],
            ['filed_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['cluster_id'],
        indexes: [['customs_office']],
    },
    goods: {
        columns: [
            ['goods_code', 'text'],
            ['owner_id', 'text'],
            ['producer_id', 'text'],
            ['hs_code', 'text'],
            ['name_cn', 'text'],
            ['name_en', 'text'],
            ['unit', 'text'],
            ['filed_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['goods_code'],
        indexes: [['owner_id'], ['hs_code']],
    },
    trades: {
        columns: [
            ['trade_no', 'text'],
            ['vendor_id', 'text'],
            ['agent_id', 'text'],
            ['buyer_id', 'text'],
            ['cluster_id', 'text'],
            ['stall_no', 'text'],
            ['trade_date', 'text'],
            ['currency', 'text'],
            ['total_amount', 'bigint'],
            ['status', 'text'],
            ['consolidation_order', 'text', true],
            ['packing_no', 'text', true],
            ['decl_no', 'text', true],
            ['risk_flag_count', 'integer'],
            ['owner_msp', 'text'],
            ['registered_at', 'text'],
            ['updated_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['trade_no'],
        indexes: [
            ['status', 'trade_date'],
            ['cluster_id', 'trade_date'],
            ['vendor_id', 'trade_date'],
            ['agent_id', 'trade_date'],
            ['buyer_id', 'trade_date'],
            ['trade_date'],
            ['decl_no'],
        ],
    },
    trade_lines: {
        columns: [
            ['trade_no', 'text'],
            ['line_id', 'text'],
            ['goods_code', 'text'],
            ['hs_code', 'text'],
            ['name_en', 'text'],
            ['unit', 'text'],
            ['qty', 'bigint'],
            ['unit_price', 'bigint'],
            ['amount', 'bigint'],
        ],
        primaryKey: ['trade_no', 'line_id'],
        indexes: [['goods_code'], ['hs_code']],
    },
    declarations: {
        columns: [
            ['decl_no', 'text'],
            ['packing_no', 'text'],
            ['consignor_id', 'text'],
            ['broker_id', 'text'],
            ['buyer_id', 'text'],
            ['customs_office', 'text'],
            ['exit_port', 'text'],
            ['decl_date', 'text'],
            ['dest_country', 'text'],
            ['transport_mode', 'text'],
            ['total_value_usd', 'bigint'],
            ['status', 'text'],
            ['release_date', 'text', true],
            ['exit_date', 'text', true],
            ['customs_events', 'integer'],
            ['filed_by_msp', 'text'],
            ['filed_at', 'text'],
            ['updated_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['decl_no'],
        indexes: [
            ['status', 'decl_date'],
            ['customs_office', 'status'],
            ['decl_date'],
            ['consignor_id', 'decl_date'],
            ['buyer_id'],
        ],
    },
    declaration_lines: {
        columns: [
            ['decl_no', 'text'],
            ['g_no', 'integer'],
            ['hs_code', 'text'],
            ['name', 'text'],
            ['qty', 'bigint'],
            ['unit', 'text'],
            ['value_usd', 'bigint'],
            ['merged_chapter', 'text', true],
            ['is_itemised', 'integer'],
        ],
        primaryKey: ['decl_no', 'g_no'],
    },
    declaration_line_sources: {
        columns: [
            ['decl_no', 'text'],
            ['g_no', 'integer'],
            ['trade_no', 'text'],
            ['line_id', 'text'],
            ['goods_code', 'text'],
            ['qty', 'bigint'],
            ['amount', 'bigint'],
            ['currency', 'text'],
            ['value_usd', 'bigint'],
        ],
        primaryKey: ['decl_no', 'g_no', 'trade_no', 'line_id'],
        indexes: [['trade_no']],
    },
    customs_events: {
        columns: [
            ['decl_no', 'text'],
            ['seq', 'integer'],
            ['type', 'text'],
            ['from_status', 'text'],
            ['to_status', 'text'],
            ['reason', 'text', true],
            ['by_msp', 'text'],
            ['at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['decl_no', 'seq'],
        indexes: [['type', 'at']],
    },
    receipts: {
        columns: [
            ['receipt_id', 'text'],
            ['bank_msp_id', 'text'],
            ['bank_party_id', 'text'],
            ['payee_party_id', 'text'],
            ['amount_minor', 'bigint'],
            ['currency', 'text'],
            ['value_date', 'text'],
            ['channel', 'text'],
            ['usd_equivalent_minor', 'bigint', true],
            ['allocated_minor', 'bigint'],
            ['unallocated_minor', 'bigint'],
            ['status', 'text'],
            ['verdict', 'text', true],
            ['filed_at', 'text'],
            ['updated_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['receipt_id'],
        indexes: [
            ['bank_msp_id', 'status', 'value_date'],
            ['payee_party_id', 'value_date'],
        ],
    },
    receipt_payers: {
        columns: [['receipt_id', 'text'], ['name', 'text'], ['country', 'text'], ['doc', 'text'], ...LAST_CHANGE],
        primaryKey: ['receipt_id'],
    },
    allocations: {
        columns: [
            ['trade_no', 'text'],
            ['receipt_id', 'text'],
            ['bank_msp_id', 'text'],
            ['receipt_amount_minor', 'bigint'],
            ['receipt_currency', 'text'],
            ['trade_amount_minor', 'bigint'],
            ['trade_currency', 'text'],
            ['value_date', 'text'],
            ['allocated_at', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['trade_no', 'receipt_id'],
        indexes: [['receipt_id']],
    },
    exemptions: {
        columns: [
            ['filing_no', 'text'],
            ['merchant_id', 'text'],
            ['filer_party_id', 'text'],
            ['filer_role', 'text'],
            ['period', 'text'],
            ['export_month', 'text'],
            ['status', 'text'],
            ['filed_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['filing_no'],
        indexes: [['merchant_id', 'period'], ['status']],
    },
    risk_flags: {
        columns: [
            ['flag_id', 'text'],
            ['subject_type', 'text'],
            ['subject_id', 'text'],
            ['rule_id', 'text'],
            ['severity', 'text'],
            ['status', 'text'],
            ['raised_by_msp', 'text'],
            ['raised_at', 'text'],
            ['resolved_at', 'text', true],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['flag_id'],
        indexes: [
            ['status', 'raised_at'],
            ['subject_type', 'subject_id'],
        ],
    },
};

/**
 * Version 2: the work lists' indexes (gateway/src/worklists). A list page is filter = value, sort column in range,
 * ordered by (sort column, primary key) after the cursor: each index below is (filter, sort column, primary key), so
 * such a page is one index range scan. Per list: its default sort and its primary-key sort, under each column its
 * scope or its usual filter fixes.
 */
const WORK_LIST_INDEXES: Readonly<Record<string, readonly (readonly string[])[]>> = {
    trades: [
        ['trade_date', 'trade_no'],
        ['vendor_id', 'trade_date', 'trade_no'],
        ['agent_id', 'trade_date', 'trade_no'],
        ['status', 'trade_date', 'trade_no'],
        ['cluster_id', 'trade_date', 'trade_no'],
        ['vendor_id', 'trade_no'],
        ['agent_id', 'trade_no'],
        ['status', 'trade_no'],
        ['cluster_id', 'trade_no'],
    ],
    declarations: [
        ['decl_date', 'decl_no'],
        ['consignor_id', 'decl_date', 'decl_no'],
        ['broker_id', 'decl_date', 'decl_no'],
        ['status', 'decl_date', 'decl_no'],
        ['customs_office', 'decl_date', 'decl_no'],
        ['consignor_id', 'decl_no'],
        ['broker_id', 'decl_no'],
        ['status', 'decl_no'],
        ['customs_office', 'decl_no'],
    ],
    receipts: [
        ['value_date', 'receipt_id'],
        ['bank_party_id', 'value_date', 'receipt_id'],
        ['bank_party_id', 'status', 'value_date', 'receipt_id'],
        ['payee_party_id', 'value_date', 'receipt_id'],
        ['status', 'value_date', 'receipt_id'],
        ['bank_party_id', 'receipt_id'],
        ['payee_party_id', 'receipt_id'],
    ],
    allocations: [['bank_msp_id', 'receipt_id']],
    risk_flags: [
        ['raised_at', 'flag_id'],
        ['status', 'raised_at', 'flag_id'],
        ['subject_type', 'raised_at', 'flag_id'],
        ['status', 'flag_id'],
    ],
    exemptions: [
        ['period', 'filing_no'],
        ['merchant_id', 'period', 'filing_no'],
        ['status', 'period', 'filing_no'],
        ['merchant_id', 'filing_no'],
        ['status', 'filing_no'],
    ],
    parties: [
        ['filed_at', 'party_id'],
        ['status', 'filed_at', 'party_id'],
        ['type', 'filed_at', 'party_id'],
        ['cluster_id', 'filed_at', 'party_id'],
        ['status', 'party_id'],
        ['type', 'party_id'],
        ['cluster_id', 'party_id'],
    ],
};

async function createIndexes(
    db: Kysely<unknown>,
    indexes: Readonly<Record<string, readonly (readonly string[])[]>>,
): Promise<void> {
    for (const [table, list] of Object.entries(indexes)) {
        for (const columns of list) {
            await db.schema
                .createIndex(`${table}_by_${columns.join('_')}`)
                .on(table)
                .columns([...columns])
                .execute();
        }
    }
}

async function createTables(db: Kysely<unknown>, tables: Readonly<Record<string, TableSpec>>): Promise<void> {
    for (const [table, spec] of Object.entries(tables)) {
        let create = db.schema.createTable(table);
        for (const [name, type, nullable] of spec.columns) {
            create = create.addColumn(name, sql.raw(type), (column) => (nullable === true ? column : column.notNull()));
        }
        await create.addPrimaryKeyConstraint(`${table}_pk`, [...spec.primaryKey] as never).execute();
        for (const columns of spec.indexes ?? []) {
            await db.schema
                .createIndex(`${table}_by_${columns.join('_')}`)
                .on(table)
                .columns([...columns])
                .execute();
        }
    }
}

/** Version 2: goods and allocations can be voided (docs/rules.md "Corrections"); rows written before are ACTIVE. */
async function addCorrectionStatus(db: Kysely<unknown>): Promise<void> {
    for (const table of ['goods', 'allocations']) {
        await db.schema
            .alterTable(table)
            .addColumn('status', 'text', (column) => column.notNull().defaultTo('ACTIVE'))
            .execute();
    }
}

/**
 * Version 4: the records no work list needed until the EPCIS export and the bank's financed totals: consolidation
 * orders and packing lists (voided ones too, with their status), agency agreements, documents and financings.
 */
const V4_TABLES: Readonly<Record<string, TableSpec>> = {
    consolidation_orders: {
        columns: [
            ['order_code', 'text'],
            ['consolidator_id', 'text'],
            ['agent_id', 'text'],
            ['dest_country', 'text'],
            ['site', 'text'],
            ['status', 'text'],
            ['packing_no', 'text', true],
            ['created_at', 'text'],
            ['updated_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['order_code'],
        indexes: [['consolidator_id', 'order_code'], ['packing_no']],
    },
    consolidation_order_trades: {
        columns: [
            ['order_code', 'text'],
            ['trade_no', 'text'],
        ],
        primaryKey: ['order_code', 'trade_no'],
        indexes: [['trade_no']],
    },
    packing_lists: {
        columns: [
            ['packing_no', 'text'],
            ['consolidator_id', 'text'],
            ['broker_id', 'text'],
            ['agent_id', 'text'],
            ['pack_date', 'text'],
            ['site', 'text'],
            ['dest_country', 'text'],
            ['bill_of_lading', 'text', true],
            ['status', 'text'],
            ['created_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['packing_no'],
        indexes: [
            ['consolidator_id', 'packing_no'],
            ['pack_date', 'packing_no'],
        ],
    },
    packing_containers: {
        columns: [
            ['packing_no', 'text'],
            ['container_no', 'text'],
            ['type', 'text'],
            ['seal_no', 'text'],
            ['tare_kg', 'bigint'],
            ['order_codes', 'text'],
        ],
        primaryKey: ['packing_no', 'container_no'],
        indexes: [['container_no']],
    },
    agreements: {
        columns: [
            ['agreement_no', 'text'],
            ['merchant_id', 'text'],
            ['agent_id', 'text'],
            ['valid_from', 'text'],
            ['valid_to', 'text'],
            ['status', 'text'],
            ['filed_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['agreement_no'],
        indexes: [['merchant_id'], ['agent_id']],
    },
    documents: {
        columns: [
            ['sha256', 'text'],
            ['kind', 'text'],
            ['registered_by_msp', 'text'],
            ['registered_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['sha256'],
    },
    financings: {
        columns: [
            ['financing_id', 'text'],
            ['bank_msp_id', 'text'],
            ['bank_party_id', 'text'],
            ['borrower_party_id', 'text'],
            ['decl_no', 'text', true],
            ['status', 'text'],
            ['filed_at', 'text'],
            ['updated_at', 'text'],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['financing_id'],
        indexes: [['bank_msp_id', 'bank_party_id'], ['borrower_party_id']],
    },
    financing_items: {
        columns: [
            ['financing_id', 'text'],
            ['trade_no', 'text'],
            ['amount_minor', 'bigint'],
            ['currency', 'text'],
        ],
        primaryKey: ['financing_id', 'trade_no'],
        indexes: [['trade_no']],
    },
    financing_terms: {
        columns: [
            ['financing_id', 'text'],
            ['loan_account', 'text', true],
            ['contract_ref', 'text', true],
            ['annual_rate_bps', 'integer', true],
            ['due_date', 'text', true],
            ['doc', 'text'],
            ...LAST_CHANGE,
        ],
        primaryKey: ['financing_id'],
    },
};

/**
 * The primary key of every table projected from the ledger (all but the checkpoint, the outbox and the webhooks'
 * own tables): what the verifier (verify.ts) compares rows by. A migration that adds such a table adds its key here.
 */
export const PROJECTED_TABLE_KEYS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
    Object.entries({ ...V1_TABLES, ...V4_TABLES })
        .filter(([table]) => table !== 'checkpoint')
        .map(([table, spec]) => [table, spec.primaryKey]),
);

/**
 * Version 5: events out (docs/events.md). The outbox is written in the block's transaction, so an event exists iff its
 * block is applied; the org's webhook subscriptions and their deliveries lived beside it until version 6 moved them
 * to the gateway's own state.
 */
const EVENT_TABLES: Readonly<Record<string, TableSpec>> = {
    outbox: {
        columns: [
            ['event_id', 'text'],
            ['tx_id', 'text'],
            ['block_number', 'bigint'],
            ['tx_index', 'integer'],
            ['type', 'text'],
            ['cluster_id', 'text', true],
            ['subject_kind', 'text', true],
            ['subject_ids', 'text'],
            ['payload', 'text'],
            ['occurred_at', 'text'],
        ],
        primaryKey: ['event_id'],
        indexes: [['block_number', 'tx_index']],
    },
    webhook_subscriptions: {
        columns: [
            ['subscription_id', 'text'],
            ['url', 'text'],
            ['secret', 'text'],
            ['event_types', 'text', true],
            ['clusters', 'text', true],
            ['created_by', 'text'],
            ['created_at', 'text'],
        ],
        primaryKey: ['subscription_id'],
    },
    webhook_deliveries: {
        columns: [
            ['subscription_id', 'text'],
            ['event_id', 'text'],
            ['state', 'text'],
            ['attempts', 'integer'],
            ['next_attempt_at', 'bigint'],
            ['last_status', 'integer', true],
            ['last_error', 'text', true],
            ['updated_at', 'text'],
        ],
        primaryKey: ['subscription_id', 'event_id'],
        indexes: [['state', 'next_attempt_at']],
    },
};

/**
 * Version 6: webhook subscriptions and deliveries moved to the gateway's own state (docs/events.md), so a rebuilt read
 * model loses none. The gateway copies them out before it migrates (events/upgrade.ts); a read model opened first by
 * something that did not (a tool of this version) is refused here rather than emptied of subscriptions.
 */
async function dropWebhookTables(db: Kysely<unknown>): Promise<void> {
    const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM webhook_subscriptions`.execute(db);
    const left = Number(rows[0]?.n ?? 0);
    if (left > 0) {
        throw new Error(
            `the read model still holds ${left} webhook subscription(s): start the gateway (it moves them to its own ` +
                'state) before another tool opens this read model / 读模型中仍有 Webhook 订阅：请先启动网关（它会将订阅迁入自身状态）',
        );
    }
    await db.schema.dropTable('webhook_deliveries').execute();
    await db.schema.dropTable('webhook_subscriptions').execute();
}

const MIGRATIONS: Readonly<Record<string, Migration>> = {
    '0001_main_records': { up: (db) => createTables(db, V1_TABLES) },
    '0002_correction_status': { up: addCorrectionStatus },
    '0003_work_list_indexes': { up: (db) => createIndexes(db, WORK_LIST_INDEXES) },
    '0004_epcis_projection_gaps': { up: (db) => createTables(db, V4_TABLES) },
    '0005_events_outbox': { up: (db) => createTables(db, EVENT_TABLES) },
    '0006_events_webhooks_to_gateway_state': { up: dropWebhookTables },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/**
 * Brings the read model to the latest version; throws with the failing migration's error. `schema` (PostgreSQL)
 * keeps the migrator's own tables in the read model's schema: found by name alone, another org's would do.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
    const { error } = await new Migrator({ db, provider, migrationTableSchema: schema }).migrateToLatest();
    if (error !== undefined) {
        throw error instanceof Error ? error : new Error('read model migration failed', { cause: error });
    }
}
