import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../http/errors';
import type { AnyRoute } from '../http/route';

type JsonSchema = Record<string, unknown>;

export const API_TITLE = 'Market procurement trade ledger API';

const COMPONENTS = '#/components/schemas/';

/**
 * Named schemas (zod `.meta({ id })`) of the document, shared by every operation that uses them. zod puts a named
 * schema into the `$defs` of each schema it converts; the document keeps one copy under `components/schemas`.
 */
class Components {
    readonly schemas: Record<string, JsonSchema> = {};

    add(id: string, schema: JsonSchema): void {
        const known = this.schemas[id];
        if (known !== undefined && !isDeepStrictEqual(known, schema)) {
            // e.g. a named schema used in a request and in a response where the two differ (defaults, coercion)
            throw new Error(`schema ${id} converts to two different JSON Schemas; name only one of them`);
        }
        this.schemas[id] = schema;
    }

    /** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema, its named parts referenced from components. */
    jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
        const generated = { ...(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema) };
        const defs = (generated.$defs ?? {}) as Record<string, JsonSchema>;
        delete generated.$schema;
        delete generated.$defs;
        for (const [id, def] of Object.entries(defs)) {
            if (id.startsWith('__schema')) {
                throw new Error(`an unnamed schema had to be extracted (a cycle?): give it .meta({ id })`);
            }
            this.add(id, toComponentRefs(def) as JsonSchema);
        }
        return toComponentRefs(generated) as JsonSchema;
    }
}

/** zod's `#/$defs/X` references, pointed at `#/components/schemas/X`. */
function toComponentRefs(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(toComponentRefs);
    }
    if (value !== null && typeof value === 'object') {
        return Object.fromEntries(
            Object.entries(value).map(([key, inner]) =>
                key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
                    ? [key, COMPONENTS + inner.slice('#/$defs/'.length)]
                    : [key, toComponentRefs(inner)],
            ),
        );
    }
    return value;
}

const ErrorBodySchema = z
    .object({
        error: z.object({
            code: z.string().describe('stable error code; each response lists the codes it may carry'),
            message: z.string(),
            requestId: z.string(),
            txId: z.string().optional().describe('ledger transaction concerned, when there is one'),
        }),
    })
    .meta({ id: 'ErrorBody' });

const STATUS_TEXT: Readonly<Record<number, string>> = {
    400: 'invalid request',
    401: 'missing, unknown or revoked API key',
    403: 'not allowed for this caller',
    404: 'no such record',
    409: 'conflicts with the ledger state or a request in progress',
    413: 'request body too large',
    415: 'request body is not application/json',
    422: 'breaks a domain rule, or reuses an Idempotency-Key for another request',
    429: 'rate limit exceeded',
    500: 'internal error',
    502: 'the ledger or CA refused the transaction',
    503: 'ledger or CA not reachable, or commit outcome unknown',
};

const RETRY_AFTER = {
    'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
};

/** The codes an operation may answer: derived from what the route is, plus what it declares. */
function errorCodes(route: AnyRoute): ErrorCode[] {
    const onLedger = (route.ledger ?? []).length > 0;
    const write = route.write === true;
    return [
        ...new Set<ErrorCode>([
            'INVALID',
            ...(route.public === true ? [] : (['UNAUTHENTICATED'] as const)),
            'RATE_LIMITED',
            'INTERNAL',
            ...(route.body ? (['MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) : []),
            // the gateway's role gate, or the chaincode's permission matrix
            ...(route.roles || onLedger ? (['FORBIDDEN'] as const) : []),
            ...(onLedger ? (['LEDGER_UNAVAILABLE'] as const) : []),
            ...(write ? (['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED'] as const) : []),
            ...(write && onLedger ? (['LEDGER_CONFLICT', 'LEDGER_REJECTED', 'COMMIT_UNKNOWN'] as const) : []),
            ...(route.errors ?? []),
        ]),
    ];
}

function errorResponse(status: number, codes: readonly ErrorCode[]): JsonSchema {
    const named = codes.filter((code) => code !== 'RULE_Vnn');
    const code = codes.includes('RULE_Vnn')
        ? { anyOf: [{ enum: named }, { type: 'string', pattern: '^RULE_V[0-9]{2}(_[A-Z][A-Z0-9_]*)?$' }] }
        : { enum: named };
    return {
        description: `${STATUS_TEXT[status] ?? 'error'}: ${codes.join(', ')}`,
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
        content: {
            'application/json': {
                schema: {
                    allOf: [
                        { $ref: `${COMPONENTS}ErrorBody` },
                        { type: 'object', properties: { error: { type: 'object', properties: { code } } } },
                    ],
                },
            },
        },
    };
}

function errorResponses(route: AnyRoute): Record<string, JsonSchema> {
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of errorCodes(route)) {
        const status = ERROR_STATUS[code];
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    const responses: Record<string, JsonSchema> = {
        // Node answers this itself, before the gateway sees the request
        431: { description: 'request headers too large (answered by the HTTP server, without a body)' },
    };
    for (const [status, codes] of byStatus) {
        responses[String(status)] = errorResponse(status, codes);
    }
    return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}

const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(route: AnyRoute, components: Components): JsonSchema[] {
    const list: JsonSchema[] = [];
    for (const [where, schema] of [
        ['path', route.params],
        ['query', route.query],
    ] as const) {
        const converted = schema ? components.jsonSchema(schema, 'input') : {};
        const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
        const required = (converted.required ?? []) as string[];
        for (const [name, property] of Object.entries(properties)) {
            list.push({
                name,
                in: where,
                required: where === 'path' || required.includes(name),
                schema: property,
                ...(typeof property.description === 'string' ? { description: property.description } : {}),
            });
        }
    }
    if (route.write) {
        list.push({
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            description: 'unique per intended write; a retry with the same key returns the first result',
            schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
        });
    }
    return list;
}

function operation(route: AnyRoute, components: Components): JsonSchema {
    const success = {
        description: 'success',
        ...(route.write
            ? {
                  headers: {
                      'Idempotent-Replayed': {
                          description: '`true` when this is the stored answer to an earlier request with the same key',
                          schema: { type: 'string', enum: ['true', 'false'] },
                      },
                  },
              }
            : {}),
        content: {
            [route.public === true ? 'application/json' : (route.mediaType ?? 'application/json')]: {
                schema: components.jsonSchema(route.response, 'output'),
            },
        },
    };
    return {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [route.tag],
        ...(route.roles ? { 'x-roles': [...route.roles] } : {}),
        'x-ledger-transactions': [...(route.ledger ?? [])],
        security: route.public === true ? [] : [{ apiKey: [] }],
        parameters: parameters(route, components),
        ...(route.body
            ? {
                  requestBody: {
                      required: true,
                      content: { 'application/json': { schema: components.jsonSchema(route.body, 'input') } },
                  },
              }
            : {}),
        responses: { [String(route.status ?? 200)]: success, ...errorResponses(route) },
    };
}

/** A `{status}` JSON body with one of `values`. */
const statusBody = (...values: string[]): JsonSchema => ({
    'application/json': {
        schema: {
            type: 'object',
            properties: { status: { type: 'string', enum: values } },
            required: ['status'],
        },
    },
});

const nullableInt = { type: ['integer', 'null'] };

/** /readyz: the status, and each org projection's progress when the gateway runs them. */
const readyBody = (value: string): JsonSchema => ({
    'application/json': {
        schema: {
            type: 'object',
            properties: {
                status: { type: 'string', enum: [value] },
                projections: {
                    type: 'array',
                    items: {
                        type: 'object',
                        properties: {
                            org: { type: 'string' },
                            state: {
                                type: 'string',
                                enum: ['starting', 'catching-up', 'following', 'failing', 'stopped'],
                            },
                            lastBlock: nullableInt,
                            peerHeight: nullableInt,
                            lagBlocks: nullableInt,
                        },
                        required: ['org', 'state', 'lastBlock', 'peerHeight', 'lagBlocks'],
                    },
                },
            },
            required: ['status'],
        },
    },
});

/** Operations the app serves outside the route table (no API key). */
const OPERATIONS_PATHS: Record<string, unknown> = {
    '/healthz': {
        get: {
            summary: 'The process is up',
            tags: ['operations'],
            responses: { 200: { description: 'ok', content: statusBody('ok') } },
        },
    },
    '/readyz': {
        get: {
            summary: 'Every org peer answers a query; how far each org read model has got',
            tags: ['operations'],
            responses: {
                200: { description: 'ready', content: readyBody('ready') },
                503: { description: 'not ready', content: readyBody('not ready') },
            },
        },
    },
    '/metrics': {
        get: {
            summary: 'Prometheus metrics',
            tags: ['operations'],
            responses: {
                200: { description: 'text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            },
        },
    },
    '/openapi.json': {
        get: {
            summary: 'This document',
            tags: ['operations'],
            responses: {
                200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
            },
        },
    },
    '/docs': {
        get: {
            summary: 'Interactive API documentation (Swagger UI)',
            tags: ['operations'],
            responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
        },
    },
};

/** The OpenAPI 3.1 document of the routes, generated from their zod schemas. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): JsonSchema {
    const components = new Components();
    // every error response refers to it
    components.jsonSchema(ErrorBodySchema, 'output');
    const paths: Record<string, Record<string, unknown>> = {
        ...(OPERATIONS_PATHS as Record<string, Record<string, unknown>>),
    };
    for (const route of routes) {
        const path = toOpenApiPath(route.path);
        paths[path] = { ...(paths[path] ?? {}), [route.method]: operation(route, components) };
    }
    return {
        openapi: '3.1.0',
        info: {
            title: API_TITLE,
            version,
            description:
                'REST gateway over the Hyperledger Fabric ledger for market procurement trade (customs mode 1039). ' +
                'Every write is signed with the caller’s own enrolled Fabric identity.',
        },
        servers: [{ url: '/' }],
        // viewers group operations by tag, in this order
        tags: [...new Set([...routes.map((route) => route.tag), 'operations'])].map((name) => ({ name })),
        components: {
            securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key from onboarding' } },
            schemas: components.schemas,
        },
        paths,
    };
}
