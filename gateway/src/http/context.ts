import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../auth/principal';

/** Per-request state the gateway's middleware shares: request ID, authenticated caller, matched route. */
export interface RequestContext {
    readonly requestId: string;
    readonly started: bigint;
    principal?: Principal;
    /** The route pattern (e.g. `/v1/documents/:sha256`), used as a metric label instead of the raw URL. */
    route?: string;
    /** Methods the route table has for this URL, gathered when no route took the request's method (405). */
    allowed?: string[];
    errorCode?: string;
}

const contexts = new WeakMap<Response, RequestContext>();
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Takes the client's X-Request-Id when it is well-formed, else makes one; echoes it on the response. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
    const offered = req.get('x-request-id');
    const requestId = offered !== undefined && REQUEST_ID.test(offered) ? offered : randomUUID();
    contexts.set(res, { requestId, started: process.hrtime.bigint() });
    res.setHeader('x-request-id', requestId);
    next();
}

export function contextOf(res: Response): RequestContext {
    const context = contexts.get(res);
    if (!context) {
        const fresh: RequestContext = { requestId: randomUUID(), started: process.hrtime.bigint() };
        contexts.set(res, fresh);
        return fresh;
    }
    return context;
}
