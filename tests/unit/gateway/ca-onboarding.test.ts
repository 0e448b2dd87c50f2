import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FabricCertificateAuthorities, type CaConnection } from '../../../gateway/src/auth/identities';
import { CaRejected, CaUnavailable, UnknownOrganisation, UsernameTaken } from '../../../gateway/src/auth/errors';
import { toApiError } from '../../../gateway/src/http/errors';
import {
    CaError,
    REGISTRAR,
    Wallet,
    type CaIdentity,
    type ConnectionProfile,
    type Enrolment,
    type Registration,
} from '../../../network/client';

/** A Fabric CA in memory: registrations with their secret and attributes; enrol needs the current secret. */
class FakeCa implements CaConnection {
    readonly registered = new Map<string, { secret: string; attrs: CaIdentity['attrs'] }>();
    readonly resets: string[] = [];
    readonly registrations: Registration[] = [];
    readonly resetLimits: number[] = [];
    failEnrolOnce = false;
    #n = 0;

    register(_registrar: Enrolment, registration: Registration): Promise<string> {
        if (this.registered.has(registration.id)) {
            return Promise.reject(new CaError('already registered', 400, [{ code: 74, message: 'registered' }]));
        }
        const secret = registration.secret ?? `secret-${++this.#n}`;
        this.registered.set(registration.id, { secret, attrs: registration.attributes ?? [] });
        this.registrations.push(registration);
        return Promise.resolve(secret);
    }

    enroll(id: string, secret: string): Promise<Enrolment> {
        if (this.failEnrolOnce) {
            this.failEnrolOnce = false;
            return Promise.reject(new Error('socket hang up'));
        }
        if (this.registered.get(id)?.secret !== secret) {
            return Promise.reject(new CaError('bad secret', 401, [{ code: 20, message: 'Authentication failure' }]));
        }
        return Promise.resolve({ certificate: `cert-of-${id}`, privateKey: `key-of-${id}` });
    }

    revoke(): Promise<void> {
        return Promise.resolve();
    }

    identity(_registrar: Enrolment, id: string): Promise<CaIdentity> {
        const found = this.registered.get(id);
        return found
            ? Promise.resolve({ id, type: 'client', attrs: found.attrs })
            : Promise.reject(new CaError('no identity', 404, [{ code: 63, message: 'not found' }]));
    }

    resetSecret(_registrar: Enrolment, id: string, secret: string, maxEnrollments: number): Promise<void> {
        this.resetLimits.push(maxEnrollments);
        const found = this.registered.get(id);
        if (found) {
            this.resets.push(id);
            found.secret = secret;
        }
        return Promise.resolve();
    }

    close(): void {
        // nothing to release
    }
}

describe('onboarding at a Fabric CA', () => {
    let walletDir: string;
    let ca: FakeCa;
    let cas: FabricCertificateAuthorities;
    const stall = { username: 'stall-7', role: 'vendor', party: 'V-0007' };

    beforeEach(() => {
        walletDir = mkdtempSync(path.join(tmpdir(), 'mpt-ca-'));
        new Wallet(walletDir).put(REGISTRAR, { mspId: 'MarketOrgMSP', certificate: 'reg-cert', privateKey: 'reg-key' });
        const profile = {
            channel: 'trade',
            chaincode: 'mpt',
            orgs: [{ org: 'MarketOrg', mspId: 'MarketOrgMSP', walletDir }],
        } as unknown as ConnectionProfile;
        ca = new FakeCa();
        cas = new FabricCertificateAuthorities(profile, () => ca);
    });
    afterEach(() => {
        rmSync(walletDir, { recursive: true, force: true });
    });

    it('registers the person enrollable once with the enrolment secret, and enrols them with it', async () => {
        await cas.register('MarketOrg', stall, 'CODE-ONE');

        expect(ca.registrations).toMatchObject([{ id: 'stall-7', secret: 'CODE-ONE', maxEnrollments: 1 }]);
        await expect(cas.enroll('MarketOrg', 'stall-7', 'WRONG')).rejects.toBeInstanceOf(CaRejected);
        await expect(cas.enroll('MarketOrg', 'stall-7', 'CODE-ONE')).resolves.toEqual({
            mspId: 'MarketOrgMSP',
            certificate: 'cert-of-stall-7',
            privateKey: 'key-of-stall-7',
        });
    });

    it('registering the same person again (a new code) gives the registration the new secret', async () => {
        await cas.register('MarketOrg', stall, 'CODE-ONE');
        await cas.register('MarketOrg', stall, 'CODE-TWO');

        expect(ca.resets).toEqual(['stall-7']);
        expect(ca.resetLimits).toEqual([1]);
        await expect(cas.enroll('MarketOrg', 'stall-7', 'CODE-ONE')).rejects.toBeInstanceOf(CaRejected);
        await expect(cas.enroll('MarketOrg', 'stall-7', 'CODE-TWO')).resolves.toBeDefined();
    });

    it('a CA that cannot be reached is 503, so the code stays usable', async () => {
        await cas.register('MarketOrg', stall, 'CODE-ONE');
        ca.failEnrolOnce = true;

        await expect(cas.enroll('MarketOrg', 'stall-7', 'CODE-ONE')).rejects.toBeInstanceOf(CaUnavailable);
        await expect(cas.enroll('MarketOrg', 'stall-7', 'CODE-ONE')).resolves.toBeDefined();
    });

    it('a username registered with another role or party stays 409 and its secret untouched', async () => {
        await cas.register('MarketOrg', stall, 'CODE-ONE');

        const error = await cas
            .register('MarketOrg', { ...stall, role: 'operator' }, 'CODE-TWO')
            .catch((e: unknown) => e);

        expect(error).toBeInstanceOf(UsernameTaken);
        expect(ca.resets).toEqual([]);
    });

    it('each CA failure answers its HTTP status and code: 409 taken, 502 refused, 503 unreachable, 400 unknown org', () => {
        const answers = [
            new UsernameTaken('stall-7'),
            new CaRejected(),
            new CaUnavailable(),
            new UnknownOrganisation('X'),
        ]
            .map(toApiError)
            .map(({ status, code, message }) => ({ status, code, message }));

        expect(answers).toEqual([
            { status: 409, code: 'CONFLICT', message: 'username stall-7 is already registered at this CA' },
            { status: 502, code: 'CA_REJECTED', message: 'the certificate authority refused the request' },
            { status: 503, code: 'CA_UNAVAILABLE', message: 'the certificate authority is not reachable; retry later' },
            { status: 400, code: 'INVALID', message: 'unknown organisation X' },
        ]);
    });
});
