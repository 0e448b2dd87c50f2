import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { repoRoot } from '../client';

const port = z.number().int().min(1024).max(65535);
const host = z.string().min(1);
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'letters and digits, starting with a letter');

const userSchema = z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    role: z.string().regex(/^[a-z]+$/),
    party: z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/),
});

const peerOrgSchema = z.strictObject({
    name,
    mspId: name,
    domain: host,
    host,
    peerPort: port,
    chaincodeListenPort: port,
    operationsPort: port,
    caPort: port,
    caOperationsPort: port,
    chaincodeServerPort: port,
    users: z.array(userSchema).default([]),
});

/** One Raft orderer node: its client/cluster gRPC port, its channel participation (osnadmin) port, operations. */
const ordererNodeSchema = z.strictObject({
    host,
    port,
    adminPort: port,
    operationsPort: port,
});

/** A machine of a network spread over several: its name (what `network:up --host` takes) and its address. */
const hostName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes, starting with a letter');

const topologySchema = z.strictObject({
    /**
     * Optional: the machines, by name. An org's or orderer node's `host` may name one of them instead of giving an
     * address; without this section every `host` is an address (127.0.0.1 for the network on one machine).
     */
    hosts: z.record(hostName, host).optional(),
    channel: z.string().regex(/^[a-z][a-z0-9.-]*$/),
    chaincode: z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_-]*$/) }),
    orderer: z.strictObject({
        name,
        mspId: name,
        domain: host,
        batchTimeout: z.string().regex(/^\d+(ms|s)$/),
        maxMessageCount: z.number().int().positive(),
        // Raft keeps ordering while a majority of the nodes runs: 3 nodes survive the loss of any one
        nodes: z.array(ordererNodeSchema).min(1),
    }),
    peerOrgs: z.array(peerOrgSchema).min(1),
});

export type Topology = z.infer<typeof topologySchema>;
export type PeerOrg = z.infer<typeof peerOrgSchema>;
export type OrdererNode = z.infer<typeof ordererNodeSchema>;
export type DemoUser = z.infer<typeof userSchema>;

export const DEFAULT_TOPOLOGY = (): string => path.join(repoRoot(), 'network', 'topology.yaml');

/** Reads and validates a topology file; every problem is reported with its path in the file. */
export function loadTopology(file: string = DEFAULT_TOPOLOGY()): Topology {
    const parsed = topologySchema.safeParse(parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
        throw new Error(`invalid topology ${file}:\n${problems.join('\n')}`);
    }
    const topology = withHostAddresses(parsed.data);
    assertDistinct(topology);
    return topology;
}

/** Every `host` that names one of the topology's `hosts` replaced by that host's address. */
function withHostAddresses(topology: Topology): Topology {
    const { hosts } = topology;
    if (!hosts) {
        return topology;
    }
    const addresses = Object.values(hosts);
    const address = (host: string): string => {
        const named = hosts[host];
        if (named === undefined && !addresses.includes(host)) {
            throw new Error(
                `invalid topology: host "${host}" is not one of its hosts (${Object.keys(hosts).join(', ')})`,
            );
        }
        return named ?? host;
    };
    return {
        ...topology,
        orderer: {
            ...topology.orderer,
            nodes: topology.orderer.nodes.map((node) => ({ ...node, host: address(node.host) })),
        },
        peerOrgs: topology.peerOrgs.map((org) => ({ ...org, host: address(org.host) })),
    };
}

/**
 * The topology with the bank organisations `network:add-org` added to the running network (recorded in its state
 * directory, in `file`): the topology file describes the network as first generated, the record what joined since.
 */
export function withAddedOrgs(topology: Topology, file: string): Topology {
    if (!existsSync(file)) {
        return topology;
    }
    const parsed = z.array(peerOrgSchema).safeParse(parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
        throw new Error(`invalid record of added organisations ${file}:\n${problems.join('\n')}`);
    }
    const merged = { ...topology, peerOrgs: [...topology.peerOrgs, ...parsed.data] };
    assertDistinct(merged);
    return merged;
}

/** A bank organisation's name: `network:add-org` derives its MSP ID (`<name>MSP`, a `Bank…MSP` to the chaincode). */
export const BANK_ORG_NAME = /^Bank[A-Za-z0-9]*$/;

/**
 * The next bank organisation of a topology, on ports that follow its scheme: the peer (and its chaincode listener,
 * CA and chaincode server, at the same offsets as every org's) 1000 above the highest peer port, the operations
 * ports one above the highest ones. Throws when the name is not a bank's or is taken.
 */
export function nextBankOrg(topology: Topology, name: string): PeerOrg {
    if (!BANK_ORG_NAME.test(name)) {
        throw new Error(
            `invalid organisation name "${name}": a bank's name starts with "Bank", then letters and digits (e.g. Bank3Org)`,
        );
    }
    const mspId = `${name}MSP`;
    const taken = topology.peerOrgs.find((org) => org.name.toLowerCase() === name.toLowerCase() || org.mspId === mspId);
    if (taken) {
        throw new Error(`${name} is already a member of the network (${taken.name}, ${taken.mspId})`);
    }
    const last = topology.peerOrgs.reduce((top, org) => (org.peerPort > top.peerPort ? org : top));
    const peerPort = last.peerPort + 1000;
    const offset = (port: number): number => peerPort + port - last.peerPort;
    const org: PeerOrg = {
        name,
        mspId,
        domain: `${name.replace(/Org$/, '').toLowerCase()}.${topology.orderer.domain}`,
        host: last.host,
        peerPort,
        chaincodeListenPort: offset(last.chaincodeListenPort),
        operationsPort:
            Math.max(
                ...topology.orderer.nodes.map((node) => node.operationsPort),
                ...topology.peerOrgs.map((o) => o.operationsPort),
            ) + 1,
        caPort: offset(last.caPort),
        caOperationsPort: Math.max(...topology.peerOrgs.map((o) => o.caOperationsPort)) + 1,
        chaincodeServerPort: offset(last.chaincodeServerPort),
        users: [],
    };
    const parsed = peerOrgSchema.safeParse(org);
    if (!parsed.success) {
        throw new Error(
            `cannot add ${name}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join(', ')}`,
        );
    }
    const domainTaken = topology.peerOrgs.find((o) => o.domain === org.domain);
    if (domainTaken) {
        throw new Error(`cannot add ${name}: its domain ${org.domain} is ${domainTaken.name}'s`);
    }
    assertDistinct({ ...topology, peerOrgs: [...topology.peerOrgs, org] });
    return org;
}

const ordererNodePorts = (node: OrdererNode): number[] => [node.port, node.adminPort, node.operationsPort];
const peerOrgPorts = (org: PeerOrg): number[] => [
    org.peerPort,
    org.chaincodeListenPort,
    org.operationsPort,
    org.caPort,
    org.caOperationsPort,
    org.chaincodeServerPort,
];

/** Every port the topology's processes listen on. */
export function topologyPorts(topology: Topology): number[] {
    return [...topology.orderer.nodes.flatMap(ordererNodePorts), ...topology.peerOrgs.flatMap(peerOrgPorts)];
}

/**
 * The same network on other ports: every port moved by `offset`. The tests run their network on the default
 * topology shifted this way, so that it can run beside the one `npm start` runs.
 */
export function shiftPorts(topology: Topology, offset: number): Topology {
    const orderer = topology.orderer;
    return {
        ...topology,
        orderer: {
            ...orderer,
            nodes: orderer.nodes.map((node) => ({
                ...node,
                port: node.port + offset,
                adminPort: node.adminPort + offset,
                operationsPort: node.operationsPort + offset,
            })),
        },
        peerOrgs: topology.peerOrgs.map((org) => ({
            ...org,
            peerPort: org.peerPort + offset,
            chaincodeListenPort: org.chaincodeListenPort + offset,
            operationsPort: org.operationsPort + offset,
            caPort: org.caPort + offset,
            caOperationsPort: org.caOperationsPort + offset,
            chaincodeServerPort: org.chaincodeServerPort + offset,
        })),
    };
}

function assertDistinct(topology: Topology): void {
    const { orderer, peerOrgs } = topology;
    // a port is taken per address: hosts of a network spread over machines may all use the same ports
    const endpoints = [
        ...orderer.nodes.flatMap((node) => ordererNodePorts(node).map((port) => ({ host: node.host, port }))),
        ...peerOrgs.flatMap((org) => peerOrgPorts(org).map((port) => ({ host: org.host, port }))),
    ];
    const keys = endpoints.map(({ host, port }) => `${host}:${port}`);
    const duplicate = endpoints.find((_, i) => keys.indexOf(keys[i] ?? '') !== i);
    if (duplicate !== undefined) {
        throw new Error(`invalid topology: port ${duplicate.port} is used twice on ${duplicate.host}`);
    }
    const names = [orderer.mspId, ...peerOrgs.flatMap((org) => [org.name, org.mspId])];
    const duplicateName = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicateName !== undefined) {
        throw new Error(`invalid topology: name ${duplicateName} is used twice`);
    }
}

export const peerName = (org: PeerOrg): string => `peer0.${org.domain}`;
export const peerAddress = (org: PeerOrg): string => `${org.host}:${org.peerPort}`;
/** An orderer node with its place in the topology's list, which names it (orderer0, orderer1, …). */
export interface NumberedOrderer extends OrdererNode {
    readonly index: number;
}

export const ordererNodes = (topology: Topology): NumberedOrderer[] =>
    topology.orderer.nodes.map((node, index) => ({ ...node, index }));
export const ordererHostname = (node: NumberedOrderer): string => `orderer${node.index}`;
export const ordererName = (topology: Topology, node: NumberedOrderer): string =>
    `${ordererHostname(node)}.${topology.orderer.domain}`;
export const ordererAddress = (node: OrdererNode): string => `${node.host}:${node.port}`;
export const ordererOperations = (node: OrdererNode): string => `${node.host}:${node.operationsPort}`;
