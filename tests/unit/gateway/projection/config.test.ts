import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../../gateway/src/config';

describe('read side configuration', () => {
    test('projects into SQLite files by default, into PostgreSQL when MPT_DATABASE_URL is set', () => {
        expect(loadConfig({ MPT_CONNECTION_PROFILE: __filename })).toMatchObject({
            projection: true,
            databaseUrl: undefined,
        });
        const url = 'postgres://mpt:s3cret@db.example:5432/mpt';
        expect(loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_DATABASE_URL: url }).databaseUrl).toBe(url);
        expect(loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_PROJECTION: 'off' }).projection).toBe(false);
    });

    test('a database URL that is not PostgreSQL is refused without echoing it (it may hold a password)', () => {
        let error: unknown;
        try {
            loadConfig({ MPT_CONNECTION_PROFILE: __filename, MPT_DATABASE_URL: 'mysql://root:hunter2@db/mpt' });
        } catch (caught) {
            error = caught;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual([
            'MPT_DATABASE_URL=(not shown): must be empty or a postgres:// URL',
        ]);
        expect((error as ConfigError).message).not.toContain('hunter2');
    });
});
