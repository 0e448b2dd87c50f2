import { z } from 'zod';
import {
    DECLARATION_STATUSES,
    PARTY_STATUSES,
    PARTY_TYPES,
    RECEIPT_STATUSES,
    RISK_SEVERITIES,
    RISK_STATUSES,
    RISK_SUBJECTS,
    TRADE_STATUSES,
} from '../../../../chaincode/src/vocabulary';
import { Currency } from '../common';

/**
 * Work-list queries: every filter is checked here, so a bad one is a 400 naming it (in English, then Chinese) before
 * anything reads the read model. Limits, sorts and cursors are the same on every list.
 */

/** An ID as the ledger allows it (routes/common Id), here with a bilingual message. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const LIMIT_MIN = 1;
const LIMIT_MAX = 200;

const Limit = z.coerce
    .number<string>({ error: 'limit must be a whole number / limit 必须是整数' })
    .int({ error: 'limit must be a whole number / limit 必须是整数' })
    .min(LIMIT_MIN, {
        error: `limit must be ${LIMIT_MIN}..${LIMIT_MAX} / limit 必须在 ${LIMIT_MIN} 到 ${LIMIT_MAX} 之间`,
    })
    .max(LIMIT_MAX, {
        error: `limit must be ${LIMIT_MIN}..${LIMIT_MAX} / limit 必须在 ${LIMIT_MIN} 到 ${LIMIT_MAX} 之间`,
    })
    .default(50)
    .describe(`rows per page, ${LIMIT_MIN}..${LIMIT_MAX} (default 50)`);

const Cursor = z
    .string()
    .max(1024)
    .optional()
    .describe('`nextCursor` of the previous page, with the same sort and order; omit for the first page');

const Order = z
    .enum(['asc', 'desc'], { error: 'order must be asc or desc / order 必须是 asc 或 desc' })
    .optional()
    .describe('default: desc (newest first) for a date sort, asc for a number sort');

const DateParam = (name: string): z.ZodOptional<z.ZodISODate> =>
    z.iso
        .date({ error: `${name} must be a date YYYY-MM-DD / ${name} 必须是日期 YYYY-MM-DD` })
        .optional()
        .describe('inclusive, YYYY-MM-DD');

const FilterId = (name: string, what: string): z.ZodOptional<z.ZodString> =>
    z
        .string()
        .regex(ID_PATTERN, {
            error: `${name} must be an ID (1..64 of A-Z a-z 0-9 . _ -) / ${name} 必须是编号（1 到 64 个 A-Z a-z 0-9 . _ -）`,
        })
        .optional()
        .describe(what);

/** `status=A,B` or `status=A&status=B`: each a value of `values`, at most 20. */
function oneOrMore<const T extends readonly [string, ...string[]]>(
    name: string,
    values: T,
): z.ZodOptional<z.ZodType<T[number][]>> {
    const listed = values.join(', ');
    return z
        .preprocess(
            (raw) => (Array.isArray(raw) ? raw.join(',') : raw),
            z
                .string()
                .transform((text) => text.split(',').filter((value) => value !== ''))
                .pipe(
                    z
                        .array(z.enum(values, { error: `${name} must be among ${listed} / ${name} 只能取 ${listed}` }))
                        .min(1, { error: `${name} is empty / ${name} 为空` })
                        .max(20),
                ),
        )
        .optional()
        .describe(`one or more of ${listed}, comma-separated`);
}

/** Free text to search: 1..100 characters, no control characters. CJK and any other script are fine. */
const SearchText = z
    .string()
    .trim()
    .min(1, { error: 'q must not be empty / q 不能为空' })
    .max(100, { error: 'q must be at most 100 characters / q 最多 100 个字符' })
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
    .regex(/^[^\u0000-\u001f\u007f]*$/, { error: 'q must not hold control characters / q 不能包含控制字符' });

const common = { limit: Limit, cursor: Cursor, order: Order };

function sortEnum<const T extends readonly [string, ...string[]]>(
    sorts: T,
    defaultSort: T[number],
): z.ZodDefault<z.ZodEnum<{ [K in T[number]]: K }>> {
    return z
        .enum(sorts, { error: `sort must be one of ${sorts.join(', ')} / sort 只能是 ${sorts.join(', ')}` })
        .default(defaultSort)
        .describe(`default ${defaultSort}`);
}

/** `true` or `false`, as a query string carries it. */
const YesNo = (name: string, what: string): z.ZodOptional<z.ZodType<boolean>> =>
    z
        .enum(['true', 'false'], { error: `${name} must be true or false / ${name} 只能是 true 或 false` })
        .transform((text) => text === 'true')
        .optional()
        .describe(what);

/** from ≤ to for another pair of date filters, when both are given. */
const pairInOrder =
    (from: string, to: string) =>
    (q: Record<string, unknown>): boolean =>
        typeof q[from] !== 'string' || typeof q[to] !== 'string' || q[from] <= q[to];
const pairError = (from: string, to: string): { error: string; path: string[] } => ({
    error: `${from} must not be after ${to} / ${from} 不能晚于 ${to}`,
    path: [from],
});

/** dateFrom ≤ dateTo, when both are given. */
const rangeInOrder = (q: { dateFrom?: string | undefined; dateTo?: string | undefined }): boolean =>
    q.dateFrom === undefined || q.dateTo === undefined || q.dateFrom <= q.dateTo;
const RANGE_ERROR = {
    error: 'dateFrom must not be after dateTo / dateFrom 不能晚于 dateTo',
    path: ['dateFrom'],
};

export const TradeListQuery = z
    .strictObject({
        ...common,
        sort: sortEnum(['tradeDate', 'tradeNo'], 'tradeDate'),
        status: oneOrMore('status', TRADE_STATUSES),
        cluster: FilterId('cluster', 'market cluster (the district a trade is made in)'),
        party: FilterId('party', 'a party on the trade: vendor, agent or buyer'),
        dateFrom: DateParam('dateFrom'),
        dateTo: DateParam('dateTo'),
        q: SearchText.optional().describe('tradeNo prefix, or part of a vendor/agent/buyer name (CJK included)'),
    })
    .refine(rangeInOrder, RANGE_ERROR);

export const DeclarationListQuery = z
    .strictObject({
        ...common,
        sort: sortEnum(['declDate', 'declNo'], 'declDate'),
        status: oneOrMore('status', DECLARATION_STATUSES),
        customsOffice: FilterId('customsOffice', 'customs office (the customs district the declaration is filed in)'),
        cluster: FilterId('cluster', 'market cluster of any trade the declaration carries'),
        party: FilterId('party', 'consignor (agent), broker or buyer'),
        dateFrom: DateParam('dateFrom'),
        dateTo: DateParam('dateTo'),
        q: SearchText.optional().describe('declNo prefix, or part of a consignor/broker/buyer name'),
        exitDateFrom: DateParam('exitDateFrom'),
        exitDateTo: DateParam('exitDateTo'),
        flaggedOrReturned: YesNo(
            'flaggedOrReturned',
            'true: only declarations with a risk flag (on it or a trade it carries) or a RETURNED customs event; false: only those without',
        ),
        settled: YesNo(
            'settled',
            'true: only declarations whose every trade has ≥ 95 % of its value allocated; false: only the others',
        ),
    })
    .refine(rangeInOrder, RANGE_ERROR)
    .refine(pairInOrder('exitDateFrom', 'exitDateTo'), pairError('exitDateFrom', 'exitDateTo'));

/** What a bank officer works through: receipts waiting for allocation, for the check, for settlement. */
export const RECEIPT_STAGES = {
    allocation: ['RECEIVED'],
    check: ['ALLOCATED', 'PENDING_EXPORT'],
    settlement: ['VERIFIED'],
} as const satisfies Record<string, readonly (typeof RECEIPT_STATUSES)[number][]>;

const receiptFilters = {
    status: oneOrMore('status', RECEIPT_STATUSES),
    stage: z
        .enum(['allocation', 'check', 'settlement'], {
            error: 'stage must be allocation, check or settlement / stage 只能是 allocation、check 或 settlement',
        })
        .optional()
        .describe(
            'receipts awaiting allocation (RECEIVED), the bank check (ALLOCATED, PENDING_EXPORT) or settlement (VERIFIED)',
        ),
    party: FilterId('party', 'payee party'),
    currency: Currency.optional(),
    dateFrom: DateParam('dateFrom'),
    dateTo: DateParam('dateTo'),
};
const stageOrStatus = (q: { status?: unknown; stage?: unknown }): boolean =>
    q.status === undefined || q.stage === undefined;
const STAGE_ERROR = { error: 'give stage or status, not both / stage 与 status 只能给一个', path: ['stage'] };

export const ReceiptListQuery = z
    .strictObject({ ...common, sort: sortEnum(['valueDate', 'receiptId'], 'valueDate'), ...receiptFilters })
    .refine(rangeInOrder, RANGE_ERROR)
    .refine(stageOrStatus, STAGE_ERROR);

export const ReceiptTotalsQuery = z
    .strictObject(receiptFilters)
    .refine(rangeInOrder, RANGE_ERROR)
    .refine(stageOrStatus, STAGE_ERROR);

export const RiskFlagListQuery = z
    .strictObject({
        ...common,
        sort: sortEnum(['raisedAt', 'flagId'], 'raisedAt'),
        status: oneOrMore('status', RISK_STATUSES),
        severity: oneOrMore('severity', RISK_SEVERITIES),
        subjectType: z
            .enum(RISK_SUBJECTS, {
                error: `subjectType must be one of ${RISK_SUBJECTS.join(', ')} / subjectType 只能是 ${RISK_SUBJECTS.join(', ')}`,
            })
            .optional(),
        subjectId: z.string().min(1).max(200).optional().describe('the flagged record (with subjectType)'),
        ruleId: z.string().min(1).max(40).optional().describe('rule or check, e.g. RULE_V01, F4'),
        dateFrom: DateParam('dateFrom'),
        dateTo: DateParam('dateTo'),
    })
    .refine(rangeInOrder, RANGE_ERROR);

const Period = (name: string): z.ZodOptional<z.ZodString> =>
    z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: `${name} must be a month YYYY-MM / ${name} 必须是月份 YYYY-MM` })
        .optional()
        .describe('VAT period, inclusive');

export const ExemptionListQuery = z
    .strictObject({
        ...common,
        sort: sortEnum(['period', 'filingNo'], 'period'),
        status: z
            .string()
            .regex(/^[A-Z_]{1,30}(,[A-Z_]{1,30}){0,19}$/, {
                error: 'status must be upper-case statuses, comma-separated / status 必须是逗号分隔的大写状态',
            })
            .transform((text) => text.split(','))
            .optional(),
        party: FilterId('party', 'the merchant the filing is for'),
        periodFrom: Period('periodFrom'),
        periodTo: Period('periodTo'),
        exportMonth: Period('exportMonth').describe('the month of the exports the filing claims for'),
        cluster: FilterId('cluster', "the merchant's market cluster"),
    })
    .refine((q) => q.periodFrom === undefined || q.periodTo === undefined || q.periodFrom <= q.periodTo, {
        error: 'periodFrom must not be after periodTo / periodFrom 不能晚于 periodTo',
        path: ['periodFrom'],
    });

export const PartyListQuery = z
    .strictObject({
        ...common,
        sort: sortEnum(['filedAt', 'partyId'], 'filedAt'),
        status: oneOrMore('status', PARTY_STATUSES),
        type: oneOrMore('type', PARTY_TYPES),
        cluster: FilterId('cluster', 'market cluster (a vendor stall is in one)'),
        dateFrom: DateParam('dateFrom'),
        dateTo: DateParam('dateTo'),
        q: SearchText.optional().describe('party ID prefix, or part of the legal or English name (CJK included)'),
        tradeCluster: FilterId('tradeCluster', 'parties on a trade (not CANCELLED) made in this cluster'),
        tradeDateFrom: DateParam('tradeDateFrom').describe('parties on a trade (not CANCELLED) dated from, inclusive'),
        tradeDateTo: DateParam('tradeDateTo').describe('parties on a trade (not CANCELLED) dated until, inclusive'),
        exitDateFrom: DateParam('exitDateFrom').describe('parties on a trade whose declaration exited from, inclusive'),
        exitDateTo: DateParam('exitDateTo').describe('parties on a trade whose declaration exited until, inclusive'),
    })
    .refine(rangeInOrder, RANGE_ERROR)
    .refine(pairInOrder('tradeDateFrom', 'tradeDateTo'), pairError('tradeDateFrom', 'tradeDateTo'))
    .refine(pairInOrder('exitDateFrom', 'exitDateTo'), pairError('exitDateFrom', 'exitDateTo'));

export const GoodsListQuery = z.strictObject({
    ...common,
    sort: sortEnum(['goodsCode', 'filedAt'], 'goodsCode'),
    status: oneOrMore('status', ['ACTIVE', 'VOID']),
    owner: FilterId('owner', 'the merchant that owns the entry (a vendor sees only its own whatever this says)'),
    hsCode: z
        .string()
        .regex(/^\d{2,10}$/, { error: 'hsCode must be 2..10 digits / hsCode 必须是 2 到 10 位数字' })
        .optional()
        .describe('HS code prefix'),
    q: SearchText.optional().describe('goodsCode prefix, or part of the Chinese or English name'),
});

export const SearchQuery = z.strictObject({
    q: SearchText.describe('a tradeNo or declNo (or its beginning), or part of a party name (CJK included)'),
    limit: z.coerce
        .number<string>({ error: 'limit must be a whole number / limit 必须是整数' })
        .int()
        .min(1, { error: 'limit must be 1..20 / limit 必须在 1 到 20 之间' })
        .max(20, { error: 'limit must be 1..20 / limit 必须在 1 到 20 之间' })
        .default(10)
        .describe('rows per kind, 1..20 (default 10)'),
});

// Answers -----------------------------------------------------------------------------------------------------

const BlockNumber = z.string().describe('block of the transaction that last changed the row (decimal string)');
const onLedger = {
    txId: z.string().describe('transaction that last changed the row: verify it on the ledger'),
    blockNumber: BlockNumber,
};

export const ReadModelProgress = z
    .object({
        org: z.string(),
        state: z.enum(['starting', 'catching-up', 'following', 'failing', 'stopped']),
        lastBlock: z.number().int().nullable().describe('the rows are at least as recent as this block'),
        peerHeight: z.number().int().nullable(),
        lagBlocks: z.number().int().nullable().describe('blocks the peer has that the rows do not reflect yet'),
        current: z.boolean().describe('true when following the peer with no lag; otherwise the rows may be stale'),
    })
    .meta({ id: 'ReadModelProgress' })
    .describe("how far the caller's org read model has got: a list is never silently stale");

export const TradeItem = z.object({
    tradeNo: z.string(),
    tradeDate: z.string(),
    status: z.enum(TRADE_STATUSES).describe('follows the declaration: DECLARED, RELEASED, EXPORTED'),
    vendorId: z.string(),
    agentId: z.string(),
    buyerId: z.string(),
    clusterId: z.string(),
    stallNo: z.string(),
    currency: z.string(),
    totalAmount: z.number().int(),
    consolidationOrder: z.string().nullable(),
    packingNo: z.string().nullable(),
    declNo: z.string().nullable(),
    riskFlagCount: z.number().int(),
    allocatedAmount: z.number().int().describe('Σ receipts allocated to the trade, trade currency minor units'),
    receiptCount: z.number().int(),
    updatedAt: z.string(),
    ...onLedger,
});

export const DeclarationItem = z.object({
    declNo: z.string(),
    declDate: z.string(),
    status: z.enum(DECLARATION_STATUSES),
    customsOffice: z.string(),
    exitPort: z.string(),
    consignorId: z.string(),
    brokerId: z.string(),
    buyerId: z.string(),
    destCountry: z.string(),
    totalValueUsd: z.number().int(),
    releaseDate: z.string().nullable(),
    exitDate: z.string().nullable(),
    customsEvents: z.number().int(),
    updatedAt: z.string(),
    ...onLedger,
});

export const ReceiptItem = z.object({
    receiptId: z.string(),
    valueDate: z.string(),
    status: z.enum(RECEIPT_STATUSES),
    verdict: z.string().nullable(),
    bankMspId: z.string(),
    bankPartyId: z.string(),
    payeePartyId: z.string(),
    currency: z.string(),
    amountMinor: z.number().int(),
    allocatedMinor: z.number().int(),
    unallocatedMinor: z.number().int(),
    channel: z.string(),
    updatedAt: z.string(),
    ...onLedger,
});

export const RiskFlagItem = z.object({
    flagId: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    ruleId: z.string(),
    severity: z.string(),
    status: z.enum(RISK_STATUSES),
    raisedByMsp: z.string(),
    raisedAt: z.string(),
    resolvedAt: z.string().nullable(),
    ...onLedger,
});

export const ExemptionItem = z.object({
    filingNo: z.string(),
    merchantId: z.string(),
    filerPartyId: z.string(),
    filerRole: z.string(),
    period: z.string(),
    exportMonth: z.string(),
    status: z.string(),
    filedAt: z.string(),
    ...onLedger,
});

export const PartyItem = z.object({
    partyId: z.string(),
    type: z.enum(PARTY_TYPES),
    legalName: z.string(),
    nameEn: z.string().nullable(),
    status: z.enum(PARTY_STATUSES),
    countryCode: z.string(),
    clusterId: z.string().nullable(),
    stallNo: z.string().nullable(),
    filedAt: z.string(),
    updatedAt: z.string(),
    ...onLedger,
});

export const GoodsItem = z.object({
    goodsCode: z.string(),
    ownerId: z.string(),
    producerId: z.string(),
    hsCode: z.string(),
    nameCn: z.string(),
    nameEn: z.string(),
    unit: z.string(),
    status: z.enum(['ACTIVE', 'VOID']).describe('VOID goods take no new trade (V03)'),
    filedAt: z.string(),
    ...onLedger,
});

/** One page of a work list. */
export function workListPage<T extends z.ZodType>(
    item: T,
): z.ZodObject<{ items: z.ZodArray<T>; nextCursor: z.ZodNullable<z.ZodString>; readModel: typeof ReadModelProgress }> {
    return z.object({
        items: z.array(item),
        nextCursor: z.string().nullable().describe('pass back as `cursor` for the next page; null on the last page'),
        readModel: ReadModelProgress,
    });
}

export const ReceiptTotalsResponse = z.object({
    totals: z.array(
        z.object({
            currency: z.string(),
            receipts: z.number().int(),
            amountMinor: z.number().int().describe('Σ received'),
            allocatedMinor: z.number().int().describe('Σ allocated to trades'),
            settledMinor: z.number().int().describe('Σ of SETTLED (converted) and CREDITED (kept in FX) receipts'),
            financings: z.number().int().describe('financings with a trade in this currency (a bank: its own; V33)'),
            financedMinor: z.number().int().describe('Σ financed trade amounts, every financing status'),
            openFinancedMinor: z.number().int().describe('Σ financed amounts of financings still OPEN'),
        }),
    ),
    readModel: ReadModelProgress,
});

const Found = <T extends z.ZodType>(
    item: T,
): z.ZodNullable<z.ZodObject<{ items: z.ZodArray<T>; more: z.ZodBoolean }>> =>
    z
        .object({ items: z.array(item), more: z.boolean().describe('more rows match: use the list with `q`') })
        .nullable()
        .describe("null when the caller's role may not list these records");

export const SearchResponse = z.object({
    trades: Found(TradeItem),
    declarations: Found(DeclarationItem),
    parties: Found(PartyItem),
    readModel: ReadModelProgress,
});
