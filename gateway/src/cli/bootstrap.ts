import { BOOTSTRAP_ADMIN, readConnectionProfile, REGISTRAR, Wallet } from '../../../network/client';
import { certificateAttributes, GatewayWallets } from '../auth/identities';
import { ApiKeyStore } from '../auth/key-store';
import { GATEWAY_ROLES, type GatewayRole } from '../auth/principal';
import { loadConfigOrExit } from '../config';

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
 * officers, no ledger role). Identities that already have a key keep it unless `rotate` is set.
 */
export function bootstrap(options: { connectionProfile: string; dataDir: string; rotate?: boolean }): IssuedKey[] {
    const profile = readConnectionProfile(options.connectionProfile);
    const wallets = new GatewayWallets(options.dataDir);
    const keys = new ApiKeyStore(options.dataDir);
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
            const existing = keys.activeFor(org.org, name);
            const first = existing[0];
            if (first && !options.rotate) {
                issued.push({ org: org.org, username: name, role, party, keyId: first.keyId });
                continue;
            }
            for (const old of existing) {
                keys.revoke(old.keyId, 'rotated by bootstrap');
            }
            const { apiKey, record } = keys.issue({
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

function main(): void {
    const rotate = process.argv.includes('--rotate');
    const config = loadConfigOrExit();
    const issued = bootstrap({ connectionProfile: config.connectionProfile, dataDir: config.dataDir, rotate });
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
        `API keys (shown once; the gateway keeps only their hashes in ${config.dataDir}):\n${lines.join('\n')}\n`,
    );
}

if (require.main === module) {
    main();
}
