import { ordererNodes, type NumberedOrderer, type PeerOrg, type Topology } from './topology';

/** What one machine of a network spread over several runs: `network:up --host <name>` starts only this. */
export interface HostPart {
    /** The host's name in the topology's `hosts`, or its address when it has no name. */
    readonly name: string;
    readonly address: string;
    /** Every orderer node when the orderer org is on this host, else none (its keys come from one cryptogen run). */
    readonly ordererNodes: readonly NumberedOrderer[];
    readonly peerOrgs: readonly PeerOrg[];
}

/** A host as people call it: its name in `hosts`, else its address. */
export function hostLabel(topology: Topology, address: string): string {
    const named = Object.entries(topology.hosts ?? {}).find(([, hostAddress]) => hostAddress === address);
    return named ? named[0] : address;
}

/** Every host of the topology, by label: the orderer's first, then the peer orgs' in topology order. */
export function hostLabels(topology: Topology): string[] {
    const addresses = [...topology.orderer.nodes.map((node) => node.host), ...topology.peerOrgs.map((org) => org.host)];
    return [...new Set(addresses)].map((address) => hostLabel(topology, address));
}

/** The host the orderer org's nodes run on. */
export const ordererHost = (topology: Topology): string => hostLabel(topology, topology.orderer.nodes[0]?.host ?? '');

/** The host an org's nodes run on. */
export const orgHost = (topology: Topology, org: PeerOrg): string => hostLabel(topology, org.host);

/**
 * The part of the topology host `host` (a name in `hosts`, or an address) runs. Refuses a host that runs nothing,
 * and an orderer org spread over several hosts: cryptogen makes all its nodes' keys in one place, and private keys
 * never leave the host they were made on.
 */
export function hostPart(topology: Topology, host: string): HostPart {
    const address = topology.hosts?.[host] ?? host;
    const nodes = ordererNodes(topology);
    const ordererHere = nodes.filter((node) => node.host === address);
    const peerOrgs = topology.peerOrgs.filter((org) => org.host === address);
    if (ordererHere.length === 0 && peerOrgs.length === 0) {
        throw new Error(
            `host "${host}" runs no node of this topology; its hosts are: ${hostLabels(topology).join(', ')}`,
        );
    }
    if (ordererHere.length > 0 && ordererHere.length < nodes.length) {
        const spread = [...new Set(nodes.map((node) => hostLabel(topology, node.host)))];
        throw new Error(
            `the orderer nodes of ${topology.orderer.name} are on several hosts (${spread.join(', ')}): put them on ` +
                'one host, which makes their keys (another orderer org per host is not supported yet)',
        );
    }
    return { name: hostLabel(topology, address), address, ordererNodes: ordererHere, peerOrgs };
}
