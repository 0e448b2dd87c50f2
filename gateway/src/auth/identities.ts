import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CaError, FabricCaClient } from '../../../network/src/ca/client';
import type { ConnectionProfile, OrgConnection } from '../../../network/src/connection';
import { REGISTRAR, userAttributes } from '../../../network/src/identities';
import { Wallet, type StoredIdentity } from '../../../network/src/wallet';
import { ApiError } from '../http/errors';
import type { LedgerIdentity } from '../ledger/ledger';
import { privateDir } from '../store/files';

export interface NewUser {
    readonly username: string;
    readonly role: string;
    readonly party: string;
}

/** The orgs' certificate authorities, as the gateway uses them: onboard (register + enrol) and revoke. */
export interface CertificateAuthorities {
    /** Registers `username` with `mpt.role`/`mpt.party` at the org's CA and enrols it; 409 when taken. */
    enroll(org: string, user: NewUser): Promise<StoredIdentity>;
    /** Revokes every certificate of `username` at the org's CA. */
    revoke(org: string, username: string): Promise<void>;
}

const ALREADY_REGISTERED = 74;

function caFailure(error: unknown, username: string): ApiError {
    if (error instanceof CaError) {
        if (error.caErrors.some((e) => e.code === ALREADY_REGISTERED)) {
            return new ApiError(409, 'CONFLICT', `username ${username} is already registered at this CA`);
        }
        return new ApiError(502, 'CA_REJECTED', 'the certificate authority refused the request');
    }
    return new ApiError(503, 'CA_UNAVAILABLE', 'the certificate authority is not reachable; retry later');
}

/** Fabric CAs of the connection profile, acting through each org's restricted registrar (network wallet). */
export class FabricCertificateAuthorities implements CertificateAuthorities {
    readonly #profile: ConnectionProfile;

    constructor(profile: ConnectionProfile) {
        this.#profile = profile;
    }

    async enroll(org: string, user: NewUser): Promise<StoredIdentity> {
        return this.#withCa(org, user.username, async (ca, registrar, connection) => {
            const secret = await ca.register(registrar, {
                id: user.username,
                attributes: userAttributes(user),
                maxEnrollments: -1,
            });
            const enrolment = await ca.enroll(user.username, secret);
            return { mspId: connection.mspId, ...enrolment };
        });
    }

    async revoke(org: string, username: string): Promise<void> {
        await this.#withCa(org, username, (ca, registrar) => ca.revoke(registrar, username, 'unspecified'));
    }

    async #withCa<T>(
        org: string,
        username: string,
        act: (ca: FabricCaClient, registrar: StoredIdentity, connection: OrgConnection) => Promise<T>,
    ): Promise<T> {
        const connection = this.#profile.orgs.find((o) => o.org === org);
        if (!connection) {
            throw new ApiError(400, 'INVALID', `unknown organisation ${org}`);
        }
        const registrar = new Wallet(connection.walletDir).get(REGISTRAR);
        const ca = new FabricCaClient({
            url: connection.caUrl,
            tlsCaPem: readFileSync(connection.caTlsCaFile, 'utf8'),
            caName: connection.caName,
        });
        try {
            return await act(ca, registrar, connection);
        } catch (error) {
            throw caFailure(error, username);
        } finally {
            ca.close();
        }
    }
}

export function ledgerIdentity(identity: StoredIdentity): LedgerIdentity {
    return { key: createHash('sha256').update(identity.certificate).digest('hex'), ...identity };
}

/** The gateway's own wallets, one directory per org under `<dataDir>/wallets` (0700, keys 0600). */
export class GatewayWallets {
    readonly #root: string;
    readonly #cache = new Map<string, LedgerIdentity>();

    constructor(dataDir: string) {
        this.#root = privateDir(path.join(privateDir(dataDir), 'wallets'));
    }

    wallet(org: string): Wallet {
        return new Wallet(path.join(this.#root, org));
    }

    put(org: string, username: string, identity: StoredIdentity): void {
        this.wallet(org).put(username, identity);
        this.#cache.delete(`${org}/${username}`);
    }

    has(org: string, username: string): boolean {
        return this.wallet(org).has(username);
    }

    identity(org: string, username: string): LedgerIdentity {
        const cacheKey = `${org}/${username}`;
        let identity = this.#cache.get(cacheKey);
        if (!identity) {
            identity = ledgerIdentity(this.wallet(org).get(username));
            this.#cache.set(cacheKey, identity);
        }
        return identity;
    }
}

/** `mpt.role` / `mpt.party` as the CA wrote them into the certificate (Fabric's attribute extension). */
export function certificateAttributes(pem: string): Record<string, string> {
    const der = new X509Certificate(pem).raw.toString('latin1');
    const start = der.indexOf('{"attrs":');
    if (start < 0) {
        return {};
    }
    let depth = 0;
    for (let i = start; i < der.length; i++) {
        if (der[i] === '{') depth++;
        if (der[i] === '}') depth--;
        if (depth === 0) {
            const parsed = JSON.parse(der.slice(start, i + 1)) as { attrs?: Record<string, string> };
            return parsed.attrs ?? {};
        }
    }
    return {};
}
