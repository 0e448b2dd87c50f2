import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { CaRejected, CaUnavailable, CertificateAuthorityError, UsernameTaken } from '../auth/errors';
import { IdempotencyError, IdempotencyInProgress } from '../idempotency/errors';
import { ChaincodeRejection, CommitRejected, CommitUnknown, LedgerError, LedgerUnavailable } from '../ledger/errors';
import type { Logger } from '../ops/logger';
import { contextOf } from './context';
import { CORRECTION_REFUSALS, type CorrectionRefusal } from '../../../chaincode/src/vocabulary';

/** A refused correction (amend, void, withdraw) is a conflict with the record's state, like PRECONDITION. */
const REFUSED_CORRECTION = Object.fromEntries(Object.keys(CORRECTION_REFUSALS).map((code) => [code, 409])) as Record<
    CorrectionRefusal,
    409
>;

/** An error meant for the API client: HTTP status, stable code, a message safe to show, optional ledger txId. */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly extra: { readonly txId?: string | undefined; readonly headers?: Record<string, string> } = {},
    ) {
        super(message);
        this.name = 'ApiError';
    }
}

/**
 * Every error code the API answers, with its HTTP status (gateway/README.md "Errors"). `RULE_Vnn` stands for each
 * domain rule's code (RULE_V05, ...). The OpenAPI document lists, per operation and status, the codes it may answer.
 */
export const ERROR_STATUS = {
    INVALID: 400,
    MALFORMED_JSON: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    CONFLICT: 409,
    PRECONDITION: 409,
    LEDGER_CONFLICT: 409,
    IDEMPOTENCY_IN_PROGRESS: 409,
    ...REFUSED_CORRECTION,
    PAYLOAD_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    RULE_Vnn: 422,
    IDEMPOTENCY_KEY_REUSED: 422,
    RATE_LIMITED: 429,
    INTERNAL: 500,
    LEDGER_REJECTED: 502,
    CA_REJECTED: 502,
    LEDGER_UNAVAILABLE: 503,
    CA_UNAVAILABLE: 503,
    COMMIT_UNKNOWN: 503,
    READ_MODEL_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * HTTP status of each chaincode code. PRECONDITION is 409: the request is valid but the current state of the
 * ledger (a party not ACTIVE, a trade in the wrong status) does not allow it yet; RULE_Vnn is 422: the request
 * itself breaks a domain rule and will fail whatever the state.
 */
export const CHAINCODE_STATUS: Readonly<Record<string, number>> = {
    INVALID: ERROR_STATUS.INVALID,
    FORBIDDEN: ERROR_STATUS.FORBIDDEN,
    NOT_FOUND: ERROR_STATUS.NOT_FOUND,
    CONFLICT: ERROR_STATUS.CONFLICT,
    PRECONDITION: ERROR_STATUS.PRECONDITION,
    ...REFUSED_CORRECTION,
};
const RULE_STATUS = ERROR_STATUS.RULE_Vnn;

function fromLedger(error: LedgerError): ApiError {
    if (error instanceof ChaincodeRejection) {
        const status = error.code.startsWith('RULE_') ? RULE_STATUS : (CHAINCODE_STATUS[error.code] ?? 500);
        return status >= 500
            ? new ApiError(500, 'INTERNAL', 'internal error')
            : new ApiError(status, error.code, error.message);
    }
    if (error instanceof CommitRejected) {
        return error.retryable
            ? new ApiError(409, 'LEDGER_CONFLICT', 'the records changed concurrently; retry the request', {
                  txId: error.txId,
              })
            : new ApiError(502, 'LEDGER_REJECTED', 'the ledger did not accept the transaction', { txId: error.txId });
    }
    if (error instanceof CommitUnknown) {
        return new ApiError(
            503,
            'COMMIT_UNKNOWN',
            'the transaction was submitted but its outcome is not known yet; retry with the same Idempotency-Key',
            { txId: error.txId, headers: { 'retry-after': '5' } },
        );
    }
    if (error instanceof LedgerUnavailable) {
        return new ApiError(503, 'LEDGER_UNAVAILABLE', 'the ledger is not reachable; retry later', {
            headers: { 'retry-after': '5' },
        });
    }
    return new ApiError(500, 'INTERNAL', 'internal error');
}

function fromCertificateAuthority(error: CertificateAuthorityError): ApiError {
    if (error instanceof UsernameTaken) {
        return new ApiError(ERROR_STATUS.CONFLICT, 'CONFLICT', error.message);
    }
    if (error instanceof CaRejected) {
        return new ApiError(ERROR_STATUS.CA_REJECTED, 'CA_REJECTED', error.message);
    }
    if (error instanceof CaUnavailable) {
        return new ApiError(ERROR_STATUS.CA_UNAVAILABLE, 'CA_UNAVAILABLE', error.message);
    }
    return new ApiError(ERROR_STATUS.INVALID, 'INVALID', error.message);
}

function fromIdempotency(error: IdempotencyError): ApiError {
    return error instanceof IdempotencyInProgress
        ? new ApiError(ERROR_STATUS.IDEMPOTENCY_IN_PROGRESS, 'IDEMPOTENCY_IN_PROGRESS', error.message)
        : new ApiError(ERROR_STATUS.IDEMPOTENCY_KEY_REUSED, 'IDEMPOTENCY_KEY_REUSED', error.message);
}

function describeZod(error: ZodError): string {
    return error.issues
        .slice(0, 10)
        .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
        .join('; ');
}

/** body-parser's errors carry `type` and `status`. */
function fromBodyParser(error: { type?: unknown; status?: unknown }): ApiError | undefined {
    switch (error.type) {
        case 'entity.parse.failed':
            return new ApiError(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
        case 'entity.too.large':
            return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
        case 'encoding.unsupported':
        case 'charset.unsupported':
            return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body encoding is not supported');
        default:
            return typeof error.status === 'number' && error.status >= 400 && error.status < 500
                ? new ApiError(error.status, 'INVALID', 'the request could not be read')
                : undefined;
    }
}

/** The one mapping from anything thrown to an {@link ApiError}. */
export function toApiError(error: unknown): ApiError {
    if (error instanceof ApiError) {
        return error;
    }
    if (error instanceof ZodError) {
        return new ApiError(400, 'INVALID', describeZod(error));
    }
    if (error instanceof LedgerError) {
        return fromLedger(error);
    }
    if (error instanceof CertificateAuthorityError) {
        return fromCertificateAuthority(error);
    }
    if (error instanceof IdempotencyError) {
        return fromIdempotency(error);
    }
    if (error !== null && typeof error === 'object') {
        const parsed = fromBodyParser(error);
        if (parsed) {
            return parsed;
        }
    }
    return new ApiError(500, 'INTERNAL', 'internal error');
}

export interface ErrorBody {
    error: { code: string; message: string; requestId: string; txId?: string };
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
    return {
        error: {
            code: error.code,
            message: error.message,
            requestId,
            ...(error.extra.txId === undefined ? {} : { txId: error.extra.txId }),
        },
    };
}

/** Express's one error middleware: maps, logs 5xx with the cause (server side only), answers the error body. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
    return (error: unknown, req, res, next) => {
        if (res.headersSent) {
            next(error);
            return;
        }
        const apiError = toApiError(error);
        const context = contextOf(res);
        if (apiError.status >= 500) {
            logger.error({ err: error, requestId: context.requestId, code: apiError.code }, 'request failed');
        }
        context.errorCode = apiError.code;
        for (const [name, value] of Object.entries(apiError.extra.headers ?? {})) {
            res.setHeader(name, value);
        }
        res.status(apiError.status).json(errorBody(apiError, context.requestId));
    };
}
