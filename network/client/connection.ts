import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_STATE_DIR } from './paths';

const file = z.string().min(1);

const orgConnectionSchema = z
    .strictObject({
        org: z.string().min(1),
        mspId: z.string().min(1),
        peerEndpoint: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port'),
        /** The name in the peer's TLS certificate, used when the endpoint is an IP address. */
        peerHostAlias: z.string().min(1),
        peerTlsCaFile: file,
        caUrl: z.url({ protocol: /^https$/ }),
        caName: z.string().min(1),
        caTlsCaFile: file,
        /** Wallet with this org's enrolled users (registrar and demo users). */
        walletDir: file,
    })
    .readonly();

const connectionProfileSchema = z
    .strictObject({
        channel: z.string().min(1),
        chaincode: z.string().min(1),
        orgs: z.array(orgConnectionSchema).min(1).readonly(),
    })
    .readonly();

/** Everything a client needs to reach one organisation: its peer, its CA and its wallet. */
export type OrgConnection = z.infer<typeof orgConnectionSchema>;

/** What `network:up` writes to `<state dir>/connection.json`: the channel, the chaincode and every peer org. */
export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;

/** The connection profile's name in a network's state directory. */
export const CONNECTION_PROFILE = 'connection.json';

/** The default network's connection profile: in MPT_STATE_DIR, default .fabric/net (where `network:up` writes it). */
export const defaultConnectionProfileFile = (): string =>
    path.join(process.env.MPT_STATE_DIR || DEFAULT_STATE_DIR(), CONNECTION_PROFILE);

/** Checks a connection profile; every problem is reported with its field path and `source` (the file). */
export function parseConnectionProfile(value: unknown, source: string): ConnectionProfile {
    const parsed = connectionProfileSchema.safeParse(value);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
        throw new Error(`invalid connection profile ${source}:\n${problems.join('\n')}`);
    }
    return parsed.data;
}

/** Reads and checks a connection profile file (written by `network:up`). */
export function readConnectionProfile(file: string): ConnectionProfile {
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch (error) {
        throw new Error(`cannot read connection profile ${file} (is the network up?): ${(error as Error).message}`, {
            cause: error,
        });
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new Error(`invalid connection profile ${file}: not JSON: ${(error as Error).message}`, {
            cause: error,
        });
    }
    return parseConnectionProfile(value, path.resolve(file));
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
