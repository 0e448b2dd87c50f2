import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import type { GatewayRole, Principal } from '../auth/principal';
import { IDEMPOTENCY_KEY, type Idempotency, type Reply, type Submitter } from '../idempotency/idempotent';
import type { Ledger, SubmitResult, TxRequest, TxStatus } from '../ledger/ledger';
import type { TxLocator } from '../ledger/tx-locator';
import { contextOf } from './context';
import { ApiError, type ErrorCode } from './errors';

export const EMPTY = z.strictObject({});
type Empty = typeof EMPTY;

/** The caller's view of the ledger inside a handler: reads and (write routes only) journalled submissions. */
export interface CallerLedger {
    evaluate(request: TxRequest): Promise<string>;
    /** Evaluates and parses the chaincode's JSON answer. */
    query(request: TxRequest): Promise<unknown>;
    submit(request: TxRequest): Promise<SubmitResult>;
    /**
     * Where each transaction was committed (absent when the caller's peer does not know it): from the caller's org's
     * read model or the statuses already looked up, else the ledger.
     */
    locate(txIds: readonly string[]): Promise<ReadonlyMap<string, TxStatus>>;
    /** Record ID derived from the caller and the Idempotency-Key (write routes only). */
    derivedId(prefix: string): string;
}

export interface HandlerInput<P, Q, B> {
    readonly params: P;
    readonly query: Q;
    readonly body: B;
    readonly principal: Principal;
    readonly ledger: CallerLedger;
    readonly requestId: string;
}

export interface RouteDef<
    PS extends z.ZodType = Empty,
    QS extends z.ZodType = Empty,
    BS extends z.ZodType = Empty,
    RS extends z.ZodType = z.ZodType,
> {
    readonly method: 'get' | 'post' | 'put' | 'delete';
    /** Express pattern, e.g. `/v1/documents/:sha256`. */
    readonly path: string;
    readonly operationId: string;
    readonly summary: string;
    readonly description?: string;
    readonly tag: string;
    /** Gateway-level gate for routes the chaincode does not guard (onboarding, keys); else the chaincode decides. */
    readonly roles?: readonly GatewayRole[];
    /**
     * Chaincode transactions (`Contract.Transaction`) the route may call as the caller; their permission rows
     * (docs/permissions.md) decide who may use it. Published in the OpenAPI document as `x-ledger-transactions`.
     */
    readonly ledger?: readonly string[];
    /** Writes need an Idempotency-Key and run at most once per key. */
    readonly write?: boolean;
    readonly params?: PS;
    readonly query?: QS;
    readonly body?: BS;
    readonly response: RS;
    /** Success status (default 200). */
    readonly status?: number;
    /** Media type of the success body when it is not plain `application/json` (e.g. `application/ld+json`). */
    readonly mediaType?: string;
    /**
     * What the idempotency store keeps and a retry gets instead of the response (default: the response itself);
     * used to keep one-time secrets such as a new API key off the disk.
     */
    readonly replayAs?: (body: z.output<RS>) => unknown;
    /**
     * Error codes the handler or its chaincode transactions may answer besides those the OpenAPI document derives
     * from the route itself (validation, authentication, rate limits, idempotency, body limits, FORBIDDEN for ledger
     * and role-gated routes, ledger availability and commit outcomes).
     */
    readonly errors?: readonly ErrorCode[];
    readonly public?: false;
    handle(input: HandlerInput<z.output<PS>, z.output<QS>, z.output<BS>>): Promise<z.input<RS>>;
}

/**
 * A route called without an API key (redeeming an enrolment code): no caller, no ledger, no Idempotency-Key. It must
 * be safe to call by anyone, as often as the per-IP rate limit allows.
 */
export interface PublicRouteDef<BS extends z.ZodType = Empty, RS extends z.ZodType = z.ZodType> extends Pick<
    RouteDef<Empty, Empty, BS, RS>,
    'method' | 'path' | 'operationId' | 'summary' | 'description' | 'tag' | 'body' | 'response' | 'status' | 'errors'
> {
    readonly public: true;
    readonly params?: undefined;
    readonly query?: undefined;
    readonly roles?: undefined;
    readonly ledger?: undefined;
    readonly write?: undefined;
    handle(input: { readonly body: z.output<BS>; readonly requestId: string }): Promise<z.input<RS>>;
}

/** A route with its types erased, as the app and the OpenAPI generator hold them. */
export type AnyRoute = RouteDef<z.ZodType, z.ZodType, z.ZodType> | PublicRouteDef<z.ZodType>;

/** Declares a route without authentication (see {@link PublicRouteDef}). */
export function definePublicRoute<BS extends z.ZodType = Empty, RS extends z.ZodType = z.ZodType>(
    route: Omit<PublicRouteDef<BS, RS>, 'public'>,
): AnyRoute {
    const publicRoute: PublicRouteDef<BS, RS> = { ...route, public: true };
    return publicRoute;
}

/** Declares a route; the schemas type the handler, validate the request and response, and make the OpenAPI. */
export function defineRoute<
    PS extends z.ZodType = Empty,
    QS extends z.ZodType = Empty,
    BS extends z.ZodType = Empty,
    RS extends z.ZodType = z.ZodType,
>(route: RouteDef<PS, QS, BS, RS>): AnyRoute {
    return route;
}

export interface RouteDeps {
    readonly ledger: Ledger;
    readonly locator: TxLocator;
    readonly idempotency: Idempotency;
    readonly logger: { error(obj: object, msg: string): void };
}

/** Validates one part of a request against its schema: 400 INVALID naming the first ten problems. */
export function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
    const result = (schema ?? EMPTY).safeParse(value ?? {});
    if (!result.success) {
        const detail = result.error.issues
            .slice(0, 10)
            .map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`)
            .join('; ');
        throw new ApiError(400, 'INVALID', detail);
    }
    return result.data;
}

/** The ledger as `principal` (signing with their own identity); writes only through `submitter`. */
export function callerLedger(
    ledger: Ledger,
    locator: TxLocator,
    principal: Principal,
    submitter: Submitter | undefined,
): CallerLedger {
    const noWrites = (): never => {
        throw new Error('this route is not a write route: declare `write: true` to submit');
    };
    return {
        evaluate: (request) => ledger.evaluate(principal.identity, request),
        query: async (request) => JSON.parse(await ledger.evaluate(principal.identity, request)) as unknown,
        submit: (request) => (submitter ? submitter.submit(request) : noWrites()),
        locate: (txIds) => locator.locate(principal.identity, txIds),
        derivedId: (prefix) => (submitter ? submitter.derivedId(prefix) : noWrites()),
    };
}

/**
 * The 403 for a role the route's gate leaves out, in English and Chinese. It names the operation and its method and
 * path rather than paraphrasing the summary: summaries are noun phrases as often as verbs ("The goods registry").
 */
export function roleRefused(route: AnyRoute, role: string): ApiError {
    const operation = `${route.operationId} (${route.method.toUpperCase()} ${route.path})`;
    return new ApiError(
        403,
        'FORBIDDEN',
        `role ${role} may not call ${operation} / 角色 ${role} 无权调用 ${operation}`,
    );
}

function checkRequest(route: AnyRoute, req: Request, principal: Principal | undefined): void {
    if (route.roles && principal && !route.roles.includes(principal.role)) {
        throw roleRefused(route, principal.role);
    }
    if (route.body && !req.is('application/json')) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the request body as application/json');
    }
}

/**
 * The handler's answer, checked against the route's response schema: a mismatch is our bug, never the caller's, so it
 * is logged; it is a 500 unless the request already committed a transaction, which is then acknowledged as it is
 * (a committed write answered 5xx would be retried into a CONFLICT).
 */
function answerOf(route: AnyRoute, answer: unknown, logger: RouteDeps['logger'], committed: boolean): Reply {
    const checked = route.response.safeParse(answer);
    if (!checked.success) {
        logger.error({ route: route.path, issues: checked.error.issues, committed }, 'response failed its schema');
        if (!committed) throw new ApiError(500, 'INTERNAL', 'internal error');
    }
    const body: unknown = checked.success ? checked.data : answer;
    return {
        status: route.status ?? 200,
        body,
        ...('replayAs' in route && route.replayAs ? { stored: route.replayAs(body) } : {}),
    };
}

/**
 * Mounts routes on a router: principal → role gate → validation → (idempotent) handler → response check. Public
 * routes skip the principal; mount them before the authentication middleware.
 */
export function mountRoutes(router: Express, routes: readonly AnyRoute[], deps: RouteDeps): void {
    for (const route of routes) {
        router[route.method](route.path, async (req: Request, res: Response) => {
            const context = contextOf(res);
            context.route = route.path;
            const principal = context.principal;
            if (route.public === true) {
                checkRequest(route, req, undefined);
                const body = parse(route.body, req.body, 'body');
                const answer = await route.handle({ body, requestId: context.requestId });
                const reply = answerOf(route, answer, deps.logger, false);
                res.status(reply.status).json(reply.body);
                return;
            }
            if (!principal) {
                throw new ApiError(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <API key>');
            }
            checkRequest(route, req, principal);
            const params = parse(route.params, req.params, 'params');
            const query = parse(route.query, req.query, 'query');
            const body = parse(route.body, req.body, 'body');
            const run = async (submitter?: Submitter): Promise<Reply> => {
                let committed = false;
                const counted: Submitter | undefined = submitter && {
                    derivedId: (prefix) => submitter.derivedId(prefix),
                    submit: async (request): Promise<SubmitResult> => {
                        const result = await submitter.submit(request);
                        committed = true;
                        return result;
                    },
                };
                const ledger = callerLedger(deps.ledger, deps.locator, principal, counted);
                const input = { params, query, body, principal, ledger, requestId: context.requestId };
                return answerOf(route, await route.handle(input), deps.logger, committed);
            };
            if (!route.write) {
                const reply = await run();
                if (route.mediaType !== undefined) res.type(route.mediaType);
                res.status(reply.status).json(reply.body);
                return;
            }
            const key = req.get('idempotency-key');
            if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
                throw new ApiError(400, 'INVALID', 'Idempotency-Key header required: 8..128 of A-Z a-z 0-9 . _ : -');
            }
            const reply = await deps.idempotency.run(
                principal,
                key,
                { method: route.method, path: req.path, body: req.body as unknown },
                run,
            );
            res.setHeader('idempotent-replayed', String(reply.replayed));
            res.status(reply.status).json(reply.body);
        });
    }
}

/**
 * Mounted after the routes: a URL the route table knows, asked with a method it does not have, answers 405 with
 * `Allow`. Several patterns can match one URL (`/v1/trades/bulk`, `/v1/trades/:tradeNo`), so every matching
 * pattern adds its methods (Express matches them, exactly as it matches the routes) and the last handler answers.
 */
export function mountMethodNotAllowed(router: Express, routes: readonly AnyRoute[]): void {
    const methodsByPath = new Map<string, Set<string>>();
    for (const route of routes) {
        const methods = methodsByPath.get(route.path) ?? new Set<string>();
        methods.add(route.method.toUpperCase());
        if (route.method === 'get') {
            methods.add('HEAD');
        }
        methodsByPath.set(route.path, methods);
    }
    for (const [path, methods] of methodsByPath) {
        router.all(path, (_req: Request, res: Response, next: () => void) => {
            const context = contextOf(res);
            context.route ??= path;
            context.allowed = [...(context.allowed ?? []), ...methods];
            next();
        });
    }
    router.use((req: Request, res: Response, next: () => void) => {
        const allowed = contextOf(res).allowed;
        if (allowed === undefined) {
            next();
            return;
        }
        const allow = [...new Set(allowed)].sort().join(', ');
        throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allow}`, {
            headers: { allow },
        });
    });
}
