import { BOOTSTRAP_ADMIN, readConnectionProfile, REGISTRAR, Wallet } from '../../../network/client';
import { certificateAttributes, GatewayWallets } from '../auth/identities';
import type { ApiKeys } from '../auth/key-store';
import { GATEWAY_ROLES, type GatewayRole } from '../auth/principal';
import { loadConfigOrExit } from '../config';
import { openGatewayState } from '../state';

export interface IssuedKey {
    readonly org: string;
    readonly username: string;
    readonly role: GatewayRole;
    readonly party: string | null;
    readonly keyId: string;
    /** Absent when the identity already had a key and `rotate` was not asked for. */
    readonly apiKey?: string;
}

const isRole = (value: string | undefined): value is GatewayRole =>
    value !== undefined && (GATEWAY_ROLES as readonly string[]).includes(value);

/**
 * Copies the network's demo users and each org's registrar into the gateway's wallets and issues API keys:
 * demo users get their certificate's mpt.role/mpt.party; the registrar becomes the org's `admin` (onboards
 * officers, no ledger role). Identities that already have a key keep it unless `rotate` is set. The keys go where
 * the gateway keeps them: PostgreSQL when `databaseUrl` is set, else the data directory.
 */
export async function bootstrap(options: {
    connectionProfile: string;
    dataDir: string;
    rotate?: boolean;
    databaseUrl?: string | undefined;
    stateSchema?: string;
}): Promise<IssuedKey[]> {
    const state = await openGatewayState({
        dataDir: options.dataDir,
        databaseUrl: options.databaseUrl,
        ...(options.stateSchema === undefined ? {} : { schema: options.stateSchema }),
    });
    try {
        return await issueKeys(options, state.keys);
    } finally {
        await state.close();
    }
}

async function issueKeys(
    options: { connectionProfile: string; dataDir: string; rotate?: boolean },
    keys: ApiKeys,
): Promise<IssuedKey[]> {
    const profile = readConnectionProfile(options.connectionProfile);
    const wallets = new GatewayWallets(options.dataDir);
    const issued: IssuedKey[] = [];
    for (const org of profile.orgs) {
        const network = new Wallet(org.walletDir);
        for (const name of network.list().filter((n) => n !== BOOTSTRAP_ADMIN)) {
            const identity = network.get(name);
            const attrs = certificateAttributes(identity.certificate);
            const role = name === REGISTRAR ? 'admin' : attrs['mpt.role'];
            if (!isRole(role)) {
                continue;
            }
            const party = name === REGISTRAR ? null : (attrs['mpt.party'] ?? null);
            wallets.put(org.org, name, identity);
            const existing = await keys.activeFor(org.org, name);
            const first = existing[0];
            if (first && !options.rotate) {
                issued.push({ org: org.org, username: name, role, party, keyId: first.keyId });
                continue;
            }
            for (const old of existing) {
                await keys.revoke(old.keyId, 'rotated by bootstrap');
            }
            const { apiKey, record } = await keys.issue({
                org: org.org,
                username: name,
                role,
                party,
                createdBy: 'bootstrap',
            });
            issued.push({ org: org.org, username: name, role, party, keyId: record.keyId, apiKey });
        }
    }
    return issued;
}

async function main(): Promise<void> {
    const rotate = process.argv.includes('--rotate');
    const config = loadConfigOrExit();
    const issued = await bootstrap({
        connectionProfile: config.connectionProfile,
        dataDir: config.dataDir,
        rotate,
        databaseUrl: config.databaseUrl,
        stateSchema: config.stateSchema,
    });
    const lines = issued.map((k) =>
        [
            k.org.padEnd(11),
            k.username.padEnd(10),
            k.role.padEnd(9),
            (k.party ?? '-').padEnd(13),
            k.apiKey ?? `(has key ${k.keyId}; --rotate for a new one)`,
        ].join(' '),
    );
    process.stdout.write(
        `API keys (shown once; the gateway keeps only their hashes in ${config.databaseUrl === undefined ? config.dataDir : `PostgreSQL schema ${config.stateSchema}`}):\n${lines.join('\n')}\n`,
    );
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`bootstrap failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
