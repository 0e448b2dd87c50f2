import type { AnyRoute } from '../../http/route';
import { pageArgs, Reason } from '../common';
import { page } from '../common';
import { LedgerRecord, txRoute } from '../ledger-route';
import {
    AgreementBody,
    AgreementParams,
    ClusterBody,
    ClusterParams,
    PARTY_TRANSITIONS,
    PartyBody,
    PartyListQuery,
    PartyParams,
} from './schema';
import { partyArgs } from './service';

const tag = 'parties';

function transitions(): AnyRoute[] {
    return Object.entries(PARTY_TRANSITIONS).map(([action, tx]) =>
        txRoute({
            method: 'post',
            path: `/v1/parties/:partyId/${action}`,
            operationId: `${action}Party`,
            summary: `${action[0]?.toUpperCase() ?? ''}${action.slice(1)} a party filing (market operator)`,
            tag,
            write: true,
            params: PartyParams,
            body: Reason,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            tx: `PartyContract:${tx}`,
            args: ({ params, body }) => [params.partyId, body.reason],
        }),
    );
}

export function partyRoutes(): AnyRoute[] {
    return [
        txRoute({
            method: 'post',
            path: '/v1/clusters',
            operationId: 'registerCluster',
            summary: 'Register a market cluster with its streets and stalls (market operator)',
            tag,
            write: true,
            status: 201,
            body: ClusterBody,
            errors: ['CONFLICT', 'PRECONDITION'],
            tx: 'PartyContract:RegisterCluster',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/clusters/:clusterId',
            operationId: 'getCluster',
            summary: 'Read a market cluster',
            tag,
            params: ClusterParams,
            errors: ['NOT_FOUND'],
            tx: 'PartyContract:GetCluster',
            args: ({ params }) => [params.clusterId],
        }),
        txRoute({
            method: 'post',
            path: '/v1/parties',
            operationId: 'registerParty',
            summary: 'File a party: merchant, agent, buyer, producer, consolidator, broker or bank (market operator)',
            description: 'Starts as SUBMITTED; verify then activate it before it can act (V07).',
            tag,
            write: true,
            status: 201,
            body: PartyBody,
            errors: ['CONFLICT', 'PRECONDITION'],
            tx: 'PartyContract:RegisterParty',
            args: ({ body }) => partyArgs(body).args,
            transient: ({ body }) => partyArgs(body).transient,
        }),
        ...transitions(),
        txRoute({
            method: 'get',
            path: '/v1/parties',
            operationId: 'listParties',
            summary: 'List parties of one type',
            tag,
            query: PartyListQuery,
            result: page(LedgerRecord),
            tx: 'PartyContract:ListPartiesByType',
            args: ({ query }) => [query.type, ...pageArgs(query)],
        }),
        txRoute({
            method: 'get',
            path: '/v1/parties/:partyId',
            operationId: 'getParty',
            summary: 'Read a party filing',
            tag,
            params: PartyParams,
            errors: ['NOT_FOUND'],
            tx: 'PartyContract:GetParty',
            args: ({ params }) => [params.partyId],
        }),
        txRoute({
            method: 'get',
            path: '/v1/parties/:partyId/private',
            operationId: 'getPartyPrivate',
            summary: 'Read a party’s personal data from the private collection (operator, customs)',
            tag,
            params: PartyParams,
            errors: ['NOT_FOUND'],
            tx: 'PartyContract:GetPartyPrivate',
            args: ({ params }) => [params.partyId],
        }),
        txRoute({
            method: 'post',
            path: '/v1/agreements',
            operationId: 'fileAgreement',
            summary: 'File an agency export agreement merchant↔agent (V10)',
            tag,
            write: true,
            status: 201,
            body: AgreementBody,
            errors: ['CONFLICT', 'PRECONDITION'],
            tx: 'PartyContract:FileAgencyAgreement',
            args: ({ body }) => [JSON.stringify(body)],
        }),
        txRoute({
            method: 'post',
            path: '/v1/agreements/:agreementNo/sign',
            operationId: 'signAgreement',
            summary: 'Sign an agency agreement (the merchant)',
            tag,
            write: true,
            params: AgreementParams,
            errors: ['NOT_FOUND', 'CONFLICT', 'PRECONDITION'],
            tx: 'PartyContract:SignAgencyAgreement',
            args: ({ params }) => [params.agreementNo],
        }),
        txRoute({
            method: 'get',
            path: '/v1/agreements/:agreementNo',
            operationId: 'getAgreement',
            summary: 'Read an agency agreement',
            tag,
            params: AgreementParams,
            errors: ['NOT_FOUND'],
            tx: 'PartyContract:GetAgencyAgreement',
            args: ({ params }) => [params.agreementNo],
        }),
    ];
}
