import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
    BOOTSTRAP_ADMIN,
    CaError,
    FabricCaClient,
    REGISTRAR,
    userAttributes,
    Wallet,
    type StoredIdentity,
} from '../client';
import type { Layout } from './layout';
import { caName, caUrl } from './nodes';
import type { PeerOrg } from './topology';

/** The CA's bootstrap password: random, made once, readable only by the owner. */
export function bootstrapSecret(layout: Layout, org: PeerOrg): string {
    const file = path.join(layout.caHome(org), 'bootstrap-secret');
    if (!existsSync(file)) {
        mkdirSync(layout.caHome(org), { recursive: true, mode: 0o700 });
        writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
    }
    return readFileSync(file, 'utf8').trim();
}

export function caClient(layout: Layout, org: PeerOrg): FabricCaClient {
    return new FabricCaClient({
        url: caUrl(org),
        tlsCaPem: readFileSync(layout.orgCaCert(org), 'utf8'),
        caName: caName(org),
    });
}

const ALREADY_REGISTERED = 74;

/**
 * Registers (if new) and enrols an identity into the wallet. The secret is kept beside the wallet before
 * registering, so a crash between register and enrol is finished by the next run instead of failing.
 */
async function enrolInto(
    wallet: Wallet,
    ca: FabricCaClient,
    registrar: StoredIdentity,
    name: string,
    attributes: { name: string; value: string }[],
): Promise<void> {
    if (wallet.has(name)) {
        return;
    }
    const secretFile = path.join(wallet.dir, `.${name}.secret`);
    mkdirSync(wallet.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(secretFile)) {
        writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    }
    const secret = readFileSync(secretFile, 'utf8');
    try {
        await ca.register(registrar, { id: name, secret, attributes });
    } catch (error) {
        if (!(error instanceof CaError && error.caErrors.some((e) => e.code === ALREADY_REGISTERED))) {
            throw error;
        }
    }
    const enrolment = await ca.enroll(name, secret);
    wallet.put(name, { mspId: registrar.mspId, ...enrolment });
    // the certificate is in the wallet now; nobody needs the secret again, so nobody can enrol with it
    rmSync(secretFile);
}

/**
 * Enrols the org's bootstrap admin, a restricted registrar (may only register clients with mpt.* attributes:
 * the identity the gateway uses to onboard people) and the topology's demo users with their mpt.role and
 * mpt.party attributes.
 */
export async function ensureIdentities(layout: Layout, org: PeerOrg): Promise<Wallet> {
    const wallet = new Wallet(layout.usersDir(org));
    const ca = caClient(layout, org);
    try {
        if (!wallet.has(BOOTSTRAP_ADMIN)) {
            const enrolment = await ca.enroll(BOOTSTRAP_ADMIN, bootstrapSecret(layout, org));
            wallet.put(BOOTSTRAP_ADMIN, { mspId: org.mspId, ...enrolment });
        }
        const admin = wallet.get(BOOTSTRAP_ADMIN);
        await enrolInto(wallet, ca, admin, REGISTRAR, [
            { name: 'hf.Registrar.Roles', value: 'client' },
            { name: 'hf.Registrar.Attributes', value: 'mpt.*' },
            { name: 'hf.Revoker', value: 'true' },
        ]);
        const registrar = wallet.get(REGISTRAR);
        for (const user of org.users) {
            await enrolInto(wallet, ca, registrar, user.name, userAttributes(user));
        }
    } finally {
        ca.close();
    }
    return wallet;
}
