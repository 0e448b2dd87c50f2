import type { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/route';
import {
    listDeclarations,
    listExemptions,
    listGoods,
    listParties,
    listReceipts,
    listRiskFlags,
    listTrades,
    receiptTotals,
    rolesOf,
    WORK_LISTS,
    type DeclarationRow,
    type ExemptionRow,
    type GoodsRow,
    type PartyRow,
    type ReceiptRow,
    type RiskFlagRow,
    type TradeRow,
    type WorkListName,
} from '../../worklists';
import {
    DeclarationItem,
    DeclarationListQuery,
    ExemptionItem,
    ExemptionListQuery,
    GoodsItem,
    GoodsListQuery,
    PartyItem,
    PartyListQuery,
    RECEIPT_STAGES,
    ReceiptItem,
    ReceiptListQuery,
    ReceiptTotalsQuery,
    ReceiptTotalsResponse,
    RiskFlagItem,
    RiskFlagListQuery,
    SearchQuery,
    SearchResponse,
    TradeItem,
    TradeListQuery,
    workListPage,
} from './schema';
import { openList, openLists, pageOf, type ReadModels } from './service';

const tag = 'work lists';
const errors = ['READ_MODEL_UNAVAILABLE'] as const;

const onLedger = (row: { tx_id: string; block_number: number }): { txId: string; blockNumber: string } => ({
    txId: row.tx_id,
    blockNumber: String(row.block_number),
});

const tradeItem = (row: TradeRow): z.input<typeof TradeItem> => ({
    tradeNo: row.trade_no,
    tradeDate: row.trade_date,
    status: row.status as z.input<typeof TradeItem>['status'],
    vendorId: row.vendor_id,
    agentId: row.agent_id,
    buyerId: row.buyer_id,
    clusterId: row.cluster_id,
    stallNo: row.stall_no,
    currency: row.currency,
    totalAmount: row.total_amount,
    consolidationOrder: row.consolidation_order,
    packingNo: row.packing_no,
    declNo: row.decl_no,
    riskFlagCount: row.risk_flag_count,
    allocatedAmount: row.allocated_amount,
    receiptCount: row.receipt_count,
    updatedAt: row.updated_at,
    ...onLedger(row),
});

const declarationItem = (row: DeclarationRow): z.input<typeof DeclarationItem> => ({
    declNo: row.decl_no,
    declDate: row.decl_date,
    status: row.status as z.input<typeof DeclarationItem>['status'],
    customsOffice: row.customs_office,
    exitPort: row.exit_port,
    consignorId: row.consignor_id,
    brokerId: row.broker_id,
    buyerId: row.buyer_id,
    destCountry: row.dest_country,
    totalValueUsd: row.total_value_usd,
    releaseDate: row.release_date,
    exitDate: row.exit_date,
    customsEvents: row.customs_events,
    updatedAt: row.updated_at,
    ...onLedger(row),
});

const receiptItem = (row: ReceiptRow): z.input<typeof ReceiptItem> => ({
    receiptId: row.receipt_id,
    valueDate: row.value_date,
    status: row.status as z.input<typeof ReceiptItem>['status'],
    verdict: row.verdict,
    bankMspId: row.bank_msp_id,
    bankPartyId: row.bank_party_id,
    payeePartyId: row.payee_party_id,
    currency: row.currency,
    amountMinor: row.amount_minor,
    allocatedMinor: row.allocated_minor,
    unallocatedMinor: row.unallocated_minor,
    channel: row.channel,
    updatedAt: row.updated_at,
    ...onLedger(row),
});

const riskFlagItem = (row: RiskFlagRow): z.input<typeof RiskFlagItem> => ({
    flagId: row.flag_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    ruleId: row.rule_id,
    severity: row.severity,
    status: row.status as z.input<typeof RiskFlagItem>['status'],
    raisedByMsp: row.raised_by_msp,
    raisedAt: row.raised_at,
    resolvedAt: row.resolved_at,
    ...onLedger(row),
});

const exemptionItem = (row: ExemptionRow): z.input<typeof ExemptionItem> => ({
    filingNo: row.filing_no,
    merchantId: row.merchant_id,
    filerPartyId: row.filer_party_id,
    filerRole: row.filer_role,
    period: row.period,
    exportMonth: row.export_month,
    status: row.status,
    filedAt: row.filed_at,
    ...onLedger(row),
});

const partyItem = (row: PartyRow): z.input<typeof PartyItem> => ({
    partyId: row.party_id,
    type: row.type as z.input<typeof PartyItem>['type'],
    legalName: row.legal_name,
    nameEn: row.name_en,
    status: row.status as z.input<typeof PartyItem>['status'],
    countryCode: row.country_code,
    clusterId: row.cluster_id,
    stallNo: row.stall_no,
    filedAt: row.filed_at,
    updatedAt: row.updated_at,
    ...onLedger(row),
});

const goodsItem = (row: GoodsRow): z.input<typeof GoodsItem> => ({
    goodsCode: row.goods_code,
    ownerId: row.owner_id,
    producerId: row.producer_id,
    hsCode: row.hs_code,
    nameCn: row.name_cn,
    nameEn: row.name_en,
    unit: row.unit,
    status: row.status as z.input<typeof GoodsItem>['status'],
    filedAt: row.filed_at,
    ...onLedger(row),
});

/** The permission rows a list mirrors, for its description. */
const readsLike = (list: WorkListName): string =>
    `Authorised exactly like the ledger's ${WORK_LISTS[list].mirrors.join(' and ')} (docs/permissions.md): the ` +
    "same roles, and an OWN scope keeps the caller's own rows whatever the filters say. Read from the caller's own " +
    'org read model; `readModel` says how far it has got. Every row has the `txId` and `blockNumber` that last ' +
    'changed it.';

const DATE_SORTS = ['tradeDate', 'declDate', 'valueDate', 'raisedAt', 'period', 'filedAt'];

/**
 * The read side's work lists and search (docs/read-side.md "Work lists"): one resource per record kind, each with
 * filters, a sort and keyset pages; a role's work list is a filter on it (the operator's flagged trades are
 * `GET /v1/worklists/trades?status=FLAGGED`).
 */
export function worklistRoutes(readModels: ReadModels | undefined): AnyRoute[] {
    return [
        defineRoute({
            method: 'get',
            path: '/v1/worklists/trades',
            operationId: 'workListTrades',
            summary: 'Trades: a vendor its own, an agent those it acts in, the authorities all',
            description:
                'Filters: status, cluster, party (vendor, agent or buyer), trade-date range, q (tradeNo prefix or ' +
                'party name). Each row carries its declaration number and the trade status that follows the ' +
                'declaration, and the receipts allocated to it. Operator: `status=FLAGGED`. ' +
                readsLike('trades'),
            tag,
            roles: rolesOf('trades'),
            errors,
            query: TradeListQuery,
            response: workListPage(TradeItem),
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'trades');
                const result = await listTrades(model, scope, query, pageOf(query, DATE_SORTS));
                return { items: result.rows.map(tradeItem), nextCursor: result.nextCursor, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/declarations',
            operationId: 'workListDeclarations',
            summary: 'Declarations with their customs status: an agent its own, a broker those it files, customs all',
            description:
                'Filters: status (customs: `RETURNED,ON_HOLD` for returned and held items), customsOffice (the ' +
                'customs district), cluster, party, declaration-date range, q (declNo prefix or party name). ' +
                readsLike('declarations'),
            tag,
            roles: rolesOf('declarations'),
            errors,
            query: DeclarationListQuery,
            response: workListPage(DeclarationItem),
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'declarations');
                const result = await listDeclarations(model, scope, query, pageOf(query, DATE_SORTS));
                return { items: result.rows.map(declarationItem), nextCursor: result.nextCursor, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/receipts',
            operationId: 'workListReceipts',
            summary: 'Receipts: a bank its own (awaiting allocation, check or settlement), a payee those paid to it',
            description:
                'Filters: stage (allocation, check, settlement) or status, party (payee), currency, value-date ' +
                'range. ' +
                readsLike('receipts'),
            tag,
            roles: rolesOf('receipts'),
            errors,
            query: ReceiptListQuery,
            response: workListPage(ReceiptItem),
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'receipts');
                const status = query.stage === undefined ? query.status : [...RECEIPT_STAGES[query.stage]];
                const filter = { ...query, status };
                const result = await listReceipts(model, scope, filter, pageOf(query, DATE_SORTS));
                return { items: result.rows.map(receiptItem), nextCursor: result.nextCursor, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/receipts/totals',
            operationId: 'workListReceiptTotals',
            summary: "Per currency, the received, allocated and settled totals of the caller's receipts",
            description:
                'The same filters and scope as the receipts list (a bank: only its own receipts), with the financed ' +
                'totals (V33) of the financings the caller may read (a bank: its own; authorities: all; payees: ' +
                'none); status, stage and value dates select receipts only. ' +
                readsLike('receipts'),
            tag,
            roles: rolesOf('receipts'),
            errors,
            query: ReceiptTotalsQuery,
            response: ReceiptTotalsResponse,
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'receipts');
                const status = query.stage === undefined ? query.status : [...RECEIPT_STAGES[query.stage]];
                return { totals: await receiptTotals(model, scope, { ...query, status }), readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/risk-flags',
            operationId: 'workListRiskFlags',
            summary: 'Risk flags (customs: `status=OPEN` for open flags)',
            description:
                'Filters: status, severity, subjectType, subjectId, ruleId, raised-date range. ' +
                readsLike('riskFlags'),
            tag,
            roles: rolesOf('riskFlags'),
            errors,
            query: RiskFlagListQuery,
            response: workListPage(RiskFlagItem),
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'riskFlags');
                const result = await listRiskFlags(model, scope, query, pageOf(query, DATE_SORTS));
                return { items: result.rows.map(riskFlagItem), nextCursor: result.nextCursor, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/exemptions',
            operationId: 'workListExemptions',
            summary: 'VAT-exemption filings: a vendor its own, the authorities all',
            description: 'Filters: status, party (merchant), VAT period range. ' + readsLike('exemptions'),
            tag,
            roles: rolesOf('exemptions'),
            errors,
            query: ExemptionListQuery,
            response: workListPage(ExemptionItem),
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'exemptions');
                const result = await listExemptions(model, scope, query, pageOf(query, DATE_SORTS));
                return { items: result.rows.map(exemptionItem), nextCursor: result.nextCursor, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/parties',
            operationId: 'workListParties',
            summary:
                'Filed parties (operator: `status=SUBMITTED,VERIFIED` pending verification, `type=MERCHANT` stalls)',
            description:
                'Filters: status, type, cluster, filing-date range, q (party ID prefix or part of the legal or ' +
                'English name, CJK included). Vendor rows carry their cluster and stall. ' +
                readsLike('parties'),
            tag,
            roles: rolesOf('parties'),
            errors,
            query: PartyListQuery,
            response: workListPage(PartyItem),
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'parties');
                const result = await listParties(model, scope, query, pageOf(query, DATE_SORTS));
                return { items: result.rows.map(partyItem), nextCursor: result.nextCursor, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/goods',
            operationId: 'workListGoods',
            summary:
                'The goods registry: a vendor the goods it owns (its trade form picks from them), the operator all',
            description:
                'Filters: status, owner, hsCode (prefix), q (goodsCode prefix or part of a name). ' +
                readsLike('goods'),
            tag,
            roles: rolesOf('goods'),
            errors,
            query: GoodsListQuery,
            response: workListPage(GoodsItem),
            handle: async ({ principal, query }) => {
                const { model, scope, readModel } = await openList(readModels, principal, 'goods');
                const result = await listGoods(model, scope, query, pageOf(query, DATE_SORTS));
                return { items: result.rows.map(goodsItem), nextCursor: result.nextCursor, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/worklists/search',
            operationId: 'workListSearch',
            summary: 'Search trades by tradeNo, declarations by declNo, parties by name (CJK included)',
            description:
                'Each kind the caller may list is searched in its own scope (a vendor finds only its own trades); ' +
                'a kind its role may not list is null. IDs match by prefix, names by part (any script, ASCII case ' +
                'ignored).',
            tag,
            roles: [...new Set([...rolesOf('trades'), ...rolesOf('declarations'), ...rolesOf('parties')])],
            errors,
            query: SearchQuery,
            response: SearchResponse,
            handle: async ({ principal, query }) => {
                const { scopes, context } = await openLists(readModels, principal, [
                    'trades',
                    'declarations',
                    'parties',
                ]);
                const { model, readModel } = context;
                const spec = { limit: query.limit, direction: 'asc' as const };
                const filter = { q: query.q };
                const found = async <R, I>(
                    list: WorkListName,
                    run: (
                        scope: NonNullable<ReturnType<typeof scopes.get>>,
                    ) => Promise<{ rows: R[]; nextCursor: string | null }>,
                    item: (row: R) => I,
                ): Promise<{ items: I[]; more: boolean } | null> => {
                    const scope = scopes.get(list);
                    if (scope === undefined) return null;
                    const result = await run(scope);
                    return { items: result.rows.map(item), more: result.nextCursor !== null };
                };
                return {
                    trades: await found(
                        'trades',
                        (scope) => listTrades(model, scope, filter, { ...spec, sort: 'tradeNo' }),
                        tradeItem,
                    ),
                    declarations: await found(
                        'declarations',
                        (scope) => listDeclarations(model, scope, filter, { ...spec, sort: 'declNo' }),
                        declarationItem,
                    ),
                    parties: await found(
                        'parties',
                        (scope) => listParties(model, scope, filter, { ...spec, sort: 'partyId' }),
                        partyItem,
                    ),
                    readModel,
                };
            },
        }),
    ];
}
