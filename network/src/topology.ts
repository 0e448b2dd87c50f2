import { readFileSync } from 'node:fs';
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

const topologySchema = z.strictObject({
    channel: z.string().regex(/^[a-z][a-z0-9.-]*$/),
    chaincode: z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_-]*$/) }),
    orderer: z.strictObject({
        name,
        mspId: name,
        domain: host,
        host,
        port,
        adminPort: port,
        operationsPort: port,
        batchTimeout: z.string().regex(/^\d+(ms|s)$/),
        maxMessageCount: z.number().int().positive(),
    }),
    peerOrgs: z.array(peerOrgSchema).min(1),
});

export type Topology = z.infer<typeof topologySchema>;
export type PeerOrg = z.infer<typeof peerOrgSchema>;
export type DemoUser = z.infer<typeof userSchema>;

export const DEFAULT_TOPOLOGY = (): string => path.join(repoRoot(), 'network', 'topology.yaml');

/** Reads and validates a topology file; every problem is reported with its path in the file. */
export function loadTopology(file: string = DEFAULT_TOPOLOGY()): Topology {
    const parsed = topologySchema.safeParse(parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
        throw new Error(`invalid topology ${file}:\n${problems.join('\n')}`);
    }
    assertDistinct(parsed.data);
    return parsed.data;
}

/** Every port the topology's processes listen on. */
export function topologyPorts(topology: Topology): number[] {
    const { orderer, peerOrgs } = topology;
    return [
        orderer.port,
        orderer.adminPort,
        orderer.operationsPort,
        ...peerOrgs.flatMap((org) => [
            org.peerPort,
            org.chaincodeListenPort,
            org.operationsPort,
            org.caPort,
            org.caOperationsPort,
            org.chaincodeServerPort,
        ]),
    ];
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
            port: orderer.port + offset,
            adminPort: orderer.adminPort + offset,
            operationsPort: orderer.operationsPort + offset,
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
    const ports = topologyPorts(topology);
    const duplicatePort = ports.find((p, i) => ports.indexOf(p) !== i);
    if (duplicatePort !== undefined) {
        throw new Error(`invalid topology: port ${duplicatePort} is used twice`);
    }
    const names = [orderer.mspId, ...peerOrgs.flatMap((org) => [org.name, org.mspId])];
    const duplicateName = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicateName !== undefined) {
        throw new Error(`invalid topology: name ${duplicateName} is used twice`);
    }
}

export const peerName = (org: PeerOrg): string => `peer0.${org.domain}`;
export const peerAddress = (org: PeerOrg): string => `${org.host}:${org.peerPort}`;
export const ordererName = (topology: Topology): string => `orderer0.${topology.orderer.domain}`;
export const ordererAddress = (topology: Topology): string => `${topology.orderer.host}:${topology.orderer.port}`;
