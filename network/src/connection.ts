import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONNECTION_PROFILE, type ConnectionProfile } from '../client';
import type { Layout } from './layout';
import { caName, caUrl } from './nodes';
import { peerAddress, peerName, type Topology } from './topology';

/** The connection profile of this network, generated from the topology: what clients read. */
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

export const connectionProfileFile = (layout: Layout): string => path.join(layout.root, CONNECTION_PROFILE);

export function writeConnectionProfile(layout: Layout, topology: Topology): void {
    writeFileSync(connectionProfileFile(layout), JSON.stringify(connectionProfile(layout, topology), null, 2));
}
