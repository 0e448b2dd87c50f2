import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../client';
import { codeHash, deployChaincode, packageFor } from './chaincode';
import type { Layout } from './layout';
import { chaincodeProcess, chaincodeProcessName } from './nodes';
import { isRunning, startProcess, stopProcess, waitListening } from './processes';
import type { Reporter } from './run';
import type { PeerOrg, Topology } from './topology';

/** The package and code an org's chaincode server runs, recorded when it starts. */
export interface DeployedChaincode {
    readonly packageId: string;
    readonly codeDir: string;
}

/**
 * Deploys the compiled chaincode in `chaincodeDir` (next sequence when it changed) and runs each org's
 * chaincode server on the new package; when the commit fails after the switch, serves the old packages again.
 * `admins`: the orgs whose admins and chaincode servers are here (see `deployChaincode`); returns the orgs whose
 * approval the commit still waits for.
 */
export async function deployAndServe(
    layout: Layout,
    topology: Topology,
    chaincodeDir: string,
    reporter: Reporter,
    admins: readonly PeerOrg[] = topology.peerOrgs,
): Promise<PeerOrg[]> {
    const hash = codeHash(chaincodeDir);
    const code = snapshotChaincode(layout, chaincodeDir, hash);
    const previous = new Map(admins.map((org) => [org, deployedChaincode(layout, topology, org)]));
    try {
        return await deployChaincode(
            layout,
            topology,
            hash,
            reporter,
            async () => {
                for (const org of admins) {
                    const { packageId } = await packageFor(layout, topology, org, hash);
                    await runChaincodeServer(layout, topology, org, { packageId, codeDir: code }, reporter);
                }
            },
            admins,
        );
    } catch (error) {
        // the commit failed after the switch: peers still name the old packages, so serve those again
        for (const [org, deployed] of previous) {
            if (deployed && deployedChaincode(layout, topology, org)?.packageId !== deployed.packageId) {
                await runChaincodeServer(layout, topology, org, deployed, reporter);
            }
        }
        throw error;
    }
}

/** The package and code an org's chaincode server was last started with, if any. */
export function deployedChaincode(layout: Layout, topology: Topology, org: PeerOrg): DeployedChaincode | undefined {
    const record = deployedRecord(layout, topology, org);
    return existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as DeployedChaincode) : undefined;
}

const deployedRecord = (layout: Layout, topology: Topology, org: PeerOrg): string =>
    path.join(layout.run, `${chaincodeProcessName(topology, org)}.deployed.json`);

/**
 * Copies the compiled chaincode aside under its hash, so the servers run exactly the code that was
 * packaged even when the working copy is rebuilt later.
 */
function snapshotChaincode(layout: Layout, chaincodeDir: string, hash: string): string {
    const dir = path.join(layout.artifacts, 'chaincode', 'code', hash);
    if (!existsSync(path.join(dir, 'package.json'))) {
        const staging = `${dir}.staging`;
        rmSync(staging, { recursive: true, force: true });
        cpSync(chaincodeDir, staging, { recursive: true });
        const manifest = JSON.parse(readFileSync(path.join(repoRoot(), 'chaincode', 'package.json'), 'utf8')) as Record<
            string,
            unknown
        >;
        writeFileSync(
            path.join(staging, 'package.json'),
            JSON.stringify({ ...manifest, main: 'src/index.js' }, null, 2),
        );
        rmSync(dir, { recursive: true, force: true });
        cpSync(staging, dir, { recursive: true });
        rmSync(staging, { recursive: true, force: true });
    }
    return dir;
}

async function runChaincodeServer(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    { packageId, codeDir }: DeployedChaincode,
    reporter: Reporter,
): Promise<void> {
    const name = chaincodeProcessName(topology, org);
    if (isRunning(layout, name) && deployedChaincode(layout, topology, org)?.packageId === packageId) {
        return;
    }
    await stopProcess(layout, name);
    mkdirSync(layout.run, { recursive: true });
    writeFileSync(deployedRecord(layout, topology, org), JSON.stringify({ packageId, codeDir }));
    const spec = chaincodeProcess(topology, org, packageId, codeDir);
    await startProcess(layout, spec);
    // listening before the commit: the peers call it as soon as the definition names its package
    await waitListening(layout, spec, reporter);
}
