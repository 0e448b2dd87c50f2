/**
 * The text rule for names, remarks and reasons, one definition for the chaincode and the gateway (which imports
 * this file, so it imports nothing itself). Any language and punctuation pass; what never does is what no name
 * or remark needs and what only ever reaches the ledger to harm or mislead whoever displays it: C0 and C1
 * controls (NUL, ESC sequences), markup brackets, bidirectional marks, overrides and isolates (text that reads
 * differently from what it holds), zero-width and invisible characters, soft hyphens, tag characters and the BOM
 * (invisible differences between names), line and paragraph separators, and lone surrogates (not text at all).
 */
export const HUMAN_TEXT =
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    /^[^\u0000-\u001f\u007f-\u009f\u00ad<>\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff\u{e0000}-\u{e007f}]*$/u;

export const HUMAN_TEXT_HINT =
    'must not contain control, zero-width or bidirectional-control characters, line separators, lone surrogates or < >';

/** Deepest nesting accepted in free-form JSON (risk-flag evidence): deeper only serves to exhaust a stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * The first problem in a free-form JSON value, or undefined: a string (or key) that breaks {@link HUMAN_TEXT},
 * or nesting deeper than `maxDepth`. Walks with an explicit stack, so a deep value cannot overflow it.
 */
export function jsonTextProblem(value: unknown, path: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
    const pending: { value: unknown; path: string; depth: number }[] = [{ value, path, depth: 0 }];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
        if (typeof next.value === 'string') {
            if (!HUMAN_TEXT.test(next.value)) return `${next.path} ${HUMAN_TEXT_HINT}`;
        } else if (next.value !== null && typeof next.value === 'object') {
            if (next.depth >= maxDepth) return `${next.path} is nested deeper than ${maxDepth} levels`;
            for (const [key, inner] of Object.entries(next.value)) {
                if (!HUMAN_TEXT.test(key)) return `${next.path} has a key that ${HUMAN_TEXT_HINT}`;
                pending.push({ value: inner, path: `${next.path}.${key}`, depth: next.depth + 1 });
            }
        }
    }
    return undefined;
}
