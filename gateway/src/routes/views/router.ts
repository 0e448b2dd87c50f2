import { ApiError } from '../../http/errors';
import { defineRoute, type AnyRoute } from '../../http/route';
import {
    assertIndicatorReader,
    bankSeesParty,
    chinaToday,
    INDICATOR_LISTS,
    indicatorRoles,
    marketIndicators,
    RISK_SCORE_READS,
    riskScore,
    riskScoreReader,
    riskScoreRoles,
} from '../../views';
import { ListForbidden, WORK_LISTS } from '../../worklists';
import { openList, type ReadModels } from '../worklists/service';
import {
    ClusterParams,
    IndicatorQuery,
    IndicatorsResponse,
    PartyParams,
    RiskScoreQuery,
    RiskScoreResponse,
} from './schema';

const tag = 'market views';
const errors = ['READ_MODEL_UNAVAILABLE', 'NOT_FOUND'] as const;

function forbiddenAs403<T>(check: () => T): T {
    try {
        return check();
    } catch (error) {
        if (error instanceof ListForbidden) throw new ApiError(403, 'FORBIDDEN', error.message);
        throw error;
    }
}

const indicatorAccess =
    'Roles that may list every ' +
    INDICATOR_LISTS.join(', ') +
    ' record on the ledger (' +
    INDICATOR_LISTS.flatMap((list) => WORK_LISTS[list].mirrors).join(', ') +
    ', docs/permissions.md). ';

/** The pilot's indicators and the risk score (docs/indicators.md), from the caller's own org read model. */
export function viewRoutes(readModels: ReadModels | undefined): AnyRoute[] {
    return [
        defineRoute({
            method: 'get',
            path: '/v1/views/market/indicators',
            operationId: 'marketIndicators',
            summary: "The pilot's indicators of the whole market, per month",
            description:
                'Per month (China dates): export value and count, growth month on month and year on year, active ' +
                'vendors/agents/buyers and buyer countries, share of flagged or returned declarations, income and ' +
                'settlement rate, days from exit to income, exemption filings and their rate, clearance days. Each ' +
                'figure carries `records`, the work-list URL of exactly the records it counts. ' +
                indicatorAccess,
            tag,
            roles: indicatorRoles(),
            errors,
            query: IndicatorQuery,
            response: IndicatorsResponse,
            handle: async ({ principal, query }) => {
                forbiddenAs403(() => {
                    assertIndicatorReader(principal);
                });
                const { model, readModel } = await openList(readModels, principal, 'declarations');
                const months = await marketIndicators(model, { from: query.from, to: query.to });
                return { clusterId: null, from: query.from, to: query.to, months, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/views/clusters/:clusterId/indicators',
            operationId: 'clusterIndicators',
            summary: "The pilot's indicators of one market cluster, per month",
            description:
                'As the market-wide indicators, for the declarations carrying a trade of the cluster, the parties ' +
                "on the cluster's trades and the exemption filings of its merchants. " +
                indicatorAccess,
            tag,
            roles: indicatorRoles(),
            errors,
            params: ClusterParams,
            query: IndicatorQuery,
            response: IndicatorsResponse,
            handle: async ({ principal, params, query }) => {
                forbiddenAs403(() => {
                    assertIndicatorReader(principal);
                });
                const { model, readModel } = await openList(readModels, principal, 'declarations');
                const cluster = await model.db
                    .selectFrom('clusters')
                    .select('cluster_id')
                    .where('cluster_id', '=', params.clusterId)
                    .executeTakeFirst();
                if (cluster === undefined) {
                    throw new ApiError(
                        404,
                        'NOT_FOUND',
                        `cluster ${params.clusterId} is not registered / 市场集聚区 ${params.clusterId} 未登记`,
                    );
                }
                const months = await marketIndicators(model, { cluster: params.clusterId, ...query });
                return { clusterId: params.clusterId, from: query.from, to: query.to, months, readModel };
            },
        }),
        defineRoute({
            method: 'get',
            path: '/v1/views/parties/:partyId/risk-score',
            operationId: 'partyRiskScore',
            summary: "A party's explainable risk score: every point cites the flags and facts behind it",
            description:
                'Points for open and confirmed risk flags by severity (on the party, its trades, its declarations ' +
                'and receipts paid to it), returned, held and amended declarations, amended and cancelled trades, ' +
                'and income late or missing 90 days after exit; score = Σ points, band LOW < 20 ≤ MEDIUM < 50 ≤ ' +
                `HIGH. Authorised like ${RISK_SCORE_READS.join(' and ')} together: a bank only for itself and the ` +
                'parties its receipts rely on (V34), and it sees cited only the trades and declarations its receipts ' +
                'rely on (the others counted in `hiddenRecords`).',
            tag,
            roles: riskScoreRoles(),
            errors,
            params: PartyParams,
            query: RiskScoreQuery,
            response: RiskScoreResponse,
            handle: async ({ principal, params, query }) => {
                const scope = forbiddenAs403(() => riskScoreReader(principal));
                const { model, readModel } = await openList(readModels, principal, 'riskFlags');
                const party = await model.db
                    .selectFrom('parties')
                    .select('party_id')
                    .where('party_id', '=', params.partyId)
                    .executeTakeFirst();
                const sight =
                    scope === 'OWN' && principal.party !== null
                        ? { mspId: principal.mspId, partyId: principal.party }
                        : null;
                if (party === undefined || (sight !== null && !(await bankSeesParty(model, sight, params.partyId)))) {
                    // a party the caller may not read is answered as one that does not exist (no probing, V34)
                    throw new ApiError(
                        404,
                        'NOT_FOUND',
                        `party ${params.partyId} is not filed or not visible to the caller / 当事人 ${params.partyId} 未备案或无权查看`,
                    );
                }
                const score = await riskScore(model, params.partyId, query.asOf ?? chinaToday(), sight);
                return {
                    ...score,
                    items: score.items.map((item) => ({ ...item, records: [...item.records] })),
                    readModel,
                };
            },
        }),
    ];
}
