import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { orgConnection, parseConnectionProfile, readConnectionProfile } from '../../../network/client';
import { connectionProfile } from '../../../network/src/connection';
import { Layout } from '../../../network/src/layout';
import { loadTopology } from '../../../network/src/topology';

const fourOrgs = loadTopology(path.join(__dirname, '..', '..', 'network', 'fixtures', 'four-orgs.yaml'));
const layout = new Layout('/state');
const dir = mkdtempSync(path.join(tmpdir(), 'mpt-connection-'));

function write(value: unknown): string {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
}

describe('connection profile', () => {
    it("names every org's peer, CA and wallet from the topology, and reads back as written", () => {
        const profile = connectionProfile(layout, fourOrgs);
        expect(
            profile.orgs.map(({ org, mspId, peerEndpoint, caUrl }) => ({ org, mspId, peerEndpoint, caUrl })),
        ).toEqual(
            fourOrgs.peerOrgs.map((org) => ({
                org: org.name,
                mspId: org.mspId,
                peerEndpoint: `${org.host}:${org.peerPort}`,
                caUrl: `https://${org.host}:${org.caPort}`,
            })),
        );
        expect(orgConnection(profile, 'Bank2OrgMSP')).toMatchObject({
            peerHostAlias: 'peer0.bank2.trade.test',
            peerTlsCaFile: '/state/crypto/peerOrganizations/bank2.trade.test/tlsca/tlsca.bank2.trade.test-cert.pem',
            caTlsCaFile: '/state/crypto/peerOrganizations/bank2.trade.test/ca/ca.bank2.trade.test-cert.pem',
            walletDir: '/state/users/Bank2Org',
        });
        expect(readConnectionProfile(write(profile))).toEqual(profile);
    });

    it('a missing or malformed field is refused, naming the file and the field', () => {
        const profile = connectionProfile(layout, fourOrgs);
        const [first, ...rest] = profile.orgs;
        if (!first) throw new Error('no org');
        const broken: Record<string, unknown> = { ...first, peerEndpoint: 'no port' };
        delete broken.walletDir;
        const file = write({ ...profile, orgs: [broken, ...rest] });
        const read = (): unknown => readConnectionProfile(file);
        expect(read).toThrow(`invalid connection profile ${file}:`);
        expect(read).toThrow(/orgs\.0\.peerEndpoint: .*host:port/);
        expect(read).toThrow(/orgs\.0\.walletDir: /);
    });

    it('refuses a file that is not JSON, or absent, naming it', () => {
        const notJson = write('{"channel": ');
        expect(() => readConnectionProfile(notJson)).toThrow(`invalid connection profile ${notJson}: not JSON`);
        const absent = path.join(dir, 'absent.json');
        expect(() => readConnectionProfile(absent)).toThrow(`cannot read connection profile ${absent}`);
    });

    it('refuses fields it does not know, a CA without TLS and a profile without orgs', () => {
        const profile = connectionProfile(layout, fourOrgs);
        const [first] = profile.orgs;
        if (!first) throw new Error('no org');
        expect(() => parseConnectionProfile({ ...profile, chaincodes: ['mpt'] }, 'x.json')).toThrow(/\(root\): /);
        expect(() =>
            parseConnectionProfile({ ...profile, orgs: [{ ...first, caUrl: 'http://127.0.0.1:7054' }] }, 'x.json'),
        ).toThrow('orgs.0.caUrl');
        expect(() => parseConnectionProfile({ ...profile, orgs: [] }, 'x.json')).toThrow('orgs: ');
    });
});
