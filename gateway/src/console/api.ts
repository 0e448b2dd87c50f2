import type { Principal } from '../auth/principal';
import { callerLedger, parse, roleRefused, type AnyRoute } from '../http/route';
import type { Idempotency } from '../idempotency/idempotent';
import type { Ledger } from '../ledger/ledger';
import { TxLocator } from '../ledger/tx-locator';

/** Who calls, and the request the call belongs to (its ID goes into the logs of the routes). */
export interface Caller {
    readonly principal: Principal;
    readonly requestId: string;
}

export interface CallInput {
    readonly params?: Record<string, string>;
    readonly query?: Record<string, string>;
    readonly body?: unknown;
}

/**
 * The REST API's operations, called in-process as the signed-in person: the same route definitions, request
 * schemas, handlers and response schemas, and the caller's own identity for every ledger call (no loopback HTTP, no
 * privileged identity). Errors are thrown as the API would answer them.
 */
export class ConsoleApi {
    readonly #routes: ReadonlyMap<string, AnyRoute>;

    constructor(
        routes: readonly AnyRoute[],
        readonly ledger: Ledger,
        readonly locator = new TxLocator(ledger),
        readonly idempotency?: Idempotency,
    ) {
        this.#routes = new Map(routes.map((route) => [route.operationId, route]));
    }

    async read(operationId: string, { principal, requestId }: Caller, input: CallInput = {}): Promise<unknown> {
        const route = this.#route(operationId, false, principal);
        const answer = await route.handle({
            params: parse(route.params, input.params, 'params'),
            query: parse(route.query, input.query, 'query'),
            body: parse(route.body, input.body, 'body'),
            principal,
            ledger: callerLedger(this.ledger, this.locator, principal, undefined),
            requestId,
        });
        return route.response.parse(answer);
    }

    /**
     * A write operation of the API as the signed-in person, run at most once per `idempotencyKey` exactly as
     * `POST /v1/...` with that `Idempotency-Key` (a form carries its own key, so a double submit registers once).
     */
    async write(
        operationId: string,
        { principal, requestId }: Caller,
        idempotencyKey: string,
        input: CallInput = {},
    ): Promise<unknown> {
        const route = this.#route(operationId, true, principal);
        if (this.idempotency === undefined) throw new Error('the console was built without the idempotency journal');
        const params = parse(route.params, input.params, 'params');
        const query = parse(route.query, input.query, 'query');
        const body = parse(route.body, input.body, 'body');
        // the request as the API would have received it, so a key reused for another record is refused as there
        const path = route.path.replace(/:(\w+)/g, (_all, name: string) => input.params?.[name] ?? '');
        const reply = await this.idempotency.run(
            principal,
            idempotencyKey,
            { method: route.method, path, body: input.body ?? {} },
            async (submitter) => {
                const ledger = callerLedger(this.ledger, this.locator, principal, submitter);
                const answer = await route.handle({ params, query, body, principal, ledger, requestId });
                return { status: route.status ?? 200, body: route.response.parse(answer) };
            },
        );
        return reply.body;
    }

    #route(operationId: string, write: boolean, principal: Principal): Exclude<AnyRoute, { public: true }> {
        const route = this.#routes.get(operationId);
        if (route === undefined || route.public === true || (route.write === true) !== write) {
            throw new Error(`${operationId} is not a ${write ? 'write' : 'read'} operation of the API`);
        }
        if (route.roles && !route.roles.includes(principal.role)) {
            throw roleRefused(route, principal.role);
        }
        return route;
    }

    /** Where a transaction was committed, as the caller's peer knows it. */
    txStatus(principal: Principal, txId: string): ReturnType<Ledger['status']> {
        return this.ledger.status(principal.identity, txId);
    }
}
