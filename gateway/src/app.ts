import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { EnrolmentCodeStore } from './auth/enrolment-codes';
import type { CertificateAuthorities, GatewayWallets } from './auth/identities';
import type { ApiKeys } from './auth/key-store';
import { principalOf } from './auth/principal';
import { ConsoleApi, consoleRouter, type ConsoleOptions } from './console';
import type { ConsoleSessions } from './console/session';
import type { WebhookUrlPolicy } from './events';
import type { WebhookStore } from './state';
import { checkJsonBody } from './http/body';
import { contextOf, requestContext } from './http/context';
import { ApiError, errorHandler } from './http/errors';
import { mountMethodNotAllowed, mountRoutes, type AnyRoute } from './http/route';
import { Idempotency } from './idempotency/idempotent';
import type { IdempotencyJournal } from './idempotency/store';
import type { Ledger } from './ledger/ledger';
import { TxLocator } from './ledger/tx-locator';
import { docsRouter } from './openapi/docs-page';
import { openApiDocument } from './openapi/document';
import type { Logger } from './ops/logger';
import { MeteredLedger } from './ops/metered-ledger';
import { Metrics } from './ops/metrics';
import type { ProjectionStatus, Projections } from './projection';
import { RateLimiter, type RateLimit, type RateLimitOptions } from './ops/rate-limit';
import { allRoutes } from './routes';
import { EVENT_STREAM_PATH, eventStreamHandler, type EventStreamOptions } from './routes/events/stream';

export const API_VERSION = '0.1.0';

/** An organisation the gateway serves, from the connection profile. */
export interface OrgInfo {
    readonly org: string;
    readonly mspId: string;
}

export interface AppDeps {
    readonly ledger: Ledger;
    readonly keys: ApiKeys;
    readonly wallets: GatewayWallets;
    readonly cas: CertificateAuthorities;
    readonly enrolmentCodes: EnrolmentCodeStore;
    readonly idempotencyStore: IdempotencyJournal;
    /**
     * Makes the rate limits' buckets (default: in this process); `name` keeps each limit's buckets apart where they
     * are shared.
     */
    readonly rateLimits?: (name: string, options: RateLimitOptions) => RateLimit;
    /** The console's sessions (default: in this process). */
    readonly sessions?: ConsoleSessions;
    readonly orgs: readonly OrgInfo[];
    readonly logger: Logger;
    readonly metrics?: Metrics;
    readonly bodyLimitBytes?: number;
    readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
    /** Per client IP, before authentication and for every route (default 100/s, burst 200). */
    readonly ipRateLimit?: { readonly perSecond: number; readonly burst: number };
    /** How long one /readyz answer is reused (default 1000 ms): each fresh one queries every org's peer. */
    readonly readyCacheMs?: number;
    /** Clock for rate limits and the /readyz cache (tests). */
    readonly now?: () => number;
    /** Unknown-outcome transactions the ledger still does not know after this long are taken as lost. */
    readonly lostAfterMs?: number;
    /**
     * The read side's projections, reported by /readyz and /metrics and asked first for the blocks of verdict evidence
     * (none when the gateway runs without).
     */
    readonly projections?: Pick<Projections, 'statuses' | 'blocksOf'>;
    /** Each org's read model, which the work lists read (none when the gateway runs without the read side). */
    readonly readModels?: Pick<Projections, 'readModel'>;
    /** Poll, heartbeat and recheck intervals of the event streams, API and console (tests shorten them). */
    readonly eventStream?: EventStreamOptions;
    /** Verifies an org's read model against its ledger, for auditors (none when the gateway runs without). */
    readonly verifier?: Pick<Projections, 'verify'>;
    /** The console's sessions (default: 30 minutes idle, Secure cookies over https). */
    readonly console?: ConsoleOptions;
    /** Base of the EPCIS export's identifiers (default https://id.mpt.example/). */
    readonly epcisIdBase?: string;
    /** Where webhook deliveries may go (default: public addresses only). */
    readonly webhookUrls?: WebhookUrlPolicy;
    /** Webhook subscriptions and deliveries (the gateway's own state; none: the webhook routes answer 409). */
    readonly webhooks?: WebhookStore;
}

const BEARER = /^Bearer ([^\s]+)$/;

function authenticate(deps: AppDeps) {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
        const match = BEARER.exec(req.get('authorization') ?? '');
        const record = match?.[1] === undefined ? undefined : await deps.keys.verify(match[1]);
        if (!record) {
            throw new ApiError(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <API key> with an active key');
        }
        contextOf(res).principal = principalOf(record, deps.wallets);
        next();
    };
}

/** 429 once `client`'s bucket is empty; `client` is the API key after authentication, the IP before it. */
function rateLimit(limiter: RateLimit, metrics: Metrics, client: (req: Request, res: Response) => string, who: string) {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
        const wait = await limiter.take(client(req, res));
        if (wait > 0) {
            metrics.rateLimited();
            throw new ApiError(429, 'RATE_LIMITED', `too many requests for ${who}; slow down`, {
                headers: { 'retry-after': String(wait) },
            });
        }
        next();
    };
}

/** Whether every org peer answers, asked at most once per `ttlMs`: concurrent and repeated probes share one answer. */
function readiness(ledger: Ledger, logger: Logger, ttlMs: number, now: () => number): () => Promise<boolean> {
    let last: { at: number; ready: Promise<boolean> } | undefined;
    return () => {
        if (last === undefined || now() - last.at >= ttlMs) {
            const ready = ledger.ready().then(
                () => true,
                (error: unknown) => {
                    logger.warn({ err: error }, 'not ready');
                    return false;
                },
            );
            last = { at: now(), ready };
        }
        return last.ready;
    };
}

/**
 * Each projection's progress for /readyz: a lagging or failing read model does not make the gateway unready (ledger
 * calls still work), it is reported. No database location or error text: /readyz needs no key.
 */
async function projectionProgress(
    projections: Pick<Projections, 'statuses'> | undefined,
): Promise<{ projections?: Pick<ProjectionStatus, 'org' | 'state' | 'lastBlock' | 'peerHeight' | 'lagBlocks'>[] }> {
    if (projections === undefined) return {};
    const statuses = await projections.statuses();
    return {
        projections: statuses.map(({ org, state, lastBlock, peerHeight, lagBlocks }) => ({
            org,
            state,
            lastBlock,
            peerHeight,
            lagBlocks,
        })),
    };
}

function observe(logger: Logger, metrics: Metrics) {
    return (req: Request, res: Response, next: NextFunction): void => {
        res.on('finish', () => {
            const context = contextOf(res);
            // never the raw path: every distinct URL would become a new series (a 401 or 429 on any path too)
            const route = context.route ?? 'unmatched';
            const seconds = Number(process.hrtime.bigint() - context.started) / 1e9;
            metrics.request(req.method, route, res.statusCode, seconds);
            logger.info(
                {
                    requestId: context.requestId,
                    method: req.method,
                    route,
                    path: req.path,
                    status: res.statusCode,
                    ms: Math.round(seconds * 1000),
                    keyId: context.principal?.keyId,
                    role: context.principal?.role,
                    code: context.errorCode,
                },
                'request',
            );
        });
        next();
    };
}

/** The whole REST API as an Express app, without listening: `server.ts` listens, tests use supertest. */
export function buildApp(deps: AppDeps): Express {
    const metrics = deps.metrics ?? new Metrics();
    const ledger = new MeteredLedger(deps.ledger, metrics);
    const routes: AnyRoute[] = allRoutes(deps);
    const document = openApiDocument(routes, API_VERSION);
    const idempotency = new Idempotency(deps.idempotencyStore, ledger, { lostAfterMs: deps.lostAfterMs });
    const now = deps.now ?? Date.now;
    const rateLimits =
        deps.rateLimits ?? ((_name: string, options: RateLimitOptions): RateLimit => new RateLimiter(options));
    const limiter = rateLimits('key', { ...(deps.rateLimit ?? { perSecond: 20, burst: 40 }), now });
    const ipLimiter = rateLimits('ip', { ...(deps.ipRateLimit ?? { perSecond: 100, burst: 200 }), now });
    const isReady = readiness(ledger, deps.logger, deps.readyCacheMs ?? 1000, now);

    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use(requestContext);
    app.use(observe(deps.logger, metrics));
    // liveness costs nothing and must answer while a client is being limited, so it comes before the limiter
    app.get('/healthz', (_req, res) => {
        contextOf(res).route = '/healthz';
        res.json({ status: 'ok' });
    });
    app.use(rateLimit(ipLimiter, metrics, (req) => `ip:${req.ip ?? 'unknown'}`, 'this client address'));
    if (deps.projections !== undefined) {
        const { projections } = deps;
        metrics.watchProjections(() => projections.statuses());
    }
    app.get('/readyz', async (_req, res) => {
        contextOf(res).route = '/readyz';
        const [ready, projections] = await Promise.all([isReady(), projectionProgress(deps.projections)]);
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', ...projections });
    });
    app.get('/metrics', async (_req, res) => {
        contextOf(res).route = '/metrics';
        const text = await metrics.render();
        res.type(metrics.contentType).send(text);
    });
    app.get('/openapi.json', (_req, res) => {
        contextOf(res).route = '/openapi.json';
        res.json(document);
    });
    app.use('/docs', docsRouter());

    const json = express.json({ limit: deps.bodyLimitBytes ?? 1024 * 1024, strict: true, verify: checkJsonBody });
    const locator = new TxLocator(ledger, {
        ...(deps.projections === undefined ? {} : { readModel: deps.projections }),
        onReadModelError: (error: unknown): void => {
            deps.logger.warn({ err: error }, 'read model could not locate evidence; asking the ledger');
        },
    });
    const routeDeps = { ledger, locator, idempotency, logger: deps.logger };
    const publicRoutes = routes.filter((route) => route.public === true);
    app.use(
        publicRoutes.map((route) => route.path),
        json,
    );
    mountRoutes(app, publicRoutes, routeDeps);
    // before authentication: a wrong method on a public path is 405 for everyone, not 401
    mountMethodNotAllowed(app, publicRoutes);

    app.use(
        consoleRouter({
            ...deps,
            api: new ConsoleApi(routes, ledger, locator, idempotency),
            now,
            options: deps.console ?? { idleMs: 30 * 60 * 1000, cookies: { secure: 'auto' } },
        }),
    );

    app.use('/v1', authenticate(deps));
    app.use(
        '/v1',
        rateLimit(limiter, metrics, (_req, res) => contextOf(res).principal?.keyId ?? 'anonymous', 'this API key'),
    );
    app.use('/v1', json);
    const guarded = routes.filter((route) => route.public !== true);
    mountRoutes(app, guarded, routeDeps);
    // a stream, not a JSON answer: outside the route table (docs/events.md "Server-Sent Events")
    app.get(EVENT_STREAM_PATH, eventStreamHandler(deps.readModels, deps.keys, deps.eventStream));
    mountMethodNotAllowed(app, guarded);

    app.use(() => {
        throw new ApiError(404, 'NOT_FOUND', 'no such endpoint');
    });
    app.use(errorHandler(deps.logger));
    return app;
}
