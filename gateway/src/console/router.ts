import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { GatewayWallets } from '../auth/identities';
import type { ApiKeyStore } from '../auth/key-store';
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
import { html, type SafeHtml } from './html';
import { DEFAULT_LANGUAGE, isLanguage, Translator } from './i18n';
import {
    cookiesOf,
    LANGUAGE_COOKIE,
    newToken,
    sameToken,
    SESSION_COOKIE,
    SessionStore,
    setCookie,
    SIGN_IN_CSRF_COOKIE,
    type CookiePolicy,
    type Session,
} from './session';
import { errorBox, errorSentence } from './views/errors';
import { homePage } from './views/home';
import { layout } from './views/layout';
import { marketDashboard, marketForm, RECORD_LISTS, recordsPage, type MonthFigures } from './views/market';
import { checkForm, checkResult } from './views/receipt-check';
import { signInPage, type SignInView } from './views/sign-in';
import { tradeList, tradePage, type TradePage } from './views/trades';
import { traceForm, traceResult } from './views/trace';
import { txPage } from './views/ledger-links';
import type { BankCheckResult } from '../routes/receipts/schema';
import type { LineTrace } from '../routes/declarations/schema';
import type { TradeHistory, TradeRecord } from '../routes/trades/schema';
import type { Evidence } from '../routes/common';
import { addMonths, chinaToday } from '../views';

export interface ConsoleOptions {
    /** A session unused this long ends. */
    readonly idleMs: number;
    readonly cookies: CookiePolicy;
}

export interface ConsoleDeps extends OnboardingDeps {
    readonly api: ConsoleApi;
    readonly keys: ApiKeyStore;
    readonly wallets: GatewayWallets;
    readonly logger: Logger;
    readonly now: () => number;
    readonly options: ConsoleOptions;
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

function send(res: Response, visit: Visit, status: number, title: string, body: SafeHtml): void {
    const frame = { t: visit.t, title, url: visit.url, principal: visit.principal, csrf: visit.session?.csrf };
    res.status(status).type('html').send(layout(frame, body));
}

/** Anything a page handler throws becomes a page in the user's language; 5xx are logged and not detailed. */
function consoleErrors(logger: Logger, visitOf: (res: Response) => Visit | undefined) {
    return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
        if (res.headersSent) {
            next(error);
            return;
        }
        const apiError = toApiError(error);
        if (apiError.status >= 500) logger.error({ err: error, path: req.path }, 'console page failed');
        contextOf(res).errorCode = apiError.code;
        const v = visitOf(res) ?? { t: new Translator(DEFAULT_LANGUAGE), url: req.originalUrl };
        send(res, v, apiError.status, v.t.t('error.title'), errorBox(v.t, apiError));
    };
}

export function consoleRouter(deps: ConsoleDeps): Router {
    const sessions = new SessionStore(deps.options.idleMs, deps.now);
    const policy = deps.options.cookies;
    const router = Router();
    const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

    /** Language (`?lang=` remembered in a cookie, else the cookie, else Chinese) and the live session, if any. */
    const visit = (req: Request, res: Response, next: NextFunction): void => {
        setSecurityHeaders(res);
        const cookies = cookiesOf(req);
        const asked = req.query.lang;
        if (isLanguage(asked)) setCookie(req, res, policy, LANGUAGE_COOKIE, asked, YEAR_MS);
        const chosen = isLanguage(asked) ? asked : cookies[LANGUAGE_COOKIE];
        const t = new Translator(isLanguage(chosen) ? chosen : DEFAULT_LANGUAGE);
        const session = sessions.touch(cookies[SESSION_COOKIE]);
        const record = session === undefined ? undefined : deps.keys.get(session.keyId);
        // a key revoked or rotated away ends its sessions at once, as it ends its API use
        const active = record !== undefined && record.revokedAt === undefined;
        if (session !== undefined && !active) sessions.close(cookies[SESSION_COOKIE]);
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

    const startSession = (req: Request, res: Response, keyId: string): void => {
        setCookie(req, res, policy, SESSION_COOKIE, sessions.open(keyId));
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
                startSession(req, res, enrolled.keyId);
            } catch (error) {
                const apiError = toApiError(error);
                const text = apiError.code === 'INVALID' ? v.t.t('signIn.badCode') : errorSentence(v.t, apiError.code);
                signInForm(req, res, apiError.status, { error: { form: 'code', text } });
            }
            return;
        }
        const record = deps.keys.verify(field(req, 'apiKey'));
        if (record === undefined) {
            signInForm(req, res, 401, { error: { form: 'key', text: v.t.t('signIn.badKey') } });
            return;
        }
        startSession(req, res, record.keyId);
    });

    router.post('/sign-out', visit, requireSession, form, requireCsrf, (req, res) => {
        contextOf(res).route = 'console:/sign-out';
        sessions.close(cookiesOf(req)[SESSION_COOKIE]);
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        res.redirect(303, '/sign-in?out=1');
    });

    // ---- pages
    router.get('/', visit, requireSession, (_req, res) => {
        contextOf(res).route = 'console:/';
        const v = signedInOf(res);
        const pages = HOME_PAGES.filter((page) => mayOpen(page, v.principal.role));
        send(res, v, 200, v.t.t('home.title'), homePage(v.t, pages));
    });

    router.get('/trades', visit, requireSession, gate(PAGES.myTrades), async (req, res) => {
        const v = signedInOf(res);
        const party = v.principal.party ?? '';
        const filter = v.principal.role === 'vendor' ? 'vendorId' : 'agentId';
        const bookmark = queryText(req, 'bookmark');
        const trades = (await deps.api.read('listTrades', caller(v, res), {
            query: { [filter]: party, pageSize: '50', bookmark },
        })) as TradePage;
        send(res, v, 200, v.t.t('page.myTrades'), tradeList(v.t, party, trades));
    });

    router.get('/trades/:tradeNo', visit, requireSession, gate(PAGES.trade), async (req, res) => {
        const v = signedInOf(res);
        const params = { tradeNo: String(req.params.tradeNo) };
        const title = v.t.t('page.trade', { tradeNo: params.tradeNo });
        try {
            const trade = (await deps.api.read('getTrade', caller(v, res), { params })) as z.output<typeof TradeRecord>;
            const history = (await deps.api.read('getTradeHistory', caller(v, res), { params })) as z.output<
                typeof TradeHistory
            >;
            send(res, v, 200, title, tradePage(v.t, trade, history.history));
        } catch (error) {
            const apiError = toApiError(error);
            send(res, v, apiError.status, title, errorBox(v.t, apiError));
        }
    });

    router.get('/receipts/check', visit, requireSession, gate(PAGES.checkReceipt), (_req, res) => {
        const v = signedInOf(res);
        send(res, v, 200, v.t.t('page.checkReceipt'), checkForm(v.t, { csrf: v.session.csrf, receiptId: '' }));
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
            const title = v.t.t('page.checkReceipt');
            try {
                const answer = (await deps.api.read('checkReceipt', caller(v, res), { body: { receiptId } })) as {
                    result: z.output<typeof BankCheckResult>;
                    evidence: z.output<typeof Evidence>[];
                };
                const body = checkResult(v.t, answer.result, answer.evidence);
                send(res, v, 200, title, html`${checkForm(v.t, { csrf: v.session.csrf, receiptId })}${body}`);
            } catch (error) {
                const apiError = toApiError(error);
                const body = checkForm(v.t, { csrf: v.session.csrf, receiptId, error: errorBox(v.t, apiError) });
                send(res, v, apiError.status, title, body);
            }
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
        try {
            const answer = (await deps.api.read('traceDeclarationLine', caller(v, res), {
                params: { declNo, gNo },
            })) as {
                result: z.output<typeof LineTrace>;
                evidence: z.output<typeof Evidence>[];
            };
            send(
                res,
                v,
                200,
                title,
                html`${traceForm(v.t, { declNo, gNo })}${traceResult(v.t, answer.result, answer.evidence)}`,
            );
        } catch (error) {
            const apiError = toApiError(error);
            send(res, v, apiError.status, title, traceForm(v.t, { declNo, gNo, error: errorBox(v.t, apiError) }));
        }
    });

    router.get('/market', visit, requireSession, gate(PAGES.market), async (req, res) => {
        const v = signedInOf(res);
        const title = v.t.t('page.market');
        const thisMonth = chinaToday().slice(0, 7);
        const form = {
            cluster: queryText(req, 'cluster'),
            from: queryText(req, 'from') || addMonths(thisMonth, -11),
            to: queryText(req, 'to') || thisMonth,
        };
        try {
            const query = { from: form.from, to: form.to };
            const answer = (await (form.cluster === ''
                ? deps.api.read('marketIndicators', caller(v, res), { query })
                : deps.api.read('clusterIndicators', caller(v, res), {
                      params: { clusterId: form.cluster },
                      query,
                  }))) as {
                months: MonthFigures[];
            };
            send(res, v, 200, title, html`${marketForm(v.t, form)}${marketDashboard(v.t, answer.months)}`);
        } catch (error) {
            const apiError = toApiError(error);
            send(res, v, apiError.status, title, html`${marketForm(v.t, form)}${errorBox(v.t, apiError)}`);
        }
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
