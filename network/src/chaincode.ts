import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { msp, peer } from '@hyperledger/fabric-protos';
import { repoRoot } from '../client';
import { binary, type Layout } from './layout';
import { adminEnv } from './nodes';
import { ordererArgs } from './ordering';
import { run, type Reporter } from './run';
import { peerAddress, type PeerOrg, type Topology } from './topology';

export const defaultChaincodeDir = (): string => path.join(repoRoot(), 'dist', 'chaincode');

/** What goes into the chaincode's identity: the compiled code, its manifest, collections and dependency lock. */
function chaincodeInputs(compiled: string): string[] {
    const root = repoRoot();
    if (!existsSync(path.join(compiled, 'src', 'index.js'))) {
        throw new Error(`the chaincode is not compiled (${compiled} is missing); run npm run build first`);
    }
    const files: string[] = [];
    const walk = (dir: string): void => {
        for (const entry of readdirSync(dir).sort()) {
            const full = path.join(dir, entry);
            if (statSync(full).isDirectory()) {
                walk(full);
            } else if (entry.endsWith('.js')) {
                files.push(full);
            }
        }
    };
    walk(compiled);
    const extras = ['chaincode/package.json', 'chaincode/collections_config.json', 'package-lock.json'];
    return [...files, ...extras.map((file) => path.join(root, file)).filter((file) => existsSync(file))];
}

/**
 * Same code, same hash: the hash names the chaincode version and the package label. `compiled` is the
 * tsc output of chaincode/ (dist/chaincode by default).
 */
export function codeHash(compiled: string): string {
    const hash = createHash('sha256');
    for (const file of chaincodeInputs(compiled)) {
        const name = file.startsWith(compiled) ? path.relative(compiled, file) : path.relative(repoRoot(), file);
        hash.update(name).update('\0').update(readFileSync(file)).update('\0');
    }
    return hash.digest('hex').slice(0, 16);
}

export function collectionsConfig(): string | undefined {
    const file = path.join(repoRoot(), 'chaincode', 'collections_config.json');
    return existsSync(file) ? file : undefined;
}

export interface ChaincodePackage {
    readonly label: string;
    readonly file: string;
    readonly packageId: string;
}

/**
 * A chaincode-as-a-service package: metadata.json plus code.tar.gz holding connection.json that points the
 * peer at its org's chaincode server. Built with fixed owners, times and order, so the same inputs always
 * give the same bytes and therefore the same package ID (label + ":" + sha256 of the file).
 */
export async function packageFor(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    hash: string,
): Promise<ChaincodePackage> {
    const label = `${topology.chaincode.name}_${hash}`;
    const dir = path.join(layout.artifacts, 'chaincode', org.name);
    const file = path.join(dir, `${label}.tgz`);
    if (!existsSync(file)) {
        const work = path.join(dir, `.${label}`);
        rmSync(work, { recursive: true, force: true });
        mkdirSync(path.join(work, 'code'), { recursive: true });
        const connection = {
            address: `${org.host}:${org.chaincodeServerPort}`,
            dial_timeout: '10s',
            tls_required: false,
        };
        writeFileSync(path.join(work, 'code', 'connection.json'), JSON.stringify(connection));
        writeFileSync(path.join(work, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
        const deterministic = [
            '--sort=name',
            '--mtime=@0',
            '--owner=0',
            '--group=0',
            '--numeric-owner',
            '--format=ustar',
        ];
        await run('tar', [
            ...deterministic,
            '-C',
            path.join(work, 'code'),
            '-cf',
            path.join(work, 'code.tar'),
            'connection.json',
        ]);
        await run('gzip', ['-n', '-9', path.join(work, 'code.tar')]);
        await run('tar', [
            ...deterministic,
            '-C',
            work,
            '-cf',
            path.join(work, 'package.tar'),
            'metadata.json',
            'code.tar.gz',
        ]);
        await run('gzip', ['-n', '-9', path.join(work, 'package.tar')]);
        writeFileSync(file, readFileSync(path.join(work, 'package.tar.gz')));
        rmSync(work, { recursive: true, force: true });
    }
    const packageId = `${label}:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
    return { label, file, packageId };
}

interface Committed {
    sequence: number;
    version: string;
    /** The endorsement policy, a serialised `ApplicationPolicy` (base64). */
    validation_parameter?: string;
}

/** The MSP IDs the committed definition's endorsement policy names. */
export function endorsingMspIds(committed: Committed): string[] {
    const policy = peer.ApplicationPolicy.deserializeBinary(
        Buffer.from(committed.validation_parameter ?? '', 'base64'),
    );
    return (policy.getSignaturePolicy()?.getIdentitiesList() ?? []).map((principal) =>
        msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier(),
    );
}

/**
 * The committed definition is the one wanted: the same code, and an endorsement policy naming every org of the
 * topology (an org added to the channel makes the next sequence necessary even when the code is the same).
 */
function isCurrent(committed: Committed, topology: Topology, hash: string): boolean {
    if (committed.version !== hash) {
        return false;
    }
    const named = new Set(endorsingMspIds(committed));
    return topology.peerOrgs.length === named.size && topology.peerOrgs.every((org) => named.has(org.mspId));
}

const peerCli = (layout: Layout, org: PeerOrg, args: string[]): Promise<string> =>
    run(binary('peer'), args, { env: adminEnv(layout, org), timeoutMs: 180_000 });

export async function queryCommitted(layout: Layout, topology: Topology, org: PeerOrg): Promise<Committed | undefined> {
    try {
        const out = await peerCli(layout, org, [
            'lifecycle',
            'chaincode',
            'querycommitted',
            '-C',
            topology.channel,
            '-n',
            topology.chaincode.name,
            '--output',
            'json',
        ]);
        return JSON.parse(out) as Committed;
    } catch (error) {
        if (error instanceof Error && /not found|404/.test(error.message)) {
            return undefined;
        }
        throw error;
    }
}

async function installedPackageIds(layout: Layout, org: PeerOrg): Promise<string[]> {
    const out = await peerCli(layout, org, ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json']);
    const parsed = JSON.parse(out) as { installed_chaincodes?: { package_id: string }[] };
    return (parsed.installed_chaincodes ?? []).map((entry) => entry.package_id);
}

async function approvedPackageId(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    sequence: number,
): Promise<string | undefined> {
    try {
        const out = await peerCli(layout, org, [
            'lifecycle',
            'chaincode',
            'queryapproved',
            '-C',
            topology.channel,
            '-n',
            topology.chaincode.name,
            '--sequence',
            String(sequence),
            '--output',
            'json',
        ]);
        const parsed = JSON.parse(out) as { source?: { Type?: { LocalPackage?: { package_id?: string } } } };
        return parsed.source?.Type?.LocalPackage?.package_id ?? '';
    } catch (error) {
        if (error instanceof Error && /not found|404|could not fetch/.test(error.message)) {
            return undefined;
        }
        throw error;
    }
}

/**
 * The chaincode's endorsement policy: a peer of any two organisations. Not the channel's MAJORITY: with two banks a
 * majority is three of four orgs, so every write that reads the market's private collection (members MarketOrg and
 * CustomsOrg) would need a bank's peer, which cannot read that collection and so endorses a different result; and
 * each bank added would make every write slower. Whose facts a key holds is enforced per key (state-based
 * endorsement: customs events need CustomsOrg, a bank's receipts that bank, filed declarations MarketOrg AND
 * CustomsOrg).
 */
export function endorsementPolicy(topology: Topology): string {
    const peers = topology.peerOrgs.map((org) => `'${org.mspId}.peer'`);
    return peers.length < 2 ? `OR(${peers.join(', ')})` : `OutOf(2, ${peers.join(', ')})`;
}

function definitionArgs(topology: Topology, sequence: number, version: string): string[] {
    const collections = collectionsConfig();
    return [
        '-C',
        topology.channel,
        '-n',
        topology.chaincode.name,
        '--version',
        version,
        '--sequence',
        String(sequence),
        '--signature-policy',
        endorsementPolicy(topology),
        ...(collections ? ['--collections-config', collections] : []),
    ];
}

/**
 * The orgs whose admins have not approved the definition yet, as the channel sees it: the commit needs a majority
 * of the orgs (the channel's `MAJORITY Endorsement` lifecycle policy).
 */
async function unapproved(
    layout: Layout,
    topology: Topology,
    admins: readonly PeerOrg[],
    sequence: number,
    hash: string,
): Promise<PeerOrg[]> {
    const [org] = admins;
    if (!org || admins.length === topology.peerOrgs.length) {
        // every org's admin acts here, and has just approved
        return [];
    }
    const out = await peerCli(layout, org, [
        'lifecycle',
        'chaincode',
        'checkcommitreadiness',
        ...definitionArgs(topology, sequence, hash),
        '--output',
        'json',
    ]);
    const { approvals } = JSON.parse(out) as { approvals: Record<string, boolean> };
    return topology.peerOrgs.filter((candidate) => approvals[candidate.mspId] !== true);
}

/** Installs `org`'s package on its peer and approves the definition for it, unless done already. */
async function installAndApprove(
    layout: Layout,
    topology: Topology,
    org: PeerOrg,
    { sequence, hash }: { sequence: number; hash: string },
    reporter: Reporter,
): Promise<void> {
    const pkg = await packageFor(layout, topology, org, hash);
    if (!(await installedPackageIds(layout, org)).includes(pkg.packageId)) {
        reporter.detail(`  installing ${pkg.label} on ${org.name}`);
        await peerCli(layout, org, ['lifecycle', 'chaincode', 'install', pkg.file]);
    }
    if ((await approvedPackageId(layout, topology, org, sequence)) !== pkg.packageId) {
        reporter.detail(`  approving sequence ${sequence} for ${org.name}`);
        await peerCli(layout, org, [
            'lifecycle',
            'chaincode',
            'approveformyorg',
            ...(await ordererArgs(layout, topology, reporter)),
            ...definitionArgs(topology, sequence, hash),
            '--package-id',
            pkg.packageId,
        ]);
    }
}

/** Commits the definition as `committer`'s admin, endorsed by the peers of `endorsers`. */
async function commitDefinition(
    layout: Layout,
    topology: Topology,
    committer: PeerOrg,
    { sequence, hash }: { sequence: number; hash: string },
    endorsers: readonly PeerOrg[],
    reporter: Reporter,
): Promise<void> {
    const peers = endorsers.flatMap((org) => [
        '--peerAddresses',
        peerAddress(org),
        '--tlsRootCertFiles',
        layout.peerTlsCa(org),
    ]);
    await peerCli(layout, committer, [
        'lifecycle',
        'chaincode',
        'commit',
        ...(await ordererArgs(layout, topology, reporter)),
        ...definitionArgs(topology, sequence, hash),
        ...peers,
    ]);
}

/**
 * Brings the committed chaincode definition to the code with hash `hash` and the topology's orgs: install each org's package,
 * approve it for every org, then `switchServers` (start the chaincode servers of the new packages), then
 * commit the next sequence at once. A peer that reaches a server of another package than its definition
 * names refuses it, so the switch sits right before the commit: old code serves until then. Every step
 * checks first, so running it again after a crash continues where it stopped.
 *
 * `admins` are the orgs whose admins act here (all of them on one machine; a host's own orgs when the network spans
 * several): only they install and approve, and the commit waits until a majority of all orgs has approved. Returns
 * the orgs whose approval is still missing (none on one machine).
 */
export async function deployChaincode(
    layout: Layout,
    topology: Topology,
    hash: string,
    reporter: Reporter,
    switchServers: () => Promise<void>,
    admins: readonly PeerOrg[] = topology.peerOrgs,
): Promise<PeerOrg[]> {
    const first = admins[0];
    if (!first) {
        throw new Error('the topology has no peer organisations');
    }
    const committed = await queryCommitted(layout, topology, first);
    const upToDate = committed !== undefined && isCurrent(committed, topology, hash);
    const sequence = upToDate ? committed.sequence : (committed?.sequence ?? 0) + 1;
    for (const org of admins) {
        await installAndApprove(layout, topology, org, { sequence, hash }, reporter);
    }
    await switchServers();
    // once committed, an org that approves later changes nothing for the others
    const missing = upToDate ? [] : await unapproved(layout, topology, admins, sequence, hash);
    if (!upToDate && missing.length * 2 >= topology.peerOrgs.length) {
        reporter.detail(`  not committing yet: ${missing.map((org) => org.mspId).join(', ')} have not approved`);
        return missing;
    }
    if (!upToDate) {
        reporter.detail(`  committing ${topology.chaincode.name} version ${hash} sequence ${sequence}`);
        await commitDefinition(
            layout,
            topology,
            first,
            { sequence, hash },
            // the approving orgs' peers endorse the commit: they have joined the channel, and they are a majority
            topology.peerOrgs.filter((org) => !missing.includes(org)),
            reporter,
        );
    }
    return missing;
}
