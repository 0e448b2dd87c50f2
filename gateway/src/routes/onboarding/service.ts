import type { z } from 'zod';
import type { Role } from '../../../../chaincode/src/lib/auth';
import type { CertificateAuthorities, GatewayWallets } from '../../auth/identities';
import type { ApiKeyStore } from '../../auth/key-store';
import type { Principal } from '../../auth/principal';
import { ApiError } from '../../http/errors';
import type { OnboardBody, OnboardResponse, RevokeResponse, RotateResponse } from './schema';

export interface OnboardingDeps {
    readonly keys: ApiKeyStore;
    readonly wallets: GatewayWallets;
    readonly cas: CertificateAuthorities;
}

const MARKET_PARTIES: readonly Role[] = ['vendor', 'agent', 'consolidator', 'broker'];

/**
 * Which roles a caller may onboard in its own org: an org admin its org's roles, a market operator market parties.
 * Auditors read everything, so the chaincode accepts them only from CustomsOrgMSP: only its admin onboards them.
 */
export function onboardableRoles(principal: Principal): readonly Role[] {
    if (principal.role === 'operator' && principal.mspId === 'MarketOrgMSP') {
        return MARKET_PARTIES;
    }
    if (principal.role !== 'admin') {
        return [];
    }
    if (principal.mspId === 'MarketOrgMSP') {
        return ['operator', ...MARKET_PARTIES];
    }
    if (principal.mspId === 'CustomsOrgMSP') {
        return ['customs', 'auditor'];
    }
    return /^Bank[A-Za-z0-9]*MSP$/.test(principal.mspId) ? ['bank'] : [];
}

/** Registers and enrols a person at the caller's org CA, keeps the identity in the gateway wallet, issues a key. */
export async function onboard(
    deps: OnboardingDeps,
    principal: Principal,
    body: z.output<typeof OnboardBody>,
): Promise<z.output<typeof OnboardResponse>> {
    const allowed = onboardableRoles(principal);
    if (!allowed.includes(body.role)) {
        throw new ApiError(
            403,
            'FORBIDDEN',
            `${principal.role} of ${principal.org} may onboard only ${allowed.join(', ') || 'nobody'}`,
        );
    }
    if (deps.wallets.has(principal.org, body.username)) {
        throw new ApiError(409, 'CONFLICT', `username ${body.username} is already onboarded`);
    }
    const identity = await deps.cas.enroll(principal.org, body);
    deps.wallets.put(principal.org, body.username, identity);
    const { apiKey, record } = deps.keys.issue({
        org: principal.org,
        username: body.username,
        role: body.role,
        party: body.party,
        createdBy: `${principal.org}/${principal.username}`,
    });
    return { org: principal.org, mspId: identity.mspId, ...body, keyId: record.keyId, apiKey };
}

/** A new key for the caller's identity; the presented key stops working at once. */
export function rotate(deps: OnboardingDeps, principal: Principal): z.output<typeof RotateResponse> {
    const current = deps.keys.get(principal.keyId);
    if (!current) {
        throw new ApiError(401, 'UNAUTHENTICATED', 'the presented API key is no longer active');
    }
    const { apiKey, record } = deps.keys.issue({
        org: current.org,
        username: current.username,
        role: current.role,
        party: current.party,
        createdBy: `${principal.org}/${principal.username}`,
    });
    deps.keys.revoke(principal.keyId, 'rotated');
    return { keyId: record.keyId, apiKey, revokedKeyId: principal.keyId };
}

/** Revokes every key of a person of the caller's org, and the person's certificates at the org CA. */
export async function revokeIdentity(
    deps: OnboardingDeps,
    principal: Principal,
    username: string,
    reason: string,
): Promise<z.output<typeof RevokeResponse>> {
    if (!deps.wallets.has(principal.org, username)) {
        throw new ApiError(404, 'NOT_FOUND', `no onboarded username ${username} in ${principal.org}`);
    }
    // the role the certificate carries, not the active keys: a person whose keys are all revoked has none to check
    const role = deps.wallets.attributes(principal.org, username)['mpt.role'];
    if (role === undefined || !(onboardableRoles(principal) as readonly string[]).includes(role)) {
        throw new ApiError(403, 'FORBIDDEN', `${principal.role} may not revoke ${username}`);
    }
    const active = deps.keys.activeFor(principal.org, username);
    for (const record of active) {
        deps.keys.revoke(record.keyId, reason);
    }
    await deps.cas.revoke(principal.org, username);
    return { org: principal.org, username, revokedKeyIds: active.map((r) => r.keyId), revokedAtCa: true };
}
