import path from 'node:path';
import { repoRoot } from '../client';
import { binary, Layout } from './layout';
import type { ProcessSpec } from './processes';
import {
    ordererName,
    ordererNodes,
    peerAddress,
    peerName,
    type NumberedOrderer,
    type PeerOrg,
    type Topology,
} from './topology';

const logging = { FABRIC_LOGGING_SPEC: 'INFO' };

/** One Raft orderer node; the nodes talk to each other (cluster traffic) on their client port, with their TLS keys. */
export function ordererProcess(layout: Layout, topology: Topology, node: NumberedOrderer): ProcessSpec {
    const { orderer } = topology;
    const dir = layout.ordererNodeDir(topology, node);
    const tls = path.join(dir, 'tls');
    const data = layout.data(ordererName(topology, node));
    return {
        name: ordererName(topology, node),
        command: binary('orderer'),
        args: [],
        ports: [node.port, node.adminPort, node.operationsPort],
        host: node.host,
        env: {
            ...process.env,
            ...logging,
            FABRIC_CFG_PATH: layout.config,
            ORDERER_GENERAL_LISTENADDRESS: node.host,
            ORDERER_GENERAL_LISTENPORT: String(node.port),
            ORDERER_GENERAL_LOCALMSPID: orderer.mspId,
            ORDERER_GENERAL_LOCALMSPDIR: path.join(dir, 'msp'),
            ORDERER_GENERAL_TLS_ENABLED: 'true',
            ORDERER_GENERAL_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
            ORDERER_GENERAL_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
            ORDERER_GENERAL_TLS_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
            ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: path.join(tls, 'server.crt'),
            ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: path.join(tls, 'server.key'),
            ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
            // A follower that forwards a transaction to a leader which has just died waits this long before it
            // answers SERVICE_UNAVAILABLE (Fabric 2.5 waits out the timer even when the stream cannot be opened): with
            // the default 7 s, writes stopped ~7.5 s after a leader's SIGKILL although the election took ~1 s. It also
            // bounds each send to another node; at 2 s it is still twice the 1 s election timeout, so a node too slow
            // for it has lost its leadership already (network/README.md, "Raft ordering and fault tolerance").
            ORDERER_GENERAL_CLUSTER_RPCTIMEOUT: '2s',
            // Fabric 2.5 defaults still assume a system channel; we use the channel participation API.
            ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
            ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
            ORDERER_ADMIN_LISTENADDRESS: `${node.host}:${node.adminPort}`,
            ORDERER_ADMIN_TLS_ENABLED: 'true',
            ORDERER_ADMIN_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
            ORDERER_ADMIN_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
            ORDERER_ADMIN_TLS_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
            ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
            ORDERER_OPERATIONS_LISTENADDRESS: `${node.host}:${node.operationsPort}`,
            ORDERER_METRICS_PROVIDER: 'prometheus',
            ORDERER_FILELEDGER_LOCATION: path.join(data, 'ledger'),
            ORDERER_CONSENSUS_WALDIR: path.join(data, 'etcdraft', 'wal'),
            ORDERER_CONSENSUS_SNAPDIR: path.join(data, 'etcdraft', 'snapshot'),
        },
    };
}

export const ordererProcesses = (layout: Layout, topology: Topology): ProcessSpec[] =>
    ordererNodes(topology).map((node) => ordererProcess(layout, topology, node));

const builderDir = (): string => path.join(repoRoot(), 'network', 'builders', 'ccaas');

export function peerProcess(layout: Layout, org: PeerOrg): ProcessSpec {
    const node = layout.peerNodeDir(org);
    const tls = path.join(node, 'tls');
    const address = peerAddress(org);
    const data = layout.data(peerName(org));
    return {
        name: peerName(org),
        command: binary('peer'),
        args: ['node', 'start'],
        ports: [org.peerPort, org.chaincodeListenPort, org.operationsPort],
        host: org.host,
        env: {
            ...process.env,
            ...logging,
            FABRIC_CFG_PATH: layout.config,
            CORE_PEER_ID: peerName(org),
            CORE_PEER_LISTENADDRESS: address,
            CORE_PEER_ADDRESS: address,
            CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
            CORE_PEER_GOSSIP_BOOTSTRAP: address,
            // Without it peers take ~30 s after joining to find the other orgs, and endorsement plans fail.
            CORE_PEER_GOSSIP_RECONNECTINTERVAL: '3s',
            CORE_PEER_CHAINCODELISTENADDRESS: `${org.host}:${org.chaincodeListenPort}`,
            CORE_PEER_CHAINCODEADDRESS: `${org.host}:${org.chaincodeListenPort}`,
            CORE_PEER_LOCALMSPID: org.mspId,
            CORE_PEER_MSPCONFIGPATH: path.join(node, 'msp'),
            CORE_PEER_TLS_ENABLED: 'true',
            CORE_PEER_TLS_CERT_FILE: path.join(tls, 'server.crt'),
            CORE_PEER_TLS_KEY_FILE: path.join(tls, 'server.key'),
            CORE_PEER_TLS_ROOTCERT_FILE: path.join(tls, 'ca.crt'),
            CORE_PEER_FILESYSTEMPATH: data,
            CORE_LEDGER_SNAPSHOTS_ROOTDIR: path.join(data, 'snapshots'),
            CORE_OPERATIONS_LISTENADDRESS: `${org.host}:${org.operationsPort}`,
            CORE_METRICS_PROVIDER: 'prometheus',
            // a chaincode server answering for another package than the definition names makes the peer wait
            // this long (default 300 s), holding up the commit of blocks meanwhile; ours answer in under a second
            CORE_CHAINCODE_STARTUPTIMEOUT: '20s',
            CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: mpt-ccaas, path: ${builderDir()}, propagateEnvironment: [HOME]}]`,
        },
    };
}

export const caProcessName = (org: PeerOrg): string => `ca.${org.domain}`;
export const caUrl = (org: PeerOrg): string => `https://${org.host}:${org.caPort}`;
export const caName = (org: PeerOrg): string => `ca-${org.name.toLowerCase()}`;

/** A Fabric CA that signs with the org's own CA key, so enrolled users chain to the org MSP root. */
export function caProcess(layout: Layout, org: PeerOrg, bootstrapSecret: string): ProcessSpec {
    const home = layout.caHome(org);
    return {
        name: caProcessName(org),
        command: binary('fabric-ca-server'),
        args: [
            'start',
            '--home',
            home,
            '--address',
            org.host,
            '--port',
            String(org.caPort),
            '--ca.name',
            caName(org),
            '--ca.certfile',
            layout.orgCaCert(org),
            '--ca.keyfile',
            layout.orgCaKey(org),
            '--tls.enabled',
            '--tls.certfile',
            path.join(home, 'tls-cert.pem'),
            '--csr.hosts',
            ['localhost', '127.0.0.1', org.host].join(','),
        ],
        ports: [org.caPort, org.caOperationsPort],
        host: org.host,
        env: {
            ...process.env,
            // in the environment, not the arguments: /proc/<pid>/environ is readable only by the owner
            FABRIC_CA_SERVER_BOOT: `admin:${bootstrapSecret}`,
            FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${org.host}:${org.caOperationsPort}`,
        },
    };
}

export const chaincodeProcessName = (topology: Topology, org: PeerOrg): string =>
    `${topology.chaincode.name}.${org.domain}`;

/**
 * One chaincode server per org, serving that org's peer (chaincode as a service). It runs the snapshot of
 * the compiled chaincode in `codeDir`; NODE_PATH lets that snapshot find the repository's node_modules.
 */
export function chaincodeProcess(topology: Topology, org: PeerOrg, packageId: string, codeDir: string): ProcessSpec {
    const modules = path.join(repoRoot(), 'node_modules');
    return {
        name: chaincodeProcessName(topology, org),
        command: process.execPath,
        args: [
            path.join(modules, 'fabric-shim', 'cli.js'),
            'server',
            '--chaincode-address',
            `${org.host}:${org.chaincodeServerPort}`,
            '--chaincode-id',
            packageId,
            '--module-path',
            codeDir,
        ],
        ports: [org.chaincodeServerPort],
        host: org.host,
        env: { ...process.env, NODE_PATH: modules, CORE_CHAINCODE_LOGGING_LEVEL: 'info' },
    };
}

/** Every process of a network, in start order (services that use the network aside). */
export function networkProcessNames(topology: Topology): string[] {
    return [
        ...topology.peerOrgs.map(caProcessName),
        ...ordererNodes(topology).map((node) => ordererName(topology, node)),
        ...topology.peerOrgs.map(peerName),
        ...topology.peerOrgs.map((org) => chaincodeProcessName(topology, org)),
    ];
}

/** Environment for the `peer` CLI acting as the org's admin against the org's peer. */
export function adminEnv(layout: Layout, org: PeerOrg): NodeJS.ProcessEnv {
    return {
        ...process.env,
        FABRIC_CFG_PATH: layout.config,
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_PEER_ADDRESS: peerAddress(org),
        CORE_PEER_LOCALMSPID: org.mspId,
        CORE_PEER_TLS_ROOTCERT_FILE: layout.peerTlsCa(org),
        CORE_PEER_MSPCONFIGPATH: layout.orgAdminMsp(org),
    };
}
