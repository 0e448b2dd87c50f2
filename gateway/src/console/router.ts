import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { GatewayWallets } from '../auth/identities';
import type { ApiKeys } from '../auth/key-store';
import { principalOf, type Principal } from '../auth/principal';
import { contextOf } from '../http/context';
import { toApiError } from '../http/errors';
import { parse } from '../http/route';
import type { Logger } from '../ops/logger';
import { enrol, type OnboardingDeps } from '../routes/onboarding/service';
import { EnrolBody } from '../routes/onboarding/schema';
import { HOME_PAGES, mayOpen, PAGES, type ConsolePage } from './access';
import type { Caller, ConsoleApi } from './api';
import { serveAsset } from './assets';
import { LIVE_REFRESH_HEADER } from './live-script';
import { html, type SafeHtml } from './html';
import { DEFAULT_LANGUAGE, isLanguage, Translator } from './i18n';
import {
    cookiesOf,
    LANGUAGE_COOKIE,
    newToken,
    sameToken,
    SESSION_COOKIE,
    SessionStore,
    type ConsoleSessions,
    setCookie,
    SIGN_IN_CSRF_COOKIE,
    type CookiePolicy,
    type Session,
    formKey,
} from './session';
import { errorBox, errorSentence } from './views/errors';
import { homePage } from './views/home';
import { layout } from './views/layout';
import { marketDashboard, marketForm, RECORD_LISTS, recordsPage, type MonthFigures } from './views/market';
import { checkForm, checkResult } from './views/receipt-check';
import { signInPage, type SignInView } from './views/sign-in';
import { tradeList, tradePage, type TradeIncome, type TradePage } from './views/trades';
import { traceForm, traceResult } from './views/trace';
import { txPage } from './views/ledger-links';
import {
    declarationView,
    decisionForm,
    DECISIONS,
    isDecision,
    queueView,
    REASONED,
    riskFlagsView,
    type DeclarationPage,
    type DecisionForm,
    type RiskFlagPage,
} from './views/customs';
import {
    bankReceiptsView,
    exportForms,
    isStage,
    receiptView,
    type ActionForm,
    type ReceiptActions,
    type ReceiptPage,
    type ReceiptTotals,
} from './views/bank';
import { signVerdict, type VerdictStatement } from '../verdicts/signed-verdict';
import { verdictPdf } from '../verdicts/verdict-pdf';
import { ApiError } from '../http/errors';
import type { CustomsCheckReport, CustomsEvents, DeclarationRecord } from '../routes/declarations/schema';
import type { ReceiptRecord } from '../routes/receipts/schema';
import type { ReceiptHistory } from '../routes/history/schema';
import { mountWritePages, type PageOptions } from './write-pages';
import type { BankCheckResult } from '../routes/receipts/schema';
import type { LineTrace } from '../routes/declarations/schema';
import type { TradeHistory, TradeRecord } from '../routes/trades/schema';
import type { Evidence } from '../routes/common';
import { keyGrant, streamEvents, type EventStreamOptions, type StreamGrant } from '../routes/events/stream';
import type { ReadModels } from '../routes/worklists/service';
import { addMonths, chinaToday } from '../views';

export interface ConsoleOptions {
    /** A session unused this long ends. */
    readonly idleMs: number;
    readonly cookies: CookiePolicy;
}

export interface ConsoleDeps extends OnboardingDeps {
    readonly api: ConsoleApi;
    readonly keys: ApiKeys;
    readonly wallets: GatewayWallets;
    readonly logger: Logger;
    readonly now: () => number;
    readonly options: ConsoleOptions;
    /** Where sessions live (default: in this process, ending with it). */
    readonly sessions?: ConsoleSessions;
    /** The orgs' read models, for the pages' event stream (none when the gateway runs without the read side). */
    readonly readModels?: ReadModels;
    /** Poll, heartbeat and recheck intervals of the pages' event stream (tests shorten them). */
    readonly eventStream?: EventStreamOptions;
}

/** One console request: its language, and the signed-in person when there is one. */
interface Visit {
    readonly t: Translator;
    readonly url: string;
    readonly session?: Session;
    readonly principal?: Principal;
}

interface SignedIn extends Visit {
    readonly session: Session;
    readonly principal: Principal;
}

const visits = new WeakMap<Response, Visit>();

/**
 * An amount typed by a person (`1234.56`, major units) in integer minor units of `currency`, exactly (no float
 * arithmetic); anything else is refused as the API refuses bad input.
 */
function minorUnits(text: string, currency: string): number {
    const digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    const match = /^(\d{1,13})(?:\.(\d+))?$/.exec(text.replace(/,/g, ''));
    const fraction = match?.[2] ?? '';
    if (match === null || fraction.length > digits) {
        throw new ApiError(400, 'INVALID', `amount: give a positive amount with at most ${digits} decimals`);
    }
    return Number(`${match[1] ?? ''}${fraction.padEnd(digits, '0')}`);
}
const YEAR_MS = 365 * 24 * 3600 * 1000;
const TX_ID = /^[0-9a-f]{64}$/;

/** Pages are HTML for a person: never cached, never framed, scripts and styles only from the gateway itself. */
function setSecurityHeaders(res: Response): void {
    res.setHeader(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('x-content-type-options', 'nosniff');
}

const field = (req: Request, name: string): string => {
    const body = req.body as Record<string, unknown> | undefined;
    const value = body?.[name];
    return typeof value === 'string' ? value.trim() : '';
};

const queryText = (req: Request, name: string): string => {
    const value = req.query[name];
    return typeof value === 'string' ? value.trim() : '';
};

const caller = (v: SignedIn, res: Response): Caller => ({
    principal: v.principal,
    requestId: contextOf(res).requestId,
});

/** A refusal in a sentence of the user's language. */
const refusal = (text: string): SafeHtml => html`<div class="error" role="alert"><p>${text}</p></div>`;

function send(
    res: Response,
    visit: Visit,
    status: number,
    title: string,
    body: SafeHtml,
    refreshSeconds?: number,
): void {
    const frame = {
        t: visit.t,
        title,
        url: visit.url,
        principal: visit.principal,
        csrf: visit.session?.csrf,
        ...(refreshSeconds === undefined ? {} : { refreshSeconds }),
    };
    res.status(status).type('html').send(layout(frame, body));
}

/** What a page failed with, as the API would answer it: a 5xx is logged (server side only), the code is counted. */
function pageError(logger: Logger, error: unknown, res: Response, path: string): ApiError {
    const apiError = toApiError(error);
    if (apiError.status >= 500) logger.error({ err: error, path }, 'console page failed');
    contextOf(res).errorCode = apiError.code;
    return apiError;
}

/** Anything a page handler throws becomes a page in the user's language; 5xx are logged and not detailed. */
function consoleErrors(logger: Logger, visitOf: (res: Response) => Visit | undefined) {
    return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
        if (res.headersSent) {
            next(error);
            return;
        }
        const apiError = pageError(logger, error, res, req.path);
        const v = visitOf(res) ?? { t: new Translator(DEFAULT_LANGUAGE), url: req.originalUrl };
        send(res, v, apiError.status, v.t.t('error.title'), errorBox(v.t, apiError));
    };
}

export function consoleRouter(deps: ConsoleDeps): Router {
    const sessions = deps.sessions ?? new SessionStore(deps.options.idleMs, deps.now);
    const policy = deps.options.cookies;
    const router = Router();
    const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

    /** Language (`?lang=` remembered in a cookie, else the cookie, else Chinese) and the live session, if any. */
    const visit = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
        setSecurityHeaders(res);
        const cookies = cookiesOf(req);
        const asked = req.query.lang;
        if (isLanguage(asked)) setCookie(req, res, policy, LANGUAGE_COOKIE, asked, YEAR_MS);
        const chosen = isLanguage(asked) ? asked : cookies[LANGUAGE_COOKIE];
        const t = new Translator(isLanguage(chosen) ? chosen : DEFAULT_LANGUAGE);
        // a live refresh is the page's doing, not the person's: it must not keep an unattended session alive
        const session =
            req.get(LIVE_REFRESH_HEADER) === '1'
                ? await sessions.live(cookies[SESSION_COOKIE])
                : await sessions.touch(cookies[SESSION_COOKIE]);
        const record = session === undefined ? undefined : await deps.keys.get(session.keyId);
        // a key revoked or rotated away ends its sessions at once, as it ends its API use
        const active = record !== undefined && record.revokedAt === undefined;
        if (session !== undefined && !active) await sessions.close(cookies[SESSION_COOKIE]);
        const principal = active ? principalOf(record, deps.wallets) : undefined;
        if (principal !== undefined) contextOf(res).principal = principal;
        visits.set(res, {
            t,
            url: req.originalUrl,
            ...(principal === undefined ? {} : { session, principal }),
        });
        next();
    };

    const visitOf = (res: Response): Visit => {
        const found = visits.get(res);
        if (found === undefined) throw new Error('console visit middleware did not run');
        return found;
    };

    const signedInOf = (res: Response): SignedIn => {
        const v = visitOf(res);
        if (v.session === undefined || v.principal === undefined) throw new Error('not signed in');
        return { ...v, session: v.session, principal: v.principal };
    };

    /** Without a live session: to the sign-in page (saying the session ended when the browser still had one). */
    const requireSession = (req: Request, res: Response, next: NextFunction): void => {
        const v = visitOf(res);
        if (v.session !== undefined) {
            next();
            return;
        }
        const hadOne = cookiesOf(req)[SESSION_COOKIE] !== undefined;
        if (hadOne) res.clearCookie(SESSION_COOKIE, { path: '/' });
        res.redirect(303, hadOne ? '/sign-in?ended=1' : '/sign-in');
    };

    /** Every POST made in a session carries the session's CSRF token, or is refused before anything is done. */
    const requireCsrf = (req: Request, res: Response, next: NextFunction): void => {
        const v = signedInOf(res);
        if (sameToken(field(req, '_csrf'), v.session.csrf)) {
            next();
            return;
        }
        send(res, v, 403, v.t.t('error.title'), refusal(v.t.t('error.csrf')));
    };

    const gate =
        (page: ConsolePage) =>
        (_req: Request, res: Response, next: NextFunction): void => {
            const v = signedInOf(res);
            contextOf(res).route = `console:${page.path}`;
            if (mayOpen(page, v.principal.role)) {
                next();
                return;
            }
            const role = v.t.lookup(`role.${v.principal.role}`, v.principal.role);
            send(res, v, 403, v.t.t('error.title'), refusal(v.t.t('error.pageForbidden', { role })));
        };

    /**
     * A page that reads before it shows: what `render` returns, at `status`; or, when it throws, the error's box at
     * the error's status, inside the page's own form when `around` puts it there.
     */
    const showPage = async (
        res: Response,
        v: Visit,
        title: string,
        render: () => Promise<SafeHtml>,
        { status = 200, around = (box: SafeHtml): SafeHtml => box }: PageOptions = {},
    ): Promise<void> => {
        let body: SafeHtml;
        try {
            body = await render();
        } catch (error) {
            const apiError = pageError(deps.logger, error, res, v.url);
            send(res, v, apiError.status, title, around(errorBox(v.t, apiError)));
            return;
        }
        send(res, v, status, title, body);
    };

    router.get('/console/assets/:name', serveAsset);

    // ---- sign-in and sign-out
    const signInForm = (req: Request, res: Response, status: number, view: Omit<SignInView, 'csrf'>): void => {
        const v = visitOf(res);
        const csrf = cookiesOf(req)[SIGN_IN_CSRF_COOKIE] ?? newToken();
        setCookie(req, res, policy, SIGN_IN_CSRF_COOKIE, csrf);
        send(res, v, status, v.t.t('signIn.title'), signInPage(v.t, { ...view, csrf }));
    };

    router.get('/sign-in', visit, (req, res) => {
        contextOf(res).route = 'console:/sign-in';
        if (visitOf(res).session !== undefined) {
            res.redirect(303, '/');
            return;
        }
        const t = visitOf(res).t;
        const message =
            req.query.ended === '1'
                ? t.t('signIn.expired')
                : req.query.out === '1'
                  ? t.t('signIn.signedOut')
                  : undefined;
        signInForm(req, res, 200, message === undefined ? {} : { notice: message });
    });

    const startSession = async (req: Request, res: Response, keyId: string): Promise<void> => {
        setCookie(req, res, policy, SESSION_COOKIE, await sessions.open(keyId));
        res.clearCookie(SIGN_IN_CSRF_COOKIE, { path: '/' });
        res.redirect(303, '/');
    };

    router.post('/sign-in', visit, form, async (req, res) => {
        contextOf(res).route = 'console:/sign-in';
        const v = visitOf(res);
        const expected = cookiesOf(req)[SIGN_IN_CSRF_COOKIE];
        if (expected === undefined || !sameToken(field(req, '_csrf'), expected)) {
            send(res, v, 403, v.t.t('error.title'), refusal(v.t.t('error.csrf')));
            return;
        }
        if (field(req, 'method') === 'code') {
            try {
                const body = parse(EnrolBody, { enrolmentCode: field(req, 'enrolmentCode') }, 'body') as z.output<
                    typeof EnrolBody
                >;
                // the new API key is issued as by POST /v1/enrolment, but never shown: the browser gets a session
                const enrolled = await enrol(deps, body);
                await startSession(req, res, enrolled.keyId);
            } catch (error) {
                const apiError = toApiError(error);
                const text = apiError.code === 'INVALID' ? v.t.t('signIn.badCode') : errorSentence(v.t, apiError.code);
                signInForm(req, res, apiError.status, { error: { form: 'code', text } });
            }
            return;
        }
        const record = await deps.keys.verify(field(req, 'apiKey'));
        if (record === undefined) {
            signInForm(req, res, 401, { error: { form: 'key', text: v.t.t('signIn.badKey') } });
            return;
        }
        await startSession(req, res, record.keyId);
    });

    router.post('/sign-out', visit, requireSession, form, requireCsrf, async (req, res) => {
        contextOf(res).route = 'console:/sign-out';
        await sessions.close(cookiesOf(req)[SESSION_COOKIE]);
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        res.redirect(303, '/sign-in?out=1');
    });

    // before `/trades/:tradeNo`, which would take `new` and `import` for trade numbers
    mountWritePages(router, {
        api: deps.api,
        now: deps.now,
        visit,
        requireSession,
        requireCsrf,
        gate,
        signedInOf,
        callerOf: caller,
        send,
        showPage,
    });

    /** A page's stream holds while its session is live (untouched: the stream is not the person) and its key active. */
    const sessionGrant = (cookie: string | undefined): StreamGrant => {
        return async () => {
            const session = await sessions.live(cookie);
            return session === undefined ? 'session-ended' : keyGrant(deps.keys, session.keyId)();
        };
    };

    // the API's event stream for pages, by the session cookie: the same caller, the same scoping (docs/events.md)
    router.get('/console/events/stream', visit, requireSession, async (req, res) => {
        contextOf(res).route = 'console:/console/events/stream';
        const grant = sessionGrant(cookiesOf(req)[SESSION_COOKIE]);
        await streamEvents(deps.readModels, signedInOf(res).principal, grant, req, res, deps.eventStream);
    });

    // ---- pages
    router.get('/', visit, requireSession, (_req, res) => {
        contextOf(res).route = 'console:/';
        const v = signedInOf(res);
        const pages = HOME_PAGES.filter((page) => mayOpen(page, v.principal.role));
        send(res, v, 200, v.t.t('home.title'), homePage(v.t, pages));
    });

    /**
     * The income allocated to the caller's trades, from the trades work list (the org read model); none when the read
     * model is not there: the list of trades itself is the ledger's.
     */
    const incomeOf = async (v: SignedIn, res: Response): Promise<ReadonlyMap<string, TradeIncome> | undefined> => {
        try {
            const page = (await deps.api.read('workListTrades', caller(v, res), { query: { limit: '200' } })) as {
                items: TradeIncome[];
            };
            return new Map(page.items.map((item) => [item.tradeNo, item]));
        } catch (error) {
            if (toApiError(error).code !== 'READ_MODEL_UNAVAILABLE') throw error;
            return undefined;
        }
    };

    router.get('/trades', visit, requireSession, gate(PAGES.myTrades), async (req, res) => {
        const v = signedInOf(res);
        const party = v.principal.party ?? '';
        const filter = v.principal.role === 'vendor' ? 'vendorId' : 'agentId';
        const bookmark = queryText(req, 'bookmark');
        const trades = (await deps.api.read('listTrades', caller(v, res), {
            query: { [filter]: party, pageSize: '50', bookmark },
        })) as TradePage;
        send(res, v, 200, v.t.t('page.myTrades'), tradeList(v.t, party, trades, await incomeOf(v, res)));
    });

    router.get('/trades/:tradeNo', visit, requireSession, gate(PAGES.trade), async (req, res) => {
        const v = signedInOf(res);
        const params = { tradeNo: String(req.params.tradeNo) };
        await showPage(res, v, v.t.t('page.trade', { tradeNo: params.tradeNo }), async () => {
            const trade = (await deps.api.read('getTrade', caller(v, res), { params })) as z.output<typeof TradeRecord>;
            const history = (await deps.api.read('getTradeHistory', caller(v, res), { params })) as z.output<
                typeof TradeHistory
            >;
            return tradePage(v.t, trade, history.history);
        });
    });

    router.get('/receipts/check', visit, requireSession, gate(PAGES.checkReceipt), (req, res) => {
        const v = signedInOf(res);
        const receiptId = queryText(req, 'receiptId');
        send(res, v, 200, v.t.t('page.checkReceipt'), checkForm(v.t, { csrf: v.session.csrf, receiptId }));
    });

    router.post(
        '/receipts/check',
        visit,
        requireSession,
        form,
        requireCsrf,
        gate(PAGES.checkReceipt),
        async (req, res) => {
            const v = signedInOf(res);
            const receiptId = field(req, 'receiptId');
            await showPage(
                res,
                v,
                v.t.t('page.checkReceipt'),
                async () => {
                    const answer = (await deps.api.read('checkReceipt', caller(v, res), { body: { receiptId } })) as {
                        result: z.output<typeof BankCheckResult>;
                        evidence: z.output<typeof Evidence>[];
                    };
                    const body = checkResult(v.t, answer.result, answer.evidence);
                    const exports = mayOpen(PAGES.exportVerdict, v.principal.role)
                        ? exportForms(v.t, v.session.csrf, receiptId)
                        : html``;
                    return html`${checkForm(v.t, { csrf: v.session.csrf, receiptId })}${body}${exports}`;
                },
                { around: (error) => checkForm(v.t, { csrf: v.session.csrf, receiptId, error }) },
            );
        },
    );

    router.get('/trace', visit, requireSession, gate(PAGES.trace), async (req, res) => {
        const v = signedInOf(res);
        const declNo = queryText(req, 'declNo');
        const gNo = queryText(req, 'gNo');
        const title = v.t.t('page.trace');
        if (declNo === '' && gNo === '') {
            send(res, v, 200, title, traceForm(v.t, { declNo, gNo }));
            return;
        }
        await showPage(
            res,
            v,
            title,
            async () => {
                const answer = (await deps.api.read('traceDeclarationLine', caller(v, res), {
                    params: { declNo, gNo },
                })) as {
                    result: z.output<typeof LineTrace>;
                    evidence: z.output<typeof Evidence>[];
                };
                return html`${traceForm(v.t, { declNo, gNo })}${traceResult(v.t, answer.result, answer.evidence)}`;
            },
            { around: (error) => traceForm(v.t, { declNo, gNo, error }) },
        );
    });

    // ---- customs: the queue, a declaration with its CU check, history and decisions, open risk flags
    router.get('/customs/queue', visit, requireSession, gate(PAGES.customsQueue), async (req, res) => {
        const v = signedInOf(res);
        const filters = { status: queryText(req, 'status'), customsOffice: queryText(req, 'customsOffice') };
        const query: Record<string, string> = { limit: '50' };
        if (filters.status !== '') query.status = filters.status;
        if (filters.customsOffice !== '') query.customsOffice = filters.customsOffice;
        const cursor = queryText(req, 'cursor');
        if (cursor !== '') query.cursor = cursor;
        await showPage(
            res,
            v,
            v.t.t('page.customsQueue'),
            async () => {
                const list = (await deps.api.read('workListDeclarations', caller(v, res), {
                    query,
                })) as DeclarationPage;
                return queueView(v.t, filters, list);
            },
            { around: (error) => queueView(v.t, filters, undefined, error) },
        );
    });

    /** A declaration page, with the decision form for customs (its values and refusal when one was just refused). */
    const declarationPage = async (
        v: SignedIn,
        res: Response,
        declNo: string,
        status: number,
        form: Omit<DecisionForm, 'csrf' | 'idempotencyKey'> = {},
        notice?: SafeHtml,
    ): Promise<void> => {
        const params = { declNo };
        await showPage(
            res,
            v,
            v.t.t('page.declaration', { declNo }),
            async () => {
                const who = caller(v, res);
                const [declaration, events, check] = await Promise.all([
                    deps.api.read('getDeclaration', who, { params }) as Promise<z.output<typeof DeclarationRecord>>,
                    deps.api.read('getCustomsEvents', who, { params }) as Promise<z.output<typeof CustomsEvents>>,
                    deps.api.read('checkDeclaration', who, { params }) as Promise<{
                        result: z.output<typeof CustomsCheckReport>;
                        evidence: z.output<typeof Evidence>[];
                    }>,
                ]);
                const decide = mayOpen(PAGES.customsDecision, v.principal.role)
                    ? decisionForm(v.t, declaration, { ...form, csrf: v.session.csrf, idempotencyKey: newToken() })
                    : html``;
                return declarationView(v.t, declaration, events.events, check, decide, notice);
            },
            { status },
        );
    };

    router.get('/declarations/:declNo', visit, requireSession, gate(PAGES.declaration), async (req, res) => {
        const v = signedInOf(res);
        const notice =
            req.query.recorded === '1'
                ? html`<p class="notice" role="status">${v.t.t('decl.recorded')}</p>`
                : undefined;
        await declarationPage(v, res, String(req.params.declNo), 200, {}, notice);
    });

    router.post(
        '/declarations/:declNo/decision',
        visit,
        requireSession,
        form,
        requireCsrf,
        gate(PAGES.customsDecision),
        async (req, res) => {
            const v = signedInOf(res);
            const declNo = String(req.params.declNo);
            const decision = field(req, 'decision');
            const reason = field(req, 'reason');
            const exitDate = field(req, 'exitDate');
            const values = { decision, reason, exitDate };
            try {
                if (!isDecision(decision)) throw new ApiError(400, 'INVALID', 'choose a decision');
                const body = decision === 'exit' ? { exitDate } : REASONED.includes(decision) ? { reason } : undefined;
                await deps.api.write(DECISIONS[decision].operationId, caller(v, res), formKey(req), {
                    params: { declNo },
                    ...(body === undefined ? {} : { body }),
                });
                res.redirect(303, `/declarations/${declNo}?recorded=1`);
            } catch (error) {
                const apiError = toApiError(error);
                await declarationPage(v, res, declNo, apiError.status, { ...values, error: errorBox(v.t, apiError) });
            }
        },
    );

    router.get('/risk-flags', visit, requireSession, gate(PAGES.riskFlags), async (req, res) => {
        const v = signedInOf(res);
        const cursor = queryText(req, 'cursor');
        const query: Record<string, string> = { status: 'OPEN', limit: '50', ...(cursor === '' ? {} : { cursor }) };
        await showPage(res, v, v.t.t('page.riskFlags'), async () => {
            const flags = (await deps.api.read('workListRiskFlags', caller(v, res), { query })) as RiskFlagPage;
            const next =
                flags.nextCursor === null ? undefined : `/risk-flags?cursor=${encodeURIComponent(flags.nextCursor)}`;
            return riskFlagsView(v.t, flags, next);
        });
    });

    // ---- bank: the receipts work list, a receipt with its history and actions, the signed verdict export
    router.get('/bank/receipts', visit, requireSession, gate(PAGES.bankReceipts), async (req, res) => {
        const v = signedInOf(res);
        const asked = queryText(req, 'stage');
        const stage = isStage(asked) ? asked : 'allocation';
        const cursor = queryText(req, 'cursor');
        await showPage(res, v, v.t.t('page.bankReceipts'), async () => {
            const who = caller(v, res);
            const query = { stage, limit: '50', ...(cursor === '' ? {} : { cursor }) };
            const receipts = (await deps.api.read('workListReceipts', who, { query })) as ReceiptPage;
            const totals = (await deps.api.read('workListReceiptTotals', who, {})) as { totals: ReceiptTotals };
            return bankReceiptsView(v.t, stage, receipts, totals.totals);
        });
    });

    type ActionName = 'allocate' | 'verify' | 'settle' | 'finance';
    const receiptPage = async (
        v: SignedIn,
        res: Response,
        receiptId: string,
        status: number,
        refused?: { action: ActionName; values: Record<string, string>; error: SafeHtml },
        notice?: SafeHtml,
    ): Promise<void> => {
        const params = { receiptId };
        await showPage(
            res,
            v,
            v.t.t('page.receipt', { receiptId }),
            async () => {
                const who = caller(v, res);
                const [receipt, history] = await Promise.all([
                    deps.api.read('getReceipt', who, { params }) as Promise<z.output<typeof ReceiptRecord>>,
                    deps.api.read('getReceiptHistory', who, { params }) as Promise<z.output<typeof ReceiptHistory>>,
                ]);
                const formOf = (action: ActionName): ActionForm => ({
                    idempotencyKey: newToken(),
                    ...(refused?.action === action ? { values: refused.values, error: refused.error } : {}),
                });
                const actions: ReceiptActions | undefined = mayOpen(PAGES.allocateReceipt, v.principal.role)
                    ? {
                          csrf: v.session.csrf,
                          allocate: formOf('allocate'),
                          verify: formOf('verify'),
                          settle: formOf('settle'),
                          finance: formOf('finance'),
                      }
                    : undefined;
                return receiptView(v.t, receipt, history.history, actions, notice);
            },
            { status },
        );
    };

    router.get('/receipts/:receiptId', visit, requireSession, gate(PAGES.receipt), async (req, res) => {
        const v = signedInOf(res);
        const done = queryText(req, 'done');
        const notice = isAction(done)
            ? html`<p class="notice" role="status">${v.t.t('action.done', { action: v.t.t(`action.${done}`) })}</p>`
            : undefined;
        await receiptPage(v, res, String(req.params.receiptId), 200, undefined, notice);
    });

    const ACTIONS = {
        allocate: {
            page: PAGES.allocateReceipt,
            operationId: 'allocateReceipt',
            input: (req: Request, receiptId: string, currency: string) => ({
                params: { receiptId },
                body: {
                    allocations: [
                        { tradeNo: field(req, 'tradeNo'), amountMinor: minorUnits(field(req, 'amount'), currency) },
                    ],
                },
            }),
        },
        verify: {
            page: PAGES.verifyReceipt,
            operationId: 'verifyReceipt',
            input: (_req: Request, receiptId: string) => ({ params: { receiptId }, body: {} }),
        },
        settle: {
            page: PAGES.settleReceipt,
            operationId: 'settleReceipt',
            input: (req: Request, receiptId: string) => ({
                params: { receiptId },
                body: { outcome: field(req, 'outcome') },
            }),
        },
        finance: {
            page: PAGES.financeTrade,
            operationId: 'financeTrades',
            // the borrower is the party the receipt's income goes to; the amount is in the trade's currency
            input: (req: Request, _receiptId: string, _currency: string, payee: string) => ({
                body: {
                    financingRef: field(req, 'financingRef'),
                    borrowerPartyId: payee,
                    items: [{ tradeNo: field(req, 'tradeNo'), amountMinor: minorUnits(field(req, 'amount'), 'USD') }],
                },
            }),
        },
    } as const;
    const isAction = (value: string): value is ActionName => Object.hasOwn(ACTIONS, value);

    for (const [name, action] of Object.entries(ACTIONS) as [ActionName, (typeof ACTIONS)[ActionName]][]) {
        router.post(
            `/receipts/:receiptId/${name}`,
            visit,
            requireSession,
            form,
            requireCsrf,
            gate(action.page),
            async (req, res) => {
                const v = signedInOf(res);
                const receiptId = String(req.params.receiptId);
                const values = Object.fromEntries(
                    ['tradeNo', 'amount', 'outcome', 'financingRef'].map((key) => [key, field(req, key)]),
                );
                try {
                    const receipt = (await deps.api.read('getReceipt', caller(v, res), {
                        params: { receiptId },
                    })) as z.output<typeof ReceiptRecord>;
                    const input = action.input(req, receiptId, receipt.currency, receipt.payeePartyId);
                    await deps.api.write(action.operationId, caller(v, res), formKey(req), input);
                    res.redirect(303, `/receipts/${encodeURIComponent(receiptId)}?done=${name}`);
                } catch (error) {
                    const apiError = toApiError(error);
                    await receiptPage(v, res, receiptId, apiError.status, {
                        action: name,
                        values,
                        error: errorBox(v.t, apiError),
                    });
                }
            },
        );
    }

    router.post(
        '/receipts/check/export',
        visit,
        requireSession,
        form,
        requireCsrf,
        gate(PAGES.exportVerdict),
        async (req, res) => {
            const v = signedInOf(res);
            const receiptId = field(req, 'receiptId');
            const format = field(req, 'format') === 'pdf' ? 'pdf' : 'json';
            try {
                const answer = (await deps.api.read('checkReceipt', caller(v, res), { body: { receiptId } })) as {
                    result: z.output<typeof BankCheckResult>;
                    evidence: z.output<typeof Evidence>[];
                };
                const statement: VerdictStatement = {
                    kind: 'bank-receipt-check',
                    receiptId,
                    checkedAt: new Date(deps.now()).toISOString(),
                    signedBy: {
                        username: v.principal.username,
                        role: v.principal.role,
                        party: v.principal.party ?? null,
                    },
                    result: answer.result,
                    evidence: answer.evidence,
                };
                const signed = signVerdict(statement, v.principal.identity);
                const file = `verdict-${receiptId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
                res.setHeader('content-disposition', `attachment; filename="${file}.${format}"`);
                if (format === 'pdf') {
                    res.type('application/pdf').send(verdictPdf(signed));
                } else {
                    res.type('application/json').send(`${JSON.stringify(signed, null, 2)}\n`);
                }
            } catch (error) {
                const apiError = toApiError(error);
                const body = checkForm(v.t, { csrf: v.session.csrf, receiptId, error: errorBox(v.t, apiError) });
                send(res, v, apiError.status, v.t.t('page.checkReceipt'), body);
            }
        },
    );
    router.get('/market', visit, requireSession, gate(PAGES.market), async (req, res) => {
        const v = signedInOf(res);
        const title = v.t.t('page.market');
        const thisMonth = chinaToday().slice(0, 7);
        const form = {
            cluster: queryText(req, 'cluster'),
            from: queryText(req, 'from') || addMonths(thisMonth, -11),
            to: queryText(req, 'to') || thisMonth,
        };
        await showPage(
            res,
            v,
            title,
            async () => {
                const query = { from: form.from, to: form.to };
                const answer = (await (form.cluster === ''
                    ? deps.api.read('marketIndicators', caller(v, res), { query })
                    : deps.api.read('clusterIndicators', caller(v, res), {
                          params: { clusterId: form.cluster },
                          query,
                      }))) as {
                    months: MonthFigures[];
                };
                return html`${marketForm(v.t, form)}${marketDashboard(v.t, answer.months)}`;
            },
            { around: (error) => html`${marketForm(v.t, form)}${error}` },
        );
    });

    router.get('/market/records', visit, requireSession, gate(PAGES.marketRecords), async (req, res) => {
        const v = signedInOf(res);
        const title = v.t.t('page.marketRecords');
        const list = queryText(req, 'list');
        const operation = {
            declarations: 'workListDeclarations',
            parties: 'workListParties',
            exemptions: 'workListExemptions',
        }[list];
        if (!RECORD_LISTS.includes(list) || operation === undefined) {
            send(res, v, 404, title, refusal(v.t.t('market.badList')));
            return;
        }
        const query = Object.fromEntries(
            Object.entries(req.query).filter(
                (entry): entry is [string, string] =>
                    typeof entry[1] === 'string' && !['list', 'lang'].includes(entry[0]),
            ),
        );
        const page = (await deps.api.read(operation, caller(v, res), { query })) as {
            items: Record<string, unknown>[];
            nextCursor: string | null;
        };
        const next =
            page.nextCursor === null
                ? null
                : `/market/records?${new URLSearchParams({ ...query, list, cursor: page.nextCursor }).toString()}`;
        send(res, v, 200, title, recordsPage(v.t, list, page.items, next));
    });

    router.get('/tx/:txId', visit, requireSession, async (req, res, next) => {
        contextOf(res).route = 'console:/tx/:txId';
        const txId = String(req.params.txId);
        if (!TX_ID.test(txId)) {
            next();
            return;
        }
        const v = signedInOf(res);
        const status = await deps.api.txStatus(v.principal, txId);
        send(res, v, 200, v.t.t('page.tx'), txPage(v.t, txId, status));
    });

    router.use(consoleErrors(deps.logger, (res) => visits.get(res)));
    return router;
}
