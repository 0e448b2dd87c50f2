import { defineRoute, type AnyRoute } from '../../http/route';
import { fromLedger } from '../common';
import { MeResponse } from './schema';

export function meRoutes(): AnyRoute[] {
    return [
        defineRoute({
            method: 'get',
            path: '/v1/me',
            operationId: 'me',
            ledger: ['IdentityContract.WhoAmI'],
            summary: 'Who the caller is, for the gateway and for the ledger',
            tag: 'identity',
            response: MeResponse,
            handle: async ({ principal, ledger }) => ({
                keyId: principal.keyId,
                org: principal.org,
                mspId: principal.mspId,
                username: principal.username,
                role: principal.role,
                party: principal.party,
                ledger: fromLedger(MeResponse.shape.ledger, await ledger.evaluate({ fn: 'IdentityContract:WhoAmI' })),
            }),
        }),
    ];
}
