import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Layout } from './layout';
import { caName, caUrl } from './nodes';
import { peerAddress, peerName, type Topology } from './topology';

/** Everything a client needs to reach one organisation, generated from the topology. */
export interface OrgConnection {
    readonly org: string;
    readonly mspId: string;
    readonly peerEndpoint: string;
    /** The name in the peer's TLS certificate, used when the endpoint is an IP address. */
    readonly peerHostAlias: string;
    readonly peerTlsCaFile: string;
    readonly caUrl: string;
    readonly caName: string;
    readonly caTlsCaFile: string;
    /** Wallet with this org's enrolled users (registrar and demo users). */
    readonly walletDir: string;
}

export interface ConnectionProfile {
    readonly channel: string;
    readonly chaincode: string;
    readonly orgs: readonly OrgConnection[];
}

export function connectionProfile(layout: Layout, topology: Topology): ConnectionProfile {
    return {
        channel: topology.channel,
        chaincode: topology.chaincode.name,
        orgs: topology.peerOrgs.map((org) => ({
            org: org.name,
            mspId: org.mspId,
            peerEndpoint: peerAddress(org),
            peerHostAlias: peerName(org),
            peerTlsCaFile: layout.peerTlsCa(org),
            caUrl: caUrl(org),
            caName: caName(org),
            caTlsCaFile: layout.orgCaCert(org),
            walletDir: layout.usersDir(org),
        })),
    };
}

export const connectionProfileFile = (layout: Layout): string => path.join(layout.root, 'connection.json');

export function writeConnectionProfile(layout: Layout, topology: Topology): void {
    writeFileSync(connectionProfileFile(layout), JSON.stringify(connectionProfile(layout, topology), null, 2));
}

export function readConnectionProfile(file: string): ConnectionProfile {
    return JSON.parse(readFileSync(file, 'utf8')) as ConnectionProfile;
}

export function orgConnection(profile: ConnectionProfile, org: string): OrgConnection {
    const found = profile.orgs.find((entry) => entry.org === org || entry.mspId === org);
    if (!found) {
        throw new Error(
            `no organisation ${org} in the connection profile (have: ${profile.orgs.map((o) => o.org).join(', ')})`,
        );
    }
    return found;
}
