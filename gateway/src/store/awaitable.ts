/**
 * What a state store answers: the file and in-memory stores answer at once, the PostgreSQL ones with a promise.
 * Callers always `await` it, so either store fits.
 */
export type Awaitable<T> = T | Promise<T>;
