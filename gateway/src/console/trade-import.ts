import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Role } from '../../../chaincode/src/vocabulary';
import { MAX_BULK, TradeBody } from '../routes/trades/schema';
import { isOleCompoundFile, isZip, readFirstSheet, WorkbookUnreadable } from './xlsx';

/**
 * Trades imported from a spreadsheet: an .xlsx workbook's first sheet (xlsx.ts), or a CSV file decoded (UTF-8 with or
 * without BOM, else GB18030, as Excel and WPS save CSV in China); its rows become `POST /v1/trades` bodies (rows with the same trade number are one trade's
 * lines), each body is checked with the route's own schema, and the well-formed ones go to the ledger in chunks
 * through `POST /v1/trades/bulk`, answered per row.
 */

/** Accepted column headers, Chinese and English, for each field (docs/console.md "Importing trades"). */
export const IMPORT_COLUMNS = {
    tradeNo: ['交易单号', 'tradeNo'],
    tradeDate: ['交易日期', 'tradeDate'],
    vendorId: ['经营户', 'vendorId'],
    agentId: ['代理商', 'agentId'],
    buyerId: ['采购商', 'buyerId'],
    currency: ['币种', 'currency'],
    goodsCode: ['商品编码', 'goodsCode'],
    qty: ['数量', 'qty'],
    unitPrice: ['单价', 'unitPrice'],
    cartons: ['箱数', 'cartons'],
    paymentTerms: ['付款方式', 'paymentTerms'],
    paymentChannel: ['收款渠道', 'paymentChannel'],
    agencyReceipt: ['代理收汇', 'agencyReceipt'],
    remark: ['备注', 'remark'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

const REQUIRED: readonly ImportColumn[] = [
    'tradeNo',
    'tradeDate',
    'buyerId',
    'currency',
    'goodsCode',
    'qty',
    'unitPrice',
    'paymentTerms',
    'paymentChannel',
];

/** The template's Chinese header row for a role (the caller's own party column is filled in from the session). */
export function templateColumns(role: Role): ImportColumn[] {
    const counterparty: ImportColumn = role === 'agent' ? 'vendorId' : 'agentId';
    return (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).filter(
        (column) => column === counterparty || (column !== 'vendorId' && column !== 'agentId'),
    );
}

/** The file as text: a BOM decides; else strict UTF-8; else GB18030 (a superset of GBK and GB2312). */
export function decodeSpreadsheetText(bytes: Uint8Array): string {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes);
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        return new TextDecoder('gb18030').decode(bytes);
    }
}

/** A file's rows: an .xlsx workbook's first sheet, or CSV text; the file's content decides, not its name. */
export function spreadsheetRows(bytes: Uint8Array): string[][] {
    if (isOleCompoundFile(bytes)) throw new ImportRefused('oldExcel');
    if (!isZip(bytes)) return parseCsv(decodeSpreadsheetText(bytes));
    try {
        return readFirstSheet(bytes);
    } catch (error) {
        if (error instanceof WorkbookUnreadable) throw new ImportRefused('badXlsx', error.detail);
        throw error;
    }
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF); a tab-separated file (Excel "Unicode text") too. */
export function parseCsv(text: string): string[][] {
    const firstLine = text.slice(0, text.search(/\r?\n|$/));
    const separator = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
    // one field, then its separator or the line's end: "quoted ""text""" or plain text
    const field = new RegExp(`("(?:[^"]|"")*"|[^"${separator}\\r\\n]*)(${separator}|\\r?\\n|$)`, 'y');
    const rows: string[][] = [];
    let row: string[] = [];
    while (field.lastIndex < text.length) {
        const at = field.lastIndex;
        const match = field.exec(text);
        if (match === null) throw new ImportRefused('badCsv', `at character ${at}`);
        const [, raw = '', end = ''] = match;
        row.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw);
        if (end !== separator) {
            rows.push(row);
            row = [];
        }
        if (end === '') break;
    }
    if (row.length > 0) rows.push(row);
    return rows.filter((r) => r.some((value) => value.trim() !== ''));
}

/** A row's outcome: the ledger's per-row answer, or why the row never reached it. */
export interface RowResult {
    /** The spreadsheet row number (the header is row 1). */
    readonly rowNo: number;
    readonly tradeNo: string;
    readonly ok: boolean;
    readonly code?: string;
    readonly message?: string;
}

/** A trade built from one or more rows. */
export interface ImportTrade {
    readonly rowNos: readonly number[];
    readonly body: z.output<typeof TradeBody>;
}

export interface ParsedImport {
    readonly trades: readonly ImportTrade[];
    /** Rows refused before the ledger: a missing column, a malformed value (the route schema's words). */
    readonly refused: readonly RowResult[];
}

/** Why a whole file is refused (no header we know, too many trades). */
export class ImportRefused extends Error {
    constructor(
        readonly reason: 'noHeader' | 'tooMany' | 'empty' | 'badCsv' | 'badXlsx' | 'oldExcel',
        readonly detail = '',
    ) {
        super(`import refused: ${reason} ${detail}`);
    }
}

/** Most trades one file may carry (a bulk request's worth, in chunks). */
export const MAX_IMPORT_TRADES = 2000;

/** `12.50` in a currency with `digits` minor digits as integer minor units, exactly; NaN when it is not a price. */
export function minorUnits(text: string, digits: number): number {
    const match = /^(\d{1,13})(?:\.(\d+))?$/.exec(text.replace(/,/g, ''));
    if (match === null) return Number.NaN;
    const fraction = match[2] ?? '';
    if (fraction.length > digits) return Number.NaN;
    return Number(`${match[1]}${fraction.padEnd(digits, '0')}`);
}

const currencyDigits = (currency: string): number => {
    try {
        return (
            new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
        );
    } catch {
        return 2;
    }
};

const YES = new Set(['是', 'y', 'yes', 'true', '1']);

/** Rows → trade bodies of the caller's party, each checked by the route's own schema. */
export function tradesFromRows(rows: readonly string[][], role: Role, party: string): ParsedImport {
    const blank = (row: readonly string[]): boolean => row.every((value) => value.trim() === '');
    // the header is the first row with anything in it; row numbers stay the sheet's (the header's is headerAt + 1)
    const headerAt = Math.max(
        0,
        rows.findIndex((row) => !blank(row)),
    );
    const header = rows[headerAt] ?? [];
    const data = rows.slice(headerAt + 1);
    const index = new Map<ImportColumn, number>();
    header.forEach((name, i) => {
        const column = (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).find((key) =>
            (IMPORT_COLUMNS[key] as readonly string[]).includes(name.trim()),
        );
        if (column !== undefined) index.set(column, i);
    });
    const missing = REQUIRED.filter((column) => !index.has(column));
    if (missing.length > 0)
        throw new ImportRefused('noHeader', missing.map((c) => IMPORT_COLUMNS[c].join(' / ')).join(', '));
    if (data.every(blank)) throw new ImportRefused('empty');
    const cell = (row: readonly string[], column: ImportColumn): string => {
        const at = index.get(column);
        return at === undefined ? '' : (row[at] ?? '').trim();
    };

    const grouped = new Map<string, { rowNos: number[]; rows: (readonly string[])[] }>();
    data.forEach((row, i) => {
        if (blank(row)) return;
        const tradeNo = cell(row, 'tradeNo');
        const group = grouped.get(tradeNo) ?? { rowNos: [], rows: [] };
        group.rowNos.push(headerAt + i + 2);
        group.rows.push(row);
        grouped.set(tradeNo, group);
    });
    if (grouped.size > MAX_IMPORT_TRADES) throw new ImportRefused('tooMany', String(MAX_IMPORT_TRADES));

    const trades: ImportTrade[] = [];
    const refused: RowResult[] = [];
    for (const [tradeNo, group] of grouped) {
        const first = group.rows[0] ?? [];
        const currency = cell(first, 'currency').toUpperCase();
        const digits = currencyDigits(currency);
        const remark = cell(first, 'remark');
        const candidate = {
            tradeNo,
            vendorId: role === 'vendor' ? party : cell(first, 'vendorId'),
            agentId: role === 'agent' ? party : cell(first, 'agentId'),
            buyerId: cell(first, 'buyerId'),
            tradeDate: cell(first, 'tradeDate'),
            currency,
            agencyReceipt: YES.has(cell(first, 'agencyReceipt').toLowerCase()),
            paymentTerms: cell(first, 'paymentTerms').toUpperCase(),
            paymentChannel: cell(first, 'paymentChannel').toUpperCase(),
            lines: group.rows.map((row, i) => {
                const qty = Number(cell(row, 'qty'));
                const unitPrice = minorUnits(cell(row, 'unitPrice'), digits);
                const cartons = cell(row, 'cartons');
                return {
                    lineId: `L${i + 1}`,
                    goodsCode: cell(row, 'goodsCode'),
                    qty,
                    unitPrice,
                    amount: qty * unitPrice,
                    ...(cartons === '' ? {} : { cartons: Number(cartons) }),
                };
            }),
            documents: [],
            ...(remark === '' ? {} : { remark }),
        };
        const checked = TradeBody.safeParse(candidate);
        if (checked.success) {
            trades.push({ rowNos: group.rowNos, body: checked.data });
            continue;
        }
        const message = checked.error.issues
            .slice(0, 5)
            .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
            .join('; ');
        for (const rowNo of group.rowNos) refused.push({ rowNo, tradeNo, ok: false, code: 'INVALID', message });
    }
    return { trades, refused };
}

/** How the rows of one file are sent: this many trades per bulk request (at most the route's MAX_BULK). */
export const IMPORT_CHUNK = Math.min(100, MAX_BULK);

export interface BulkAnswer {
    readonly results: readonly { index: number; ok: boolean; code?: string; message?: string }[];
}

/** An import in progress or done, as its page shows it. */
export interface ImportJob {
    readonly id: string;
    /** The session key that started it: nobody else sees it. */
    readonly owner: string;
    readonly fileName: string;
    readonly totalRows: number;
    doneRows: number;
    state: 'running' | 'done' | 'failed';
    /** Set when a whole chunk failed (the ledger unreachable): the code of that failure. */
    failure?: string;
    readonly results: RowResult[];
}

/**
 * Imports kept in memory for the session that started them (a restart forgets them, as it ends the session), the
 * oldest dropped beyond a bound so a gateway never grows without limit.
 */
export class ImportJobs {
    readonly #jobs = new Map<string, ImportJob>();

    constructor(private readonly keep = 50) {}

    get(id: string, owner: string): ImportJob | undefined {
        const job = this.#jobs.get(id);
        return job?.owner === owner ? job : undefined;
    }

    /**
     * Starts sending `parsed` in chunks with `send(chunk, chunkKey)`; resolves when every chunk has its answer (the
     * page does not wait for it). A chunk whose request fails marks its rows with the failure's code.
     */
    start(
        owner: string,
        fileName: string,
        parsed: ParsedImport,
        send: (trades: readonly ImportTrade[], idempotencyKey: string) => Promise<BulkAnswer>,
        codeOf: (error: unknown) => { code: string; message: string },
    ): { job: ImportJob; finished: Promise<void> } {
        const id = randomBytes(12).toString('hex');
        const totalRows = parsed.refused.length + parsed.trades.reduce((n, trade) => n + trade.rowNos.length, 0);
        const job: ImportJob = {
            id,
            owner,
            fileName,
            totalRows,
            doneRows: parsed.refused.length,
            state: 'running',
            results: [...parsed.refused],
        };
        this.#jobs.set(id, job);
        for (const old of [...this.#jobs.keys()].slice(0, Math.max(0, this.#jobs.size - this.keep))) {
            this.#jobs.delete(old);
        }
        const finished = (async (): Promise<void> => {
            for (let start = 0; start < parsed.trades.length; start += IMPORT_CHUNK) {
                const chunk = parsed.trades.slice(start, start + IMPORT_CHUNK);
                // let the progress page be served between chunks
                await new Promise((resolve) => setImmediate(resolve));
                try {
                    const answer = await send(chunk, `console-import-${id}-${start}`);
                    chunk.forEach((trade, i) => {
                        const row = answer.results.find((r) => r.index === i);
                        for (const rowNo of trade.rowNos) {
                            job.results.push({
                                rowNo,
                                tradeNo: trade.body.tradeNo,
                                ok: row?.ok === true,
                                ...(row?.ok === true ? {} : { code: row?.code ?? 'INTERNAL', message: row?.message }),
                            });
                        }
                    });
                } catch (error) {
                    const { code, message } = codeOf(error);
                    job.failure = code;
                    for (const trade of chunk)
                        for (const rowNo of trade.rowNos)
                            job.results.push({ rowNo, tradeNo: trade.body.tradeNo, ok: false, code, message });
                }
                job.doneRows += chunk.reduce((n, trade) => n + trade.rowNos.length, 0);
            }
            job.results.sort((a, b) => a.rowNo - b.rowNo);
            job.state = job.failure === undefined ? 'done' : 'failed';
        })();
        return { job, finished };
    }
}

/** A CSV cell, quoted when it must be (and never read as a formula by a spreadsheet). */
export function csvCell(value: string): string {
    const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text with a UTF-8 BOM, so Excel opens Chinese correctly. */
export function csvWithBom(rows: readonly (readonly string[])[]): string {
    return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
