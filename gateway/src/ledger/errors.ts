/**
 * Failures of ledger calls, each with what the caller needs to decide what to do: a chaincode rejection (stable
 * code from the chaincode message), a commit the network refused, a commit whose outcome is unknown, or a network
 * that did not answer.
 */

import { CORRECTION_REFUSALS } from '../../../chaincode/src/vocabulary';

/**
 * Codes the chaincode puts at the start of every error message (chaincode/src/lib/errors.ts); a rule's code may name
 * its case after the rule (RULE_V31_RATE_MISSING, RULE_V11_SUPPLIER_NOT_QUALIFIED); corrections have their refusals.
 */
export const CHAINCODE_CODE = new RegExp(
    `^(INVALID|NOT_FOUND|CONFLICT|FORBIDDEN|PRECONDITION|RULE_V\\d{2,3}(?:_[A-Z][A-Z0-9_]*)?|${Object.keys(CORRECTION_REFUSALS).join('|')}):\\s*`,
);

export abstract class LedgerError extends Error {
    readonly txId: string | undefined;

    constructor(message: string, options: { txId?: string | undefined; cause?: unknown } = {}) {
        super(message, { cause: options.cause });
        this.name = new.target.name;
        this.txId = options.txId;
    }
}

/** The chaincode refused the transaction with a coded message (a client error). */
export class ChaincodeRejection extends LedgerError {
    constructor(
        readonly code: string,
        message: string,
        options: { txId?: string | undefined; cause?: unknown } = {},
    ) {
        super(message, options);
    }
}

/** Ordered but committed as invalid (e.g. MVCC conflict after the last retry, endorsement policy failure). */
export class CommitRejected extends LedgerError {
    constructor(
        readonly status: string,
        txId: string,
        readonly retryable: boolean,
    ) {
        super(`transaction ${txId} was committed as invalid: ${status}`, { txId });
    }
}

/** Submitted, but neither the commit status service nor the ledger could say whether it committed. */
export class CommitUnknown extends LedgerError {
    constructor(
        txId: string,
        /** The endorsed result, returned as the transaction's result if it turns out to have committed. */
        readonly payload: string,
        cause?: unknown,
    ) {
        super(`the outcome of transaction ${txId} is not known yet`, { txId, cause });
    }
}

/** The peer could not be reached or did not answer in time; nothing is known to have been written. */
export class LedgerUnavailable extends LedgerError {}

/** The ledger answered with an error that carries no chaincode code (a defect or misconfiguration). */
export class LedgerFailure extends LedgerError {}

/** Parses `CODE: message` out of an error text; undefined when the text carries no chaincode code. */
export function chaincodeRejection(
    text: string,
    options: { txId?: string | undefined; cause?: unknown } = {},
): ChaincodeRejection | undefined {
    const match = CHAINCODE_CODE.exec(text);
    if (match?.[1] === undefined) {
        return undefined;
    }
    return new ChaincodeRejection(match[1], text.slice(match[0].length), options);
}
