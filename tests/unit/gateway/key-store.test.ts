import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKeyStore, type NewKey } from '../../../gateway/src/auth/key-store';

const vendor: NewKey = { org: 'MarketOrg', username: 'vendor1', role: 'vendor', party: 'V-0001', createdBy: 'test' };
const agent: NewKey = { org: 'MarketOrg', username: 'agent1', role: 'agent', party: 'A-0001', createdBy: 'test' };

/** Two stores over one data dir: the live gateway and `gateway:bootstrap --rotate` beside it. */
describe('ApiKeyStore shared with another process', () => {
    let dataDir: string;
    let gateway: ApiKeyStore;
    let bootstrap: ApiKeyStore;

    beforeEach(() => {
        dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-keys-'));
        gateway = new ApiKeyStore(dataDir);
    });
    afterEach(() => {
        rmSync(dataDir, { recursive: true, force: true });
    });

    it('a key revoked elsewhere stops working at once, without a restart', () => {
        const { apiKey, record } = gateway.issue(vendor);
        expect(gateway.verify(apiKey)).toBeDefined();

        bootstrap = new ApiKeyStore(dataDir);
        bootstrap.revoke(record.keyId, 'rotated by bootstrap');

        expect(gateway.verify(apiKey)).toBeUndefined();
        expect(gateway.activeFor('MarketOrg', 'vendor1')).toEqual([]);
    });

    it('a key issued elsewhere works at once', () => {
        gateway.issue(agent); // the gateway has read the file before
        bootstrap = new ApiKeyStore(dataDir);
        const { apiKey } = bootstrap.issue(vendor);

        expect(gateway.verify(apiKey)).toMatchObject({ username: 'vendor1' });
    });

    it("the gateway's next change keeps the other writer's revocations and keys", () => {
        const { apiKey: oldKey, record: old } = gateway.issue(vendor);
        bootstrap = new ApiKeyStore(dataDir);
        bootstrap.revoke(old.keyId, 'rotated by bootstrap');
        const { apiKey: newKey } = bootstrap.issue(vendor);

        const { apiKey: agentKey } = gateway.issue(agent); // without re-reading, this wrote its stale map back

        const restarted = new ApiKeyStore(dataDir);
        expect(restarted.verify(oldKey)).toBeUndefined();
        expect(restarted.verify(newKey)).toMatchObject({ username: 'vendor1' });
        expect(restarted.verify(agentKey)).toMatchObject({ username: 'agent1' });
    });
});
