import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { topologyHash } from './generate';
import type { HostPart } from './hosts';
import type { Layout } from './layout';
import type { Topology } from './topology';

/**
 * The files one host gives the others, in one file: what they need to trust and reach its nodes (MSP certificates,
 * TLS CA certificates, CA certificates) and, from the orderer's host, the channel's genesis block. Public material
 * only: private keys never leave the host they were made on.
 */
export const BUNDLE_FORMAT = 'mpt-host-bundle/1';

const bundleSchema = z.strictObject({
    format: z.literal(BUNDLE_FORMAT),
    /** The host that wrote it (its label). */
    from: z.string(),
    /** Hosts must run the same topology: the hash `generate` records. */
    topology: z.string(),
    /** Path under the state directory → content, base64. */
    files: z.record(z.string(), z.string()),
});

export type Bundle = z.infer<typeof bundleSchema>;

/** Where public material may go in a state directory; anything else in a bundle is refused. */
const PUBLIC_PATH =
    /^crypto\/(peer|orderer)Organizations\/[a-z0-9.-]+\/(msp\/(cacerts|tlscacerts|admincerts)\/[^/]+\.pem|msp\/config\.yaml|tlsca\/tlsca\.[a-z0-9.-]+-cert\.pem|ca\/ca\.[a-z0-9.-]+-cert\.pem)$/;

const isPrivate = (content: Buffer): boolean => content.toString('utf8').includes('PRIVATE KEY');

function orgDirs(layout: Layout, topology: Topology): string[] {
    return [layout.ordererOrgDir(topology), ...topology.peerOrgs.map((org) => layout.peerOrgDir(org))];
}

/** The org directories whose keys this host made: a bundle never overwrites them. */
function ownDirs(layout: Layout, topology: Topology, host: HostPart): string[] {
    return [
        ...(host.ordererNodes.length > 0 ? [layout.ordererOrgDir(topology)] : []),
        ...host.peerOrgs.map((org) => layout.peerOrgDir(org)),
    ];
}

function filesUnder(dir: string): string[] {
    if (!existsSync(dir)) {
        return [];
    }
    return readdirSync(dir).flatMap((entry) => {
        const full = path.join(dir, entry);
        return statSync(full).isDirectory() ? filesUnder(full) : [full];
    });
}

/**
 * The bundle of everything public this host holds: its own orgs' certificates, those it imported from other hosts
 * (so the orderer's host can pass every org's on to all), and the channel's genesis block once it exists.
 */
export function exportBundle(layout: Layout, topology: Topology, host: HostPart): Bundle {
    const files: Record<string, string> = {};
    const candidates = [...orgDirs(layout, topology).flatMap(filesUnder), layout.channelBlock(topology)];
    for (const file of candidates) {
        const relative = path.relative(layout.root, file);
        const isBlock = file === layout.channelBlock(topology);
        if (!existsSync(file) || (!isBlock && !PUBLIC_PATH.test(relative))) {
            continue;
        }
        const content = readFileSync(file);
        if (isPrivate(content)) {
            throw new Error(`${file} holds a private key; it must not leave host ${host.name}`);
        }
        files[relative] = content.toString('base64');
    }
    return { format: BUNDLE_FORMAT, from: host.name, topology: topologyHash(topology), files };
}

export function writeBundle(file: string, bundle: Bundle): void {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, JSON.stringify(bundle));
}

/** A bundle file, checked to be one and made from the same topology. */
function readBundle(file: string, topology: Topology): Bundle {
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
        throw new Error(`cannot read bundle ${file}: ${(error as Error).message}`, { cause: error });
    }
    const result = bundleSchema.safeParse(parsed);
    if (!result.success) {
        throw new Error(`${file} is not a host bundle (${BUNDLE_FORMAT}): ${result.error.issues[0]?.message ?? ''}`);
    }
    if (result.data.topology !== topologyHash(topology)) {
        throw new Error(
            `bundle ${file} from host ${result.data.from} was made from another topology: every host must run the ` +
                'same topology file',
        );
    }
    return result.data;
}

/**
 * Reads another host's bundle into this host's state directory, at the paths this host's own tools look for them.
 * Refuses a bundle of another topology and anything that is not public material; never overwrites what this host
 * made itself. Returns the paths written.
 */
export function importBundle(layout: Layout, topology: Topology, host: HostPart, file: string): string[] {
    const bundle = readBundle(file, topology);
    const block = path.relative(layout.root, layout.channelBlock(topology));
    const own = ownDirs(layout, topology, host).map((dir) => `${path.relative(layout.root, dir)}/`);
    const written: string[] = [];
    for (const [relative, base64] of Object.entries(bundle.files)) {
        if (relative !== block && !PUBLIC_PATH.test(relative)) {
            throw new Error(`bundle ${file} holds ${relative}, which is not public material; nothing imported`);
        }
        const content = Buffer.from(base64, 'base64');
        if (isPrivate(content)) {
            throw new Error(`bundle ${file} holds a private key in ${relative}; nothing imported`);
        }
        if (own.some((dir) => relative.startsWith(dir))) {
            continue;
        }
        written.push(relative);
    }
    for (const relative of written) {
        const target = path.join(layout.root, relative);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, Buffer.from(bundle.files[relative] ?? '', 'base64'));
    }
    return written;
}
