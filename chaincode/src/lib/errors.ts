import type { CorrectionRefusal } from '../vocabulary';

/**
 * Only `error.message` crosses the wire from chaincode to client, so every error message starts with a
 * stable code that the gateway maps to an HTTP status.
 */
export type ErrorCode =
    'INVALID' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'PRECONDITION' | `RULE_V${string}` | CorrectionRefusal;

export class ChaincodeError extends Error {
    readonly code: ErrorCode;

    constructor(code: ErrorCode, message: string) {
        super(`${code}: ${message}`);
        this.name = 'ChaincodeError';
        this.code = code;
    }
}

export const invalid = (message: string): ChaincodeError => new ChaincodeError('INVALID', message);
export const notFound = (message: string): ChaincodeError => new ChaincodeError('NOT_FOUND', message);
export const conflict = (message: string): ChaincodeError => new ChaincodeError('CONFLICT', message);
export const forbidden = (message: string): ChaincodeError => new ChaincodeError('FORBIDDEN', message);
export const precondition = (message: string): ChaincodeError => new ChaincodeError('PRECONDITION', message);
export const ruleViolation = (rule: `V${string}`, message: string): ChaincodeError =>
    new ChaincodeError(`RULE_${rule}`, message);
/** A correction (amend, void, withdraw) the record's state no longer allows; the code says why (vocabulary.ts). */
export const refused = (code: CorrectionRefusal, message: string): ChaincodeError => new ChaincodeError(code, message);
