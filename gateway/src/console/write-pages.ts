import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import { businessDateOf } from '../../../chaincode/src/lib/identity';
import { toApiError, type ApiError } from '../http/errors';
import type { DeclarationPreview } from '../routes/declarations/schema';
import type { BulkResult } from '../routes/trades/schema';
import type { DeclarationItem, GoodsItem } from '../routes/worklists/schema';
import { PAGES, type ConsolePage } from './access';
import type { Caller, ConsoleApi } from './api';
import { html, type SafeHtml } from './html';
import type { Translator } from './i18n';
import { formParts } from './multipart';
import { formKey, newToken, sameToken, type Session } from './session';
import { goodsCodesOf, tradeProblems, type KnownGoods } from './trade-validate';
import {
    csvWithBom,
    IMPORT_COLUMNS,
    ImportJobs,
    ImportRefused,
    MAX_IMPORT_TRADES,
    minorUnits,
    spreadsheetRows,
    templateColumns,
    tradesFromRows,
    type ImportJob,
    type ParsedImport,
} from './trade-import';
import {
    declarationForm,
    declarationList,
    type DeclarableTrade,
    type DeclarationFormValues,
} from './views/declarations';
import { errorBox, errorSentence } from './views/errors';
import { importForm, importJobPage, rowOutcome } from './views/trade-import';
import {
    emptyLine,
    MAX_FORM_LINES,
    tradeForm,
    type GoodsChoice,
    type TradeFormValues,
    type TradeLineValues,
} from './views/trade-new';
import type { TradePage } from './views/trades';

/** A signed-in visit, as the console router makes it. */
export interface PageVisit {
    readonly t: Translator;
    readonly url: string;
    readonly session: Session;
    readonly principal: Caller['principal'];
}

/** How a page that reads before it shows answers (see {@link PageKit.showPage}). */
export interface PageOptions {
    /** The page's status when it reads fine (default 200): a form shown again after a refusal keeps the refusal's. */
    readonly status?: number;
    /** The page around the error box when the read fails (default: the box alone), e.g. the page's form above it. */
    readonly around?: (errorBox: SafeHtml) => SafeHtml;
}

/** What the write pages use of the console router: its middleware and how it sends a page. */
export interface PageKit {
    readonly api: ConsoleApi;
    readonly now: () => number;
    readonly visit: RequestHandler;
    readonly requireSession: RequestHandler;
    readonly requireCsrf: RequestHandler;
    readonly gate: (page: ConsolePage) => RequestHandler;
    readonly signedInOf: (res: Response) => PageVisit;
    readonly callerOf: (v: PageVisit, res: Response) => Caller;
    readonly send: (
        res: Response,
        v: PageVisit,
        status: number,
        title: string,
        body: SafeHtml,
        refreshSeconds?: number,
    ) => void;
    /** Sends what `render` reads and shows, or the error it throws in a box at the error's status. */
    readonly showPage: (
        res: Response,
        v: PageVisit,
        title: string,
        render: () => Promise<SafeHtml>,
        options?: PageOptions,
    ) => Promise<void>;
}

const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Goods offered in the trade form's picker: one work-list page (a stall registers tens, not thousands). */
const MAX_PICKER_GOODS = 200;
const GOODS_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const text = (body: unknown, name: string): string => {
    const value = (body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value.trim() : '';
};
const texts = (body: unknown, name: string): string[] => {
    const value = (body as Record<string, unknown> | undefined)?.[name];
    const list = Array.isArray(value) ? value : [value];
    return list.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
};

const currencyDigits = (currency: string): number => {
    try {
        return (
            new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
        );
    } catch {
        return 2;
    }
};

/** Schema problems (`body.lines.0.qty: ...`) at the fields they name. */
function invalidFields(t: Translator, error: ApiError): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const problem of error.message.split('; ')) {
        const match = /^body\.([A-Za-z]+)(?:\.(\d+)\.([A-Za-z]+))?: (.*)$/.exec(problem);
        if (match === null) continue;
        const [, top = '', line, inner = 'goodsCode', words = ''] = match;
        // amount is qty × unit price: wrong only because one of them is, unless both look right
        const lineFields = [`line-${line}-qty`, `line-${line}-unitPrice`];
        if (inner === 'amount' && lineFields.some((id) => id in fields)) continue;
        const id = line === undefined ? top : `line-${line}-${inner === 'amount' ? 'unitPrice' : inner}`;
        fields[id] ??= `${t.t('form.invalidField')} (${words})`;
    }
    return fields;
}

/** The field a broken rule or a duplicate is about: the goods line its message names, else by the rule. */
function refusedField(error: ApiError, values: TradeFormValues): string | undefined {
    const line = values.lines.findIndex((l) => l.goodsCode !== '' && error.message.includes(l.goodsCode));
    if (line >= 0) return `line-${line}-goodsCode`;
    if (error.code === 'CONFLICT') return 'tradeNo';
    const rule = /^RULE_(V\d{2})/.exec(error.code)?.[1] ?? '';
    const byRule: Readonly<Record<string, string>> = {
        V03: 'line-0-goodsCode',
        V05: 'line-0-goodsCode',
        V09: 'line-0-goodsCode',
        V07: error.message.toLowerCase().includes('buyer') ? 'buyerId' : 'agentId',
        V08: 'buyerId',
        V10: 'agentId',
        V12: 'tradeDate',
        V32: 'tradeDate',
        V26: 'paymentChannel',
        V31: 'currency',
    };
    return byRule[rule];
}

/** Where a refusal is shown: at the fields it is about, or (`rest`) above the form. */
export function fieldErrorsOf(
    t: Translator,
    error: ApiError,
    values: TradeFormValues,
): { fields: Record<string, string>; rest?: ApiError } {
    if (error.code === 'INVALID') {
        const fields = invalidFields(t, error);
        return Object.keys(fields).length > 0 ? { fields } : { fields, rest: error };
    }
    const id = refusedField(error, values);
    return id === undefined ? { fields: {}, rest: error } : { fields: { [id]: errorSentence(t, error.code) } };
}

function tradeValuesOf(body: unknown): TradeFormValues {
    const count = Math.min(Math.max(Number(text(body, 'lineCount')) || 1, 1), MAX_FORM_LINES);
    const lines: TradeLineValues[] = Array.from({ length: count }, (_line, i) => ({
        goodsCode: text(body, `line-${i}-goodsCode`),
        qty: text(body, `line-${i}-qty`),
        unitPrice: text(body, `line-${i}-unitPrice`),
    }));
    return {
        tradeNo: text(body, 'tradeNo'),
        tradeDate: text(body, 'tradeDate'),
        agentId: text(body, 'agentId'),
        buyerId: text(body, 'buyerId'),
        currency: text(body, 'currency'),
        paymentTerms: text(body, 'paymentTerms'),
        paymentChannel: text(body, 'paymentChannel'),
        agencyReceipt: text(body, 'agencyReceipt') === 'yes',
        remark: text(body, 'remark'),
        lines,
    };
}

/** The form's values as a `POST /v1/trades` body (the route's schema judges it, not this). */
function tradeBodyOf(values: TradeFormValues, vendorId: string): unknown {
    const digits = currencyDigits(values.currency);
    // lines left blank are not part of the trade, unless every line is (then the schema says what is missing)
    const filled = values.lines.filter((line) => line.goodsCode + line.qty + line.unitPrice !== '');
    const lines = filled.length > 0 ? filled : values.lines;
    return {
        tradeNo: values.tradeNo,
        vendorId,
        agentId: values.agentId,
        buyerId: values.buyerId,
        tradeDate: values.tradeDate,
        currency: values.currency,
        agencyReceipt: values.agencyReceipt,
        paymentTerms: values.paymentTerms,
        paymentChannel: values.paymentChannel,
        lines: lines.map((line, i) => {
            const qty = Number(line.qty === '' ? Number.NaN : line.qty);
            const unitPrice = minorUnits(line.unitPrice, digits);
            return { lineId: `L${i + 1}`, goodsCode: line.goodsCode, qty, unitPrice, amount: qty * unitPrice };
        }),
        documents: [],
        ...(values.remark === '' ? {} : { remark: values.remark }),
    };
}

function declarationValuesOf(body: unknown): DeclarationFormValues {
    return {
        declNo: text(body, 'declNo'),
        packingNo: text(body, 'packingNo'),
        brokerId: text(body, 'brokerId'),
        customsOffice: text(body, 'customsOffice'),
        exitPort: text(body, 'exitPort'),
        destCountry: text(body, 'destCountry').toUpperCase(),
        tradeCountry: text(body, 'tradeCountry').toUpperCase(),
        transportMode: text(body, 'transportMode'),
        billOfLading: text(body, 'billOfLading'),
        tradeNos: texts(body, 'tradeNos'),
    };
}

/** The form's values as a preview body (`POST /v1/declarations/preview`); filing adds the declNo. */
function previewBodyOf(values: DeclarationFormValues, consignorId: string): Record<string, unknown> {
    return {
        packingNo: values.packingNo,
        consignorId,
        brokerId: values.brokerId,
        customsOffice: values.customsOffice,
        exitPort: values.exitPort,
        destCountry: values.destCountry,
        tradeCountry: values.tradeCountry,
        transportMode: values.transportMode,
        ...(values.billOfLading === '' ? {} : { billOfLading: values.billOfLading }),
        tradeNos: values.tradeNos,
    };
}

/** A file's trades, or why the whole file is refused (in the user's language). */
function importOf(t: Translator, data: Buffer, role: 'vendor' | 'agent', party: string | null): ParsedImport | string {
    try {
        return tradesFromRows(spreadsheetRows(data), role, party ?? '');
    } catch (error) {
        if (!(error instanceof ImportRefused)) throw error;
        if (error.reason === 'noHeader') return t.t('import.noHeader', { columns: error.detail });
        if (error.reason === 'tooMany') return t.t('import.tooMany', { max: MAX_IMPORT_TRADES });
        if (error.reason === 'badCsv') return t.t('import.badCsv', { where: error.detail });
        if (error.reason === 'badXlsx') return t.t('import.badXlsx', { why: error.detail });
        if (error.reason === 'oldExcel') return t.t('import.oldExcel');
        return t.t('import.empty');
    }
}

/**
 * The vendor's and agent's write pages: register a trade, import trades from a spreadsheet, the declarations work
 * list, and build / preview / file a declaration. Every write goes through the API's own write route, as the
 * signed-in person, under an Idempotency-Key the form carries.
 */
export function mountWritePages(router: Router, kit: PageKit): void {
    const { api, visit, requireSession, requireCsrf, gate, signedInOf, callerOf, send, showPage } = kit;
    const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
    const upload = express.raw({ type: 'multipart/form-data', limit: MAX_UPLOAD_BYTES });
    const jobs = new ImportJobs();
    const today = (): string => businessDateOf(new Date(kit.now()).toISOString());

    // ---- register a trade
    /** The vendor's own ACTIVE goods from its registry (the read model's goods list); none when it is not open. */
    const goodsOf = async (v: PageVisit, res: Response): Promise<GoodsChoice[] | undefined> => {
        try {
            const page = (await api.read('workListGoods', callerOf(v, res), {
                query: { status: 'ACTIVE', limit: String(MAX_PICKER_GOODS) },
            })) as { items: z.output<typeof GoodsItem>[] };
            return page.items.map((goods) => ({
                goodsCode: goods.goodsCode,
                label: [
                    goods.goodsCode,
                    v.t.language === 'zh' ? goods.nameCn : goods.nameEn,
                    goods.hsCode,
                    goods.unit,
                ].join(' · '),
            }));
        } catch (error) {
            // the form still works by typing goods codes; the ledger checks them (V03) on submit
            if (toApiError(error).code === 'READ_MODEL_UNAVAILABLE') return undefined;
            throw error;
        }
    };

    const renderTradeForm = async (
        res: Response,
        v: PageVisit,
        status: number,
        values: TradeFormValues,
        fieldErrors: Record<string, string> = {},
        formError?: SafeHtml,
    ): Promise<void> => {
        const goods = await goodsOf(v, res);
        const body = tradeForm(v.t, {
            csrf: v.session.csrf,
            formKey: newToken(),
            values,
            goods: goods ?? [],
            goodsUnavailable: goods === undefined,
            fieldErrors,
            ...(formError === undefined ? {} : { formError }),
        });
        send(res, v, status, v.t.t('page.newTrade'), body);
    };

    router.get('/trades/new', visit, requireSession, gate(PAGES.newTrade), async (_req, res) => {
        const v = signedInOf(res);
        await renderTradeForm(res, v, 200, {
            tradeNo: '',
            tradeDate: today(),
            agentId: '',
            buyerId: '',
            currency: 'USD',
            paymentTerms: 'PREPAID',
            paymentChannel: 'BANK',
            agencyReceipt: false,
            remark: '',
            lines: [emptyLine()],
        });
    });

    // the form's submit and its live check: a signed-in vendor's session, the form body, its CSRF token
    const tradeFormPost = [visit, requireSession, form, requireCsrf, gate(PAGES.newTrade)];
    router.post('/trades/new', ...tradeFormPost, async (req: Request, res: Response) => {
        const v = signedInOf(res);
        const values = tradeValuesOf(req.body);
        const op = text(req.body, 'op');
        if (op === 'add' || op.startsWith('remove-')) {
            const removed = op === 'add' ? -1 : Number(op.slice('remove-'.length));
            const lines = values.lines.filter((_line, i) => i !== removed);
            if (op === 'add' && lines.length < MAX_FORM_LINES) lines.push(emptyLine());
            await renderTradeForm(res, v, 200, { ...values, lines: lines.length > 0 ? lines : [emptyLine()] });
            return;
        }
        try {
            await api.write('registerTrade', callerOf(v, res), formKey(req), {
                body: tradeBodyOf(values, v.principal.party ?? ''),
            });
            res.redirect(303, `/trades/${encodeURIComponent(values.tradeNo)}?registered=1`);
        } catch (error) {
            const apiError = toApiError(error);
            const { fields, rest } = fieldErrorsOf(v.t, apiError, values);
            await renderTradeForm(
                res,
                v,
                apiError.status,
                values,
                fields,
                rest === undefined ? undefined : errorBox(v.t, rest),
            );
        }
    });

    /** The registry entries of `codes` the vendor can see (its own); undefined when the read model is not open. */
    const knownGoods = async (
        v: PageVisit,
        res: Response,
        codes: readonly string[],
    ): Promise<KnownGoods | undefined> => {
        const known = new Map<string, { ownerId: string; status: 'ACTIVE' | 'VOID' }>();
        try {
            for (const code of codes.filter((c) => GOODS_CODE.test(c))) {
                // goodsCode order: an exact code comes before every longer code it begins
                const page = (await api.read('workListGoods', callerOf(v, res), {
                    query: { q: code, sort: 'goodsCode', limit: '1' },
                })) as { items: z.output<typeof GoodsItem>[] };
                const found = page.items.find((goods) => goods.goodsCode === code);
                if (found !== undefined) known.set(code, { ownerId: found.ownerId, status: found.status });
            }
        } catch (error) {
            if (toApiError(error).code === 'READ_MODEL_UNAVAILABLE') return undefined;
            throw error;
        }
        return known;
    };

    // the live check of the form while it is filled in: the submit's own schema and rules, per field, as JSON
    router.post('/trades/new/validate', ...tradeFormPost, async (req: Request, res: Response) => {
        const v = signedInOf(res);
        const values = tradeValuesOf(req.body);
        const body = tradeBodyOf(values, v.principal.party ?? '');
        const known = await knownGoods(v, res, goodsCodesOf(body));
        const fields: Record<string, string> = {};
        for (const problem of tradeProblems(body, known, today())) {
            for (const [id, message] of Object.entries(fieldErrorsOf(v.t, problem, values).fields)) {
                fields[id] ??= message;
            }
        }
        res.json({ fields });
    });

    // ---- import trades from a spreadsheet
    const importPage = (res: Response, v: PageVisit, status: number, error?: string): void => {
        const body = importForm(v.t, {
            csrf: v.session.csrf,
            columns: templateColumns(v.principal.role === 'agent' ? 'agent' : 'vendor'),
            ...(error === undefined ? {} : { error }),
        });
        send(res, v, status, v.t.t('page.importTrades'), body);
    };

    router.get('/trades/import', visit, requireSession, gate(PAGES.importTrades), (_req, res) => {
        importPage(res, signedInOf(res), 200);
    });

    router.get('/trades/import/template.csv', visit, requireSession, gate(PAGES.importTrades), (_req, res) => {
        const v = signedInOf(res);
        const columns = templateColumns(v.principal.role === 'agent' ? 'agent' : 'vendor');
        const example: Record<string, string> = {
            tradeNo: 'T-2026-0001',
            tradeDate: today(),
            vendorId: 'M-0001',
            agentId: 'A-0001',
            buyerId: 'B-0001',
            currency: 'USD',
            goodsCode: 'G-0001',
            qty: '1200',
            unitPrice: '2.50',
            cartons: '10',
            paymentTerms: 'PREPAID',
            paymentChannel: 'BANK',
            agencyReceipt: '否',
            remark: '',
        };
        res.type('text/csv; charset=utf-8')
            .attachment('trades-template.csv')
            .send(csvWithBom([columns.map((c) => IMPORT_COLUMNS[c][0]), columns.map((c) => example[c] ?? '')]));
    });

    router.post(
        '/trades/import',
        visit,
        requireSession,
        upload,
        gate(PAGES.importTrades),
        (req: Request, res: Response) => {
            const v = signedInOf(res);
            const parts = Buffer.isBuffer(req.body) ? formParts(req.get('content-type'), req.body) : undefined;
            const csrf = parts?.find((p) => p.name === '_csrf')?.data.toString('utf8') ?? '';
            if (!sameToken(csrf, v.session.csrf)) {
                const refused = html`<div class="error" role="alert"><p>${v.t.t('error.csrf')}</p></div>`;
                send(res, v, 403, v.t.t('error.title'), refused);
                return;
            }
            const file = parts?.find((p) => p.name === 'file' && p.fileName !== undefined && p.data.length > 0);
            const role = v.principal.role === 'agent' ? 'agent' : 'vendor';
            const parsed =
                file === undefined ? v.t.t('import.notCsv') : importOf(v.t, file.data, role, v.principal.party);
            if (typeof parsed === 'string') {
                importPage(res, v, 400, parsed);
                return;
            }
            const caller = callerOf(v, res);
            const { job } = jobs.start(
                v.session.keyId,
                file?.fileName ?? '',
                parsed,
                async (trades, key) => {
                    const answer = (await api.write('registerTrades', caller, key, {
                        body: { trades: trades.map((trade) => trade.body) },
                    })) as { result: z.output<typeof BulkResult> };
                    return answer.result;
                },
                (error) => {
                    const apiError = toApiError(error);
                    return { code: apiError.code, message: apiError.message };
                },
            );
            res.redirect(303, `/trades/import/${job.id}`);
        },
    );

    const jobOf = (req: Request, res: Response, v: PageVisit): ImportJob | undefined => {
        const job = jobs.get(String(req.params.jobId), v.session.keyId);
        if (job === undefined)
            send(
                res,
                v,
                404,
                v.t.t('page.importTrades'),
                html`<div class="error" role="alert"><p>${v.t.t('import.gone')}</p></div>`,
            );
        return job;
    };

    router.get('/trades/import/:jobId', visit, requireSession, gate(PAGES.importTrades), (req, res) => {
        const v = signedInOf(res);
        const job = jobOf(req, res, v);
        if (job === undefined) return;
        const refresh = job.state === 'running' ? 1 : undefined;
        send(res, v, 200, v.t.t('page.importTrades'), importJobPage(v.t, job), refresh);
    });

    router.get('/trades/import/:jobId/results.csv', visit, requireSession, gate(PAGES.importTrades), (req, res) => {
        const v = signedInOf(res);
        const job = jobOf(req, res, v);
        if (job === undefined) return;
        const header = [
            v.t.t('import.rowNo'),
            v.t.t('col.tradeNo'),
            v.t.t('import.result'),
            'code',
            v.t.t('error.detail'),
        ];
        const rows = job.results.map((row) => [
            String(row.rowNo),
            row.tradeNo,
            rowOutcome(v.t, row),
            row.ok ? 'OK' : (row.code ?? ''),
            row.message ?? '',
        ]);
        res.type('text/csv; charset=utf-8')
            .attachment(`import-results-${job.id.slice(0, 8)}.csv`)
            .send(csvWithBom([header, ...rows]));
    });

    // ---- declarations
    router.get('/declarations', visit, requireSession, gate(PAGES.declarations), async (req, res) => {
        const v = signedInOf(res);
        const filed = typeof req.query.filed === 'string' ? req.query.filed : undefined;
        await showPage(
            res,
            v,
            v.t.t('page.declarations'),
            async () => {
                const list = (await api.read('workListDeclarations', callerOf(v, res), { query: {} })) as {
                    items: z.output<typeof DeclarationItem>[];
                };
                return declarationList(v.t, list.items, filed);
            },
            { around: (error) => html`${declarationList(v.t, [], filed)}${error}` },
        );
    });

    const declarableTrades = async (v: PageVisit, res: Response): Promise<DeclarableTrade[]> => {
        // every page: the ledger lists an agent's trades oldest first, and the packed ones are usually the newest
        const items: TradePage['items'] = [];
        let bookmark = '';
        do {
            const trades = (await api.read('listTrades', callerOf(v, res), {
                query: { agentId: v.principal.party ?? '', pageSize: '500', bookmark },
            })) as TradePage;
            items.push(...trades.items);
            bookmark = trades.bookmark;
        } while (bookmark !== '');
        return items
            .filter((trade) => trade.status === 'PACKED' && trade.declNo === undefined)
            .map((trade) => ({
                tradeNo: trade.tradeNo,
                packingNo: trade.packingNo ?? '',
                vendorId: trade.vendorId,
                amount: v.t.money(trade.totalAmount, trade.currency),
            }));
    };

    const renderDeclarationForm = async (
        res: Response,
        v: PageVisit,
        status: number,
        values: DeclarationFormValues,
        extra: { preview?: z.output<typeof DeclarationPreview>; error?: SafeHtml } = {},
    ): Promise<void> => {
        const trades = await declarableTrades(v, res);
        const packings = [...new Set(trades.map((trade) => trade.packingNo))];
        const body = declarationForm(v.t, {
            csrf: v.session.csrf,
            formKey: newToken(),
            consignorId: v.principal.party ?? '',
            values:
                values.packingNo === '' && packings.length === 1 ? { ...values, packingNo: packings[0] ?? '' } : values,
            trades,
            ...extra,
        });
        send(res, v, status, v.t.t('page.newDeclaration'), body);
    };

    router.get('/declarations/new', visit, requireSession, gate(PAGES.newDeclaration), async (_req, res) => {
        const v = signedInOf(res);
        await renderDeclarationForm(res, v, 200, {
            declNo: '',
            packingNo: '',
            brokerId: '',
            customsOffice: '',
            exitPort: '',
            destCountry: '',
            tradeCountry: '',
            transportMode: 'ROAD',
            billOfLading: '',
            tradeNos: [],
        });
    });

    router.post(
        '/declarations/new',
        visit,
        requireSession,
        form,
        requireCsrf,
        gate(PAGES.newDeclaration),
        async (req: Request, res: Response) => {
            const v = signedInOf(res);
            const values = declarationValuesOf(req.body);
            const common = previewBodyOf(values, v.principal.party ?? '');
            const caller = callerOf(v, res);
            if (text(req.body, 'op') === 'file') {
                try {
                    await api.write('fileDeclaration', caller, formKey(req), {
                        body: { declNo: values.declNo, ...common },
                    });
                    res.redirect(303, `/declarations?filed=${encodeURIComponent(values.declNo)}`);
                } catch (error) {
                    const apiError = toApiError(error);
                    await renderDeclarationForm(res, v, apiError.status, values, { error: errorBox(v.t, apiError) });
                }
                return;
            }
            try {
                const preview = (await api.read('previewDeclaration', caller, { body: common })) as z.output<
                    typeof DeclarationPreview
                >;
                await renderDeclarationForm(res, v, 200, values, { preview });
            } catch (error) {
                const apiError = toApiError(error);
                await renderDeclarationForm(res, v, apiError.status, values, { error: errorBox(v.t, apiError) });
            }
        },
    );
}
