import { afterEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { ProjectionStatus } from '../../../../gateway/src/projection';
import { harness, type Harness } from '../harness';

const status = (org: string, overrides: Partial<ProjectionStatus> = {}): ProjectionStatus => ({
    org,
    state: 'following',
    lastBlock: 41,
    peerHeight: 45,
    lagBlocks: 3,
    transactions: 120,
    database: '/secret/path/MarketOrg.sqlite',
    ...overrides,
});

describe('projection progress on /readyz and /metrics', () => {
    let h: Harness | undefined;
    afterEach(() => {
        h?.cleanup();
    });

    test('/readyz lists each org projection with its lag, and never where its database is or why it fails', async () => {
        const statuses = [
            status('MarketOrg'),
            status('BankOrg', { state: 'failing', error: 'SQLITE_FULL: disk full' }),
        ];
        h = harness({
            projections: { statuses: () => Promise.resolve(statuses), blocksOf: () => Promise.resolve(new Map()) },
        });
        const res = await request(h.app).get('/readyz');

        expect(res.status).toBe(200);
        expect(res.body).toEqual({
            status: 'ready',
            projections: [
                { org: 'MarketOrg', state: 'following', lastBlock: 41, peerHeight: 45, lagBlocks: 3 },
                { org: 'BankOrg', state: 'failing', lastBlock: 41, peerHeight: 45, lagBlocks: 3 },
            ],
        });
    });

    test('/readyz stays 503 when the ledger is down, with the projections still reported', async () => {
        h = harness({
            projections: {
                statuses: () => Promise.resolve([status('MarketOrg', { peerHeight: null, lagBlocks: null })]),
                blocksOf: () => Promise.resolve(new Map()),
            },
        });
        h.ledger.down = true;
        const res = await request(h.app).get('/readyz');

        expect(res.status).toBe(503);
        expect(res.body).toEqual({
            status: 'not ready',
            projections: [{ org: 'MarketOrg', state: 'following', lastBlock: 41, peerHeight: null, lagBlocks: null }],
        });
    });

    test('/metrics has the last block, peer height, lag and failing state per org', async () => {
        const statuses = [status('MarketOrg'), status('BankOrg', { state: 'failing', lastBlock: null, lagBlocks: 45 })];
        h = harness({
            projections: { statuses: () => Promise.resolve(statuses), blocksOf: () => Promise.resolve(new Map()) },
        });
        const text = (await request(h.app).get('/metrics')).text;

        expect(text).toContain('mpt_projection_last_block{org="MarketOrg"} 41');
        expect(text).toContain('mpt_projection_last_block{org="BankOrg"} -1');
        expect(text).toContain('mpt_projection_peer_height{org="MarketOrg"} 45');
        expect(text).toContain('mpt_projection_lag_blocks{org="BankOrg"} 45');
        expect(text).toContain('mpt_projection_failing{org="BankOrg"} 1');
        expect(text).toContain('mpt_projection_failing{org="MarketOrg"} 0');
    });
});
