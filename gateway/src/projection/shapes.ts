import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** The SQL of each statement shape, per dialect adapter (one per Kysely instance); null: a shape never reused. */
const compiledShapes = new WeakMap<object, Map<string, string | null>>();

/**
 * Runs a statement whose SQL depends only on its shape (the table, its columns, how many rows): the first of a shape
 * is built and compiled by Kysely, later ones run its SQL with their own parameters, so a catch-up does not build and
 * compile the same multi-row INSERT thousands of times. A shape is kept only when `parameters` equal, in order, the
 * ones Kysely compiled for it: values can never land in another column.
 */
export async function executeShaped<DB>(
    db: Kysely<DB>,
    shape: string,
    build: () => Compilable,
    parameters: readonly unknown[],
): Promise<void> {
    const { adapter } = db.getExecutor();
    let shapes = compiledShapes.get(adapter);
    if (shapes === undefined) {
        shapes = new Map();
        compiledShapes.set(adapter, shapes);
    }
    const sql = shapes.get(shape);
    if (typeof sql === 'string') {
        await db.executeQuery(CompiledQuery.raw(sql, [...parameters]));
        return;
    }
    const compiled = build().compile();
    if (sql === undefined) {
        const same =
            compiled.parameters.length === parameters.length &&
            compiled.parameters.every((value, i) => value === parameters[i]);
        shapes.set(shape, same ? compiled.sql : null);
    }
    await db.executeQuery(compiled);
}

/**
 * The parameters of a multi-row INSERT of `rows` in `columns` order, row after row (Kysely's order); undefined when a
 * row has other columns than `columns` (Kysely would write DEFAULT for a missing one: another shape).
 */
export function rowParameters(
    rows: readonly Readonly<Record<string, unknown>>[],
    columns: readonly string[],
): unknown[] | undefined {
    const parameters: unknown[] = [];
    for (const row of rows) {
        if (Object.keys(row).length !== columns.length) return undefined;
        for (const column of columns) {
            const value = row[column];
            if (value === undefined) return undefined;
            parameters.push(value);
        }
    }
    return parameters;
}
