import http from 'node:http';
import https from 'node:https';
import { GatewayError, GatewayUnreachable } from './errors';
import { OPERATIONS, type OperationId, type OperationInput, type OperationOutput } from './operations';

export interface ClientOptions {
    /** e.g. `http://127.0.0.1:3000`. */
    readonly baseUrl: string;
    /** Sent as `Authorization: Bearer <key>`; none for the one public operation (redeeming an enrolment code). */
    readonly apiKey?: string | undefined;
    /** Appended to the message of {@link GatewayUnreachable}: what to do when the gateway is not there. */
    readonly whenUnreachable?: string;
    /** How long a request may go without a byte of answer before it fails as unreachable (default 300 s). */
    readonly answerTimeoutMs?: number;
}

/** As long as `fetch` waited for an answer's headers. */
const DEFAULT_ANSWER_TIMEOUT_MS = 300_000;

export interface SendOptions {
    /** Sent as JSON. */
    readonly body?: unknown;
    /** Sent as it is, with its own content type (malformed JSON, text, bodies over the limit). */
    readonly raw?: { readonly text: string; readonly contentType: string };
    readonly idempotencyKey?: string;
}

/** An answer of any status: its JSON body (the text when it is not JSON) and its headers, names in lower case. */
export interface Answer {
    readonly status: number;
    readonly body: unknown;
    readonly headers: Readonly<Record<string, string>>;
}

/** `/openapi.json`: the paths, each with its operations by method. */
export interface OpenApiDocument {
    readonly paths: Readonly<Record<string, Readonly<Record<string, { readonly operationId?: string }>>>>;
}

/** What one call sends: the method, its headers (with the body's length) and the body. */
interface OutgoingCall {
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly body?: string;
}

function outgoingCall(apiKey: string | undefined, method: string, options: SendOptions): OutgoingCall {
    const headers: Record<string, string> = apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
    let body: string | undefined;
    if (options.raw !== undefined) {
        headers['content-type'] = options.raw.contentType;
        body = options.raw.text;
    } else if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
    }
    if (body !== undefined) {
        headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (options.idempotencyKey !== undefined) {
        headers['idempotency-key'] = options.idempotencyKey;
    }
    return { method: method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) };
}

/**
 * Connections kept open between calls, shared by every client in the process (idle ones do not keep it alive).
 * `node:http` rather than `fetch`: fetch's web streams cost the caller more CPU than the gateway spends answering a
 * small call (a /healthz round trip in one process: 0.73 ms of CPU with fetch, 0.27 ms without; tests/bench/README.md,
 * "Seventh round"), and a bench on the gateway's machine charges that to the gateway.
 */
const AGENTS = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * One HTTP exchange: the status, the headers (names in lower case, repeated ones joined) and the body as text. Fails
 * when the connection does, or when nothing arrives for `timeoutMs`.
 */
function exchange(
    url: URL,
    request: OutgoingCall,
    timeoutMs: number,
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const secure = url.protocol === 'https:';
    const options = { method: request.method, headers: request.headers, agent: secure ? AGENTS.https : AGENTS.http };
    return new Promise((resolve, reject) => {
        const outgoing = (secure ? https : http).request(url, options, (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('error', reject);
            incoming.on('end', () => {
                const headers: Record<string, string> = {};
                for (const [name, value] of Object.entries(incoming.headers)) {
                    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
                }
                resolve({ status: incoming.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
            });
        });
        outgoing.on('error', reject);
        outgoing.setTimeout(timeoutMs, () => {
            outgoing.destroy(new Error(`no answer within ${timeoutMs / 1000} s`));
        });
        outgoing.end(request.body);
    });
}

/** `/v1/documents/:sha256` with `{sha256}` filled in, each value URI-encoded, and the query's defined values. */
function pathOf(
    pattern: string,
    params: Record<string, unknown>,
    query: Record<string, string | number | boolean | undefined>,
): string {
    const path = pattern.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) =>
        encodeURIComponent(String(params[name])),
    );
    const search = new URLSearchParams(
        Object.entries(query).flatMap(([name, value]) =>
            value === undefined ? [] : [[name, String(value)] as [string, string]],
        ),
    ).toString();
    return search === '' ? path : `${path}?${search}`;
}

/**
 * The one HTTP client of the gateway, for everything that talks to it over HTTP (`mpt`, the seed loader, the
 * network tests, the bench). {@link call} is typed by the gateway's own zod schemas and throws {@link GatewayError}
 * on an error answer; {@link send} is any request, answered whatever its status.
 */
export class GatewayClient {
    readonly baseUrl: string;
    readonly apiKey: string | undefined;
    readonly #options: ClientOptions;

    constructor(options: ClientOptions) {
        this.baseUrl = options.baseUrl.replace(/\/+$/, '');
        this.apiKey = options.apiKey;
        this.#options = options;
    }

    /** The same gateway with another API key (or none). */
    as(apiKey: string | undefined): GatewayClient {
        return new GatewayClient({ ...this.#options, apiKey });
    }

    /** Any request; throws only when the gateway cannot be reached. */
    async send(method: string, pathAndQuery: string, options: SendOptions = {}): Promise<Answer> {
        let answer: Awaited<ReturnType<typeof exchange>>;
        try {
            answer = await exchange(
                new URL(`${this.baseUrl}${pathAndQuery}`),
                outgoingCall(this.apiKey, method, options),
                this.#options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS,
            );
        } catch (error) {
            throw new GatewayUnreachable(this.baseUrl, error, this.#options.whenUnreachable);
        }
        let body: unknown = answer.text;
        try {
            body = JSON.parse(answer.text) as unknown;
        } catch {
            // not JSON (metrics, the docs page, a bare 431): the text is the body
        }
        return { status: answer.status, body, headers: answer.headers };
    }

    /** One operation of {@link OPERATIONS} by its operationId; its success answer, or a {@link GatewayError}. */
    async call<Id extends OperationId>(operationId: Id, input: OperationInput<Id>): Promise<OperationOutput<Id>> {
        const spec = OPERATIONS[operationId];
        const {
            params = {},
            query = {},
            body,
            idempotencyKey,
        } = input as {
            params?: Record<string, unknown>;
            query?: Record<string, string | number | boolean | undefined>;
            body?: unknown;
            idempotencyKey?: string;
        };
        const answer = await this.send(spec.method, pathOf(spec.path, params, query), {
            ...(body === undefined ? {} : { body }),
            ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        });
        if (answer.status >= 300) {
            throw new GatewayError(answer.status, answer.body);
        }
        return answer.body as OperationOutput<Id>;
    }

    /** The gateway's OpenAPI document. */
    async openApi(): Promise<OpenApiDocument> {
        const answer = await this.send('get', '/openapi.json');
        if (answer.status !== 200) throw new GatewayError(answer.status, answer.body);
        return answer.body as OpenApiDocument;
    }

    /** `GET /readyz`: every org peer answers. */
    async ready(): Promise<boolean> {
        return (await this.send('get', '/readyz')).status === 200;
    }
}
