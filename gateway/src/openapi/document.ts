import { z } from 'zod';
import type { AnyRoute } from '../http/route';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema, without the `$schema` marker. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const generated = { ...(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema) };
    delete generated.$schema;
    return generated;
}

export const ErrorBodySchema = z
    .object({
        error: z.object({
            code: z
                .string()
                .describe('INVALID, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION, RULE_Vnn or a gateway code'),
            message: z.string(),
            requestId: z.string(),
            txId: z.string().optional().describe('ledger transaction concerned, when there is one'),
        }),
    })
    .meta({ id: 'ErrorBody' });

const STANDARD_ERRORS = [400, 401, 429, 500, 503];
const STATUS_TEXT: Readonly<Record<number, string>> = {
    400: 'invalid request (INVALID, MALFORMED_JSON)',
    401: 'missing or unknown API key (UNAUTHENTICATED)',
    403: 'not allowed for this caller (FORBIDDEN)',
    404: 'no such record (NOT_FOUND)',
    409: 'conflicts with the ledger state (CONFLICT, PRECONDITION, LEDGER_CONFLICT, IDEMPOTENCY_IN_PROGRESS)',
    413: 'request body too large (PAYLOAD_TOO_LARGE)',
    415: 'request body is not application/json (UNSUPPORTED_MEDIA_TYPE)',
    422: 'breaks a domain rule (RULE_Vnn) or reuses an Idempotency-Key (IDEMPOTENCY_KEY_REUSED)',
    429: 'rate limit exceeded (RATE_LIMITED)',
    500: 'internal error (INTERNAL)',
    502: 'the ledger or CA refused the transaction (LEDGER_REJECTED, CA_REJECTED)',
    503: 'ledger or CA not reachable, or commit outcome unknown (LEDGER_UNAVAILABLE, COMMIT_UNKNOWN)',
};

const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(route: AnyRoute): JsonSchema[] {
    const list: JsonSchema[] = [];
    for (const [where, schema] of [
        ['path', route.params],
        ['query', route.query],
    ] as const) {
        const properties = schema ? (jsonSchema(schema, 'input').properties as Record<string, JsonSchema>) : {};
        const required = schema ? ((jsonSchema(schema, 'input').required as string[] | undefined) ?? []) : [];
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

function operation(route: AnyRoute): JsonSchema {
    const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } };
    const statuses = [...new Set([...STANDARD_ERRORS, ...(route.errors ?? []), ...(route.body ? [413, 415] : [])])];
    const responses: Record<string, unknown> = {
        [String(route.status ?? 200)]: {
            description: 'success',
            content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
        },
    };
    for (const status of statuses.sort()) {
        responses[String(status)] = { description: STATUS_TEXT[status] ?? 'error', ...errorRef };
    }
    return {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [route.tag],
        ...(route.roles ? { 'x-roles': [...route.roles] } : {}),
        'x-ledger-transactions': [...(route.ledger ?? [])],
        security: route.public === true ? [] : [{ apiKey: [] }],
        parameters: parameters(route),
        ...(route.body
            ? {
                  requestBody: {
                      required: true,
                      content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
                  },
              }
            : {}),
        responses,
    };
}

/** Operations the app serves outside the route table (no API key). */
const OPERATIONS_PATHS: Record<string, unknown> = {
    '/healthz': {
        get: { summary: 'The process is up', tags: ['operations'], responses: { 200: { description: 'ok' } } },
    },
    '/readyz': {
        get: {
            summary: 'Every org peer answers a query',
            tags: ['operations'],
            responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
        },
    },
    '/metrics': {
        get: {
            summary: 'Prometheus metrics',
            tags: ['operations'],
            responses: { 200: { description: 'text format' } },
        },
    },
    '/openapi.json': {
        get: { summary: 'This document', tags: ['operations'], responses: { 200: { description: 'OpenAPI 3.1' } } },
    },
    '/docs': {
        get: { summary: 'API documentation page', tags: ['operations'], responses: { 200: { description: 'HTML' } } },
    },
};

/** The OpenAPI 3.1 document of the routes, generated from their zod schemas. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): JsonSchema {
    const paths: Record<string, Record<string, unknown>> = {
        ...(OPERATIONS_PATHS as Record<string, Record<string, unknown>>),
    };
    for (const route of routes) {
        const path = toOpenApiPath(route.path);
        paths[path] = { ...(paths[path] ?? {}), [route.method]: operation(route) };
    }
    return {
        openapi: '3.1.0',
        info: {
            title: 'Market procurement trade ledger API',
            version,
            description:
                'REST gateway over the Hyperledger Fabric ledger for market procurement trade (customs mode 1039). ' +
                'Every write is signed with the caller’s own enrolled Fabric identity.',
        },
        servers: [{ url: '/' }],
        components: {
            securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key from onboarding' } },
            schemas: { ErrorBody: jsonSchema(ErrorBodySchema, 'output') },
        },
        paths,
    };
}
