import path from 'node:path';
import { pidFile, runDir, toolsDir } from '../client';
import { ordererName, type NumberedOrderer, type PeerOrg, type Topology } from './topology';

/** Where binaries live: shared by every network on the machine, rebuilt only when the pinned version changes. */
export const binDir = (): string => path.join(toolsDir(), 'bin');
export const sampleConfigDir = (): string => path.join(toolsDir(), 'sampleconfig');
export const binary = (name: string): string => path.join(binDir(), name);

/** Every file one network instance owns, under its state directory. */
export class Layout {
    constructor(readonly root: string) {}

    get config(): string {
        return path.join(this.root, 'config');
    }
    get crypto(): string {
        return path.join(this.root, 'crypto');
    }
    get artifacts(): string {
        return path.join(this.root, 'artifacts');
    }
    get logs(): string {
        return path.join(this.root, 'logs');
    }
    get run(): string {
        return runDir(this.root);
    }
    get generatedMarker(): string {
        return path.join(this.root, 'generated.json');
    }
    /** Bank organisations `network:add-org` added to the running network (see topology.ts `withAddedOrgs`). */
    get addedOrgs(): string {
        return path.join(this.root, 'added-orgs.yaml');
    }
    /** The organisation an unfinished `network:add-org` is adding: a re-run finishes it with the same ports. */
    get addingOrg(): string {
        return path.join(this.root, 'adding-org.json');
    }
    channelBlock(topology: Topology): string {
        return path.join(this.artifacts, `${topology.channel}.block`);
    }
    data(processName: string): string {
        return path.join(this.root, 'data', processName);
    }
    log(processName: string): string {
        return path.join(this.logs, `${processName}.log`);
    }
    pidFile(processName: string): string {
        return pidFile(this.root, processName);
    }
    caHome(org: PeerOrg): string {
        return path.join(this.root, 'ca', org.name);
    }
    usersDir(org: PeerOrg): string {
        return path.join(this.root, 'users', org.name);
    }

    ordererOrgDir(topology: Topology): string {
        return path.join(this.crypto, 'ordererOrganizations', topology.orderer.domain);
    }
    ordererNodeDir(topology: Topology, node: NumberedOrderer): string {
        return path.join(this.ordererOrgDir(topology), 'orderers', ordererName(topology, node));
    }
    ordererTlsCa(topology: Topology): string {
        return path.join(this.ordererOrgDir(topology), 'tlsca', `tlsca.${topology.orderer.domain}-cert.pem`);
    }
    ordererAdminTls(topology: Topology): { cert: string; key: string } {
        const tls = path.join(this.ordererOrgDir(topology), 'users', `Admin@${topology.orderer.domain}`, 'tls');
        return { cert: path.join(tls, 'client.crt'), key: path.join(tls, 'client.key') };
    }

    peerOrgDir(org: PeerOrg): string {
        return path.join(this.crypto, 'peerOrganizations', org.domain);
    }
    peerNodeDir(org: PeerOrg): string {
        return path.join(this.peerOrgDir(org), 'peers', `peer0.${org.domain}`);
    }
    peerTlsCa(org: PeerOrg): string {
        return path.join(this.peerOrgDir(org), 'tlsca', `tlsca.${org.domain}-cert.pem`);
    }
    orgCaCert(org: PeerOrg): string {
        return path.join(this.peerOrgDir(org), 'ca', `ca.${org.domain}-cert.pem`);
    }
    orgCaKey(org: PeerOrg): string {
        return path.join(this.peerOrgDir(org), 'ca', 'priv_sk');
    }
    orgAdminMsp(org: PeerOrg): string {
        return path.join(this.peerOrgDir(org), 'users', `Admin@${org.domain}`, 'msp');
    }
}
