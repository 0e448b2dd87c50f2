import { defineRoute, type AnyRoute } from '../../http/route';
import { OnboardBody, OnboardResponse, RevokeBody, RevokeParams, RevokeResponse, RotateResponse } from './schema';
import { onboard, revokeIdentity, rotate, type OnboardingDeps } from './service';

/** Replays must not hand the one-time API key out again (nor may it sit in the idempotency store). */
function withoutKey<T extends { apiKey?: string | undefined }>(body: T): Omit<T, 'apiKey'> {
    const copy = { ...body };
    delete copy.apiKey;
    return copy;
}

export function onboardingRoutes(deps: OnboardingDeps): AnyRoute[] {
    return [
        defineRoute({
            method: 'post',
            path: '/v1/onboarding',
            operationId: 'onboard',
            summary: 'Onboard a person: register and enrol at the org CA, return an API key once',
            description:
                'A MarketOrg operator onboards vendors, agents, consolidators and brokers; an org admin onboards ' +
                'its own officers (operator/customs/bank); only the CustomsOrg admin onboards auditors. ' +
                'The key is only in this response.',
            tag: 'access',
            roles: ['operator', 'admin'],
            write: true,
            status: 201,
            body: OnboardBody,
            response: OnboardResponse,
            replayAs: withoutKey,
            errors: ['CONFLICT', 'CA_REJECTED', 'CA_UNAVAILABLE'],
            handle: ({ principal, body }) => onboard(deps, principal, body),
        }),
        defineRoute({
            method: 'post',
            path: '/v1/keys/rotate',
            operationId: 'rotateKey',
            summary: 'Replace the presented API key with a new one',
            tag: 'access',
            write: true,
            status: 201,
            response: RotateResponse,
            replayAs: withoutKey,
            handle: ({ principal }) => Promise.resolve(rotate(deps, principal)),
        }),
        defineRoute({
            method: 'post',
            path: '/v1/identities/:username/revoke',
            operationId: 'revokeIdentity',
            summary: 'Revoke every API key of a person and their certificates at the CA',
            tag: 'access',
            roles: ['operator', 'admin'],
            write: true,
            params: RevokeParams,
            body: RevokeBody,
            response: RevokeResponse,
            errors: ['NOT_FOUND', 'CA_REJECTED', 'CA_UNAVAILABLE'],
            handle: ({ principal, params, body }) => revokeIdentity(deps, principal, params.username, body.reason),
        }),
    ];
}
