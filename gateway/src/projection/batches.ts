/** Rows of one multi-row statement: well below SQLite's and PostgreSQL's bound-parameter limits at 20 columns. */
const BATCH_ROWS = 500;

/** `items` in runs of at most {@link BATCH_ROWS}, one multi-row statement each. */
export const chunks = <T>(items: readonly T[]): T[][] =>
    Array.from({ length: Math.ceil(items.length / BATCH_ROWS) }, (_, i) =>
        items.slice(i * BATCH_ROWS, (i + 1) * BATCH_ROWS),
    );
