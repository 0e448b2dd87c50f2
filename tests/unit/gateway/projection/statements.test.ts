import { afterEach, describe, expect, test } from '@jest/globals';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { executeShaped, rowParameters } from '../../../../gateway/src/projection/shapes';
import { withPreparedStatements } from '../../../../gateway/src/projection/statements';

/** The projector's statement caches: SQLite statements per SQL text, Kysely's SQL per statement shape. */

interface Table {
    t: { a: string; b: string; c: number };
}

const opened: { close: () => void }[] = [];
afterEach(() => {
    for (const handle of opened.splice(0)) handle.close();
});

describe('prepared statements per SQL text', () => {
    test('the same SQL gets the same statement, except one still iterating: that query gets a fresh one', () => {
        const database = withPreparedStatements(new SqliteDatabase(':memory:'));
        opened.push(database);
        database.prepare('create table t (n integer)').run([]);
        database.prepare('insert into t values (1), (2), (3)').run([]);
        const select = database.prepare('select n from t order by n');
        expect(database.prepare('select n from t order by n')).toBe(select);

        const iterating = select.iterate([]);
        expect(iterating.next().value).toEqual({ n: 1 });
        const meanwhile = database.prepare('select n from t order by n');
        expect(meanwhile).not.toBe(select);
        expect(meanwhile.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect([...iterating]).toEqual([{ n: 2 }, { n: 3 }]);
    });
});

describe('multi-row statements compiled once per shape', () => {
    async function table(): Promise<Kysely<Table>> {
        const db = new Kysely<Table>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
        opened.push({ close: () => void db.destroy() });
        await sql`create table t (a text primary key, b text not null, c integer not null)`.execute(db);
        return db;
    }
    const rows = (db: Kysely<Table>): Promise<Table['t'][]> => db.selectFrom('t').selectAll().orderBy('a').execute();

    test('a later statement of the same shape runs the first one’s SQL with its own values', async () => {
        const db = await table();
        const insert = (values: Table['t'][]): Promise<void> =>
            executeShaped(
                db,
                'insert t (a,b,c) 2',
                () => db.insertInto('t').values(values),
                rowParameters(values, ['a', 'b', 'c']) ?? [],
            );
        await insert([
            { a: '1', b: 'p', c: 1 },
            { a: '2', b: 'q', c: 2 },
        ]);
        await insert([
            { a: '3', b: 'r', c: 3 },
            { a: '4', b: 's', c: 4 },
        ]);
        expect(await rows(db)).toEqual([
            { a: '1', b: 'p', c: 1 },
            { a: '2', b: 'q', c: 2 },
            { a: '3', b: 'r', c: 3 },
            { a: '4', b: 's', c: 4 },
        ]);
    });

    test('a shape whose parameters differ from what Kysely compiled is never reused: values cannot change columns', async () => {
        const db = await table();
        const value = { a: '5', b: 't', c: 5 };
        await executeShaped(db, 'insert t misordered', () => db.insertInto('t').values(value), [5, 't', '5']);
        const next = { a: '6', b: 'u', c: 6 };
        // were the shape kept, these parameters would write the row as given here
        await executeShaped(db, 'insert t misordered', () => db.insertInto('t').values(next), ['x', 'y', 0]);
        expect(await rows(db)).toEqual([value, next]);
    });

    test('rows with other columns than the shape’s have no parameters of that shape', () => {
        expect(rowParameters([{ a: '1', b: 'p', c: 1 }], ['a', 'b', 'c'])).toEqual(['1', 'p', 1]);
        expect(rowParameters([{ a: '1', b: 'p' }], ['a', 'b', 'c'])).toBeUndefined();
        expect(rowParameters([{ a: '1', b: 'p', d: 1 }], ['a', 'b', 'c'])).toBeUndefined();
    });
});
