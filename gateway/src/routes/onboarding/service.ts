import type { z } from 'zod';
import { onboardableRoles } from '../../../../chaincode/src/lib/auth';
import type { EnrolmentCodeStore } from '../../auth/enrolment-codes';
import { CaRejected } from '../../auth/errors';
import type { CertificateAuthorities, GatewayWallets } from '../../auth/identities';
import type { ApiKeys } from '../../auth/key-store';
import type { Principal } from '../../auth/principal';
import { ApiError } from '../../http/errors';
import type { CallerLedger } from '../../http/route';
import type { EnrolBody, EnrolResponse, OnboardBody, OnboardResponse, RevokeResponse, RotateResponse } from './schema';
import { ROLES, type Role } from '../../../../chaincode/src/vocabulary';

export interface OnboardingDeps {
    readonly keys: ApiKeys;
    readonly wallets: GatewayWallets;
    readonly cas: CertificateAuthorities;
    readonly enrolmentCodes: EnrolmentCodeStore;
}

function assertMayOnboard(principal: Principal, role: string, verb: string, whom: string): void {
    const allowed = onboardableRoles(principal);
    if (!(allowed as readonly string[]).includes(role)) {
        const may = allowed.length === 0 ? 'nobody' : allowed.join(', ');
        throw new ApiError(
            403,
            'FORBIDDEN',
            `${principal.role} of ${principal.org} may not ${verb} ${whom}: only ${may}`,
        );
    }
}

/**
 * Onboards a person into the caller's org: the ledger records who onboarded whom (and refuses a party that does not
 * exist, is not ACTIVE or is of another type), the org CA registers the person enrollable once, and the caller gets a
 * one-time enrolment code to hand over. The person's key is made only when they redeem the code ({@link enrol}).
 */
export async function onboard(
    deps: OnboardingDeps,
    principal: Principal,
    ledger: CallerLedger,
    body: z.output<typeof OnboardBody>,
): Promise<z.input<typeof OnboardResponse>> {
    assertMayOnboard(principal, body.role, 'onboard', `a ${body.role}`);
    if (deps.wallets.has(principal.org, body.username)) {
        throw new ApiError(409, 'CONFLICT', `username ${body.username} is already onboarded`);
    }
    const recorded = await ledger.submit({ fn: 'IdentityContract:RecordOnboarding', args: [JSON.stringify(body)] });
    const createdBy = `${principal.org}/${principal.username}`;
    const { code, secret, expiresAt } = await deps.enrolmentCodes.issue({ org: principal.org, ...body, createdBy });
    await deps.cas.register(principal.org, body, secret).catch(async (error: unknown) => {
        await deps.enrolmentCodes.consume(code);
        throw error;
    });
    return {
        org: principal.org,
        mspId: principal.mspId,
        ...body,
        enrolmentCode: code,
        expiresAt,
        txId: recorded.txId,
        blockNumber: recorded.blockNumber,
    };
}

const NOT_VALID = 'this enrolment code is not valid: it is unknown, already used or expired; ask for a new one';

function ledgerRole(role: string): Role {
    const found = ROLES.find((r) => r === role);
    if (found === undefined) throw new Error(`enrolment code for unknown role ${role}`);
    return found;
}

/** Redeems an enrolment code: enrols the person at the org CA with it and issues their API key, once. */
export async function enrol(
    deps: OnboardingDeps,
    body: z.output<typeof EnrolBody>,
): Promise<z.input<typeof EnrolResponse>> {
    const code = body.enrolmentCode;
    const pending = await deps.enrolmentCodes.claim(code);
    if (pending === undefined) {
        throw new ApiError(400, 'INVALID', NOT_VALID);
    }
    if (deps.wallets.has(pending.org, pending.username)) {
        await deps.enrolmentCodes.consume(code);
        throw new ApiError(400, 'INVALID', NOT_VALID);
    }
    const identity = await deps.cas
        .enroll(pending.org, pending.username, pending.secret)
        .catch(async (error: unknown) => {
            // the CA refusing the secret means it was used (its one enrolment is spent) or replaced: the code is done;
            // a CA that could not be reached leaves the code as it was
            if (error instanceof CaRejected) await deps.enrolmentCodes.consume(code);
            else await deps.enrolmentCodes.release(code);
            throw error;
        });
    deps.wallets.put(pending.org, pending.username, identity);
    const role = ledgerRole(pending.role);
    const { apiKey, record } = await deps.keys.issue({
        org: pending.org,
        username: pending.username,
        role,
        party: pending.party,
        createdBy: pending.createdBy,
    });
    await deps.enrolmentCodes.consume(code);
    return {
        org: pending.org,
        mspId: identity.mspId,
        username: pending.username,
        role,
        party: pending.party,
        keyId: record.keyId,
        apiKey,
    };
}

/** A new key for the caller's identity; the presented key stops working at once. */
export async function rotate(deps: OnboardingDeps, principal: Principal): Promise<z.output<typeof RotateResponse>> {
    const current = await deps.keys.get(principal.keyId);
    if (!current) {
        throw new ApiError(401, 'UNAUTHENTICATED', 'the presented API key is no longer active');
    }
    const { apiKey, record } = await deps.keys.issue({
        org: current.org,
        username: current.username,
        role: current.role,
        party: current.party,
        createdBy: `${principal.org}/${principal.username}`,
    });
    await deps.keys.revoke(principal.keyId, 'rotated');
    return { keyId: record.keyId, apiKey, revokedKeyId: principal.keyId };
}

/** A person onboarded but not enrolled yet: their code stops working and the CA will not enrol them. */
async function revokeUnredeemed(
    deps: OnboardingDeps,
    principal: Principal,
    username: string,
): Promise<z.output<typeof RevokeResponse>> {
    const pending = await deps.enrolmentCodes.pendingFor(principal.org, username);
    if (pending === undefined) {
        throw new ApiError(404, 'NOT_FOUND', `no onboarded username ${username} in ${principal.org}`);
    }
    assertMayOnboard(principal, pending.role, 'revoke', username);
    await deps.enrolmentCodes.cancel(principal.org, username);
    await deps.cas.revoke(principal.org, username);
    return { org: principal.org, username, revokedKeyIds: [], revokedAtCa: true };
}

/** Revokes every key of a person of the caller's org, and the person's certificates at the org CA. */
export async function revokeIdentity(
    deps: OnboardingDeps,
    principal: Principal,
    username: string,
    reason: string,
): Promise<z.output<typeof RevokeResponse>> {
    if (!deps.wallets.has(principal.org, username)) {
        return revokeUnredeemed(deps, principal, username);
    }
    // the role the certificate carries, not the active keys: a person whose keys are all revoked has none to check
    const role = deps.wallets.attributes(principal.org, username)['mpt.role'] ?? 'none';
    assertMayOnboard(principal, role, 'revoke', username);
    const active = await deps.keys.activeFor(principal.org, username);
    for (const record of active) {
        await deps.keys.revoke(record.keyId, reason);
    }
    await deps.cas.revoke(principal.org, username);
    return { org: principal.org, username, revokedKeyIds: active.map((r) => r.keyId), revokedAtCa: true };
}
