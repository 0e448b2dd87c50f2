import { definePublicRoute, defineRoute, type AnyRoute } from '../../http/route';
import {
    EnrolBody,
    EnrolResponse,
    OnboardBody,
    OnboardResponse,
    RevokeBody,
    RevokeParams,
    RevokeResponse,
    RotateResponse,
} from './schema';
import { enrol, onboard, revokeIdentity, rotate, type OnboardingDeps } from './service';

/** Replays must not hand a one-time secret out again (nor may it sit in the idempotency store). */
function without(secret: string): (body: object) => Record<string, unknown> {
    return (body) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== secret));
}

export function onboardingRoutes(deps: OnboardingDeps): AnyRoute[] {
    return [
        defineRoute({
            method: 'post',
            path: '/v1/onboarding',
            operationId: 'onboard',
            summary:
                'Onboard a person: record who onboards whom on the ledger, register at the org CA, return an enrolment code',
            description:
                'A MarketOrg operator onboards vendors, agents, consolidators and brokers; an org admin onboards ' +
                'its own officers (operator/customs/bank); only the CustomsOrg admin onboards auditors. A party role ' +
                'needs an ACTIVE party of its type. The answer holds a one-time enrolment code (only in this ' +
                'response) that the person redeems at POST /v1/enrolment for their own API key; onboarding the same ' +
                'person again before they redeem it issues a new code and ends the old one.',
            tag: 'access',
            roles: ['operator', 'admin'],
            ledger: ['IdentityContract.RecordOnboarding'],
            write: true,
            status: 201,
            body: OnboardBody,
            response: OnboardResponse,
            replayAs: without('enrolmentCode'),
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION', 'CA_REJECTED', 'CA_UNAVAILABLE'],
            handle: ({ principal, ledger, body }) => onboard(deps, principal, ledger, body),
        }),
        definePublicRoute({
            method: 'post',
            path: '/v1/enrolment',
            operationId: 'enrol',
            summary: 'Redeem an enrolment code for your own API key (no API key needed)',
            description:
                'The person an official onboarded sends the code they were given; the gateway enrols them at their ' +
                'org CA and answers their API key, once. An unknown, used or expired code is 400.',
            tag: 'access',
            status: 201,
            body: EnrolBody,
            response: EnrolResponse,
            errors: ['CA_REJECTED', 'CA_UNAVAILABLE'],
            handle: ({ body }) => enrol(deps, body),
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
            replayAs: without('apiKey'),
            handle: ({ principal }) => rotate(deps, principal),
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
