import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { packageFor } from '../../../network/src/chaincode';
import { Layout } from '../../../network/src/layout';
import { loadTopology } from '../../../network/src/topology';

const topology = loadTopology();
const freshLayout = (): Layout => new Layout(mkdtempSync(path.join(tmpdir(), 'mpt-package-')));

describe('chaincode-as-a-service packages', () => {
    it('the same code hash gives the same package ID, built twice in different places', async () => {
        const [market] = topology.peerOrgs;
        if (!market) {
            throw new Error('no org');
        }
        const first = await packageFor(freshLayout(), topology, market, 'abc123');
        const second = await packageFor(freshLayout(), topology, market, 'abc123');
        expect(first.packageId).toBe(second.packageId);
        expect(first.packageId).toMatch(/^mpt_abc123:[0-9a-f]{64}$/);
    });

    it("different code, or another org's chaincode server address, gives a different package ID", async () => {
        const [market, customs] = topology.peerOrgs;
        if (!market || !customs) {
            throw new Error('no orgs');
        }
        const layout = freshLayout();
        const base = await packageFor(layout, topology, market, 'abc123');
        expect((await packageFor(layout, topology, market, 'def456')).packageId).not.toBe(base.packageId);
        expect((await packageFor(layout, topology, customs, 'abc123')).packageId).not.toBe(base.packageId);
    });
});
