/**
 * Why a write cannot run under its Idempotency-Key; `http/errors.ts` is the one place that decides what each answers
 * over HTTP.
 */
export abstract class IdempotencyError extends Error {
    constructor(message: string) {
        super(message);
        this.name = new.target.name;
    }
}

/** A request with the same caller and key is running now. */
export class IdempotencyInProgress extends IdempotencyError {
    constructor() {
        super('a request with this Idempotency-Key is in progress');
    }
}

/** The caller used the key before for another request (method, path or body). */
export class IdempotencyKeyReused extends IdempotencyError {
    constructor() {
        super('this Idempotency-Key was used for another request');
    }
}
