import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
    CaError,
    FabricCaClient,
    REGISTRAR,
    userAttributes,
    Wallet,
    type CaIdentity,
    type ConnectionProfile,
    type Enrolment,
    type OrgConnection,
    type Registration,
    type StoredIdentity,
} from '../../../network/client';
import type { LedgerIdentity } from '../ledger/ledger';
import { privateDir } from '../store/files';
import {
    CaRejected,
    CaUnavailable,
    UnknownOrganisation,
    UsernameTaken,
    type CertificateAuthorityError,
} from './errors';

export interface NewUser {
    readonly username: string;
    readonly role: string;
    readonly party: string;
}

/** The orgs' certificate authorities, as the gateway uses them: register, enrol and revoke people. */
export interface CertificateAuthorities {
    /**
     * Registers `username` with `mpt.role`/`mpt.party` at the org's CA, enrollable once with `secret`; 409 when the
     * username is taken by someone else. A registration with the same role and party (an enrolment code that expired,
     * or an onboarding whose answer was lost) gets `secret` as its new secret, again enrollable once: a person who
     * already enrolled under it cannot enrol again.
     */
    register(org: string, user: NewUser, secret: string): Promise<void>;
    /** Enrols a registered person with their one-use secret: the certificate and key for the gateway wallet. */
    enroll(org: string, username: string, secret: string): Promise<StoredIdentity>;
    /** Revokes every certificate of `username` at the org's CA. */
    revoke(org: string, username: string): Promise<void>;
}

const ALREADY_REGISTERED = 74;

const alreadyRegistered = (error: unknown): boolean =>
    error instanceof CaError && error.caErrors.some((e) => e.code === ALREADY_REGISTERED);

/** What the gateway does at one org's CA (a seam for tests; by default the Fabric CA REST API). */
export interface CaConnection {
    register(registrar: Enrolment, registration: Registration): Promise<string>;
    enroll(id: string, secret: string): Promise<Enrolment>;
    revoke(registrar: Enrolment, id: string, reason?: string): Promise<void>;
    identity(registrar: Enrolment, id: string): Promise<CaIdentity>;
    resetSecret(registrar: Enrolment, id: string, secret: string, maxEnrollments: number): Promise<void>;
    close(): void;
}

function connectCa(connection: OrgConnection): CaConnection {
    const options = {
        url: connection.caUrl,
        tlsCaPem: readFileSync(connection.caTlsCaFile, 'utf8'),
        caName: connection.caName,
    };
    const client = new FabricCaClient(options);
    return {
        register: (registrar, registration) => client.register(registrar, registration),
        enroll: (id, secret) => client.enroll(id, secret),
        revoke: (registrar, id, reason) => client.revoke(registrar, id, reason),
        identity: (registrar, id) => client.identity(registrar, id),
        resetSecret: (registrar, id, secret, maxEnrollments) =>
            client.resetSecret(registrar, id, secret, maxEnrollments),
        close: (): void => {
            client.close();
        },
    };
}

function caFailure(error: unknown, username: string): CertificateAuthorityError {
    if (error instanceof CaError) {
        return alreadyRegistered(error) ? new UsernameTaken(username, error) : new CaRejected(error);
    }
    return new CaUnavailable(error);
}

/** Fabric CAs of the connection profile, acting through each org's restricted registrar (network wallet). */
export class FabricCertificateAuthorities implements CertificateAuthorities {
    readonly #profile: ConnectionProfile;
    readonly #connect: (connection: OrgConnection) => CaConnection;

    constructor(profile: ConnectionProfile, connect: (connection: OrgConnection) => CaConnection = connectCa) {
        this.#profile = profile;
        this.#connect = connect;
    }

    async register(org: string, user: NewUser, secret: string): Promise<void> {
        await this.#withCa(org, user.username, (ca, registrar) => this.#registerOnce(ca, registrar, user, secret));
    }

    async enroll(org: string, username: string, secret: string): Promise<StoredIdentity> {
        return this.#withCa(org, username, async (ca, _registrar, connection) => {
            const enrolment = await ca.enroll(username, secret);
            return { mspId: connection.mspId, ...enrolment };
        });
    }

    async revoke(org: string, username: string): Promise<void> {
        await this.#withCa(org, username, (ca, registrar) => ca.revoke(registrar, username, 'unspecified'));
    }

    /**
     * A new registration enrollable once with `secret`; a registration of the same person (same role and party) left
     * by an earlier onboarding gets `secret` instead of its old one. Anyone else's: 409.
     */
    async #registerOnce(ca: CaConnection, registrar: Enrolment, user: NewUser, secret: string): Promise<void> {
        const attributes = userAttributes(user);
        try {
            await ca.register(registrar, { id: user.username, secret, attributes, maxEnrollments: 1 });
        } catch (error) {
            if (!alreadyRegistered(error)) {
                throw error;
            }
            const registered = await ca.identity(registrar, user.username);
            const same = attributes.every((want) =>
                registered.attrs.some((have) => have.name === want.name && have.value === want.value),
            );
            if (!same) {
                throw error;
            }
            await ca.resetSecret(registrar, user.username, secret, 1);
        }
    }

    async #withCa<T>(
        org: string,
        username: string,
        act: (ca: CaConnection, registrar: StoredIdentity, connection: OrgConnection) => Promise<T>,
    ): Promise<T> {
        const connection = this.#profile.orgs.find((o) => o.org === org);
        if (!connection) {
            throw new UnknownOrganisation(org);
        }
        const registrar = new Wallet(connection.walletDir).get(REGISTRAR);
        const ca = this.#connect(connection);
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
    readonly #attributesOf: (certificate: string) => Record<string, string>;

    /** `attributesOf` reads `mpt.*` out of a certificate (a seam for tests with fake certificates). */
    constructor(
        dataDir: string,
        attributesOf: (certificate: string) => Record<string, string> = certificateAttributes,
    ) {
        this.#root = privateDir(path.join(privateDir(dataDir), 'wallets'));
        this.#attributesOf = attributesOf;
    }

    /** `mpt.role` / `mpt.party` of the certificate the wallet holds: what the person is, whatever their keys. */
    attributes(org: string, username: string): Record<string, string> {
        return this.#attributesOf(this.identity(org, username).certificate);
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
